//! The OpenAI-compatible face: `POST /v1/chat/completions` and `GET /v1/models`, so any
//! OpenAI client or chat UI can use the task assistant as a model named `task-assistant`.
//!
//! The same agent, threads and tool calls as `/chatkit`: a request runs one turn through
//! [`Conversations::start_turn`](crate::conversation::Conversations::start_turn). The user comes
//! from the Bearer JWT (the client's "API key"); `X-Conversation-Id` continues a thread and
//! is returned on every answer; tools run server-side and are reported in `metadata`, never
//! handed to the client. Every error, auth and rate limit included, is OpenAI-shaped.
//! Only `task-assistant` is served: another model id is a 404 `model_not_found`, as OpenAI
//! answers, so a misconfigured client fails loudly instead of silently talking to us.

pub mod error;
pub mod render;
pub mod types;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use super::extract::{AuthUser, body};
use super::rest::types::ToolCall;
use super::state::AppState;
use crate::auth::User;
use crate::conversation::{Prior, TurnThread};
use crate::error::ApiError;
use error::{OpenAiError, OpenAiErrorBody};
use render::{ChunkHead, Transcript};
use types::{
    AssistantMessage, ChatCompletion, ChatCompletionRequest, ChatMessage, Choice, CompletionMetadata,
    MessageContent, Model, ModelList, Usage,
};

/// The one model id served.
pub const MODEL_ID: &str = "task-assistant";
/// Names the thread a request continues, and the thread an answer was written in.
pub const CONVERSATION_HEADER: HeaderName = HeaderName::from_static("x-conversation-id");
/// `created` of the model (2026-01-01): fixed, so the list never changes.
const MODEL_CREATED: i64 = 1_767_225_600;

/// The [`AuthUser`] of a `/v1` request, its rejection in OpenAI's shape.
pub struct Caller(
    /// The user.
    pub User,
);

impl FromRequestParts<AppState> for Caller {
    type Rejection = OpenAiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let AuthUser(user) = AuthUser::from_request_parts(parts, state).await?;
        Ok(Caller(user))
    }
}

/// Runs one turn of the task assistant and answers as a chat model would.
#[utoipa::path(
    post, path = "/v1/chat/completions", tag = "openai",
    params(("X-Conversation-Id" = Option<String>, Header,
        description = "Continue this thread (from an earlier answer's X-Conversation-Id)")),
    request_body = ChatCompletionRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The answer: JSON, or with `stream: true` chat.completion.chunk \
            events then `data: [DONE]`; X-Conversation-Id names its thread",
            headers(("X-Conversation-Id" = String, description = "The thread")),
            content(
                (ChatCompletion = "application/json"),
                (String = "text/event-stream"),
            )),
        (status = 400, description = "Malformed request", body = OpenAiErrorBody),
        (status = 401, description = "No valid Bearer token", body = OpenAiErrorBody),
        (status = 404, description = "Unknown model or conversation", body = OpenAiErrorBody),
        (status = 413, description = "Message or body too large", body = OpenAiErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = OpenAiErrorBody),
        (status = 502, description = "The turn failed (the model or task service is down); \
            the user message is kept", body = OpenAiErrorBody),
        (status = 503, description = "The database is briefly unavailable; see Retry-After", body = OpenAiErrorBody),
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn chat_completions(
    State(state): State<AppState>,
    Caller(user): Caller,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, OpenAiError> {
    let raw = body(raw)?;
    let request: ChatCompletionRequest = serde_json::from_slice(&raw).map_err(|e| {
        OpenAiError::invalid(
            None,
            format!(
                "Invalid body: {e}. Expected {{\"model\": \"{MODEL_ID}\", \"messages\": [{{\"role\": \"user\", \
                 \"content\": \"…\"}}], \"stream\": false}}."
            ),
        )
    })?;
    if request.model != MODEL_ID {
        return Err(OpenAiError::unknown_model(&request.model));
    }
    let (message, prior) = input(&request.messages)?;
    let thread = match conversation(&headers)? {
        Some(id) => TurnThread::Continue(id),
        None => TurnThread::New(prior),
    };
    let mut turn =
        state.conversations.start_turn(&user, message.clone(), thread).await.map_err(|e| match e {
            ApiError::BadRequest(_) | ApiError::TooLarge(_) => OpenAiError::from(e).param(Some("messages")),
            other => other.into(),
        })?;
    let head = ChunkHead {
        id: format!("chatcmpl-{}", uuid::Uuid::new_v4().simple()),
        created: Utc::now().timestamp(),
        prompt: message,
        include_usage: request.stream_options.and_then(|o| o.include_usage).unwrap_or(false),
    };
    if request.stream == Some(true) {
        return Ok(render::stream(turn, head));
    }
    let mut transcript = Transcript::default();
    while let Some(event) = turn.next().await {
        transcript.add(&event);
    }
    let thread_id = turn.thread_id().to_owned();
    let summary = turn.finish().await;
    if let Some(error) = transcript.failure() {
        return Err(error.in_conversation(&thread_id));
    }
    let content = transcript.text().to_owned();
    let completion = ChatCompletion {
        id: head.id,
        object: "chat.completion".into(),
        created: head.created,
        model: MODEL_ID.into(),
        usage: Usage::estimate(&head.prompt, &content),
        choices: vec![Choice {
            index: 0,
            message: AssistantMessage { role: "assistant".into(), content },
            finish_reason: "stop".into(),
        }],
        metadata: CompletionMetadata {
            conversation_id: thread_id.clone(),
            tool_calls: summary.tool_calls.into_iter().map(ToolCall::from).collect(),
        },
    };
    let mut response = Json(completion).into_response();
    if let Ok(v) = HeaderValue::from_str(&thread_id) {
        response.headers_mut().insert(CONVERSATION_HEADER, v);
    }
    Ok(response)
}

/// The models: only `task-assistant`.
#[utoipa::path(
    get, path = "/v1/models", tag = "openai",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The one model", body = ModelList),
        (status = 401, description = "No valid Bearer token", body = OpenAiErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = OpenAiErrorBody),
    )
)]
pub async fn list_models(_caller: Caller) -> Json<ModelList> {
    Json(ModelList { object: "list".into(), data: vec![model()] })
}

