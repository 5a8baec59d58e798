//! The RRULE subset this module writes (FREQ DAILY/WEEKLY/MONTHLY/YEARLY, INTERVAL, BYMONTH,
//! BYMONTHDAY, plain BYDAY, one BYHOUR/BYMINUTE/BYSECOND, UNTIL): reading, writing, evaluating
//! and putting into words, plus the `rrule` crate as a fallback for any other stored rule.
//!
//! Occurrences are computed on calendar dates, so all-day rules never depend on midnight
//! existing in the zone and timed ones keep their wall-clock time across DST. As RFC 5545 says,
//! a BYMONTHDAY a month lacks is skipped: "every 31st" has no date in April.

use std::fmt;

use chrono::{
    DateTime, Datelike, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

mod words;

use super::{
    Due, Recurrence, day_start, digits, due_start_utc, in_range, last_of_month, local_date, local_time,
    local_to_utc,
};

/// Most days the interpreter inspects looking for one occurrence (~270 years).
const SEARCH_DAYS: u32 = 100_000;
/// Monday to Friday.
pub(super) const WEEKDAYS: [Weekday; 5] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
/// Saturday and Sunday.
pub(super) const WEEKEND: [Weekday; 2] = [Weekday::Sat, Weekday::Sun];

/// Each comma-separated item of an RRULE part, or `None` if any is not understood.
fn list<T>(value: &str, item: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    value.split(',').map(item).collect()
}

/// How often the rule repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// The subset of RRULE this module writes and evaluates itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Rule {
    pub(super) freq: Freq,
    pub(super) interval: u32,
    pub(super) months: Vec<u32>,
    /// 1..=31, or -1 for the last day, -2 for the one before…
    pub(super) month_days: Vec<i32>,
    pub(super) days: Vec<Weekday>,
    pub(super) time: Option<NaiveTime>,
    pub(super) until: Option<DateTime<Utc>>,
}

/// A lower bound for the next occurrence: after this instant, or after this whole day.
#[derive(Debug, Clone, Copy)]
pub(super) enum After {
    Day(NaiveDate),
    Instant(DateTime<Utc>),
}

impl From<Due> for After {
    fn from(due: Due) -> Self {
        match due {
            Due::At(at) => Self::Instant(at),
            Due::Day(day) => Self::Day(day),
        }
    }
}

const CODES: [(&str, Weekday); 7] = [
    ("MO", Weekday::Mon),
    ("TU", Weekday::Tue),
    ("WE", Weekday::Wed),
    ("TH", Weekday::Thu),
    ("FR", Weekday::Fri),
    ("SA", Weekday::Sat),
    ("SU", Weekday::Sun),
];

impl fmt::Display for Rule {
    /// The RRULE value, parts in a fixed order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let freq = match self.freq {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
            Freq::Yearly => "YEARLY",
        };
        write!(f, "FREQ={freq}")?;
        if self.interval > 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        let join = |items: Vec<String>| items.join(",");
        if !self.months.is_empty() {
            write!(f, ";BYMONTH={}", join(self.months.iter().map(u32::to_string).collect()))?;
        }
        if !self.month_days.is_empty() {
            write!(f, ";BYMONTHDAY={}", join(self.month_days.iter().map(i32::to_string).collect()))?;
        }
        if !self.days.is_empty() {
            let codes = self.days.iter().filter_map(|d| CODES.iter().find(|(_, w)| w == d));
            write!(f, ";BYDAY={}", join(codes.map(|(code, _)| (*code).to_owned()).collect()))?;
        }
        if let Some(t) = self.time {
            write!(f, ";BYHOUR={};BYMINUTE={};BYSECOND={}", t.hour(), t.minute(), t.second())?;
        }
        if let Some(until) = self.until {
            write!(f, ";UNTIL={}", until.format("%Y%m%dT%H%M%SZ"))?;
        }
        Ok(())
    }
}

