//! The agent: a [`Responder`] that answers a turn by calling mcp-tasks tools, either with
//! an LLM (`llm`: any OpenAI-compatible Chat Completions provider, streamed) or, with no
//! key configured, with the deterministic offline agent (`offline`). Both read and label
//! the user's language with `lang`.
//!
//! Each tool call is shown while it runs (a workflow item with one task per call), stored
//! as a tool-call record, and fed back to the model (`steps`). Due reminders are shown as a
//! notice, each once. Tasks in a tool result are also shown as a ChatKit widget
//! (`widgets`) whose buttons send actions the agent runs itself (`actions`); a batch delete
//! or complete waits for the user's Confirm on a card (`approval` for the model's calls), and
//! one of "all" tasks of a filter is first resolved into the tasks it names (`select_all`).
//! The model reads the thread's earlier turns as they happened, tool calls and their results,
//! widget actions and quoted text included, within a budget (`history`). A message's
//! attachments (`attached`) become tasks offline, or content parts for the model. The offline
//! agent reads the task lists its thread showed and searches titles through mcp-tasks
//! (`offline_thread`).

mod actions;
mod approval;
mod attached;
mod history;
pub mod lang;
pub mod llm;
pub mod offline;
mod offline_thread;
mod prompt;
mod select_all;
mod steps;
pub mod widgets;

use std::sync::Arc;

use chrono::{SecondsFormat, Utc};
use futures::StreamExt;
use serde_json::{Value, json};
use shared::contract::ReminderView;

use crate::chatkit::types::{Action, Event, ItemBody, ThreadItem, user_text};
use crate::conversation::{AssistantMessageWriter, Responder, Turn, TurnError, TurnSink, record};
use crate::limits::AgentLimits;
use crate::tasks_client::{TasksClient, TasksError};
use llm::{Completion, LlmClient, LlmError, LlmEvent, ToolCall};
use rmcp::model::Tool;

/// What writes the replies.
pub enum Brain {
    /// An OpenAI-compatible model.
    Llm(LlmClient),
    /// The deterministic offline agent.
    Offline,
}

/// A tool list and the model's definitions built from it.
type ToolDefs = (Arc<Vec<Tool>>, Arc<[Value]>);

/// The task assistant.
pub struct Agent {
    tasks: Arc<TasksClient>,
    brain: Brain,
    max_steps: usize,
    /// How far one turn may fan out.
    limits: AgentLimits,
    /// The model's tool definitions, built once per tool list the client caches.
    tool_defs: std::sync::Mutex<Option<ToolDefs>>,
}

impl Agent {
    /// An agent calling `tasks` with `brain`, making at most `max_steps` model calls per turn.
    pub fn new(tasks: Arc<TasksClient>, brain: Brain, max_steps: usize) -> Self {
        let limits = AgentLimits::default();
        Self { tasks, brain, max_steps: max_steps.max(1), limits, tool_defs: std::sync::Mutex::default() }
    }

    /// This agent held to `limits` (numbers per message, tool calls per step, calls in flight
    /// per turn); the calls in flight over all turns are the [`TasksClient`]'s to bound.
    #[must_use]
    pub fn with_limits(mut self, limits: AgentLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The OpenAI tool definitions of `tools`, from the cache while the list is the same.
    fn tool_defs(&self, tools: &Arc<Vec<Tool>>) -> Arc<[Value]> {
        let mut cache = self.tool_defs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((source, defs)) = cache.as_ref()
            && Arc::ptr_eq(source, tools)
        {
            return defs.clone();
        }
        let defs: Arc<[Value]> = tools
            .iter()
            .map(|t| {
                json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": Value::Object((*t.input_schema).clone())
                }})
            })
            .collect();
        *cache = Some((tools.clone(), defs.clone()));
        defs
    }
}

#[async_trait::async_trait]
impl Responder for Agent {
    async fn respond(&self, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        // Due reminders are fetched while the turn runs (an MCP round trip off the critical
        // path) and shown once it has answered.
        let (tasks, user) = (self.tasks.clone(), turn.user.clone());
        let due = tokio::spawn(async move { tasks.due_reminders(&user).await });
        let said = match turn.input.as_ref().map(|i| &i.body) {
            Some(ItemBody::UserMessage { content, .. }) => user_text(content),
            _ => String::new(),
        };
        // A typed yes or no to a waiting confirmation card is answered here, by either brain
        // (the model would only ask again).
        if let Some(reply) = self.answer_by_message(turn, &said, out).await? {
            out.assistant_text(words(&reply)).await?;
        } else {
            match &self.brain {
                Brain::Offline => self.offline_turn(turn, out).await?,
                Brain::Llm(llm) => self.llm_turn(llm, turn, out).await?,
            }
        }
        match due.await {
            Ok(Ok(due)) => self.notify_due_reminders(&due, turn, out).await,
            _ => Ok(()),
        }
    }

