//! A turn's tool calls as steps: run in parallel over MCP with the user's identity, shown
//! while they run as one ChatKit workflow item (one task per call, labelled in the user's
//! language), stored as tool-call records, and handed back as [`Outcome`]s for the model or
//! the offline agent's summary.

use std::time::Instant;

use chrono::Utc;
use futures::StreamExt;
use serde_json::{Value, json};

use super::Agent;
use shared::contract::{TaskView, listed_views, tools};

use super::lang::{Lang, clip, normalise_arguments, step_title, steps_title, task_lines};
use super::llm::ToolCall;
use super::widgets;
use crate::auth::User;
use crate::chatkit::types::{Event, ItemBody, ItemUpdate, Workflow, WorkflowTask};
use crate::conversation::{TurnError, TurnSink};
use crate::store::ToolCallRecord;
use crate::tasks_client::{TasksError, result_text};

/// Characters of one tool result passed to the model at most.
const TOOL_RESULT_CHARS: usize = 8_000;

/// One tool call's outcome as the model and the user see it.
pub(super) struct Outcome {
    pub(super) ok: bool,
    /// For the model: structured content as JSON, or the tool's text.
    pub(super) for_model: String,
    /// The tool's own text, as recorded.
    pub(super) text: String,
    /// For people, in the user's language: in Urdu and Roman Urdu the tasks from the
    /// structured result ([`task_lines`]), else the tool's text.
    pub(super) shown: String,
    /// The task service could not be reached (down or timed out): nothing ran.
    pub(super) unreachable: bool,
    /// The tasks the result shows as a widget: every listing (even an empty one), and the
    /// tasks a change returned.
    pub(super) views: Option<Vec<TaskView>>,
}

impl Outcome {
    /// A call that failed before the tool could answer: `text` for the model and for people.
    fn failed(text: String) -> Self {
        Self {
            ok: false,
            for_model: text.clone(),
            shown: text.clone(),
            text,
            unreachable: false,
            views: None,
        }
    }

    /// Whether every one of `outcomes` (at least one) found the task service unreachable.
    pub(super) fn all_unreachable(outcomes: &[Self]) -> bool {
        !outcomes.is_empty() && outcomes.iter().all(|o| o.unreachable)
    }
}

impl Agent {
    /// Runs calls in parallel (at most `AGENT_TOOL_CONCURRENCY` at once, the first `max` of
    /// them; the rest are answered "not run"), shown as one workflow item, each recorded;
    /// returns outcomes in order.
    pub(super) async fn run_tools(
        &self,
        user: &User,
        (calls, max): (&[ToolCall], usize),
        lang: Lang,
        out: &mut TurnSink,
    ) -> Result<Vec<Outcome>, TurnError> {
        let mut workflow = out.item(
            "wf",
            ItemBody::Workflow {
                workflow: Workflow { kind: "custom".into(), tasks: vec![], summary: None, expanded: false },
            },
        );
        out.send(Event::ItemAdded { item: workflow.clone() }).await?;
        let mut tasks = Vec::with_capacity(calls.len());
        for (i, call) in calls.iter().enumerate() {
            let task = WorkflowTask {
                kind: "custom".into(),
                title: Some(step_title(lang, &call.name)),
                content: None,
                status_indicator: "loading".into(),
            };
            out.send(Event::ItemUpdated {
                item_id: workflow.id.clone(),
                update: ItemUpdate::TaskAdded { task_index: i, task: task.clone() },
            })
            .await?;
            tasks.push(task);
        }
        let started = Utc::now();
        let clock = Instant::now();
        let pending: Vec<_> = calls
            .iter()
            .enumerate()
            .map(|(i, call)| {
                Box::pin(async move {
                    let began = Instant::now();
                    let outcome = match i < max {
                        true => self.call_tool(user, call, lang).await,
                        false => Outcome::failed(format!(
                            "Not run: at most {max} tool calls run per step; call {} again in the next step.",
                            call.name
                        )),
                    };
                    (outcome, began.elapsed())
                })
            })
            .collect();
        let outcomes: Vec<_> =
            futures::stream::iter(pending).buffered(self.limits.tool_concurrency.max(1)).collect().await;
        let mut results = Vec::with_capacity(outcomes.len());
        for (i, ((outcome, took), call)) in outcomes.into_iter().zip(calls).enumerate() {
            let task = &mut tasks[i];
            task.status_indicator = "complete".into();
            task.content = progress_note(&outcome);
            out.send(Event::ItemUpdated {
                item_id: workflow.id.clone(),
                update: ItemUpdate::TaskUpdated { task_index: i, task: task.clone() },
            })
            .await?;
            let record = ToolCallRecord {
                id: call.id.clone(),
                thread_id: out.thread_id().to_owned(),
                item_id: Some(workflow.id.clone()),
                name: call.name.clone(),
                arguments: serde_json::from_str(&call.arguments)
                    .unwrap_or(Value::String(call.arguments.clone())),
                result: Some(json!({"ok": outcome.ok, "text": outcome.text})),
                status: if outcome.ok { "ok" } else { "error" }.into(),
                duration_ms: i64::try_from(took.as_millis()).unwrap_or(i64::MAX),
                created_at: started,
            };
            out.record_tool_call(record).await?;
            results.push(outcome);
        }
        tracing::debug!(calls = calls.len(), ms = clock.elapsed().as_millis() as u64, "tools ran");
        if let ItemBody::Workflow { workflow: w } = &mut workflow.body {
            w.tasks = tasks;
            w.summary = Some(json!({"title": steps_title(lang, calls.len())}));
        }
        out.send(Event::ItemDone { item: workflow }).await?;
        for views in results.iter().filter_map(|o| o.views.as_ref()) {
            let widget = out.item("wgt", widgets::task_list_item(lang, views));
            out.send(Event::ItemDone { item: widget }).await?;
        }
        Ok(results)
    }