impl Rule {
    /// Reads an RRULE value; `None` if it uses anything outside the subset.
    pub(super) fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.strip_prefix("RRULE:").unwrap_or(text);
        let (mut freq, mut interval, mut until) = (None, 1, None);
        let (mut months, mut month_days, mut days) = (Vec::new(), Vec::new(), Vec::new());
        let (mut hour, mut minute, mut second) = (None, None, None);
        let below = |limit: u32| move |v: &str| digits(v).filter(|n| *n < limit);
        for part in text.split(';') {
            let (key, value) = part.split_once('=')?;
            match key.to_ascii_uppercase().as_str() {
                "FREQ" => {
                    freq = Some(match value.to_ascii_uppercase().as_str() {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        "YEARLY" => Freq::Yearly,
                        _ => return None,
                    })
                }
                "INTERVAL" => interval = digits(value).filter(|n| *n >= 1)?,
                "BYMONTH" => months = list(value, |v| digits(v).filter(|m| (1..=12).contains(m)))?,
                "BYMONTHDAY" => {
                    month_days = list(value, |v| {
                        v.parse().ok().filter(|d: &i32| (1..=31).contains(&d.unsigned_abs()))
                    })?;
                }
                "BYDAY" => {
                    days = list(value, |v| {
                        CODES.iter().find(|(c, _)| c.eq_ignore_ascii_case(v)).map(|(_, w)| *w)
                    })?
                }
                "BYHOUR" => hour = Some(below(24)(value)?),
                "BYMINUTE" => minute = Some(below(60)(value)?),
                "BYSECOND" => second = Some(below(60)(value)?),
                "UNTIL" => {
                    until = Some(NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%SZ").ok()?.and_utc())
                }
                "WKST" if value.eq_ignore_ascii_case("MO") => {}
                _ => return None,
            }
        }
        let time = match (hour, minute, second) {
            (None, None, None) => None,
            (Some(h), Some(m), s) => Some(NaiveTime::from_hms_opt(h, m, s.unwrap_or(0))?),
            _ => return None,
        };
        Some(Self { freq: freq?, interval, months, month_days, days, time, until })
    }

    pub(super) fn pinned(&self) -> bool {
        !(self.months.is_empty() && self.month_days.is_empty() && self.days.is_empty())
    }

    /// Index of the day/week/month/year containing `day` (weeks start on Monday).
    fn period(&self, day: NaiveDate) -> i64 {
        let ordinal = i64::from(day.num_days_from_ce());
        match self.freq {
            Freq::Daily => ordinal,
            Freq::Weekly => (ordinal - i64::from(day.weekday().num_days_from_monday())).div_euclid(7),
            Freq::Monthly => i64::from(day.year()) * 12 + i64::from(day.month0()),
            Freq::Yearly => i64::from(day.year()),
        }
    }

    fn period_start(&self, index: i64) -> Option<NaiveDate> {
        match self.freq {
            Freq::Daily => NaiveDate::from_num_days_from_ce_opt(i32::try_from(index).ok()?),
            Freq::Weekly => NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(index.checked_mul(7)?.checked_add(1)?).ok()?,
            ),
            Freq::Monthly => NaiveDate::from_ymd_opt(
                i32::try_from(index.div_euclid(12)).ok()?,
                u32::try_from(index.rem_euclid(12)).ok()? + 1,
                1,
            ),
            Freq::Yearly => NaiveDate::from_ymd_opt(i32::try_from(index).ok()?, 1, 1),
        }
    }

    /// Whether `day` satisfies the BY parts (RFC 5545 defaults come from `anchor`, the DTSTART).
    fn matches(&self, anchor: NaiveDate, day: NaiveDate) -> bool {
        if !self.months.is_empty() && !self.months.contains(&day.month()) {
            return false;
        }
        let weekday_ok = self.days.contains(&day.weekday());
        if !self.month_days.is_empty() {
            let length = last_of_month(day).map_or(31, |last| last.day());
            let number = i32::try_from(day.day()).unwrap_or(0);
            let from_end = number - i32::try_from(length).unwrap_or(31) - 1;
            let day_ok = self.month_days.iter().any(|&d| d == number || d == from_end);
            return day_ok && (self.days.is_empty() || weekday_ok);
        }
        if !self.days.is_empty() {
            return weekday_ok;
        }
        match self.freq {
            Freq::Daily => true,
            Freq::Weekly => day.weekday() == anchor.weekday(),
            Freq::Monthly => day.day() == anchor.day(),
            Freq::Yearly => {
                day.day() == anchor.day() && (!self.months.is_empty() || day.month() == anchor.month())
            }
        }
    }

    /// The first date on or after `from` that the rule produces, counting intervals from `anchor`.
    fn next_date(&self, anchor: NaiveDate, from: NaiveDate) -> Option<NaiveDate> {
        let from = from.max(anchor);
        let step = i64::from(self.interval.max(1));
        let mut index = self.period(from);
        index += (step - (index - self.period(anchor)).rem_euclid(step)) % step;
        let mut budget = SEARCH_DAYS;
        while budget > 0 {
            let end = self.period_start(index.checked_add(1)?)?;
            let mut day = self.period_start(index)?.max(from);
            while day < end && budget > 0 {
                if self.matches(anchor, day) {
                    return in_range(day).ok();
                }
                day = day.succ_opt()?;
                budget -= 1;
            }
            index = index.checked_add(step)?;
            budget = budget.saturating_sub(1);
        }
        None
    }

    pub(super) fn due_on(&self, day: NaiveDate, tz: Tz) -> Due {
        match self.time {
            Some(time) => Due::At(local_to_utc(day.and_time(time), tz)),
            None => Due::Day(day),
        }
    }

    pub(super) fn within_until(&self, due: Due, tz: Tz) -> bool {
        self.until.is_none_or(|until| due_start_utc(due, tz) <= until)
    }

    /// The first occurrence strictly after every bound in `after` (a `Day` bound excludes that
    /// whole day), or `None` if there is none before UNTIL.
    pub(super) fn first_after(&self, anchor: NaiveDate, after: &[After], tz: Tz) -> Option<Due> {
        let due = match self.time {
            None => {
                let last = after.iter().map(|bound| match *bound {
                    After::Day(day) => day,
                    After::Instant(at) => local_date(at, tz),
                });
                Due::Day(self.next_date(anchor, last.max()?.succ_opt()?)?)
            }
            Some(time) => {
                let last = after.iter().map(|bound| match *bound {
                    After::Day(day) => {
                        day_start(day.succ_opt()?, tz).checked_sub_signed(TimeDelta::nanoseconds(1))
                    }
                    After::Instant(at) => Some(at),
                });
                let last = last.collect::<Option<Vec<_>>>()?.into_iter().max()?;
                let mut from = local_date(last, tz);
                let mut found = None;
                for _ in 0..3 {
                    let day = self.next_date(anchor, from)?;
                    let at = local_to_utc(day.and_time(time), tz);
                    if at > last {
                        found = Some(Due::At(at));
                        break;
                    }
                    from = day.succ_opt()?;
                }
                found?
            }
        };
        self.within_until(due, tz).then_some(due)
    }

    /// `from` plus one interval; months clamp to the month's last day.
    pub(super) fn step(&self, from: NaiveDate) -> Option<NaiveDate> {
        let n = self.interval;
        match self.freq {
            Freq::Daily => from.checked_add_days(Days::new(u64::from(n))),
            Freq::Weekly => from.checked_add_days(Days::new(u64::from(n) * 7)),
            Freq::Monthly => from.checked_add_months(Months::new(n)),
            Freq::Yearly => from.checked_add_months(Months::new(n.checked_mul(12)?)),
        }
    }
}

