//! Urdu-script rows of the everyday-talk table (see `super`).

use serde_json::json;

use super::rows::{Row, Seen, Want, add, call, confirm_delete, delete, done, due, list, priority, search};
use crate::agent::offline::reply::Say;

/// Dentists a title search found.
const TWO_DENTISTS: &[(i64, &str)] = &[(7, "ڈینٹسٹ سے ملنا"), (9, "ڈینٹسٹ کا بل")];

pub(super) fn rows() -> Vec<Row> {
    use Seen::{Found, List, Nothing, One};
    vec![
        // References by title or position in the list shown.
        ("دوسرا والا مکمل کریں", List, done(2)),
        ("پہلا والا ہو گیا", List, done(1)),
        ("تیسرا کام مکمل کر دیں", List, done(3)),
        ("آخری والا حذف کریں", List, delete(7)),
        ("دودھ والا کام ہو گیا", List, done(4)),
        ("دودھ لینا مکمل ہو گیا", List, done(4)),
        ("بل والا کام مکمل کریں", List, done(5)),
        ("دوسرے والے کو کل پر منتقل کریں", List, due(2, "tomorrow")),
        ("پہلے والے کو فوری کریں", List, priority(1, "p1")),
        ("بل والا کام ہٹا دیں", List, confirm_delete(5)),
        ("دوسری والی ختم ہو گئی", List, done(2)),
        ("میں نے دودھ لے لیا", List, done(4)),
        ("اسے حذف کریں", One, delete(8)),
        ("یہ والا مکمل کریں", One, done(8)),
        ("اسے کل پر منتقل کریں", One, due(8, "tomorrow")),
        ("اسے حذف کریں", List, Want::Say(Say::WhichOne)),
        ("دوسرا والا مکمل کریں", Nothing, Want::Say(Say::NoList)),
        ("رپورٹ والا کام مکمل ہو گیا", Nothing, Want::Find("رپورٹ", "pending")),
        ("ڈینٹسٹ والا کام ہٹا دیں", Found(TWO_DENTISTS), Want::Choose(vec![7, 9])),
        ("جم والا کام مکمل کریں", Found(&[]), Want::Say(Say::NotFound)),
        // Statements of need.
        ("جمعہ کو بل جمع کروانا ہے", Nothing, add("بل جمع کروانا", Some("friday"))),
        ("کل امی کو فون کرنا ہے", Nothing, add("امی کو فون کرنا", Some("tomorrow"))),
        ("پرسوں شام 6 بجے ڈاکٹر کے پاس جانا ہے", Nothing, add("ڈاکٹر کے پاس جانا", Some("in 2 days 6pm"))),
        ("مجھے آج رات دوا لینی ہے", Nothing, add("دوا لینی", Some("tonight"))),
        ("اگلے ہفتے پاسپورٹ بنوانا ہوگا", Nothing, add("پاسپورٹ بنوانا", Some("next week"))),
        ("صبح 8 بجے جم جانا ہے", Nothing, add("جم جانا", Some("8am"))),
        ("مجھے بجلی کا بل بھرنا ہے", Nothing, add("بجلی کا بل بھرنا", None)),
        ("کل تک رپورٹ بھیجنی ہے", Nothing, add("رپورٹ بھیجنی", Some("tomorrow"))),
        // Questions.
        ("آج میرے کیا کام ہیں؟", Nothing, list(json!({"due": "today"}))),
        ("کل کیا کرنا ہے؟", Nothing, list(json!({"due": "tomorrow"}))),
        ("اس ہفتے کیا کیا کرنا ہے؟", Nothing, list(json!({"due": "this_week"}))),
        ("میں نے اس ہفتے کیا مکمل کیا؟", Nothing, list(json!({"status": "completed"}))),
        ("کون سے کام باقی ہیں؟", Nothing, list(json!({"status": "pending"}))),
        ("کون سے کام زائد المیعاد ہیں؟", Nothing, list(json!({"due": "overdue"}))),
        ("ڈاکٹر کے بارے میں کیا ہے؟", Nothing, search("ڈاکٹر")),
        ("کیا کوئی فوری کام ہے؟", Nothing, list(json!({"priority": "p1"}))),
        // Command words around titles, and the many verbs.
        ("کام شامل کریں: کتاب واپس کرنا", Nothing, add("کتاب واپس کرنا", None)),
        ("نیا کام: کتاب واپس کرنا", Nothing, add("کتاب واپس کرنا", None)),
        ("کتاب واپس کرنا لکھ لیں", Nothing, add("کتاب واپس کرنا", None)),
        ("کل دودھ لینا یاد دلا دیں", Nothing, add("دودھ لینا", Some("tomorrow"))),
        ("کل دودھ لینا نوٹ کر لیں", Nothing, add("دودھ لینا", Some("tomorrow"))),
        ("دودھ ڈھونڈیں", Nothing, search("دودھ")),
        ("ڈاکٹر تلاش کریں", Nothing, search("ڈاکٹر")),
        ("کام 3 ہو گیا", Nothing, done(3)),
        ("کام 4 ہٹا دیں", Nothing, delete(4)),
        ("کام 5 کو کل پر منتقل کریں", Nothing, due(5, "tomorrow")),
        ("کام 2 کو اگلے ہفتے کر دیں", Nothing, due(2, "next week")),
        ("کام 6 نکال دیں", Nothing, delete(6)),
        // Plural pointers, several titles, reports of done, a task with only a date.
        ("پہلے دو مکمل کریں", List, call("complete_task", json!({"tasks": [1, 2]}))),
        ("ان سب کو حذف کریں", List, call("delete_task", json!({"tasks": [1, 2, 3, 4, 5, 6, 7]}))),
        ("دودھ لینا اور بل والا کام ہو گیا", List, call("complete_task", json!({"tasks": [4, 5]}))),
        ("کل صبح جم", Nothing, add("جم", Some("tomorrow morning"))),
        ("بل والا کام کل پر کر دیں", List, due(5, "tomorrow")),
        ("بجلی کا بل ادا کر دیا", List, done(5)),
        // Held out: written after the grammar and run once before any change (see README).
        ("تیسرا والا ہو گیا", List, done(3)),
        ("پہلی والی حذف کر دیں", List, delete(1)),
        ("آخری کام مکمل کریں", List, done(7)),
        ("بجلی کا بل جمع ہو گیا", List, done(5)),
        ("دوسرے والے کو اگلے ہفتے پر منتقل کریں", List, due(2, "next week")),
        ("وہ والا ہٹا دیں", One, delete(8)),
        ("کل صبح بینک جانا ہے", Nothing, add("بینک جانا", Some("tomorrow morning"))),
        ("پرسوں تک فارم جمع کروانا ہے", Nothing, add("فارم جمع کروانا", Some("in 2 days"))),
        ("آج کیا کیا کرنا ہے؟", Nothing, list(json!({"due": "today"}))),
        ("اگلے ہفتے کے کام کیا ہیں؟", Nothing, list(json!({"due": "next_week"}))),
        ("میں نے آج کیا مکمل کیا؟", Nothing, list(json!({"status": "completed"}))),
        ("پاسپورٹ ڈھونڈیں", Nothing, search("پاسپورٹ")),
        ("سبزی لینا لکھ لیں", Nothing, add("سبزی لینا", None)),
        ("کام 4 کو پرسوں پر کر دیں", Nothing, due(4, "in 2 days")),
        ("کام شامل کریں: بچوں کو اسکول سے لینا", Nothing, add("بچوں کو اسکول سے لینا", None)),
    ]
}
