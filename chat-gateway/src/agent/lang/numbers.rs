//! Numbers as people write them: digits (ASCII, Urdu and Arabic-Indic digits are folded to
//! ASCII by `words`), small counts in words ("teen", "تین"), ordinals ("27th") and task
//! numbers ("#3", "3,5", "3-5").

/// Up to four ASCII digits.
pub(crate) fn digits(word: &str) -> Option<u32> {
    let ok = !word.is_empty() && word.len() <= 4 && word.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| word.parse().ok()).flatten()
}

/// Digits (up to four) or a small count word.
pub(crate) fn number(word: &str) -> Option<u32> {
    digits(word).or_else(|| count_word(word))
}

/// A small count written as a word (English, Roman Urdu, Urdu). "do" (two) is read only where
/// a unit or "baje" follows, so "do laundry" stays a title.
fn count_word(key: &str) -> Option<u32> {
    Some(match key {
        "a" | "an" | "one" | "ek" | "aik" | "ایک" => 1,
        "two" | "do" | "دو" => 2,
        "three" | "teen" | "تین" => 3,
        "four" | "char" | "chaar" | "چار" => 4,
        "five" | "panch" | "paanch" | "پانچ" => 5,
        "six" | "chhe" | "chay" | "چھ" => 6,
        "seven" | "saat" | "سات" => 7,
        "eight" | "aath" | "آٹھ" => 8,
        "nine" | "nau" | "نو" => 9,
        "ten" | "das" | "دس" => 10,
        _ => return None,
    })
}

/// "1st", "22nd", "27th".
pub(crate) fn ordinal(word: &str) -> Option<u32> {
    let body = ["st", "nd", "rd", "th"].iter().find_map(|s| word.strip_suffix(s))?;
    digits(body).filter(|d| body.len() <= 2 && (1..=31).contains(d))
}

/// "st", "nd", "rd" or "th" for a day of the month.
pub(crate) fn ordinal_suffix(day: u32) -> &'static str {
    match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// A task number as written: "3", "#3" (1 to 9,999,999).
pub(crate) fn task_number(key: &str) -> Option<i64> {
    let body = key.strip_prefix('#').unwrap_or(key);
    let ok = !body.is_empty() && body.len() <= 7 && body.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| body.parse().ok()).flatten().filter(|n| *n > 0)
}

/// Task numbers in one token: "3", "#3", "3,5", "3-5" (a range of at most 50).
pub(crate) fn task_numbers_in(key: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for part in key.split(',') {
        match part.split_once('-').map(|(a, b)| (task_number(a), task_number(b))) {
            Some((Some(a), Some(b))) if a <= b && b - a <= 50 => out.extend(a..=b),
            Some(_) => {}
            None => out.extend(task_number(part)),
        }
    }
    out
}
