//! `mcp-tasks`: parse the command line, read the configuration, start the chosen face.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use mcp_tasks::config::Config;
use mcp_tasks::http::{self, HttpState};
use mcp_tasks::tools::TaskServer;
use mcp_tasks::{reminders, store};
use rmcp::ServiceExt;
use shared::identity::TASKS_AUDIENCE;
use tokio_util::sync::CancellationToken;

/// An MCP server with eleven task tools, over stdio or streamable HTTP.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve MCP over stdin/stdout for one user (logs go to stderr).
    Stdio {
        /// The user whose tasks these are (default: TASKS_USER, else `local`).
        #[arg(long)]
        user: Option<String>,
    },
    /// Serve streamable HTTP MCP at /mcp (stateless; Bearer tokens), with /healthz and /readyz.
    Serve {
        /// Address to listen on (default: TASKS_BIND, else 127.0.0.1:8001).
        #[arg(long)]
        bind: Option<SocketAddr>,
    },
    /// Print a token for an MCP host that connects over HTTP.
    Token {
        /// The user the token speaks for.
        #[arg(long)]
        user: String,
        /// How long it is valid, e.g. 30d, 12h (default 30d).
        #[arg(long, default_value = "30d", value_parser = shared::config::parse_duration)]
        ttl: Duration,
    },
    /// Apply database migrations and exit.
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("mcp-tasks: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    shared::telemetry::init(config.log_format);
    match run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        // A setting a command needs (e.g. a secret for `serve`): the same one line and code.
        Err(e) if e.downcast_ref::<shared::config::ConfigError>().is_some() => {
            eprintln!("mcp-tasks: configuration error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("mcp-tasks: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Token { user, ttl } => {
            let key = config.require_token_key()?;
            println!("{}", key.mint(&user, TASKS_AUDIENCE, "mcp-tasks", None, ttl));
            Ok(())
        }
        Command::Migrate => {
            let store = store::connect(&config.database_url).await.context("opening the database")?;
            store.migrate().await?;
            eprintln!("mcp-tasks: migrations applied");
            Ok(())
        }
        Command::Stdio { user } => {
            let store = store::connect(&config.database_url).await.context("opening the database")?;
            store.migrate().await?;
            let user = user.unwrap_or(config.user);
            tracing::info!(%user, "serving MCP over stdio");
            let server = TaskServer::for_local_user(store, config.default_tz, &user);
            server.serve(rmcp::transport::stdio()).await?.waiting().await?;
            Ok(())
        }
        Command::Serve { bind } => {
            let key = config.require_token_key()?.clone();
            let store = store::connect(&config.database_url).await.context("opening the database")?;
            store.migrate().await?;
            let shutdown = CancellationToken::new();
            if let Some(webhook) = config.reminder_webhook.clone() {
                tokio::spawn(reminders::run(
                    store.clone(),
                    webhook,
                    reminders::POLL_INTERVAL,
                    shutdown.clone(),
                ));
            }
            let state = HttpState {
                server: TaskServer::new(store.clone(), config.default_tz),
                store,
                key,
                allowed_hosts: config.allowed_hosts.clone(),
            };
            let addr = bind.unwrap_or(config.bind);
            let listener =
                tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
            tracing::info!(addr = %listener.local_addr()?, "serving MCP over HTTP at /mcp");
            tokio::spawn(shared::shutdown::on_signal(shutdown.clone()));
            // MCP requests are aborted only once draining is over, not when it starts.
            let stop = CancellationToken::new();
            let app = http::app(state, &stop);
            http::run_with_grace(listener, app, shutdown, config.shutdown_grace).await?;
            stop.cancel();
            Ok(())
        }
    }
}
