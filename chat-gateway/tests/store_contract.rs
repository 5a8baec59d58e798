//! The thread store contract: every `ThreadStore` behaviour as a small async function over
//! `&dyn ThreadStore`, stamped out for SQLite and PostgreSQL (a fresh database per test),
//! then the few things that are about one backend's setup (URLs, migration tables).
#![allow(clippy::unwrap_used)]

mod support;

use std::fmt::Debug;

use chat_gateway::store::{
    AttachmentRecord, AttachmentUsage, ItemRecord, Order, StoreError, ThreadRecord, ThreadStore,
    ToolCallRecord,
};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A millisecond-precise instant, the precision both backends keep.
fn t0() -> DateTime<Utc> {
    at("2026-11-22T10:00:00.123Z")
}

fn thread(id: &str, created_at: DateTime<Utc>) -> ThreadRecord {
    ThreadRecord {
        id: id.into(),
        title: None,
        status: json!({"type": "active"}),
        created_at,
        updated_at: created_at,
    }
}

fn item(thread_id: &str, id: &str, created_at: DateTime<Utc>) -> ItemRecord {
    ItemRecord {
        id: id.into(),
        thread_id: thread_id.into(),
        kind: "user_message".into(),
        created_at,
        json: json!({
            "id": id,
            "thread_id": thread_id,
            "type": "user_message",
            "content": [{"type": "input_text", "text": format!("text of {id}")}],
        }),
    }
}

fn tool_call(thread_id: &str, id: &str, created_at: DateTime<Utc>) -> ToolCallRecord {
    ToolCallRecord {
        id: id.into(),
        thread_id: thread_id.into(),
        item_id: Some("wf_1".into()),
        name: "add_tasks".into(),
        arguments: json!({"tasks": [{"title": "buy milk", "priority": 1, "tags": ["home"]}]}),
        result: Some(json!({"created": [{"number": 1, "title": "buy milk"}], "ok": true})),
        status: "ok".into(),
        duration_ms: 42,
        created_at,
    }
}

fn assert_not_found<T: Debug>(result: Result<T, StoreError>, what: &str) {
    match result {
        Err(StoreError::NotFound) => {}
        other => panic!("{what}: expected NotFound, got {other:?}"),
    }
}

/// Every page of `user`'s threads, following `after` cursors, as lists of ids.
async fn thread_pages(s: &dyn ThreadStore, user: &str, limit: u32, order: Order) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = s.list_threads(user, after.as_deref(), limit, order).await.unwrap();
        let ids: Vec<String> = page.data.iter().map(|t| t.id.clone()).collect();
        assert_eq!(page.has_more, page.after.is_some(), "`after` is given exactly when more follow");
        if page.has_more {
            assert_eq!(page.after.as_ref(), ids.last(), "`after` is the last id of the page");
        }
        pages.push(ids);
        assert!(pages.len() <= 10, "pages never end: {pages:?}");
        match page.after {
            Some(next) => after = Some(next),
            None => return pages,
        }
    }
}

/// Every page of a thread's items, following `after` cursors, as lists of ids.
async fn item_pages(
    s: &dyn ThreadStore,
    user: &str,
    thread_id: &str,
    limit: u32,
    order: Order,
) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = s.list_items(user, thread_id, after.as_deref(), limit, order).await.unwrap();
        let ids: Vec<String> = page.data.iter().map(|i| i.id.clone()).collect();
        assert_eq!(page.has_more, page.after.is_some(), "`after` is given exactly when more follow");
        if page.has_more {
            assert_eq!(page.after.as_ref(), ids.last(), "`after` is the last id of the page");
        }
        pages.push(ids);
        assert!(pages.len() <= 10, "pages never end: {pages:?}");
        match page.after {
            Some(next) => after = Some(next),
            None => return pages,
        }
    }
}

/// All of a thread's item ids in insertion order.
async fn item_ids(s: &dyn ThreadStore, user: &str, thread_id: &str) -> Vec<String> {
    let page = s.list_items(user, thread_id, None, 100, Order::Asc).await.unwrap();
    page.data.into_iter().map(|i| i.id).collect()
}

fn ids(pages: &[&[&str]]) -> Vec<Vec<String>> {
    pages.iter().map(|p| p.iter().map(|s| (*s).to_owned()).collect()).collect()
}

async fn a_thread_reads_back_as_created_and_as_saved(s: &dyn ThreadStore) {
    let created = thread("thr_1", t0());
    s.create_thread("alice", &created).await.unwrap();
    assert_eq!(s.load_thread("alice", "thr_1").await.unwrap(), created);

    let saved = ThreadRecord {
        title: Some("Groceries".into()),
        status: json!({"type": "closed", "reason": "done", "nested": {"n": 1.5, "list": [true, null]}}),
        updated_at: t0() + Duration::milliseconds(1_001),
        ..created.clone()
    };
    s.save_thread("alice", &saved).await.unwrap();
    let loaded = s.load_thread("alice", "thr_1").await.unwrap();
    assert_eq!(loaded, saved, "title, status and updated_at are saved; created_at stays");
    assert_eq!(loaded.created_at, created.created_at);

    let missing = ThreadRecord { id: "thr_missing".into(), ..saved };
    assert_not_found(s.save_thread("alice", &missing).await, "saving a thread that does not exist");
    assert_not_found(s.load_thread("alice", "thr_missing").await, "loading a thread that does not exist");
}

