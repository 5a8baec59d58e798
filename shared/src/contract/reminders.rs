//! What `schedule_reminder` returns, in either form, and how the gateway reads it back:
//! the reminders to show, the tasks that got none and the numbers not found.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::views::ReminderView;

/// A task named in `schedule_reminder`'s many form that got no reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NotScheduled {
    /// The task number.
    pub task: i64,
    /// Why not, in English (e.g. no due date to count back from).
    pub reason: String,
}

/// A `schedule_reminder` result as the gateway shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemindersSet {
    /// One task: all of its reminders; many tasks: the reminders the call set.
    pub reminders: Vec<ReminderView>,
    /// Many tasks: those found that got no reminder.
    pub not_scheduled: Vec<NotScheduled>,
    /// Many tasks: numbers with no task of the user's.
    pub not_found: Vec<i64>,
}

#[derive(Deserialize)]
struct Wire {
    reminders: Option<Vec<ReminderView>>,
    scheduled: Option<Vec<ReminderView>>,
    #[serde(default)]
    not_scheduled: Vec<NotScheduled>,
    #[serde(default)]
    not_found: Vec<i64>,
}

/// `schedule_reminder`'s structured result, the one-task form (`task`, `reminders`) or the
/// many form (`scheduled`, `not_scheduled`, `not_found`); `None` for any other shape.
#[must_use]
pub fn reminders_set(structured: &Value) -> Option<RemindersSet> {
    let wire = Wire::deserialize(structured).ok()?;
    let reminders = wire.scheduled.or(wire.reminders)?;
    Some(RemindersSet { reminders, not_scheduled: wire.not_scheduled, not_found: wire.not_found })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn both_forms_are_read_and_other_shapes_are_not() {
        let view = json!({"id": 1, "task": 3, "title": "milk", "at": "2026-11-23T04:00:00Z",
            "at_local": "2026-11-23 09:00", "delivered": false});
        let one = reminders_set(&json!({"task": 3, "reminders": [view]})).unwrap();
        assert_eq!((one.reminders.len(), one.not_found.len()), (1, 0));
        let many = reminders_set(&json!({"scheduled": [view], "not_found": [9],
            "not_scheduled": [{"task": 4, "reason": "no due date"}]}))
        .unwrap();
        assert_eq!(many.reminders[0].task, 3);
        assert_eq!(many.not_found, vec![9]);
        assert_eq!(many.not_scheduled[0].task, 4);
        assert_eq!(reminders_set(&json!({"created": []})), None);
    }
}
