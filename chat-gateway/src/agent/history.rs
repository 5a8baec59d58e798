//! The model's view of the thread so far: the recent items as OpenAI chat messages, oldest
//! first, holding what the turns really held. User messages carry their quoted text and
//! tagged entities; an earlier turn's tool calls come back as an `assistant` message with
//! `tool_calls` followed by one `tool` message per call (the tool's text, clipped), so "complete
//! the second one" can be read against the list the model was shown; hidden context (what the
//! user did with a widget's buttons) is a user message marked as context. Widgets themselves
//! are left out (their tasks are in the tool results). Bounded by items and characters; the
//! oldest go first, each item whole, so no `tool` message is ever sent without its call.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::lang::clip;
use crate::chatkit::types::{ItemBody, ThreadItem, UserContent, user_text};
use crate::conversation::{Turn, TurnError};
use crate::store::ToolCallRecord;

/// Items of history the model sees at most.
const HISTORY_ITEMS: u32 = 30;
/// Characters of history (as the JSON sent) the model sees at most (roughly 6,000 tokens).
const HISTORY_CHARS: usize = 24_000;
/// Characters of one earlier tool result the model sees at most.
const RESULT_CHARS: usize = 2_000;
/// Characters of an earlier call's arguments kept (longer ones are summarised, never cut
/// mid-JSON).
const ARGUMENT_CHARS: usize = 1_000;
/// Characters of quoted text, and of one tag's data, kept.
const QUOTE_CHARS: usize = 1_000;
const TAG_DATA_CHARS: usize = 300;

/// The thread's recent items as chat messages, oldest first, within the budgets.
pub(super) async fn history(turn: &Turn) -> Result<Vec<Value>, TurnError> {
    let (user, thread) = (&turn.user.id, &turn.thread.id);
    // Widgets come back without their documents (the model is not shown them), so they parse
    // to nothing here, as they would stand for nothing below.
    let (records, tool_calls) = turn.store.recent_for_model(user, thread, HISTORY_ITEMS).await?;
    let items: Vec<ThreadItem> =
        records.into_iter().filter_map(|record| serde_json::from_value(record.json).ok()).collect();
    Ok(messages(&items, &tool_calls, HISTORY_CHARS))
}

/// `items` (newest first) as chat messages, oldest first: each item's messages whole, newest
/// kept first, until `budget` characters of JSON are used.
pub(super) fn messages(items: &[ThreadItem], records: &[ToolCallRecord], budget: usize) -> Vec<Value> {
    let mut left = budget;
    let mut ids = HashSet::new();
    let mut units: Vec<Vec<Value>> = Vec::new();
    for item in items {
        let unit = of_item(item, records, &mut ids);
        let size: usize = unit.iter().map(|m| m.to_string().len()).sum();
        if size > left {
            break;
        }
        left -= size;
        units.push(unit);
    }
    units.into_iter().rev().flatten().collect()
}

/// The messages one item stands for (none for widgets and other display-only items).
fn of_item(item: &ThreadItem, records: &[ToolCallRecord], ids: &mut HashSet<String>) -> Vec<Value> {
    let context = |text: &str| {
        vec![json!({"role": "user", "content": format!("[context, not typed by the user] {text}")})]
    };
    match &item.body {
        ItemBody::UserMessage { content, quoted_text, attachments, .. } => {
            let said =
                user_message(content, quoted_text.as_deref()) + &super::attached::history_note(attachments);
            vec![json!({"role": "user", "content": said})]
        }
        ItemBody::AssistantMessage { content } => {
            let text: String = content.iter().map(|c| c.text.as_str()).collect();
            vec![json!({"role": "assistant", "content": text})]
        }
        ItemBody::SdkHiddenContext { content } => context(content),
        ItemBody::HiddenContextItem { content } => {
            context(&content.as_str().map_or_else(|| content.to_string(), str::to_owned))
        }
        ItemBody::Workflow { .. } => tool_turn(&item.id, records, ids),
        _ => Vec::new(),
    }
}

/// What the user said, with the text they quoted before it and the entities they tagged after.
fn user_message(content: &[UserContent], quoted: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(quote) = quoted.map(str::trim).filter(|q| !q.is_empty()) {
        text.push_str(&format!("[quoting: \"{}\"]\n", clip(quote, QUOTE_CHARS)));
    }
    text.push_str(&user_text(content));
    let tags: Vec<String> = content
        .iter()
        .filter_map(|part| match part {
            UserContent::InputTag { id, text, data, group, .. } => {
                let mut tag = format!("{text} (id {id}");
                if let Some(group) = group {
                    tag.push_str(&format!(", {group}"));
                }
                if !(data.is_null() || data.as_object().is_some_and(serde_json::Map::is_empty)) {
                    tag.push_str(&format!(", data {}", clip(&data.to_string(), TAG_DATA_CHARS)));
                }
                tag.push(')');
                Some(tag)
            }
            UserContent::InputText { .. } => None,
        })
        .collect();
    if !tags.is_empty() {
        text.push_str(&format!("\n[tagged: {}]", tags.join("; ")));
    }
    text
}

