//! The command words: every English, Roman Urdu and Urdu word or phrase that tells the
//! offline parser which command a message is and what its arguments are. A declaration
//! table. Date, priority and number words are the language's (`lang::dates::words`,
//! `lang::priority`, `lang::numbers`).
//!
//! Entries are match keys (see `lang::words::Token::key`): lower case, ASCII digits, one
//! spelling per Urdu letter. A multi-word entry is a phrase of space-separated keys.

/// Greetings that open a conversation; the `salam` family is answered with its reply.
pub(super) const SALAM: &[&str] =
    &["salam", "salaam", "assalam", "asalam", "assalamualaikum", "aoa", "slam", "سلام", "السلام"];
/// Other greetings.
pub(super) const GREETINGS: &[&str] =
    &["hi", "hello", "hey", "hiya", "yo", "good", "morning", "evening", "afternoon", "aadab", "آداب"];
/// Thanks, in any of the three languages.
pub(super) const THANKS: &[&str] =
    &["thanks", "thank", "thx", "ty", "shukriya", "shukria", "shukriyah", "شکریہ", "meherbani", "مہربانی"];
/// Requests for help.
pub(super) const HELP: &[&str] =
    &["help", "madad", "مدد", "commands", "menu", "how", "kaise", "کیسے", "can", "sakte", "سکتے"];
/// Words that may accompany a greeting, thanks or help request without adding a command.
pub(super) const SOCIAL_FILLER: &[&str] = &[
    "there", "please", "plz", "pls", "bhai", "yaar", "ji", "jee", "o", "u", "alaikum", "alaykum", "aleikum",
    "walaikum", "wa", "so", "very", "much", "a", "lot", "you", "bot", "assistant", "buddy", "me", "i", "need",
    "what", "do", "use", "this", "it", "work", "does", "kya", "kar", "ho", "aap", "ap", "bohat", "bahut",
    "bohot", "chahiye", "علیکم", "وعلیکم", "بہت", "آپ", "کیا", "کر", "ہیں", "ہو", "جی", "چاہیے", "مجھے",
    "mujhe", "کی", "ki", "ok", "okay", "great", "cool", "theek", "acha", "achha", "ٹھیک", "اچھا", "ہے", "hai",
];

/// Leading politeness dropped before a command is read ("hi, show my tasks").
pub(super) const LEADING_FILLER: &[&str] = &[
    "please", "plz", "pls", "kindly", "bhai", "yaar", "zara", "ji", "jee", "o", "alaikum", "alaykum", "there",
    "براہ", "کرم", "ذرا", "علیکم",
];

/// Verbs and phrases that ask to create a task.
pub(super) const ADD: &[&str] = &[
    "add", "create", "new task", "new todo", "add todo", "naya task", "naya kaam", "nayi task", "shamil",
    "daalo", "dalo", "daal do", "likh lo", "task banao", "kaam banao", "نیا کام", "شامل", "کام بنائیں",
    "لکھ لیں",
    "note down", "jot down", "jot", "write down", "note karo", "note kar lo", "note kar lein", "likh do", "likh lein", "likh len", "likh lijiye", "add kar", "daal do", "list mein daal", "نوٹ کر لیں", "نوٹ کریں", "لکھ دیں", "لکھ لو", "درج کریں", "درج کر لیں", "شامل کر لیں", "put on my list", "put it on my list", "put on the list", "add to my list", "remember to add",
];

