//! The LLM agent's approval step, as the OpenAI Agents SDK's tool approval: a batch delete
//! or complete the model asks for does not run. It is shown as a confirmation card
//! (`widgets::confirm`), and the model is told the call awaits the user's approval; the
//! card's Confirm runs it (`actions`). A batch is more than one task, a call selecting tasks
//! by filter or "all" instead of by number (resolved into numbers now, `select_all`), or any
//! delete or complete when the user asked for "all". Every other call runs as usual.

use rmcp::model::JsonObject;
use serde_json::Value;
use shared::contract::tools;

use super::lang::{Lang, normalise_arguments};
use super::llm::ToolCall;
use super::select_all::{Selected, filter_of, nothing, too_many};
use super::widgets::confirm::{self, Batch};
use super::widgets::copy_text;
use super::{Agent, steps, tasks_unreachable};
use crate::auth::User;
use crate::chatkit::types::{Event, ItemBody};
use crate::conversation::{TurnError, TurnSink};

/// What the model reads for a call held for approval.
const AWAITING: &str = "Not run yet: changing several tasks at once needs the user's approval. A \
     confirmation card listing these tasks is shown to the user with Confirm and Cancel buttons; \
     nothing has changed. Tell the user to confirm or cancel, and do not call this tool again for \
     these tasks.";

/// What becomes of one of the model's calls.
enum Hold {
    /// It runs now.
    Run,
    /// It waits for the user's answer on this card.
    Ask(Batch, ItemBody),
    /// It does not run, and the model reads this instead (nothing matched its filter).
    Answer(String),
}

impl Agent {
    /// Runs one model step's tool calls (the first `max`), holding batch changes for approval:
    /// what the model reads for each call, in order. `said_all`: the user's message asked to
    /// change "all" of something.
    pub(super) async fn run_step(
        &self,
        user: &User,
        (calls, max): (&[ToolCall], usize),
        (lang, said_all): (Lang, bool),
        out: &mut TurnSink,
    ) -> Result<Vec<String>, TurnError> {
        let mut held = Vec::with_capacity(calls.len());
        for call in calls {
            held.push(self.hold(user, call, lang, said_all).await?);
        }
        let to_run: Vec<ToolCall> =
            calls.iter().zip(&held).filter(|(_, h)| matches!(h, Hold::Run)).map(|(c, _)| c.clone()).collect();
        let mut outcomes = Vec::new();
        if !to_run.is_empty() {
            outcomes = self.run_tools(user, (&to_run, max), lang, out).await?;
            if steps::Outcome::all_unreachable(&outcomes) {
                return Err(tasks_unreachable());
            }
        }
        for hold in &held {
            if let Hold::Ask(_, card) = hold {
                let card = out.item("wgt", card.clone());
                out.send(Event::ItemDone { item: card }).await?;
            }
        }
        let mut ran = outcomes.into_iter();
        Ok(held
            .into_iter()
            .map(|h| match h {
                Hold::Ask(batch, _) => {
                    let list: Vec<String> = batch.numbers.iter().map(|n| format!("#{n}")).collect();
                    format!("{AWAITING} The tasks it would change: {}.", list.join(", "))
                }
                Hold::Answer(text) => text,
                Hold::Run => ran.next().map(|o| o.for_model).unwrap_or_default(),
            })
            .collect())
    }

    /// Whether `call` runs now or waits for the user's approval.
    async fn hold(
        &self,
        user: &User,
        call: &ToolCall,
        lang: Lang,
        said_all: bool,
    ) -> Result<Hold, TurnError> {
        let Ok(Value::Object(arguments)) = serde_json::from_str::<Value>(&call.arguments) else {
            return Ok(Hold::Run);
        };
        let arguments = normalise_arguments(arguments);
        if let Some(batch) = Batch::of_call(&call.name, &Value::Object(arguments.clone()), lang) {
            let card = confirm::confirm_card(&batch);
            return Ok(Hold::Ask(batch, card));
        }
        if ![tools::DELETE_TASK, tools::COMPLETE_TASK].contains(&call.name.as_str()) {
            return Ok(Hold::Run);
        }
        if let Some(filter) = filter_of(&arguments) {
            return self.hold_filter(user, &call.name, lang, filter).await;
        }
        let numbers = numbers_in(&arguments);
        match Batch::new(&call.name, numbers, lang).filter(|b| said_all && !b.numbers.is_empty()) {
            Some(batch) => {
                let card = confirm::confirm_card(&batch);
                Ok(Hold::Ask(batch, card))
            }
            None => Ok(Hold::Run),
        }
    }

    /// A call selecting by filter: the tasks it selects now, on a card naming them.
    async fn hold_filter(
        &self,
        user: &User,
        tool: &str,
        lang: Lang,
        filter: JsonObject,
    ) -> Result<Hold, TurnError> {
        let tasks = match self.select_all(user, tool, filter).await? {
            Selected::Tasks(tasks) => tasks,
            Selected::TooMany(max) => {
                return Ok(Hold::Answer(format!("Not run: {}", too_many(Lang::English, max))));
            }
            Selected::Refused(why) => return Ok(Hold::Answer(format!("Not run: {why}"))),
        };
        let numbers = tasks.iter().map(|t| t.number).collect();
        match Batch::new(tool, numbers, lang).filter(|b| !b.numbers.is_empty()) {
            Some(batch) => {
                let card = confirm::confirm_card_listing(&batch, &copy_text(lang, &tasks));
                Ok(Hold::Ask(batch, card))
            }
            None => Ok(Hold::Answer(format!("Not run: {}", nothing(Lang::English)))),
        }
    }
}

/// The task numbers a call names (`task` and `tasks`).
fn numbers_in(arguments: &JsonObject) -> Vec<i64> {
    let one = arguments.get("task").and_then(Value::as_i64);
    let many =
        arguments.get("tasks").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_i64);
    one.into_iter().chain(many).collect()
}
