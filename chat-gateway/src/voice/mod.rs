//! Speech to text for ChatKit's `input.transcribe`: [`Voice`] checks a recording (an accepted
//! format whose bytes say so, within the size and, for WAV, the duration limit) and sends it
//! to any OpenAI-compatible `POST {base}/audio/transcriptions` (OpenAI's and Groq's Whisper,
//! a local whisper server) as multipart `file`, `model`, `language`, `response_format=json`.
//! Failures are [`VoiceError`]s the caller turns into safe HTTP errors; every call is counted
//! by outcome and timed (see [`crate::metrics::transcription`]).
//!
//! `audio` knows the formats: MIME types, file extensions, magic bytes, WAV durations.

mod audio;

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use reqwest::{StatusCode, Url};
use serde::Deserialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use audio::{ACCEPTED, AudioFormat, wav_seconds};

/// Where recordings are transcribed and what one may be (`STT_*` settings).
#[derive(Clone)]
pub struct VoiceSettings {
    /// OpenAI-compatible base URL, e.g. `https://api.openai.com/v1`.
    pub base_url: Url,
    /// The API key (None: a local server that wants none).
    pub api_key: Option<String>,
    /// The transcription model, e.g. `whisper-1`.
    pub model: String,
    /// Largest recording, in bytes (decoded).
    pub max_bytes: usize,
    /// Longest recording, in seconds (checked where the duration is in the header: WAV).
    pub max_seconds: u32,
    /// How long the service may take to answer.
    pub timeout: Duration,
    /// Recordings over the ordinary body limit (1 MiB) being received or transcribed at once.
    pub max_concurrent: usize,
}

impl std::fmt::Debug for VoiceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceSettings")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &self.api_key.as_ref().map(|_| "<set>"))
            .field("model", &self.model)
            .field("max_bytes", &self.max_bytes)
            .field("max_seconds", &self.max_seconds)
            .field("timeout", &self.timeout)
            .field("max_concurrent", &self.max_concurrent)
            .finish()
    }
}

/// The default largest recording: 10 MiB (about 40 minutes of 32 kbit/s Opus).
pub const DEFAULT_MAX_BYTES: usize = 10 << 20;
/// The default longest recording: two minutes.
pub const DEFAULT_MAX_SECONDS: u32 = 120;
/// The default time the service may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default number of large recordings in flight at once (each holds up to about three
/// times `max_bytes` in memory: the base64 body, the decoded audio, the upload).
pub const DEFAULT_MAX_CONCURRENT: usize = 8;

/// Why a recording was not transcribed.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// The MIME type is not one of [`ACCEPTED`].
    #[error("`{0}` is not an accepted audio type; send one of: {ACCEPTED}")]
    Format(String),
    /// The bytes are not a file of the type the client named.
    #[error("the audio is not a valid {0} file")]
    Mismatch(&'static str),
    /// Nothing was recorded.
    #[error("the recording is empty")]
    Empty,
    /// Over the size limit.
    #[error("the recording is {bytes} bytes; the limit is {max} bytes")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// Over the duration limit.
    #[error("the recording is {seconds:.0} s long; the limit is {max} s")]
    TooLong {
        /// Its duration.
        seconds: f64,
        /// The limit.
        max: u32,
    },
    /// The service could not read the audio (it answered 400, 413, 415 or 422).
    #[error("the transcription service could not read this recording")]
    Unreadable,
    /// The service is rate limiting or overloaded (429, 503); retry after this many seconds.
    #[error("the transcription service is busy; retry in {0} s")]
    Busy(u64),
    /// The service failed or refused the gateway (any other status, or an answer that is not
    /// a transcription).
    #[error("the transcription service failed (HTTP {0})")]
    Upstream(u16),
    /// The service could not be reached.
    #[error("the transcription service cannot be reached")]
    Unreachable,
    /// The service took longer than the timeout.
    #[error("the transcription service did not answer in time")]
    Timeout,
}

impl VoiceError {
    /// The metrics label of this outcome.
    fn outcome(&self) -> &'static str {
        match self {
            Self::Format(_)
            | Self::Mismatch(_)
            | Self::Empty
            | Self::TooLarge { .. }
            | Self::TooLong { .. } => "invalid",
            Self::Unreadable => "unreadable",
            Self::Busy(_) => "busy",
            Self::Upstream(_) | Self::Unreachable => "failed",
            Self::Timeout => "timeout",
        }
    }
}

/// The JSON answer of `/audio/transcriptions` with `response_format=json`.
#[derive(Deserialize)]
struct Transcription {
    text: String,
}

/// Transcribes recordings with one OpenAI-compatible service.
pub struct Voice {
    settings: VoiceSettings,
    endpoint: Url,
    http: reqwest::Client,
    places: Arc<Semaphore>,
}

impl Voice {
    /// A client of the service `settings` name (nothing is sent until a recording comes).
    pub fn new(settings: VoiceSettings) -> Self {
        let base = settings.base_url.as_str().trim_end_matches('/');
        let endpoint =
            Url::parse(&format!("{base}/audio/transcriptions")).unwrap_or_else(|_| settings.base_url.clone());
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .build()
            .unwrap_or_default();
        let places = Arc::new(Semaphore::new(settings.max_concurrent.max(1)));
        Self { settings, endpoint, http, places }
    }