/// Phrases a new task's text may start with (longest first within a family).
pub(super) const ADD_PREFIXES: &[&str] = &[
    "can you add", "could you add", "please add", "add a new task", "add new task", "add a task to",
    "add a task", "add task", "add a todo", "add todo", "add", "create a new task", "create a task to",
    "create a task", "create task", "create", "new task", "new todo", "todo", "to-do", "remind me to",
    "remind me that", "remind me", "called", "named", "naya task", "naya kaam", "nayi task", "task add karo",
    "add karo", "mujhe yaad dilao ke", "mujhe yaad dilao ki", "yaad dilao ke", "yaad dilao ki",
    "yaad dilao k", "yaad dilana ke", "yaad dilana", "yaad dila dena ke", "mujhe", "zara", "نیا کام",
    "مجھے یاد دلائیں کہ", "یاد دلائیں کہ", "یاد دلاؤ کہ", "یاد دلانا کہ", "کام شامل کریں", "مجھے", "please",
    "plz", "ek naya task banao", "naya task banao", "ek naya task", "ek naya kaam banao", "naya kaam banao",
    "ek naya kaam", "ek task", "task banao", "kaam banao", "ka kaam", "ka task", "ایک نیا کام بنائیں",
    "نیا کام بنائیں", "ایک نیا کام", "کا کام",
    "note down", "jot down", "jot", "write down", "note", "note that", "put", "i need to", "need to", "i have to", "have to", "i've got to", "ive got to", "i got to", "got to", "gotta", "i gotta", "i must", "must", "i should", "should", "i'm supposed to", "im supposed to", "supposed to", "i want to", "want to", "i'd like to", "i will", "i'll", "i have got to", "we need to", "we have to", "don't forget to", "dont forget to", "do not forget to", "remember to", "don't let me forget to", "i'll have to", "i am going to", "i'm going to", "im going to", "going to", "i plan to", "plan to", "i still need to", "still need to", "i also need to", "also need to", "main ne", "maine", "mujhe zara", "mujhay", "mjhe", "to", "میں نے", "مجھے زرا", "کام:", "نیا کام:", "ایک کام",
    "note kar lo", "note karo", "note kar lein", "likh lo", "likh do", "likh lein", "jot kar lo", "نوٹ کر لیں", "لکھ لیں",
    "that", "ke", "kay", "کہ", "can you", "could you", "would you", "will you", "can u", "pls", "kindly", "i have a", "i have an", "i've got a", "i have got a", "there's a", "there is a", "i've a", "we have a",
];

/// Phrases a new task's text may end with.
pub(super) const ADD_SUFFIXES: &[&str] = &[
    "to my todo list", "to my to-do list", "to my list", "to the list", "to my tasks", "to list", "to todo",
    "please", "plz", "add kar dein", "add kar do", "add karein", "add karen", "add kardo", "add karo",
    "add kro", "add kren", "add krdo", "add", "shamil kar do", "shamil karo", "shamil karen", "daal do",
    "daalo", "dalo", "likh lo", "ka task banao", "task banao", "kaam banao", "yaad dilana", "yaad dilao",
    "hai", "he", "hain", "شامل کر دیں", "شامل کردیں", "شامل کریں", "شامل کرو", "شامل کیجیے", "add کریں",
    "add کرو", "کا کام بنائیں", "کام بنائیں", "لکھ لیں", "یاد دلائیں", "یاد دلاؤ", "ہے",
    "on my list", "on the list", "in my list", "to my todos", "in my tasks", "list mein daal do", "list mein", "yaad dila dena", "yaad dila do", "yaad dilana", "yaad karwa dena", "yaad kara dena", "note kar lo", "note kar lein", "note karo", "note kar do", "likh lo", "likh do", "likh lein", "likh len", "likh lijiye", "jot kar lo", "shamil kar lo", "shamil kar lein", "add kar lo", "add kar lein", "add kr do", "hoga", "hogi", "padega", "padegi", "parega", "paregi", "hai zaroor", "zaroor", "یاد دلا دیں", "یاد دلا دینا", "یاد کروا دیں", "لکھ لیں", "لکھ دیں", "لکھ لو", "نوٹ کر لیں", "نوٹ کریں", "نوٹ کر دیں", "درج کریں", "درج کر لیں", "شامل کر لیں", "فہرست میں", "فہرست میں شامل کریں", "ہوگا", "ہوگی", "ہو گا", "ہو گی", "پڑے گا", "پڑے گی", "ہیں",
];

/// Requests for a reminder.
pub(super) const REMIND: &[&str] = &[
    "remind", "reminder", "yaad dilao", "yaad dilana", "yaad dila do", "yaad dila dena", "yaad karwao",
    "yaad kara dena", "یاد دلائیں", "یاد دلاؤ", "یاد دلانا", "یاد دہانی", "yaad dihani", "yaad dahani",
    "yaad dehani",
    "یاد دلا دیں", "یاد دلا دینا", "یاد کروا دیں", "yaad dila dein", "yaad karwa dena", "yaad karwa do",
];

