//! The store contract: every `Store` behaviour as a small async function over
//! `&dyn Store`, stamped out for SQLite and PostgreSQL (a fresh database per test).
#![allow(clippy::unwrap_used)]

mod support;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use mcp_tasks::dates::{Due, Recurrence};
use mcp_tasks::store::{
    Change, DueFilter, DueSpec, NewReminder, NewTask, Priority, Sort, Status, StatusFilter, Store,
    StoreError, TaskQuery,
};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    at("2026-11-22T10:00:00Z")
}

fn task(title: &str) -> NewTask {
    NewTask {
        title: title.into(),
        description: None,
        priority: Priority::DEFAULT,
        tags: vec![],
        due: None,
        recurrence: None,
        reminders: vec![],
    }
}

fn due(d: Due) -> Option<DueSpec> {
    Some(DueSpec { due: d, phrase: Some("phrase".into()), tz: "UTC".into() })
}

fn query() -> TaskQuery {
    TaskQuery { limit: 20, ..TaskQuery::default() }
}

async fn titles(store: &dyn Store, user: &str, q: &TaskQuery) -> Vec<String> {
    store.query_tasks(user, q).await.unwrap().tasks.into_iter().map(|t| t.title).collect()
}

async fn numbers_are_per_user_and_never_reused(s: &dyn Store) {
    let a = s.add_tasks("alice", vec![task("a1"), task("a2")], now()).await.unwrap();
    let b = s.add_tasks("bob", vec![task("b1")], now()).await.unwrap();
    assert_eq!(a.iter().map(|t| t.number).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(b[0].number, 1);
    s.delete_tasks("alice", &[2]).await.unwrap();
    let a3 = s.add_tasks("alice", vec![task("a3")], now()).await.unwrap();
    assert_eq!(a3[0].number, 3, "a deleted number is never reused");
}

async fn every_field_round_trips(s: &dyn Store) {
    let rule = Recurrence {
        phrase: "every monday".into(),
        rrule: "FREQ=WEEKLY;BYDAY=MO".into(),
        from_completion: true,
    };
    let new = NewTask {
        title: "دودھ خریدنا".into(),
        description: Some("with notes".into()),
        priority: Priority::new(1).unwrap(),
        tags: vec!["errands".into(), "home".into()],
        due: Some(DueSpec {
            due: Due::At(at("2026-11-23T12:00:00Z")),
            phrase: Some("kal".into()),
            tz: "Asia/Karachi".into(),
        }),
        recurrence: Some(rule.clone()),
        reminders: vec![],
    };
    let created = s.add_tasks("alice", vec![new, task("day task")], now()).await.unwrap();
    s.modify_tasks("alice", &[2], now(), &|t| {
        t.due = due(Due::Day(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
        Ok(Change::Edited)
    })
    .await
    .unwrap();
    let got = s.get_tasks("alice", &[1, 2]).await.unwrap();
    assert_eq!(got[0], created[0], "a task reads back exactly as created");
    assert_eq!(got[0].recurrence.as_ref(), Some(&rule));
    assert_eq!(
        got[1].due.as_ref().map(|d| d.due),
        Some(Due::Day(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()))
    );
}

/// A single task without reminders may take a shorter way in (one statement on PostgreSQL):
/// it keeps every field, and concurrent adds still get distinct numbers in order.
async fn single_adds_keep_every_field_and_concurrent_ones_get_distinct_numbers(s: &dyn Store) {
    let new = NewTask {
        description: Some("notes".into()),
        priority: Priority::new(2).unwrap(),
        tags: vec!["home".into()],
        due: Some(DueSpec {
            due: Due::At(at("2026-11-23T12:00:00Z")),
            phrase: Some("tomorrow noon".into()),
            tz: "Asia/Karachi".into(),
        }),
        recurrence: Some(Recurrence {
            phrase: "every day".into(),
            rrule: "FREQ=DAILY".into(),
            from_completion: false,
        }),
        ..task("one")
    };
    let created = s.add_tasks("alice", vec![new], now()).await.unwrap();
    assert_eq!(created[0].number, 1);
    assert_eq!(s.get_tasks("alice", &[1]).await.unwrap(), created, "read back as returned");

    let adds = (0..12).map(|i| s.add_tasks("alice", vec![task(&format!("t{i}"))], now()));
    let mut numbers: Vec<i64> =
        futures::future::join_all(adds).await.into_iter().map(|r| r.unwrap()[0].number).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (2..=13).collect::<Vec<_>>());
    let batch = s.add_tasks("alice", vec![task("b1"), task("b2")], now()).await.unwrap();
    assert_eq!(batch.iter().map(|t| t.number).collect::<Vec<_>>(), vec![14, 15]);
    assert_eq!(s.add_tasks("bob", vec![task("b")], now()).await.unwrap()[0].number, 1);
}

async fn many_tasks_changed_at_once_read_back_exactly_as_changed(s: &dyn Store) {
    let rule = Recurrence { phrase: "every day".into(), rrule: "FREQ=DAILY".into(), from_completion: false };
    s.add_tasks("alice", vec![task("one"), task("two"), task("three")], now()).await.unwrap();
    s.add_tasks("bob", vec![task("bob's")], now()).await.unwrap();
    let later = at("2026-11-22T10:05:00.123Z");
    let changes = s
        .modify_tasks("alice", &[1, 2, 3], later, &|t| {
            t.description = Some(format!("notes on {}", t.title));
            t.priority = Priority::new(2).unwrap();
            t.tags = vec!["home".into(), "urdu-کام".into()];
            match t.number {
                1 => {
                    t.due = due(Due::At(at("2026-11-23T12:00:00Z")));
                    t.recurrence = Some(rule.clone());
                }
                2 => t.due = due(Due::Day(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())),
                _ => {
                    t.status = Status::Completed;
                    t.completed_at = Some(later);
                    return Ok(Change::Completed);
                }
            }
            Ok(Change::Edited)
        })
        .await
        .unwrap();
    let got = s.get_tasks("alice", &[1, 2, 3]).await.unwrap();
    let after: Vec<_> = changes.into_iter().map(|(_, after)| after).collect();
    assert_eq!(got, after, "every changed column reads back as written");
    assert_eq!(got[2].updated_at, later);
    let stats = s.analytics("alice", now()).await.unwrap();
    assert_eq!(stats.completions.len(), 1, "one completion recorded");
    assert_eq!(s.get_tasks("bob", &[1]).await.unwrap()[0].title, "bob's", "bob's #1 is untouched");
}

async fn missing_and_foreign_numbers_are_not_found(s: &dyn Store) {
    s.add_tasks("alice", vec![task("mine")], now()).await.unwrap();
    s.add_tasks("bob", vec![task("bob's")], now()).await.unwrap();
    s.delete_tasks("bob", &[1]).await.unwrap();
    let not_found = |r: Result<_, StoreError>| matches!(r, Err(StoreError::NotFound(n)) if n == vec![1]);
    assert!(not_found(s.get_tasks("bob", &[1]).await.map(|_| ())));
    assert!(not_found(s.modify_tasks("bob", &[1], now(), &|_| Ok(Change::Edited)).await.map(|_| ())));
    assert!(not_found(s.delete_tasks("bob", &[1]).await.map(|_| ())));
    let r = NewReminder { at: now() + Duration::hours(1), phrase: None };
    assert!(not_found(s.add_reminder("bob", 1, r, now()).await.map(|_| ())));
    assert_eq!(s.get_tasks("alice", &[1]).await.unwrap()[0].title, "mine", "alice's task is untouched");
}

async fn bulk_changes_are_all_or_nothing(s: &dyn Store) {
    s.add_tasks("alice", vec![task("one"), task("two")], now()).await.unwrap();
    let missing = s.delete_tasks("alice", &[1, 2, 7]).await;
    assert!(matches!(missing, Err(StoreError::NotFound(n)) if n == vec![7]));
    let refused = s
        .modify_tasks("alice", &[1, 2], now(), &|t| {
            t.title.push('!');
            if t.number == 2 { Err("no".into()) } else { Ok(Change::Edited) }
        })
        .await;
    assert!(matches!(refused, Err(StoreError::Rejected(_))));
    let left = s.get_tasks("alice", &[1, 2]).await.unwrap();
    assert_eq!(left.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), vec!["one", "two"]);
}

async fn modify_found_changes_what_exists_and_names_what_does_not(s: &dyn Store) {
    s.add_tasks("alice", vec![task("a1"), task("a2"), task("a3")], now()).await.unwrap();
    s.add_tasks("bob", vec![task("b1")], now()).await.unwrap();
    let later = now() + Duration::minutes(5);
    let (changes, missing) = s
        .modify_found("bob", &[3, 1, 2, 1], later, &|t| {
            t.title.push('!');
            Ok(Change::Edited)
        })
        .await
        .unwrap();
    assert_eq!(changes.iter().map(|(_, after)| after.title.as_str()).collect::<Vec<_>>(), vec!["b1!"]);
    assert_eq!(missing, vec![3, 2], "each number once, in the order asked");
    let alices = s.get_tasks("alice", &[1, 2, 3]).await.unwrap();
    assert_eq!(alices.iter().map(|t| t.title.as_str()).collect::<Vec<_>>(), vec!["a1", "a2", "a3"]);
    let (changes, missing) = s.modify_found("alice", &[9], later, &|_| Ok(Change::Edited)).await.unwrap();
    assert!(changes.is_empty() && missing == vec![9]);
}

async fn modify_reports_before_and_after_and_records_completions(s: &dyn Store) {
    s.add_tasks("alice", vec![task("a"), task("b")], now()).await.unwrap();
    let later = now() + Duration::minutes(5);
    let changes = s
        .modify_tasks("alice", &[2, 1], later, &|t| {
            if t.number == 1 {
                return Ok(Change::Edited);
            }
            t.status = Status::Completed;
            t.completed_at = Some(later);
            Ok(Change::Completed)
        })
        .await
        .unwrap();
    assert_eq!(changes[0].0.number, 2, "pairs come back in the order asked");
    assert_eq!(changes[0].1.updated_at, later);
    assert_eq!(changes[1].0, changes[1].1, "an unchanged task is reported unchanged");
    let data = s.analytics("alice", now() - Duration::days(1)).await.unwrap();
    assert_eq!(data.completed_total, 1);
    assert_eq!(data.completions, vec![later]);
    assert_eq!(data.pending.len(), 1);
}

async fn list_filters_by_status_priority_tags_and_recurrence(s: &dyn Store) {
    let mut urgent = task("urgent home");
    urgent.priority = Priority::new(1).unwrap();
    urgent.tags = vec!["home".into(), "x_y".into()];
    let mut work = task("work");
    work.tags = vec!["work".into(), "home".into()];
    let mut repeat = task("repeat");
    repeat.recurrence =
        Some(Recurrence { phrase: "daily".into(), rrule: "FREQ=DAILY".into(), from_completion: false });
    s.add_tasks("alice", vec![urgent, work, repeat, task("done")], now()).await.unwrap();
    s.modify_tasks("alice", &[4], now(), &|t| {
        t.status = Status::Completed;
        Ok(Change::Completed)
    })
    .await
    .unwrap();
    let by = |f: fn(&mut TaskQuery)| {
        let mut q = query();
        q.sort = Sort::Number;
        f(&mut q);
        q
    };
    assert_eq!(titles(s, "alice", &by(|_| {})).await, vec!["urgent home", "work", "repeat"]);
    assert_eq!(titles(s, "alice", &by(|q| q.status = StatusFilter::Completed)).await, vec!["done"]);
    assert_eq!(titles(s, "alice", &by(|q| q.status = StatusFilter::All)).await.len(), 4);
    assert_eq!(
        titles(s, "alice", &by(|q| q.priorities = vec![Priority::new(1).unwrap()])).await,
        vec!["urgent home"]
    );
    assert_eq!(titles(s, "alice", &by(|q| q.tags = vec!["home".into()])).await, vec!["urgent home", "work"]);
    let all = by(|q| {
        q.tags = vec!["home".into(), "work".into()];
        q.all_tags = true;
    });
    assert_eq!(titles(s, "alice", &all).await, vec!["work"]);
    assert_eq!(titles(s, "alice", &by(|q| q.tags = vec!["x_y".into()])).await, vec!["urgent home"]);
    assert!(
        titles(s, "alice", &by(|q| q.tags = vec!["x%".into()])).await.is_empty(),
        "LIKE wildcards are literal"
    );
    assert_eq!(titles(s, "alice", &by(|q| q.recurring_only = true)).await, vec!["repeat"]);
    assert!(titles(s, "bob", &by(|q| q.status = StatusFilter::All)).await.is_empty(), "bob sees none of it");
}

async fn due_windows_and_sorting(s: &dyn Store) {
    let day = |d: u32| Due::Day(NaiveDate::from_ymd_opt(2026, 11, d).unwrap());
    let mut tasks = Vec::new();
    for (title, d, p) in [
        ("yesterday", Some(day(21)), 4),
        ("today", Some(day(22)), 3),
        ("past hour", Some(Due::At(at("2026-11-22T09:00:00Z"))), 2),
        ("later today", Some(Due::At(at("2026-11-22T18:00:00Z"))), 1),
        ("next week", Some(day(30)), 4),
        ("undated", None, 1),
    ] {
        let mut t = task(title);
        t.due = d.and_then(due);
        t.priority = Priority::new(p).unwrap();
        tasks.push(t);
    }
    s.add_tasks("alice", tasks, now()).await.unwrap();
    let start_of_today = at("2026-11-22T00:00:00Z");
    let mut q = query();
    q.due = Some(DueFilter::Overdue { now: now(), start_of_today });
    assert_eq!(titles(s, "alice", &q).await, vec!["yesterday", "past hour"]);
    q.due = Some(DueFilter::Between { from: Some(start_of_today), to: Some(at("2026-11-23T00:00:00Z")) });
    assert_eq!(titles(s, "alice", &q).await, vec!["today", "past hour", "later today"]);
    q.due = Some(DueFilter::NoDate);
    assert_eq!(titles(s, "alice", &q).await, vec!["undated"]);
    q.due = None;
    assert_eq!(
        titles(s, "alice", &q).await,
        vec!["yesterday", "today", "past hour", "later today", "next week", "undated"],
        "due order, undated last"
    );
    q.sort = Sort::Priority;
    assert_eq!(titles(s, "alice", &q).await[..2], ["later today".to_owned(), "undated".to_owned()]);
}

async fn pages_follow_each_other(s: &dyn Store) {
    s.add_tasks("alice", (1..=5).map(|i| task(&format!("t{i}"))).collect(), now()).await.unwrap();
    let mut q = query();
    q.sort = Sort::Number;
    q.limit = 2;
    let first = s.query_tasks("alice", &q).await.unwrap();
    assert!(first.has_more);
    q.offset = 4;
    let last = s.query_tasks("alice", &q).await.unwrap();
    assert!(!last.has_more);
    assert_eq!(last.tasks.iter().map(|t| t.number).collect::<Vec<_>>(), vec![5]);
}

async fn search_finds_prefixes_tags_and_urdu_for_the_owner_only(s: &dyn Store) {
    let mut milk = task("Buy milk");
    milk.description = Some("from the corner shop".into());
    let mut meeting = task("Team meeting");
    meeting.tags = vec!["office".into()];
    s.add_tasks("alice", vec![milk, meeting, task("دودھ خریدنا")], now()).await.unwrap();
    s.add_tasks("bob", vec![task("Buy milk for bob")], now()).await.unwrap();
    let search = |words: &[&str]| {
        let mut q = query();
        q.status = StatusFilter::All;
        q.sort = Sort::Relevance;
        q.words = Some(words.iter().map(|w| (*w).to_owned()).collect());
        q
    };
    assert_eq!(titles(s, "alice", &search(&["milk"])).await, vec!["Buy milk"]);
    assert_eq!(titles(s, "alice", &search(&["mee"])).await, vec!["Team meeting"], "prefixes match");
    assert_eq!(titles(s, "alice", &search(&["corner"])).await, vec!["Buy milk"], "descriptions are searched");
    assert_eq!(titles(s, "alice", &search(&["office"])).await, vec!["Team meeting"], "tags are searched");
    assert_eq!(titles(s, "alice", &search(&["دودھ"])).await, vec!["دودھ خریدنا"]);
    assert_eq!(titles(s, "alice", &search(&["buy", "milk"])).await, vec!["Buy milk"]);
    assert!(titles(s, "alice", &search(&["buy", "bread"])).await.is_empty(), "every word must match");
    s.modify_tasks("alice", &[1], now(), &|t| {
        t.title = "Buy bread".into();
        Ok(Change::Edited)
    })
    .await
    .unwrap();
    assert_eq!(titles(s, "alice", &search(&["bread"])).await, vec!["Buy bread"], "the index follows edits");
    s.delete_tasks("alice", &[1]).await.unwrap();
    assert!(titles(s, "alice", &search(&["bread"])).await.is_empty(), "the index follows deletes");
}

async fn search_ranks_best_match_first_and_pages_through_every_match(s: &dyn Store) {
    let titles_in = ["milk milk milk", "milk bread eggs", "milk tea cake", "bread only", "milk jam rice"];
    s.add_tasks("alice", titles_in.iter().map(|t| task(t)).collect(), now()).await.unwrap();
    s.add_tasks("bob", vec![task("milk milk milk milk")], now()).await.unwrap();
    let mut q = query();
    q.status = StatusFilter::All;
    q.sort = Sort::Relevance;
    q.words = Some(vec!["milk".into()]);
    let numbers = |page: mcp_tasks::store::Page| page.tasks.iter().map(|t| t.number).collect::<Vec<_>>();
    assert_eq!(
        numbers(s.query_tasks("alice", &q).await.unwrap()),
        vec![1, 5, 3, 2],
        "most occurrences first, then equal matches newest first"
    );
    q.limit = 2;
    let first = s.query_tasks("alice", &q).await.unwrap();
    assert!(first.has_more);
    assert_eq!(numbers(first), vec![1, 5]);
    q.offset = 2;
    let second = s.query_tasks("alice", &q).await.unwrap();
    assert!(!second.has_more);
    assert_eq!(numbers(second), vec![3, 2]);
    s.modify_tasks("alice", &[5], now(), &|t| {
        t.status = Status::Completed;
        Ok(Change::Completed)
    })
    .await
    .unwrap();
    q.status = StatusFilter::Pending;
    q.offset = 0;
    q.limit = 20;
    assert_eq!(numbers(s.query_tasks("alice", &q).await.unwrap()), vec![1, 3, 2], "filters apply to matches");
    q.sort = Sort::Number;
    assert_eq!(numbers(s.query_tasks("alice", &q).await.unwrap()), vec![1, 2, 3], "other orders still apply");
}

async fn reminders_are_listed_delivered_and_retried(s: &dyn Store) {
    s.add_tasks("alice", vec![task("call mum")], now()).await.unwrap();
    let mut with_reminder = task("bob's");
    with_reminder.reminders =
        vec![NewReminder { at: now() + Duration::minutes(10), phrase: Some("in 10 minutes".into()) }];
    s.add_tasks("bob", vec![with_reminder], now()).await.unwrap();
    let soon = NewReminder { at: now() + Duration::minutes(5), phrase: None };
    let listed = s.add_reminder("alice", 1, soon, now()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].task, 1);
    assert!(s.pending_deliveries(now(), 10).await.unwrap().is_empty(), "nothing is due yet");
    let later = now() + Duration::minutes(30);
    let due = s.pending_deliveries(later, 10).await.unwrap();
    assert_eq!(due.iter().map(|d| d.user_id.as_str()).collect::<Vec<_>>(), vec!["alice", "bob"]);
    let alice_due = s.user_due_reminders("alice", now(), later).await.unwrap();
    assert_eq!(alice_due.len(), 1, "alice sees only her own due reminders");
    s.record_delivery(due[0].reminder.id, later, None).await.unwrap();
    s.record_delivery(due[1].reminder.id, later, Some(later + Duration::minutes(1))).await.unwrap();
    assert!(
        s.pending_deliveries(later, 10).await.unwrap().is_empty(),
        "delivered and backing-off are skipped"
    );
    let retry = s.pending_deliveries(later + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].reminder.attempts, 1);
    s.delete_tasks("bob", &[1]).await.unwrap();
    assert!(
        s.pending_deliveries(later + Duration::minutes(2), 10).await.unwrap().is_empty(),
        "deletes cascade"
    );
}

