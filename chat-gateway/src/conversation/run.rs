//! Running a turn: [`spawn`] drives a prepared turn to its end on a task of its own,
//! whatever happens to the client (what was said before it left is kept), titles a new
//! thread after its first turn, and hands the caller a [`TurnStream`] of the turn's events.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::admission::Ticket;
use super::responder::{Responder, Turn};
use super::sink::{TurnError, TurnSink};
use super::threads::title_from;
use crate::auth::User;
use crate::chatkit::types::{Action, Event, ItemBody, PageView, ThreadItem, ThreadView, user_text};
use crate::store::{ThreadRecord, ThreadStore, ToolCallRecord};

/// What the user is told when the database went away during their turn.
pub const UNAVAILABLE: &str =
    "The service is briefly unavailable (its database is restarting); try again in a moment.";

/// Events buffered between a turn and a slow client.
const STREAM_BUFFER: usize = 64;

/// A turn ready to run: its thread, what to emit first, and what answers it.
pub(super) struct Prepared {
    pub(super) thread: ThreadRecord,
    pub(super) head: Vec<Event>,
    pub(super) input: Option<ThreadItem>,
    pub(super) action: Option<(Action, Option<ThreadItem>)>,
}

/// What a finished turn produced.
#[derive(Debug, Clone, Default)]
pub struct TurnSummary {
    /// The assistant messages' texts, in order.
    pub replies: Vec<String>,
    /// The tool calls the agent made, executed server-side.
    pub tool_calls: Vec<ToolCallRecord>,
}

/// A running turn: its thread, its events as they happen, and at the end its summary.
///
/// The turn runs to the end on its own task; dropping this before the events end counts as
/// the client going away (what was said so far is kept).
pub struct TurnStream {
    thread_id: String,
    events: mpsc::Receiver<Box<Event>>,
    done: JoinHandle<TurnSummary>,
}

impl TurnStream {
    /// The thread the turn happens in.
    pub fn thread_id(&self) -> &str {
        &self.thread_id
    }

    /// The next event of the turn (ChatKit events: text deltas, items, an `error`), or None
    /// when the turn has ended.
    pub async fn next(&mut self) -> Option<Box<Event>> {
        self.events.recv().await
    }

    /// The events alone, for a face that streams them as they are (ChatKit). Events are
    /// boxed: an `Event` is ~200 bytes and the channel allocates its slots 32 at a time,
    /// ~6.5 KiB per open stream; boxed they take 1 KiB.
    pub fn into_events(self) -> mpsc::Receiver<Box<Event>> {
        self.events
    }

    /// Waits for the end of the turn (skipping events not read yet) and returns its summary.
    pub async fn finish(mut self) -> TurnSummary {
        while self.events.recv().await.is_some() {}
        self.done.await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "the turn task failed");
            TurnSummary::default()
        })
    }
}

/// Starts `prepared` on a task of its own (holding its admission ticket; a client that stops
/// reading for `write_timeout` loses its stream, not the turn) and returns its events.
pub(super) fn spawn(
    store: Arc<dyn ThreadStore>,
    responder: Arc<dyn Responder>,
    user: User,
    prepared: Prepared,
    (ticket, write_timeout): (Ticket, Duration),
) -> TurnStream {
    let thread_id = prepared.thread.id.clone();
    let (tx, events) = mpsc::channel(STREAM_BUFFER);
    let done = tokio::spawn(async move {
        // The ticket is held until the turn has ended, whatever happened to its stream.
        let _ticket = ticket;
        let sink =
            TurnSink::new(tx, store.clone(), &user.id, &prepared.thread.id).with_write_timeout(write_timeout);
        // `finish` drops the sender, so the events end when the turn does.
        let (replies, tool_calls) = run_turn(store, responder, user, prepared, sink).await.finish();
        TurnSummary { replies, tool_calls }
    });
    TurnStream { thread_id, events, done }
}

/// Runs a prepared turn to the end, whatever happens to the client; returns the sink.
async fn run_turn(
    store: Arc<dyn ThreadStore>,
    responder: Arc<dyn Responder>,
    user: User,
    prepared: Prepared,
    mut sink: TurnSink,
) -> TurnSink {
    let Prepared { thread, head, input, action } = prepared;
    let mut turn = Turn { user, thread, input, store: store.clone() };
    let mut outcome = Ok(());
    for event in head {
        outcome = sink.forward(event).await;
        if outcome.is_err() {
            break;
        }
    }
    if outcome.is_ok() {
        let gone = sink.disconnected();
        outcome = tokio::select! {
            result = async {
                match &action {
                    Some((action, sender)) => responder.action(&turn, action, sender.as_ref(), &mut sink).await,
                    None => responder.respond(&turn, &mut sink).await,
                }
            } => result,
            () = gone => Err(TurnError::Disconnected),
        };
    }
    let user_id = turn.user.id.clone();
    crate::metrics::turn(match &outcome {
        Ok(()) => "ok",
        Err(TurnError::Disconnected) => "disconnected",
        Err(_) => "failed",
    });
    match outcome {
        Ok(()) => {}
        Err(TurnError::Disconnected) => {
            tracing::info!(thread = %turn.thread.id, "client went away mid-turn");
            if let Err(e) = sink.keep_partial().await {
                tracing::error!(error = %e, "could not keep the partial reply");
            }
        }
        Err(e) => {
            let event = match &e {
                TurnError::Failed { message, allow_retry } => Event::error(message.clone(), *allow_retry),
                TurnError::Unsupported(_) | TurnError::NotFound(_) => Event::error(e.to_string(), false),
                TurnError::Store(s) if s.is_unavailable() => {
                    tracing::warn!(error = %s, "turn stopped: database unavailable");
                    Event::error(UNAVAILABLE, true)
                }
                _ => {
                    tracing::error!(error = %e, "turn failed");
                    Event::Error { code: "stream.error".into(), message: None, allow_retry: true }
                }
            };
            let _ = sink.send(event).await;
        }
    }
    if turn.thread.title.is_none()
        && let Some(ItemBody::UserMessage { content, .. }) = turn.input.as_ref().map(|i| &i.body)
    {
        turn.thread.title = Some(title_from(&user_text(content)));
        turn.thread.updated_at = Utc::now();
        match store.save_thread(&user_id, &turn.thread).await {
            Ok(()) => {
                let _ = sink
                    .forward(Event::ThreadUpdated { thread: ThreadView::of(&turn.thread, PageView::empty()) })
                    .await;
            }
            Err(e) => tracing::error!(error = %e, "could not save the thread title"),
        }
    }
    sink
}