/// Words around a reminder for an existing task that say nothing about the task.
pub(super) const REMIND_FILLER: &[&str] = &[
    "remind", "reminder", "me", "about", "for", "of", "on", "to", "task", "tasks", "set", "a", "an", "please",
    "add", "create", "new", "schedule", "and", "aur", "اور", "yaad", "dilao", "dilana", "dila", "dena", "do",
    "karwao", "kara", "mujhe", "ke", "liye", "ki", "ka", "kaam", "karo", "kar", "dein", "ko", "number", "no",
    "یاد", "دلائیں", "دلاؤ", "دلانا", "دہانی", "مجھے", "کے", "لیے", "لئے", "کی", "کا", "کام", "کریں", "کرو",
    "کر", "دیں", "کو", "نمبر", "#", "dihani", "dahani", "dehani",
];

/// Words that cannot be a tag's name when listing by tag.
pub(super) const NOT_A_TAG: &[&str] = &[
    "the", "my", "with", "and", "a", "of", "as", "wale", "wala", "wali", "ke", "ka", "ki", "mere", "میرے",
    "والے", "والا", "والی", "کے", "کا", "کی",
];

/// Tag editing words (listing by tag uses `TAGGED`).
pub(super) const TAG_EDIT: &[&str] = &["tag", "tags", "untag", "label", "labels", "ٹیگ"];
/// Words that mean "take the tags off".
pub(super) const TAG_REMOVE: &[&str] = &[
    "remove", "untag", "delete", "hatao", "hata", "nikalo", "ہٹائیں", "ہٹا", "ہٹاؤ", "حذف", "نکالیں", "from",
];
/// Words between a tag command and its tags.
pub(super) const TAG_FILLER: &[&str] = &[
    "tag", "tags", "untag", "label", "labels", "with", "to", "from", "add", "remove", "delete", "the", "a",
    "task", "tasks", "on", "onto", "as", "and", "please", "kaam", "ko", "par", "pe", "per", "se", "lagao",
    "laga", "do", "dein", "karo", "kar", "hatao", "hata", "nikalo", "aur", "ka", "ki", "ke", "ٹیگ", "کام",
    "کو", "پر", "سے", "لگائیں", "لگاؤ", "لگا", "دیں", "کریں", "کرو", "کر", "ہٹائیں", "ہٹا", "ہٹاؤ", "حذف",
    "نکالیں", "اور", "کا", "کی", "کے", "نمبر", "number",
];
/// Words that introduce a tag when listing ("tasks tagged work", "work tag wale").
pub(super) const TAGGED: &[&str] = &["tagged", "tag", "tags", "label", "labelled", "labeled", "ٹیگ"];

/// Units for an analytics period ("last 7 days", "pichle 7 din").
pub(super) const DAYS: &[&str] = &["days", "day", "din", "دن", "دنوں"];
pub(super) const WEEKS: &[&str] = &["week", "hafte", "hafta", "ہفتے", "ہفتہ"];
pub(super) const MONTHS_WORDS: &[&str] = &["month", "mahine", "mahina", "مہینے", "مہینہ", "ماہ"];

/// Requests for the analytics summary.
pub(super) const SUMMARY: &[&str] = &[
    "summary", "stats", "statistics", "analytics", "progress", "report", "overview", "how am i doing",
    "how's it going", "khulasa", "khulaasa", "kholasa", "kaisa chal raha", "kaisi chal rahi", "خلاصہ",
    "رپورٹ", "کارکردگی", "جائزہ",
];

/// Words naming recurring tasks.
pub(super) const RECURRING: &[&str] = &[
    "recurring", "repeating", "recurrent", "repeated", "dohrane", "dohranay", "dohraye", "dohrai",
    "baar baar", "بار بار", "دہرانے", "دہرائے", "دوہرانے",
];

