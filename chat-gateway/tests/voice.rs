//! Voice input end to end: ChatKit's `input.transcribe` on the real gateway (offline agent, a
//! real mcp-tasks, SQLite) in front of a scripted OpenAI-compatible transcription service over
//! real HTTP, which parses the multipart form and keeps what it was sent. Checked: the request
//! the gateway sends (model, language hint, key, file name and type, the exact bytes), where the
//! language hint comes from (the request, the user's latest messages, their locale; never
//! another user's messages), "voice is not configured", bad base64, the size, duration and type
//! limits (and the body limit that follows the size limit), the upstream's failures as clear
//! errors that leak nothing, the per-user rate limit, and the metrics.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chat_gateway::voice::VoiceSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use support::product::Stack;
use support::stack::{self, GatewayOptions};
use support::transcriber::{Received, Reply, Transcriber};

/// The product with voice as `voice` says (None: not configured) and a per-user `rate`.
async fn product(voice: Option<VoiceSettings>, rate: (u32, u32)) -> (Stack, tempfile::TempDir) {
    let (chat, dir) = support::sqlite_store().await;
    let options = GatewayOptions { voice, rate, ..GatewayOptions::default() };
    (Stack::build(chat, options, stack::offline_agent).await, dir)
}

/// A PCM WAV of `seconds` of 16 kHz mono 16-bit audio (a quiet saw wave).
fn wav(seconds: f64) -> Vec<u8> {
    let samples = (16_000.0 * seconds) as usize;
    let pcm: Vec<u8> = (0..samples).flat_map(|i| (((i * 37) % 2000) as i16 - 1000).to_le_bytes()).collect();
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt \x10\0\0\0\x01\0\x01\0");
    out.extend_from_slice(&16_000u32.to_le_bytes());
    out.extend_from_slice(&32_000u32.to_le_bytes());
    out.extend_from_slice(b"\x02\0\x10\0data");
    out.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    out.extend_from_slice(&pcm);
    out
}

/// Bytes that start like a WebM file (EBML magic), as MediaRecorder's do.
fn webm(len: usize) -> Vec<u8> {
    let mut out = vec![0x1A, 0x45, 0xDF, 0xA3];
    out.extend((0..len.saturating_sub(4)).map(|i| (i % 251) as u8));
    out
}

fn transcribe_op(audio: &[u8], mime: &str) -> Value {
    json!({"type": "input.transcribe", "params": {"audio_base64": STANDARD.encode(audio), "mime_type": mime}})
}