    async fn readiness(&self) -> Vec<(&'static str, Result<(), String>)> {
        vec![("mcp_tasks", self.tasks.ready().await.map_err(|e| e.to_string()))]
    }

    fn check_action(&self, action: &Action, sender: Option<&ThreadItem>) -> Result<(), TurnError> {
        actions::Checked::check(action, sender).map(|_| ())
    }

    async fn action(
        &self,
        turn: &Turn,
        action: &Action,
        sender: Option<&ThreadItem>,
        out: &mut TurnSink,
    ) -> Result<(), TurnError> {
        let checked = actions::Checked::check(action, sender)?;
        let applied = self.apply_action(turn, checked, sender).await?;
        actions::emit(applied, out).await
    }

    async fn sync_action(
        &self,
        turn: &Turn,
        action: &Action,
        sender: Option<&ThreadItem>,
    ) -> Result<Option<ThreadItem>, TurnError> {
        let checked = actions::Checked::check(action, sender)?;
        let applied = self.apply_action(turn, checked, sender).await?;
        // The conversation stores the updated widget; the record and the context are ours.
        if let Some(call) = &applied.call {
            turn.store.record_tool_call(&turn.user.id, call).await?;
        }
        turn.store.add_item(&turn.user.id, &record(&applied.context)).await?;
        Ok(applied.widget)
    }
}

impl Agent {
    /// Shows reminders that fell due (and the webhook did not deliver) as a notice, each once:
    /// the store remembers what was shown. Best effort: a failure here never stops the turn.
    async fn notify_due_reminders(
        &self,
        due: &[ReminderView],
        turn: &Turn,
        out: &mut TurnSink,
    ) -> Result<(), TurnError> {
        // The key spells the instant as mcp-tasks' JSON does, so keys stored earlier still match.
        let due: Vec<(String, &ReminderView)> = due
            .iter()
            .filter(|r| !r.delivered)
            .map(|r| (format!("reminder:{}@{}", r.id, r.at.to_rfc3339_opts(SecondsFormat::AutoSi, true)), r))
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = due.iter().map(|(k, _)| k.clone()).collect();
        let fresh = match turn.store.mark_shown(&turn.user.id, &keys, Utc::now()).await {
            Ok(fresh) => fresh,
            Err(e) => {
                tracing::warn!(error = %e, "could not record shown reminders");
                return Ok(());
            }
        };
        let lines: Vec<String> = due
            .iter()
            .filter(|(k, _)| fresh.contains(k))
            .map(|(_, r)| format!("- #{} {} ({})", r.task, r.title, r.at_local))
            .collect();
        if lines.is_empty() {
            return Ok(());
        }
        let message = lines.join("\n");
        let lang = match turn.input.as_ref().map(|i| &i.body) {
            Some(ItemBody::UserMessage { content, .. }) => lang::detect_lang(&user_text(content)),
            _ => lang::Lang::English,
        };
        let title = lang::labels::pick(lang, ["Reminders", "Yaad dihani", "یاد دہانیاں"]).to_owned();
        out.send(Event::Notice { level: "info".into(), message, title: Some(title) }).await
    }

    async fn offline_turn(&self, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let text = match turn.input.as_ref().map(|i| &i.body) {
            Some(ItemBody::UserMessage { content, .. }) => user_text(content),
            _ => String::new(),
        };
        let records = attached::of_input(turn).await?;
        let (plan, note) = match attached::offline_plan(&records, &text, turn) {
            Some((plan, note)) => (plan, note),
            None => {
                if let Some(all) = offline::all_batch(&text) {
                    // "delete all completed tasks": resolved now, and nothing runs before Confirm.
                    let reply = self.ask_all(&turn.user, (all.lang, all.tool, all.filter), out).await?;
                    return out.assistant_text(words(&reply)).await;
                }
                let (plan, found) = self.offline_plan(turn, &text).await?;
                if self.offline_ask(&plan, &found, out).await? {
                    return Ok(());
                }
                (plan, None)
            }
        };
        if let offline::Plan::Calls { lang, calls } = &plan
            && let [only] = calls.as_slice()
            && steps::numbers_named(calls) <= self.limits.max_task_numbers
            && let Some(batch) = widgets::confirm::Batch::of_call(only.tool, &only.arguments, *lang)
        {
            // A batch delete or complete waits for the user's Confirm: nothing runs now.
            let card = out.item("wgt", widgets::confirm::confirm_card(&batch));
            out.send(Event::ItemDone { item: card }).await?;
            return out.assistant_text(words(&batch.question())).await;
        }
        let reply = match plan {
            offline::Plan::Reply { text, .. } => text,
            offline::Plan::Find { lang, .. }
            | offline::Plan::Choose { lang, .. }
            | offline::Plan::Confirm { lang, .. } => offline::help(lang),
            offline::Plan::Calls { lang, calls }
                if steps::numbers_named(&calls) > self.limits.max_task_numbers =>
            {
                steps::too_many_numbers(lang, steps::numbers_named(&calls), self.limits.max_task_numbers)
            }
            offline::Plan::Calls { lang, calls } => {
                let requests: Vec<ToolCall> = calls
                    .iter()
                    .enumerate()
                    .map(|(i, c)| ToolCall {
                        id: format!("offline_{i}"),
                        name: c.tool.to_owned(),
                        arguments: c.arguments.to_string(),
                        extra: None,
                    })
                    .collect();
                // Already bounded by the numbers a message may name.
                let outcomes = self.run_tools(&turn.user, (&requests, requests.len()), lang, out).await?;
                if steps::Outcome::all_unreachable(&outcomes) {
                    return Err(tasks_unreachable());
                }
                let results: Vec<offline::Ran> = calls
                    .iter()
                    .zip(&outcomes)
                    .map(|(c, o)| (c, !o.ok, o.shown.clone(), o.views.as_deref()))
                    .collect();
                offline::summary(lang, &results)
            }
        };
        let reply = match note {
            Some(note) => format!("{reply}\n\n{note}"),
            None => reply,
        };
        out.assistant_text(words(&reply)).await
    }

