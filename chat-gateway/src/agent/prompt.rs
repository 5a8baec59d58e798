//! The system prompt: the text in `prompts/system.md`, with the user's current date, time
//! and zone and the agent's per-step tool-call cap filled in.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::auth::User;

const SYSTEM: &str = include_str!("../../prompts/system.md");

/// The system prompt for `user` at `now`, for an agent that runs at most `max_tool_calls`
/// tool calls per step.
pub fn system(user: &User, now: DateTime<Utc>, max_tool_calls: usize) -> String {
    let tz: Tz = user.tz.as_deref().and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC);
    let local = now.with_timezone(&tz);
    SYSTEM
        .replace("{now}", &local.format("%Y-%m-%d %H:%M").to_string())
        .replace("{weekday}", &local.format("%A").to_string())
        .replace("{tz}", tz.name())
        .replace("{max_tool_calls}", &max_tool_calls.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_carries_the_users_local_time() {
        let user = User { id: "u".into(), tz: Some("Asia/Karachi".into()), locale: None };
        let now: DateTime<Utc> = "2026-11-22T10:00:00Z".parse().unwrap();
        let prompt = system(&user, now, 10);
        assert!(prompt.contains("2026-11-22 15:00 (Sunday)"), "{prompt}");
        assert!(prompt.contains("Asia/Karachi"));
        assert!(prompt.contains("At most 10 tool calls run per step"), "{prompt}");
        assert!(!prompt.contains('{'), "every placeholder is filled");
    }
}
