//! The external services the gateway talks to besides mcp-tasks: the model (`LLM_*` or a
//! provider's own key) and the transcription service (`STT_*`, or a provider's Whisper).

use std::time::Duration;

use shared::config::{ConfigError, env};

use super::read::{bound, url};
use crate::agent::llm::LlmConfig;
use crate::voice::{self, VoiceSettings};

/// (key variable, base URL, default model) of the providers recognised by their own key.
const PROVIDERS: [(&str, &str, &str); 3] = [
    ("OPENAI_API_KEY", "https://api.openai.com/v1", "gpt-4o-mini"),
    ("GROQ_API_KEY", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile"),
    ("GEMINI_API_KEY", "https://generativelanguage.googleapis.com/v1beta/openai", "gemini-2.0-flash"),
];

/// How long the model may stay silent.
const LLM_TIMEOUT: Duration = Duration::from_secs(60);

/// Where the model is: `LLM_BASE_URL`, `LLM_API_KEY`, `LLM_MODEL`, or a provider's own key
/// (`OPENAI_API_KEY`, `GROQ_API_KEY`, `GEMINI_API_KEY`) with that provider's URL and a default
/// model; None when none is set.
pub(super) fn llm_settings() -> Result<Option<LlmConfig>, ConfigError> {
    let explicit_key = env("LLM_API_KEY");
    let base = env("LLM_BASE_URL");
    let model = env("LLM_MODEL");
    let (api_key, default_base, default_model) = match explicit_key {
        Some(key) => (key, None, None),
        None => match PROVIDERS.iter().find_map(|(var, url, model)| env(var).map(|k| (k, *url, *model))) {
            Some((key, url, m)) => (key, Some(url), Some(m)),
            // A local server (Ollama, llama.cpp) needs no key: a base URL alone selects it.
            None if base.is_some() => ("none".to_owned(), None, None),
            None => return Ok(None),
        },
    };
    let base_url = base.or(default_base.map(str::to_owned)).unwrap_or_else(|| PROVIDERS[0].1.to_owned());
    url("LLM_BASE_URL", &base_url)?;
    let model = model
        .or(default_model.map(str::to_owned))
        .ok_or_else(|| ConfigError::new("LLM_MODEL", "is required with LLM_API_KEY or LLM_BASE_URL"))?;
    Ok(Some(LlmConfig { base_url, api_key: api_key.trim().to_owned(), model, timeout: LLM_TIMEOUT }))
}

/// (key variable, base URL, default model) of the transcription services recognised by their key.
const STT_PROVIDERS: [(&str, &str, &str); 2] = [
    ("OPENAI_API_KEY", "https://api.openai.com/v1", "whisper-1"),
    ("GROQ_API_KEY", "https://api.groq.com/openai/v1", "whisper-large-v3-turbo"),
];

/// `STT_BASE_URL` (with `STT_API_KEY` if it wants one: provider keys never go to it),
/// `STT_API_KEY` alone (OpenAI), or `OPENAI_API_KEY` / `GROQ_API_KEY` with their Whisper;
/// `STT_MODEL` overrides the model, `STT_ENABLED=false` turns voice off.
pub(super) fn voice_settings() -> Result<Option<VoiceSettings>, ConfigError> {
    match env("STT_ENABLED").map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("true" | "1" | "yes" | "on") => {}
        Some("false" | "0" | "no" | "off") => return Ok(None),
        Some(other) => {
            return Err(ConfigError::new("STT_ENABLED", format!("`{other}` is not true or false")));
        }
    }
    let Some((base, api_key, model)) = stt_service(&|var| env(var))? else { return Ok(None) };
    let max_bytes = bound("STT_MAX_BYTES", voice::DEFAULT_MAX_BYTES, 25 << 20)?;
    let max_seconds = u32::try_from(bound("STT_MAX_SECONDS", voice::DEFAULT_MAX_SECONDS as usize, 3_600)?)
        .unwrap_or(voice::DEFAULT_MAX_SECONDS);
    Ok(Some(VoiceSettings {
        base_url: url("STT_BASE_URL", &base)?,
        api_key,
        model,
        max_bytes,
        max_seconds,
        timeout: shared::config::duration("STT_TIMEOUT", voice::DEFAULT_TIMEOUT)?,
        max_concurrent: bound("STT_MAX_CONCURRENT", voice::DEFAULT_MAX_CONCURRENT, 10_000)?,
    }))
}

