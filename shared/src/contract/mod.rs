//! The contract between mcp-tasks and chat-gateway, declared once so that a rename breaks
//! the build rather than production: the eleven tool names ([`tools`]), the resource URIs
//! and the body of the due-reminders resource ([`resources`]), the task and reminder views
//! mcp-tasks returns ([`TaskView`], [`ReminderView`], with their JSON schemas) and what the
//! gateway reads back from a tool's structured result ([`listed_tasks`], [`listed_views`],
//! [`reminders_set`]), and how task numbers are written for people ([`task_numbers`]).
//!
//! mcp-tasks produces these types; the gateway reads them. Their JSON shape is the wire
//! format every MCP host sees, so a field rename here is a protocol change.

mod listing;
mod reminders;
pub mod resources;
pub mod tools;
mod views;

pub use listing::{DueDay, TaskHeadline, listed_tasks, listed_views};
pub use reminders::{NotScheduled, RemindersSet, reminders_set};
pub use views::{DueView, RecurrenceView, ReminderView, Status, TaskView};

/// Task numbers as both services write them for people: `#3, #5, #8`.
pub fn task_numbers(numbers: &[i64]) -> String {
    numbers.iter().map(|n| format!("#{n}")).collect::<Vec<_>>().join(", ")
}
