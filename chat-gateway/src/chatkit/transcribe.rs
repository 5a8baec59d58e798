//! ChatKit's `input.transcribe`: the recording decoded from base64 and handed to [`Voice`]
//! with a language hint for the transcription service, the first of: the request's
//! `metadata.locale` (the chat page sends its UI language), the language of the user's latest
//! messages, the user's locale (the token's claim, else `Accept-Language`). Only `en` and `ur`
//! are hinted; anything else sends no hint and lets the service detect the language.

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Value, json};

use super::types::TranscribeParams;
use crate::agent::lang::{Lang, detect_lang};
use crate::auth::User;
use crate::conversation::{Order, Threads};
use crate::error::ApiError;
use crate::voice::Voice;

/// Standard base64, with or without padding (browsers' `btoa` pads; other clients may not).
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// How many of the latest thread's items are read for its language.
const RECENT_ITEMS: u32 = 20;

/// Transcribes one recording for `user`: `{"text": …}`.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn transcribe(
    voice: Option<&Voice>,
    threads: &Threads,
    user: &User,
    params: TranscribeParams,
    metadata: &Value,
) -> Result<Value, ApiError> {
    let Some(voice) = voice else {
        crate::metrics::transcription("not_configured", None);
        return Err(ApiError::Unsupported(
            "voice input is not configured on this server (it needs a transcription service: STT_BASE_URL or a key)"
                .into(),
        ));
    };
    if params.audio_base64.len() > voice.max_base64_len() {
        crate::metrics::transcription("invalid", None);
        let max = voice.settings().max_bytes;
        return Err(ApiError::TooLarge(format!("the recording is over the limit of {max} bytes")));
    }
    let audio = BASE64.decode(params.audio_base64.as_bytes()).map_err(|e| {
        crate::metrics::transcription("invalid", None);
        ApiError::BadRequest(format!("`audio_base64` is not valid base64 ({e})"))
    })?;
    drop(params.audio_base64);
    let language = language_hint(threads, user, metadata).await;
    let text = voice.transcribe(audio, &params.mime_type, language).await?;
    Ok(json!({ "text": text }))
}

/// `en` or `ur` for the transcription service, or None when nothing says which.
async fn language_hint(threads: &Threads, user: &User, metadata: &Value) -> Option<&'static str> {
    if let Some(hint) = metadata.get("locale").and_then(Value::as_str).and_then(from_locale) {
        return Some(hint);
    }
    if let Some(lang) = latest_language(threads, user).await {
        return Some(if lang == Lang::English { "en" } else { "ur" });
    }
    user.locale.as_deref().and_then(from_locale)
}

/// `en` or `ur` from a BCP 47 tag (`ur-PK`, `en-US`, `ur-Latn`).
fn from_locale(tag: &str) -> Option<&'static str> {
    match tag.split(['-', '_']).next()?.trim().to_ascii_lowercase().as_str() {
        "en" => Some("en"),
        "ur" => Some("ur"),
        _ => None,
    }
}

/// The language of the user messages among the latest thread's last items, if it has any.
/// Spoken Roman Urdu is Urdu: both are hinted `ur`. A store that cannot answer gives no hint.
async fn latest_language(threads: &Threads, user: &User) -> Option<Lang> {
    let latest = threads.list(user, None, 1, Order::Desc).await.ok()?.data.into_iter().next()?;
    let page = threads.item_page(user, &latest.id, None, RECENT_ITEMS, Order::Desc).await.ok()?;
    let said: Vec<&str> = page
        .data
        .iter()
        .filter(|item| item["type"] == "user_message")
        .flat_map(|item| item["content"].as_array().into_iter().flatten())
        .filter_map(|part| part["text"].as_str())
        .collect();
    if said.is_empty() {
        return None;
    }
    Some(detect_lang(&said.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_english_and_urdu_locales_become_hints() {
        let cases = [
            ("en", Some("en")),
            ("en-US", Some("en")),
            ("ur-PK", Some("ur")),
            ("UR", Some("ur")),
            ("ur-Latn", Some("ur")),
            ("ur_PK", Some("ur")),
            ("de-DE", None),
            ("", None),
        ];
        for (tag, want) in cases {
            assert_eq!(from_locale(tag), want, "{tag}");
        }
    }

    #[test]
    fn base64_is_read_with_or_without_padding_and_refused_when_broken() {
        assert_eq!(BASE64.decode("aGk=").unwrap(), b"hi");
        assert_eq!(BASE64.decode("aGk").unwrap(), b"hi");
        assert!(BASE64.decode("a!Gk").is_err());
    }
}
