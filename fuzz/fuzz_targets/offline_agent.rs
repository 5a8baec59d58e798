//! The offline agent's message parser: any message (English, Roman Urdu, Urdu script, or
//! noise) becomes a plan (tool calls or a reply) without a panic, and its replies are words.
#![no_main]

use chat_gateway::agent::offline::{Context, Plan, Shown, plan, plan_in};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Alone, and in a thread that showed a list and found one task by title.
    let shown = vec![Shown { number: 1, title: "buy milk".into(), done: false }];
    let ctx = Context { lists: vec![shown.clone()], found: Some(shown) };
    for planned in [plan(text), plan_in(text, &ctx)] {
        match planned {
            Plan::Reply { text, .. } | Plan::Choose { text, .. } => assert!(!text.is_empty(), "a reply says something"),
            Plan::Find { query, .. } => assert!(!query.is_empty(), "a search has words"),
            Plan::Calls { .. } | Plan::Confirm { .. } => {}
        }
    }
});