async fn add_reminders_adds_one_per_found_task_and_names_the_rest(s: &dyn Store) {
    s.add_tasks("alice", vec![task("a1"), task("a2"), task("a3")], now()).await.unwrap();
    s.add_tasks("bob", vec![task("b1")], now()).await.unwrap();
    let (soon, later) = (now() + Duration::minutes(20), now() + Duration::hours(1));
    let plan_at = |at: DateTime<Utc>| {
        move |t: &mcp_tasks::store::Task| -> Result<NewReminder, String> {
            if t.title == "a2" {
                Err("not this one".into())
            } else {
                Ok(NewReminder { at, phrase: Some("p".into()) })
            }
        }
    };
    // Bob names his #1 and numbers only Alice has: his task gets one, hers are not read.
    let bob = s.add_reminders("bob", &[3, 1, 2, 1], now(), &plan_at(soon)).await.unwrap();
    assert_eq!(bob.added.iter().map(|r| (r.task, r.title.as_str())).collect::<Vec<_>>(), vec![(1, "b1")]);
    assert_eq!(bob.missing, vec![3, 2], "each number once, in the order asked");
    let alice = s.add_reminders("alice", &[3, 2, 1, 9], now(), &plan_at(soon)).await.unwrap();
    assert_eq!(alice.added.iter().map(|r| r.task).collect::<Vec<_>>(), vec![3, 1], "in the order asked");
    assert_eq!(alice.refused, vec![(2, "not this one".to_owned())]);
    assert_eq!(alice.missing, vec![9]);
    assert!(alice.added.iter().all(|r| r.remind_at == soon && r.delivered_at.is_none() && r.attempts == 0));
    assert_ne!(alice.added[0].id, alice.added[1].id);
    // What came back is what was stored, for Alice only.
    let due = s.user_due_reminders("alice", now(), later).await.unwrap();
    let mut stored: Vec<_> = due.iter().map(|r| (r.id, r.task, r.remind_at, r.phrase.clone())).collect();
    let mut returned: Vec<_> =
        alice.added.iter().map(|r| (r.id, r.task, r.remind_at, r.phrase.clone())).collect();
    stored.sort_unstable();
    returned.sort_unstable();
    assert_eq!(stored, returned);
    let none = s.add_reminders("alice", &[2], now(), &plan_at(soon)).await.unwrap();
    assert!(none.added.is_empty() && none.missing.is_empty() && none.refused.len() == 1);
    assert_eq!(
        s.user_due_reminders("alice", now(), later).await.unwrap().len(),
        2,
        "a refusal writes nothing"
    );
}

