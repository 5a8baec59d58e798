//! Table-driven tests for due phrases, recurrences, next occurrences and descriptions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;

use super::rule::Rule;
use super::*;

const UTC: Tz = Tz::UTC;
const KHI: Tz = Tz::Asia__Karachi;
const NYC: Tz = Tz::America__New_York;
const AKL: Tz = Tz::Pacific__Auckland;

/// Sunday 2026-11-22 10:00 UTC: 15:00 in Karachi, 05:00 in New York, 23:00 in Auckland.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

/// "2026-11-22" is a Day, anything longer an RFC 3339 instant.
fn due(text: &str) -> Due {
    if text.len() == 10 { Due::Day(text.parse::<NaiveDate>().unwrap()) } else { Due::At(instant(text)) }
}

fn show(due: Due) -> String {
    match due {
        Due::Day(day) => day.to_string(),
        Due::At(at) => at.to_rfc3339_opts(SecondsFormat::Secs, true),
    }
}

fn outcome(result: &Result<Option<Due>, DateError>) -> String {
    match result {
        Ok(None) => "cleared".to_owned(),
        Ok(Some(d)) => show(*d),
        Err(DateError::Invalid { .. }) => "invalid".to_owned(),
        Err(DateError::Unrecognised { .. }) => "unrecognised".to_owned(),
    }
}

