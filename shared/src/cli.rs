//! What both binaries' command lines share: the `token` command's arguments, and how a run
//! ends (the exit code, and one line on stderr for an error).

use std::fmt::Display;
use std::process::ExitCode;
use std::time::Duration;

use crate::config::{ConfigError, parse_duration};

/// The arguments of `token` in both binaries.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The user the token speaks for.
    #[arg(long)]
    pub user: String,
    /// How long it is valid, e.g. 30d, 12h (default 30d).
    #[arg(long, default_value = "30d", value_parser = parse_duration)]
    pub ttl: Duration,
}

/// A configuration error, as `PROGRAM: configuration error: …` on stderr and exit code 2.
pub fn config_error(program: &str, e: &impl Display) -> ExitCode {
    eprintln!("{program}: configuration error: {e}");
    ExitCode::from(2)
}

/// How a command ended: success; a [`ConfigError`] anywhere in the chain (a setting only this
/// command needs, e.g. a secret for `serve`) as [`config_error`]; any other error as one line
/// with its causes and exit code 1.
pub fn exit_code(program: &str, outcome: anyhow::Result<()>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.chain().any(|cause| cause.is::<ConfigError>()) => config_error(program, &e),
        Err(e) => {
            eprintln!("{program}: {e:#}");
            ExitCode::FAILURE
        }
    }
}
