//! Widget actions on tasks (`threads.custom_action` and `threads.sync_custom_action`):
//! `tasks.complete`, `tasks.reopen`, `tasks.snooze` (to tomorrow), `tasks.move` (to the day
//! the row's date picker carries as `payload.date`) and `tasks.delete`, with the payload
//! `{number, lang?, time?, date?}`. The gateway runs each itself through mcp-tasks as the
//! user (the minted per-user token: mcp-tasks scopes the number to that user), updates the
//! sending widget's row, records a hidden context item the model reads next turn ("the user
//! completed #3 …") and, when streamed, emits the `tasks.changed` client effect.
//! `tasks.confirm` and `tasks.cancel` answer a confirmation card (`widgets::confirm`): the
//! batch it holds runs, or nothing does, and the card is replaced by what happened.

use std::time::Instant;

use chrono::{NaiveDate, Utc};
use rmcp::model::JsonObject;
use serde_json::{Value, json};
use shared::contract::{listed_tasks, listed_views, task_numbers, tools};

use super::lang::Lang;
use super::widgets::confirm::{self, Batch};
use super::{Agent, widgets};
use crate::chatkit::types::{Action, Event, ItemBody, ThreadItem};
use crate::conversation::{Turn, TurnError, TurnSink, new_id};
use crate::store::ToolCallRecord;
use crate::tasks_client::{TasksError, result_text};

/// The client effect sent after every change.
pub const TASKS_CHANGED: &str = "tasks.changed";

mod payload;
mod typed;

use payload::{DateRefused, MOVE_SPAN_DAYS, clock, move_date};

/// What a task action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Complete,
    Reopen,
    Snooze,
    /// To this day (keeping the time of day the row knew).
    Move(NaiveDate),
    Delete,
}

/// A checked task action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TaskAction {
    kind: Kind,
    number: i64,
    lang: Lang,
    /// The time of day a snoozed task keeps (its due time, as the row knew it).
    time: Option<(u32, u32)>,
}

/// A checked widget action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Checked {
    /// A button on a task row.
    Task(TaskAction),
    /// Confirm on a confirmation card: the batch the stored card holds.
    Confirm(Batch),
    /// Cancel on a confirmation card.
    Cancel(Batch),
}

impl Checked {
    /// Checks an action and the widget that sent it, before anything runs.
    pub(super) fn check(action: &Action, sender: Option<&ThreadItem>) -> Result<Self, TurnError> {
        let answer = match action.kind.as_str() {
            confirm::CONFIRM => Self::Confirm,
            confirm::CANCEL => Self::Cancel,
            _ => return TaskAction::check(action, sender).map(Self::Task),
        };
        // What runs is what the stored card holds, whatever the request's payload says.
        let batch = sender.and_then(|s| confirm::pending(&s.body)).ok_or_else(|| {
            invalid(format!(
                "`{}` answers a confirmation card that is still waiting: send it with that card's item_id",
                action.kind
            ))
        })?;
        Ok(answer(batch))
    }
}

/// What an action did, for the stream or the JSON answer.
pub(super) struct Applied {
    /// The sending widget as it now is (None when there was no widget or it did not change).
    pub(super) widget: Option<ThreadItem>,
    /// The hidden context item telling the model what the user did.
    pub(super) context: ThreadItem,
    /// The `tasks.changed` client effect, when tasks changed.
    pub(super) effect: Option<Event>,
    /// The tool call, as recorded, when one ran.
    pub(super) call: Option<ToolCallRecord>,
}

impl TaskAction {
    /// Reads an action: a known `type` and a payload `{"number": n ≥ 1, "lang"?: "en" | "ur-Latn" | "ur"}`.
    pub(super) fn parse(action: &Action) -> Result<Self, TurnError> {
        let kind = match action.kind.as_str() {
            widgets::COMPLETE => Kind::Complete,
            widgets::REOPEN => Kind::Reopen,
            widgets::SNOOZE => Kind::Snooze,
            widgets::DELETE => Kind::Delete,
            // The day is read below, once the payload is known to be an object.
            widgets::MOVE => Kind::Move(NaiveDate::MIN),
            other => {
                return Err(invalid(format!(
                    "unknown action type `{other}`; this server handles tasks.complete, tasks.reopen, \
                     tasks.snooze, tasks.move and tasks.delete"
                )));
            }
        };
        let Some(payload) = action.payload.as_object() else {
            return Err(invalid(format!("`{}` needs a payload object like {{\"number\": 3}}", action.kind)));
        };
        let kind = match kind {
            Kind::Move(_) => Kind::Move(Self::date(payload.get("date"))?),
            other => other,
        };
        let number = payload.get("number").and_then(Value::as_i64).filter(|n| *n >= 1).ok_or_else(|| {
            invalid(format!("`{}` needs `payload.number`, a task number of 1 or more", action.kind))
        })?;
        let lang = match payload.get("lang") {
            None | Some(Value::Null) => Lang::English,
            Some(Value::String(code)) => Lang::from_code(code)
                .ok_or_else(|| invalid(format!("`payload.lang` must be en, ur-Latn or ur, not `{code}`")))?,
            Some(_) => return Err(invalid("`payload.lang` must be a string (en, ur-Latn or ur)".into())),
        };
        let time = match payload.get("time") {
            None | Some(Value::Null) => None,
            Some(Value::String(hhmm)) => Some(clock(hhmm).ok_or_else(|| {
                invalid(format!("`payload.time` must be a time of day HH:MM, not `{hhmm}`"))
            })?),
            Some(_) => return Err(invalid("`payload.time` must be a string HH:MM".into())),
        };
        Ok(Self { kind, number, lang, time })
    }