/// Runs every row, then fails once listing every row that did not match.
fn check<T>(rows: &[T], case: impl Fn(&T) -> Option<String>) {
    let failures: Vec<String> = rows.iter().filter_map(case).collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

fn rule(phrase: &str, tz: Tz) -> Recurrence {
    parse_recurrence(phrase, now(), tz).unwrap_or_else(|e| panic!("{phrase}: {e}")).rule
}

#[test]
fn due_phrases_resolve_to_the_expected_day_or_instant() {
    #[rustfmt::skip]
    let rows: &[(&str, Tz, &str)] = &[
        ("today", UTC, "2026-11-22"), ("Today", UTC, "2026-11-22"), ("  tomorrow  ", UTC, "2026-11-23"),
        ("tomorrow.", UTC, "2026-11-23"), ("TOMORROW!", UTC, "2026-11-23"), ("yesterday", UTC, "2026-11-21"),
        ("tonight", UTC, "2026-11-22T20:00:00Z"), ("day after tomorrow", UTC, "2026-11-24"),
        ("in 3 days", UTC, "2026-11-25"), ("in 2 weeks", UTC, "2026-12-06"), ("in 1 month", UTC, "2026-12-22"),
        ("in a week", UTC, "2026-11-29"), ("in 1 year", UTC, "2027-11-22"), ("in   3    days", UTC, "2026-11-25"),
        ("in 2 hours", UTC, "2026-11-22T12:00:00Z"), ("in 30 minutes", UTC, "2026-11-22T10:30:00Z"),
        ("in 1 hour", UTC, "2026-11-22T11:00:00Z"), ("in an hour", UTC, "2026-11-22T11:00:00Z"),
        ("in half an hour", UTC, "2026-11-22T10:30:00Z"), ("in 90 mins", UTC, "2026-11-22T11:30:00Z"),
        ("next week", UTC, "2026-11-23"), ("next month", UTC, "2026-12-01"), ("next year", UTC, "2027-01-01"),
        ("end of month", UTC, "2026-11-30"), ("end of the month", UTC, "2026-11-30"),
        ("end of week", UTC, "2026-11-22"), ("end of the week", UTC, "2026-11-22"),
        ("friday", UTC, "2026-11-27"), ("fri", UTC, "2026-11-27"), ("on friday", UTC, "2026-11-27"),
        ("sunday", UTC, "2026-11-29"), ("next friday", UTC, "2026-11-27"), ("next sunday", UTC, "2026-11-29"),
        ("next monday", UTC, "2026-11-23"), ("this weekend", UTC, "2026-11-22"), ("weekend", UTC, "2026-11-22"),
        ("next weekend", UTC, "2026-11-28"), ("jan 27", UTC, "2027-01-27"), ("january 27", UTC, "2027-01-27"),
        ("27 jan", UTC, "2027-01-27"), ("27 january", UTC, "2027-01-27"), ("jan 27 2027", UTC, "2027-01-27"),
        ("jan 27, 2028", UTC, "2028-01-27"), ("27th of january", UTC, "2027-01-27"), ("27/1", UTC, "2027-01-27"),
        ("27/1/2027", UTC, "2027-01-27"), ("27/01/27", UTC, "2027-01-27"), ("2026-01-27", UTC, "2026-01-27"),
        ("the 27th", UTC, "2026-11-27"), ("27th", UTC, "2026-11-27"), ("the 22nd", UTC, "2026-11-22"),
        ("21st", UTC, "2026-12-21"), ("the 31st", UTC, "2026-12-31"), ("dec 31st", UTC, "2026-12-31"),
        ("nov 22", UTC, "2026-11-22"), ("nov 21", UTC, "2027-11-21"), ("feb 29", UTC, "2028-02-29"),
        ("sept 3", UTC, "2027-09-03"), ("at 5pm", UTC, "2026-11-22T17:00:00Z"), ("5pm", UTC, "2026-11-22T17:00:00Z"),
        ("5 pm", UTC, "2026-11-22T17:00:00Z"), ("5 p.m.", UTC, "2026-11-22T17:00:00Z"),
        ("17:00", UTC, "2026-11-22T17:00:00Z"), ("at 17:30", UTC, "2026-11-22T17:30:00Z"),
        ("5:30pm", UTC, "2026-11-22T17:30:00Z"), ("9am", UTC, "2026-11-23T09:00:00Z"),
        ("10:00", UTC, "2026-11-23T10:00:00Z"), ("noon", UTC, "2026-11-22T12:00:00Z"),
        ("midnight", UTC, "2026-11-23T00:00:00Z"), ("12am", UTC, "2026-11-23T00:00:00Z"),
        ("12pm", UTC, "2026-11-22T12:00:00Z"), ("tomorrow 5 pm", UTC, "2026-11-23T17:00:00Z"),
        ("tomorrow at 5pm", UTC, "2026-11-23T17:00:00Z"), ("5pm tomorrow", UTC, "2026-11-23T17:00:00Z"),
        ("fri @ 7pm", UTC, "2026-11-27T19:00:00Z"), ("friday at 7pm", UTC, "2026-11-27T19:00:00Z"),
        ("jan 27 at 9am", UTC, "2027-01-27T09:00:00Z"), ("2026-01-27 at 9am", UTC, "2026-01-27T09:00:00Z"),
        ("morning", UTC, "2026-11-23T09:00:00Z"), ("afternoon", UTC, "2026-11-22T12:00:00Z"),
        ("evening", UTC, "2026-11-22T19:00:00Z"), ("night", UTC, "2026-11-22T20:00:00Z"),
        ("tomorrow morning", UTC, "2026-11-23T09:00:00Z"), ("today evening", UTC, "2026-11-22T19:00:00Z"),
        ("tomorrow in the evening", UTC, "2026-11-23T19:00:00Z"), ("in 3 days at 5pm", UTC, "2026-11-25T17:00:00Z"),
        ("2026-12-01", UTC, "2026-12-01"), ("2026-12-01T17:00", UTC, "2026-12-01T17:00:00Z"),
        ("2026-12-01 17:00", UTC, "2026-12-01T17:00:00Z"), ("2026-12-01T17:00:00", UTC, "2026-12-01T17:00:00Z"),
        ("2026-12-01T17:00:00+05:00", UTC, "2026-12-01T12:00:00Z"), ("2026-12-01T17:00:00Z", UTC, "2026-12-01T17:00:00Z"),
        ("2026-12-01T17:00:00.250Z", UTC, "2026-12-01T17:00:00Z"), ("2026-12-01t17:00-0500", UTC, "2026-12-01T22:00:00Z"),
        ("2026-12-01T17:00:00+05:00", NYC, "2026-12-01T12:00:00Z"),
        ("no date", UTC, "cleared"), ("No due date", UTC, "cleared"), ("none", UTC, "cleared"),
        ("clear", UTC, "cleared"), ("remove date", UTC, "cleared"),
        // Karachi: 15:00 local.
        ("today", KHI, "2026-11-22"), ("5pm", KHI, "2026-11-22T12:00:00Z"), ("3pm", KHI, "2026-11-23T10:00:00Z"),
        ("tomorrow 9am", KHI, "2026-11-23T04:00:00Z"), ("2026-12-01T17:00", KHI, "2026-12-01T12:00:00Z"),
        ("tonight", KHI, "2026-11-22T15:00:00Z"), ("aaj", KHI, "2026-11-22"), ("kal", KHI, "2026-11-23"),
        ("kal subah", KHI, "2026-11-23T04:00:00Z"), ("aaj shaam", KHI, "2026-11-22T14:00:00Z"),
        ("parson", KHI, "2026-11-24"), ("agle hafte", KHI, "2026-11-23"), ("آج", KHI, "2026-11-22"),
        ("کل", KHI, "2026-11-23"), ("پرسوں", KHI, "2026-11-24"), ("اگلے ہفتے", KHI, "2026-11-23"),
        ("کل صبح", KHI, "2026-11-23T04:00:00Z"), ("آج شام۔", KHI, "2026-11-22T14:00:00Z"),
        // New York: 05:00 EST; DST gap on 2026-03-08 and overlap on 2026-11-01.
        ("today", NYC, "2026-11-22"), ("9am", NYC, "2026-11-22T14:00:00Z"), ("tomorrow 9am", NYC, "2026-11-23T14:00:00Z"),
        ("2026-07-01T09:00", NYC, "2026-07-01T13:00:00Z"), ("2026-03-08T02:30", NYC, "2026-03-08T07:30:00Z"),
        ("2026-11-01T01:30", NYC, "2026-11-01T05:30:00Z"), ("in 2 hours", NYC, "2026-11-22T12:00:00Z"),
        // Auckland: 23:00 NZDT (+13).
        ("today", AKL, "2026-11-22"), ("tomorrow", AKL, "2026-11-23"), ("5pm", AKL, "2026-11-23T04:00:00Z"),
        ("friday", AKL, "2026-11-27"), ("end of month", AKL, "2026-11-30"), ("midnight", AKL, "2026-11-22T11:00:00Z"),
        ("2026-07-01T09:00", AKL, "2026-06-30T21:00:00Z"),
    ];
    check(rows, |(phrase, tz, expected)| {
        let got = outcome(&parse_due(phrase, now(), *tz));
        (got != *expected).then(|| format!("{phrase:?} in {tz}: expected {expected}, got {got}"))
    });
}

#[test]
fn the_local_day_not_the_utc_day_decides_today() {
    // 03:00 UTC is Saturday 22:00 in New York but Sunday 16:00 in Auckland.
    let early = Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).unwrap();
    #[rustfmt::skip]
    let rows: &[(&str, Tz, &str)] = &[
        ("today", NYC, "2026-11-21"), ("tomorrow", NYC, "2026-11-22"), ("this weekend", NYC, "2026-11-21"),
        ("friday", NYC, "2026-11-27"), ("today", AKL, "2026-11-22"), ("9pm", NYC, "2026-11-23T02:00:00Z"),
        ("11pm", NYC, "2026-11-22T04:00:00Z"), ("today", UTC, "2026-11-22"),
    ];
    check(rows, |(phrase, tz, expected)| {
        let got = outcome(&parse_due(phrase, early, *tz));
        (got != *expected).then(|| format!("{phrase:?} in {tz}: expected {expected}, got {got}"))
    });
}

