//! The `mcp-tasks` binary's configuration errors: each exits with code 2 and one line
//! naming the variable at fault, before anything is opened or bound.
#![allow(clippy::unwrap_used)]

use std::process::Command;

const VARS: [&str; 9] = [
    "TASKS_DATABASE_URL",
    "TASKS_BIND",
    "TASKS_TOKEN_SECRET",
    "TASKS_DEFAULT_TZ",
    "REMINDER_WEBHOOK_URL",
    "REMINDER_WEBHOOK_SECRET",
    "REMINDER_MAX_ATTEMPTS",
    "SHUTDOWN_GRACE",
    "LOG_FORMAT",
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
    for (args, env, variable) in cases {
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
}