/// POSTs `body` to `/chatkit` as `user` with optional headers: (status, Retry-After, JSON).
async fn post(
    stack: &Stack,
    user: &str,
    body: &Value,
    language: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let mut request =
        stack.http.post(format!("{}/chatkit", stack.base)).bearer_auth(stack.token(user)).json(body);
    if let Some(language) = language {
        request = request.header("accept-language", language);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_recording_goes_to_the_transcription_service_with_the_model_the_language_hint_and_its_exact_bytes()
{
    let service = Transcriber::saying(" add buy milk tomorrow ").await;
    let (stack, _dir) = product(Some(stack::voice(&service.base)), (0, 0)).await;

    let audio = wav(1.5);
    let mut op = transcribe_op(&audio, "audio/wav");
    op["metadata"] = json!({"locale": "ur-PK"});
    let (status, _, answer) = post(&stack, "alice", &op, None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer, json!({"text": "add buy milk tomorrow"}), "the transcript, trimmed, and nothing else");

    let recording = webm(4_000);
    let (status, _, answer) =
        post(&stack, "alice", &transcribe_op(&recording, "audio/webm;codecs=opus"), None).await;
    assert_eq!(status, 200, "{answer}");

    let sent = service.requests();
    assert_eq!(sent.len(), 2);
    let first: &Received = &sent[0];
    assert_eq!(first.model.as_deref(), Some("whisper-test"));
    assert_eq!(first.language.as_deref(), Some("ur"), "the request's locale is the hint");
    assert_eq!(first.response_format.as_deref(), Some("json"));
    assert_eq!(first.authorization.as_deref(), Some("Bearer stt-test-key"));
    assert_eq!(first.file_name.as_deref(), Some("audio.wav"));
    assert_eq!(first.file_type.as_deref(), Some("audio/wav"));
    assert!(
        first.file == audio,
        "the WAV's exact bytes ({} sent, {} received)",
        audio.len(),
        first.file.len()
    );
    assert_eq!(sent[1].file_name.as_deref(), Some("audio.webm"), "the extension follows the MIME type");
    assert_eq!(sent[1].file_type.as_deref(), Some("audio/webm"));
    assert!(sent[1].file == recording, "the WebM's exact bytes");
}

#[tokio::test]
async fn the_language_hint_comes_from_the_request_then_the_users_latest_messages_then_their_locale() {
    let service = Transcriber::saying("ok").await;
    let (stack, _dir) = product(Some(stack::voice(&service.base)), (0, 0)).await;
    stack.say("alice", "کل دودھ لینا شامل کریں", None).await;
    stack.say("rehan", "mujhe kal ke kaam dikhao", None).await;
    stack.say("emma", "show my tasks", None).await;
    let audio = wav(0.5);
    let op = transcribe_op(&audio, "audio/wav");

    let cases = [
        ("alice", None, Some("ur"), "Urdu script in her latest thread"),
        ("rehan", Some("en-US"), Some("ur"), "Roman Urdu is spoken Urdu, and beats the browser's locale"),
        ("emma", Some("ur-PK"), Some("en"), "English messages beat the browser's locale"),
        ("bob", Some("ur-PK,en;q=0.5"), Some("ur"), "no messages: Accept-Language"),
        ("carol", Some("de-DE"), None, "a locale other than English or Urdu: no hint"),
        ("dave", None, None, "nothing known, and alice's Urdu is not his"),
    ];
    for (user, accept_language, _, _) in cases {
        let (status, _, answer) = post(&stack, user, &op, accept_language).await;
        assert_eq!(status, 200, "{user}: {answer}");
    }
    let mut with_metadata = op.clone();
    with_metadata["metadata"] = json!({"locale": "en-GB"});
    let (status, _, _) = post(&stack, "alice", &with_metadata, None).await;
    assert_eq!(status, 200);

    let sent = service.requests();
    assert_eq!(sent.len(), cases.len() + 1);
    for ((user, _, want, why), got) in cases.iter().zip(&sent) {
        assert_eq!(got.language.as_deref(), *want, "{user}: {why}");
    }
    assert_eq!(sent[cases.len()].language.as_deref(), Some("en"), "the request's locale beats her messages");
}

#[tokio::test]
async fn without_a_transcription_service_the_op_says_voice_is_not_configured_and_the_page_hides_the_microphone()
 {
    let (stack, _dir) = product(None, (0, 0)).await;
    let (status, _, answer) = post(&stack, "alice", &transcribe_op(&wav(0.5), "audio/wav"), None).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "not_supported");
    assert!(answer["error"]["message"].as_str().unwrap().contains("not configured"), "{answer}");
    let features: Value =
        reqwest::get(format!("{}/web/features.json", stack.base)).await.unwrap().json().await.unwrap();
    assert_eq!(features, json!({"voice": null}), "the page learns there is no microphone to show");

    let service = Transcriber::saying("ok").await;
    let (stack, _dir) = product(Some(stack::voice(&service.base)), (0, 0)).await;
    let features: Value =
        reqwest::get(format!("{}/web/features.json", stack.base)).await.unwrap().json().await.unwrap();
    assert_eq!(
        features,
        json!({"voice": {"max_seconds": chat_gateway::voice::DEFAULT_MAX_SECONDS, "max_bytes": chat_gateway::voice::DEFAULT_MAX_BYTES}})
    );
}

#[tokio::test]
async fn broken_base64_and_missing_fields_are_refused_before_anything_is_sent() {
    let service = Transcriber::saying("ok").await;
    let (stack, _dir) = product(Some(stack::voice(&service.base)), (0, 0)).await;
    let bad = [
        json!({"type": "input.transcribe", "params": {"audio_base64": "not base64 at all!", "mime_type": "audio/wav"}}),
        json!({"type": "input.transcribe", "params": {"audio_base64": "UklGRg=="}}),
        json!({"type": "input.transcribe", "params": {"mime_type": "audio/wav"}}),
        json!({"type": "input.transcribe", "params": {"audio_base64": "", "mime_type": "audio/wav"}}),
    ];
    for op in &bad {
        let (status, _, answer) = post(&stack, "alice", op, None).await;
        assert_eq!(status, 400, "{op}: {answer}");
        assert_eq!(answer["error"]["code"], "invalid_request", "{answer}");
    }
    let (_, _, answer) = post(&stack, "alice", &bad[0], None).await;
    assert!(answer["error"]["message"].as_str().unwrap().contains("base64"), "{answer}");
    assert!(service.requests().is_empty(), "nothing reached the service");
}

#[tokio::test]
async fn a_recording_at_the_size_limit_is_transcribed_one_byte_more_is_refused_and_the_body_limit_follows() {
    let service = Transcriber::saying("ok").await;
    // Over the 1 MiB body limit as base64, so the /chatkit limit has to grow with it.
    let max_bytes = 1_200_000;
    let settings = VoiceSettings { max_bytes, max_seconds: 3_600, ..stack::voice(&service.base) };
    let (stack, _dir) = product(Some(settings), (0, 0)).await;

    let (status, _, answer) =
        post(&stack, "alice", &transcribe_op(&webm(max_bytes), "audio/webm"), None).await;
    assert_eq!(status, 200, "a recording of exactly STT_MAX_BYTES: {answer}");
    assert_eq!(service.requests()[0].file.len(), max_bytes);

    let (status, _, answer) =
        post(&stack, "alice", &transcribe_op(&webm(max_bytes + 1), "audio/webm"), None).await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["error"]["code"], "too_large");
    assert!(answer["error"]["message"].as_str().unwrap().contains(&max_bytes.to_string()), "{answer}");

    // Far more base64 than the limit admits: refused as a body, whatever it says.
    let (status, _, answer) =
        post(&stack, "alice", &transcribe_op(&webm(3 * max_bytes), "audio/webm"), None).await;
    assert_eq!(status, 413, "{answer}");
    // Only input.transcribe may be larger than the ordinary body limit.
    let padded = json!({"type": "threads.list", "params": {}, "metadata": {"pad": "x".repeat(1_100_000)}});
    let (status, _, answer) = post(&stack, "alice", &padded, None).await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(service.requests().len(), 1, "only the recording within the limit was sent");
}

