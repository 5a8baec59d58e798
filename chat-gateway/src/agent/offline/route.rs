//! Which command a message is. Greetings and help come first, then the task commands in an
//! order that keeps shared words with the right one: "remove tag work from 3" edits tags
//! before "remove" can delete, "completed tasks" lists before "completed" can complete.

use shared::contract::tools;

use super::calls::{self, PlannedCall};
use super::lexicon as lx;
use super::parse::Msg;
use super::reply::{self, Say};
use super::{Plan, build, query};
use crate::agent::lang::detect_lang;
use crate::agent::lang::tokens::{Token, tokenize};

/// Understands one user message.
#[must_use]
pub fn plan(text: &str) -> Plan {
    let lang = detect_lang(text);
    let tokens = tokenize(text);
    let outcome = match social(&tokens) {
        Some(say) => Err(say),
        None => {
            let rest = tokens.get(leading_social(&tokens)..).unwrap_or_default();
            route(&Msg::new(lang, rest))
        }
    };
    match outcome {
        Ok(calls) => Plan::Calls { lang, calls },
        Err(say) => Plan::Reply { lang, text: reply::say(lang, say) },
    }
}

/// Whether the key carries a word at all (emoji and punctuation do not).
fn is_wordy(key: &str) -> bool {
    key.chars().any(char::is_alphanumeric)
}

/// A message made only of greetings, thanks, help words and filler; empty counts as help.
fn social(tokens: &[Token]) -> Option<Say> {
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).filter(|k| is_wordy(k)).collect();
    let sets = [lx::SALAM, lx::GREETINGS, lx::THANKS, lx::HELP, lx::SOCIAL_FILLER];
    if !keys.iter().all(|k| sets.iter().any(|set| set.contains(k))) {
        return None;
    }
    let any = |set: &[&str]| keys.iter().any(|k| set.contains(k));
    Some(if keys.is_empty() || any(lx::HELP) {
        Say::Help
    } else if any(lx::THANKS) {
        Say::Thanks
    } else if any(lx::SALAM) {
        Say::Greet { salam: true }
    } else if any(lx::GREETINGS) {
        Say::Greet { salam: false }
    } else {
        Say::Help
    })
}

/// How many leading tokens are greetings, thanks or politeness ("hi, …", "shukriya, …").
fn leading_social(tokens: &[Token]) -> usize {
    let hello = ["hi", "hello", "hey", "hiya", "aadab", "آداب"];
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        let key = token.key.as_str();
        let next = tokens.get(at + 1).map(|t| t.key.as_str()).unwrap_or_default();
        if key == "good" && matches!(next, "morning" | "afternoon" | "evening") {
            at += 2;
        } else if !is_wordy(key)
            || lx::SALAM.contains(&key)
            || lx::THANKS.contains(&key)
            || hello.contains(&key)
            || lx::LEADING_FILLER.contains(&key)
        {
            at += 1;
        } else {
            break;
        }
    }
    at
}

/// Picks the command and builds its calls; `Err` is the reply when no tool should run.
fn route(m: &Msg) -> Result<Vec<PlannedCall>, Say> {
    let nums = m.numbers();
    let listing = m.has(lx::LIST);
    let about_a_task = !nums.is_empty() && !listing;
    if about_a_task && m.has(lx::TAG_EDIT) {
        return build::tags(m, &nums);
    }
    if m.has(lx::REMIND) {
        return build::remind(m, &nums);
    }
    let todo = m.starts_with(&["todo", "to-do"]) && m.keys.len() > 1;
    if (todo || m.has(lx::ADD)) && !m.starts_with(lx::LIST) && !m.starts_with(&["rename", "retitle"]) {
        return build::add(m);
    }
    if about_a_task && m.has(lx::RENAME) {
        return build::rename(m, &nums);
    }
    // "complete the report" is not a request for the report.
    if m.has(lx::SUMMARY) && !m.has(lx::COMPLETE) && !m.has(lx::DELETE) {
        return Ok(vec![query::summary(m)]);
    }
    if nums.is_empty() && m.dates.every.is_none() && m.has(lx::RECURRING) {
        return Ok(vec![query::recurring(m)]);
    }
    if m.has(lx::SEARCH) {
        return query::search(m);
    }
    if about_a_task && m.has(lx::CLEAR) && m.has(lx::DATE_WORDS) {
        return Ok(calls::each(&nums, |n| calls::update(n, &[("due", "no date".into())])));
    }
    if about_a_task && m.has(lx::REOPEN) {
        return Ok(calls::each(&nums, |n| calls::update(n, &[("status", "pending".into())])));
    }
    if m.has(lx::DELETE) && !listing {
        return match nums.is_empty() {
            true => Err(Say::WhichTask),
            false if build::only_command(m, lx::DELETE) => Ok(vec![calls::select(tools::DELETE_TASK, &nums)]),
            false => Err(Say::Help),
        };
    }
    if m.has(lx::COMPLETE) {
        if about_a_task {
            return if build::only_command(m, lx::COMPLETE) {
                Ok(vec![calls::select(tools::COMPLETE_TASK, &nums)])
            } else {
                Err(Say::Help)
            };
        }
        // "completed tasks", "mukammal kaam dikhao" list; "complete the report" lacks a number.
        if listing || (m.has(lx::TASK_NOUNS) && !m.has(lx::IMPERATIVE)) {
            return Ok(vec![query::list(m)]);
        }
        return Err(Say::WhichTask);
    }
    if about_a_task && let Some(calls) = build::change(m, &nums) {
        return Ok(calls);
    }
    if listing || m.has(lx::TASK_NOUNS) || m.has(lx::OVERDUE) || m.has(lx::NO_DATE) {
        return Ok(vec![query::list(m)]);
    }
    Err(Say::Help)
}
