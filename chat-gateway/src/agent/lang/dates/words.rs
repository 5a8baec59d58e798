//! Date words in English, Roman Urdu and Urdu: units, weekdays, months, "next"/"this",
//! "o'clock", and the connectors taken with a date. A declaration table (with the few
//! look-ups that read it), kept packed.

use chrono::Weekday;

/// "week" (oblique and Urdu forms; "hafta" alone is also Saturday, see [`weekday`]).
pub(super) const WEEK: &[&str] = &["week", "hafte", "hafta", "haftay", "hafty", "ہفتے", "ہفتہ"];
/// "month".
pub(super) const MONTH: &[&str] = &["month", "mahine", "mahina", "maheene", "مہینے", "مہینہ", "ماہ"];
/// "year".
pub(super) const YEAR: &[&str] = &["year", "saal", "baras", "سال"];
/// "day" ("roz" alone means every day).
pub(super) const DAY: &[&str] = &["day", "roz", "din", "روز", "دن"];
/// "next".
pub(super) const NEXT: &[&str] = &["next", "agle", "agla", "agli", "aglay", "اگلے", "اگلا", "اگلی"];
/// "this".
pub(super) const THIS: &[&str] = &["this", "is", "iss", "اس"];
/// After "3 din": "… mein", "… baad" (in / after).
pub(super) const LATER: &[&str] = &["mein", "main", "me", "baad", "bad", "later", "میں", "بعد"];
/// After "30 minute": "… pehle" (before).
pub(super) const BEFORE: &[&str] = &["before", "pehle", "pehlay", "پہلے"];
/// "o'clock".
pub(super) const BAJE: &[&str] = &["baje", "bajay", "bje", "baja", "bajy", "بجے", "بجا"];
/// "half past" ("saade 5 baje" is 5:30).
pub(super) const HALF_PAST: &[&str] = &["saade", "sadhe", "saarhe", "sarhe", "ساڑھے"];
/// Words taken with a date that follows them ("on friday", "by 5pm").
pub(super) const PREFIXES: &[&str] = &["on", "by", "at", "due", "for", "before", "until", "till"];
/// Words taken with a date that precedes them ("kal tak", "jumma ko", "کل کے لیے").
pub(super) const SUFFIXES: &[&str] = &[
    "se pehle", "se pehlay", "سے پہلے", "ke liye", "ke liay", "kay liye", "کے لیے", "کے لئے", "tak", "ko",
    "se", "تک", "کو", "سے",
];
/// Words an English "every …" phrase may go on with.
pub(super) const EVERY_WORDS: &[&str] = &[
    "day", "days", "week", "weeks", "month", "months", "year", "years", "weekday", "weekdays", "weekend",
    "weekends", "other", "on", "the", "at", "and", "of", "last", "first", "second", "third", "fourth",
    "starting", "from", "until", "till", "for", "in", "morning", "afternoon", "evening", "night", "noon",
    "midnight", "next", "today", "tomorrow",
];
/// Words an "every …" phrase may not end with.
pub(super) const EVERY_TRAIL: &[&str] = &[
    "and", "on", "the", "at", "of", "starting", "from", "until", "till", "for", "in", "next",
];

/// A weekday name. `roman_urdu` admits the Roman Urdu names that are also English words
/// ("peer", "pir", "bud").
pub(super) fn weekday(key: &str, roman_urdu: bool) -> Option<Weekday> {
    let day = match key {
        "monday" | "mon" | "پیر" => Weekday::Mon,
        "peer" | "pir" if roman_urdu => Weekday::Mon,
        "tuesday" | "tue" | "tues" | "mangal" | "منگل" => Weekday::Tue,
        "wednesday" | "wed" | "weds" | "budh" | "بدھ" => Weekday::Wed,
        "bud" if roman_urdu => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" | "jumeraat" | "jumerat" | "jumairat" | "جمعرات" => {
            Weekday::Thu
        }
        "friday" | "fri" | "jumma" | "juma" | "jummah" | "jumay" | "جمعہ" | "جمعے" => Weekday::Fri,
        "saturday" | "hafta" | "haftay" | "ہفتہ" | "ہفتے" => Weekday::Sat,
        "sunday" | "itwaar" | "itwar" | "itvaar" | "اتوار" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

/// The English name the server's grammar reads.
pub(super) fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// Three-letter English month abbreviations, January first.
pub(super) const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// A month name (English, full or abbreviated, or Urdu) as 1..=12.
pub(super) fn month(key: &str) -> Option<usize> {
    const URDU: [&str; 12] = [
        "جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر",
        "دسمبر",
    ];
    const FULL: [&str; 12] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ];
    let key = if key == "sept" { "sep" } else { key };
    let found = MONTHS.iter().position(|m| *m == key);
    found
        .or_else(|| FULL.iter().position(|m| *m == key))
        .or_else(|| URDU.iter().position(|m| *m == key))
        .map(|i| i + 1)
}

/// "hours" or "minutes" for an hour or minute unit in any of the three languages.
pub(super) fn time_unit(word: &str) -> Option<&'static str> {
    match word {
        "hour" | "hours" | "hr" | "hrs" | "ghanta" | "ghante" | "ghantay" | "گھنٹہ" | "گھنٹے" => {
            Some("hours")
        }
        "minute" | "minutes" | "min" | "mins" | "minat" | "mint" | "منٹ" => Some("minutes"),
        _ => None,
    }
}

/// Whether a word is a unit of time ("days", "din", "گھنٹے" …).
pub(super) fn is_unit(word: &str) -> bool {
    time_unit(word).is_some()
        || matches!(word, "days" | "weeks" | "months" | "years")
        || DAY.contains(&word)
        || WEEK.contains(&word)
        || MONTH.contains(&word)
        || YEAR.contains(&word)
}