#[test]
fn bad_due_phrases_are_errors_never_guesses() {
    #[rustfmt::skip]
    let rows: &[(&str, &str)] = &[
        ("", "unrecognised"), ("   ", "unrecognised"), ("garbage", "unrecognised"), ("tomorrow blah", "unrecognised"),
        ("blah tomorrow", "unrecognised"), ("tomorrow tomorrow", "unrecognised"), ("next blah", "unrecognised"),
        ("at 5", "unrecognised"), ("5", "unrecognised"), ("99999999", "unrecognised"), ("every monday", "unrecognised"),
        ("in 3 fortnights", "unrecognised"), ("jan", "unrecognised"), ("27", "unrecognised"), ("👍", "unrecognised"),
        ("feb 30", "invalid"), ("31/4", "invalid"), ("13/13", "invalid"), ("1/27", "invalid"), ("25:00", "invalid"),
        ("17:60", "invalid"), ("13pm", "invalid"), ("0am", "invalid"), ("2026-02-30", "invalid"),
        ("2026-02-30T10:00", "invalid"), ("2026-12-01T24:00", "invalid"), ("32nd", "invalid"), ("the 0th", "invalid"),
        ("tomorrow at 25:00", "invalid"), ("feb 29 2027", "invalid"), ("in 99999999 days", "invalid"),
        ("in 999999999 hours", "invalid"), ("2026-12-01T17:00:00+25:00", "invalid"), ("0000-01-01", "invalid"),
    ];
    check(rows, |(phrase, expected)| {
        let got = outcome(&parse_due(phrase, now(), UTC));
        (got != *expected).then(|| format!("{phrase:?}: expected {expected}, got {got}"))
    });
}

#[test]
fn errors_say_what_was_not_understood_and_what_is_accepted() {
    let unknown = parse_due("tomorrow blah", now(), UTC).unwrap_err().to_string();
    assert!(
        unknown.contains("\"tomorrow blah\"") && unknown.contains("Try:") && unknown.contains("2026-01-27")
    );
    let impossible = parse_due("feb 30", now(), UTC).unwrap_err().to_string();
    assert_eq!(impossible, "\"feb 30\" is not valid: February has no day 30");
    let recurring = parse_due("every monday", now(), UTC).unwrap_err();
    assert!(matches!(recurring, DateError::Unrecognised { hint, .. } if hint == RECURRING_DUE_HINT));
    let long = "x".repeat(10_000);
    let DateError::Unrecognised { phrase, .. } = parse_due(&long, now(), UTC).unwrap_err() else { panic!() };
    assert!(phrase.chars().count() <= 81, "long phrases are shortened in errors");
    let zero = parse_recurrence("every 0 days", now(), UTC).unwrap_err().to_string();
    assert_eq!(zero, "\"every 0 days\" is not valid: the interval must be at least 1");
}

#[test]
fn instants_for_reminders_default_to_nine_in_the_morning() {
    #[rustfmt::skip]
    let rows: &[(&str, Tz, &str)] = &[
        ("in 30 minutes", UTC, "2026-11-22T10:30:00Z"), ("in 2 hours", KHI, "2026-11-22T12:00:00Z"),
        ("tomorrow", UTC, "2026-11-23T09:00:00Z"), ("tomorrow", KHI, "2026-11-23T04:00:00Z"),
        ("jan 27", NYC, "2027-01-27T14:00:00Z"), ("friday at 17:00", UTC, "2026-11-27T17:00:00Z"),
        ("5pm", UTC, "2026-11-22T17:00:00Z"), ("2026-12-01T17:00:00Z", AKL, "2026-12-01T17:00:00Z"),
        ("no date", UTC, "invalid"), ("none", UTC, "invalid"), ("every monday", UTC, "unrecognised"),
        ("", UTC, "unrecognised"), ("feb 30", UTC, "invalid"),
    ];
    check(rows, |(phrase, tz, expected)| {
        let got = outcome(&parse_instant(phrase, now(), *tz).map(|at| Some(Due::At(at))));
        (got != *expected).then(|| format!("{phrase:?} in {tz}: expected {expected}, got {got}"))
    });
}

#[test]
fn a_day_starts_at_local_midnight() {
    let day = due("2026-11-22");
    assert_eq!(due_start_utc(day, UTC), instant("2026-11-22T00:00:00Z"));
    assert_eq!(due_start_utc(day, KHI), instant("2026-11-21T19:00:00Z"));
    assert_eq!(due_start_utc(day, NYC), instant("2026-11-22T05:00:00Z"));
    assert_eq!(due_start_utc(day, AKL), instant("2026-11-21T11:00:00Z"));
    assert_eq!(due_start_utc(due("2026-11-22T17:00:00Z"), AKL), instant("2026-11-22T17:00:00Z"));
    // Santiago skips midnight when DST starts (2026-09-06): the day starts at 01:00.
    let santiago = due_start_utc(due("2026-09-06"), Tz::America__Santiago);
    assert_eq!(santiago, instant("2026-09-06T04:00:00Z"));
}

#[test]
fn time_zones_parse_by_iana_name_in_any_case() {
    assert_eq!(parse_tz("Asia/Karachi"), Ok(KHI));
    assert_eq!(parse_tz("asia/karachi"), Ok(KHI));
    assert_eq!(parse_tz(" UTC "), Ok(UTC));
    assert_eq!(parse_tz("America/New_York"), Ok(NYC));
    for bad in ["Mars/Olympus", "", "+05:00"] {
        let error = parse_tz(bad).unwrap_err();
        assert!(error.to_string().contains("Asia/Karachi"), "{bad}: {error}");
    }
}

