//! The chat page's microphone in a real browser: headless Debian Chromium with a fake microphone
//! (`--use-fake-device-for-media-stream --use-file-for-fake-audio-capture`) playing a WAV that
//! Debian's `espeak-ng` speaks at test time ("add buy milk tomorrow"), driven by
//! `tests/web/voice.mjs` through playwright-core, against the real gateway (offline agent, SQLite)
//! and a real mcp-tasks, with a scripted OpenAI-compatible transcription service. The page
//! records with MediaRecorder, the service receives real audio (a WebM, Ogg or WAV container of
//! some size, checked here), the transcript lands in the composer, and sending it adds the task
//! (checked in mcp-tasks). A second gateway without voice shows no microphone. Screenshots go to
//! `target/web-screenshots/`.
//!
//! Opt-in like `web_browser.rs`:
//!
//! ```sh
//! eval "$(bash chat-gateway/tests/web/setup.sh)"   # also exports WEB_ESPEAK
//! cargo test -p chat-gateway --test web_voice -- --nocapture
//! ```
//!
//! Without those variables the test prints one `skipped:` line and passes; when `CI` is set it
//! fails instead, so CI cannot go green without having run the browser.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use support::browser::{expect_success, run, target_dir, web_tools};
use support::product::Stack;
use support::stack::{self, GatewayOptions};
use support::transcriber::Transcriber;
use tokio::process::Command;

/// What espeak-ng says, and what the scripted service answers.
const SPOKEN: &str = "add buy milk tomorrow";

/// `WEB_ESPEAK`, or `None` after printing why the test is skipped (a panic when `CI` is set).
fn espeak() -> Option<PathBuf> {
    match std::env::var_os("WEB_ESPEAK").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var_os("CI").is_some() => {
            panic!(
                "WEB_ESPEAK is not set but CI is: run `eval \"$(bash chat-gateway/tests/web/setup.sh)\"` first"
            )
        }
        None => {
            println!("skipped: set WEB_ESPEAK (see chat-gateway/tests/web/setup.sh)");
            None
        }
    }
}

/// Speaks [`SPOKEN`] into a WAV file under the target directory.
async fn speech(espeak: &Path) -> PathBuf {
    let dir = target_dir().join("web-voice");
    std::fs::create_dir_all(&dir).unwrap();
    let wav = dir.join("add-buy-milk-tomorrow.wav");
    let status = Command::new(espeak).arg("-w").arg(&wav).args(["-s", "140", SPOKEN]).status().await.unwrap();
    assert!(status.success(), "espeak-ng failed: {status}");
    let bytes = std::fs::read(&wav).unwrap();
    assert!(
        bytes.starts_with(b"RIFF") && bytes.len() > 10_000,
        "espeak-ng wrote a WAV ({} bytes)",
        bytes.len()
    );
    wav
}

#[tokio::test]
async fn a_person_speaks_a_task_into_the_microphone_corrects_nothing_and_sends_it_in_headless_chromium() {
    let Some(tools) = web_tools() else { return };
    let Some(espeak) = espeak() else { return };
    let wav = speech(&espeak).await;
    let service = Transcriber::saying(SPOKEN).await;
    let (chat, _chat_dir) = support::sqlite_store().await;
    let options = GatewayOptions { voice: Some(stack::voice(&service.base)), ..GatewayOptions::default() };
    let with_voice = Stack::build(chat, options, stack::offline_agent).await;
    let (chat, _other_dir) = support::sqlite_store().await;
    let without_voice = Stack::build(chat, GatewayOptions::default(), stack::offline_agent).await;

    let mut cmd = Command::new(&tools.node);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/voice.mjs"))
        .env("WEB_BASE_URL", &with_voice.base)
        .env("WEB_NO_VOICE_URL", &without_voice.base)
        .env("WEB_TOKEN", stack::token("alice"))
        .env("WEB_AUDIO", &wav)
        .env("WEB_SPOKEN", SPOKEN)
        .env("WEB_CHROMIUM", &tools.chromium)
        .env("WEB_PLAYWRIGHT", &tools.playwright)
        .env("WEB_SCREENSHOTS", target_dir().join("web-screenshots"));
    let out = run(cmd).await;
    expect_success(&out);

    let sent = service.requests();
    assert_eq!(sent.len(), 1, "one recording was transcribed");
    let audio = &sent[0];
    let container =
        [&[0x1A, 0x45, 0xDF, 0xA3][..], b"OggS", b"RIFF"].iter().any(|magic| audio.file.starts_with(magic));
    assert!(container, "a real WebM, Ogg or WAV recording: {:02x?}", &audio.file[..audio.file.len().min(16)]);
    assert!(audio.file.len() > 2_000, "seconds of audio, not a stub: {} bytes", audio.file.len());
    assert_eq!(audio.model.as_deref(), Some("whisper-test"));
    assert_eq!(audio.language.as_deref(), Some("en"), "the page's language is the hint");
    assert!(audio.file_name.as_deref().is_some_and(|n| n.starts_with("audio.")), "{:?}", audio.file_name);
    let titles = with_voice.task_titles("alice").await;
    assert!(titles.iter().any(|t| t == "buy milk"), "the spoken task exists: {titles:?}");
}
