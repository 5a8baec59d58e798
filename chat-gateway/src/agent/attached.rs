//! What the agent makes of a message's attachments (loaded from the thread store, owner
//! scoped). The offline agent reads text, CSV and calendar files into one `add_task` call
//! with many tasks and says plainly that it cannot read images; the model gets images as
//! `image_url` content parts (data URLs) and text files as text, both bounded.

use base64::Engine;
use serde_json::{Value, json};

use super::lang::{Lang, detect_lang};
use super::offline::{self, Plan, PlannedCall, TextKind};
use crate::chatkit::types::ItemBody;
use crate::conversation::attachments::FileType;
use crate::conversation::{Turn, TurnError};
use crate::store::AttachmentRecord;
use shared::contract::tools;

/// Characters of one text file the model sees at most.
const TEXT_FILE_CHARS: usize = 8_000;
/// Characters of all text files of one message the model sees at most.
const TEXT_FILES_CHARS: usize = 16_000;

/// The attachments of the message being answered, with their bytes (none loaded when the
/// message has none; one the store no longer has is skipped).
pub(super) async fn of_input(turn: &Turn) -> Result<Vec<AttachmentRecord>, TurnError> {
    let Some(ItemBody::UserMessage { attachments, .. }) = turn.input.as_ref().map(|i| &i.body) else {
        return Ok(vec![]);
    };
    let mut records = Vec::with_capacity(attachments.len());
    for id in attachments.iter().filter_map(|a| a.get("id").and_then(Value::as_str)) {
        match turn.store.load_attachment(&turn.user.id, id).await {
            Ok(record) if record.bytes.is_some() => records.push(record),
            Ok(_) | Err(crate::store::StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(records)
}

fn file_type(record: &AttachmentRecord) -> Option<FileType> {
    FileType::of(&record.mime_type, &record.name)
}

fn text_of(record: &AttachmentRecord) -> Option<&str> {
    record.bytes.as_deref().and_then(|b| std::str::from_utf8(b).ok())
}

/// The offline agent's plan for a message with attachments (None without any), and a note to
/// add to its reply (that images cannot be read). Every task of every text file goes into
/// one `add_task` call; the agent's bound on tasks per message applies to it as to any call.
pub(super) fn offline_plan(
    records: &[AttachmentRecord],
    said: &str,
    turn: &Turn,
) -> Option<(Plan, Option<String>)> {
    if records.is_empty() {
        return None;
    }
    let lang = language(said, turn);
    let mut tasks = Vec::new();
    let mut images = 0;
    for record in records {
        let kind = match file_type(record) {
            Some(t) if t.is_image() => {
                images += 1;
                continue;
            }
            Some(FileType::Csv) => TextKind::Csv,
            Some(FileType::Calendar) => TextKind::Calendar,
            _ => TextKind::Lines,
        };
        if let Some(text) = text_of(record) {
            tasks.extend(offline::tasks_in(kind, text, turn.user.tz.as_deref()));
        }
    }
    let note = (images > 0).then(|| cannot_read_images(lang).to_owned());
    if tasks.is_empty() {
        let text = match &note {
            Some(note) => note.clone(),
            None => no_tasks_found(lang).to_owned(),
        };
        return Some((Plan::Reply { lang, text }, None));
    }
    let call = PlannedCall { tool: tools::ADD_TASK, arguments: json!({ "tasks": tasks }) };
    Some((Plan::Calls { lang, calls: vec![call] }, note))
}

/// The language to answer in: the message's, else (no text, just files) the user's locale.
fn language(said: &str, turn: &Turn) -> Lang {
    if said.trim().is_empty()
        && turn.user.locale.as_deref().is_some_and(|l| l.to_lowercase().starts_with("ur"))
    {
        return Lang::Urdu;
    }
    detect_lang(said)
}

fn cannot_read_images(lang: Lang) -> &'static str {
    super::lang::labels::pick(
        lang,
        [
            "I cannot read images: type the tasks, or attach them as a text, CSV or calendar (.ics) file.",
            "Main tasveerein nahi parh sakta: tasks likh dein, ya text, CSV ya calendar (.ics) file attach karein.",
            "میں تصویریں نہیں پڑھ سکتا: کام لکھ دیں، یا انہیں ٹیکسٹ، CSV یا کیلنڈر (.ics) فائل میں بھیجیں۔",
        ],
    )
}

fn no_tasks_found(lang: Lang) -> &'static str {
    super::lang::labels::pick(
        lang,
        [
            "I found no tasks in the attached file: it has no lines, rows or events with a title.",
            "Attached file mein koi task nahi mila: is mein title wali koi line, row ya event nahi.",
            "بھیجی گئی فائل میں کوئی کام نہیں ملا: اس میں عنوان والی کوئی سطر، قطار یا ایونٹ نہیں۔",
        ],
    )
}

/// Gives the model the attachments of the message being answered: the last user message in
/// `messages` becomes content parts, its text followed by each text file (bounded) and each
/// image as an `image_url` data URL.
pub(super) fn into_model_input(messages: &mut [Value], records: &[AttachmentRecord]) {
    if records.is_empty() {
        return;
    }
    let Some(last) = messages.iter_mut().rev().find(|m| m["role"] == "user") else { return };
    let mut text = last["content"].as_str().unwrap_or_default().to_owned();
    let mut images = Vec::new();
    let mut budget = TEXT_FILES_CHARS;
    for record in records {
        let (Some(kind), Some(bytes)) = (file_type(record), record.bytes.as_deref()) else { continue };
        if kind.is_image() {
            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
            let url = format!("data:{};base64,{data}", kind.mime());
            images.push(json!({"type": "image_url", "image_url": {"url": url}}));
            text.push_str(&format!("\n\n[Attached image: {}]", record.name));
            continue;
        }
        let Some(body) = text_of(record) else { continue };
        let take = TEXT_FILE_CHARS.min(budget);
        let shown: String = body.chars().take(take).collect();
        budget -= shown.chars().count();
        let cut = if shown.len() < body.len() { "\n[… the rest of the file is left out]" } else { "" };
        text.push_str(&format!("\n\n[Attached file: {} ({})]\n{shown}{cut}", record.name, kind.mime()));
    }
    let mut parts = vec![json!({"type": "text", "text": text})];
    parts.extend(images);
    last["content"] = Value::Array(parts);
}

/// A note for the history of earlier messages: which files they carried (bytes are sent for
/// the message being answered only).
pub(super) fn history_note(attachments: &[Value]) -> String {
    let names: Vec<&str> = attachments.iter().filter_map(|a| a.get("name").and_then(Value::as_str)).collect();
    if names.is_empty() { String::new() } else { format!("\n[Attached: {}]", names.join(", ")) }
}
