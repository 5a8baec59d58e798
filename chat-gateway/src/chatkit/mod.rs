//! The ChatKit protocol: its wire types (`types`, split by kind) and the dispatcher
//! (`dispatcher`), which hands each request to the conversation service, or
//! `input.transcribe` to `transcribe` (speech to text through `crate::voice`).

pub mod dispatcher;
mod transcribe;
pub mod types;

pub use dispatcher::{Outcome, handle};
