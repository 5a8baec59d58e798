//! The offline agent in its thread: the task lists this thread showed (its task widgets,
//! newest first) for "the second one" and "that", the search of the user's own tasks that
//! settles a task named by title, and the questions asked instead of guessing (which of
//! these tasks; confirm deleting the one a title named).

use serde_json::{Map, Value, json};
use shared::contract::{Status, TaskView, listed_views, tools};

use super::offline::{self, Context, Plan, Shown};
use super::{Agent, tasks_failed, widgets, words};
use crate::chatkit::types::{Event, ItemBody, ThreadItem};
use crate::conversation::{Turn, TurnError, TurnSink};
use crate::store::Order;

/// Items looked back through for task lists.
const LOOK_BACK: u32 = 40;
/// Task lists kept (newest first): "the third one" may mean a list before a one-task answer.
const LISTS: usize = 4;
/// Tasks a title search reads at most.
const FOUND_AT_MOST: i64 = 20;

impl Agent {
    /// Plans `text` in its thread; a title that the thread does not settle is searched for in
    /// the user's own tasks (through mcp-tasks, as the user) and the message planned again
    /// with what was found. Returns the plan and the tasks found (shown when asking which).
    pub(super) async fn offline_plan(
        &self,
        turn: &Turn,
        text: &str,
    ) -> Result<(Plan, Vec<TaskView>), TurnError> {
        let ctx = Context { lists: shown_lists(turn).await?, found: None };
        let plan = offline::plan_in(text, &ctx);
        let Plan::Find { query, status, .. } = &plan else { return Ok((plan, Vec::new())) };
        let mut args = Map::new();
        args.insert("query".into(), json!(query));
        args.insert("status".into(), json!(status));
        args.insert("limit".into(), json!(FOUND_AT_MOST));
        let result =
            self.tasks.call(&turn.user, tools::SEARCH_TASKS, args).await.map_err(|e| tasks_failed(&e))?;
        let views = match (result.is_error, &result.structured_content) {
            (Some(true), _) | (_, None) => Vec::new(),
            (_, Some(data)) => listed_views(tools::SEARCH_TASKS, data).unwrap_or_default(),
        };
        let found = views
            .iter()
            .map(|v| Shown { number: v.number, title: v.title.clone(), done: v.status == Status::Completed })
            .collect();
        let plan = offline::plan_in(text, &Context { found: Some(found), ..ctx });
        Ok((plan, views))
    }

    /// Asks instead of acting: which of the tasks `found` (shown as a task list, so "the first
    /// one" works next), or a confirmation card before a delete a title named. True when asked.
    pub(super) async fn offline_ask(
        &self,
        plan: &Plan,
        found: &[TaskView],
        out: &mut TurnSink,
    ) -> Result<bool, TurnError> {
        match plan {
            Plan::Choose { lang, text, numbers } => {
                let views: Vec<TaskView> =
                    found.iter().filter(|v| numbers.contains(&v.number)).cloned().collect();
                let widget = out.item("wgt", widgets::task_list_item(*lang, &views));
                out.send(Event::ItemDone { item: widget }).await?;
                out.assistant_text(words(text)).await?;
                Ok(true)
            }
            Plan::Confirm { lang, call } => {
                let numbers = call_numbers(&call.arguments);
                let Some(batch) = widgets::confirm::Batch::new(call.tool, numbers, *lang) else {
                    return Ok(false);
                };
                let card = out.item("wgt", widgets::confirm::confirm_card(&batch));
                out.send(Event::ItemDone { item: card }).await?;
                out.assistant_text(words(&batch.question())).await?;
                Ok(true)
            }
            Plan::Find { lang, .. } => {
                out.assistant_text(words(&offline::help(*lang))).await?;
                Ok(true)
            }
            Plan::Calls { .. } | Plan::Reply { .. } => Ok(false),
        }
    }
}

/// `task` and `tasks` of a call's arguments.
fn call_numbers(arguments: &Value) -> Vec<i64> {
    let one = arguments["task"].as_i64();
    let many = arguments["tasks"].as_array().into_iter().flatten().filter_map(Value::as_i64);
    one.into_iter().chain(many).collect()
}

/// The task lists this thread's recent widgets show, newest first.
async fn shown_lists(turn: &Turn) -> Result<Vec<Vec<Shown>>, TurnError> {
    let page = turn.store.list_items(&turn.user.id, &turn.thread.id, None, LOOK_BACK, Order::Desc).await?;
    let lists = page
        .data
        .into_iter()
        .filter_map(|record| serde_json::from_value::<ThreadItem>(record.json).ok())
        .filter_map(|item| match item.body {
            ItemBody::Widget { widget, .. } => widgets::shown_rows(&widget),
            _ => None,
        })
        .filter(|rows| !rows.is_empty())
        .take(LISTS)
        .map(|rows| rows.into_iter().map(|(number, title, done)| Shown { number, title, done }).collect())
        .collect();
    Ok(lists)
}
