//! `chat-gateway dev`, the one-command local stack: dev secrets kept in a file (so tokens
//! survive restarts), `mcp-tasks serve` run as a child process from the binary next to this
//! one (waited on until ready, stopped with SIGTERM), and the gateway built by `startup`
//! with dev login on.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use shared::identity::TokenKey;
use tokio::process::{Child, Command};
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::startup::{self, StartupError};

/// How long `dev` gives mcp-tasks to stop before killing it.
const CHILD_GRACE: Duration = Duration::from_secs(10);

/// Why the local stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// The mcp-tasks binary is not beside this one.
    #[error(
        "mcp-tasks is not at {0}: build both binaries with `cargo build --release` (the workspace builds both)"
    )]
    TasksBinaryMissing(PathBuf),
    /// The secrets file could not be read or written.
    #[error("dev secrets file {path}: {reason}")]
    Secrets {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The child could not be started.
    #[error("could not start mcp-tasks: {0}")]
    Spawn(#[from] std::io::Error),
    /// The child exited before it was ready.
    #[error("mcp-tasks exited before it was ready ({0}); its log is above")]
    Exited(ExitStatus),
    /// The child did not become ready in time.
    #[error("mcp-tasks was not ready at {0} within {1:?}")]
    NotReady(String, Duration),
    /// A dev secret cannot sign tokens.
    #[error("{0}")]
    Secret(String),
    /// The child's URL is not a URL.
    #[error("mcp-tasks URL: {0}")]
    Url(String),
    /// The gateway could not be built or bound.
    #[error(transparent)]
    Startup(#[from] StartupError),
    /// The gateway stopped with an error.
    #[error("the gateway failed: {0}")]
    Serve(String),
    /// The child stopped on its own while the gateway ran.
    #[error("mcp-tasks stopped unexpectedly ({0}); its log is above")]
    Stopped(String),
}

/// Runs the local stack: mcp-tasks as a child, then the gateway (on `bind`, else the
/// configured address), until Ctrl-C or until the child stops on its own.
pub async fn run(mut config: Config, bind: Option<SocketAddr>) -> Result<(), DevError> {
    let data = shared::config::data_dir();
    let secrets = DevSecrets::load_or_create(&data.join("dev-secrets.json"))?;
    // Variables that are set win over the dev secrets.
    let child_secret = match config.tasks_key {
        Some(_) => None,
        None => {
            config.tasks_key = Some(TokenKey::new(&secrets.tasks_token_secret).map_err(DevError::Secret)?);
            Some(secrets.tasks_token_secret.as_str())
        }
    };
    let user_key = match &config.jwt_key {
        Some(key) => key.clone(),
        None => TokenKey::new(&secrets.jwt_secret).map_err(DevError::Secret)?,
    };
    config.jwt_key = Some(user_key.clone());

    let binary =
        std::env::current_exe()?.with_file_name(format!("mcp-tasks{}", std::env::consts::EXE_SUFFIX));
    let mut child = TasksChild::spawn(&binary, free_tasks_addr(), child_secret)?;
    child.wait_ready(Duration::from_secs(30)).await?;
    config.mcp_tasks_url = child.mcp_url.parse::<reqwest::Url>().map_err(|e| DevError::Url(e.to_string()))?;

    let mut parts = startup::parts_from_config(&config).await?;
    parts.dev_login = Some(user_key.clone());
    // dev serves no metrics listener of its own.
    parts.metrics_route = true;
    let app = startup::app(parts);
    let listener = startup::bind(bind.unwrap_or(config.bind)).await?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        tracing::warn!(%addr, "dev hands a token to anyone who can reach this address (GET /dev/token)");
    }
    let (audience, issuer) = crate::auth::token_party(&config.jwt_expected);
    let token = user_key.mint("dev", audience, issuer, None, Duration::from_secs(30 * 86_400));
    print_welcome(&config, &format!("http://{addr}"), &child.mcp_url, &data, &token);
    let shutdown = CancellationToken::new();
    tokio::spawn(shared::shutdown::on_signal(shutdown.clone()));
    let mut server = tokio::spawn(startup::run(listener, app, shutdown.clone()));
    let served = |joined: Result<std::io::Result<()>, tokio::task::JoinError>| match joined {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(DevError::Serve(e.to_string())),
        Err(e) => Err(DevError::Serve(e.to_string())),
    };
    tokio::select! {
        joined = &mut server => {
            child.stop(CHILD_GRACE).await;
            served(joined)
        }
        status = child.exited() => {
            // Ctrl-C in a terminal reaches the child too; only an exit of its own is an error.
            if shutdown.is_cancelled() {
                return served(server.await);
            }
            shutdown.cancel();
            let _ = server.await;
            Err(DevError::Stopped(match status {
                Ok(status) => status.to_string(),
                Err(e) => e.to_string(),
            }))
        }
    }
}

fn print_welcome(config: &Config, url: &str, mcp_url: &str, data: &Path, token: &str) {
    let brain = match &config.llm {
        Some(llm) => format!("model {}", llm.model),
        None => "the offline assistant; set LLM_API_KEY or OPENAI_API_KEY for a model".to_owned(),
    };
    println!("\nTask assistant running ({brain}).\n");
    println!("  chat page   {url}/");
    println!("  ChatKit     {url}/chatkit");
    println!("  mcp-tasks   {mcp_url}");
    println!("  data        {}\n", data.display());
    println!("dev token (user \"dev\", 30 days):\n  export TOKEN={token}\n");
    println!("try:\n  curl -s {url}/api/chat -H \"Authorization: Bearer $TOKEN\" \\");
    println!(
        "    -H 'Content-Type: application/json' -d '{{\"message\": \"add buy milk tomorrow at 5pm\"}}'\n"
    );
    println!("Ctrl-C stops both.");
}

/// TASKS_BIND's default, 127.0.0.1:8001, when it is free; else any free loopback port.
fn free_tasks_addr() -> SocketAddr {
    let preferred = SocketAddr::from(([127, 0, 0, 1], 8001));
    let free = |addr| std::net::TcpListener::bind(addr).and_then(|l| l.local_addr());
    free(preferred).or_else(|_| free(SocketAddr::from(([127, 0, 0, 1], 0)))).unwrap_or(preferred)
}

/// The signing secrets of a dev stack: one for user tokens, one for tokens minted for mcp-tasks.
#[derive(Clone, Serialize, Deserialize)]
pub struct DevSecrets {
    /// `JWT_SECRET`.
    pub jwt_secret: String,
    /// `TASKS_TOKEN_SECRET`.
    pub tasks_token_secret: String,
}

impl DevSecrets {
    /// Reads the secrets from `path`, or generates them and writes the file (mode 0600).
    pub fn load_or_create(path: &Path) -> Result<Self, DevError> {
        let fail = |reason: String| DevError::Secrets { path: path.to_owned(), reason };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                return serde_json::from_str(&text)
                    .map_err(|e| fail(format!("unreadable ({e}); delete it to start afresh")));
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(fail(e.to_string())),
            Err(_) => {}
        }
        let secrets = Self { jwt_secret: random_secret(), tasks_token_secret: random_secret() };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        }
        let text = serde_json::to_string_pretty(&secrets).map_err(|e| fail(e.to_string()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|e| fail(e.to_string()))?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| fail(e.to_string()))?;
        Ok(secrets)
    }
}

