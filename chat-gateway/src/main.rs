//! `chat-gateway`: parse the command line, read the configuration, start the gateway.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chat_gateway::agent::llm::{LlmClient, LlmConfig};
use chat_gateway::agent::{Agent, Brain};
use chat_gateway::auth::Authenticator;
use chat_gateway::chatkit::ChatKitServer;
use chat_gateway::config::Config;
use chat_gateway::http::{self, AppState};
use chat_gateway::store;
use chat_gateway::tasks_client::TasksClient;
use clap::{Parser, Subcommand};
use tokio_util::sync::CancellationToken;

/// How long one call to mcp-tasks may take.
const TASKS_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the model may stay silent.
const LLM_TIMEOUT: Duration = Duration::from_secs(60);

/// A ChatKit server for a task assistant.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gateway (ChatKit at /chatkit, JSON at /api/chat, /healthz, /readyz).
    Serve {
        /// Address to listen on (default: GATEWAY_BIND, else 127.0.0.1:8000).
        #[arg(long)]
        bind: Option<SocketAddr>,
    },
    /// Print a user token signed with JWT_SECRET (development and tests).
    Token {
        /// The user the token speaks for.
        #[arg(long)]
        user: String,
        /// How long it is valid, e.g. 30d, 12h (default 30d).
        #[arg(long, default_value = "30d", value_parser = shared::config::parse_duration)]
        ttl: Duration,
        /// An IANA time zone to put in the token, e.g. Asia/Karachi.
        #[arg(long)]
        tz: Option<String>,
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
            eprintln!("chat-gateway: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    shared::telemetry::init(config.log_format);
    match run(cli.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        // A setting a command needs (e.g. a secret for `serve`): the same one line and code.
        Err(e) if e.downcast_ref::<shared::config::ConfigError>().is_some() => {
            eprintln!("chat-gateway: configuration error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("chat-gateway: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Token { user, ttl, tz } => {
            let key = config.jwt_key.as_ref().ok_or_else(|| {
                shared::config::ConfigError::new("JWT_SECRET", "is required to mint tokens (32+ characters)")
            })?;
            println!("{}", key.mint(&user, "chat-gateway", "chat-gateway", tz.as_deref(), ttl));
            Ok(())
        }
        Command::Migrate => {
            let store = store::connect(&config.database_url).await.context("opening the database")?;
            store.migrate().await?;
            eprintln!("chat-gateway: migrations applied");
            Ok(())
        }
        Command::Serve { bind } => {
            config.require_auth()?;
            let tasks_key = config.tasks_key.clone().ok_or_else(|| {
                shared::config::ConfigError::new(
                    "TASKS_TOKEN_SECRET",
                    "is required: the gateway signs a short-lived token per user for mcp-tasks with it",
                )
            })?;
            let store = store::connect(&config.database_url).await.context("opening the database")?;
            store.migrate().await?;
            let tasks = Arc::new(TasksClient::new(config.mcp_tasks_url.clone(), tasks_key, TASKS_TIMEOUT));
            let brain = match &config.llm {
                Some(llm) => {
                    tracing::info!(model = %llm.model, base = %llm.base_url, "answering with a model");
                    Brain::Llm(LlmClient::new(LlmConfig {
                        base_url: llm.base_url.clone(),
                        api_key: llm.api_key.clone(),
                        model: llm.model.clone(),
                        timeout: LLM_TIMEOUT,
                    }))
                }
                None => {
                    tracing::info!("no model key configured: answering with the offline assistant");
                    Brain::Offline
                }
            };
            let responder = Arc::new(Agent::new(tasks, brain, config.agent_max_steps));
            let state = AppState {
                chat: Arc::new(ChatKitServer::new(store, responder, config.max_message_chars)),
                auth: Arc::new(Authenticator::new(config.jwt_key.clone(), config.jwks_url.clone())),
                limiter: http::limiter(config.rate_per_second, config.rate_burst),
            };
            let addr = bind.unwrap_or(config.bind);
            let listener =
                tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
            tracing::info!(addr = %listener.local_addr()?, "chat gateway listening");
            let shutdown = CancellationToken::new();
            tokio::spawn(shared::shutdown::on_signal(shutdown.clone()));
            let app = http::app(state, &config.cors_origins);
            http::run_with_grace(listener, app, shutdown, config.shutdown_grace).await?;
            Ok(())
        }
    }
}
