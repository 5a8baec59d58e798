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
use chat_gateway::dev::{DevSecrets, TasksChild};
use chat_gateway::http::{self, AppState};
use chat_gateway::store;
use chat_gateway::tasks_client::TasksClient;
use clap::{Parser, Subcommand};
use shared::identity::TokenKey;
use tokio_util::sync::CancellationToken;

/// How long one call to mcp-tasks may take.
const TASKS_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the model may stay silent.
const LLM_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `dev` gives mcp-tasks to stop before killing it.
const CHILD_GRACE: Duration = Duration::from_secs(10);

/// A ChatKit server for a task assistant.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the gateway (ChatKit at /chatkit, JSON at /api/chat, the chat page at /, /healthz, /readyz).
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
            let (audience, issuer) = chat_gateway::auth::token_party(&config.jwt_expected);
            println!("{}", key.mint(&user, audience, issuer, tz.as_deref(), ttl));
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
            let state = gateway_state(&config).await?;
            let listener = bind_listener(bind.unwrap_or(config.bind)).await?;
            let shutdown = CancellationToken::new();
            tokio::spawn(shared::shutdown::on_signal(shutdown.clone()));
            let app = http::app(state, &config.cors_origins);
            http::run_with_grace(listener, app, shutdown, config.shutdown_grace).await?;
            Ok(())
        }
        Command::Dev { bind } => dev(config, bind).await,
    }
}

async fn bind_listener(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!(addr = %listener.local_addr()?, "chat gateway listening");
    Ok(listener)
}

/// The gateway's state from its configuration: the migrated store, the agent, auth, limits.
async fn gateway_state(config: &Config) -> anyhow::Result<AppState> {
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
    Ok(AppState {
        chat: Arc::new(ChatKitServer::new(store, responder, config.max_message_chars)),
        auth: Arc::new(Authenticator::with_settings(config.auth_settings())),
        limiter: http::limiter(config.rate_per_second, config.rate_burst),
        dev_login: None,
    })
}

/// `chat-gateway dev`: mcp-tasks as a child, then the gateway, until Ctrl-C.
async fn dev(mut config: Config, bind: Option<SocketAddr>) -> anyhow::Result<()> {
    let data = shared::config::data_dir();
    let secrets = DevSecrets::load_or_create(&data.join("dev-secrets.json"))?;
    // Variables that are set win over the dev secrets.
    let child_secret = match config.tasks_key {
        Some(_) => None,
        None => {
            config.tasks_key = Some(TokenKey::new(&secrets.tasks_token_secret).map_err(anyhow::Error::msg)?);
            Some(secrets.tasks_token_secret.as_str())
        }
    };
    let user_key = match &config.jwt_key {
        Some(key) => key.clone(),
        None => TokenKey::new(&secrets.jwt_secret).map_err(anyhow::Error::msg)?,
    };
    config.jwt_key = Some(user_key.clone());

    let binary =
        std::env::current_exe()?.with_file_name(format!("mcp-tasks{}", std::env::consts::EXE_SUFFIX));
    let tasks_addr = free_tasks_addr();
    let mut child = TasksChild::spawn(&binary, tasks_addr, child_secret)?;
    child.wait_ready(Duration::from_secs(30)).await?;
    config.mcp_tasks_url = child.mcp_url.parse()?;

    let mut state = gateway_state(&config).await?;
    state.dev_login = Some(Arc::new(user_key.clone()));
    let listener = bind_listener(bind.unwrap_or(config.bind)).await?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "dev hands a token to anyone who can reach this address (GET /dev/token)");
    }
    let url = format!("http://{addr}");
    let (audience, issuer) = chat_gateway::auth::token_party(&config.jwt_expected);
    let token = user_key.mint("dev", audience, issuer, None, Duration::from_secs(30 * 86_400));
    let brain = match &config.llm {
        Some(llm) => format!("model {}", llm.model),
        None => "the offline assistant; set LLM_API_KEY or OPENAI_API_KEY for a model".to_owned(),
    };
    println!("\nTask assistant running ({brain}).\n");
    println!("  chat page   {url}/");
    println!("  ChatKit     {url}/chatkit");
    println!("  mcp-tasks   {}", child.mcp_url);
    println!("  data        {}\n", data.display());
    println!("dev token (user \"dev\", 30 days):\n  export TOKEN={token}\n");
    println!("try:\n  curl -s {url}/api/chat -H \"Authorization: Bearer $TOKEN\" \\");
    println!(
        "    -H 'Content-Type: application/json' -d '{{\"message\": \"add buy milk tomorrow at 5pm\"}}'\n"
    );
    println!("Ctrl-C stops both.");
    let shutdown = CancellationToken::new();
    tokio::spawn(shared::shutdown::on_signal(shutdown.clone()));
    let mut server =
        tokio::spawn(http::run(listener, http::app(state, &config.cors_origins), shutdown.clone()));
    tokio::select! {
        served = &mut server => {
            child.stop(CHILD_GRACE).await;
            served??;
            Ok(())
        }
        status = child.exited() => {
            // Ctrl-C in a terminal reaches the child too; only an exit of its own is an error.
            if shutdown.is_cancelled() {
                server.await??;
                return Ok(());
            }
            shutdown.cancel();
            let _ = server.await;
            anyhow::bail!("mcp-tasks stopped unexpectedly ({}); its log is above", status?)
        }
    }
}

/// TASKS_BIND's default, 127.0.0.1:8001, when it is free; else any free loopback port.
fn free_tasks_addr() -> SocketAddr {
    let preferred = SocketAddr::from(([127, 0, 0, 1], 8001));
    let free = |addr| std::net::TcpListener::bind(addr).and_then(|l| l.local_addr());
    free(preferred).or_else(|_| free(SocketAddr::from(([127, 0, 0, 1], 0)))).unwrap_or(preferred)
}
