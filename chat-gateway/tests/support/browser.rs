//! Driving a real browser from a test: Node, Debian's Chromium and playwright-core as
//! `tests/web/setup.sh` exported them (`WEB_NODE`, `WEB_CHROMIUM`, `WEB_PLAYWRIGHT`), and
//! running a script to completion with its output.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::Command;

/// Longest a browser script may take.
pub const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);

/// Node, Chromium and playwright-core as the setup script exported them.
pub struct WebTools {
    /// Node.
    pub node: PathBuf,
    /// Chromium.
    pub chromium: PathBuf,
    /// The playwright-core package directory.
    pub playwright: PathBuf,
}

/// The tools from `WEB_NODE`, `WEB_CHROMIUM` and `WEB_PLAYWRIGHT`, or `None` after printing why
/// the test is skipped. Panics instead when `CI` is set: CI must run the browser.
pub fn web_tools() -> Option<WebTools> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    match (var("WEB_NODE"), var("WEB_CHROMIUM"), var("WEB_PLAYWRIGHT")) {
        (Some(node), Some(chromium), Some(playwright)) => Some(WebTools { node, chromium, playwright }),
        _ if std::env::var_os("CI").is_some() => panic!(
            "WEB_NODE, WEB_CHROMIUM and WEB_PLAYWRIGHT are not all set but CI is: run \
             `eval \"$(bash chat-gateway/tests/web/setup.sh)\"` first"
        ),
        _ => {
            println!(
                "skipped: set WEB_NODE, WEB_CHROMIUM and WEB_PLAYWRIGHT (see chat-gateway/tests/web/setup.sh)"
            );
            None
        }
    }
}

/// The target directory this test binary was built into (`<target>/debug/deps/web_browser-…`).
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"), Path::to_path_buf)
}

/// Runs `cmd` to completion (killed after [`SCRIPT_TIMEOUT`]), capturing its output.
pub async fn run(mut cmd: Command) -> Output {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let child =
        cmd.spawn().unwrap_or_else(|e| panic!("cannot start WEB_NODE {:?}: {e}", cmd.as_std().get_program()));
    match tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output()).await {
        Ok(out) => out.unwrap(),
        Err(_) => panic!("browser.mjs did not finish within {SCRIPT_TIMEOUT:?}"),
    }
}

/// Prints the script's steps; panics with its output when one failed.
pub fn expect_success(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "browser.mjs failed ({}):\n{stdout}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
