//! A scripted OpenAI-compatible model on port 0: the test's `answer` reads each request
//! body and returns the chunks to stream (as Chat Completions SSE ending `[DONE]`) or an
//! HTTP error; every request body is kept for the test to inspect.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{Value, json};

/// What the model answers a request with: chunks to stream, or an error status and body.
pub type Answer = Result<Vec<Value>, (StatusCode, &'static str)>;

/// Serves `answer` at `/v1/chat/completions`, recording requests; the base URL (`…/v1`).
pub async fn serve(
    requests: Arc<Mutex<Vec<Value>>>,
    answer: impl Fn(&Value) -> Answer + Clone + Send + Sync + 'static,
) -> String {
    let app = Router::new().route(
        "/v1/chat/completions",
        post(move |axum::Json(body): axum::Json<Value>| {
            let (requests, answer) = (requests.clone(), answer.clone());
            async move {
                requests.lock().unwrap().push(body.clone());
                match answer(&body) {
                    Err(error) => error.into_response(),
                    Ok(chunks) => {
                        let mut sse: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
                        sse.push_str("data: [DONE]\n\n");
                        ([("content-type", "text/event-stream")], sse).into_response()
                    }
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// One `chat.completion.chunk` with `delta` and an optional finish reason.
pub fn chunk(delta: &Value, finish: Option<&str>) -> Value {
    json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "scripted",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

/// Text in these pieces, then `stop`.
pub fn text_chunks(parts: &[&str]) -> Vec<Value> {
    let mut chunks: Vec<Value> = parts.iter().map(|p| chunk(&json!({"content": p}), None)).collect();
    chunks.push(chunk(&json!({}), Some("stop")));
    chunks
}

/// One call, split the way OpenAI streams it: header with id and name, then argument fragments.
pub fn tool_chunks(name: &str, args: &str) -> Vec<Value> {
    let (a, b) = args.split_at(args.len() / 2);
    vec![
        chunk(
            &json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}}]}),
            None,
        ),
        chunk(&json!({"tool_calls": [{"index": 0, "function": {"arguments": a}}]}), None),
        chunk(&json!({"tool_calls": [{"index": 0, "function": {"arguments": b}}]}), None),
        chunk(&json!({}), Some("tool_calls")),
    ]
}
