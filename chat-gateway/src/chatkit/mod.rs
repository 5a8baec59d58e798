//! The ChatKit protocol: its wire types (`types`, split by kind) and the dispatcher
//! (`dispatcher`), which hands each request to the conversation service.

pub mod dispatcher;
pub mod types;

pub use dispatcher::{Outcome, handle};