/// Search verbs.
pub(super) const SEARCH: &[&str] = &[
    "search", "find", "look for", "look up", "lookup", "dhoondo", "dhundo", "dhoondho", "dhoond", "talash",
    "khojo", "تلاش", "ڈھونڈیں", "ڈھونڈو", "ڈھونڈ",
    "talaash", "talaas", "talash karo", "dhundho", "dhoondh", "dhund", "khoj", "where is", "where's", "wheres", "look", "ڈھونڈو", "ڈھونڈیں", "کھوجیں", "تلاش کریں",
];
/// Words dropped from a search query.
pub(super) const SEARCH_FILLER: &[&str] = &[
    "search", "find", "look", "for", "up", "lookup", "tasks", "task", "todos", "about", "with", "related",
    "to", "regarding", "containing", "named", "called", "my", "the", "all", "me", "any", "mentioning", "in",
    "please", "karo", "kro", "kar", "do", "dein", "wale", "wala", "wali", "ke", "ka", "ki", "bare", "baare",
    "mein", "main", "se", "mutaliq", "kaam", "dhoondo", "dhundo", "dhoondho", "dhoond", "talash", "khojo",
    "mere", "meri", "mera", "تلاش", "کریں", "کرو", "کر", "دیں", "ڈھونڈیں", "ڈھونڈو", "ڈھونڈ", "کام", "کے",
    "بارے", "میں", "والے", "والا", "والی", "سے", "متعلق", "کا", "کی", "میرے",
    "talaash", "talaas", "dhundho", "dhund", "khoj", "where", "is", "where's", "wheres", "look", "کھوجیں", "do", "i", "have", "anything", "something", "any", "koi", "کوئی", "hai", "ہے", "kahan", "کہاں",
    "kya", "کیا", "anything", "koi", "کوئی", "hai", "ہے", "بارے", "bare", "baare",
    "ko", "کو", "where", "which",
];

/// Delete verbs. "ختم" (finish) is deliberately not here: it completes.
pub(super) const DELETE: &[&str] = &[
    "delete", "remove", "erase", "cancel", "trash", "get rid of", "hatao", "hata do", "mitao", "mita do",
    "nikalo", "nikal do", "حذف", "ڈیلیٹ", "مٹا", "مٹائیں", "مٹاؤ", "ہٹا", "ہٹائیں", "ہٹاؤ",
    "drop", "scrap", "discard", "forget about", "nix", "throw away", "toss", "hata dein", "hata den", "nikaal do", "nikal dein", "mita dein", "khatam kar do hata", "نکال دیں", "نکالیں", "ختم کر کے ہٹا", "ڈیلیٹ کریں", "delete kar do",
];

/// Complete verbs and adjectives.
pub(super) const COMPLETE: &[&str] = &[
    "complete", "completed", "finish", "finished", "done", "check off", "tick off", "mukammal", "ho gaya",
    "hogaya", "ho gya", "ho gayi", "ho gaye", "kar liya", "kr liya", "khatam", "مکمل", "ختم", "ہو گیا",
    "ہوگیا", "ہو گئی", "ہو گئے", "کر لیا", "کرلیا",
    "wrapped up", "wrap up", "knocked out", "crossed off", "cross off", "checked off", "ticked off", "ticked", "mark off", "accomplished", "completed it", "nipta", "nipta diya", "nipat gaya", "kar diya", "kr diya", "kar chuka", "kar chuki", "ho chuka", "ho chuki", "poora", "pura", "poora ho gaya", "pura kar diya", "mukammal ho gaya", "ho gyi", "hogayi", "kar li", "کر دیا", "ہو چکا", "ہو چکی", "کر چکا", "کر چکی", "پورا", "نمٹا", "نمٹ گیا", "نمٹا دیا", "کر لی", "ہوگئی",
    "le liya", "le li", "lay liya", "le aaya", "le aya", "bhej diya", "bhej di", "de diya", "bhar diya", "لے لیا", "لے لی", "لے آیا", "بھیج دیا", "دے دیا", "بھر دیا", "جمع کروا دیا", "jama karwa diya",
    "ادا کر دیا", "ادا کیا", "ادا ہو گیا", "ada kar diya", "ada kiya", "ada ho gaya", "jama ho gaya", "جمع ہو گیا",
];
/// Imperatives that make "completed/mukammal" an order rather than a filter.
pub(super) const IMPERATIVE: &[&str] = &[
    "complete", "finish", "mark", "karo", "kro", "kar do", "kardo", "kar dein", "karein", "karen", "کریں",
    "کرو", "کر دیں", "کردیں",
];

