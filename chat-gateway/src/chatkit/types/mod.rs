//! ChatKit wire types as serde structs, matching the reference server field for field,
//! split by kind: `requests` (what a client sends), `items` (what a thread holds),
//! `events` (what a stream sends) and `views` (threads and pages as sent).

mod attachments;
mod events;
mod items;
mod requests;
mod views;

pub use attachments::{Attachment, AttachmentKind, UploadDescriptor};
pub use events::{Event, ItemUpdate, StreamOptions};
pub use items::{
    ItemBody, OutputText, ThreadItem, UserContent, Workflow, WorkflowTask, is_hidden, micros, user_text,
};
pub use requests::*;
pub use views::{PageView, ThreadView};
