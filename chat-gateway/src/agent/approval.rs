//! The LLM agent's approval step, as the OpenAI Agents SDK's tool approval: a batch delete
//! or complete the model asks for (more than one task) does not run. It is shown as a
//! confirmation card (`widgets::confirm`), and the model is told the call awaits the user's
//! approval; the card's Confirm runs it (`actions`). Every other call runs as usual.

use serde_json::Value;

use super::lang::{Lang, normalise_arguments};
use super::llm::ToolCall;
use super::widgets::confirm::{self, Batch};
use super::{Agent, steps, tasks_unreachable};
use crate::auth::User;
use crate::chatkit::types::Event;
use crate::conversation::{TurnError, TurnSink};

/// What the model reads for a call held for approval.
const AWAITING: &str = "Not run yet: changing several tasks at once needs the user's approval. A \
     confirmation card listing these tasks is shown to the user with Confirm and Cancel buttons; \
     nothing has changed. Tell the user to confirm or cancel, and do not call this tool again for \
     these tasks.";

impl Agent {
    /// Runs one model step's tool calls (the first `max`), holding batch changes for approval:
    /// what the model reads for each call, in order.
    pub(super) async fn run_step(
        &self,
        user: &User,
        (calls, max): (&[ToolCall], usize),
        lang: Lang,
        out: &mut TurnSink,
    ) -> Result<Vec<String>, TurnError> {
        let held: Vec<Option<Batch>> = calls.iter().map(|call| batch_of(call, lang)).collect();
        let to_run: Vec<ToolCall> =
            calls.iter().zip(&held).filter(|(_, h)| h.is_none()).map(|(c, _)| c.clone()).collect();
        let mut outcomes = Vec::new();
        if !to_run.is_empty() {
            outcomes = self.run_tools(user, (&to_run, max), lang, out).await?;
            if steps::Outcome::all_unreachable(&outcomes) {
                return Err(tasks_unreachable());
            }
        }
        for batch in held.iter().flatten() {
            let card = out.item("wgt", confirm::confirm_card(batch));
            out.send(Event::ItemDone { item: card }).await?;
        }
        let mut ran = outcomes.into_iter();
        Ok(held
            .iter()
            .map(|h| match h {
                Some(_) => AWAITING.to_owned(),
                None => ran.next().map(|o| o.for_model).unwrap_or_default(),
            })
            .collect())
    }
}

/// The batch a model's call makes, when it needs approval.
fn batch_of(call: &ToolCall, lang: Lang) -> Option<Batch> {
    let Ok(Value::Object(arguments)) = serde_json::from_str::<Value>(&call.arguments) else { return None };
    Batch::of_call(&call.name, &Value::Object(normalise_arguments(arguments)), lang)
}