async fn instants_are_kept_to_the_millisecond_on_both_backends(s: &dyn ThreadStore) {
    let precise = at("2026-11-22T10:00:00.123456789Z");
    let millis = at("2026-11-22T10:00:00.123Z");
    s.create_thread("alice", &thread("thr_1", precise)).await.unwrap();
    s.add_item("alice", &item("thr_1", "msg_1", precise)).await.unwrap();
    s.record_tool_call("alice", &tool_call("thr_1", "call_1", precise)).await.unwrap();
    let loaded = s.load_thread("alice", "thr_1").await.unwrap();
    assert_eq!((loaded.created_at, loaded.updated_at), (millis, millis));
    assert_eq!(s.load_item("alice", "thr_1", "msg_1").await.unwrap().created_at, millis);
    assert_eq!(s.list_tool_calls("alice", "thr_1").await.unwrap()[0].created_at, millis);
}

async fn threads_page_in_both_orders_with_ties_kept_in_insertion_order(s: &dyn ThreadStore) {
    let t = |secs: i64| t0() + Duration::seconds(secs);
    // Inserted out of creation order, three of them at the same instant, with bob's between.
    for (user, id, created) in [
        ("alice", "thr_b", t(1)),
        ("alice", "thr_c", t(1)),
        ("bob", "thr_bob", t(1)),
        ("alice", "thr_a", t(0)),
        ("alice", "thr_d", t(1)),
        ("alice", "thr_e", t(2)),
    ] {
        s.create_thread(user, &thread(id, created)).await.unwrap();
    }
    assert_eq!(
        thread_pages(s, "alice", 2, Order::Asc).await,
        ids(&[&["thr_a", "thr_b"], &["thr_c", "thr_d"], &["thr_e"]]),
        "oldest first; the tie at t+1s in insertion order"
    );
    assert_eq!(
        thread_pages(s, "alice", 2, Order::Desc).await,
        ids(&[&["thr_e", "thr_d"], &["thr_c", "thr_b"], &["thr_a"]]),
        "newest first; the tie at t+1s in reverse insertion order"
    );
    assert_eq!(thread_pages(s, "alice", 5, Order::Desc).await.len(), 1, "an exact fit has no next page");
    assert_eq!(thread_pages(s, "bob", 2, Order::Desc).await, ids(&[&["thr_bob"]]), "bob sees only his own");
    assert_eq!(
        thread_pages(s, "carol", 2, Order::Desc).await,
        ids(&[&[]]),
        "a user with no threads gets an empty page"
    );
}

async fn items_page_in_insertion_order_both_ways(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_thread("alice", &thread("thr_2", t0())).await.unwrap();
    // The same instant for most, and an older one inserted in the middle: order is insertion order.
    for (id, created) in [
        ("msg_1", t0()),
        ("msg_2", t0()),
        ("msg_3", t0() - Duration::hours(1)),
        ("msg_4", t0()),
        ("msg_5", t0()),
    ] {
        s.add_item("alice", &item("thr_1", id, created)).await.unwrap();
    }
    s.add_item("alice", &item("thr_2", "msg_other", t0())).await.unwrap();
    assert_eq!(
        item_pages(s, "alice", "thr_1", 2, Order::Asc).await,
        ids(&[&["msg_1", "msg_2"], &["msg_3", "msg_4"], &["msg_5"]])
    );
    assert_eq!(
        item_pages(s, "alice", "thr_1", 2, Order::Desc).await,
        ids(&[&["msg_5", "msg_4"], &["msg_3", "msg_2"], &["msg_1"]])
    );
    let page = s.list_items("alice", "thr_1", None, 100, Order::Asc).await.unwrap();
    assert_eq!(page.data[2], item("thr_1", "msg_3", t0() - Duration::hours(1)), "items read back whole");
    assert_eq!(item_pages(s, "alice", "thr_2", 2, Order::Asc).await, ids(&[&["msg_other"]]));
}

async fn page_sizes_are_clamped_to_between_one_and_a_hundred(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_thread("alice", &thread("thr_2", t0())).await.unwrap();
    for i in 0..3 {
        s.add_item("alice", &item("thr_1", &format!("msg_{i}"), t0())).await.unwrap();
    }
    let one = s.list_threads("alice", None, 0, Order::Asc).await.unwrap();
    assert_eq!((one.data.len(), one.has_more), (1, true), "a limit of 0 serves one");
    let all = s.list_items("alice", "thr_1", None, 10_000, Order::Asc).await.unwrap();
    assert_eq!((all.data.len(), all.has_more), (3, false));
}

