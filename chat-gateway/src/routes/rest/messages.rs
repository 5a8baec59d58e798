//! A thread's messages: its user and assistant message items, each assistant message with
//! the tool calls made before it.
//!
//! Tool-call records point at the workflow item that showed them (or at an assistant
//! message). A workflow's calls belong to the first assistant message after it in the same
//! turn; a turn that ended without a reply (a failed model) leaves its calls unlisted here.
//! Hidden items, workflows, widgets and the like are not messages. Pages are cut on
//! messages, but walked on items, so a page reads on until the message after its last one:
//! that way the last message has all its calls in either order.

use std::collections::HashMap;

use super::types::{Message, MessagePage, Role, ToolCall};
use crate::chatkit::types::{ItemBody, ThreadItem, user_text};
use crate::conversation::{ItemRecord, Order, ToolCallRecord};

/// Builds one page of messages from items walked in `order`.
pub struct Walk {
    order: Order,
    limit: usize,
    calls: HashMap<String, Vec<ToolCallRecord>>,
    messages: Vec<Message>,
    /// Ascending: calls of workflows seen since the last message, waiting for a reply.
    waiting: Vec<ToolCall>,
    /// Descending: the assistant message that workflows seen now belong to, if any.
    owner: Option<usize>,
}

impl Walk {
    /// A walk for a page of `limit` messages, given all of the thread's tool calls.
    pub fn new(order: Order, limit: usize, calls: Vec<ToolCallRecord>) -> Self {
        let mut by_item: HashMap<String, Vec<ToolCallRecord>> = HashMap::new();
        for call in calls {
            if let Some(item) = call.item_id.clone() {
                by_item.entry(item).or_default().push(call);
            }
        }
        Self { order, limit, calls: by_item, messages: vec![], waiting: vec![], owner: None }
    }

    /// Takes the next item; returns false once the page is complete (one message past it seen).
    pub fn push(&mut self, record: ItemRecord) -> bool {
        let own: Vec<ToolCall> =
            self.calls.remove(&record.id).unwrap_or_default().into_iter().map(ToolCall::from).collect();
        let Ok(item) = serde_json::from_value::<ThreadItem>(record.json) else { return true };
        let (role, content) = match item.body {
            ItemBody::UserMessage { content, .. } => (Role::User, user_text(&content)),
            ItemBody::AssistantMessage { content } => {
                (Role::Assistant, content.iter().map(|c| c.text.as_str()).collect())
            }
            ItemBody::Workflow { .. } => {
                self.workflow(own);
                return true;
            }
            _ => return true,
        };
        let mut message =
            Message { id: item.id, role, content, created_at: item.created_at, tool_calls: own };
        match (self.order, role) {
            (Order::Asc, Role::User) => self.waiting.clear(),
            (Order::Asc, Role::Assistant) => {
                let mut calls = std::mem::take(&mut self.waiting);
                calls.append(&mut message.tool_calls);
                message.tool_calls = calls;
            }
            (Order::Desc, Role::User) => self.owner = None,
            (Order::Desc, Role::Assistant) => self.owner = Some(self.messages.len()),
        }
        self.messages.push(message);
        self.messages.len() <= self.limit
    }

    fn workflow(&mut self, calls: Vec<ToolCall>) {
        match self.order {
            Order::Asc => self.waiting.extend(calls),
            // Walking backwards, these calls came before the ones already attached.
            Order::Desc => {
                if let Some(message) = self.owner.and_then(|i| self.messages.get_mut(i)) {
                    message.tool_calls.splice(0..0, calls);
                }
            }
        }
    }