    /// The day `tasks.move` moves to: `payload.date`, a real day near today.
    fn date(value: Option<&Value>) -> Result<NaiveDate, TurnError> {
        let Some(Value::String(value)) = value else {
            return Err(invalid(
                "`tasks.move` needs `payload.date`, the new day as YYYY-MM-DD (the date picker's value)"
                    .into(),
            ));
        };
        move_date(value).map_err(|why| {
            let shown: String = value.chars().take(40).collect();
            invalid(match why {
                DateRefused::Malformed => {
                    format!("`payload.date` must be a calendar day YYYY-MM-DD, not `{shown}`")
                }
                DateRefused::OutOfRange => format!(
                    "`payload.date` `{shown}` is too far away: a task moves to a day within {} years of today",
                    MOVE_SPAN_DAYS / 366
                ),
            })
        })
    }

    /// Checks the action against the widget that sent it: that widget must list the task.
    pub(super) fn check(action: &Action, sender: Option<&ThreadItem>) -> Result<Self, TurnError> {
        let parsed = Self::parse(action)?;
        if let Some(ItemBody::Widget { widget, .. }) = sender.map(|s| &s.body)
            && !widgets::has_row(widget, parsed.number)
        {
            return Err(TurnError::NotFound("task"));
        }
        Ok(parsed)
    }

    /// The tool call that does it.
    fn call(self) -> (&'static str, JsonObject) {
        let mut arguments = JsonObject::new();
        arguments.insert("task".into(), json!(self.number));
        let tool = match self.kind {
            Kind::Complete => tools::COMPLETE_TASK,
            Kind::Delete => tools::DELETE_TASK,
            Kind::Reopen => {
                arguments.insert("status".into(), json!("pending"));
                tools::UPDATE_TASK
            }
            Kind::Snooze => {
                let due = match self.time {
                    Some((h, m)) => format!("tomorrow {h:02}:{m:02}"),
                    None => "tomorrow".to_owned(),
                };
                arguments.insert("due".into(), json!(due));
                tools::UPDATE_TASK
            }
            Kind::Move(date) => {
                let day = date.format("%Y-%m-%d");
                let due = match self.time {
                    Some((h, m)) => format!("{day}T{h:02}:{m:02}"),
                    None => day.to_string(),
                };
                arguments.insert("due".into(), json!(due));
                tools::UPDATE_TASK
            }
        };
        (tool, arguments)
    }

    /// What the user did, for the model: "completed task #3 \"milk\"", "moved task #3 \"milk\" to …".
    fn done(self, title: &str) -> String {
        let n = self.number;
        match self.kind {
            Kind::Complete => format!("completed task #{n} \"{title}\""),
            Kind::Reopen => format!("reopened task #{n} \"{title}\""),
            Kind::Snooze => format!("snoozed task #{n} \"{title}\" to tomorrow"),
            Kind::Move(date) => format!("moved task #{n} \"{title}\" to {}", date.format("%A %Y-%m-%d")),
            Kind::Delete => format!("deleted task #{n} \"{title}\""),
        }
    }

    fn name(self) -> &'static str {
        match self.kind {
            Kind::Complete => "complete",
            Kind::Reopen => "reopen",
            Kind::Snooze => "snooze",
            Kind::Move(_) => "move",
            Kind::Delete => "delete",
        }
    }
}

impl Agent {
    /// Runs a checked action as the turn's user and works out what changed.
    pub(super) async fn apply_action(
        &self,
        turn: &Turn,
        checked: Checked,
        sender: Option<&ThreadItem>,
    ) -> Result<Applied, TurnError> {
        match checked {
            Checked::Task(action) => self.apply_task(turn, action, sender).await,
            Checked::Confirm(batch) => {
                let mut arguments = JsonObject::new();
                arguments.insert("tasks".into(), json!(batch.numbers));
                let (_, call) = self.run(turn, batch.tool, arguments, sender).await?;
                let list = task_numbers(&batch.numbers);
                let said = format!(
                    "The user confirmed {} tasks {list} on the confirmation card; it is done.",
                    batch.verb()
                );
                let effect = changed(batch.action_name(), &batch.numbers);
                Ok(Applied {
                    widget: answered(sender, &batch.done()),
                    context: context(turn, said),
                    effect: Some(effect),
                    call: Some(call),
                })
            }
            Checked::Cancel(batch) => {
                let list = task_numbers(&batch.numbers);
                let said = format!(
                    "The user cancelled {} tasks {list} on the confirmation card; nothing changed.",
                    batch.verb()
                );
                Ok(Applied {
                    widget: answered(sender, batch.cancelled()),
                    context: context(turn, said),
                    effect: None,
                    call: None,
                })
            }
        }
    }