/// Stored rules outside the subset: the `rrule` crate, with DTSTART at `current` (or `after`).
/// Only daily or longer frequencies are evaluated, and a DTSTART more than five years before
/// `after` moves up to `after`'s day (keeping its time), since the crate walks every period from
/// DTSTART; such rules then count their interval from there.
pub(super) fn fallback(
    rule: &Recurrence,
    current: Option<Due>,
    after: DateTime<Utc>,
    tz: Tz,
    n: usize,
) -> Vec<Due> {
    let upper = rule.rrule.to_ascii_uppercase();
    let daily_or_longer = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
        .iter()
        .any(|freq| upper.split([';', '\n']).any(|part| part.trim() == format!("FREQ={freq}")));
    let bound = local_time(after, tz);
    let start = match current {
        Some(Due::At(at)) => local_time(at, tz),
        Some(Due::Day(day)) => day.and_time(NaiveTime::MIN),
        None => bound,
    };
    let start = match bound.date().years_since(start.date()) {
        Some(years) if years >= 5 => bound.date().and_time(start.time()),
        _ => start,
    };
    if !daily_or_longer || in_range(start.date()).is_err() || in_range(bound.date()).is_err() {
        return Vec::new();
    }
    let timed = matches!(current, Some(Due::At(_))) || upper.contains("BYHOUR");
    let body = rule.rrule.trim();
    let body = body.strip_prefix("RRULE:").unwrap_or(body);
    let text = format!("DTSTART;TZID={}:{}\nRRULE:{body}", tz.name(), start.format("%Y%m%dT%H%M%S"));
    let Ok(set) = text.parse::<rrule::RRuleSet>() else {
        return Vec::new();
    };
    let limit = u16::try_from(n.saturating_add(1)).unwrap_or(u16::MAX);
    let dates = set.after(after.with_timezone(&rrule::Tz::Tz(tz))).all(limit).dates;
    let dates = dates.into_iter().map(|at| at.with_timezone(&Utc)).filter(|at| *at > after);
    dates.map(|at| if timed { Due::At(at) } else { Due::Day(local_date(at, tz)) }).take(n).collect()
}
