//! A rule put into words ("every 2 weeks on Monday and Friday at 09:00"), for `describe`.

use std::fmt::Write as _;

use chrono::{TimeDelta, Timelike, Weekday};

use super::{Freq, Rule, WEEKDAYS, WEEKEND};
use crate::dates::MONTH_NAMES;

impl Rule {
    /// The rule in words; see [`super::describe`].
    pub(in crate::dates) fn describe(&self, from_completion: bool) -> String {
        let mut text = self.schedule_words();
        if let Some(time) = self.time {
            let format = if time.second() == 0 { "%H:%M" } else { "%H:%M:%S" };
            let _ = write!(text, " at {}", time.format(format));
        }
        if from_completion {
            text.push_str(" (from completion)");
        }
        if let Some(until) = self.until {
            let local = until.checked_sub_signed(TimeDelta::hours(10)).unwrap_or(until);
            let _ = write!(text, " until {}", local.date_naive());
        }
        text
    }

    fn schedule_words(&self) -> String {
        let n = self.interval;
        let only_days = self.months.is_empty() && self.month_days.is_empty();
        let single_date = match (self.months.as_slice(), self.month_days.as_slice()) {
            ([m], [d]) if *d > 0 && self.days.is_empty() => {
                MONTH_NAMES.get(m.wrapping_sub(1) as usize).map(|name| format!("{name} {d}"))
            }
            _ => None,
        };
        match (self.freq, n) {
            (Freq::Weekly, 1) if only_days && self.days == WEEKDAYS => {
                return "every weekday".to_owned();
            }
            (Freq::Weekly, 1) if only_days && self.days == WEEKEND => {
                return "every weekend".to_owned();
            }
            (Freq::Weekly, 1) if only_days && !self.days.is_empty() => {
                return format!("every {}", weekday_names(&self.days));
            }
            (Freq::Monthly, 1)
                if self.month_days == [-1] && self.days.is_empty() && self.months.is_empty() =>
            {
                return "every last day of the month".to_owned();
            }
            (Freq::Yearly, 1) if single_date.is_some() => {
                return format!("every {}", single_date.unwrap_or_default());
            }
            (Freq::Yearly, _) if single_date.is_some() => {
                return format!("every {n} years on {}", single_date.unwrap_or_default());
            }
            _ => {}
        }
        let unit = match self.freq {
            Freq::Daily => "day",
            Freq::Weekly => "week",
            Freq::Monthly => "month",
            Freq::Yearly => "year",
        };
        let mut text = if n == 1 { format!("every {unit}") } else { format!("every {n} {unit}s") };
        if !self.months.is_empty() {
            let names: Vec<String> = self
                .months
                .iter()
                .filter_map(|m| MONTH_NAMES.get(m.wrapping_sub(1) as usize))
                .map(|s| (*s).to_owned())
                .collect();
            let _ = write!(text, " in {}", and_list(&names));
        }
        if !self.month_days.is_empty() {
            let days: Vec<String> = self
                .month_days
                .iter()
                .map(|d| match d {
                    -1 => "the last day".to_owned(),
                    d if *d < 0 => format!("day {} from the end", -d),
                    d => format!("day {d}"),
                })
                .collect();
            let _ = write!(text, " on {}", and_list(&days));
        }
        if !self.days.is_empty() {
            let _ = write!(text, " on {}", weekday_names(&self.days));
        }
        text
    }
}

fn weekday_names(days: &[Weekday]) -> String {
    const NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let names: Vec<String> = days
        .iter()
        .filter_map(|d| NAMES.get(d.num_days_from_monday() as usize))
        .map(|s| (*s).to_owned())
        .collect();
    and_list(&names)
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