    async fn apply_task(
        &self,
        turn: &Turn,
        action: TaskAction,
        sender: Option<&ThreadItem>,
    ) -> Result<Applied, TurnError> {
        let (tool, arguments) = action.call();
        let (data, call) = self.run(turn, tool, arguments, sender).await?;
        let task = listed_views(tool, &data).and_then(|v| v.into_iter().find(|t| t.number == action.number));
        let title = listed_tasks(tool, &data)
            .and_then(|v| v.into_iter().find(|t| t.number == action.number))
            .map(|t| t.title)
            .unwrap_or_default();
        let widget = sender.and_then(|sender| {
            let mut item = sender.clone();
            let changed = match (action.kind, &task) {
                (Kind::Delete, _) => widgets::update_row(&mut item.body, action.lang, action.number, None),
                (_, Some(task)) => {
                    widgets::update_row(&mut item.body, action.lang, action.number, Some(task))
                }
                // Nothing came back (e.g. it was already completed): the row stays as it is.
                (_, None) => false,
            };
            changed.then_some(item)
        });
        let said = format!(
            "The user {} from the task list (a control in the widget, not a message).",
            action.done(&title)
        );
        Ok(Applied {
            widget,
            context: context(turn, said),
            effect: Some(changed(action.name(), &[action.number])),
            call: Some(call),
        })
    }

    /// Calls `tool` as the turn's user: its structured result and the call's record. A tool
    /// error is the action's error ("No task #N" is "task not found").
    async fn run(
        &self,
        turn: &Turn,
        tool: &'static str,
        arguments: JsonObject,
        sender: Option<&ThreadItem>,
    ) -> Result<(Value, ToolCallRecord), TurnError> {
        let started = Instant::now();
        let result = self.tasks.call(&turn.user, tool, arguments.clone()).await.map_err(|e| {
            tracing::warn!(error = %e, tool, "widget action failed");
            match e {
                TasksError::Refused(why) => TurnError::Failed { message: why, allow_retry: false },
                _ => super::tasks_unreachable(),
            }
        })?;
        let text = result_text(&result);
        if result.is_error == Some(true) {
            // mcp-tasks scopes numbers to the caller: another user's task is "No task #N".
            if text.starts_with("No task #") {
                return Err(TurnError::NotFound("task"));
            }
            return Err(TurnError::Failed { message: text, allow_retry: false });
        }
        let call = ToolCallRecord {
            id: new_id("call"),
            thread_id: turn.thread.id.clone(),
            item_id: sender.map(|s| s.id.clone()),
            name: tool.to_owned(),
            arguments: Value::Object(arguments),
            result: Some(json!({"ok": true, "text": text})),
            status: "ok".into(),
            duration_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
            created_at: Utc::now(),
        };
        Ok((result.structured_content.unwrap_or(Value::Null), call))
    }
}

/// Streams what an action did: its record, the widget updated in place, the hidden
/// context (stored, not sent) and the client effect.
pub(super) async fn emit(applied: Applied, out: &mut TurnSink) -> Result<(), TurnError> {
    if let Some(call) = applied.call {
        out.record_tool_call(call).await?;
    }
    if let Some(widget) = &applied.widget {
        out.update_widget(widget).await?;
    }
    out.send(Event::ItemDone { item: applied.context }).await?;
    match applied.effect {
        Some(effect) => out.send(effect).await,
        None => Ok(()),
    }
}

/// The sending card, answered with `text`.
fn answered(sender: Option<&ThreadItem>, text: &str) -> Option<ThreadItem> {
    sender.map(|s| ThreadItem { body: confirm::answered_card(text), ..s.clone() })
}

/// A hidden context item saying `said` to the model.
fn context(turn: &Turn, said: String) -> ThreadItem {
    ThreadItem {
        id: new_id("hcx"),
        thread_id: turn.thread.id.clone(),
        created_at: Utc::now(),
        body: ItemBody::HiddenContextItem { content: Value::String(said) },
    }
}

/// The `tasks.changed` client effect.
fn changed(action: &str, numbers: &[i64]) -> Event {
    Event::ClientEffect { name: TASKS_CHANGED.into(), data: json!({"action": action, "numbers": numbers}) }
}

fn invalid(message: String) -> TurnError {
    TurnError::Failed { message, allow_retry: false }
}

#[cfg(test)]
mod tests;
