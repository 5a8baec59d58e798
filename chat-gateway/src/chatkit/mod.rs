//! The ChatKit protocol: wire types (`types`), the responder seam and turn sink
//! (`turn`), and the dispatcher (`server`).

pub mod server;
pub mod turn;
pub mod types;

pub use server::{ChatKitServer, ChatReply, Outcome};
pub use turn::{Responder, Turn, TurnError, TurnSink};
