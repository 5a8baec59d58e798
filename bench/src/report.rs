//! How the tools write results: errors clipped and counted by kind, sizes in MiB, a target
//! met or not.

use std::collections::HashMap;

/// How many times each kind of error happened.
pub type ErrorCounts = HashMap<String, usize>;

/// Adds `more` into `into`.
pub fn merge_errors(into: &mut ErrorCounts, more: ErrorCounts) {
    for (kind, n) in more {
        *into.entry(kind).or_default() += n;
    }
}

/// Prints the ten most frequent errors, most frequent first.
pub fn print_errors(errors: &ErrorCounts) {
    let mut errors: Vec<_> = errors.iter().collect();
    errors.sort_by(|a, b| b.1.cmp(a.1));
    for (kind, n) in errors.iter().take(10) {
        println!("    {n:>8} x {kind}");
    }
}

/// `s` cut to `max` characters, with `…` where it was cut.
#[must_use]
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// KiB as `12.3 MiB`.
#[must_use]
pub fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

/// `MET` or `NOT MET`.
#[must_use]
pub fn verdict(met: bool) -> &'static str {
    if met { "MET" } else { "NOT MET" }
}