/// The transcription service's (base URL, key, model) from the variables `var` reads, or None.
fn stt_service(
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(String, Option<String>, String)>, ConfigError> {
    let key = var("STT_API_KEY").map(|k| k.trim().to_owned());
    let (base, api_key, model) = match (var("STT_BASE_URL"), key) {
        (Some(base), key) => (base, key, "whisper-1"),
        (None, Some(key)) => (STT_PROVIDERS[0].1.to_owned(), Some(key), STT_PROVIDERS[0].2),
        (None, None) => {
            match STT_PROVIDERS.iter().find_map(|(name, url, m)| var(name).map(|k| (k, *url, *m))) {
                Some((key, url, m)) => (url.to_owned(), Some(key.trim().to_owned()), m),
                None if var("STT_MODEL").is_some() => {
                    return Err(ConfigError::new("STT_MODEL", "needs STT_BASE_URL or a key (STT_API_KEY…)"));
                }
                None => return Ok(None),
            }
        }
    };
    Ok(Some((base, api_key, var("STT_MODEL").unwrap_or_else(|| model.to_owned()))))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    type Want<'a> = Option<(&'a str, Option<&'a str>, &'a str)>;

    #[test]
    fn the_transcription_service_follows_stt_settings_then_the_providers_keys() {
        let openai = ("https://api.openai.com/v1", "whisper-1");
        let groq = ("https://api.groq.com/openai/v1", "whisper-large-v3-turbo");
        let local = "http://127.0.0.1:9000/v1";
        #[rustfmt::skip] // a table reads best one case a line
        let cases: [(&[(&str, &str)], Want); 7] = [
            (&[], None),
            (&[("GEMINI_API_KEY", "g")], None),
            (&[("OPENAI_API_KEY", "sk-1"), ("GROQ_API_KEY", "gq")], Some((openai.0, Some("sk-1"), openai.1))),
            (&[("GROQ_API_KEY", " gq ")], Some((groq.0, Some("gq"), groq.1))),
            (&[("GROQ_API_KEY", "gq"), ("STT_MODEL", "distil")], Some((groq.0, Some("gq"), "distil"))),
            (&[("STT_API_KEY", "k")], Some((openai.0, Some("k"), openai.1))),
            // A server of one's own never gets a provider's key.
            (&[("STT_BASE_URL", local), ("OPENAI_API_KEY", "sk-1")], Some((local, None, "whisper-1"))),
        ];
        for (vars, want) in cases {
            let read = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned());
            let got = stt_service(&read).unwrap();
            let got = got.as_ref().map(|(b, k, m)| (b.as_str(), k.as_deref(), m.as_str()));
            assert_eq!(got, want, "{vars:?}");
        }
        let alone = |name: &str| (name == "STT_MODEL").then(|| "whisper-1".to_owned());
        assert!(stt_service(&alone).is_err(), "a model with no service to ask is a configuration error");
    }

    #[test]
    fn voice_settings_never_show_the_key_in_debug() {
        let settings = VoiceSettings {
            base_url: "https://api.openai.com/v1".parse().unwrap(),
            api_key: Some("sk-very-secret".into()),
            model: "whisper-1".into(),
            max_bytes: 1,
            max_seconds: 1,
            timeout: Duration::from_secs(1),
            max_concurrent: 1,
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("sk-very-secret") && shown.contains("whisper-1"), "{shown}");
    }
}