impl std::fmt::Debug for DevSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DevSecrets { .. }")
    }
}

/// 64 hex characters from the OS random source.
fn random_secret() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// `mcp-tasks serve`, running as a child of this process.
pub struct TasksChild {
    child: Child,
    /// Its MCP endpoint.
    pub mcp_url: String,
    base: String,
}

impl TasksChild {
    /// Starts `binary serve --bind addr`, with `TASKS_TOKEN_SECRET` set when given (the rest
    /// of the environment, e.g. `TASKS_DATABASE_URL`, is inherited; its log goes to our stderr).
    pub fn spawn(binary: &Path, addr: SocketAddr, token_secret: Option<&str>) -> Result<Self, DevError> {
        if !binary.is_file() {
            return Err(DevError::TasksBinaryMissing(binary.to_owned()));
        }
        let mut command = Command::new(binary);
        command.args(["serve", "--bind", &addr.to_string()]).stdin(Stdio::null()).kill_on_drop(true);
        if let Some(secret) = token_secret {
            command.env("TASKS_TOKEN_SECRET", secret);
        }
        let child = command.spawn()?;
        let base = format!("http://{addr}");
        Ok(Self { child, mcp_url: format!("{base}/mcp"), base })
    }

    /// Waits until `/readyz` answers 200, the child exits, or `limit` passes.
    pub async fn wait_ready(&mut self, limit: Duration) -> Result<(), DevError> {
        let client = reqwest::Client::new();
        let url = format!("{}/readyz", self.base);
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(DevError::Exited(status));
            }
            let answer = client.get(&url).timeout(Duration::from_secs(1)).send().await;
            if answer.is_ok_and(|r| r.status().is_success()) {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(DevError::NotReady(url, limit));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Resolves when the child exits on its own.
    pub async fn exited(&mut self) -> std::io::Result<ExitStatus> {
        self.child.wait().await
    }

    /// Asks the child to stop (SIGTERM), waits up to `grace`, then kills it.
    pub async fn stop(mut self, grace: Duration) {
        #[cfg(unix)]
        if let Some(pid) = self.child.id().and_then(|id| i32::try_from(id).ok()) {
            let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGTERM);
        }
        if tokio::time::timeout(grace, self.child.wait()).await.is_err() {
            tracing::warn!("mcp-tasks did not stop within {grace:?}: killing it");
            let _ = self.child.kill().await;
        }
    }
}