async fn adding_an_item_moves_the_threads_updated_at_forward_only(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    let later = t0() + Duration::minutes(5);
    s.add_item("alice", &item("thr_1", "msg_1", later)).await.unwrap();
    assert_eq!(s.load_thread("alice", "thr_1").await.unwrap().updated_at, later);
    s.add_item("alice", &item("thr_1", "msg_old", t0() - Duration::days(1))).await.unwrap();
    let loaded = s.load_thread("alice", "thr_1").await.unwrap();
    assert_eq!((loaded.created_at, loaded.updated_at), (t0(), later), "an older item never moves it back");
}

async fn saving_an_item_replaces_it_in_place_or_appends_it(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    for id in ["msg_1", "wf_2", "msg_3"] {
        s.add_item("alice", &item("thr_1", id, t0())).await.unwrap();
    }
    let replaced = ItemRecord {
        kind: "workflow".into(),
        json: json!({"id": "wf_2", "type": "workflow", "workflow": {"tasks": [{"status": "done"}]}}),
        ..item("thr_1", "wf_2", t0())
    };
    s.save_item("alice", &replaced).await.unwrap();
    assert_eq!(item_ids(s, "alice", "thr_1").await, ["msg_1", "wf_2", "msg_3"], "it keeps its position");
    assert_eq!(s.load_item("alice", "thr_1", "wf_2").await.unwrap(), replaced);

    let appended = item("thr_1", "msg_4", t0() + Duration::seconds(1));
    s.save_item("alice", &appended).await.unwrap();
    assert_eq!(
        item_ids(s, "alice", "thr_1").await,
        ["msg_1", "wf_2", "msg_3", "msg_4"],
        "a new id is appended"
    );
    assert_eq!(s.load_item("alice", "thr_1", "msg_4").await.unwrap(), appended);
    assert_not_found(
        s.load_item("alice", "thr_1", "msg_missing").await,
        "loading an item that does not exist",
    );
    assert_not_found(
        s.save_item("alice", &item("thr_missing", "msg_1", t0())).await,
        "saving an item into a thread that does not exist",
    );
}

async fn deleting_items_after_one_removes_the_later_items_and_their_feedback(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    for id in ["msg_1", "msg_2", "msg_3", "msg_4", "msg_5"] {
        s.add_item("alice", &item("thr_1", id, t0())).await.unwrap();
    }
    s.add_feedback("alice", "thr_1", &["msg_2".into(), "msg_4".into()], "positive").await.unwrap();
    assert_eq!(s.delete_items_after("alice", "thr_1", "msg_2").await.unwrap(), 3);
    assert_eq!(item_ids(s, "alice", "thr_1").await, ["msg_1", "msg_2"]);
    assert_eq!(s.list_feedback("alice", "thr_1").await.unwrap(), [("msg_2".into(), "positive".into())]);
    assert_eq!(
        s.delete_items_after("alice", "thr_1", "msg_2").await.unwrap(),
        0,
        "nothing after the last item"
    );
    assert_not_found(s.delete_items_after("alice", "thr_1", "msg_5").await, "deleting after a deleted item");
    s.add_item("alice", &item("thr_1", "msg_6", t0())).await.unwrap();
    assert_eq!(item_ids(s, "alice", "thr_1").await, ["msg_1", "msg_2", "msg_6"], "new items come after");
}

async fn deleting_an_item_removes_only_that_item(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    for id in ["msg_1", "msg_2", "msg_3"] {
        s.add_item("alice", &item("thr_1", id, t0())).await.unwrap();
    }
    s.delete_item("alice", "thr_1", "msg_2").await.unwrap();
    assert_eq!(item_ids(s, "alice", "thr_1").await, ["msg_1", "msg_3"]);
    assert_not_found(s.delete_item("alice", "thr_1", "msg_2").await, "deleting an item twice");
    assert_not_found(s.load_item("alice", "thr_1", "msg_2").await, "loading a deleted item");
}

