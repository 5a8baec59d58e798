//! Which language a message is in: Urdu script, Roman Urdu (marker words) or English.

use super::Lang;
use super::tokens::tokenize;

/// Words that mark a Latin-script message as Roman Urdu. None of them is an English word a
/// user would type in a to-do ("do", "me", "hi", "peer" are left out on purpose).
#[rustfmt::skip] // a word table reads best packed
const ROMAN_URDU_MARKERS: &[&str] = &[
    "mujhe", "mujhay", "mjhe", "mera", "meri", "mere", "meray", "kal", "aaj", "parson", "parso", "karo",
    "kro", "kardo", "krdo", "karna", "karni", "karen", "karein", "kya", "kia", "hai", "hain", "ko", "aur",
    "dikhao", "dikha", "batao", "btao", "banao", "hatao", "mukammal", "yaad", "dilao", "kaam", "naya", "nayi",
    "dhoondo", "dhundo", "talash", "khulasa", "shukriya", "shukria", "madad", "salam", "salaam", "assalam",
    "assalamualaikum", "aoa", "baje", "bajay", "shaam", "subah", "raat", "dopahar", "agle", "agla", "hafte",
    "roz", "rozana", "har", "ke", "ki", "ka", "liye", "lena", "wale", "wala", "gaya", "gya", "hogaya", "tak",
    "sab", "nahi", "zaroori", "fori", "mein", "jumma", "mangal", "itwaar", "jumeraat", "chahiye", "wapas",
    "dobara", "naam", "rakho", "tareekh", "ghante", "dohrane", "shamil", "khatam", "dihani", "pehle",
    "pehlay", "baad", "ghanta", "parsoon", "subha", "hata", "hatado", "wali", "doosra", "dusra", "doosri",
    "pehla", "pehli", "teesra", "teesri", "jaana", "jana", "lena", "leni", "dena", "krna", "karwana",
    "hoga", "hogi", "talaash", "likh", "usay", "isay", "nipta", "chuka", "chuki", "gayi", "hogayi", "kahan",
    "parega", "padega", "kaunse", "konsa", "kitne", "bare", "baare", "woh", "yeh", "dila", "dilana", "nikal", "nikalo", "nikaal", "liya", "diya", "diye",
];

/// Whether `c` is a letter of the Arabic script (which Urdu is written in).
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
        && c.is_alphabetic()
}

/// Detects the language: Arabic-script letters → Urdu; Roman Urdu marker words (mujhe, kal,
/// karo, kya, hai, mera, ko, aur, dikhao, batao, banao, hatao, mukammal, yaad …) → `RomanUrdu`;
/// else English.
#[must_use]
pub fn detect_lang(text: &str) -> Lang {
    if text.chars().any(is_arabic_letter) {
        return Lang::Urdu;
    }
    let roman_urdu = tokenize(text).iter().any(|t| ROMAN_URDU_MARKERS.contains(&t.key.as_str()));
    if roman_urdu { Lang::RomanUrdu } else { Lang::English }
}
