//! The MCP resources mcp-tasks exposes: their URIs and the JSON body they hold.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::views::ReminderView;

/// URI of the resource listing the caller's due reminders.
pub const DUE_REMINDERS: &str = "tasks://reminders/due";

/// The body of [`DUE_REMINDERS`]: `{"reminders": [...]}`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct DueReminders {
    /// Reminders that fell due recently, on tasks still pending.
    pub reminders: Vec<ReminderView>,
}