#[tokio::test]
async fn only_the_accepted_audio_types_are_taken_and_the_bytes_must_be_what_the_type_says() {
    let service = Transcriber::saying("ok").await;
    let (stack, _dir) = product(Some(stack::voice(&service.base)), (0, 0)).await;
    for mime in ["audio/flac", "text/plain", "image/png", ""] {
        let (status, _, answer) = post(&stack, "alice", &transcribe_op(&wav(0.5), mime), None).await;
        assert_eq!(status, 415, "{mime}: {answer}");
        assert_eq!(answer["error"]["code"], "unsupported_media_type");
        let message = answer["error"]["message"].as_str().unwrap();
        for accepted in ["audio/webm", "audio/ogg", "audio/wav", "audio/mp4", "audio/mpeg"] {
            assert!(message.contains(accepted), "the error names {accepted}: {message}");
        }
    }
    let (status, _, answer) = post(&stack, "alice", &transcribe_op(&webm(100), "audio/wav"), None).await;
    assert_eq!(status, 400, "WebM bytes called WAV: {answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("not a valid wav"), "{answer}");
    let (status, _, answer) =
        post(&stack, "alice", &transcribe_op(b"\0\0\0\x20ftypM4A rest", "audio/mp4"), None).await;
    assert_eq!(status, 200, "an MP4 container is taken: {answer}");
    assert_eq!(service.requests().len(), 1);
    assert_eq!(service.requests()[0].file_name.as_deref(), Some("audio.m4a"));
}

#[tokio::test]
async fn a_wav_over_the_duration_limit_is_refused_by_its_header() {
    let service = Transcriber::saying("ok").await;
    let settings = VoiceSettings { max_seconds: 2, ..stack::voice(&service.base) };
    let (stack, _dir) = product(Some(settings), (0, 0)).await;
    let (status, _, answer) = post(&stack, "alice", &transcribe_op(&wav(3.0), "audio/wav"), None).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("the limit is 2 s"), "{answer}");
    let (status, _, answer) = post(&stack, "alice", &transcribe_op(&wav(1.5), "audio/wav"), None).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(service.requests().len(), 1);
}

#[tokio::test]
async fn the_services_failures_are_clear_gateway_errors_that_leak_nothing() {
    let service = Transcriber::start(|received| match received.file.len() {
        // The test picks the failure by the recording's length.
        100 => Reply::Status(StatusCode::INTERNAL_SERVER_ERROR),
        101 => Reply::Status(StatusCode::UNAUTHORIZED),
        102 => Reply::Status(StatusCode::TOO_MANY_REQUESTS),
        103 => Reply::Status(StatusCode::BAD_REQUEST),
        104 => Reply::Silence(Duration::from_secs(4)),
        _ => Reply::Text("fine".into()),
    })
    .await;
    let settings = VoiceSettings { timeout: Duration::from_secs(1), ..stack::voice(&service.base) };
    let (stack, _dir) = product(Some(settings), (0, 0)).await;

    let cases = [
        (100, 502, "upstream_failed", None),
        (101, 502, "upstream_failed", None),
        (102, 503, "unavailable", Some("7")),
        (103, 400, "invalid_request", None),
        (104, 504, "upstream_timeout", None),
    ];
    for (len, want_status, want_code, want_retry) in cases {
        let (status, retry, answer) =
            post(&stack, "alice", &transcribe_op(&webm(len), "audio/webm"), None).await;
        assert_eq!(status.as_u16(), want_status, "{len}: {answer}");
        assert_eq!(answer["error"]["code"], want_code, "{answer}");
        assert_eq!(retry.as_deref(), want_retry, "{answer}");
        let text = answer.to_string();
        assert!(
            !text.contains("SECRET") && !text.contains("10.0.0.7"),
            "the upstream's body stays inside: {text}"
        );
        if want_status != 503 {
            assert!(text.contains("transcription service"), "says which service failed: {text}");
        }
    }

    // A service that is not there at all.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let gone = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let (stack, _dir) = product(Some(stack::voice(&gone)), (0, 0)).await;
    let (status, _, answer) = post(&stack, "alice", &transcribe_op(&webm(50), "audio/webm"), None).await;
    assert_eq!(status, 502, "{answer}");
    assert_eq!(answer["error"]["message"], "the transcription service cannot be reached");
}