    /// A place for one large recording until the permit is dropped, or None when
    /// [`VoiceSettings::max_concurrent`] are in flight already.
    pub fn admit_large(&self) -> Option<OwnedSemaphorePermit> {
        self.places.clone().try_acquire_owned().ok()
    }

    /// What recordings may be.
    pub fn settings(&self) -> &VoiceSettings {
        &self.settings
    }

    /// The largest base64 text of a recording within [`VoiceSettings::max_bytes`].
    pub fn max_base64_len(&self) -> usize {
        self.settings.max_bytes.div_ceil(3) * 4
    }

    /// Checks `audio` (as `mime` says it is) and transcribes it, with `language` (ISO 639-1,
    /// `en`, `ur`) as a hint when known.
    #[tracing::instrument(skip_all, fields(bytes = audio.len(), mime = %shown(mime), language))]
    pub async fn transcribe(
        &self,
        audio: Vec<u8>,
        mime: &str,
        language: Option<&str>,
    ) -> Result<String, VoiceError> {
        if let Some(language) = language {
            tracing::Span::current().record("language", language);
        }
        let checked = self.check(&audio, mime);
        let format = match checked {
            Ok(format) => format,
            Err(e) => {
                crate::metrics::transcription(e.outcome(), None);
                return Err(e);
            }
        };
        let started = Instant::now();
        let result = self.send(audio, format, language).await;
        let outcome = result.as_ref().map_or_else(VoiceError::outcome, |_| "ok");
        crate::metrics::transcription(outcome, Some(started.elapsed()));
        result
    }

    fn check(&self, audio: &[u8], mime: &str) -> Result<AudioFormat, VoiceError> {
        let format = AudioFormat::from_mime(mime).ok_or_else(|| VoiceError::Format(shown(mime)))?;
        if audio.is_empty() {
            return Err(VoiceError::Empty);
        }
        let max = self.settings.max_bytes;
        if audio.len() > max {
            return Err(VoiceError::TooLarge { bytes: audio.len(), max });
        }
        if !format.matches(audio) {
            return Err(VoiceError::Mismatch(format.extension()));
        }
        if format == AudioFormat::Wav {
            let seconds = wav_seconds(audio).ok_or(VoiceError::Mismatch("wav"))?;
            let max = self.settings.max_seconds;
            if seconds > f64::from(max) {
                return Err(VoiceError::TooLong { seconds, max });
            }
        }
        Ok(format)
    }

    async fn send(
        &self,
        audio: Vec<u8>,
        format: AudioFormat,
        language: Option<&str>,
    ) -> Result<String, VoiceError> {
        let file = Part::bytes(audio)
            .file_name(format!("audio.{}", format.extension()))
            .mime_str(format.mime())
            .map_err(|_| VoiceError::Mismatch(format.extension()))?;
        let mut form = Form::new()
            .part("file", file)
            .text("model", self.settings.model.clone())
            .text("response_format", "json");
        if let Some(language) = language {
            form = form.text("language", language.to_owned());
        }
        let mut request = self.http.post(self.endpoint.clone()).multipart(form);
        if let Some(key) = &self.settings.api_key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.map_err(|e| transport(&e))?;
        let status = response.status();
        if !status.is_success() {
            let retry = retry_after(response.headers());
            let detail = response.text().await.unwrap_or_default();
            let detail: String = detail.chars().take(300).collect();
            tracing::warn!(status = status.as_u16(), %detail, "transcription service refused");
            return Err(match status {
                StatusCode::BAD_REQUEST
                | StatusCode::PAYLOAD_TOO_LARGE
                | StatusCode::UNSUPPORTED_MEDIA_TYPE
                | StatusCode::UNPROCESSABLE_ENTITY => VoiceError::Unreadable,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => VoiceError::Busy(retry),
                other => VoiceError::Upstream(other.as_u16()),
            });
        }
        let body = response.bytes().await.map_err(|e| transport(&e))?;
        let answer: Transcription = serde_json::from_slice(&body).map_err(|e| {
            tracing::warn!(error = %e, "the transcription service's answer is not {{\"text\": …}}");
            VoiceError::Upstream(status.as_u16())
        })?;
        Ok(answer.text.trim().to_owned())
    }
}

/// A transport failure as a [`VoiceError`], logged once (its text is never sent to the user).
fn transport(error: &reqwest::Error) -> VoiceError {
    tracing::warn!(%error, "transcription request failed");
    if error.is_timeout() { VoiceError::Timeout } else { VoiceError::Unreachable }
}

/// Seconds in a `Retry-After` header (whole seconds only), else 1.
fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, 300)
}

/// `mime` as it may be quoted back to the client: short, printable.
fn shown(mime: &str) -> String {
    mime.chars().filter(|c| !c.is_control()).take(80).collect()
}