/// Words a complete or delete command may use besides its verb and the task numbers
/// ("mark 3 and 5 done", "task 2 hatao", "کام 3 اور 4 حذف کریں"). Anything else ("I finished
/// reading 3 books", "remove urgent from 3") means the message is something else.
pub(super) const ACTION_FILLER: &[&str] = &[
    "task", "tasks", "todo", "number", "no", "the", "a", "please", "plz", "and", "mark", "as", "it", "is",
    "now", "my", "of", "all", "both", "aur", "kaam", "ko", "kar", "karo", "kro", "do", "dein", "den", "kardo",
    "diya", "hai", "bhi", "abhi", "wala", "wale", "کام", "ٹاسک", "اور", "کو", "کر", "کرو", "کریں", "دیں",
    "دو", "ہے", "ابھی", "نمبر", "والا", "والے", "thanks", "thank", "you", "pls", "kindly", "shukriya",
    "شکریہ",
    "i", "i'm", "im", "i've", "ive", "with", "already", "just", "one", "diye", "diya", "di", "liya", "liye", "li", "gaya", "gayi", "gaye", "ho", "ہو", "گیا", "گئی", "گئے", "دیے", "دیا", "لیا", "the", "maine", "میں", "نے",
    "can", "you", "could", "would", "will", "ok", "okay", "yes", "also", "too", "ko", "bhi",
];

/// Reopen a completed task.
pub(super) const REOPEN: &[&str] = &[
    "reopen", "re-open", "uncomplete", "un-complete", "undo", "not done", "pending", "dobara kholo",
    "wapas kholo", "dobara khol do", "دوبارہ کھولیں", "دوبارہ کھولو", "واپس کھولیں",
    "not done yet", "still pending", "mark as pending", "mark pending", "wapis kholo", "dobara khol", "reopen karo", "دوبارہ کھول دیں", "دوبارہ شروع", "نامکمل",
];

/// Rename verbs and the word "name"/"title".
pub(super) const RENAME: &[&str] = &["rename", "retitle", "title", "naam", "نام"];
/// Words after which a rename's new title begins (English).
pub(super) const RENAME_TO: &[&str] = &["to", "as", "into"];
/// Words a Roman Urdu / Urdu rename may put between "naam" and the new title.
pub(super) const RENAME_LEAD: &[&str] =
    &["badal kar", "badal ke", "tabdeel kar ke", "change kar ke", "بدل کر", "تبدیل کر کے", "تبدیل کرکے"];
/// Verbs that close a Roman Urdu / Urdu rename.
pub(super) const RENAME_TAIL: &[&str] = &[
    "rakh do", "rakhdo", "rakho", "rakhein", "rakhen", "kar do", "kardo", "kar dein", "karo", "kro",
    "رکھ دیں", "رکھیں", "رکھو", "کر دیں", "کردیں", "کریں", "کرو",
];

/// Words a change to an existing task ("move 3 to friday", "3 ko kal tak karo") may use besides
/// the task number, the date and the priority. Anything else means the message is not a change.
pub(super) const UPDATE_WORDS: &[&str] = &[
    "move", "change", "reschedule", "postpone", "push", "shift", "set", "make", "update", "edit", "to", "due",
    "date", "deadline", "the", "task", "of", "priority", "as", "is", "it", "its", "for", "please", "mark",
    "repeat", "repeats", "repeating", "back", "forward", "and", "number", "no", "ko", "ka", "ki", "ke",
    "karo", "kro", "kar", "do", "dein", "den", "kardo", "badlo", "badal", "tabdeel", "kaam", "tareekh",
    "tarikh", "aur", "prio", "tarjeeh", "کام", "کی", "کو", "کا", "کے", "تاریخ", "کر", "دیں", "کریں", "کرو",
    "بدلیں", "تبدیل", "نمبر", "اور", "ترجیح",
    "shift", "push", "bump", "delay", "postpone", "aage", "agay", "par", "pe", "per", "karen", "karein", "kar den", "منتقل", "آگے", "ملتوی", "پر", "کریں", "کردیں", "move", "until", "till", "tak", "تک", "ko", "کو", "on", "at", "by", "later",
];