    /// One tool call; bad arguments and tool errors are outcomes the model reads, not failures.
    async fn call_tool(&self, user: &User, call: &ToolCall, lang: Lang) -> Outcome {
        let arguments = match serde_json::from_str::<Value>(&call.arguments) {
            Ok(Value::Object(map)) => normalise_arguments(map),
            _ => {
                let text =
                    format!("The arguments for {} were not a JSON object; send a JSON object.", call.name);
                return Outcome::failed(text);
            }
        };
        match self.tasks.call(user, &call.name, arguments).await {
            Ok(result) => {
                let text = result_text(&result);
                let ok = result.is_error != Some(true);
                let for_model = match (&result.structured_content, ok) {
                    (Some(data), true) => clip(&data.to_string(), TOOL_RESULT_CHARS),
                    _ => clip(&text, TOOL_RESULT_CHARS),
                };
                let shown = result
                    .structured_content
                    .as_ref()
                    .filter(|_| ok)
                    .and_then(|data| task_lines(lang, &call.name, data))
                    .unwrap_or_else(|| text.clone());
                let views = result
                    .structured_content
                    .as_ref()
                    .filter(|_| ok)
                    .and_then(|data| listed_views(&call.name, data))
                    .filter(|views| !views.is_empty() || is_listing(&call.name));
                Outcome { ok, for_model, text, shown, unreachable: false, views }
            }
            Err(e) => {
                // The detail (an internal URL, a transport error) is logged, never shown or stored.
                tracing::warn!(error = %e, tool = %call.name, "tool call failed");
                let (text, unreachable) = match &e {
                    TasksError::Refused(why) => {
                        (format!("The task service refused {}: {why}", call.name), false)
                    }
                    _ => (
                        format!("The task service is unavailable right now, so {} did not run.", call.name),
                        true,
                    ),
                };
                Outcome { unreachable, ..Outcome::failed(text) }
            }
        }
    }
}

/// How many task numbers these planned calls name (`task` and `tasks` together).
pub(super) fn numbers_named(calls: &[super::offline::PlannedCall]) -> usize {
    calls
        .iter()
        .map(|c| {
            usize::from(c.arguments.get("task").is_some())
                + c.arguments["tasks"].as_array().map_or(0, Vec::len)
        })
        .sum()
}

/// The reply to a message naming more than `max` task numbers: nothing is run.
pub(super) fn too_many_numbers(lang: Lang, named: usize, max: usize) -> String {
    match lang {
        Lang::English => format!(
            "That message names {named} tasks; I act on at most {max} per message. Send them in smaller groups."
        ),
        Lang::RomanUrdu => format!(
            "Is message mein {named} tasks hain; main ek message mein zyada se zyada {max} par kaam karta hoon. Chhote hisson mein bhejein."
        ),
        Lang::Urdu => format!(
            "اس پیغام میں {named} کام ہیں؛ میں ایک پیغام میں زیادہ سے زیادہ {max} پر کام کرتا ہوں۔ چھوٹے حصوں میں بھیجیں۔"
        ),
    }
}

/// Whether `tool` lists tasks (its widget is shown even when the list is empty).
fn is_listing(tool: &str) -> bool {
    [tools::LIST_TASKS, tools::SEARCH_TASKS, tools::GET_RECURRING_TASKS].contains(&tool)
}

/// What a finished step says under its title: the first line of its result, unless the
/// widget shown below it says that line already (a line about a task it has a row for).
fn progress_note(outcome: &Outcome) -> Option<String> {
    let first = outcome.shown.lines().next().unwrap_or_default();
    let repeats = outcome
        .views
        .as_ref()
        .is_some_and(|views| first.trim().is_empty() || views.iter().any(|v| mentions(first, v.number)));
    (!repeats).then(|| clip(first, 200))
}

/// Whether `line` is about task `number` ("#3 milk", "✅ #3 · …"; not "#30").
fn mentions(line: &str, number: i64) -> bool {
    let tag = format!("#{number}");
    line.match_indices(&tag).any(|(at, _)| !line[at + tag.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_does_not_repeat_a_task_line_its_widget_shows() {
        let view: TaskView = serde_json::from_value(json!({
            "number": 3, "title": "milk", "status": "pending", "priority": "p4", "priority_name": "low",
            "tags": [], "created_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        let outcome = |shown: &str, views: Option<Vec<TaskView>>| Outcome {
            ok: true,
            for_model: String::new(),
            text: shown.into(),
            shown: shown.into(),
            unreachable: false,
            views,
        };
        assert_eq!(progress_note(&outcome("#3 milk · due today\n#4 eggs", Some(vec![view.clone()]))), None);
        assert_eq!(progress_note(&outcome("⬜ #3 milk", Some(vec![view.clone()]))), None);
        assert_eq!(
            progress_note(&outcome("Added 1 task:\n#3 milk", Some(vec![view.clone()]))).as_deref(),
            Some("Added 1 task:"),
            "a heading is not a task line"
        );
        assert_eq!(progress_note(&outcome("#30 other", Some(vec![view]))).as_deref(), Some("#30 other"));
        assert_eq!(
            progress_note(&outcome("#3 milk", None)).as_deref(),
            Some("#3 milk"),
            "no widget, no repeat"
        );
    }
}
