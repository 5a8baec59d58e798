//! `chat-gateway`: parse the command line, read the configuration, start the gateway.

use std::net::SocketAddr;
use std::process::ExitCode;

use chat_gateway::config::Config;
use chat_gateway::startup;
use clap::Parser;
use shared::cli::TokenArgs;
use tokio_util::sync::CancellationToken;

/// A ChatKit server for a task assistant.
#[derive(Parser)]
#[command(version, about, long_about = None)]
enum Command {
    /// Serve the gateway (ChatKit at /chatkit, JSON at /api/chat, the chat page at /, /healthz, /readyz).
    Serve {
        /// Address to listen on (default: GATEWAY_BIND, else 127.0.0.1:8000).
        #[arg(long)]
        bind: Option<SocketAddr>,
    },
    /// Print a user token signed with JWT_SECRET (development and tests).
    Token {
        #[command(flatten)]
        token: TokenArgs,
        /// An IANA time zone to put in the token, e.g. Asia/Karachi.
        #[arg(long)]
        tz: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// One-command local stack: mcp-tasks as a child, both on SQLite in the data directory,
    /// dev secrets kept in a file; prints the URL and a dev token. Ctrl-C stops both.
    Dev {
        /// Address to listen on (default: GATEWAY_BIND, else 127.0.0.1:8000).
        #[arg(long)]
        bind: Option<SocketAddr>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = Command::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return shared::cli::config_error("chat-gateway", &e),
    };
    shared::telemetry::init(config.log_format);
    shared::cli::exit_code("chat-gateway", run(command, config).await)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Token { token: TokenArgs { user, ttl }, tz } => {
            let key = config.jwt_key.as_ref().ok_or_else(|| {
                shared::config::ConfigError::new("JWT_SECRET", "is required to mint tokens (32+ characters)")
            })?;
            let (audience, issuer) = chat_gateway::auth::token_party(&config.jwt_expected);
            println!("{}", key.mint(&user, audience, issuer, tz.as_deref(), ttl));
            Ok(())
        }
        Command::Migrate => {
            startup::migrated_store(&config).await?;
            eprintln!("chat-gateway: migrations applied");
            Ok(())
        }
        Command::Serve { bind } => {
            config.require_auth()?;
            let app = startup::app_from_config(&config).await?;
            let listener = startup::bind(bind.unwrap_or(config.bind)).await?;
            let shutdown = CancellationToken::new();
            tokio::spawn(shared::shutdown::on_signal(shutdown.clone()));
            if let Some(addr) = config.metrics_bind {
                let metrics = startup::bind_metrics(addr).await?;
                tokio::spawn(shared::metrics::serve(metrics, shutdown.clone()));
            }
            startup::serve(listener, app, shutdown, (config.shutdown_grace, config.connections)).await?;
            Ok(())
        }
        Command::Dev { bind } => Ok(chat_gateway::dev::run(config, bind).await?),
    }
}
