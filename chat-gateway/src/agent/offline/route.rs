//! Which command a message is. Greetings and help come first, then the task commands in an
//! order that keeps shared words with the right one: "remove tag work from 3" edits tags
//! before "remove" can delete, "completed tasks" lists before "completed" can complete.

use shared::contract::tools;

use super::calls;
use super::lexicon as lx;
use super::parse::Msg;
use super::refer::{Act, Context, Step};
use super::reply::{self, Say};
use super::{Plan, build, query, refer, talk};
use crate::agent::lang::detect_lang;
use crate::agent::lang::tokens::{Token, tokenize};

/// Understands one user message on its own (no thread): [`plan_in`] with nothing shown.
#[must_use]
pub fn plan(text: &str) -> Plan {
    plan_in(text, &Context::default())
}

/// Understands one user message in its thread: positions, pointers and titles are read
/// against what `ctx` says the thread showed (and, planned again after a [`Plan::Find`],
/// what the search found).
#[must_use]
pub fn plan_in(text: &str, ctx: &Context) -> Plan {
    let lang = detect_lang(text);
    let tokens = tokenize(text);
    let outcome = match social(&tokens) {
        Some(say) => Err(say),
        None => {
            let rest = tokens.get(leading_social(&tokens)..).unwrap_or_default();
            route(&mut Msg::new(lang, rest), ctx)
        }
    };
    match outcome {
        Ok(Step::Calls(calls)) => Plan::Calls { lang, calls },
        Ok(Step::Find { query, status }) => Plan::Find { lang, query, status },
        Ok(Step::Choose(numbers)) => {
            Plan::Choose { lang, text: reply::say(lang, Say::WhichOfThese), numbers }
        }
        Ok(Step::Confirm(call)) => Plan::Confirm { lang, call },
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
fn route(m: &mut Msg, ctx: &Context) -> Result<Step, Say> {
    let explicit = m.numbers();
    let named = !explicit.is_empty();
    let pointed = if explicit.is_empty() { refer::pointed(m, ctx) } else { None };
    let m: &Msg = m;
    let listing = m.has(lx::LIST);
    // A pointer that cannot be resolved is a question only where a task is acted on.
    let (nums, unresolved) = match pointed {
        Some(Ok(nums)) => (nums, None),
        Some(Err(say)) => (explicit, Some(say)),
        None => (explicit, None),
    };
    let about_a_task = (!nums.is_empty() || unresolved.is_some()) && !listing;
    let resolved = || unresolved.map_or(Ok(()), Err);
    if about_a_task && m.has(lx::TAG_EDIT) {
        resolved()?;
        return build::tags(m, &nums).map(Step::from);
    }
    if m.has(lx::REMIND) {
        return build::remind(m, &nums).map(Step::from);
    }
    let todo = m.starts_with(&["todo", "to-do"]) && m.keys.len() > 1;
    let add_first = m.starts_with(lx::ADD_START) && m.keys.len() > 1;
    if (todo || add_first || m.has(lx::ADD))
        && !m.starts_with(lx::LIST)
        && !m.starts_with(&["rename", "retitle"])
    {
        return build::add(m).map(Step::from);
    }
    // A need names its task in words; "it" in "I have to fix it" points nowhere.
    if !named && talk::is_need(m) {
        return build::add(m).map(Step::from);
    }
    if about_a_task && m.has(lx::RENAME) {
        resolved()?;
        return build::rename(m, &nums).map(Step::from);
    }
    // "complete the report" is not a request for the report.
    // Nor is "move the report to friday".
    let moves = m.has(lx::MOVE) && !m.dates.is_empty();
    if m.has(lx::SUMMARY) && !m.has(lx::COMPLETE) && !m.has(lx::DELETE) && !moves {
        return Ok(vec![query::summary(m)].into());
    }
    if nums.is_empty() && m.dates.every.is_none() && m.has(lx::RECURRING) {
        return Ok(vec![query::recurring(m)].into());
    }
    if m.has(lx::SEARCH) {
        return query::search(m).map(Step::from);
    }
    if nums.is_empty() && unresolved.is_none() && talk::is_question(m) {
        return talk::question(m).map(Step::from);
    }
    if about_a_task && m.has(lx::CLEAR) && m.has(lx::DATE_WORDS) {
        resolved()?;
        return Ok(calls::each(&nums, |n| calls::update(n, &[("due", "no date".into())])).into());
    }
    if about_a_task && m.has(lx::REOPEN) {
        resolved()?;
        return Ok(calls::each(&nums, |n| calls::update(n, &[("status", "pending".into())])).into());
    }
    if m.has(lx::REOPEN_VERBS) && !listing && nums.is_empty() {
        return refer::by_title(m, Act::Reopen, ctx);
    }
    if m.has(lx::DELETE) && !listing {
        resolved()?;
        return match nums.is_empty() {
            true => refer::by_title(m, Act::Delete, ctx),
            false if build::only_command(m, lx::DELETE) => {
                Ok(vec![calls::select(tools::DELETE_TASK, &nums)].into())
            }
            false => Err(Say::Help),
        };
    }
    if m.has(lx::COMPLETE) {
        if about_a_task {
            resolved()?;
            return if build::only_command(m, lx::COMPLETE) {
                Ok(vec![calls::select(tools::COMPLETE_TASK, &nums)].into())
            } else {
                Err(Say::Help)
            };
        }
        // "completed tasks", "mukammal kaam dikhao" list; "complete the report" names a task.
        if listing || !refer::names_title(m, Act::Complete) {
            return match listing || (m.has(lx::TASK_NOUNS) && !m.has(lx::IMPERATIVE)) {
                true => Ok(vec![query::list(m)].into()),
                false => Err(Say::WhichTask),
            };
        }
        return refer::by_title(m, Act::Complete, ctx);
    }
    if about_a_task {
        resolved()?;
        if let Some(calls) = build::change(m, &nums) {
            return Ok(calls.into());
        }
    }
    let changes = m.has(lx::MOVE) || (m.has(lx::TITLE_MARKERS) && m.has(lx::IMPERATIVE));
    if nums.is_empty() && unresolved.is_none() && changes && !listing && refer::names_title(m, Act::Change) {
        let (prio, _) = m.priority(false);
        if prio.is_some() || !m.dates.is_empty() {
            return refer::by_title(m, Act::Change, ctx);
        }
    }
    if nums.is_empty()
        && unresolved.is_none()
        && let Some(call) = refer::reported_done(m, ctx)
    {
        return Ok(vec![call].into());
    }
    if listing || m.has(lx::TASK_NOUNS) || m.has(lx::OVERDUE) || m.has(lx::NO_DATE) {
        return Ok(vec![query::list(m)].into());
    }
    // "call the plumber tomorrow at 10": something to do, and when.
    if !named && unresolved.is_none() && !m.dates.is_empty() && !talk::is_question(m) {
        return build::add(m).map(Step::from);
    }
    Err(Say::Help)
}
