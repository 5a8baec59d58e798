//! Bulk organising tools: `set_priority` and `add_tags` (which also removes tags).

use rmcp::handler::server::tool::schema_for_output;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use shared::contract::TaskView;

use super::input::{self, PriorityInput};
use super::view;
use super::{Caller, Reply, TaskServer, ToolError, now};
use crate::store::{Change, Task};

/// Set the priority of one or more tasks.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetPriorityArgs {
    /// One task number.
    pub task: Option<i64>,
    /// Several task numbers.
    pub tasks: Option<Vec<i64>>,
    /// p1 (urgent), p2 (high), p3 (medium) or p4 (low); words and 1-4 also work.
    pub priority: PriorityInput,
}

/// Add (or remove) tags on one or more tasks.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddTagsArgs {
    /// One task number.
    pub task: Option<i64>,
    /// Several task numbers.
    pub tasks: Option<Vec<i64>>,
    /// Tags such as ["work", "#errands"]; stored lower-case without '#'.
    pub tags: Vec<String>,
    /// true to take these tags off instead of adding them.
    pub remove: Option<bool>,
}

/// Output of `set_priority` and `add_tags`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BulkOutput {
    /// Tasks that changed.
    pub updated: Vec<TaskView>,
    /// Numbers of tasks that already looked like that (nothing changed).
    pub unchanged: Vec<i64>,
}

#[tool_router(router = organize_router, vis = "pub(crate)")]
impl TaskServer {
    /// Set the priority (p1 urgent … p4 low) of one or more tasks.
    #[tool(
        annotations(title = "Set priority", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<BulkOutput>()
    )]
    pub(super) async fn set_priority(
        &self,
        Parameters(args): Parameters<SetPriorityArgs>,
        caller: Caller,
    ) -> Result<Reply<BulkOutput>, ToolError> {
        let numbers = input::selected(args.task, args.tasks.as_deref())?;
        let priority = args.priority.parse()?;
        let changes = self
            .store()
            .modify_tasks(&caller.user, &numbers, now(), &|task| {
                task.priority = priority;
                Ok(Change::Edited)
            })
            .await?;
        let what = format!("priority {} ({})", priority.label(), priority.word());
        Ok(summarise(&changes, &caller, &what))
    }

    /// Add tags to one or more tasks, or take them off with `remove: true`.
    #[tool(
        annotations(title = "Add or remove tags", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<BulkOutput>()
    )]
    pub(super) async fn add_tags(
        &self,
        Parameters(args): Parameters<AddTagsArgs>,
        caller: Caller,
    ) -> Result<Reply<BulkOutput>, ToolError> {
        let numbers = input::selected(args.task, args.tasks.as_deref())?;
        let tags = input::tags(&args.tags)?;
        if tags.is_empty() {
            return Err(ToolError::Invalid("Give at least one tag, e.g. [\"work\"].".into()));
        }
        let remove = args.remove.unwrap_or(false);
        let changes = self
            .store()
            .modify_tasks(&caller.user, &numbers, now(), &|task| {
                if remove {
                    task.tags.retain(|t| !tags.contains(t));
                } else {
                    task.tags.extend(tags.iter().cloned());
                    task.tags.sort();
                    task.tags.dedup();
                }
                if task.tags.len() > input::MAX_TAGS {
                    return Err(format!(
                        "#{} would have {} tags; the limit is {}. Nothing was changed.",
                        task.number,
                        task.tags.len(),
                        input::MAX_TAGS
                    ));
                }
                Ok(Change::Edited)
            })
            .await?;
        let list = tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" ");
        let what = if remove { format!("without {list}") } else { format!("tagged {list}") };
        Ok(summarise(&changes, &caller, &what))
    }
}

fn summarise(changes: &[(Task, Task)], caller: &Caller, what: &str) -> Reply<BulkOutput> {
    let now = now();
    let mut out = BulkOutput { updated: vec![], unchanged: vec![] };
    let mut lines = Vec::new();
    for (before, after) in changes {
        if before == after {
            out.unchanged.push(after.number);
            lines.push(format!("#{} {} was already {what}; nothing changed.", after.number, after.title));
        } else {
            let v = view::task_view(after, caller.tz, now);
            lines.push(format!("Now {what}: {}", v.line()));
            out.updated.push(v);
        }
    }
    Reply { data: out, text: lines.join("\n") }
}