/// The calls shown in workflow `item_id`: one `assistant` message with every call, then each
/// call's result as a `tool` message, as the model's own step was sent.
fn tool_turn(item_id: &str, records: &[ToolCallRecord], ids: &mut HashSet<String>) -> Vec<Value> {
    let calls: Vec<&ToolCallRecord> =
        records.iter().filter(|r| r.item_id.as_deref() == Some(item_id)).collect();
    if calls.is_empty() {
        return Vec::new();
    }
    let mut wire = Vec::with_capacity(calls.len());
    let mut results = Vec::with_capacity(calls.len());
    for (j, call) in calls.iter().enumerate() {
        // Ids must be unique in one request (the offline agent's repeat from turn to turn).
        let id = if ids.insert(call.id.clone()) { call.id.clone() } else { format!("{item_id}_{j}") };
        ids.insert(id.clone());
        let mut arguments = call.arguments.to_string();
        if arguments.len() > ARGUMENT_CHARS {
            arguments = json!({"omitted": "arguments too long to repeat"}).to_string();
        }
        wire.push(
            json!({"id": id, "type": "function", "function": {"name": call.name, "arguments": arguments}}),
        );
        let text = call.result.as_ref().and_then(|r| r["text"].as_str()).unwrap_or_default();
        let text = match call.status.as_str() {
            "ok" => clip(text, RESULT_CHARS),
            _ => format!("Error: {}", clip(text, RESULT_CHARS)),
        };
        results.push(json!({"role": "tool", "tool_call_id": id, "content": text}));
    }
    let mut unit = vec![json!({"role": "assistant", "tool_calls": wire})];
    unit.extend(results);
    unit
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::chatkit::types::OutputText;

    fn item(id: &str, body: ItemBody) -> ThreadItem {
        ThreadItem { id: id.into(), thread_id: "t".into(), created_at: Utc::now(), body }
    }

    fn said(text: &str) -> ItemBody {
        ItemBody::UserMessage {
            content: vec![UserContent::InputText { text: text.into() }],
            attachments: vec![],
            quoted_text: None,
            inference_options: serde_json::Map::new(),
        }
    }

    fn record(id: &str, item: &str, text: &str) -> ToolCallRecord {
        ToolCallRecord {
            id: id.into(),
            thread_id: "t".into(),
            item_id: Some(item.into()),
            name: "list_tasks".into(),
            arguments: json!({}),
            result: Some(json!({"ok": true, "text": text})),
            status: "ok".into(),
            duration_ms: 1,
            created_at: Utc::now(),
        }
    }

    fn ok() -> OutputText {
        OutputText { annotations: vec![], text: "ok".into(), kind: "output_text".into() }
    }

    fn workflow() -> ItemBody {
        serde_json::from_value(json!({"type": "workflow", "workflow": {"type": "custom", "tasks": []}}))
            .unwrap()
    }

    #[test]
    fn a_long_thread_keeps_the_newest_items_whole_and_never_a_tool_message_without_its_call() {
        // Newest first, as the store pages them: turns of (user, workflow with a long result).
        let mut items = Vec::new();
        let mut records = Vec::new();
        for turn in (0..20).rev() {
            items.push(item(&format!("a{turn}"), ItemBody::AssistantMessage { content: vec![ok()] }));
            items.push(item(&format!("wf{turn}"), workflow()));
            records.push(record("offline_0", &format!("wf{turn}"), &"x".repeat(1_500)));
            items.push(item(&format!("u{turn}"), said(&format!("message {turn}"))));
        }
        let sent = messages(&items, &records, 6_000);
        let size: usize = sent.iter().map(|m| m.to_string().len()).sum();
        assert!(size <= 6_000, "{size}");
        assert_eq!(sent.last().unwrap()["content"], "ok", "the newest item is kept");
        assert!(!sent.iter().any(|m| m["content"] == "message 0"), "the oldest went first");
        assert_ne!(sent[0]["role"], "tool", "no orphan result: {}", sent[0]);
        let mut open: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for m in &sent {
            if let Some(calls) = m["tool_calls"].as_array() {
                open = calls.iter().map(|c| c["id"].as_str().unwrap().to_owned()).collect();
                assert!(open.iter().all(|id| seen.insert(id.clone())), "ids are unique");
            }
            if m["role"] == "tool" {
                assert!(open.contains(&m["tool_call_id"].as_str().unwrap().to_owned()), "{m}");
            }
        }
        assert!(sent.iter().any(|m| m["role"] == "tool"), "results are sent");
    }

    #[test]
    fn quoted_text_and_tags_are_part_of_what_the_user_said() {
        let content = vec![
            UserContent::InputText { text: "move".into() },
            UserContent::InputTag {
                id: "task-3".into(),
                text: "#3 buy milk".into(),
                data: json!({"number": 3}),
                group: Some("Tasks".into()),
                interactive: false,
            },
        ];
        let text = user_message(&content, Some("due tomorrow"));
        assert_eq!(
            text,
            "[quoting: \"due tomorrow\"]\nmove #3 buy milk\n[tagged: #3 buy milk (id task-3, Tasks, data {\"number\":3})]"
        );
    }
}
