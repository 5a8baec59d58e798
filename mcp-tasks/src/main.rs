//! `mcp-tasks`: parse the command line, read the configuration, set up tracing, and start
//! the chosen face through [`mcp_tasks::startup`].

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use mcp_tasks::config::Config;
use mcp_tasks::startup::{self, Application};
use shared::cli::TokenArgs;
use shared::identity::TASKS_AUDIENCE;
use tokio_util::sync::CancellationToken;

/// mimalloc instead of the system allocator: a tool call makes thousands of small
/// allocations (JSON values, rows, strings), and glibc's malloc and free were a third of the
/// server's instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An MCP server with eleven task tools, over stdio or streamable HTTP.
#[derive(Parser)]
#[command(version, about, long_about = None)]
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
    Token(TokenArgs),
    /// Apply database migrations and exit.
    Migrate,
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = Command::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => return shared::cli::config_error("mcp-tasks", &e),
    };
    shared::telemetry::init(config.log_format);
    shared::cli::exit_code("mcp-tasks", run(command, config).await)
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Token(TokenArgs { user, ttl }) => {
            let key = config.require_token_key()?;
            println!("{}", key.mint(&user, TASKS_AUDIENCE, "mcp-tasks", None, ttl));
        }
        Command::Migrate => {
            startup::open_store(&config).await?;
            eprintln!("mcp-tasks: migrations applied");
        }
        Command::Stdio { user } => {
            startup::serve_stdio(&config, user.as_deref().unwrap_or(&config.user)).await?;
        }
        Command::Serve { bind } => {
            let app = Application::build(&config, bind.unwrap_or(config.bind)).await?;
            let shutdown = CancellationToken::new();
            tokio::spawn(shared::shutdown::on_signal(shutdown.clone()));
            app.run_until_stopped(shutdown).await?;
        }
    }
    Ok(())
}
