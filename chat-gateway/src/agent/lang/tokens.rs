//! Words of a message: tokens with a display form and a match key, phrase look-ups over
//! keys, and the raw words joined back into a title or query.

/// One word of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// As written, minus invisible bidi / zero-width marks and control characters: what titles
    /// and queries keep.
    pub(crate) raw: String,
    /// What matching uses: lower case, ASCII digits, one spelling per Urdu letter, no
    /// diacritics, no punctuation at either edge (a leading `#` stays; `!!` stays as is).
    pub(crate) key: String,
}

/// Splits a message on whitespace into tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    text.split_whitespace()
        .filter_map(|word| {
            let raw: String = word.chars().filter(|c| !is_invisible(*c) && !c.is_control()).collect();
            (!raw.is_empty()).then(|| Token { key: key_of(&raw), raw })
        })
        .collect()
}

/// See [`Token::key`].
fn key_of(raw: &str) -> String {
    let folded: String = raw.chars().filter_map(fold).flat_map(char::to_lowercase).collect();
    if folded.chars().all(|c| c == '!') {
        return folded;
    }
    let start = folded.trim_start_matches(|c: char| is_punct(c) && c != '#');
    start.trim_end_matches(is_punct).to_owned()
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || matches!(c, '…' | '–' | '—' | '•')
}

/// Zero-width and bidi control characters (RTL/LTR marks, isolates, BOM, ZWJ/ZWNJ).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
        | '\u{061C}' | '\u{00AD}')
}

/// One character as matching sees it; `None` drops it.
fn fold(c: char) -> Option<char> {
    let digit = |zero: u32| char::from_digit(u32::from(c) - zero, 10);
    match c {
        '\u{06F0}'..='\u{06F9}' => digit(0x06F0),
        '\u{0660}'..='\u{0669}' => digit(0x0660),
        'ي' | 'ى' => Some('ی'),
        'ك' => Some('ک'),
        'ه' | 'ۀ' => Some('ہ'),
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => None,
        '،' => Some(','),
        '؛' => Some(';'),
        '؟' => Some('?'),
        '۔' => Some('.'),
        '‘' | '’' | '`' | '´' => Some('\''),
        '“' | '”' | '«' | '»' => Some('"'),
        c if is_invisible(c) => None,
        c => Some(c),
    }
}

/// Whether `phrase` (space-separated keys) occurs in `keys` starting at `at`; its length if so.
pub(crate) fn phrase_at(keys: &[&str], at: usize, phrase: &str) -> Option<usize> {
    let rest = keys.get(at..)?;
    let mut len = 0;
    for word in phrase.split(' ') {
        if rest.get(len) != Some(&word) {
            return None;
        }
        len += 1;
    }
    Some(len)
}

/// The first place any of `phrases` occurs: (start, length).
pub(crate) fn find_any(keys: &[&str], phrases: &[&str]) -> Option<(usize, usize)> {
    (0..keys.len()).find_map(|at| phrases.iter().find_map(|p| phrase_at(keys, at, p).map(|len| (at, len))))
}

/// Whether any of `phrases` occurs in `keys`.
pub(crate) fn has_any(keys: &[&str], phrases: &[&str]) -> bool {
    find_any(keys, phrases).is_some()
}

/// The longest of `phrases` that `keys` starts with; its length.
pub(crate) fn prefix_len(keys: &[&str], phrases: &[&str]) -> Option<usize> {
    phrases.iter().filter_map(|p| phrase_at(keys, 0, p)).max()
}

/// The longest of `phrases` that `keys` ends with; its length.
pub(crate) fn suffix_len(keys: &[&str], phrases: &[&str]) -> Option<usize> {
    phrases
        .iter()
        .filter_map(|p| {
            let len = p.split(' ').count();
            let start = keys.len().checked_sub(len)?;
            phrase_at(keys, start, p)
        })
        .max()
}

/// Joins the raw words into a title or query, without punctuation or quotes at either end.
pub(crate) fn join_raw<'a>(words: impl IntoIterator<Item = &'a Token>) -> String {
    let joined = words.into_iter().map(|t| t.raw.as_str()).collect::<Vec<_>>().join(" ");
    joined
        .trim_matches(|c: char| {
            c.is_whitespace()
                || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '-' | '–' | '—' | '…' | '"' | '\'')
                || matches!(c, '،' | '۔' | '؟' | '؛' | '“' | '”' | '‘' | '’' | '«' | '»')
        })
        .to_owned()
}
