//! The `mcp-tasks` binary's configuration errors: each exits with code 2 and one line
//! naming the variable at fault, before anything is opened or bound.
#![allow(clippy::unwrap_used)]

use std::process::Command;

const VARS: [&str; 12] = [
    "TASKS_DATABASE_URL",
    "TASKS_BIND",
    "TASKS_TOKEN_SECRET",
    "TASKS_DEFAULT_TZ",
    "REMINDER_WEBHOOK_URL",
    "REMINDER_WEBHOOK_SECRET",
    "REMINDER_MAX_ATTEMPTS",
    "SHUTDOWN_GRACE",
    "LOG_FORMAT",
    "TASKS_OAUTH_ISSUER",
    "TASKS_OAUTH_JWKS_URL",
    "TASKS_PUBLIC_URL",
];

/// Arguments, environment, and the variable the error must name.
type Case = (&'static [&'static str], &'static [(&'static str, &'static str)], &'static str);

#[test]
fn configuration_errors_are_one_line_naming_the_variable() {
    let cases: [Case; 10] = [
        (&["serve"], &[], "TASKS_TOKEN_SECRET"),
        (&["serve"], &[("TASKS_TOKEN_SECRET", "short")], "TASKS_TOKEN_SECRET"),
        (&["token", "--user", "a"], &[], "TASKS_TOKEN_SECRET"),
        (&["migrate"], &[("TASKS_DATABASE_URL", "mysql://x")], "TASKS_DATABASE_URL"),
        (&["migrate"], &[("TASKS_BIND", "everywhere")], "TASKS_BIND"),
        (&["migrate"], &[("TASKS_DEFAULT_TZ", "Mars/Olympus")], "TASKS_DEFAULT_TZ"),
        (&["migrate"], &[("REMINDER_WEBHOOK_URL", "ftp://x")], "REMINDER_WEBHOOK_URL"),
        (&["migrate"], &[("REMINDER_WEBHOOK_URL", "http://hooks.test/r")], "REMINDER_WEBHOOK_SECRET"),
        (
            &["migrate"],
            &[
                ("REMINDER_WEBHOOK_URL", "http://hooks.test/r"),
                ("REMINDER_WEBHOOK_SECRET", "0123456789abcdef0123"),
                ("REMINDER_MAX_ATTEMPTS", "0"),
            ],
            "REMINDER_MAX_ATTEMPTS",
        ),
        (&["migrate"], &[("SHUTDOWN_GRACE", "soon")], "SHUTDOWN_GRACE"),
    ];
    cases.into_iter().for_each(assert_one_line_error);
}

#[test]
fn oauth_settings_that_do_not_fit_together_are_one_line_errors_naming_the_variable() {
    const SECRET: (&str, &str) = ("TASKS_TOKEN_SECRET", "0123456789abcdef0123456789abcdef");
    let cases: [Case; 5] = [
        (&["serve"], &[SECRET, ("TASKS_OAUTH_ISSUER", "https://id.example")], "TASKS_PUBLIC_URL"),
        (
            &["serve"],
            &[SECRET, ("TASKS_OAUTH_ISSUER", "https://id.example"), ("TASKS_PUBLIC_URL", "tasks.example")],
            "TASKS_PUBLIC_URL",
        ),
        (&["serve"], &[SECRET, ("TASKS_OAUTH_JWKS_URL", "https://id.example/jwks")], "TASKS_OAUTH_ISSUER"),
        (
            &["serve"],
            &[SECRET, ("TASKS_OAUTH_ISSUER", "http://id.example"), ("TASKS_PUBLIC_URL", "https://t.example")],
            "TASKS_OAUTH_ISSUER",
        ),
        (&["serve"], &[SECRET, ("TASKS_OAUTH_ISSUER", "not a url")], "TASKS_OAUTH_ISSUER"),
    ];
    cases.into_iter().for_each(assert_one_line_error);
}

/// Runs the binary with only `env` of [`VARS`] set; it must exit 2 with one line naming `variable`.
fn assert_one_line_error((args, env, variable): Case) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcp-tasks"));
    for var in VARS {
        cmd.env_remove(var);
    }
    let out = cmd.args(args).envs(env.iter().copied()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(variable), "{stderr}");
}
