//! The bounds one user's requests are held to, in one place: how far one message may fan
//! out into tool calls, how much one request may carry and store. Read from the environment
//! in `config` (see the README's "Limits and hardening"); [`Default`] is what the README lists.

use std::time::Duration;

/// Largest request body accepted (a 4,000-character message is far below it); only ChatKit's
/// `input.transcribe` may be larger, up to what the recording limit needs (see
/// `routes::chatkit::body_limit`).
pub const MAX_BODY: usize = 1 << 20;

/// How far one turn may fan out towards mcp-tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentLimits {
    /// `AGENT_MAX_TASK_NUMBERS`: task numbers one message may name (ranges counted out).
    pub max_task_numbers: usize,
    /// `AGENT_MAX_TOOL_CALLS`: tool calls run per model step; the rest are answered "not run".
    pub max_tool_calls: usize,
    /// `AGENT_TOOL_CONCURRENCY`: tool calls of one turn in flight at once.
    pub tool_concurrency: usize,
    /// `TASKS_MAX_CONCURRENT_CALLS`: calls to mcp-tasks in flight at once, over all turns.
    pub tasks_concurrency: usize,
}

impl Default for AgentLimits {
    fn default() -> Self {
        Self { max_task_numbers: 100, max_tool_calls: 10, tool_concurrency: 4, tasks_concurrency: 32 }
    }
}

/// The most task numbers the offline agent reads from one message whatever the settings: past
/// this it stops counting (the message is refused anyway), so a long range list costs nothing.
pub const TASK_NUMBERS_READ_AT_MOST: usize = 1_000;

/// How much one request may carry and store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// `CHAT_MAX_FEEDBACK_ITEMS`: item ids one `items.feedback` may name.
    pub max_feedback_items: usize,
    /// `CHAT_MAX_ATTACHMENT_BYTES`: JSON bytes of a message's `inference_options` and of each
    /// tag's `data` (quoted text counts against `CHAT_MAX_MESSAGE_CHARS` with the text).
    pub max_attachment_bytes: usize,
    /// `CHAT_MAX_TAGS`: tags on one message.
    pub max_tags: usize,
    /// `CHAT_MAX_PRIOR_MESSAGES`: messages one `/v1/chat/completions` request may carry.
    pub max_prior_messages: usize,
    /// `CHAT_MAX_TURNS_PER_USER`: turns (streams) of one user running at once.
    pub max_turns_per_user: usize,
    /// `CHAT_MAX_TURNS`: turns running at once over all users.
    pub max_turns: usize,
    /// `STREAM_WRITE_TIMEOUT`: how long a turn waits for a client that stopped reading
    /// before it drops the stream (the turn still ends and is stored).
    pub stream_write_timeout: Duration,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            max_feedback_items: 100,
            max_attachment_bytes: 2_048,
            max_tags: 10,
            max_prior_messages: 50,
            max_turns_per_user: 4,
            max_turns: 512,
            stream_write_timeout: Duration::from_secs(30),
        }
    }
}

/// What a user may attach: per file, in all, per message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    /// `ATTACHMENTS_MAX_BYTES`: the largest file (default 10 MiB).
    pub max_bytes: u64,
    /// `ATTACHMENTS_QUOTA_BYTES`: all of one user's attachments together (default 100 MiB).
    pub quota_bytes: u64,
    /// `ATTACHMENTS_MAX_PER_MESSAGE`: attachments one message may carry (default 10).
    pub max_per_message: usize,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self { max_bytes: 10 << 20, quota_bytes: 100 << 20, max_per_message: 10 }
    }
}