async fn deleting_a_thread_removes_its_items_tool_calls_and_feedback(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_thread("alice", &thread("thr_2", t0())).await.unwrap();
    for thread_id in ["thr_1", "thr_2"] {
        s.add_item("alice", &item(thread_id, "msg_1", t0())).await.unwrap();
        s.record_tool_call("alice", &tool_call(thread_id, "call_1", t0())).await.unwrap();
        s.add_feedback("alice", thread_id, &["msg_1".into()], "negative").await.unwrap();
    }
    s.delete_thread("alice", "thr_1").await.unwrap();
    assert_not_found(s.load_thread("alice", "thr_1").await, "loading a deleted thread");
    assert_not_found(
        s.list_items("alice", "thr_1", None, 10, Order::Asc).await,
        "listing a deleted thread's items",
    );
    assert_not_found(s.load_item("alice", "thr_1", "msg_1").await, "loading a deleted thread's item");
    assert_not_found(s.list_tool_calls("alice", "thr_1").await, "listing a deleted thread's tool calls");
    assert_not_found(s.list_feedback("alice", "thr_1").await, "listing a deleted thread's feedback");
    assert_not_found(s.delete_thread("alice", "thr_1").await, "deleting a thread twice");
    let listed = s.list_threads("alice", None, 10, Order::Asc).await.unwrap();
    assert_eq!(listed.data.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["thr_2"]);

    // Recreated under the same id, it starts empty: nothing was left behind to reattach.
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    assert!(item_ids(s, "alice", "thr_1").await.is_empty());
    assert!(s.list_tool_calls("alice", "thr_1").await.unwrap().is_empty());
    assert!(s.list_feedback("alice", "thr_1").await.unwrap().is_empty());
    // The other thread is untouched.
    assert_eq!(item_ids(s, "alice", "thr_2").await, ["msg_1"]);
    assert_eq!(s.list_tool_calls("alice", "thr_2").await.unwrap().len(), 1);
    assert_eq!(s.list_feedback("alice", "thr_2").await.unwrap().len(), 1);
}

async fn another_users_thread_is_not_found_by_any_method(s: &dyn ThreadStore) {
    let mut alices = thread("thr_alice", t0());
    alices.title = Some("private".into());
    s.create_thread("alice", &alices).await.unwrap();
    s.add_item("alice", &item("thr_alice", "msg_1", t0())).await.unwrap();
    s.add_item("alice", &item("thr_alice", "msg_2", t0())).await.unwrap();
    s.record_tool_call("alice", &tool_call("thr_alice", "call_1", t0())).await.unwrap();
    s.add_feedback("alice", "thr_alice", &["msg_1".into()], "positive").await.unwrap();

    let later = t0() + Duration::hours(1);
    let hijacked = ThreadRecord { title: Some("mine now".into()), updated_at: later, ..alices.clone() };
    assert_not_found(s.load_thread("bob", "thr_alice").await, "load_thread");
    assert_not_found(s.save_thread("bob", &hijacked).await, "save_thread");
    assert_not_found(s.list_items("bob", "thr_alice", None, 10, Order::Asc).await, "list_items");
    assert_not_found(
        s.list_items("bob", "thr_alice", Some("msg_1"), 10, Order::Asc).await,
        "list_items after",
    );
    assert_not_found(s.add_item("bob", &item("thr_alice", "msg_bob", later)).await, "add_item");
    assert_not_found(s.save_item("bob", &item("thr_alice", "msg_1", later)).await, "save_item over an item");
    assert_not_found(
        s.save_item("bob", &item("thr_alice", "msg_new", later)).await,
        "save_item of a new item",
    );
    assert_not_found(s.load_item("bob", "thr_alice", "msg_1").await, "load_item");
    assert_not_found(s.delete_items_after("bob", "thr_alice", "msg_1").await, "delete_items_after");
    assert_not_found(s.delete_item("bob", "thr_alice", "msg_1").await, "delete_item");
    assert_not_found(s.delete_thread("bob", "thr_alice").await, "delete_thread");
    assert_not_found(
        s.record_tool_call("bob", &tool_call("thr_alice", "call_bob", later)).await,
        "record_tool_call",
    );
    assert_not_found(s.list_tool_calls("bob", "thr_alice").await, "list_tool_calls");
    assert_not_found(s.add_feedback("bob", "thr_alice", &["msg_1".into()], "negative").await, "add_feedback");
    assert_not_found(s.list_feedback("bob", "thr_alice").await, "list_feedback");
    assert_not_found(s.list_threads("bob", Some("thr_alice"), 10, Order::Desc).await, "list_threads after");
    assert!(s.list_threads("bob", None, 10, Order::Desc).await.unwrap().data.is_empty(), "bob lists nothing");

    assert_eq!(s.load_thread("alice", "thr_alice").await.unwrap(), alices, "alice's thread is untouched");
    assert_eq!(item_ids(s, "alice", "thr_alice").await, ["msg_1", "msg_2"]);
    assert_eq!(s.load_item("alice", "thr_alice", "msg_1").await.unwrap(), item("thr_alice", "msg_1", t0()));
    assert_eq!(
        s.list_tool_calls("alice", "thr_alice").await.unwrap(),
        [tool_call("thr_alice", "call_1", t0())]
    );
    assert_eq!(s.list_feedback("alice", "thr_alice").await.unwrap(), [("msg_1".into(), "positive".into())]);
}

