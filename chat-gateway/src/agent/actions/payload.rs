//! Reading the values a task action's payload carries besides its number: the time of day a
//! snoozed task keeps (`time`, HH:MM) and the day a moved task goes to (`date`, the value of
//! the row's `DatePicker`, whose field name is `date`).

use chrono::{Duration, NaiveDate, Utc};

/// How far from today (UTC) a task may be moved, in days either way (about five years).
pub(super) const MOVE_SPAN_DAYS: i64 = 5 * 366;

/// `HH:MM` as hours and minutes.
pub(super) fn clock(hhmm: &str) -> Option<(u32, u32)> {
    let (h, m) = hhmm.split_once(':')?;
    let all_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// Why a `date` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DateRefused {
    /// Not a calendar day `YYYY-MM-DD` (an ISO date-time is read as its day).
    Malformed,
    /// A real day, but further than [`MOVE_SPAN_DAYS`] from today.
    OutOfRange,
}

/// The day a picked value names: `YYYY-MM-DD`, or an ISO 8601 date-time whose first ten
/// characters are that day (a date picker may send midnight), within [`MOVE_SPAN_DAYS`] of
/// today.
pub(super) fn move_date(value: &str) -> Result<NaiveDate, DateRefused> {
    let day = match value.len() {
        10 => value,
        11..=40 if value.as_bytes()[10] == b'T' => &value[..10],
        _ => return Err(DateRefused::Malformed),
    };
    let shaped =
        day.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return Err(DateRefused::Malformed);
    }
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| DateRefused::Malformed)?;
    let today = Utc::now().date_naive();
    let span = Duration::days(MOVE_SPAN_DAYS);
    if date < today - span || date > today + span {
        return Err(DateRefused::OutOfRange);
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_date_is_a_real_day_near_today() {
        let today = Utc::now().date_naive();
        let iso = today.format("%Y-%m-%d").to_string();
        assert_eq!(move_date(&iso), Ok(today));
        assert_eq!(move_date(&format!("{iso}T00:00:00")), Ok(today), "a date-time is read as its day");
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "tomorrow",
            "",
            "2026-1-5",
            "+2026-01-05",
            "2026-01-05x",
            "٢٠٢٦-٠١-٠٥",
        ] {
            assert_eq!(move_date(bad), Err(DateRefused::Malformed), "{bad}");
        }
        let far = (today + Duration::days(MOVE_SPAN_DAYS + 1)).format("%Y-%m-%d").to_string();
        assert_eq!(move_date(&far), Err(DateRefused::OutOfRange));
        assert_eq!(move_date("1999-01-01"), Err(DateRefused::OutOfRange));
    }
}
