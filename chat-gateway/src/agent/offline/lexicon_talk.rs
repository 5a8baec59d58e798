//! The words of everyday talk, beside the command words of `lexicon`: how people point at a
//! task they were shown ("the second one", "doosra wala", "دوسرا والا", "that", "usay"),
//! how they say they need to do something without a command verb ("I have to …", "… jaana
//! hai", "… کرنا ہے"), and how they ask what is on their list. A declaration table, in the
//! same key form as `lexicon` (lower case, one spelling per Urdu letter).

/// Ordinal words and the position they name (1-based; 0 is "the last one").
pub(super) const ORDINALS: &[(&str, usize)] = &[
    ("first", 1), ("1st", 1), ("second", 2), ("2nd", 2), ("third", 3), ("3rd", 3), ("fourth", 4),
    ("4th", 4), ("fifth", 5), ("5th", 5), ("sixth", 6), ("6th", 6), ("seventh", 7), ("7th", 7),
    ("eighth", 8), ("8th", 8), ("ninth", 9), ("9th", 9), ("tenth", 10), ("10th", 10), ("last", 0),
    ("final", 0), ("bottom", 0), ("top", 1),
    ("pehla", 1), ("pehli", 1), ("pehle", 1), ("pehlay", 1), ("pahla", 1), ("pahli", 1),
    ("doosra", 2), ("dusra", 2), ("doosri", 2), ("dusri", 2), ("doosre", 2), ("dusre", 2), ("doosray", 2),
    ("teesra", 3), ("tisra", 3), ("teesri", 3), ("tisri", 3), ("teesre", 3), ("tisre", 3),
    ("chautha", 4), ("chotha", 4), ("chauthi", 4), ("chothi", 4), ("chauthe", 4),
    ("paanchwan", 5), ("panchwan", 5), ("paanchvan", 5), ("paanchwi", 5), ("panchvi", 5), ("paanchwen", 5),
    ("chhata", 6), ("chata", 6), ("chhati", 6), ("satwan", 7), ("satvan", 7),
    ("aakhri", 0), ("akhri", 0), ("aakhari", 0), ("akhiri", 0),
    ("پہلا", 1), ("پہلی", 1), ("پہلے", 1), ("دوسرا", 2), ("دوسری", 2), ("دوسرے", 2), ("تیسرا", 3),
    ("تیسری", 3), ("تیسرے", 3), ("چوتھا", 4), ("چوتھی", 4), ("چوتھے", 4), ("پانچواں", 5), ("پانچویں", 5),
    ("پانچوا", 5), ("چھٹا", 6), ("چھٹی", 6), ("ساتواں", 7), ("ساتویں", 7), ("آخری", 0),
];

/// Ordinals that are also everyday words ("pehle" is "before", "first thing", "last week"):
/// they point at a row only next to a [`REF_NOUNS`] word or after "the".
pub(super) const WEAK_ORDINALS: &[&str] =
    &["pehle", "pehlay", "پہلے", "last", "first", "top", "bottom", "final", "aakhri", "akhri", "آخری"];

/// Words that follow a position or pronoun and mean "item" ("the second one", "doosra wala").
pub(super) const REF_NOUNS: &[&str] = &[
    "one", "ones", "item", "task", "todo", "entry", "wala", "wali", "wale", "waala", "waali", "waale",
    "kaam", "task", "والا", "والی", "والے", "کام", "ٹاسک",
];

/// Words that point at the task just shown ("delete that", "mark it done", "usay hata do").
pub(super) const PRONOUNS: &[&str] = &[
    "that", "it", "this", "that one", "this one", "the one", "wo", "woh", "wo wala", "woh wala", "ye wala",
    "yeh wala", "usay", "usey", "ise", "isay", "isey", "ussay", "وہ", "اسے", "یہ والا", "وہ والا",
    "اس کو", "اُسے", "اسکو",
];

/// Words around a title reference that are not the title ("I finished the milk", "doodh wala
/// kaam ho gaya", "دودھ والا کام مکمل کریں").
pub(super) const REF_FILLER: &[&str] = &[
    "i", "i've", "ive", "i'm", "im", "we", "the", "my", "a", "an", "that", "this", "task", "tasks", "todo",
    "item", "one", "with", "already", "just", "finally", "have", "has", "had", "am", "is", "was", "are",
    "please", "pls", "plz", "now", "also", "too", "for", "about", "called", "named", "of", "off", "as",
    "mark", "set", "to", "on", "yes", "ok", "okay", "so", "got", "get", "gotten", "be", "been", "can",
    "you", "could", "would", "will", "should", "me", "done", "maine", "mene", "main", "mein", "ne", "ko",
    "wala", "wali", "wale", "waala", "kaam", "task", "ka", "ki", "ke", "bhi", "abhi", "to", "toh", "hai",
    "tha", "thi", "ho", "gaya", "gayi", "gaye", "chuka", "chuki", "liya", "li", "diya", "di", "de", "do",
    "dein", "karo", "kar", "kro", "karen", "karein", "mera", "meri", "mere", "wo", "yeh", "ye", "جی",
    "میں", "نے", "کو", "والا", "والی", "والے", "کام", "کا", "کی", "کے", "بھی", "ابھی", "تو", "ہے", "تھا",
    "ہو", "گیا", "گئی", "گئے", "چکا", "لیا", "دیا", "دیں", "کریں", "کرو", "کر", "میرا", "میری", "میرے",
    "وہ", "یہ", "اب", "آپ", "براہ", "کرم", "ذرا", "zara", "yaar", "bhai", "ji", "جی",
];

