//! A scripted OpenAI-compatible transcription service on port 0: `POST /v1/audio/transcriptions`
//! parses the multipart form strictly (boundary, part headers, the closing delimiter), keeps
//! what each request carried (model, language, response format, the file's name, type and exact
//! bytes, the Authorization header) for the test to inspect, and answers what the test's
//! [`Reply`] says: a transcript, an error status, or silence for a while.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;

/// One request as the service received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    /// The `model` field.
    pub model: Option<String>,
    /// The `language` field (None: not sent).
    pub language: Option<String>,
    /// The `response_format` field.
    pub response_format: Option<String>,
    /// The `file` part's file name.
    pub file_name: Option<String>,
    /// The `file` part's `Content-Type`.
    pub file_type: Option<String>,
    /// The `file` part's bytes.
    pub file: Vec<u8>,
    /// The `Authorization` header.
    pub authorization: Option<String>,
}

/// What the service answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// `{"text": …}`.
    Text(String),
    /// This status, with a body naming an internal detail the gateway must not pass on.
    Status(StatusCode),
    /// Nothing for this long, then `{"text": "late"}`.
    Silence(Duration),
}

/// A running scripted service.
pub struct Transcriber {
    /// Its base URL (`http://127.0.0.1:PORT/v1`).
    pub base: String,
    /// Every request, in order.
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Transcriber {
    /// Starts one answering every request with `reply(&request)`.
    pub async fn start(reply: impl Fn(&Received) -> Reply + Clone + Send + Sync + 'static) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let app = Router::new()
            .route(
                "/v1/audio/transcriptions",
                post(move |headers: HeaderMap, body: Bytes| {
                    let (kept, reply) = (kept.clone(), reply.clone());
                    async move { answer(&headers, &body, &kept, &reply).await }
                }),
            )
            .layer(axum::extract::DefaultBodyLimit::max(64 << 20));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/v1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, received }
    }

    /// A service answering every request with `text`.
    pub async fn saying(text: &str) -> Self {
        let text = text.to_owned();
        Self::start(move |_| Reply::Text(text.clone())).await
    }

    /// The requests so far.
    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn answer(
    headers: &HeaderMap,
    body: &[u8],
    kept: &Mutex<Vec<Received>>,
    reply: &impl Fn(&Received) -> Reply,
) -> Response {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let parts = match parse_multipart(content_type, body) {
        Ok(parts) => parts,
        Err(why) => return (StatusCode::BAD_REQUEST, format!("bad multipart: {why}")).into_response(),
    };
    let mut received = Received {
        authorization: headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned),
        ..Received::default()
    };
    for part in parts {
        let text = || String::from_utf8(part.body.clone()).ok();
        match part.name.as_str() {
            "model" => received.model = text(),
            "language" => received.language = text(),
            "response_format" => received.response_format = text(),
            "file" => {
                received.file_name = part.file_name.clone();
                received.file_type = part.content_type.clone();
                received.file = part.body;
            }
            other => return (StatusCode::BAD_REQUEST, format!("unexpected field {other}")).into_response(),
        }
    }
    kept.lock().unwrap().push(received.clone());
    match reply(&received) {
        Reply::Text(text) => axum::Json(json!({ "text": text })).into_response(),
        Reply::Status(status) => {
            let body =
                json!({"error": {"message": "SECRET-UPSTREAM-DETAIL at 10.0.0.7", "type": "server_error"}});
            (status, [(header::RETRY_AFTER, "7")], axum::Json(body)).into_response()
        }
        Reply::Silence(wait) => {
            tokio::time::sleep(wait).await;
            axum::Json(json!({ "text": "late" })).into_response()
        }
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug)]
pub struct FormPart {
    /// Its `name`.
    pub name: String,
    /// Its `filename`, if any.
    pub file_name: Option<String>,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Its bytes.
    pub body: Vec<u8>,
}

/// The parts of a `multipart/form-data` body (RFC 7578), or why it is malformed.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<FormPart>, String> {
    let (essence, params) = content_type.split_once(';').ok_or("no boundary parameter")?;
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!("content type is {essence}"));
    }
    let boundary = params
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .ok_or("no boundary parameter")?
        .trim_matches('"');
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut rest =
        body.strip_prefix(delimiter.as_slice()).ok_or("the body does not start with the boundary")?;
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return if parts.is_empty() { Err("no parts".into()) } else { Ok(parts) };
        }
        rest = rest.strip_prefix(b"\r\n").ok_or("no CRLF after a boundary")?;
        let head_end = find(rest, b"\r\n\r\n").ok_or("a part without a blank line after its headers")?;
        let head = std::str::from_utf8(&rest[..head_end]).map_err(|_| "part headers are not UTF-8")?;
        let after_head = &rest[head_end + 4..];
        let body_end = find(after_head, &next_delimiter).ok_or("a part without a closing boundary")?;
        let mut part = FormPart {
            name: String::new(),
            file_name: None,
            content_type: None,
            body: after_head[..body_end].to_vec(),
        };
        for line in head.split("\r\n") {
            let (key, value) = line.split_once(':').ok_or("a header line without a colon")?;
            if key.eq_ignore_ascii_case("content-disposition") {
                let mut fields = value.split(';').map(str::trim);
                if fields.next() != Some("form-data") {
                    return Err(format!("disposition {value}"));
                }
                for field in fields {
                    if let Some(name) = field.strip_prefix("name=") {
                        part.name = name.trim_matches('"').to_owned();
                    } else if let Some(file) = field.strip_prefix("filename=") {
                        part.file_name = Some(file.trim_matches('"').to_owned());
                    }
                }
            } else if key.eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_owned());
            }
        }
        if part.name.is_empty() {
            return Err("a part without a name".into());
        }
        parts.push(part);
        rest = &after_head[body_end + 2 + delimiter.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
