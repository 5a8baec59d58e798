//! The `chat-gateway` binary: `token` mints a token the gateway accepts, `--help` lists the
//! commands, and configuration errors exit non-zero with one line naming the variable.
#![allow(clippy::unwrap_used)]

use std::process::Command;

const SECRET: &str = "cli-test-secret-cli-test-secret-cli-test";

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chat-gateway"));
    for var in [
        "JWT_SECRET",
        "JWT_JWKS_URL",
        "JWT_AUDIENCE",
        "JWT_ISSUER",
        "CHAT_DATABASE_URL",
        "TASKS_TOKEN_SECRET",
        "MCP_TASKS_URL",
        "SHUTDOWN_GRACE",
        "GATEWAY_BIND",
        "OIDC_ISSUER",
        "OIDC_CLIENT_ID",
        "OIDC_SCOPES",
        "STT_BASE_URL",
        "STT_API_KEY",
        "STT_MODEL",
        "STT_ENABLED",
        "STT_MAX_BYTES",
        "STT_MAX_SECONDS",
        "STT_TIMEOUT",
        "STT_MAX_CONCURRENT",
        "OPENAI_API_KEY",
        "GROQ_API_KEY",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[tokio::test]
async fn token_mints_a_token_the_gateway_accepts() {
    let out = binary()
        .args(["token", "--user", "alice", "--ttl", "1h", "--tz", "Asia/Karachi"])
        .env("JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap();
    let key = shared::identity::TokenKey::new(SECRET).unwrap();
    let auth = chat_gateway::auth::Authenticator::new(Some(key), None);
    let user = auth.verify(token.trim()).await.unwrap();
    assert_eq!((user.id.as_str(), user.tz.as_deref()), ("alice", Some("Asia/Karachi")));
}

#[test]
fn help_lists_the_commands() {
    let help = String::from_utf8(binary().arg("--help").output().unwrap().stdout).unwrap();
    for command in ["serve", "token", "migrate"] {
        assert!(help.contains(command), "{help}");
    }
}

/// Arguments, environment, and the variable the error must name.
type Case = (&'static [&'static str], &'static [(&'static str, &'static str)], &'static str);

/// Each case exits 2 with one line on stderr naming its variable.
fn assert_one_line_configuration_errors(cases: &[Case]) {
    for &(args, env, variable) in cases {
        let out = binary().args(args).envs(env.iter().copied()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(variable), "{stderr}");
    }
}

#[test]
fn configuration_errors_are_one_line_naming_the_variable() {
    let cases: [Case; 9] = [
        (&["token", "--user", "a"], &[], "JWT_SECRET"),
        (&["serve"], &[], "JWT_SECRET"),
        (&["serve"], &[("JWT_SECRET", SECRET)], "TASKS_TOKEN_SECRET"),
        (&["serve"], &[("JWT_SECRET", SECRET), ("TASKS_TOKEN_SECRET", "short")], "TASKS_TOKEN_SECRET"),
        (&["token", "--user", "a"], &[("JWT_SECRET", "short")], "JWT_SECRET"),
        (&["migrate"], &[("CHAT_DATABASE_URL", "mysql://x")], "CHAT_DATABASE_URL"),
        (&["migrate"], &[("MCP_TASKS_URL", "not a url")], "MCP_TASKS_URL"),
        (&["migrate"], &[("SHUTDOWN_GRACE", "soon")], "SHUTDOWN_GRACE"),
        (&["migrate"], &[("GATEWAY_BIND", "everywhere")], "GATEWAY_BIND"),
    ];
    assert_one_line_configuration_errors(&cases);
}

#[test]
fn a_jwks_url_without_audience_and_issuer_or_over_plain_http_is_a_one_line_configuration_error() {
    const JWKS: (&str, &str) = ("JWT_JWKS_URL", "https://id.example/jwks.json");
    let cases: [Case; 4] = [
        (&["serve"], &[JWKS, ("JWT_ISSUER", "https://id.example")], "JWT_AUDIENCE"),
        (&["serve"], &[JWKS, ("JWT_AUDIENCE", "app")], "JWT_ISSUER"),
        (
            &["migrate"],
            &[("JWT_JWKS_URL", "http://id.example/jwks.json"), ("JWT_AUDIENCE", "a"), ("JWT_ISSUER", "i")],
            "JWT_JWKS_URL",
        ),
        (
            &["serve"],
            &[("JWT_JWKS_URL", "not a url"), ("JWT_AUDIENCE", "a"), ("JWT_ISSUER", "i")],
            "JWT_JWKS_URL",
        ),
    ];
    assert_one_line_configuration_errors(&cases);
}

#[tokio::test]
async fn token_mints_with_the_configured_audience_and_issuer_so_the_gateway_still_accepts_it() {
    let out = binary()
        .args(["token", "--user", "alice"])
        .env("JWT_SECRET", SECRET)
        .env("JWT_AUDIENCE", "task-app")
        .env("JWT_ISSUER", "https://id.example")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap();
    let settings = |audience: &str| chat_gateway::auth::AuthSettings {
        hs256: Some(shared::identity::TokenKey::new(SECRET).unwrap()),
        keys: None,
        expected: shared::identity::Expected {
            audience: Some(audience.into()),
            issuer: Some("https://id.example".into()),
        },
        freshness: shared::jwks::Freshness::default(),
    };
    let auth = chat_gateway::auth::Authenticator::with_settings(settings("task-app"));
    assert_eq!(auth.verify(token.trim()).await.unwrap().id, "alice");
    let other = chat_gateway::auth::Authenticator::with_settings(settings("another-app"));
    assert!(other.verify(token.trim()).await.is_err(), "the audience is checked on HS256 tokens");
}

#[test]
fn the_pages_openid_sign_in_settings_that_do_not_fit_are_one_line_configuration_errors() {
    const ISSUER: (&str, &str) = ("OIDC_ISSUER", "https://id.example");
    const CLIENT: (&str, &str) = ("OIDC_CLIENT_ID", "tasks-web");
    const JWKS: (&str, &str) = ("JWT_JWKS_URL", "https://id.example/jwks");
    const AUD: (&str, &str) = ("JWT_AUDIENCE", "https://chat.example/");
    const ISS: (&str, &str) = ("JWT_ISSUER", "https://id.example");
    let cases: [Case; 6] = [
        (&["migrate"], &[CLIENT, JWKS, AUD, ISS], "OIDC_ISSUER"),
        (&["migrate"], &[ISSUER, JWKS, AUD, ISS], "OIDC_CLIENT_ID"),
        (&["migrate"], &[ISSUER, CLIENT], "JWT_JWKS_URL"),
        (&["migrate"], &[("OIDC_ISSUER", "http://id.example"), CLIENT, JWKS, AUD, ISS], "OIDC_ISSUER"),
        (&["migrate"], &[("OIDC_ISSUER", "not a url"), CLIENT, JWKS, AUD, ISS], "OIDC_ISSUER"),
        (&["migrate"], &[ISSUER, CLIENT, JWKS, AUD, ISS, ("OIDC_SCOPES", "profile email")], "OIDC_SCOPES"),
    ];
    assert_one_line_configuration_errors(&cases);
}

#[test]
fn voice_settings_that_do_not_fit_are_one_line_configuration_errors() {
    const LOCAL: (&str, &str) = ("STT_BASE_URL", "http://127.0.0.1:9000/v1");
    let cases: [Case; 7] = [
        (&["migrate"], &[("STT_BASE_URL", "whisper.local")], "STT_BASE_URL"),
        (&["migrate"], &[LOCAL, ("STT_MAX_CONCURRENT", "0")], "STT_MAX_CONCURRENT"),
        (&["migrate"], &[("STT_MODEL", "whisper-1")], "STT_MODEL"),
        (&["migrate"], &[LOCAL, ("STT_MAX_BYTES", "lots")], "STT_MAX_BYTES"),
        (&["migrate"], &[LOCAL, ("STT_MAX_BYTES", "104857600")], "STT_MAX_BYTES"),
        (&["migrate"], &[LOCAL, ("STT_TIMEOUT", "soon")], "STT_TIMEOUT"),
        (&["migrate"], &[LOCAL, ("STT_ENABLED", "maybe")], "STT_ENABLED"),
    ];
    assert_one_line_configuration_errors(&cases);
}
