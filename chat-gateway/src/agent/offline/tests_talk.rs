//! The everyday-talk tables: many phrasings per kind (references by position, pointer and
//! title; statements of need; questions; the many verbs of one command; titles inside
//! command words) in each language, planned in a thread that showed a list. Each language's
//! rows are counted: the test prints how many pass and holds every language to at least
//! [`PASS_PERCENT_AT_LEAST`], so a phrasing the grammar misses shows up as a number, not as
//! a silent skip. The rows themselves are in `tests_talk_en`, `tests_talk_roman` and
//! `tests_talk_urdu`.

use serde_json::{Value, json};

use super::reply::{Say, say};
use super::{Context, Lang, Plan, PlannedCall, Shown, plan_in};

/// The share of a language's rows that must plan as written (the rest are printed).
const PASS_PERCENT_AT_LEAST: usize = 90;

/// What the thread showed before the message.
#[derive(Clone, Copy)]
pub(super) enum Seen {
    /// Nothing: a new thread.
    Nothing,
    /// The seven-task list of [`LIST`].
    List,
    /// A one-task answer (#8 "book flight") after that list.
    One,
    /// The list, and a title search that found these tasks.
    Found(&'static [(i64, &'static str)]),
}

/// The list the thread showed, in order.
const LIST: [(i64, &str); 7] = [
    (1, "buy milk"),
    (2, "call mom"),
    (3, "pay electricity bill"),
    (4, "دودھ لینا"),
    (5, "بجلی کا بل جمع کرنا"),
    (6, "doodh lena"),
    (7, "dentist appointment"),
];

/// What one message should plan to.
pub(super) enum Want {
    Calls(Vec<(&'static str, Value)>),
    Say(Say),
    Find(&'static str, &'static str),
    Choose(Vec<i64>),
    Confirm(&'static str, Value),
}

/// A table row: the message, what the thread showed, what it should plan to.
pub(super) type Row = (&'static str, Seen, Want);

pub(super) fn call(tool: &'static str, arguments: Value) -> Want {
    Want::Calls(vec![(tool, arguments)])
}
pub(super) fn add(title: &str, due: Option<&str>) -> Want {
    let mut args = json!({"title": title});
    if let Some(due) = due {
        args["due"] = json!(due);
    }
    call("add_task", args)
}
pub(super) fn list(filters: Value) -> Want {
    call("list_tasks", filters)
}
pub(super) fn search(query: &str) -> Want {
    call("search_tasks", json!({"query": query}))
}
pub(super) fn done(n: i64) -> Want {
    call("complete_task", json!({"task": n}))
}
pub(super) fn delete(n: i64) -> Want {
    call("delete_task", json!({"task": n}))
}
pub(super) fn confirm_delete(n: i64) -> Want {
    Want::Confirm("delete_task", json!({"task": n}))
}
pub(super) fn due(n: i64, due: &str) -> Want {
    call("update_task", json!({"task": n, "due": due}))
}
pub(super) fn priority(n: i64, p: &str) -> Want {
    call("set_priority", json!({"task": n, "priority": p}))
}

fn shown(rows: &[(i64, &str)]) -> Vec<Shown> {
    rows.iter()
        .map(|(number, title)| Shown { number: *number, title: (*title).into(), done: false })
        .collect()
}

fn context(seen: Seen) -> Context {
    match seen {
        Seen::Nothing => Context::default(),
        Seen::List => Context { lists: vec![shown(&LIST)], found: None },
        Seen::One => Context { lists: vec![shown(&[(8, "book flight")]), shown(&LIST)], found: None },
        Seen::Found(rows) => Context { lists: vec![shown(&LIST)], found: Some(shown(rows)) },
    }
}

fn expected(lang: Lang, want: Want) -> Plan {
    match want {
        Want::Calls(calls) => Plan::Calls {
            lang,
            calls: calls.into_iter().map(|(tool, arguments)| PlannedCall { tool, arguments }).collect(),
        },
        Want::Say(what) => Plan::Reply { lang, text: say(lang, what) },
        Want::Find(query, status) => Plan::Find { lang, query: query.into(), status },
        Want::Choose(numbers) => Plan::Choose { lang, text: say(lang, Say::WhichOfThese), numbers },
        Want::Confirm(tool, arguments) => Plan::Confirm { lang, call: PlannedCall { tool, arguments } },
    }
}

/// Plans every row; prints the language's pass count and the rows that differ; holds the
/// language to [`PASS_PERCENT_AT_LEAST`].
fn check(lang: Lang, rows: Vec<Row>) {
    let total = rows.len();
    let failures: Vec<String> = rows
        .into_iter()
        .filter_map(|(text, seen, want)| {
            let (got, want) = (plan_in(text, &context(seen)), expected(lang, want));
            (got != want).then(|| format!("{text:?}\n   got:  {got:?}\n   want: {want:?}"))
        })
        .collect();
    let passed = total - failures.len();
    println!("{lang:?}: {passed}/{total} everyday-talk rows plan as written");
    for failure in &failures {
        println!("{failure}");
    }
    assert!(total >= 40, "{lang:?}: dozens of rows per language, {total} given");
    assert!(
        passed * 100 >= total * PASS_PERCENT_AT_LEAST,
        "{lang:?}: {passed}/{total} rows pass:\n{}",
        failures.join("\n")
    );
}

#[test]
fn english_everyday_talk_plans_as_people_mean_it() {
    check(Lang::English, super::tests_talk_en::rows());
}

#[test]
fn roman_urdu_everyday_talk_plans_as_people_mean_it() {
    check(Lang::RomanUrdu, super::tests_talk_roman::rows());
}

#[test]
fn urdu_everyday_talk_plans_as_people_mean_it() {
    check(Lang::Urdu, super::tests_talk_urdu::rows());
}
