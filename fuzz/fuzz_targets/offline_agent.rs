//! The offline agent's message parser: any message (English, Roman Urdu, Urdu script, or
//! noise) becomes a plan (tool calls or a reply) without a panic, and its replies are words.
#![no_main]

use chat_gateway::agent::offline::{Plan, plan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match plan(text) {
        Plan::Reply { text, .. } => assert!(!text.is_empty(), "a reply says something"),
        Plan::Calls { .. } => {}
    }
});