/// Words that make a message a question about the list ("what's on my plate", "kya karna hai",
/// "کیا کام ہیں").
pub(super) const QUESTION: &[&str] = &[
    "what", "what's", "whats", "which", "anything", "any", "how many", "do i have", "is there",
    "are there", "have i got", "kya", "kia", "kaunse", "kaun se", "konsa", "konse", "kon se", "kitne",
    "kitna", "کیا", "کونسے", "کون سے", "کون سا", "کتنے", "کتنا",
];

/// Words that tie a question to tasks (so "what is the weather" is not a listing).
pub(super) const QUESTION_TOPIC: &[&str] = &[
    "plate", "agenda", "schedule", "todo", "to do", "to-do", "list", "do", "due", "left", "pending", "planned",
    "lined up", "up", "going on", "happening", "karna", "karni", "karne", "kerna", "baqi", "baaqi", "plan",
    "کرنا", "کرنی", "کرنے", "باقی", "منصوبہ", "finish", "complete", "completed", "finished", "done", "did",
    "mukammal", "kiya", "kiye", "مکمل", "کیے",
];

/// How a question asks what was completed ("what did I complete", "maine kya kiya", "میں نے
/// کیا مکمل کیا").
pub(super) const PAST_DONE: &[&str] = &[
    "did i complete", "did i finish", "did i do", "did i get done", "have i completed", "have i finished",
    "have i done", "i completed", "i finished", "i've completed", "i've finished", "i got done",
    "did i knock out", "got done", "completed", "finished", "done", "maine", "mene", "kiya", "kiye",
    "mukammal kiye", "mukammal kiya", "mukammal hue", "mukammal huay", "ho gaye", "ho chuke", "میں نے",
    "مکمل کیے", "مکمل کیا", "مکمل ہوئے", "ہو گئے", "ہو چکے",
];

/// How a statement of need opens ("I need to call mom", "have to submit the report").
pub(super) const NEED_OPENERS: &[&str] = &[
    "i need to", "need to", "i have to", "have to", "i've got to", "ive got to", "i got to", "got to",
    "gotta", "i gotta", "i must", "must", "i should", "should", "i'm supposed to", "im supposed to",
    "supposed to", "i want to", "want to", "i'd like to", "i will", "i'll", "i have got to", "we need to",
    "we have to", "don't forget to", "dont forget to", "do not forget to", "remember to", "don't let me forget to",
    "i'll have to", "i am going to", "i'm going to", "im going to", "going to", "i plan to", "plan to",
    "i still need to", "still need to", "i also need to", "also need to",
];

/// How a Roman Urdu or Urdu statement of need ends ("… jaana hai", "… karna hoga", "… کرنا ہے").
pub(super) const NEED_ENDINGS: &[&str] = &[
    "hai", "hain", "he", "hy", "hay", "hoga", "hogi", "honge", "padega", "padegi", "parega", "paregi",
    "parna", "chahiye", "ہے", "ہیں", "ہوگا", "ہوگی", "ہو گا", "ہو گی", "پڑے گا", "پڑے گی", "چاہیے",
];

/// Roman Urdu and Urdu words of a need that go before its ending but are not the title.
pub(super) const NEED_TAIL_WORDS: &[&str] =
    &["zaroor", "zarur", "لازمی", "ضرور", "bhi", "بھی", "mujhe", "مجھے", "hai", "ہے"];


/// A question about a subject searches ("anything about the dentist?", "bank ke bare mein kya hai").
pub(super) const ABOUT: &[&str] = &[
    "about", "regarding", "related to", "ke bare mein", "ke baare mein", "ke bare main", "ke baare main",
    "mutaliq", "کے بارے میں", "متعلق",
];

/// "Both" of a two-task list.
pub(super) const BOTH: &[&str] = &["both", "both of them", "dono", "donon", "dono ko", "donon ko", "دونوں", "دونوں کو"];

/// Every task of the list shown ("all of them", "un sab ko", "ان سب کو"); not "all tasks",
/// which is a list filter.
pub(super) const ALL_OF_THEM: &[&str] = &[
    "all of them", "them all", "all these", "all those", "all of these", "all of those", "un sab ko",
    "in sab ko", "un sab", "in sab", "un sabko", "in sabko", "ان سب کو", "ان سب", "ان تمام", "ان سبھی",
];

/// English past tenses that report a task done without a completion verb ("I called mom",
/// "the electricity bill is paid"); read only against the latest list, never searched.
pub(super) const DID: &[&str] = &[
    "paid", "bought", "sent", "went", "did", "made", "took", "got", "wrote", "read", "met", "sorted",
    "handled", "fixed", "called", "emailed", "booked", "picked", "returned", "submitted", "cleaned",
    "washed", "renewed", "posted", "ordered", "collected", "dropped", "visited", "replied", "filed",
];
