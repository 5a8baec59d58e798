//! The ChatKit protocol: wire types (`types`), the responder seam and turn sink
//! (`turn`), the dispatcher (`server`), and plain-text turns for the other faces
//! (`conversation`).

pub mod conversation;
pub mod server;
pub mod turn;
pub mod types;

pub use conversation::{ChatReply, Prior, TurnStream, TurnSummary, TurnThread};
pub use server::{ChatKitServer, Outcome};
pub use turn::{Responder, Turn, TurnError, TurnSink};
