//! "All" batches, resolved when asked: the tasks a filter selects ("delete all completed
//! tasks") are looked up as the user with `list_tasks` and their numbers go on a
//! confirmation card (`widgets::confirm`), so Confirm changes exactly the tasks named and a
//! task added or changed in between is untouched. Used by the offline agent (for
//! `offline::all_batch`) and by the approval step (for a model's call that selects tasks by
//! filter rather than by number).

use rmcp::model::JsonObject;
use serde_json::{Value, json};
use shared::contract::{TaskView, listed_views, tools};

use super::lang::Lang;
use super::widgets::{self, confirm};
use super::{Agent, tasks_unreachable};
use crate::auth::User;
use crate::chatkit::types::Event;
use crate::conversation::{TurnError, TurnSink};
use crate::tasks_client::{TasksError, result_text};

/// The most tasks one `list_tasks` page holds.
const PAGE_MAX: usize = 100;

/// The `list_tasks` filters a model's selecting call may carry.
const FILTERS: [&str; 8] =
    ["status", "priority", "tags", "tag_match", "due", "due_before", "due_after", "recurring"];

/// What a filter selected.
pub(super) enum Selected {
    /// These tasks (possibly none).
    Tasks(Vec<TaskView>),
    /// More than may change at once: nothing is asked.
    TooMany(usize),
    /// The filter was refused (the tool's own words).
    Refused(String),
}

impl Agent {
    /// The tasks `filter` selects now for `tool` (a complete selects open tasks only; a delete
    /// with no status, tasks of any status).
    pub(super) async fn select_all(
        &self,
        user: &User,
        tool: &str,
        mut filter: JsonObject,
    ) -> Result<Selected, TurnError> {
        let max = self.limits.max_task_numbers.clamp(1, PAGE_MAX);
        if tool == tools::COMPLETE_TASK {
            filter.insert("status".into(), json!("pending"));
        } else if !filter.contains_key("status") {
            // "Delete all …" names no status: every task it matches, completed ones too.
            filter.insert("status".into(), json!("all"));
        }
        filter.insert("limit".into(), json!(max));
        filter.remove("cursor");
        let result = self.tasks.call(user, tools::LIST_TASKS, filter).await.map_err(|e| {
            tracing::warn!(error = %e, "resolving an all batch failed");
            match e {
                TasksError::Refused(why) => TurnError::Failed { message: why, allow_retry: false },
                _ => tasks_unreachable(),
            }
        })?;
        if result.is_error == Some(true) {
            return Ok(Selected::Refused(result_text(&result)));
        }
        let data = result.structured_content.unwrap_or(Value::Null);
        if data["has_more"] == true {
            return Ok(Selected::TooMany(max));
        }
        let mut tasks = listed_views(tools::LIST_TASKS, &data).unwrap_or_default();
        tasks.sort_by_key(|t| t.number);
        Ok(Selected::Tasks(tasks))
    }

    /// Asks to confirm `tool` on every task `filter` selects: a card naming them, and what to
    /// say (the question and the tasks, or why nothing is asked).
    pub(super) async fn ask_all(
        &self,
        user: &User,
        (lang, tool, filter): (Lang, &str, JsonObject),
        out: &mut TurnSink,
    ) -> Result<String, TurnError> {
        let tasks = match self.select_all(user, tool, filter).await? {
            Selected::Tasks(tasks) => tasks,
            Selected::TooMany(max) => return Ok(too_many(lang, max)),
            Selected::Refused(why) => return Ok(why),
        };
        let numbers: Vec<i64> = tasks.iter().map(|t| t.number).collect();
        let Some(batch) = confirm::Batch::new(tool, numbers, lang).filter(|b| !b.numbers.is_empty()) else {
            return Ok(nothing(lang));
        };
        let listing = widgets::copy_text(lang, &tasks);
        let card = out.item("wgt", confirm::confirm_card_listing(&batch, &listing));
        out.send(Event::ItemDone { item: card }).await?;
        Ok(format!("{}\n{listing}", batch.question()))
    }
}

/// Whether a model's `delete_task` / `complete_task` arguments select by filter or "all"
/// (no numbers): the filter they carry.
pub(super) fn filter_of(arguments: &JsonObject) -> Option<JsonObject> {
    let numbered = arguments.get("task").is_some_and(|t| !t.is_null())
        || arguments.get("tasks").and_then(Value::as_array).is_some_and(|t| !t.is_empty());
    let all = arguments.get("all").and_then(Value::as_bool) == Some(true);
    let filter: JsonObject = arguments
        .iter()
        .filter(|(k, _)| FILTERS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if numbered || (filter.is_empty() && !all) {
        return None;
    }
    Some(filter)
}

/// Nothing matched.
pub(super) fn nothing(lang: Lang) -> String {
    super::lang::labels::pick(
        lang,
        [
            "No tasks match that, so nothing changed.",
            "Aisa koi task nahi mila, is liye kuch nahi badla.",
            "ایسا کوئی کام نہیں ملا، اس لیے کچھ نہیں بدلا۔",
        ],
    )
    .to_owned()
}

/// More match than may change at once.
pub(super) fn too_many(lang: Lang, max: usize) -> String {
    match lang {
        Lang::English => format!(
            "More than {max} tasks match; I change at most {max} at once. Narrow it down (a tag, a priority, a day)."
        ),
        Lang::RomanUrdu => format!(
            "{max} se zyada tasks milte hain; main ek waqt mein zyada se zyada {max} badalta hoon. Thora mehdood karein (tag, priority, din)."
        ),
        Lang::Urdu => format!(
            "{max} سے زیادہ کام ملتے ہیں؛ میں ایک وقت میں زیادہ سے زیادہ {max} بدلتا ہوں۔ کچھ محدود کریں (ٹیگ، ترجیح، دن)۔"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: Value) -> JsonObject {
        match v {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn a_call_selecting_by_filter_or_all_is_told_from_a_numbered_one() {
        let f = filter_of(&args(json!({"status": "completed"}))).unwrap();
        assert_eq!(Value::Object(f), json!({"status": "completed"}));
        assert_eq!(filter_of(&args(json!({"all": true}))).map(|f| f.len()), Some(0));
        assert_eq!(filter_of(&args(json!({"due": "today", "title": "x"}))).map(|f| f.len()), Some(1));
        assert!(filter_of(&args(json!({"tasks": [1, 2], "status": "completed"}))).is_none());
        assert!(filter_of(&args(json!({"task": 3}))).is_none());
        assert!(filter_of(&args(json!({}))).is_none(), "no selection at all is the tool's to refuse");
    }
}