#[tokio::test]
async fn transcriptions_share_the_per_user_rate_limit() {
    let service = Transcriber::saying("ok").await;
    let (stack, _dir) = product(Some(stack::voice(&service.base)), (1, 1)).await;
    let op = transcribe_op(&wav(0.2), "audio/wav");
    let (first, _, _) = post(&stack, "alice", &op, None).await;
    let (second, retry, answer) = post(&stack, "alice", &op, None).await;
    assert_eq!(first, 200);
    assert_eq!(second, 429, "{answer}");
    assert!(retry.is_some());
    let (other, _, _) = post(&stack, "bob", &op, None).await;
    assert_eq!(other, 200, "another user has an allowance of his own");
    assert_eq!(service.requests().len(), 2);
}

#[tokio::test]
async fn transcriptions_are_counted_by_outcome_and_timed_in_the_metrics() {
    let service = Transcriber::start(|received| {
        if received.file.len() == 100 {
            Reply::Status(StatusCode::BAD_GATEWAY)
        } else {
            Reply::Text("ok".into())
        }
    })
    .await;
    let (stack, _dir) = product(Some(stack::voice(&service.base)), (0, 0)).await;
    let count = |scrape: &str, outcome: &str| {
        stack::metric(scrape, "chat_gateway_transcriptions_total", &[&format!("outcome=\"{outcome}\"")])
            .unwrap_or(0.0)
    };
    let timed = |scrape: &str, outcome: &str| {
        stack::metric(
            scrape,
            "chat_gateway_transcription_duration_seconds_count",
            &[&format!("outcome=\"{outcome}\"")],
        )
        .unwrap_or(0.0)
    };
    let before = stack::scrape(&stack.base).await;
    post(&stack, "alice", &transcribe_op(&webm(200), "audio/webm"), None).await;
    post(&stack, "alice", &transcribe_op(&webm(100), "audio/webm"), None).await;
    post(&stack, "alice", &transcribe_op(&webm(200), "audio/flac"), None).await;
    let after = stack::scrape(&stack.base).await;
    for outcome in ["ok", "failed", "invalid"] {
        assert!(count(&after, outcome) >= count(&before, outcome) + 1.0, "{outcome} counted:\n{after}");
    }
    for outcome in ["ok", "failed"] {
        assert!(timed(&after, outcome) >= timed(&before, outcome) + 1.0, "{outcome} timed:\n{after}");
    }
    assert!(after.contains("# TYPE chat_gateway_transcription_duration_seconds"), "{after}");
}

#[tokio::test]
async fn large_recordings_in_flight_are_bounded_and_small_ones_are_not_held_back() {
    let large = 1_000_000; // over the ordinary 1 MiB body limit once in base64
    let service = Transcriber::start(move |received| {
        // Long enough that the checks below run while it holds its place, however slow the machine.
        if received.file.len() == large {
            Reply::Silence(Duration::from_secs(8))
        } else {
            Reply::Text("ok".into())
        }
    })
    .await;
    let settings = VoiceSettings {
        max_bytes: 1_200_000,
        max_concurrent: 1,
        timeout: Duration::from_secs(30),
        ..stack::voice(&service.base)
    };
    let (stack, _dir) = product(Some(settings), (0, 0)).await;
    let op = transcribe_op(&webm(large), "audio/webm");

    let (http, url, token, first_op) =
        (stack.http.clone(), format!("{}/chatkit", stack.base), stack.token("alice"), op.clone());
    let first = tokio::spawn(async move {
        http.post(url).bearer_auth(token).json(&first_op).send().await.unwrap().status()
    });
    while service.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, retry, answer) = post(&stack, "bob", &op, None).await;
    assert_eq!(status, 429, "{answer}");
    assert_eq!(answer["error"]["code"], "too_many_recordings");
    assert_eq!(retry.as_deref(), Some("1"));
    let (status, _, answer) = post(&stack, "bob", &transcribe_op(&wav(0.5), "audio/wav"), None).await;
    assert_eq!(status, 200, "a small recording needs no place: {answer}");
    assert_eq!(first.await.unwrap(), 200, "the first large recording was transcribed");
    let (status, _, answer) = post(&stack, "bob", &op, None).await;
    assert_eq!(status, 200, "its place is free again: {answer}");
}