async fn thread_ids_are_scoped_to_their_user(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_thread("bob", &thread("thr_1", t0())).await.unwrap();
    s.add_item("alice", &item("thr_1", "msg_1", t0())).await.unwrap();
    s.add_item("bob", &item("thr_1", "msg_1", t0())).await.unwrap();
    s.delete_thread("bob", "thr_1").await.unwrap();
    assert_eq!(
        item_ids(s, "alice", "thr_1").await,
        ["msg_1"],
        "bob's delete leaves alice's same-named thread"
    );
    assert_not_found(s.load_thread("bob", "thr_1").await, "bob's deleted thread");
}

async fn an_unknown_after_cursor_is_not_found(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_thread("alice", &thread("thr_2", t0())).await.unwrap();
    s.add_item("alice", &item("thr_1", "msg_1", t0())).await.unwrap();
    s.add_item("alice", &item("thr_2", "msg_2", t0())).await.unwrap();
    for order in [Order::Asc, Order::Desc] {
        assert_not_found(
            s.list_threads("alice", Some("thr_missing"), 10, order).await,
            "an unknown thread cursor",
        );
        assert_not_found(
            s.list_items("alice", "thr_1", Some("msg_missing"), 10, order).await,
            "an unknown item cursor",
        );
        assert_not_found(
            s.list_items("alice", "thr_1", Some("msg_2"), 10, order).await,
            "an item cursor from another thread",
        );
        assert_not_found(
            s.list_items("alice", "thr_missing", None, 10, order).await,
            "the items of a thread that does not exist",
        );
    }
}

async fn tool_calls_read_back_whole_oldest_first(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    let second = tool_call("thr_1", "call_2", t0() + Duration::seconds(3));
    let first = ToolCallRecord {
        item_id: None,
        name: "list_tasks".into(),
        arguments: json!({}),
        result: None,
        status: "error".into(),
        duration_ms: 0,
        ..tool_call("thr_1", "call_1", t0())
    };
    let text_result = ToolCallRecord {
        result: Some(Value::String("plain text: ✓ دودھ".into())),
        ..tool_call("thr_1", "call_3", t0() + Duration::seconds(3))
    };
    s.record_tool_call("alice", &second).await.unwrap();
    s.record_tool_call("alice", &first).await.unwrap();
    s.record_tool_call("alice", &text_result).await.unwrap();
    assert_eq!(
        s.list_tool_calls("alice", "thr_1").await.unwrap(),
        [first, second, text_result],
        "by start time, then in recording order"
    );
    assert_not_found(
        s.record_tool_call("alice", &tool_call("thr_missing", "call_9", t0())).await,
        "recording a call in a thread that does not exist",
    );
}

async fn the_agent_reads_recent_items_without_widget_documents_and_their_workflows_calls(
    s: &dyn ThreadStore,
) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_thread("alice", &thread("thr_empty", t0())).await.unwrap();
    let of_kind =
        |id: &str, kind: &str, json: Value| ItemRecord { kind: kind.into(), json, ..item("thr_1", id, t0()) };
    let workflow =
        |id: &str| of_kind(id, "workflow", json!({"id": id, "type": "workflow", "workflow": {"tasks": []}}));
    let widget = of_kind(
        "wg_1",
        "widget",
        json!({"id": "wg_1", "type": "widget", "widget": {"children": vec!["x"; 500]}}),
    );
    let written = [
        item("thr_1", "msg_1", t0()),
        workflow("wf_0"),
        item("thr_1", "msg_2", t0()),
        workflow("wf_1"),
        widget.clone(),
        item("thr_1", "msg_3", t0()),
    ];
    for record in &written {
        s.add_item("alice", record).await.unwrap();
    }
    let call = |id: &str, item_id: &str| ToolCallRecord {
        item_id: Some(item_id.into()),
        ..tool_call("thr_1", id, t0())
    };
    for record in [call("call_0", "wf_0"), call("call_1", "wf_1"), call("call_x", "msg_3")] {
        s.record_tool_call("alice", &record).await.unwrap();
    }

    let (items, calls) = s.recent_for_model("alice", "thr_1", 4).await.unwrap();
    let unread_widget = ItemRecord { json: Value::Null, ..widget };
    let newest: Vec<ItemRecord> =
        [written[5].clone(), unread_widget, written[3].clone(), written[2].clone()].into();
    assert_eq!(items, newest, "the newest four, newest first, the widget without its document");
    assert_eq!(calls, [call("call_1", "wf_1")], "only the calls of the workflows read");
    let (items, calls) = s.recent_for_model("alice", "thr_1", 30).await.unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(calls, [call("call_0", "wf_0"), call("call_1", "wf_1")]);

    assert_eq!(s.recent_for_model("alice", "thr_empty", 30).await.unwrap(), (vec![], vec![]));
    assert_not_found(s.recent_for_model("alice", "thr_missing", 30).await, "a thread that does not exist");
    assert_not_found(s.recent_for_model("bob", "thr_1", 30).await, "another user's thread");
}

