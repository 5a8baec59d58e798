//! Messages with no command verb: a statement of need ("I have to submit the report by
//! friday", "parson dentist ke paas jaana hai", "جمعہ کو بل جمع کروانا ہے") is a new task,
//! and a question about the list ("what's on my plate today?", "kal kya karna hai?", "آج
//! میرے کیا کام ہیں؟", "what did I complete this week?") lists or searches.

use serde_json::json;

use super::calls::PlannedCall;
use super::lexicon as lx;
use super::lexicon_talk as lt;
use super::parse::Msg;
use super::query;
use super::reply::Say;
use crate::agent::lang::tokens::prefix_len;

/// Whether the message asks about the user's tasks: a question word and something that ties
/// it to tasks (a task noun, "due", "karna", a date …).
pub(super) fn is_question(m: &Msg) -> bool {
    let asks = m.has(lt::QUESTION) || m.tokens.last().is_some_and(|t| t.raw.ends_with(['?', '؟']));
    asks && (m.has(lx::TASK_NOUNS)
        || m.has(lt::ABOUT)
        || m.has(lt::QUESTION_TOPIC)
        || !m.dates.is_empty()
        || m.has(lx::OVERDUE))
}

/// The answer to a question about the list: what was completed, what is about a subject
/// (a search), or the tasks in the window and filters it names.
pub(super) fn question(m: &Msg) -> Result<Vec<PlannedCall>, Say> {
    if m.has(lt::ABOUT) {
        return query::search(m);
    }
    let mut call = query::list(m);
    if m.has(lt::PAST_DONE)
        && m.has(&["did", "kiya", "kiye", "کیا", "کیے", "have", "maine", "میں نے", "hue", "ہوئے"])
        && let Some(args) = call.arguments.as_object_mut()
    {
        // Completed in a period: the due window is not when it was done.
        args.remove("due");
        args.insert("status".into(), json!("completed"));
    }
    Ok(vec![call])
}

/// Whether the message states something the user has to do, with no command verb: an
/// English opener ("I need to", "have to", "don't forget to"), or a Roman Urdu / Urdu verb
/// in the infinitive closed by "hai" / "ہے" / "hoga" / "پڑے گا" ("jaana hai", "کروانا ہے").
pub(super) fn is_need(m: &Msg) -> bool {
    if is_question(m) || (m.has(lx::LIST) && m.has(lx::TASK_NOUNS)) {
        return false;
    }
    let words: Vec<&str> =
        (0..m.keys.len()).filter(|i| !m.dates.is_used(*i)).filter_map(|i| m.keys.get(i).copied()).collect();
    if prefix_len(&words, lt::NEED_OPENERS).is_some_and(|len| len < words.len()) {
        return true;
    }
    // Roman Urdu / Urdu: "<title> <infinitive> [zaroor] hai".
    let mut end = words.len();
    let Some(len) = ending_len(&words) else { return false };
    end -= len;
    while end > 0 && words.get(end - 1).is_some_and(|w| lt::NEED_TAIL_WORDS.contains(w)) {
        end -= 1;
    }
    end >= 1 && words.get(end - 1).is_some_and(|w| is_infinitive(w))
}

fn ending_len(words: &[&str]) -> Option<usize> {
    lt::NEED_ENDINGS
        .iter()
        .filter_map(|e| {
            let len = e.split(' ').count();
            let start = words.len().checked_sub(len)?;
            crate::agent::lang::tokens::phrase_at(words, start, e)
        })
        .max()
}

/// A Roman Urdu or Urdu verb in the infinitive ("jaana", "karni", "lene", "کرنا", "کروانی").
fn is_infinitive(word: &str) -> bool {
    let roman = word.len() > 3
        && word.is_ascii()
        && ["na", "ni", "ne", "nay", "naa"].iter().any(|s| word.ends_with(s))
        && !["bina", "apna", "apni", "apne", "pehne", "mne", "maine", "mene", "ne"].contains(&word);
    let urdu = word.chars().count() > 2
        && ["نا", "نی", "نے"].iter().any(|s| word.ends_with(s))
        && !["اپنا", "اپنی", "اپنے", "بنا", "پرانا", "پرانی", "نے"].contains(&word);
    roman || urdu
}