async fn a_reminder_given_up_on_is_no_longer_pending(s: &dyn Store) {
    let mut with_reminder = task("renew the lease");
    with_reminder.reminders = vec![NewReminder { at: now() + Duration::minutes(1), phrase: None }];
    s.add_tasks("carol", vec![with_reminder], now()).await.unwrap();
    let later = now() + Duration::minutes(5);
    let due = s.pending_deliveries(later, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    s.give_up_delivery(due[0].reminder.id, later).await.unwrap();
    assert!(
        s.pending_deliveries(later + Duration::days(30), 10).await.unwrap().is_empty(),
        "given up for good"
    );
    let kept = s.user_due_reminders("carol", now(), later).await.unwrap();
    assert_eq!(kept.len(), 1, "the reminder itself stays listed");
    assert_eq!(kept[0].attempts, 1, "the last attempt is counted");
    assert_eq!(kept[0].delivered_at, None);
}

async fn migrations_are_idempotent_and_ping_answers(s: &dyn Store) {
    s.migrate().await.unwrap();
    s.ping().await.unwrap();
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::$case(store.as_ref()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = crate::support::TestPg::create().await else { return };
                    let store = db.store().await;
                    super::$case(store.as_ref()).await;
                }
            )*
        }
    };
}

contract!(
    numbers_are_per_user_and_never_reused,
    every_field_round_trips,
    single_adds_keep_every_field_and_concurrent_ones_get_distinct_numbers,
    missing_and_foreign_numbers_are_not_found,
    bulk_changes_are_all_or_nothing,
    modify_found_changes_what_exists_and_names_what_does_not,
    many_tasks_changed_at_once_read_back_exactly_as_changed,
    modify_reports_before_and_after_and_records_completions,
    list_filters_by_status_priority_tags_and_recurrence,
    due_windows_and_sorting,
    pages_follow_each_other,
    search_finds_prefixes_tags_and_urdu_for_the_owner_only,
    search_ranks_best_match_first_and_pages_through_every_match,
    reminders_are_listed_delivered_and_retried,
    a_reminder_given_up_on_is_no_longer_pending,
    add_reminders_adds_one_per_found_task_and_names_the_rest,
    migrations_are_idempotent_and_ping_answers,
);