async fn later_feedback_on_an_item_replaces_earlier_feedback(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    for id in ["msg_1", "msg_2", "msg_3"] {
        s.add_item("alice", &item("thr_1", id, t0())).await.unwrap();
    }
    s.add_feedback("alice", "thr_1", &["msg_3".into(), "msg_1".into()], "positive").await.unwrap();
    s.add_feedback("alice", "thr_1", &["msg_1".into(), "msg_unknown".into()], "negative").await.unwrap();
    assert_eq!(
        s.list_feedback("alice", "thr_1").await.unwrap(),
        [("msg_1".into(), "negative".into()), ("msg_3".into(), "positive".into())],
        "one entry per item, in item order; unknown items are ignored"
    );
    s.add_feedback("alice", "thr_1", &[], "positive").await.unwrap();
    assert_not_found(
        s.add_feedback("alice", "thr_missing", &["msg_1".into()], "positive").await,
        "add_feedback",
    );
    assert_not_found(s.list_feedback("alice", "thr_missing").await, "list_feedback");
}

async fn urdu_and_other_unicode_round_trip(s: &dyn ThreadStore) {
    let mut urdu = thread("thr_1", t0());
    urdu.title = Some("دودھ اور انڈے".into());
    s.create_thread("alice", &urdu).await.unwrap();
    let message = ItemRecord {
        json: json!({
            "id": "msg_1",
            "type": "user_message",
            "content": [{"type": "input_text", "text": "کل صبح دودھ خریدنا یاد دلانا 🥛 — \"quotes\" \\ back\\slash \n newline"}],
        }),
        ..item("thr_1", "msg_1", t0())
    };
    s.add_item("alice", &message).await.unwrap();
    assert_eq!(s.load_thread("alice", "thr_1").await.unwrap(), urdu);
    assert_eq!(s.load_item("alice", "thr_1", "msg_1").await.unwrap(), message);
    let listed = s.list_items("alice", "thr_1", None, 10, Order::Desc).await.unwrap();
    assert_eq!(listed.data, [message]);
}

async fn migrating_twice_is_harmless_and_ping_answers(s: &dyn ThreadStore) {
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
    s.ping().await.unwrap();
}

