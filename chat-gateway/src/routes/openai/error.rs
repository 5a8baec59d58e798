//! [`OpenAiError`]: every `/v1` failure in OpenAI's shape,
//! `{"error": {"message", "type", "param", "code"}}`, with the status OpenAI would use, so
//! OpenAI clients raise their usual exception classes. Built from [`ApiError`], so auth,
//! rate-limit and body errors read the same here as the rest of the gateway decides them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::CONVERSATION_HEADER;
use crate::error::ApiError;

/// A `/v1` error.
#[derive(Debug, Clone)]
pub struct OpenAiError {
    status: StatusCode,
    // Boxed: handlers return `Result<_, OpenAiError>` everywhere, and this keeps it small.
    detail: Box<OpenAiErrorDetail>,
    retry_after: Option<u64>,
    /// The thread the request ran in, when one exists (sent as `X-Conversation-Id`).
    conversation: Option<String>,
}

/// The body of a `/v1` error.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpenAiErrorBody {
    /// The error.
    pub error: OpenAiErrorDetail,
}

/// OpenAI's error object.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpenAiErrorDetail {
    /// A sentence for people.
    pub message: String,
    /// `invalid_request_error`, `authentication_error`, `rate_limit_error`, `server_error`.
    #[serde(rename = "type")]
    #[schema(example = "invalid_request_error")]
    pub kind: String,
    /// The request field at fault, when one is.
    pub param: Option<String>,
    /// A machine-readable code, e.g. `invalid_api_key`, `model_not_found`.
    pub code: Option<String>,
}

impl OpenAiError {
    /// An error with this status, type and code.
    pub fn new(status: StatusCode, kind: &str, code: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            status,
            detail: Box::new(OpenAiErrorDetail {
                message: message.into(),
                kind: kind.to_owned(),
                param: None,
                code: code.map(str::to_owned),
            }),
            retry_after: None,
            conversation: None,
        }
    }

    /// A 400 `invalid_request_error` about `param`.
    pub fn invalid(param: Option<&str>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", None, message).param(param)
    }

    /// A 404 for a model id other than the assistant's.
    pub fn unknown_model(model: &str) -> Self {
        let message =
            format!("The model `{model}` does not exist; this server offers `{}`.", super::MODEL_ID);
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", Some("model_not_found"), message)
            .param(Some("model"))
    }

    /// A turn that failed after the user message was stored. Clients are told not to retry
    /// on their own: a retry would store the message again.
    pub fn turn_failed(message: Option<String>) -> Self {
        match message {
            Some(message) => Self::new(StatusCode::BAD_GATEWAY, "server_error", Some("turn_failed"), message),
            None => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                Some("turn_failed"),
                "internal error",
            ),
        }
    }

    /// Names the request field at fault.
    #[must_use]
    pub fn param(mut self, param: Option<&str>) -> Self {
        self.detail.param = param.map(str::to_owned);
        self
    }

    /// Names the thread the request ran in.
    #[must_use]
    pub fn in_conversation(mut self, thread_id: &str) -> Self {
        self.conversation = Some(thread_id.to_owned());
        self
    }

    /// The error object, as sent inside a stream.
    pub fn body(&self) -> OpenAiErrorBody {
        OpenAiErrorBody { error: self.detail.as_ref().clone() }
    }
}

impl From<ApiError> for OpenAiError {
    fn from(e: ApiError) -> Self {
        let message = e.to_string();
        let (status, kind, code) = match &e {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request_error", None),
            ApiError::TooLarge(_) | ApiError::QuotaExceeded(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "invalid_request_error", Some("request_too_large"))
            }
            ApiError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_request_error", Some("unsupported_media_type"))
            }
            ApiError::Unauthorized => {
                (StatusCode::UNAUTHORIZED, "authentication_error", Some("invalid_api_key"))
            }
            ApiError::NotFound("thread") => {
                let message = "No conversation with that X-Conversation-Id.";
                return Self::new(
                    StatusCode::NOT_FOUND,
                    "invalid_request_error",
                    Some("conversation_not_found"),
                    message,
                );
            }
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "invalid_request_error", Some("not_found")),
            ApiError::Unsupported(_) => {
                (StatusCode::BAD_REQUEST, "invalid_request_error", Some("unsupported"))
            }
            ApiError::Busy(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", Some("too_many_turns")),
            ApiError::RateLimited(_) => {
                (StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", Some("rate_limit_exceeded"))
            }
            ApiError::AuthUnavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "server_error", Some("auth_unavailable"))
            }
            ApiError::Unavailable(_) => {
                (StatusCode::SERVICE_UNAVAILABLE, "server_error", Some("service_unavailable"))
            }
            ApiError::Crowded(_) => {
                (StatusCode::TOO_MANY_REQUESTS, "rate_limit_error", Some("too_many_recordings"))
            }
            ApiError::UnsupportedMedia(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_request_error", Some("unsupported_media_type"))
            }
            ApiError::Upstream(_) => (StatusCode::BAD_GATEWAY, "server_error", Some("upstream_failed")),
            ApiError::UpstreamTimeout(_) => {
                (StatusCode::GATEWAY_TIMEOUT, "server_error", Some("upstream_timeout"))
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "server_error", None)
            }
        };
        let mut error = Self::new(status, kind, code, message);
        if let ApiError::RateLimited(seconds)
        | ApiError::AuthUnavailable(seconds)
        | ApiError::Unavailable(seconds) = e
        {
            error.retry_after = Some(seconds.max(1));
        }
        error
    }
}

impl IntoResponse for OpenAiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(v) = self.retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
            headers.insert(header::RETRY_AFTER, v);
        }
        if self.detail.code.as_deref() == Some("turn_failed") {
            // OpenAI's SDKs honour this: their automatic retries would store the message again.
            headers.insert("x-should-retry", HeaderValue::from_static("false"));
        }
        if let Some(v) = self.conversation.and_then(|id| HeaderValue::from_str(&id).ok()) {
            headers.insert(CONVERSATION_HEADER, v);
        }
        response
    }
}
