//! The composition root: builds the running mcp-tasks from its [`Config`] (the store
//! opened and migrated, Bearer-token verification, the reminder worker, the HTTP router)
//! or from [`Parts`] that tests and benchmarks inject. `main` only parses the command
//! line, reads the configuration and sets up tracing.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono_tz::Tz;
use rmcp::ServiceExt;
use shared::config::ConfigError;
use shared::identity::TokenKey;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use shared::jwks::KeySet;

use crate::config::{Config, OAuthConfig};
use crate::http::{self, HttpState};
use crate::oauth::{self, ResourceServer};
use crate::reminders;
use crate::store::{self, Store, StoreError};
use crate::tools::TaskServer;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting the command needs is missing or invalid (its source, so that `main` finds it
    /// in the chain).
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The database could not be opened.
    #[error("opening the database")]
    Open(#[source] StoreError),
    /// The migrations failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The listen address could not be bound.
    #[error("binding {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why it could not be bound.
        #[source]
        source: io::Error,
    },
    /// The MCP client on stdio did not complete the handshake.
    #[error(transparent)]
    Handshake(#[from] Box<rmcp::service::ServerInitializeError>),
    /// The stdio session ended abnormally.
    #[error(transparent)]
    Session(#[from] tokio::task::JoinError),
}

/// Opens the configured database and applies pending migrations.
pub async fn open_store(config: &Config) -> Result<Arc<dyn Store>, StartupError> {
    let store = store::connect(&config.database_url).await.map_err(StartupError::Open)?;
    store.migrate().await?;
    Ok(store)
}

/// Serves MCP over stdin/stdout for `user` until the client closes the session.
pub async fn serve_stdio(config: &Config, user: &str) -> Result<(), StartupError> {
    let store = open_store(config).await?;
    tracing::info!(%user, "serving MCP over stdio");
    let server = TaskServer::for_local_user(store, config.default_tz, user);
    server.serve(rmcp::transport::stdio()).await.map_err(Box::new)?.waiting().await?;
    Ok(())
}

/// What the HTTP service is made of; tests and benchmarks inject their own.
#[derive(Clone)]
pub struct Parts {
    /// Where tasks live (opened and migrated).
    pub store: Arc<dyn Store>,
    /// Verifies Bearer tokens.
    pub key: TokenKey,
    /// The zone for callers whose token names none.
    pub default_tz: Tz,
    /// Accepted Host headers (None: loopback only; `*`: any).
    pub allowed_hosts: Option<Vec<String>>,
    /// Where and how due reminders are POSTed (None: no reminder worker).
    pub reminder_webhook: Option<reminders::Webhook>,
    /// How long in-flight requests may run once shutdown begins.
    pub shutdown_grace: Duration,
    /// Access tokens from an external authorization server, when one is configured.
    pub oauth: Option<Arc<ResourceServer>>,
    /// The listener's bounds (header and write timeouts, open connections).
    pub connections: shared::serve::ConnectionLimits,
    /// Whether `GET /metrics` is on the main router (false with `METRICS_BIND`).
    pub metrics_route: bool,
}

impl Parts {
    /// `store` behind tokens signed with `key`: UTC for callers without a zone, loopback
    /// Host headers only, no reminder worker, the default grace period.
    pub fn new(store: Arc<dyn Store>, key: TokenKey) -> Self {
        Self {
            store,
            key,
            default_tz: chrono_tz::UTC,
            allowed_hosts: None,
            reminder_webhook: None,
            shutdown_grace: shared::shutdown::DEFAULT_GRACE,
            oauth: None,
            connections: shared::serve::ConnectionLimits::default(),
            metrics_route: true,
        }
    }

    /// The HTTP router's state: the MCP server over the store, and token verification.
    pub fn into_state(self) -> HttpState {
        HttpState {
            server: TaskServer::new(self.store.clone(), self.default_tz),
            store: self.store,
            key: self.key,
            allowed_hosts: self.allowed_hosts,
            oauth: self.oauth,
            metrics_route: self.metrics_route,
        }
    }
}

/// The resource server for `oauth`: keys by discovery from the issuer unless a JWKS URL
/// is given; the write scope for the tools not annotated read-only.
pub fn resource_server(oauth: &OAuthConfig) -> Arc<ResourceServer> {
    // The issuer was checked to be a URL when the configuration was read.
    let issuer = reqwest::Url::parse(&oauth.issuer).unwrap_or_else(|_| oauth.public_url.clone());
    let keys = KeySet::new(oauth::key_source(&issuer, oauth.jwks_url.as_ref()));
    Arc::new(ResourceServer::new(&oauth.public_url, &oauth.issuer, keys, TaskServer::write_tools()))
}

/// mcp-tasks over HTTP, bound and ready to serve.
pub struct Application {
    listener: TcpListener,
    parts: Parts,
    /// `METRICS_BIND`'s listener, serving `GET /metrics` alone.
    metrics: Option<TcpListener>,
}

impl Application {
    /// The service `mcp-tasks serve` runs, built from `config`: the token key is required
    /// (checked before anything is opened), the store opened and migrated, `bind` bound.
    pub async fn build(config: &Config, bind: SocketAddr) -> Result<Self, StartupError> {
        let key = config.require_token_key()?.clone();
        let store = open_store(config).await?;
        let listener =
            TcpListener::bind(bind).await.map_err(|source| StartupError::Bind { addr: bind, source })?;
        let metrics = match config.metrics_bind {
            Some(addr) => {
                Some(TcpListener::bind(addr).await.map_err(|source| StartupError::Bind { addr, source })?)
            }
            None => None,
        };
        let parts = Parts {
            store,
            key,
            default_tz: config.default_tz,
            allowed_hosts: config.allowed_hosts.clone(),
            reminder_webhook: config.reminder_webhook.clone(),
            shutdown_grace: config.shutdown_grace,
            oauth: config.oauth.as_ref().map(resource_server),
            connections: config.connections,
            metrics_route: metrics.is_none(),
        };
        Ok(Self { metrics, ..Self::from_parts(parts, listener) })
    }

    /// The service built from injected `parts`, on a listener the caller bound (tests bind
    /// `127.0.0.1:0`).
    pub fn from_parts(parts: Parts, listener: TcpListener) -> Self {
        Self { listener, parts, metrics: None }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves (and runs the reminder worker, if there is a webhook) until `shutdown`
    /// fires; then lets in-flight requests finish within the grace period and aborts the
    /// MCP requests still running.
    pub async fn run_until_stopped(self, shutdown: CancellationToken) -> io::Result<()> {
        let Self { listener, parts, metrics } = self;
        if let Some(metrics) = metrics {
            tokio::spawn(shared::metrics::serve(metrics, shutdown.clone()));
        }
        if let Some(webhook) = parts.reminder_webhook.clone() {
            let store = parts.store.clone();
            tokio::spawn(reminders::run(store, webhook, reminders::POLL_INTERVAL, shutdown.clone()));
        }
        tracing::info!(addr = %listener.local_addr()?, "serving MCP over HTTP at /mcp");
        let (grace, connections) = (parts.shutdown_grace, parts.connections);
        // MCP requests are aborted only once draining is over, not when it starts.
        let stop = CancellationToken::new();
        let app = http::app(parts.into_state(), &stop);
        let served = shared::serve::serve(listener, app, connections, shutdown, grace).await;
        stop.cancel();
        served
    }
}
