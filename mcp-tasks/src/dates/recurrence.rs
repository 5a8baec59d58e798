//! Recurrence phrases: "every …", "daily", "every! …" (and a little Roman Urdu / Urdu) into a
//! stored [`Recurrence`]; `occurrences` evaluates stored rules.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;

use super::phrase::{parse_date, parse_time};
use super::rule::{After, Freq, Rule, WEEKDAYS, WEEKEND};
use super::{
    DateError, ParsedRecurrence, RECURRENCE_HINT, Recurrence, TOO_FAR, amount, check_month_day, day_start,
    digits, due_date, invalid, local_date, month_and_day, normalise, ordinal, tokens, unrecognised, weekday,
};

/// Largest INTERVAL accepted from a phrase ("every 999 days").
const MAX_INTERVAL: u32 = 999;

/// Parse "every …" / "daily" / "every! …" phrases at `now` in `tz`. Also returns the first occurrence
/// (first matching date/time at or after now; for "starting X" the first at or after X).
///
/// # Errors
/// [`DateError::Unrecognised`] outside the grammar; [`DateError::Invalid`] for impossible rules
/// ("every 0 days", "every feb 30", an end before the first date).
pub fn parse_recurrence(phrase: &str, now: DateTime<Utc>, tz: Tz) -> Result<ParsedRecurrence, DateError> {
    let not_understood = || unrecognised(phrase, RECURRENCE_HINT);
    let text = normalise(phrase).ok_or_else(not_understood)?;
    let words = tokens(&text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let plan = read_phrase(&words, local_date(now, tz))
        .map_err(|reason| invalid(phrase, reason))?
        .ok_or_else(not_understood)?;
    build(plan, phrase.trim(), now, tz).map_err(|reason| invalid(phrase, reason))
}

/// True if the phrase looks like a recurrence ("every…", "daily", "weekly", "monthly", "yearly", "every!…"), so a caller given a due phrase like "every monday" can route it to parse_recurrence.
#[must_use]
pub fn is_recurrence_phrase(phrase: &str) -> bool {
    let Some(text) = normalise(phrase) else {
        return false;
    };
    tokens(&text).first().is_some_and(|w| matches!(w.as_str(), "every" | "every!") || implicit(w).is_some())
}

/// How the schedule is pinned before the first date is known.
#[derive(Debug)]
enum Pin {
    /// No BY parts: "every 3 days", and every `every!` rule without a named day.
    Free,
    /// The first date's weekday / day of month / date: "every week", "monthly".
    Anchor,
    Days(Vec<Weekday>),
    MonthDay(i32),
    Date(u32, u32),
}

#[derive(Debug)]
struct Spec {
    freq: Freq,
    interval: u32,
    pin: Pin,
}

#[derive(Debug, Clone, Copy)]
enum Span {
    Days,
    Weeks,
    Months,
    Years,
}

#[derive(Debug)]
struct Plan {
    from_completion: bool,
    spec: Spec,
    time: Option<NaiveTime>,
    start: Option<NaiveDate>,
    /// Last day, or a span counted from the first date.
    end: Option<Result<NaiveDate, (u32, Span)>>,
}

/// "daily", "weekly", "monthly", "yearly", "annually", "fortnightly".
fn implicit(word: &str) -> Option<Spec> {
    let (freq, interval, pin) = match word {
        "daily" => (Freq::Daily, 1, Pin::Free),
        "weekly" => (Freq::Weekly, 1, Pin::Anchor),
        "fortnightly" => (Freq::Weekly, 2, Pin::Anchor),
        "monthly" => (Freq::Monthly, 1, Pin::Anchor),
        "yearly" | "annually" => (Freq::Yearly, 1, Pin::Anchor),
        _ => return None,
    };
    Some(Spec { freq, interval, pin })
}

/// `Ok(None)`: not a recurrence we understand; `Err`: understood but impossible.
fn read_phrase(words: &[&str], today: NaiveDate) -> Result<Option<Plan>, String> {
    let (from_completion, implied, rest) = match words {
        ["every!", rest @ ..] => (true, None, rest),
        ["every", rest @ ..] => (false, None, rest),
        [word, rest @ ..] if implicit(word).is_some() => (false, implicit(word), rest),
        _ => return Ok(None),
    };
    let is_bound = |w: &&str| {
        matches!(
            *w,
            "starting"
                | "starts"
                | "start"
                | "from"
                | "beginning"
                | "until"
                | "till"
                | "til"
                | "through"
                | "ending"
                | "ends"
                | "for"
        )
    };
    let (head, mut tail) = rest.split_at(rest.iter().position(is_bound).unwrap_or(rest.len()));
    let (mut start, mut end) = (None, None);
    while let [keyword, more @ ..] = tail {
        let (segment, next) = more.split_at(more.iter().position(is_bound).unwrap_or(more.len()));
        tail = next;
        let twice = if matches!(*keyword, "for" | "until" | "till" | "til" | "through" | "ending" | "ends") {
            end.is_some()
        } else {
            start.is_some()
        };
        if twice {
            return Err("give one start and one end ('until …' or 'for …') at most".to_owned());
        }
        if *keyword == "for" {
            let span = match segment {
                [_, "day" | "days"] => Span::Days,
                [_, "week" | "weeks"] => Span::Weeks,
                [_, "month" | "months"] => Span::Months,
                [_, "year" | "years"] => Span::Years,
                _ => return Ok(None),
            };
            match segment.first().and_then(|w| amount(w)) {
                Some(0) => return Err("the length must be at least 1".to_owned()),
                Some(count) => end = Some(Err((count, span))),
                None => return Ok(None),
            }
            continue;
        }
        let Some(day) = parse_date(segment, today)? else {
            return Ok(None);
        };
        if matches!(*keyword, "until" | "till" | "til" | "through" | "ending" | "ends") {
            end = Some(Ok(day));
        } else {
            start = Some(day);
        }
    }
    let Some((spec, time)) = read_head(head, implied)? else {
        return Ok(None);
    };
    Ok(Some(Plan { from_completion, spec, time, start, end }))
}

/// The schedule and optional time of day: "monday at 9am", "weekday morning", "3 days".
fn read_head(head: &[&str], implied: Option<Spec>) -> Result<Option<(Spec, Option<NaiveTime>)>, String> {
    if let Some(spec) = implied {
        return Ok(match parse_time(head)? {
            time @ Some(_) => Some((spec, time)),
            None if head.is_empty() => Some((spec, None)),
            None => None,
        });
    }
    let mut error = None;
    for cut in (0..=head.len()).rev() {
        let (spec_words, time_words) = head.split_at(cut);
        let time_ok = |t: &Option<NaiveTime>| time_words.is_empty() || t.is_some();
        match (read_spec(spec_words), parse_time(time_words)) {
            (Ok(Some(spec)), Ok(time)) if time_ok(&time) => return Ok(Some((spec, time))),
            (Ok(None), Ok(time @ Some(_))) if spec_words.is_empty() => {
                return Ok(Some((Spec { freq: Freq::Daily, interval: 1, pin: Pin::Free }, time)));
            }
            (Err(e), Ok(time)) if time_ok(&time) => {
                error.get_or_insert(e);
            }
            (Ok(Some(_)), Err(e)) => {
                error.get_or_insert(e);
            }
            _ => {}
        }
    }
    error.map_or(Ok(None), Err)
}

/// "day", "3 days", "other week", "mon, fri", "15th", "last day", "jan 27", "2 weeks on monday".
fn read_spec(words: &[&str]) -> Result<Option<Spec>, String> {
    if let Some(spec) = spec_body(words, 1)? {
        return Ok(Some(spec));
    }
    let (interval, body) = match words {
        ["other", body @ ..] => (2, body),
        [count, body @ ..] => match digits(count) {
            Some(n) => (n, body),
            None => return Ok(None),
        },
        [] => return Ok(None),
    };
    if body.is_empty() {
        return Ok(None);
    }
    if interval == 0 {
        return Err("the interval must be at least 1".to_owned());
    }
    if interval > MAX_INTERVAL {
        return Err(format!("the interval can be at most {MAX_INTERVAL}"));
    }
    spec_body(body, interval)
}

fn spec_body(words: &[&str], interval: u32) -> Result<Option<Spec>, String> {
    let spec = |freq, pin| Ok(Some(Spec { freq, interval, pin }));
    match words {
        ["day" | "days"] => spec(Freq::Daily, Pin::Free),
        ["weekday" | "weekdays" | "workday" | "workdays"] => spec(Freq::Weekly, Pin::Days(WEEKDAYS.to_vec())),
        ["weekend" | "weekends"] => spec(Freq::Weekly, Pin::Days(WEEKEND.to_vec())),
        ["week" | "weeks"] => spec(Freq::Weekly, Pin::Anchor),
        ["month" | "months"] => spec(Freq::Monthly, Pin::Anchor),
        ["year" | "years"] => spec(Freq::Yearly, Pin::Anchor),
        ["week" | "weeks", "on", days @ ..] => {
            weekday_list(days).map_or(Ok(None), |d| spec(Freq::Weekly, Pin::Days(d)))
        }
        ["month" | "months", "on", rest @ ..] => {
            month_day_pin(rest)?.map_or(Ok(None), |d| spec(Freq::Monthly, Pin::MonthDay(d)))
        }
        ["year" | "years", "on", rest @ ..] => match month_and_day(rest) {
            Some((m, d)) => check_month_day(m, d).and_then(|()| spec(Freq::Yearly, Pin::Date(m, d))),
            None => Ok(None),
        },
        ["hour" | "hours" | "minute" | "minutes"] => {
            Err("schedules more often than daily are not supported".to_owned())
        }
        _ => {
            if let Some(day) = month_day_pin(words)? {
                return spec(Freq::Monthly, Pin::MonthDay(day));
            }
            if let Some(days) = weekday_list(words) {
                return spec(Freq::Weekly, Pin::Days(days));
            }
            match month_and_day(words) {
                Some((m, d)) => check_month_day(m, d).and_then(|()| spec(Freq::Yearly, Pin::Date(m, d))),
                None => Ok(None),
            }
        }
    }
}

/// "mon fri", "monday and friday" (sorted from Monday, duplicates dropped).
fn weekday_list(words: &[&str]) -> Option<Vec<Weekday>> {
    let mut days: Vec<Weekday> =
        words.iter().filter(|w| **w != "and").map(|w| weekday(w)).collect::<Option<_>>()?;
    days.sort_by_key(Weekday::num_days_from_monday);
    days.dedup();
    (!days.is_empty()).then_some(days)
}

/// "15th", "the 15th", "day 15", "last day", "the last day of the month" (-1).
fn month_day_pin(words: &[&str]) -> Result<Option<i32>, String> {
    let kept: Vec<&str> = words.iter().copied().filter(|w| *w != "the").collect();
    let day = match kept.as_slice() {
        ["last", "day"] | ["last", "day", "of", "month"] | ["last", "day", "of", "each", "month"] => {
            return Ok(Some(-1));
        }
        [word] => ordinal(word),
        ["day", number] => digits(number),
        _ => None,
    };
    match day {
        Some(day @ 1..=31) => Ok(Some(i32::try_from(day).unwrap_or(1))),
        Some(day) => Err(format!("there is no day {day} in a month")),
        None => Ok(None),
    }
}

/// Pins the rule, finds its first date and turns the end bound into UNTIL.
fn build(plan: Plan, phrase: &str, now: DateTime<Utc>, tz: Tz) -> Result<ParsedRecurrence, String> {
    let today = local_date(now, tz);
    let anchor = plan.start.unwrap_or(today);
    let Spec { freq, interval, pin } = plan.spec;
    let mut rule = Rule {
        freq,
        interval,
        months: Vec::new(),
        month_days: Vec::new(),
        days: Vec::new(),
        time: plan.time,
        until: None,
    };
    let day_number = |d: u32| i32::try_from(d).unwrap_or(1);
    match pin {
        Pin::Free => {}
        Pin::Anchor if plan.from_completion => {}
        Pin::Anchor => match freq {
            Freq::Daily => {}
            Freq::Weekly => rule.days = vec![anchor.weekday()],
            Freq::Monthly => rule.month_days = vec![day_number(anchor.day())],
            Freq::Yearly => {
                (rule.months, rule.month_days) = (vec![anchor.month()], vec![day_number(anchor.day())])
            }
        },
        Pin::Days(days) => rule.days = days,
        Pin::MonthDay(day) => rule.month_days = vec![day],
        Pin::Date(month, day) => (rule.months, rule.month_days) = (vec![month], vec![day_number(day)]),
    }
    let after = match (plan.start, plan.time) {
        (Some(start), _) => After::Day(start.pred_opt().ok_or(TOO_FAR)?),
        (None, None) => After::Day(today.pred_opt().ok_or(TOO_FAR)?),
        (None, Some(_)) => After::Instant(now.checked_sub_signed(TimeDelta::nanoseconds(1)).ok_or(TOO_FAR)?),
    };
    // The first date is the first matching one; the interval counts from there.
    let first = Rule { interval: 1, ..rule.clone() }
        .first_after(anchor, &[after], tz)
        .ok_or("this schedule has no date it could fall on")?;
    let first_day = due_date(first, tz);
    let last_day = match plan.end {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err((n, span))) => Some(
            match span {
                Span::Days => first_day.checked_add_days(Days::new(u64::from(n))),
                Span::Weeks => first_day.checked_add_days(Days::new(u64::from(n) * 7)),
                Span::Months => first_day.checked_add_months(Months::new(n)),
                Span::Years => n.checked_mul(12).and_then(|m| first_day.checked_add_months(Months::new(m))),
            }
            .and_then(|day| day.pred_opt())
            .ok_or(TOO_FAR)?,
        ),
    };
    if let Some(last) = last_day {
        if last < first_day {
            return Err(format!("it ends on {last}, before its first date {first_day}"));
        }
        let end = last
            .succ_opt()
            .map(|d| day_start(d, tz))
            .and_then(|s| s.checked_sub_signed(TimeDelta::seconds(1)));
        rule.until = Some(end.ok_or(TOO_FAR)?);
    }
    let rule = Recurrence {
        phrase: phrase.to_owned(),
        rrule: rule.to_string(),
        from_completion: plan.from_completion,
    };
    Ok(ParsedRecurrence { rule, first })
}