/// Clearing a due date ("remove the date from 3").
pub(super) const DATE_WORDS: &[&str] = &["date", "due", "deadline", "tareekh", "tarikh", "تاریخ"];
/// Verbs that clear something.
pub(super) const CLEAR: &[&str] =
    &["remove", "clear", "delete", "drop", "hatao", "hata", "ہٹا", "ہٹائیں", "ہٹاؤ", "حذف", "مٹا", "مٹائیں"];

/// Listing verbs.
pub(super) const LIST: &[&str] = &[
    "show", "list", "display", "view", "see", "give", "what's due", "whats due", "what is due", "what's left",
    "what is left", "what's pending", "what's next", "what's done", "what is done", "what do i have",
    "what have i got", "what's on", "what is on", "kya hai", "kya kya hai", "dikhao", "dikha", "dikhaen",
    "dikhayen", "dikhaiye", "batao", "bata", "btao", "dekhao", "دکھائیں", "دکھاؤ", "دکھاو", "دکھا", "دکھایئے",
    "دکھائیے", "بتائیں", "بتاؤ", "بتاو", "دیکھائیں",
];
/// Nouns for tasks.
pub(super) const TASK_NOUNS: &[&str] =
    &["tasks", "task", "todos", "todo", "to-dos", "kaam", "kam", "کام", "ٹاسک", "ٹاسکس"];

/// List filters.
pub(super) const OVERDUE: &[&str] =
    &["overdue", "late", "past due", "missed", "زائد المیعاد", "زائدالمیعاد", "تاخیر", "لیٹ"];
pub(super) const NO_DATE: &[&str] = &[
    "no date", "no due date", "without date", "without a date", "undated", "bina tareekh", "bina date",
    "بغیر تاریخ", "بنا تاریخ",
];
pub(super) const STATUS_DONE: &[&str] =
    &["completed", "complete", "done", "finished", "mukammal", "ho gaye", "مکمل", "ہو چکے", "ختم"];
/// "all" reads as every task, completed ones included (pending is the default anyway).
pub(super) const STATUS_ALL: &[&str] = &["all", "sab", "saare", "sare", "سب", "تمام", "سارے"];
pub(super) const STATUS_PENDING: &[&str] =
    &["pending", "open", "remaining", "incomplete", "baqi", "baaqi", "باقی", "زیر التوا"];

/// Sort orders: (phrase, sort value).
pub(super) const SORTS: &[(&str, &str)] = &[
    ("by priority", "priority"),
    ("priority wise", "priority"),
    ("by due", "due"),
    ("by date", "due"),
    ("by due date", "due"),
    ("newest", "created"),
    ("latest", "created"),
    ("recent", "created"),
    ("by number", "number"),
];

/// Words dropped from the edges of a new task's title.
pub(super) const TITLE_EDGE_FILLER: &[&str] = &["please", "plz", "pls", "and", "then", "-", "—", "–", ":"];

/// Verbs that move or change an existing task named by title ("move the dentist to friday",
/// "bill wala kaam kal par shift karo", "بل والا کام جمعہ پر منتقل کریں").
pub(super) const MOVE: &[&str] = &[
    "move", "shift", "push", "postpone", "reschedule", "bump", "delay", "change", "make", "set", "mark",
    "aage", "agay", "aage kar do", "badlo", "tabdeel", "منتقل", "آگے", "ملتوی", "تبدیل", "بدلیں", "بدل دیں",
];

/// Reopen verbs that name a task by title ("reopen the milk task", "doodh wala kaam dobara kholo"); not
/// the list words ("pending tasks").
pub(super) const REOPEN_VERBS: &[&str] = &[
    "reopen", "re-open", "uncomplete", "un-complete", "mark as not done", "mark as pending", "dobara kholo",
    "wapas kholo", "dobara khol do", "wapis kholo", "دوبارہ کھولیں", "دوبارہ کھولو", "واپس کھولیں",
    "دوبارہ کھول دیں",
];

/// First words that make the rest a new task ("note buy eggs", "jot call mom").
pub(super) const ADD_START: &[&str] = &["note", "jot", "put", "log", "remember", "نوٹ"];

/// Words that mark a task named by its title ("doctor wala kaam", "ڈاکٹر والا کام"): with a
/// date or priority and no other command, the message changes that task.
pub(super) const TITLE_MARKERS: &[&str] = &["wala", "wali", "wale", "waala", "waali", "والا", "والی", "والے"];
