//! Roman Urdu rows of the everyday-talk table (see `super`).

use serde_json::json;

use super::rows::{Row, Seen, Want, add, call, confirm_delete, delete, done, due, list, priority, search};
use crate::agent::offline::reply::Say;

/// Dentists a title search found.
const TWO_DENTISTS: &[(i64, &str)] = &[(7, "dentist appointment"), (9, "dentist bill")];

pub(super) fn rows() -> Vec<Row> {
    use Seen::{Found, List, Nothing, One};
    vec![
        // References by title or position in the list shown.
        ("doosra wala complete karo", List, done(2)),
        ("pehla wala ho gaya", List, done(1)),
        ("teesra kaam mukammal kar do", List, done(3)),
        ("aakhri wala hata do", List, delete(7)),
        ("doodh wala kaam ho gaya", List, done(6)),
        ("doodh lena ho gaya", List, done(6)),
        ("dentist wala kaam delete kar do", List, confirm_delete(7)),
        ("doosre wale ko kal par shift karo", List, due(2, "tomorrow")),
        ("pehle wale ko urgent karo", List, priority(1, "p1")),
        ("bill wala kaam nipta diya", List, done(3)),
        ("maine doodh le liya", List, done(6)),
        ("dusri wali mukammal karo", List, done(2)),
        ("usay hata do", One, delete(8)),
        ("ye wala ho gaya", One, done(8)),
        ("wo mukammal karo", One, done(8)),
        ("isay kal par kar do", One, due(8, "tomorrow")),
        ("usay hata do", List, Want::Say(Say::WhichOne)),
        ("doosra wala complete karo", Nothing, Want::Say(Say::NoList)),
        ("report wala kaam ho gaya", Nothing, Want::Find("report", "pending")),
        ("dentist wala kaam hata do", Found(TWO_DENTISTS), Want::Choose(vec![7, 9])),
        ("gym wala kaam mukammal karo", Found(&[]), Want::Say(Say::NotFound)),
        // Statements of need.
        (
            "parson shaam 6 baje dentist ke paas jaana hai",
            Nothing,
            add("dentist ke paas jaana", Some("in 2 days 6pm")),
        ),
        ("kal doodh lena hai", Nothing, add("doodh lena", Some("tomorrow"))),
        ("jumma ko bill jama karwana hai", Nothing, add("bill jama karwana", Some("friday"))),
        ("mujhe kal ammi ko call karni hai", Nothing, add("ammi ko call karni", Some("tomorrow"))),
        ("agle hafte passport renew karwana hoga", Nothing, add("passport renew karwana", Some("next week"))),
        ("aaj raat dawai leni hai", Nothing, add("dawai leni", Some("tonight"))),
        ("subah 8 baje gym jaana hai", Nothing, add("gym jaana", Some("8am"))),
        ("kal tak report bhejni hai", Nothing, add("report bhejni", Some("tomorrow"))),
        ("mujhe bijli ka bill bharna hai", Nothing, add("bijli ka bill bharna", None)),
        // Questions.
        ("kal kya karna hai?", Nothing, list(json!({"due": "tomorrow"}))),
        ("aaj ke kaam kya hain?", Nothing, list(json!({"due": "today"}))),
        ("maine is hafte kya mukammal kiya?", Nothing, list(json!({"status": "completed"}))),
        ("kaunse kaam baqi hain?", Nothing, list(json!({"status": "pending"}))),
        ("mere paas aaj kya hai?", Nothing, list(json!({"due": "today"}))),
        ("is hafte kya kya karna hai", Nothing, list(json!({"due": "this_week"}))),
        ("koi urgent kaam hai?", Nothing, list(json!({"priority": "p1"}))),
        ("dentist ke bare mein kya hai?", Nothing, search("dentist")),
        // Command words around titles, and the many verbs.
        ("doodh lena add kar do", Nothing, add("doodh lena", None)),
        ("kal doodh lena yaad dila dena", Nothing, add("doodh lena", Some("tomorrow"))),
        ("bazaar se sabzi lena likh lo", Nothing, add("bazaar se sabzi lena", None)),
        ("note kar lo: bill jama karna", Nothing, add("bill jama karna", None)),
        ("dentist talaash karo", Nothing, search("dentist")),
        ("doctor dhundo", Nothing, search("doctor")),
        ("3 ho gaya", Nothing, done(3)),
        ("task 4 hata do", Nothing, delete(4)),
        ("5 ko kal par shift karo", Nothing, due(5, "tomorrow")),
        ("2 ko agle hafte kar do", Nothing, due(2, "next week")),
        ("6 nikal do", Nothing, delete(6)),
        ("3 aur 4 mukammal kar diye", Nothing, call("complete_task", json!({"tasks": [3, 4]}))),
        // Plural pointers, several titles, reports of done, a task with only a date.
        ("pehle do mukammal karo", List, call("complete_task", json!({"tasks": [1, 2]}))),
        ("un sab ko hata do", List, call("delete_task", json!({"tasks": [1, 2, 3, 4, 5, 6, 7]}))),
        ("doodh lena aur bill wala kaam ho gaya", List, call("complete_task", json!({"tasks": [6, 3]}))),
        ("kal subah gym", Nothing, add("gym", Some("tomorrow morning"))),
        ("dentist ko dhundo", Nothing, search("dentist")),
        ("dentist wala kaam kal par kar do", List, due(7, "tomorrow")),
        ("bill jama kar diya", List, done(3)),
        // Held out: written after the grammar and run once before any change (see README).
        ("teesre wala ho gaya", List, done(3)),
        ("pehli wali hata do", List, delete(1)),
        ("akhri wala mukammal karo", List, done(7)),
        ("ammi wala kaam ho gaya", List, Want::Find("ammi", "pending")),
        ("dentist wala kaam agle hafte par shift karo", List, due(7, "next week")),
        ("wo wala hata do", One, delete(8)),
        ("kal subah bank jaana hai", Nothing, add("bank jaana", Some("tomorrow morning"))),
        ("mujhe parson tak form jama karwana hai", Nothing, add("form jama karwana", Some("in 2 days"))),
        ("aaj kya kya karna hai?", Nothing, list(json!({"due": "today"}))),
        ("agle hafte ke kaam kya hain", Nothing, list(json!({"due": "next_week"}))),
        ("maine aaj kya kya mukammal kiya", Nothing, list(json!({"status": "completed"}))),
        ("passport dhoondo", Nothing, search("passport")),
        ("sabzi lena likh lo", Nothing, add("sabzi lena", None)),
        ("4 ko parson par kar do", Nothing, due(4, "in 2 days")),
        ("2 mukammal ho gaya", Nothing, done(2)),
    ]
}