/// PostgreSQL ranks from its word list; the order must be the one `ts_rank` gives over the
/// stored tsvectors (what the store did before the list existed), for every kind of query.
#[tokio::test]
async fn postgres_search_orders_exactly_as_ts_rank() {
    use sqlx::Connection;
    let Some(db) = support::TestPg::create().await else { return };
    let store = db.store().await;
    let vocabulary = [
        "milk",
        "milkshake",
        "mild",
        "bread",
        "breadcrumbs",
        "eggs",
        "tea",
        "دودھ",
        "دُودھ",
        "چائے",
        "café",
        "x2",
        "2026",
    ];
    // A deterministic spread: words repeated in titles and descriptions, tags, and edits.
    let mut seed: u64 = 7;
    let mut next = move |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n
    };
    let mut tasks = Vec::new();
    for _ in 0..300 {
        let words: Vec<&str> = (0..1 + next(4)).map(|_| vocabulary[next(vocabulary.len())]).collect();
        let mut t = task(&words.join(" "));
        if next(3) == 0 {
            t.description =
                Some((0..1 + next(3)).map(|_| vocabulary[next(4)]).collect::<Vec<_>>().join(", "));
        }
        if next(4) == 0 {
            t.tags = vec![["tea", "home", "milk"][next(3)].into()];
        }
        tasks.push(t);
    }
    store.add_tasks("alice", tasks, now()).await.unwrap();
    store.add_tasks("bob", vec![task("milk milk"), task("bread")], now()).await.unwrap();
    store
        .modify_tasks("alice", &[3, 30, 300], now(), &|t| {
            t.title = "milk milk milk tea".into();
            Ok(Change::Edited)
        })
        .await
        .unwrap();
    store.delete_tasks("alice", &[4, 40]).await.unwrap();

    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let queries: &[&[&str]] = &[
        &["milk"],
        &["mil"],
        &["m"],
        &["bread"],
        &["b"],
        &["eggs"],
        &["tea"],
        &["دودھ"],
        &["دُودھ"],
        &["چ"],
        &["café"],
        &["caf"],
        &["x2"],
        &["20"],
        &["milk", "tea"],
        &["mil", "bread"],
        &["tea", "tea"],
        &["café€"],
        &["€"],
        &["nothing"],
        &["milk", "nothing"],
        &["milk", "€"],
    ];
    for words in queries {
        let tsquery = words.iter().map(|w| format!("'{w}':*")).collect::<Vec<_>>().join(" & ");
        let expected: Vec<i64> = sqlx::query_scalar(
            "SELECT number FROM tasks WHERE user_id = 'alice' AND search @@ to_tsquery('simple', $1) \
             ORDER BY ts_rank(search, to_tsquery('simple', $1)) DESC, number DESC",
        )
        .bind(&tsquery)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut q = query();
        q.status = StatusFilter::All;
        q.sort = Sort::Relevance;
        q.words = Some(words.iter().map(|w| (*w).to_owned()).collect());
        let mut found = Vec::new();
        loop {
            let page = store.query_tasks("alice", &q).await.unwrap();
            found.extend(page.tasks.iter().map(|t| t.number));
            if !page.has_more {
                break;
            }
            q.offset += q.limit;
        }
        assert_eq!(found, expected, "search {words:?}");
        if *words == ["milk"] {
            assert!(found.len() > 20, "the word spans pages");
        }
    }
}