/// One model.
#[utoipa::path(
    get, path = "/v1/models/{model}", tag = "openai",
    params(("model" = String, Path, description = "Model id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The model", body = Model),
        (status = 401, description = "No valid Bearer token", body = OpenAiErrorBody),
        (status = 404, description = "Not a model of this server", body = OpenAiErrorBody),
        (status = 429, description = "Rate limited; see Retry-After", body = OpenAiErrorBody),
    )
)]
pub async fn get_model(_caller: Caller, Path(id): Path<String>) -> Result<Json<Model>, OpenAiError> {
    if id == MODEL_ID { Ok(Json(model())) } else { Err(OpenAiError::unknown_model(&id)) }
}

fn model() -> Model {
    Model {
        id: MODEL_ID.into(),
        object: "model".into(),
        created: MODEL_CREATED,
        owned_by: "chat-gateway".into(),
    }
}

/// The input (the last user message) and the messages before it worth keeping.
fn input(messages: &[ChatMessage]) -> Result<(String, Vec<Prior>), OpenAiError> {
    let mut texts = Vec::with_capacity(messages.len());
    for (i, m) in messages.iter().enumerate() {
        if !matches!(m.role.as_str(), "user" | "assistant" | "system" | "developer" | "tool" | "function") {
            let param = format!("messages[{i}].role");
            return Err(OpenAiError::invalid(Some(&param), format!("Unknown role `{}`.", m.role)));
        }
        texts.push(text(i, m.content.as_ref())?);
    }
    let last = messages.iter().rposition(|m| m.role == "user").ok_or_else(|| {
        OpenAiError::invalid(Some("messages"), "`messages` needs at least one message with role `user`.")
    })?;
    let prior = messages[..last]
        .iter()
        .zip(texts.iter_mut())
        .filter_map(|(m, text)| match m.role.as_str() {
            "user" => Some(Prior::User(std::mem::take(text))),
            "assistant" => Some(Prior::Assistant(std::mem::take(text))),
            _ => None,
        })
        .collect();
    Ok((std::mem::take(&mut texts[last]), prior))
}

/// A message's text; parts other than text are refused.
fn text(i: usize, content: Option<&MessageContent>) -> Result<String, OpenAiError> {
    match content {
        None => Ok(String::new()),
        Some(MessageContent::Text(text)) => Ok(text.clone()),
        Some(MessageContent::Parts(parts)) => {
            let mut texts = Vec::with_capacity(parts.len());
            for part in parts {
                match (part.kind.as_str(), &part.text) {
                    ("text" | "input_text", Some(text)) => texts.push(text.as_str()),
                    _ => {
                        let param = format!("messages[{i}].content");
                        let message = format!("Only text content is supported, not `{}` parts.", part.kind);
                        return Err(OpenAiError::invalid(Some(&param), message));
                    }
                }
            }
            Ok(texts.join("\n"))
        }
    }
}

/// The thread named by `X-Conversation-Id`, if any (blank counts as none).
fn conversation(headers: &HeaderMap) -> Result<Option<String>, OpenAiError> {
    let Some(value) = headers.get(&CONVERSATION_HEADER) else { return Ok(None) };
    let Ok(id) = value.to_str().map(str::trim) else { return Err(ApiError::NotFound("thread").into()) };
    if id.is_empty() {
        return Ok(None);
    }
    if id.len() > 128 {
        return Err(ApiError::NotFound("thread").into());
    }
    Ok(Some(id.to_owned()))
}

/// An OpenAI-shaped 404 for a `/v1` path that does not exist.
pub async fn unknown_route(method: Method, uri: Uri) -> OpenAiError {
    let message = format!("Unknown request URL: {method} {}.", uri.path());
    OpenAiError::new(StatusCode::NOT_FOUND, Some("unknown_url"), message)
}

/// An OpenAI-shaped 405 for a method a `/v1` path does not take.
pub async fn method_not_allowed(method: Method, uri: Uri) -> OpenAiError {
    let message = format!("{method} is not allowed on {}.", uri.path());
    OpenAiError::new(StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed"), message)
}
