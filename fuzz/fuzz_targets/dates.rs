//! mcp-tasks' natural-language dates and recurrences: any text, in any zone, parses to a
//! value or a `DateError` (never a panic), and what a parsed rule yields is usable.
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use mcp_tasks::dates;

const ZONES: [chrono_tz::Tz; 4] =
    [chrono_tz::UTC, chrono_tz::Asia::Karachi, chrono_tz::America::New_York, chrono_tz::Australia::Lord_Howe];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else { return };
    let Ok(phrase) = std::str::from_utf8(text) else { return };
    let tz = ZONES[usize::from(pick) % ZONES.len()];
    // A fixed "now" near a DST change keeps runs reproducible.
    let now = Utc.with_ymd_and_hms(2026, 3, 8, 6, 30, 0).unwrap();
    let _ = dates::parse_due(phrase, now, tz);
    let _ = dates::parse_instant(phrase, now, tz);
    let _ = dates::is_recurrence_phrase(phrase);
    if let Ok(parsed) = dates::parse_recurrence(phrase, now, tz) {
        let _ = dates::describe(&parsed.rule);
        let _ = dates::next_occurrence(&parsed.rule, Some(parsed.first), now, tz);
        let upcoming = dates::upcoming(&parsed.rule, Some(parsed.first), now, tz, 5);
        assert!(upcoming.len() <= 5, "upcoming is bounded");
    }
});