    /// The page: at most `limit` messages, and whether more follow.
    pub fn finish(mut self) -> MessagePage {
        let has_more = self.messages.len() > self.limit;
        self.messages.truncate(self.limit);
        let next_after = if has_more { self.messages.last().map(|m| m.id.clone()) } else { None };
        MessagePage { data: self.messages, has_more, next_after }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::Utc;
    use serde_json::json;

    use super::*;

    /// Items of two turns: u1, wf1 (call a), a1, u2, wf2 (calls b, c), a2, plus hidden noise.
    fn thread() -> (Vec<ItemRecord>, Vec<ToolCallRecord>) {
        let item = |id: &str, body: serde_json::Value| {
            let mut json = json!({"id": id, "thread_id": "thr_1", "created_at": "2026-01-01T00:00:00Z"});
            json.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
            ItemRecord {
                id: id.into(),
                thread_id: "thr_1".into(),
                kind: json["type"].as_str().unwrap().into(),
                created_at: Utc::now(),
                json,
            }
        };
        let user = |id, text| {
            item(id, json!({"type": "user_message", "content": [{"type": "input_text", "text": text}]}))
        };
        let reply = |id, text| {
            item(
                id,
                json!({"type": "assistant_message", "content": [{"type": "output_text", "text": text, "annotations": []}]}),
            )
        };
        let wf = |id| item(id, json!({"type": "workflow", "workflow": {"type": "custom", "tasks": []}}));
        let items = vec![
            user("u1", "add milk"),
            wf("wf1"),
            reply("a1", "Added."),
            item("h1", json!({"type": "hidden_context_item", "content": "x"})),
            user("u2", "add eggs and tea"),
            wf("wf2"),
            reply("a2", "Added both."),
        ];
        let call = |id: &str, wf: &str| ToolCallRecord {
            id: id.into(),
            thread_id: "thr_1".into(),
            item_id: Some(wf.into()),
            name: "add_task".into(),
            arguments: json!({"title": id}),
            result: Some(json!({"ok": true, "text": "done"})),
            status: "ok".into(),
            duration_ms: 3,
            created_at: Utc::now(),
        };
        (items, vec![call("a", "wf1"), call("b", "wf2"), call("c", "wf2")])
    }

    type Row<'a> = (Order, usize, Option<&'a str>, &'a [&'a str], Option<&'a str>);

    fn walk(order: Order, limit: usize, skip_until: Option<&str>) -> MessagePage {
        let (mut items, calls) = thread();
        if order == Order::Desc {
            items.reverse();
        }
        if let Some(after) = skip_until {
            let at = items.iter().position(|i| i.id == after).unwrap();
            items.drain(..=at);
        }
        let mut walk = Walk::new(order, limit, calls);
        for item in items {
            if !walk.push(item) {
                break;
            }
        }
        walk.finish()
    }

    fn summary(page: &MessagePage) -> Vec<String> {
        page.data
            .iter()
            .map(|m| {
                let calls: Vec<&str> = m.tool_calls.iter().map(|c| c.id.as_str()).collect();
                format!("{}:{}", m.id, calls.join(","))
            })
            .collect()
    }

    #[test]
    fn each_reply_carries_the_calls_of_its_own_turn_in_either_order_and_on_every_page() {
        // (order, limit, after, the page as `message:calls`, next_after)
        let cases: &[Row] = &[
            (Order::Asc, 10, None, &["u1:", "a1:a", "u2:", "a2:b,c"], None),
            (Order::Asc, 2, None, &["u1:", "a1:a"], Some("a1")),
            (Order::Asc, 2, Some("a1"), &["u2:", "a2:b,c"], None),
            (Order::Asc, 1, Some("u1"), &["a1:a"], Some("a1")),
            (Order::Desc, 10, None, &["a2:b,c", "u2:", "a1:a", "u1:"], None),
            (Order::Desc, 1, None, &["a2:b,c"], Some("a2")),
            (Order::Desc, 2, Some("a2"), &["u2:", "a1:a"], Some("a1")),
            (Order::Desc, 2, Some("a1"), &["u1:"], None),
        ];
        for (order, limit, after, want, next) in cases {
            let page = walk(*order, *limit, *after);
            assert_eq!(summary(&page), *want, "{order:?} limit {limit} after {after:?}");
            assert_eq!(page.next_after.as_deref(), *next, "{order:?} limit {limit} after {after:?}");
            assert_eq!(page.has_more, next.is_some());
        }
    }

    #[test]
    fn calls_of_a_turn_without_a_reply_are_not_given_to_a_later_reply() {
        let (mut items, calls) = thread();
        items.remove(2); // a1: the first turn failed after its tool call
        for order in [Order::Asc, Order::Desc] {
            let mut items = items.clone();
            if order == Order::Desc {
                items.reverse();
            }
            let mut walk = Walk::new(order, 10, calls.clone());
            for item in items {
                walk.push(item);
            }
            let page = walk.finish();
            let a2 = page.data.iter().find(|m| m.id == "a2").unwrap();
            let ids: Vec<&str> = a2.tool_calls.iter().map(|c| c.id.as_str()).collect();
            assert_eq!(ids, ["b", "c"], "{order:?}");
        }
    }
}