#[test]
fn recurrence_phrases_become_rrules_with_a_first_date() {
    #[rustfmt::skip]
    let rows: &[(&str, Tz, &str, &str)] = &[
        ("every day", UTC, "FREQ=DAILY", "2026-11-22"), ("daily", UTC, "FREQ=DAILY", "2026-11-22"),
        ("everyday", UTC, "FREQ=DAILY", "2026-11-22"),
        ("every weekday", UTC, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "2026-11-23"),
        ("every weekend", UTC, "FREQ=WEEKLY;BYDAY=SA,SU", "2026-11-22"),
        ("every week", UTC, "FREQ=WEEKLY;BYDAY=SU", "2026-11-22"), ("weekly", UTC, "FREQ=WEEKLY;BYDAY=SU", "2026-11-22"),
        ("every monday", UTC, "FREQ=WEEKLY;BYDAY=MO", "2026-11-23"), ("every mon", UTC, "FREQ=WEEKLY;BYDAY=MO", "2026-11-23"),
        ("every mon, fri", UTC, "FREQ=WEEKLY;BYDAY=MO,FR", "2026-11-23"),
        ("every monday and friday", UTC, "FREQ=WEEKLY;BYDAY=MO,FR", "2026-11-23"),
        ("every fri, mon, fri", UTC, "FREQ=WEEKLY;BYDAY=MO,FR", "2026-11-23"),
        ("every other week", UTC, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "2026-11-22"),
        ("fortnightly", UTC, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "2026-11-22"),
        ("every other day", UTC, "FREQ=DAILY;INTERVAL=2", "2026-11-22"),
        ("every 3 days", UTC, "FREQ=DAILY;INTERVAL=3", "2026-11-22"),
        ("every 2 weeks", UTC, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU", "2026-11-22"),
        ("every 2 weeks on monday", UTC, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "2026-11-23"),
        ("every other monday", UTC, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "2026-11-23"),
        ("every month", UTC, "FREQ=MONTHLY;BYMONTHDAY=22", "2026-11-22"),
        ("monthly", UTC, "FREQ=MONTHLY;BYMONTHDAY=22", "2026-11-22"),
        ("every month on the 15th", UTC, "FREQ=MONTHLY;BYMONTHDAY=15", "2026-12-15"),
        ("every 15th", UTC, "FREQ=MONTHLY;BYMONTHDAY=15", "2026-12-15"),
        ("every 27th", UTC, "FREQ=MONTHLY;BYMONTHDAY=27", "2026-11-27"),
        ("every last day", UTC, "FREQ=MONTHLY;BYMONTHDAY=-1", "2026-11-30"),
        ("every last day of the month", UTC, "FREQ=MONTHLY;BYMONTHDAY=-1", "2026-11-30"),
        ("every 2 months on the last day", UTC, "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1", "2026-11-30"),
        ("every 31st", UTC, "FREQ=MONTHLY;BYMONTHDAY=31", "2026-12-31"),
        ("every year", UTC, "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=22", "2026-11-22"),
        ("yearly", UTC, "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=22", "2026-11-22"),
        ("annually", UTC, "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=22", "2026-11-22"),
        ("every jan 27", UTC, "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=27", "2027-01-27"),
        ("every 27 jan", UTC, "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=27", "2027-01-27"),
        ("every year on jan 27", UTC, "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=27", "2027-01-27"),
        ("every feb 29", UTC, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2028-02-29"),
        ("every monday at 9am", UTC, "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-23T09:00:00Z"),
        ("Every Monday at 9AM.", UTC, "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-23T09:00:00Z"),
        ("every day at 17:30", UTC, "FREQ=DAILY;BYHOUR=17;BYMINUTE=30;BYSECOND=0", "2026-11-22T17:30:00Z"),
        ("every day at 5:30pm", UTC, "FREQ=DAILY;BYHOUR=17;BYMINUTE=30;BYSECOND=0", "2026-11-22T17:30:00Z"),
        ("daily at 8am", UTC, "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0", "2026-11-23T08:00:00Z"),
        ("every weekday morning", UTC, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-23T09:00:00Z"),
        ("every morning", UTC, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-23T09:00:00Z"),
        ("every evening", UTC, "FREQ=DAILY;BYHOUR=19;BYMINUTE=0;BYSECOND=0", "2026-11-22T19:00:00Z"),
        ("every! 3 days", UTC, "FREQ=DAILY;INTERVAL=3", "2026-11-22"), ("every!3 days", UTC, "FREQ=DAILY;INTERVAL=3", "2026-11-22"),
        ("every! week", UTC, "FREQ=WEEKLY", "2026-11-22"), ("every! month", UTC, "FREQ=MONTHLY", "2026-11-22"),
        ("every! 2 weeks at 9am", UTC, "FREQ=WEEKLY;INTERVAL=2;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-29T09:00:00Z"),
        ("every monday starting jan 5", UTC, "FREQ=WEEKLY;BYDAY=MO", "2027-01-11"),
        ("every day from dec 1", UTC, "FREQ=DAILY", "2026-12-01"),
        ("every week starting friday", UTC, "FREQ=WEEKLY;BYDAY=FR", "2026-11-27"),
        ("every day until dec 31", UTC, "FREQ=DAILY;UNTIL=20261231T235959Z", "2026-11-22"),
        ("every day until dec 31", NYC, "FREQ=DAILY;UNTIL=20270101T045959Z", "2026-11-22"),
        ("every day until dec 31", AKL, "FREQ=DAILY;UNTIL=20261231T105959Z", "2026-11-22"),
        ("every monday for 8 weeks", UTC, "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270117T235959Z", "2026-11-23"),
        ("every day for 10 days", UTC, "FREQ=DAILY;UNTIL=20261201T235959Z", "2026-11-22"),
        ("every month for 3 months", UTC, "FREQ=MONTHLY;BYMONTHDAY=22;UNTIL=20270221T235959Z", "2026-11-22"),
        ("every 2 weeks starting jan 5 until mar 1", UTC, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270301T235959Z", "2027-01-05"),
        ("every day at 9am until friday", UTC, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0;UNTIL=20261127T235959Z", "2026-11-23T09:00:00Z"),
        ("har roz", KHI, "FREQ=DAILY", "2026-11-22"), ("roz", KHI, "FREQ=DAILY", "2026-11-22"),
        ("har hafte", KHI, "FREQ=WEEKLY;BYDAY=SU", "2026-11-22"), ("har mahine", KHI, "FREQ=MONTHLY;BYMONTHDAY=22", "2026-11-22"),
        ("har peer", KHI, "FREQ=WEEKLY;BYDAY=MO", "2026-11-23"), ("har jumma", KHI, "FREQ=WEEKLY;BYDAY=FR", "2026-11-27"),
        ("ہر روز", KHI, "FREQ=DAILY", "2026-11-22"), ("ہر پیر", KHI, "FREQ=WEEKLY;BYDAY=MO", "2026-11-23"),
        ("har roz subah", KHI, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-23T04:00:00Z"),
        ("every monday at 9am", KHI, "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-23T04:00:00Z"),
        ("every day at 9am", NYC, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-22T14:00:00Z"),
        ("every day at 9am", AKL, "FREQ=DAILY;BYHOUR=9;BYMINUTE=0;BYSECOND=0", "2026-11-22T20:00:00Z"),
        ("every sunday", AKL, "FREQ=WEEKLY;BYDAY=SU", "2026-11-22"),
    ];
    check(rows, |(phrase, tz, rrule, first)| {
        let got = match parse_recurrence(phrase, now(), *tz) {
            Ok(parsed) => format!("{} from {}", parsed.rule.rrule, show(parsed.first)),
            Err(e) => e.to_string(),
        };
        let expected = format!("{rrule} from {first}");
        (got != expected).then(|| format!("{phrase:?} in {tz}: expected {expected}, got {got}"))
    });
}

#[test]
fn recurrences_keep_the_phrase_and_the_completion_flag() {
    let parsed = parse_recurrence("  every! 3 days  ", now(), UTC).unwrap();
    assert_eq!(parsed.rule.phrase, "every! 3 days");
    assert!(parsed.rule.from_completion);
    assert!(!rule("every 3 days", UTC).from_completion);
}

#[test]
fn bad_recurrence_phrases_are_errors() {
    #[rustfmt::skip]
    let rows: &[(&str, &str)] = &[
        ("every 0 days", "invalid"), ("every 1000 days", "invalid"), ("every feb 30", "invalid"), ("every 32nd", "invalid"),
        ("every hour", "invalid"), ("every day until yesterday", "invalid"), ("every monday for 0 weeks", "invalid"),
        ("every day until dec 31 for 3 days", "invalid"), ("every day at 25:00", "invalid"),
        ("every day starting feb 30", "invalid"), ("every", "unrecognised"), ("every blah", "unrecognised"),
        ("every monday blah", "unrecognised"), ("tomorrow", "unrecognised"), ("", "unrecognised"),
        ("every monday starting blah", "unrecognised"), ("every day for 8 blahs", "unrecognised"),
        ("every 3", "unrecognised"), ("daily blah", "unrecognised"),
    ];
    check(rows, |(phrase, expected)| {
        let got = outcome(&parse_recurrence(phrase, now(), UTC).map(|p| Some(p.first)));
        (got != *expected).then(|| format!("{phrase:?}: expected {expected}, got {got}"))
    });
}

#[test]
fn recurrence_phrases_are_recognised_for_routing() {
    #[rustfmt::skip]
    let rows: &[(&str, bool)] = &[
        ("every monday", true), ("Every day at 9am", true), ("daily", true), ("weekly", true), ("monthly", true),
        ("yearly", true), ("annually", true), ("every! 3 days", true), ("every!3 days", true), ("har roz", true),
        ("roz", true), ("ہر پیر", true), ("every", true), ("tomorrow", false), ("everyone", false), ("monday", false),
        ("", false), ("no date", false), ("in 3 days", false),
    ];
    check(rows, |(phrase, expected)| {
        let got = is_recurrence_phrase(phrase);
        (got != *expected).then(|| format!("{phrase:?}: expected {expected}, got {got}"))
    });
}

/// (phrase, zone, current due, completed at, expected next).
type Completion = (&'static str, Tz, Option<&'static str>, &'static str, Option<&'static str>);

#[test]
fn completing_a_task_moves_it_to_the_next_occurrence() {
    #[rustfmt::skip]
    let rows: &[Completion] = &[
        ("every day", UTC, Some("2026-11-22"), "2026-11-22T10:00:00Z", Some("2026-11-23")),
        ("every day", UTC, Some("2026-11-20"), "2026-11-22T10:00:00Z", Some("2026-11-23")),
        ("every day", UTC, Some("2026-11-25"), "2026-11-22T10:00:00Z", Some("2026-11-26")),
        ("every day", UTC, None, "2026-11-22T10:00:00Z", Some("2026-11-23")),
        ("every 3 days", UTC, Some("2026-11-22"), "2026-11-22T10:00:00Z", Some("2026-11-25")),
        ("every 3 days", UTC, Some("2026-11-17"), "2026-11-22T10:00:00Z", Some("2026-11-23")),
        ("every! 3 days", UTC, Some("2026-11-17"), "2026-11-22T10:00:00Z", Some("2026-11-25")),
        ("every! 3 days", UTC, Some("2026-11-30"), "2026-11-22T10:00:00Z", Some("2026-11-25")),
        ("every monday at 9am", UTC, Some("2026-11-23T09:00:00Z"), "2026-11-23T10:00:00Z", Some("2026-11-30T09:00:00Z")),
        ("every monday at 9am", UTC, Some("2026-11-23T09:00:00Z"), "2026-11-22T10:00:00Z", Some("2026-11-30T09:00:00Z")),
        ("every day at 9am", UTC, Some("2026-11-20T09:00:00Z"), "2026-11-22T10:00:00Z", Some("2026-11-23T09:00:00Z")),
        ("every day at 9am", UTC, Some("2026-11-20T09:00:00Z"), "2026-11-22T08:00:00Z", Some("2026-11-22T09:00:00Z")),
        ("every! day at 9am", UTC, Some("2026-11-20T09:00:00Z"), "2026-11-22T08:00:00Z", Some("2026-11-23T09:00:00Z")),
        ("every day at 9am", UTC, Some("2026-11-25"), "2026-11-22T10:00:00Z", Some("2026-11-26T09:00:00Z")),
        ("every day", UTC, Some("2026-11-22T15:00:00Z"), "2026-11-22T16:00:00Z", Some("2026-11-23")),
        ("every day until nov 30", UTC, Some("2026-11-30"), "2026-11-30T10:00:00Z", None),
        ("every day until nov 30", UTC, Some("2026-11-29"), "2026-11-29T10:00:00Z", Some("2026-11-30")),
        ("every monday for 2 weeks", UTC, Some("2026-11-23"), "2026-11-23T10:00:00Z", Some("2026-11-30")),
        ("every monday for 2 weeks", UTC, Some("2026-11-30"), "2026-11-30T10:00:00Z", None),
        ("every! day until nov 23", UTC, Some("2026-11-22"), "2026-11-23T10:00:00Z", None),
        ("every day at 9am until nov 23", UTC, Some("2026-11-23T09:00:00Z"), "2026-11-23T10:00:00Z", None),
        ("every month", UTC, Some("2026-11-22"), "2026-11-22T10:00:00Z", Some("2026-12-22")),
        ("every last day", UTC, Some("2026-11-30"), "2026-11-30T10:00:00Z", Some("2026-12-31")),
        ("every last day", UTC, Some("2027-02-28"), "2027-02-28T10:00:00Z", Some("2027-03-31")),
        ("every 31st", UTC, Some("2026-12-31"), "2026-12-31T10:00:00Z", Some("2027-01-31")),
        ("every 31st", UTC, Some("2027-01-31"), "2027-01-31T10:00:00Z", Some("2027-03-31")),
        ("every! month", UTC, Some("2027-01-31"), "2027-01-31T10:00:00Z", Some("2027-02-28")),
        ("every monday", UTC, None, "2026-11-22T10:00:00Z", Some("2026-11-23")),
        ("every weekday", UTC, Some("2026-11-27"), "2026-11-27T10:00:00Z", Some("2026-11-30")),
        ("every jan 27", UTC, Some("2027-01-27"), "2027-01-27T10:00:00Z", Some("2028-01-27")),
        ("every 2 weeks on monday", UTC, Some("2026-11-23"), "2026-11-23T10:00:00Z", Some("2026-12-07")),
        ("every 2 weeks on monday", UTC, Some("2026-11-23"), "2026-12-01T10:00:00Z", Some("2026-12-07")),
        ("every! monday", UTC, Some("2026-11-23"), "2026-11-23T10:00:00Z", Some("2026-11-30")),
        ("every! monday", UTC, Some("2026-11-23"), "2026-11-25T10:00:00Z", Some("2026-11-30")),
        ("every day at 9am", KHI, Some("2026-11-22T04:00:00Z"), "2026-11-22T10:00:00Z", Some("2026-11-23T04:00:00Z")),
        ("every day at 9am", AKL, Some("2026-11-22T20:00:00Z"), "2026-11-22T21:00:00Z", Some("2026-11-23T20:00:00Z")),
        // DST: New York falls back on 2026-11-01 and springs forward on 2026-03-08; Auckland
        // springs forward on 2026-09-27. 09:00 stays 09:00 local.
        ("every day at 9am", NYC, Some("2026-10-31T13:00:00Z"), "2026-10-31T14:00:00Z", Some("2026-11-01T14:00:00Z")),
        ("every day at 9am", NYC, Some("2026-03-07T14:00:00Z"), "2026-03-07T15:00:00Z", Some("2026-03-08T13:00:00Z")),
        ("every! day at 9am", NYC, Some("2026-10-31T13:00:00Z"), "2026-10-31T14:00:00Z", Some("2026-11-01T14:00:00Z")),
        ("every day at 9am", AKL, Some("2026-09-25T21:00:00Z"), "2026-09-25T22:00:00Z", Some("2026-09-26T20:00:00Z")),
        ("every day at 2:30am", NYC, Some("2026-03-07T07:30:00Z"), "2026-03-07T08:00:00Z", Some("2026-03-08T07:30:00Z")),
        ("every day at 1:30am", NYC, Some("2026-10-31T05:30:00Z"), "2026-10-31T06:00:00Z", Some("2026-11-01T05:30:00Z")),
        ("every day at 1:30am", NYC, Some("2026-11-01T05:30:00Z"), "2026-11-01T07:00:00Z", Some("2026-11-02T06:30:00Z")),
    ];
    check(rows, |(phrase, tz, current, completed, expected)| {
        let got = next_occurrence(&rule(phrase, *tz), current.map(due), instant(completed), *tz).map(show);
        let expected = expected.map(str::to_owned);
        (got != expected).then(|| {
            format!(
                "{phrase:?} in {tz} from {current:?} done {completed}: expected {expected:?}, got {got:?}"
            )
        })
    });
}

#[test]
fn upcoming_lists_the_next_occurrences() {
    #[rustfmt::skip]
    let rows: &[(&str, Option<&str>, usize, &[&str])] = &[
        ("every monday", Some("2026-11-23"), 3, &["2026-11-23", "2026-11-30", "2026-12-07"]),
        ("every day at 9am", None, 2, &["2026-11-23T09:00:00Z", "2026-11-24T09:00:00Z"]),
        ("every day at 11am", None, 2, &["2026-11-22T11:00:00Z", "2026-11-23T11:00:00Z"]),
        ("every day until nov 24", Some("2026-11-22"), 10, &["2026-11-23", "2026-11-24"]),
        ("every! 3 days", None, 3, &["2026-11-25", "2026-11-28", "2026-12-01"]),
        ("every 2 weeks on monday", Some("2026-11-23"), 3, &["2026-11-23", "2026-12-07", "2026-12-21"]),
        ("every last day", Some("2026-11-30"), 4, &["2026-11-30", "2026-12-31", "2027-01-31", "2027-02-28"]),
        ("every month", Some("2026-11-22"), 0, &[]),
    ];
    check(rows, |(phrase, current, n, expected)| {
        let got: Vec<String> =
            upcoming(&rule(phrase, UTC), current.map(due), now(), UTC, *n).into_iter().map(show).collect();
        (got != *expected).then(|| format!("{phrase:?}: expected {expected:?}, got {got:?}"))
    });
    assert_eq!(upcoming(&rule("every day", UTC), None, now(), UTC, usize::MAX).len(), 1_000);
}

#[test]
fn rules_are_described_in_words() {
    #[rustfmt::skip]
    let rows: &[(&str, Tz, &str)] = &[
        ("every monday at 9am", UTC, "every Monday at 09:00"), ("every 3 days", UTC, "every 3 days"),
        ("every month on the 15th", UTC, "every month on day 15"), ("every last day", UTC, "every last day of the month"),
        ("every weekday", UTC, "every weekday"), ("every weekend", UTC, "every weekend"),
        ("every 2 weeks on monday", UTC, "every 2 weeks on Monday"), ("every jan 27", UTC, "every January 27"),
        ("every 2 years on jan 27", UTC, "every 2 years on January 27"), ("every day", UTC, "every day"),
        ("every week", UTC, "every Sunday"), ("every mon, wed, fri", UTC, "every Monday, Wednesday and Friday"),
        ("every monday and friday", UTC, "every Monday and Friday"), ("every! 3 days", UTC, "every 3 days (from completion)"),
        ("every! week", UTC, "every week (from completion)"), ("every day at 17:30", UTC, "every day at 17:30"),
        ("every 2 months on the last day", UTC, "every 2 months on the last day"),
        ("every day until dec 31", UTC, "every day until 2026-12-31"),
        ("every day until dec 31", NYC, "every day until 2026-12-31"),
        ("every day until dec 31", AKL, "every day until 2026-12-31"),
        ("every day until dec 31", KHI, "every day until 2026-12-31"),
        ("every! day at 9am until dec 31", UTC, "every day at 09:00 (from completion) until 2026-12-31"),
    ];
    check(rows, |(phrase, tz, expected)| {
        let got = describe(&rule(phrase, *tz));
        (got != *expected).then(|| format!("{phrase:?}: expected {expected:?}, got {got:?}"))
    });
    let foreign = Recurrence {
        phrase: "first monday".into(),
        rrule: "FREQ=MONTHLY;BYDAY=1MO".into(),
        from_completion: false,
    };
    assert_eq!(describe(&foreign), "custom schedule (FREQ=MONTHLY;BYDAY=1MO)");
}

#[test]
fn written_rrules_read_back_unchanged() {
    for phrase in [
        "every monday at 9am",
        "every 2 months on the last day",
        "every jan 27",
        "every day until dec 31",
        "every! week",
    ] {
        let stored = rule(phrase, NYC).rrule;
        let read = Rule::parse(&stored).map(|r| r.to_string());
        assert_eq!(read.as_deref(), Some(stored.as_str()), "{phrase}");
    }
    assert!(Rule::parse("FREQ=MONTHLY;BYDAY=1MO").is_none(), "ordinal weekdays go to the rrule crate");
}

#[test]
fn the_interpreter_agrees_with_the_rrule_crate() {
    #[rustfmt::skip]
    let rows: &[(&str, Tz)] = &[
        ("every day", UTC), ("every weekday", NYC), ("every 3 days", KHI), ("every 2 weeks on monday", AKL),
        ("every mon, fri at 9am", NYC), ("every last day", UTC), ("every 31st", KHI), ("every jan 27", UTC),
        ("every feb 29", UTC), ("every day at 2:30am", NYC), ("every day at 9am until dec 10", NYC),
        ("every monday for 8 weeks", AKL), ("every 2 months on the last day", UTC), ("every year", AKL),
        ("every day at 9am", AKL), ("every other week", KHI),
    ];
    check(rows, |(phrase, tz)| {
        let parsed = parse_recurrence(phrase, now(), *tz).unwrap();
        let start = due_start_utc(parsed.first, *tz).with_timezone(tz).naive_local();
        let text = format!(
            "DTSTART;TZID={}:{}\nRRULE:{}",
            tz.name(),
            start.format("%Y%m%dT%H%M%S"),
            parsed.rule.rrule
        );
        let set: rrule::RRuleSet = text.parse().unwrap();
        let theirs: Vec<String> = set
            .all(12)
            .dates
            .into_iter()
            .map(|at| match parsed.first {
                Due::Day(_) => at.date_naive().to_string(),
                Due::At(_) => show(Due::At(at.with_timezone(&Utc))),
            })
            .collect();
        let from = due_start_utc(parsed.first, *tz);
        let mut ours = vec![show(parsed.first)];
        ours.extend(upcoming(&parsed.rule, Some(parsed.first), from, *tz, 11).into_iter().map(show));
        (ours != theirs).then(|| format!("{phrase:?} in {tz}:\n ours   {ours:?}\n theirs {theirs:?}"))
    });
}

#[test]
fn rules_outside_the_subset_fall_back_to_the_rrule_crate() {
    let first_monday = Recurrence {
        phrase: "first monday".into(),
        rrule: "FREQ=MONTHLY;BYDAY=1MO".into(),
        from_completion: false,
    };
    let next = next_occurrence(&first_monday, Some(due("2026-12-07")), instant("2026-12-07T10:00:00Z"), UTC);
    assert_eq!(next, Some(due("2027-01-04")));
    let listed = upcoming(&first_monday, Some(due("2026-12-07")), now(), UTC, 2);
    assert_eq!(listed, vec![due("2026-12-07"), due("2027-01-04")]);
    let broken = Recurrence { phrase: "?".into(), rrule: "FREQ=SOMETIMES".into(), from_completion: false };
    assert_eq!(next_occurrence(&broken, None, now(), UTC), None);
    assert!(upcoming(&broken, None, now(), UTC, 5).is_empty());
}

#[test]
fn no_input_makes_anything_panic() {
    let long = "tomorrow ".repeat(1_200);
    let digits = "9".repeat(10_000);
    let weird: Vec<String> = [
        "🎉",
        "🎉 tomorrow",
        "tomorrow 🎉",
        "آج کل پرسوں",
        "‏غدا‏",
        "\u{202e}worromot",
        "\0",
        "\n\t",
        "99999999",
        "-1",
        "in -3 days",
        "in 99999999999999999999 days",
        "9999-12-31",
        "9999-12-31T23:59:59",
        "0001-01-01",
        "+262143-01-01",
        "27/1/99999",
        "12:",
        ":",
        "::",
        "at",
        "@",
        "@@@",
        "every!",
        "every! ",
        "every!!",
        "!every",
        "every 99999999999 days",
        "every 999 years on feb 29",
        "every 999 days until dec 31",
        "every day for 99999999 years",
        "every day starting 9999-12-31",
        "every day starting 9999-12-31 for 2 days",
        "in 1 year",
        "2026-12-01T",
        "2026-12-01T17",
        "2026-12-01T17:00+",
        "2026-12-01T17:00+99:99",
        "2026-12-01T17:00:00.1234567891Z",
        "ß",
        "İstanbul",
        "ǅ",
        "tomorrow\u{0301}",
        "٢٧/١",
        "27/1/",
        "/",
        "//",
        "1/2/3/4",
        "---",
        "2026--01",
        "𝟐𝟎𝟐𝟔-𝟎𝟏-𝟐𝟕",
        "ｔｏｍｏｒｒｏｗ",
        "every 31st for 1 month",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([long, digits, "x".repeat(10_000), "🎉".repeat(5_000), "ہر ".repeat(3_000)])
    .collect();
    let nows = [
        now(),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        instant("9999-12-31T23:00:00Z"),
        instant("0001-01-01T00:00:00Z"),
    ];
    for tz in [UTC, KHI, NYC, AKL, Tz::Pacific__Kiritimati, Tz::America__Santiago] {
        for at in nows {
            for phrase in &weird {
                let _ = parse_due(phrase, at, tz);
                let _ = parse_instant(phrase, at, tz);
                let _ = is_recurrence_phrase(phrase);
                if let Ok(parsed) = parse_recurrence(phrase, at, tz) {
                    let _ = next_occurrence(&parsed.rule, Some(parsed.first), at, tz);
                    let _ = upcoming(&parsed.rule, Some(parsed.first), at, tz, 3);
                    let _ = describe(&parsed.rule);
                }
            }
            let _ = due_start_utc(Due::Day(NaiveDate::MAX), tz);
            let _ = due_start_utc(Due::Day(NaiveDate::MIN), tz);
        }
    }
    let rules = [
        "",
        "FREQ=",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;INTERVAL=999999999",
        "FREQ=DAILY;INTERVAL=4294967295",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=MONTHLY;BYDAY=1MO",
        "FREQ=SECONDLY",
        "garbage",
        "FREQ=DAILY;COUNT=3",
        "FREQ=DAILY;UNTIL=99999999T999999Z",
        "FREQ=DAILY;UNTIL=00010101T000000Z",
        "FREQ=WEEKLY;BYDAY=XX",
        ";;;",
        "FREQ=YEARLY;INTERVAL=999;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;BYMONTHDAY=-31,31",
        "FREQ=MONTHLY;BYMONTHDAY=-2147483648",
        "FREQ=DAILY;BYHOUR=9",
        "RRULE:FREQ=DAILY\nEXDATE:20261123T000000Z",
        "FREQ=HOURLY;BYSETPOS=-1",
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    ];
    let currents =
        [None, Some(Due::Day(NaiveDate::MAX)), Some(Due::Day(NaiveDate::MIN)), Some(due("2026-11-22"))];
    for rrule in rules.iter().map(|r| (*r).to_owned()).chain([format!("FREQ=DAILY;{}", "X=1;".repeat(5_000))])
    {
        for from_completion in [false, true] {
            let rule = Recurrence { phrase: String::new(), rrule: rrule.clone(), from_completion };
            let _ = describe(&rule);
            for current in currents {
                for at in [now(), DateTime::<Utc>::MAX_UTC, DateTime::<Utc>::MIN_UTC] {
                    let _ = next_occurrence(&rule, current, at, NYC);
                    let _ = upcoming(&rule, current, at, AKL, 5);
                }
            }
        }
    }
}
