//! Tracing setup shared by both binaries: logs always go to stderr (stdout may carry
//! MCP over stdio), as text or, with `LOG_FORMAT=json`, one JSON object per line.

use tracing_subscriber::EnvFilter;

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    /// Parses `text` or `json`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("must be `text` or `json`, not `{other}`")),
        }
    }
}

/// The filter when `RUST_LOG` is unset: `info`, but rmcp only from `warn` (stateless HTTP
/// would otherwise log a line per request).
const DEFAULT_FILTER: &str = "info,rmcp=warn";

/// Installs the global subscriber; `RUST_LOG` filters (default [`DEFAULT_FILTER`]).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
