//! Tasks read from attached text files, for the offline agent: one task per non-empty line
//! of a text file (list bullets, numbers and check boxes dropped), one per CSV row (the
//! `title`/`task`/`name`/`summary` column, else the first; a `due`/`date` column as the due
//! date), one per iCalendar `VEVENT` or `VTODO` (`SUMMARY` as the title, `DTSTART` or `DUE`
//! as the due time, in the user's zone when given in UTC). Pure: the caller loads the bytes.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::{Map, Value, json};

/// The longest title kept (the tool's own limit).
const MAX_TITLE_CHARS: usize = 500;

/// Which reader a file gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One task per line.
    Lines,
    /// One task per row.
    Csv,
    /// One task per event.
    Calendar,
}

/// The new tasks (`add_task`'s `tasks` entries) `text` holds; `tz` is the user's IANA zone,
/// for calendar times given in UTC.
pub fn tasks_in(kind: TextKind, text: &str, tz: Option<&str>) -> Vec<Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match kind {
        TextKind::Lines => text.lines().filter_map(line_title).map(|t| json!({"title": t})).collect(),
        TextKind::Csv => csv_tasks(text),
        TextKind::Calendar => calendar_tasks(text, tz),
    }
}

/// A line as a task title: list markers dropped; None when nothing is left.
fn line_title(line: &str) -> Option<String> {
    let mut rest = line.trim();
    for marker in ["- [ ]", "- [x]", "* [ ]", "[ ]", "[x]", "-", "*", "•", "+"] {
        if let Some(r) = rest.strip_prefix(marker) {
            rest = r.trim_start();
            break;
        }
    }
    // "1." or "2)" numbering.
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits < 4 && rest[digits..].starts_with(['.', ')']) {
        rest = rest[digits + 1..].trim_start();
    }
    title(rest)
}

fn title(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(MAX_TITLE_CHARS).collect())
}

fn csv_tasks(text: &str) -> Vec<Value> {
    let rows = csv_rows(text);
    let Some(first) = rows.first() else { return vec![] };
    let column =
        |names: &[&str]| first.iter().position(|h| names.contains(&h.trim().to_lowercase().as_str()));
    let title_column = column(&["title", "task", "name", "summary", "todo", "item"]);
    let due_column = column(&["due", "date", "due date", "due_date", "deadline", "when"]);
    let (body, title_at) = match title_column {
        Some(at) => (&rows[1..], at),
        None => (&rows[..], 0),
    };
    body.iter()
        .filter_map(|row| {
            let title = title(row.get(title_at)?)?;
            let mut task = Map::new();
            task.insert("title".into(), json!(title));
            if let Some(due) =
                due_column.and_then(|at| row.get(at)).map(|d| d.trim()).filter(|d| !d.is_empty())
            {
                task.insert("due".into(), json!(due));
            }
            Some(Value::Object(task))
        })
        .collect()
}

/// RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r: &Vec<String>| r.iter().any(|f| !f.trim().is_empty()));
    rows
}

fn calendar_tasks(text: &str, tz: Option<&str>) -> Vec<Value> {
    // Unfold: a line starting with a space or tab continues the one before.
    let mut lines: Vec<String> = Vec::new();
    for line in text.lines() {
        match (line.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(line.to_owned()),
        }
    }
    let mut tasks = Vec::new();
    let mut current: Option<(Option<String>, Option<String>)> = None;
    for line in &lines {
        let Some((head, value)) = line.split_once(':') else { continue };
        let name = head.split(';').next().unwrap_or_default().to_ascii_uppercase();
        match (name.as_str(), value.trim()) {
            ("BEGIN", "VEVENT" | "VTODO") => current = Some((None, None)),
            ("END", "VEVENT" | "VTODO") => {
                if let Some((Some(summary), due)) = current.take() {
                    let mut task = Map::new();
                    task.insert("title".into(), json!(summary));
                    if let Some(due) = due {
                        task.insert("due".into(), json!(due));
                    }
                    tasks.push(Value::Object(task));
                }
            }
            ("SUMMARY", value) => {
                if let Some(event) = &mut current {
                    event.0 = title(&unescape(value));
                }
            }
            ("DTSTART" | "DUE", value) => {
                if let Some(event) = &mut current
                    && event.1.is_none()
                {
                    event.1 = ics_instant(value, tz);
                }
            }
            _ => {}
        }
    }
    tasks
}

/// iCalendar text escapes (`\,` `\;` `\n` `\\`).
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push(' '),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// `20261205` → `2026-12-05`; `20261205T170000` → `2026-12-05T17:00`; a UTC time (`…Z`) in
/// the user's zone when it is known. Times with a `TZID` are read as the user's wall clock.
fn ics_instant(value: &str, tz: Option<&str>) -> Option<String> {
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y%m%d") {
        return Some(date.format("%Y-%m-%d").to_string());
    }
    let (local, utc) = match value.strip_suffix('Z') {
        Some(v) => (v, true),
        None => (value, false),
    };
    let time = NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S").ok()?;
    let zone = tz.and_then(|z| z.parse::<chrono_tz::Tz>().ok());
    let shown = match (utc, zone) {
        (true, Some(zone)) => Utc.from_utc_datetime(&time).with_timezone(&zone).naive_local(),
        _ => time,
    };
    Some(shown.format("%Y-%m-%dT%H:%M").to_string())
}

#[cfg(test)]
mod tests {
    use super::{TextKind, tasks_in};
    use serde_json::json;

    #[test]
    fn each_kind_of_file_reads_into_the_tasks_it_lists() {
        let cases = [
            (
                TextKind::Lines,
                "buy milk\n\n- call mom\n2. pay rent\n  [ ] دودھ لینا  \n",
                None,
                json!([{"title": "buy milk"}, {"title": "call mom"}, {"title": "pay rent"}, {"title": "دودھ لینا"}]),
            ),
            (
                TextKind::Csv,
                "Title,Due\nbuy milk,tomorrow\n\"call mom, dad\",\n",
                None,
                json!([{"title": "buy milk", "due": "tomorrow"}, {"title": "call mom, dad"}]),
            ),
            (
                TextKind::Csv,
                "buy milk,x\npay rent,y\n",
                None,
                json!([{"title": "buy milk"}, {"title": "pay rent"}]),
            ),
            (
                TextKind::Calendar,
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Dentist\\, Dr A\r\nDTSTART:20261205T090000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261224\r\nSUMMARY:Long\r\n  title\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                Some("Asia/Karachi"),
                json!([{"title": "Dentist, Dr A", "due": "2026-12-05T14:00"}, {"title": "Long title", "due": "2026-12-24"}]),
            ),
        ];
        for (kind, text, tz, expected) in cases {
            assert_eq!(json!(tasks_in(kind, text, tz)), expected, "{kind:?} {text:?}");
        }
    }
}
