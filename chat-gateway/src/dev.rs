//! The parts of `chat-gateway dev`, the one-command local stack: dev secrets kept in a file
//! (so tokens survive restarts), and `mcp-tasks serve` run as a child process from the binary
//! next to this one, waited on until ready and stopped with SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::process::{Child, Command};

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