async fn a_notice_is_shown_once_per_user_and_forgotten_after_two_days(s: &dyn ThreadStore) {
    let keys = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    assert_eq!(s.mark_shown("alice", &keys(&["r1", "r2"]), t0()).await.unwrap(), keys(&["r1", "r2"]));
    assert_eq!(s.mark_shown("alice", &keys(&["r2", "r3"]), t0()).await.unwrap(), keys(&["r3"]));
    assert_eq!(s.mark_shown("alice", &[], t0()).await.unwrap(), keys(&[]));
    // Another user's marks are their own.
    assert_eq!(s.mark_shown("bob", &keys(&["r1"]), t0()).await.unwrap(), keys(&["r1"]));
    // Within two days a mark is remembered; after, it is forgotten.
    let later = t0() + Duration::hours(47);
    assert_eq!(s.mark_shown("alice", &keys(&["r1"]), later).await.unwrap(), keys(&[]));
    let much_later = later + Duration::hours(49);
    assert_eq!(s.mark_shown("alice", &keys(&["r2"]), much_later).await.unwrap(), keys(&["r2"]));
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

fn attachment(id: &str, size: i64, created_at: DateTime<Utc>) -> AttachmentRecord {
    AttachmentRecord {
        id: id.into(),
        thread_id: None,
        name: format!("{id}.txt"),
        mime_type: "text/plain".into(),
        declared_size: size,
        bytes: None,
        created_at,
        uploaded_at: None,
    }
}

async fn an_attachment_is_created_uploaded_and_loaded_by_its_owner_only(s: &dyn ThreadStore) {
    s.create_attachment("alice", &attachment("atc_1", 5, t0())).await.unwrap();
    let fresh = s.load_attachment("alice", "atc_1").await.unwrap();
    assert_eq!(fresh, attachment("atc_1", 5, t0()), "not uploaded yet: no bytes");
    let later = t0() + Duration::seconds(3);
    s.upload_attachment("alice", "atc_1", b"hello", later).await.unwrap();
    let loaded = s.load_attachment("alice", "atc_1").await.unwrap();
    assert_eq!(loaded.bytes.as_deref(), Some(&b"hello"[..]));
    assert_eq!(loaded.uploaded_at, Some(later));
    // A binary upload (bytes no text encoding could hold) round trips exactly.
    let binary: Vec<u8> = (0..=255).collect();
    s.upload_attachment("alice", "atc_1", &binary, later).await.unwrap();
    assert_eq!(s.load_attachment("alice", "atc_1").await.unwrap().bytes, Some(binary));
    assert_not_found(s.load_attachment("bob", "atc_1").await, "attachment");
    assert_not_found(s.upload_attachment("bob", "atc_1", b"evil", later).await, "attachment");
    assert_not_found(s.delete_attachment("bob", "atc_1").await, "attachment");
    assert_not_found(s.bind_attachment("bob", "atc_1", "thr_1").await, "attachment");
    assert_not_found(s.upload_attachment("alice", "atc_nope", b"x", later).await, "attachment");
}

async fn binding_an_attachment_needs_an_upload_and_the_owners_thread(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_thread("alice", &thread("thr_2", t0())).await.unwrap();
    s.create_thread("bob", &thread("thr_bob", t0())).await.unwrap();
    s.create_attachment("alice", &attachment("atc_1", 1, t0())).await.unwrap();
    assert_not_found(s.bind_attachment("alice", "atc_1", "thr_1").await, "attachment");
    s.upload_attachment("alice", "atc_1", b"x", t0()).await.unwrap();
    assert!(s.bind_attachment("alice", "atc_1", "thr_bob").await.is_err(), "bob's thread is not alice's");
    s.bind_attachment("alice", "atc_1", "thr_1").await.unwrap();
    s.bind_attachment("alice", "atc_1", "thr_1").await.unwrap();
    assert_not_found(s.bind_attachment("alice", "atc_1", "thr_2").await, "attachment");
    assert_eq!(s.load_attachment("alice", "atc_1").await.unwrap().thread_id.as_deref(), Some("thr_1"));
    assert_not_found(s.upload_attachment("alice", "atc_1", b"y", t0()).await, "attachment");
}

async fn deleting_a_thread_or_an_attachment_removes_it_and_frees_the_quota(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    for (id, size) in [("atc_1", 10), ("atc_2", 20), ("atc_3", 40)] {
        s.create_attachment("alice", &attachment(id, size, t0())).await.unwrap();
    }
    s.create_attachment("bob", &attachment("atc_9", 1000, t0())).await.unwrap();
    assert_eq!(s.attachment_usage("alice").await.unwrap(), AttachmentUsage { bytes: 70, unsent: 3 });
    assert_eq!(s.attachment_usage("carol").await.unwrap(), AttachmentUsage::default());
    s.upload_attachment("alice", "atc_1", &[0; 10], t0()).await.unwrap();
    s.bind_attachment("alice", "atc_1", "thr_1").await.unwrap();
    assert_eq!(s.attachment_usage("alice").await.unwrap(), AttachmentUsage { bytes: 70, unsent: 2 }, "sent");
    s.delete_thread("alice", "thr_1").await.unwrap();
    assert_not_found(s.load_attachment("alice", "atc_1").await, "attachment");
    s.delete_attachment("alice", "atc_2").await.unwrap();
    assert_not_found(s.delete_attachment("alice", "atc_2").await, "attachment");
    assert_eq!(s.attachment_usage("alice").await.unwrap(), AttachmentUsage { bytes: 40, unsent: 1 });
    assert_eq!(s.attachment_usage("bob").await.unwrap(), AttachmentUsage { bytes: 1000, unsent: 1 });
}

async fn unsent_attachments_older_than_the_cutoff_are_pruned(s: &dyn ThreadStore) {
    s.create_thread("alice", &thread("thr_1", t0())).await.unwrap();
    s.create_attachment("alice", &attachment("atc_old", 1, t0())).await.unwrap();
    s.create_attachment("alice", &attachment("atc_sent", 1, t0())).await.unwrap();
    s.create_attachment("alice", &attachment("atc_new", 1, t0() + Duration::hours(2))).await.unwrap();
    s.create_attachment("bob", &attachment("atc_bob", 1, t0())).await.unwrap();
    s.upload_attachment("alice", "atc_sent", b"x", t0()).await.unwrap();
    s.bind_attachment("alice", "atc_sent", "thr_1").await.unwrap();
    let pruned = s.delete_unsent_attachments("alice", t0() + Duration::hours(1)).await.unwrap();
    assert_eq!(pruned, 1);
    assert_not_found(s.load_attachment("alice", "atc_old").await, "attachment");
    for id in ["atc_sent", "atc_new"] {
        assert!(s.load_attachment("alice", id).await.is_ok(), "{id} stays");
    }
    assert!(s.load_attachment("bob", "atc_bob").await.is_ok(), "bob's are his own");
}

contract!(
    a_thread_reads_back_as_created_and_as_saved,
    instants_are_kept_to_the_millisecond_on_both_backends,
    threads_page_in_both_orders_with_ties_kept_in_insertion_order,
    items_page_in_insertion_order_both_ways,
    page_sizes_are_clamped_to_between_one_and_a_hundred,
    adding_an_item_moves_the_threads_updated_at_forward_only,
    saving_an_item_replaces_it_in_place_or_appends_it,
    deleting_items_after_one_removes_the_later_items_and_their_feedback,
    deleting_an_item_removes_only_that_item,
    deleting_a_thread_removes_its_items_tool_calls_and_feedback,
    another_users_thread_is_not_found_by_any_method,
    thread_ids_are_scoped_to_their_user,
    an_unknown_after_cursor_is_not_found,
    tool_calls_read_back_whole_oldest_first,
    the_agent_reads_recent_items_without_widget_documents_and_their_workflows_calls,
    later_feedback_on_an_item_replaces_earlier_feedback,
    urdu_and_other_unicode_round_trip,
    migrating_twice_is_harmless_and_ping_answers,
    a_notice_is_shown_once_per_user_and_forgotten_after_two_days,
    an_attachment_is_created_uploaded_and_loaded_by_its_owner_only,
    binding_an_attachment_needs_an_upload_and_the_owners_thread,
    deleting_a_thread_or_an_attachment_removes_it_and_frees_the_quota,
    unsent_attachments_older_than_the_cutoff_are_pruned,
);

/// Setup that belongs to one backend: URLs, files, and where migrations are recorded.
mod setup {
    use chat_gateway::store::{self, PgStore, SqliteStore, StoreError, ThreadStore};
    use sqlx::PgPool;
    use sqlx::sqlite::SqlitePool;

    use crate::support::{TestPg, sqlite_url};

    const CHAT_TABLES: [&str; 5] =
        ["chat_threads", "chat_items", "chat_tool_calls", "chat_feedback", "chat_shown_notices"];
    const TASKS_TABLES: [&str; 4] = ["tasks", "task_counters", "task_completions", "reminders"];

    #[tokio::test]
    async fn chat_and_tasks_migrations_share_one_postgres_database() {
        let Some(db) = TestPg::create().await else { return };
        let pool = PgPool::connect(&db.url).await.unwrap();
        // The tasks service's own migrations, run the way it runs them, before and after ours.
        let mut tasks = sqlx::migrate!("../migrations/tasks/postgres");
        tasks.dangerous_set_table_name("_mcp_tasks_migrations");
        tasks.run(&pool).await.unwrap();
        let chat = PgStore::from_pool(pool.clone());
        chat.migrate().await.unwrap();
        tasks.run(&pool).await.unwrap();
        chat.migrate().await.unwrap();

        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        for table in CHAT_TABLES
            .iter()
            .chain(&TASKS_TABLES)
            .chain(&["_chat_gateway_migrations", "_mcp_tasks_migrations"])
        {
            assert!(tables.iter().any(|t| t == table), "{table} is missing from {tables:?}");
        }
        assert!(
            !tables.iter().any(|t| t == "_sqlx_migrations"),
            "nothing uses sqlx's default table: {tables:?}"
        );
        let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _chat_gateway_migrations")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(applied, i64::try_from(migration_files("postgres").len()).unwrap());
        chat.ping().await.unwrap();
    }

    #[tokio::test]
    async fn sqlite_migrations_are_recorded_in_the_chat_table() {
        let (url, _dir) = sqlite_url();
        SqliteStore::connect(&url).await.unwrap().migrate().await.unwrap();
        let pool = SqlitePool::connect(&url).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&pool)
            .await
            .unwrap();
        for table in CHAT_TABLES.iter().chain(&["_chat_gateway_migrations"]) {
            assert!(tables.iter().any(|t| t == table), "{table} is missing from {tables:?}");
        }
        assert!(!tables.iter().any(|t| t == "_sqlx_migrations"), "{tables:?}");
        let (journal_mode,): (String,) =
            sqlx::query_as("PRAGMA journal_mode").fetch_one(&pool).await.unwrap();
        assert_eq!(journal_mode, "wal", "the file was switched to WAL");
    }

    #[tokio::test]
    async fn an_sqlite_file_is_created_when_missing() {
        let (url, dir) = sqlite_url();
        assert!(!dir.path().join("chat.db").exists());
        let s = store::connect(&url).await.unwrap();
        s.migrate().await.unwrap();
        s.ping().await.unwrap();
        assert!(dir.path().join("chat.db").exists());
    }

    #[tokio::test]
    async fn an_in_memory_sqlite_store_keeps_its_data_across_calls() {
        let s = store::connect("sqlite::memory:").await.unwrap();
        s.migrate().await.unwrap();
        s.create_thread("alice", &crate::thread("thr_1", crate::t0())).await.unwrap();
        s.add_item("alice", &crate::item("thr_1", "msg_1", crate::t0())).await.unwrap();
        assert_eq!(s.load_thread("alice", "thr_1").await.unwrap().id, "thr_1");
        assert_eq!(crate::item_ids(s.as_ref(), "alice", "thr_1").await, ["msg_1"]);
    }

    #[tokio::test]
    async fn a_url_of_another_scheme_is_refused() {
        let refused = store::connect("mysql://localhost/chat").await;
        assert!(matches!(refused, Err(StoreError::Database(sqlx::Error::Configuration(_)))));
    }

    fn migration_files(backend: &str) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/chat").join(backend);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_have_migrations_of_the_same_names() {
        let postgres = migration_files("postgres");
        assert!(!postgres.is_empty());
        assert_eq!(postgres, migration_files("sqlite"));
    }
}
