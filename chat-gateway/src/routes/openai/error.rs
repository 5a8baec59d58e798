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
    /// An error with this status and code, of the type OpenAI gives that status.
    pub fn new(status: StatusCode, code: Option<&str>, message: impl Into<String>) -> Self {
        let kind = match status {
            StatusCode::UNAUTHORIZED => "authentication_error",
            StatusCode::TOO_MANY_REQUESTS => "rate_limit_error",
            status if status.is_server_error() => "server_error",
            _ => "invalid_request_error",
        };
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
        Self::new(StatusCode::BAD_REQUEST, None, message).param(param)
    }

    /// A 404 for a model id other than the assistant's.
    pub fn unknown_model(model: &str) -> Self {
        let message =
            format!("The model `{model}` does not exist; this server offers `{}`.", super::MODEL_ID);
        Self::new(StatusCode::NOT_FOUND, Some("model_not_found"), message).param(Some("model"))
    }

    /// A turn that failed after the user message was stored. Clients are told not to retry
    /// on their own: a retry would store the message again.
    pub fn turn_failed(message: Option<String>) -> Self {
        match message {
            Some(message) => Self::new(StatusCode::BAD_GATEWAY, Some("turn_failed"), message),
            None => Self::new(StatusCode::INTERNAL_SERVER_ERROR, Some("turn_failed"), "internal error"),
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
        // The status is the one the gateway gives this error everywhere; the code is OpenAI's
        // name for it where OpenAI has one, else the gateway's own.
        let (status, own_code) = e.status_and_code();
        let code = match &e {
            ApiError::NotFound("thread") => {
                let message = "No conversation with that X-Conversation-Id.";
                return Self::new(status, Some("conversation_not_found"), message);
            }
            ApiError::BadRequest(_) => None,
            ApiError::TooLarge(_) | ApiError::QuotaExceeded(_) => Some("request_too_large"),
            ApiError::Unauthorized => Some("invalid_api_key"),
            ApiError::Unsupported(_) => Some("unsupported"),
            ApiError::RateLimited(_) => Some("rate_limit_exceeded"),
            ApiError::Unavailable(_) => Some("service_unavailable"),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                None
            }
            ApiError::NotFound(_)
            | ApiError::UnsupportedMediaType(_)
            | ApiError::Busy(_)
            | ApiError::AuthUnavailable(_)
            | ApiError::Crowded(_)
            | ApiError::UnsupportedMedia(_)
            | ApiError::Upstream(_)
            | ApiError::UpstreamTimeout(_) => Some(own_code),
        };
        let mut error = Self::new(status, code, message);
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