    async fn llm_turn(&self, llm: &LlmClient, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let tools = self.tasks.tools().await.map_err(|e| tasks_failed(&e))?;
        let tool_defs = self.tool_defs(&tools);
        let mut messages = vec![
            json!({"role": "system", "content": prompt::system(&turn.user, Utc::now(), self.limits.max_tool_calls)}),
        ];
        messages.extend(history::history(turn).await?);
        attached::into_model_input(&mut messages, &attached::of_input(turn).await?);
        // Tool steps are labelled in the language of the message being answered; a message
        // asking to change "all" of something has every delete or complete approved first.
        let said = match turn.input.as_ref().map(|i| &i.body) {
            Some(ItemBody::UserMessage { content, .. }) => user_text(content),
            _ => String::new(),
        };
        let lang = if said.is_empty() { lang::Lang::English } else { lang::detect_lang(&said) };
        let said_all = offline::all_batch(&said).is_some();
        for _ in 0..self.max_steps {
            let completion = self.stream_reply(llm, messages.clone(), &tool_defs, out).await?;
            if completion.tool_calls.is_empty() {
                return Ok(());
            }
            messages.push(LlmClient::assistant_message(&completion));
            let step = (completion.tool_calls.as_slice(), self.limits.max_tool_calls);
            let results = self.run_step(&turn.user, step, (lang, said_all), out).await?;
            for (call, result) in completion.tool_calls.iter().zip(&results) {
                messages.push(LlmClient::tool_message(call, result));
            }
        }
        let closing =
            "I have used all the steps I may take for one message. Tell me what to do next, or ask again.";
        out.assistant_text(words(closing)).await
    }

    /// Streams one model reply into an assistant message (when it has text) and returns it.
    async fn stream_reply(
        &self,
        llm: &LlmClient,
        messages: Vec<Value>,
        tools: &Arc<[Value]>,
        out: &mut TurnSink,
    ) -> Result<Completion, TurnError> {
        let mut stream = llm.stream(messages, tools.clone());
        let mut message: Option<AssistantMessageWriter> = None;
        while let Some(event) = stream.next().await {
            match event.map_err(|e| llm_failed(&e))? {
                LlmEvent::TextDelta(delta) => {
                    let writing = match &mut message {
                        Some(writing) => writing,
                        None => message.insert(AssistantMessageWriter::start(out).await?),
                    };
                    writing.push(out, delta).await?;
                }
                LlmEvent::Done(completion) => {
                    if let Some(writing) = message.take() {
                        writing.finish(out).await?;
                    }
                    return Ok(completion);
                }
            }
        }
        Err(llm_failed(&LlmError::Cut))
    }
}

/// Splits text into word-sized deltas for streaming.
fn words(text: &str) -> Vec<String> {
    text.split_inclusive(' ').map(str::to_owned).collect()
}

fn llm_failed(e: &LlmError) -> TurnError {
    let message = match e {
        LlmError::Unauthorized => {
            "The assistant's model rejected our credentials. Please tell the administrator."
        }
        LlmError::RateLimited { .. } => {
            "The assistant's model is busy right now. Please try again in a moment."
        }
        LlmError::Timeout => "The assistant's model took too long to answer. Please try again.",
        LlmError::Cut | LlmError::Unavailable(_) => {
            "The assistant's model is unavailable right now. Please try again."
        }
        LlmError::Rejected(_) => "The assistant's model could not handle this request.",
    };
    tracing::warn!(error = %e, "model call failed");
    TurnError::Failed { message: message.into(), allow_retry: e.retryable() }
}

fn tasks_failed(e: &TasksError) -> TurnError {
    tracing::warn!(error = %e, "task service failed");
    tasks_unreachable()
}

/// The turn's failure when the task service cannot be reached (its detail is logged where seen).
fn tasks_unreachable() -> TurnError {
    TurnError::Failed {
        message: "The task service is unavailable right now. Please try again.".into(),
        allow_retry: true,
    }
}
