//! A real OpenID provider for the OAuth tests: `tests/external/oidc/provider.mjs`, the
//! certified `oidc-provider` npm package, installed by `tests/external/setup.sh`, which
//! prints `OIDC_PROVIDER` (node and the script) and `OIDC_PROVIDER_MODULES`. Unset: the
//! test prints one `skipped:` line, or fails when `CI` is set.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The static client the tests take client-credentials tokens with, and its secret.
pub const CLIENT: (&str, &str) = ("tasks-robot", "robot-secret-robot-secret-robot-secret");
/// A second client (a second subject) with both scopes.
pub const OTHER_CLIENT: (&str, &str) = ("other-robot", "other-secret-other-secret-other-secret");
/// A client allowed only `tasks:read`.
pub const READER: (&str, &str) = ("reader-robot", "reader-secret-reader-secret-reader");
/// A resource the provider knows that is not mcp-tasks.
pub const OTHER_RESOURCE: &str = "https://other.example/mcp";

/// A running provider, killed when dropped.
pub struct Provider {
    /// Its issuer, as its tokens name it.
    pub issuer: String,
    /// Where it listens (differs from the issuer for a provider that borrows another's).
    pub base: String,
    _child: Child,
}

/// How to start one: the resources it issues tokens for, where its signing key is kept (a
/// second provider sharing the file signs with the same key), and optionally an issuer to
/// claim and a clock offset.
pub struct Options<'a> {
    /// Resource indicators it accepts.
    pub resources: Vec<String>,
    /// The signing key file (written by the first provider, read by the next).
    pub keys: &'a Path,
    /// An issuer to claim instead of its own address.
    pub issuer: Option<&'a str>,
    /// Seconds added to its clock (negative: it lives in the past).
    pub clock_offset_seconds: i64,
}

/// The `OIDC_PROVIDER` command, or None (after saying why) when it is not installed.
pub fn command() -> Option<Vec<String>> {
    match std::env::var("OIDC_PROVIDER") {
        Ok(v) if !v.trim().is_empty() => Some(v.split_whitespace().map(str::to_owned).collect()),
        _ if std::env::var_os("CI").is_some() => panic!(
            "OIDC_PROVIDER is not set but CI is: run `eval \"$(bash mcp-tasks/tests/external/setup.sh)\"` first"
        ),
        _ => {
            println!(
                "skipped: set OIDC_PROVIDER and OIDC_PROVIDER_MODULES; tests/external/setup.sh prints them"
            );
            None
        }
    }
}

impl Provider {
    /// Starts the provider and waits until it listens.
    pub async fn start(command: &[String], options: &Options<'_>) -> Self {
        let client = |(id, secret): (&str, &str), scope: &str| serde_json::json!({"client_id": id, "client_secret": secret, "scope": scope});
        let config = serde_json::json!({
            "port": 0,
            "issuer": options.issuer,
            "resources": options.resources,
            "keys": options.keys,
            "clockOffsetSeconds": options.clock_offset_seconds,
            "clients": [
                client(CLIENT, "tasks:read tasks:write"),
                client(OTHER_CLIENT, "tasks:read tasks:write"),
                client(READER, "tasks:read"),
            ],
        });
        let mut child = Command::new(&command[0])
            .args(&command[1..])
            .arg(config.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the OpenID provider");
        let stdout = child.stdout.take().expect("provider stdout");
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        let read = reader.read_line(&mut line);
        tokio::time::timeout(Duration::from_secs(30), read).await.expect("provider started").expect("read");
        let started: serde_json::Value = serde_json::from_str(&line).expect("provider's first line is JSON");
        let base = format!("http://127.0.0.1:{}", started["port"]);
        let issuer = started["issuer"].as_str().expect("issuer").to_owned();
        Self { issuer, base, _child: child }
    }

    /// A client-credentials access token for `client`, `resource` and `scope`.
    pub async fn token(&self, (id, secret): (&str, &str), resource: &str, scope: &str) -> String {
        let mut form = reqwest::Url::parse("http://form.invalid/").unwrap();
        form.query_pairs_mut().extend_pairs([
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("resource", resource),
            ("scope", scope),
        ]);
        let response = reqwest::Client::new()
            .post(format!("{}/token", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.query().unwrap_or_default().to_owned())
            .send()
            .await
            .expect("token request");
        let status = response.status();
        let body: serde_json::Value = response.json().await.expect("token response is JSON");
        assert!(status.is_success(), "token for {id}: {status} {body}");
        body["access_token"].as_str().expect("access_token").to_owned()
    }
}
