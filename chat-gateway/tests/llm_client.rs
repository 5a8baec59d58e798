//! The model client against a scripted OpenAI-compatible server: provider flavours of
//! streamed tool calls, HTTP failures, cut and stalled streams, mid-stream errors, and
//! what the requests carry.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use chat_gateway::agent::llm::{Completion, LlmClient, LlmConfig, LlmError, LlmEvent, RetryPolicy, ToolCall};
use futures::StreamExt;
use serde_json::{Value, json};

// ---------------------------------------------------------------- the scripted server

/// What the server answers to one request.
enum Reply {
    /// 200 with this SSE body at once.
    Sse(String),
    /// 200, sending each piece after its delay.
    Drip(Vec<(Duration, String)>),
    /// 200, sending the pieces, then breaking the connection.
    Break(Vec<String>),
    /// A status with headers and a body.
    Status(u16, Vec<(&'static str, &'static str)>, String),
    /// Nothing at all for this long, then an empty stream.
    Silence(Duration),
}

/// A request as the server saw it.
struct Seen {
    body: Value,
    authorization: Option<String>,
}

type Script = Arc<dyn Fn(usize, &Value) -> Reply + Send + Sync>;

#[derive(Clone)]
struct Mock {
    script: Script,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
    fn body(&self, i: usize) -> Value {
        self.seen.lock().unwrap()[i].body.clone()
    }
    fn authorization(&self, i: usize) -> Option<String> {
        self.seen.lock().unwrap()[i].authorization.clone()
    }
}

async fn completions(State(mock): State<Mock>, headers: HeaderMap, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap();
    let n = {
        let mut seen = mock.seen.lock().unwrap();
        let authorization = headers.get("authorization").map(|v| v.to_str().unwrap().to_owned());
        seen.push(Seen { body: body.clone(), authorization });
        seen.len() - 1
    };
    let sse = |body: Body| {
        Response::builder().status(200).header("content-type", "text/event-stream").body(body).unwrap()
    };
    match (mock.script)(n, &body) {
        Reply::Sse(text) => sse(Body::from(text)),
        Reply::Drip(pieces) => {
            sse(Body::from_stream(futures::stream::iter(pieces).then(|(delay, piece)| async move {
                tokio::time::sleep(delay).await;
                Ok::<_, std::io::Error>(piece)
            })))
        }
        Reply::Break(pieces) => {
            // The pause lets the pieces reach the client before the connection breaks.
            let broken = futures::stream::once(async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Err(std::io::Error::other("connection reset"))
            });
            sse(Body::from_stream(futures::stream::iter(pieces.into_iter().map(Ok)).chain(broken)))
        }
        Reply::Status(code, headers, text) => {
            let mut response = Response::builder().status(code).header("content-type", "application/json");
            for (name, value) in headers {
                response = response.header(name, value);
            }
            response.body(Body::from(text)).unwrap()
        }
        Reply::Silence(wait) => {
            tokio::time::sleep(wait).await;
            sse(Body::empty())
        }
    }
}

/// Starts the server on a free port; returns it and its base URL (`http://…/v1`).
async fn serve(script: impl Fn(usize, &Value) -> Reply + Send + Sync + 'static) -> (Mock, String) {
    let mock = Mock { script: Arc::new(script), seen: Arc::default() };
    let app = Router::new().route("/v1/chat/completions", post(completions)).with_state(mock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (mock, base)
}

/// A server that answers every request the same way.
async fn serve_always(reply: impl Fn() -> Reply + Send + Sync + 'static) -> (Mock, String) {
    serve(move |_, _| reply()).await
}

// ---------------------------------------------------------------- SSE helpers

/// `data: {json}\n\n` for each event, then `data: [DONE]\n\n`.
fn sse(events: &[Value]) -> String {
    sse_without_done(events) + "data: [DONE]\n\n"
}

fn sse_without_done(events: &[Value]) -> String {
    events.iter().map(|e| format!("data: {e}\n\n")).collect()
}

/// An OpenAI-style chunk with one choice.
fn chunk(delta: Value, finish_reason: Option<&str>) -> Value {
    let mut chunk = json!({
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": finish_reason}],
    });
    chunk["choices"][0]["delta"] = delta;
    chunk
}

fn text(content: &str) -> Value {
    chunk(json!({"content": content}), None)
}

fn usage(prompt: u64, completion: u64) -> Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
           "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}})
}

// ---------------------------------------------------------------- client helpers

const KEY: &str = "sk-test-KEY";

fn config(base: &str, timeout: Duration) -> LlmConfig {
    LlmConfig { base_url: base.to_owned(), api_key: KEY.to_owned(), model: "test-model".to_owned(), timeout }
}

fn client(base: &str) -> LlmClient {
    LlmClient::new(config(base, Duration::from_secs(5)))
}

fn user(text: &str) -> Vec<Value> {
    vec![json!({"role": "user", "content": text})]
}

fn weather_tool() -> Vec<Value> {
    vec![json!({"type": "function", "function": {
        "name": "get_weather", "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}})]
}

/// Drains one stream, checking its contract: text deltas, then exactly one `Done` or one
/// `Err`, then the end. Returns the deltas and the outcome.
async fn run(client: &LlmClient, tools: Vec<Value>) -> (Vec<String>, Result<Completion, LlmError>) {
    let mut stream = client.stream(user("hi"), tools);
    let mut deltas = Vec::new();
    let outcome = loop {
        match stream.next().await.expect("the stream ended without Done or an error") {
            Ok(LlmEvent::TextDelta(text)) => deltas.push(text),
            Ok(LlmEvent::Done(completion)) => break Ok(completion),
            Err(error) => break Err(error),
        }
    };
    assert!(stream.next().await.is_none(), "nothing may follow Done or an error");
    assert!(stream.next().await.is_none(), "an ended stream stays ended");
    (deltas, outcome)
}

fn call(id: &str, name: &str, arguments: &str) -> ToolCall {
    ToolCall { id: id.into(), name: name.into(), arguments: arguments.into(), extra: None }
}

// ---------------------------------------------------------------- streaming

#[tokio::test]
async fn plain_text_arrives_as_three_deltas_then_one_done_with_usage() {
    let (_, base) = serve_always(|| {
        Reply::Sse(sse(&[
            chunk(json!({"role": "assistant", "content": ""}), None),
            text("Hel"),
            text("lo, "),
            text("world"),
            chunk(json!({}), Some("stop")),
            usage(12, 3),
        ]))
    })
    .await;

    let (deltas, done) = run(&client(&base), vec![]).await;

    assert_eq!(deltas, ["Hel", "lo, ", "world"]);
    let done = done.unwrap();
    assert_eq!(
        done,
        Completion {
            text: "Hello, world".into(),
            tool_calls: vec![],
            finish_reason: Some("stop".into()),
            prompt_tokens: Some(12),
            completion_tokens: Some(3),
        }
    );
    assert_eq!(LlmClient::assistant_message(&done), json!({"role": "assistant", "content": "Hello, world"}));
}

#[tokio::test]
async fn the_request_streams_with_usage_names_the_model_and_sends_the_bearer_key() {
    let (mock, base) = serve_always(|| Reply::Sse(sse(&[text("ok"), chunk(json!({}), Some("stop"))]))).await;

    run(&client(&base), vec![]).await.1.unwrap();
    run(&client(&base), weather_tool()).await.1.unwrap();

    let without_tools = mock.body(0);
    assert_eq!(without_tools["stream"], json!(true), "byot does not set stream: true by itself");
    assert_eq!(without_tools["stream_options"], json!({"include_usage": true}));
    assert_eq!(without_tools["model"], "test-model");
    assert_eq!(without_tools["messages"], json!(user("hi")));
    assert!(without_tools.get("tools").is_none(), "no tools → no `tools` key");
    assert_eq!(mock.body(1)["tools"], json!(weather_tool()));
    assert_eq!(mock.authorization(0).as_deref(), Some("Bearer sk-test-KEY"));
}

#[tokio::test]
async fn a_base_url_with_a_trailing_slash_and_a_key_with_a_newline_still_work() {
    let (mock, base) = serve_always(|| Reply::Sse(sse(&[text("ok"), chunk(json!({}), Some("stop"))]))).await;
    let mut config = config(&format!("{base}/"), Duration::from_secs(5));
    config.api_key = format!("  {KEY}\n");

    let (_, done) = run(&LlmClient::new(config), vec![]).await;

    assert_eq!(done.unwrap().text, "ok", "`…/v1/` must not become `…/v1//chat/completions`");
    assert_eq!(mock.authorization(0).as_deref(), Some("Bearer sk-test-KEY"));
}

#[tokio::test]
async fn a_key_that_cannot_be_an_http_header_is_unauthorized_without_a_request_or_a_panic() {
    let (mock, base) = serve_always(|| Reply::Sse(sse(&[]))).await;
    let mut config = config(&base, Duration::from_secs(5));
    config.api_key = "sk-one\nsk-two".into();

    let (_, outcome) = run(&LlmClient::new(config), vec![]).await;

    assert!(matches!(outcome, Err(LlmError::Unauthorized)), "{outcome:?}");
    assert_eq!(mock.requests(), 0);
}

#[tokio::test]
async fn the_config_debug_output_hides_the_key() {
    let printed = format!("{:?}", config("http://x/v1", Duration::from_secs(1)));
    assert!(!printed.contains(KEY) && printed.contains("redacted"), "{printed}");
    let printed = format!("{:?}", client("http://x/v1"));
    assert!(!printed.contains(KEY), "{printed}");
}

// ---------------------------------------------------------------- tool calls, by provider

#[tokio::test]
async fn an_openai_tool_call_sent_in_fragments_is_accumulated() {
    let (_, base) = serve_always(|| {
        Reply::Sse(sse(&[
            chunk(
                json!({"role": "assistant", "content": null, "tool_calls": [{"index": 0, "id": "call_abc",
                "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
                None,
            ),
            chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"ci"}}]}), None),
            chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "ty\": \"Pa"}}]}), None),
            chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "ris\"}"}}]}), None),
            chunk(json!({}), Some("tool_calls")),
            usage(40, 9),
        ]))
    })
    .await;

    let (deltas, done) = run(&client(&base), weather_tool()).await;

    assert!(deltas.is_empty());
    let done = done.unwrap();
    assert_eq!(done.tool_calls, [call("call_abc", "get_weather", "{\"city\": \"Paris\"}")]);
    assert_eq!(done.finish_reason.as_deref(), Some("tool_calls"));
    assert_eq!(
        LlmClient::assistant_message(&done),
        json!({"role": "assistant", "tool_calls": [{"id": "call_abc", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]})
    );
    assert_eq!(
        LlmClient::tool_message(&done.tool_calls[0], "18°C, sunny"),
        json!({"role": "tool", "tool_call_id": "call_abc", "content": "18°C, sunny"})
    );
}

#[tokio::test]
async fn two_parallel_calls_interleaved_come_out_as_two_calls_in_index_order() {
    let (_, base) = serve_always(|| {
        let part = |index: u32, value: Value| {
            chunk(json!({"tool_calls": [{"index": index, "function": value}]}), None)
        };
        Reply::Sse(sse(&[
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": ""}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 1, "id": "call_2", "type": "function",
                "function": {"name": "get_time", "arguments": ""}}]}),
                None,
            ),
            part(0, json!({"arguments": "{\"city\":"})),
            part(1, json!({"arguments": "{\"tz\":"})),
            part(0, json!({"arguments": "\"Oslo\"}"})),
            part(1, json!({"arguments": "\"UTC\"}"})),
            chunk(json!({}), Some("tool_calls")),
        ]))
    })
    .await;

    let done = run(&client(&base), weather_tool()).await.1.unwrap();

    assert_eq!(
        done.tool_calls,
        [
            call("call_1", "get_weather", "{\"city\":\"Oslo\"}"),
            call("call_2", "get_time", "{\"tz\":\"UTC\"}")
        ]
    );
}

#[tokio::test]
async fn a_gemini_call_without_index_is_found_and_its_extra_content_is_echoed_on_replay() {
    let signature = json!({"google": {"thought_signature": "c2lnbmF0dXJl"}});
    let sig = signature.clone();
    let (_, base) = serve_always(move || {
        // Gemini: no `index`, the whole call in one delta, finish "stop", no `object`.
        Reply::Sse(sse(&[json!({
            "id": "g-1", "created": 1, "model": "gemini-3-pro",
            "choices": [{"index": 0, "finish_reason": "stop", "delta": {"role": "assistant", "tool_calls": [{
                "id": "function-call-1", "type": "function", "extra_content": sig,
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}}]}}],
            "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25},
        })]))
    })
    .await;

    let done = run(&client(&base), weather_tool()).await.1.unwrap();

    assert_eq!(done.finish_reason.as_deref(), Some("stop"), "Gemini ends tool turns with stop");
    assert_eq!(
        done.tool_calls,
        [ToolCall {
            extra: Some(signature.clone()),
            ..call("function-call-1", "get_weather", "{\"city\":\"Rome\"}")
        }]
    );
    assert_eq!(
        LlmClient::assistant_message(&done)["tool_calls"][0],
        json!({"id": "function-call-1", "type": "function", "extra_content": signature,
            "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}})
    );
}

#[tokio::test]
async fn groq_chunks_with_service_tier_on_demand_parse_and_x_groq_usage_is_read() {
    let (_, base) = serve_always(|| {
        let groq = |mut c: Value| {
            c["service_tier"] = json!("on_demand");
            c["system_fingerprint"] = json!("fp_1");
            c
        };
        let mut last = groq(chunk(json!({}), Some("stop")));
        last["x_groq"] = json!({"id": "req_1", "usage": {"prompt_tokens": 8, "completion_tokens": 2}});
        Reply::Sse(sse(&[groq(text("Hi")), groq(text("!")), last]))
    })
    .await;

    let (deltas, done) = run(&client(&base), vec![]).await;

    assert_eq!(deltas, ["Hi", "!"]);
    let done = done.unwrap();
    assert_eq!((done.prompt_tokens, done.completion_tokens), (Some(8), Some(2)));
}

#[tokio::test]
async fn an_empty_finish_reason_counts_as_none() {
    let (_, base) = serve_always(|| {
        Reply::Sse(sse(&[
            chunk(json!({"content": "a"}), Some("")),
            chunk(json!({"content": "b"}), Some("")),
            chunk(json!({}), Some("stop")),
        ]))
    })
    .await;
    let done = run(&client(&base), vec![]).await.1.unwrap();
    assert_eq!((done.text.as_str(), done.finish_reason.as_deref()), ("ab", Some("stop")));

    // Only "" ever, then [DONE]: complete, with no finish reason.
    let (_, base) = serve_always(|| Reply::Sse(sse(&[chunk(json!({"content": "a"}), Some(""))]))).await;
    let done = run(&client(&base), vec![]).await.1.unwrap();
    assert_eq!((done.text.as_str(), done.finish_reason), ("a", None));
}

#[tokio::test]
async fn ollama_parallel_calls_on_the_same_index_are_split_by_id() {
    let (_, base) = serve_always(|| {
        Reply::Sse(sse(&[
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_a", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Lima\"}"}}]}),
                None,
            ),
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_b", "type": "function",
                "function": {"name": "get_weather", "arguments": "{\"city\":\"Quito\"}"}}]}),
                None,
            ),
            chunk(json!({}), Some("tool_calls")),
        ]))
    })
    .await;

    let done = run(&client(&base), weather_tool()).await.1.unwrap();

    assert_eq!(
        done.tool_calls,
        [
            call("call_a", "get_weather", "{\"city\":\"Lima\"}"),
            call("call_b", "get_weather", "{\"city\":\"Quito\"}")
        ]
    );
}

#[tokio::test]
async fn a_chunk_that_is_not_json_is_skipped_and_the_stream_goes_on() {
    let (_, base) = serve_always(|| {
        Reply::Sse(format!(
            "data: {}\n\ndata: not json at all\n\n: keep-alive comment\n\n{}",
            text("one "),
            sse(&[text("two"), chunk(json!({}), Some("stop"))])
        ))
    })
    .await;

    let (deltas, done) = run(&client(&base), vec![]).await;

    assert_eq!(deltas, ["one ", "two"]);
    assert_eq!(done.unwrap().text, "one two");
}

// ---------------------------------------------------------------- HTTP failures

#[tokio::test]
async fn a_401_is_unauthorized_and_not_retried() {
    let (mock, base) = serve_always(|| {
        Reply::Status(
            401,
            vec![],
            json!({"error": {"message": "Incorrect API key", "type": "invalid_request_error",
            "code": "invalid_api_key"}})
            .to_string(),
        )
    })
    .await;

    let (_, outcome) = run(&client(&base), vec![]).await;

    let error = outcome.unwrap_err();
    assert!(matches!(error, LlmError::Unauthorized) && !error.retryable(), "{error:?}");
    assert_eq!(mock.requests(), 1);
}

#[tokio::test]
async fn a_500_every_time_is_unavailable_after_the_three_built_in_retries() {
    let (mock, base) = serve_always(|| Reply::Status(500, vec![], "upstream exploded".into())).await;
    let started = Instant::now();

    let (_, outcome) = run(&client(&base), vec![]).await;

    match outcome {
        Err(error @ LlmError::Unavailable(_)) => {
            assert!(error.retryable());
            assert!(
                error.to_string().contains("500") && error.to_string().contains("upstream exploded"),
                "{error}"
            );
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    assert_eq!(mock.requests(), 4, "1 request + 3 retries");
    assert!(started.elapsed() >= Duration::from_millis(700), "backoff 100+200+400 ms");
}

#[tokio::test]
async fn a_429_with_retry_after_is_rate_limited_and_carries_the_wait() {
    let (mock, base) = serve_always(|| {
        Reply::Status(
            429,
            vec![("retry-after", "1")],
            json!({"error": {"message": "Rate limit reached",
            "type": "requests", "code": "rate_limit_exceeded"}})
            .to_string(),
        )
    })
    .await;
    // One retry instead of three keeps this test at one second.
    let client = client(&base).with_retry_policy(RetryPolicy { max_retries: 1, ..RetryPolicy::default() });
    let started = Instant::now();

    let (_, outcome) = run(&client, vec![]).await;

    let error = outcome.unwrap_err();
    assert!(
        matches!(error, LlmError::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(1)),
        "{error:?}"
    );
    assert!(error.retryable());
    assert_eq!(mock.requests(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "Retry-After was honoured");
}

#[tokio::test]
async fn a_429_asking_for_a_long_wait_returns_at_once_for_the_agent_to_decide() {
    let (mock, base) = serve_always(|| Reply::Status(429, vec![("retry-after", "120")], "{}".into())).await;

    let (_, outcome) = run(&client(&base), vec![]).await;

    assert!(
        matches!(outcome, Err(LlmError::RateLimited { retry_after: Some(d) }) if d == Duration::from_secs(120)),
        "{outcome:?}"
    );
    assert_eq!(mock.requests(), 1, "a wait above the backoff cap is not slept through");
}

#[tokio::test]
async fn a_429_without_retry_after_is_retried_transparently() {
    let (mock, base) = serve(|n, _| match n {
        0 | 1 => Reply::Status(429, vec![], "slow down".into()),
        _ => Reply::Sse(sse(&[text("finally"), chunk(json!({}), Some("stop"))])),
    })
    .await;

    let (_, done) = run(&client(&base), vec![]).await;

    assert_eq!(done.unwrap().text, "finally");
    assert_eq!(mock.requests(), 3);
}

#[tokio::test]
async fn an_exhausted_quota_is_rejected_at_once() {
    let (mock, base) = serve_always(|| {
        Reply::Status(
            429,
            vec![],
            json!({"error": {"message": "You exceeded your current quota",
            "type": "insufficient_quota", "code": "insufficient_quota"}})
            .to_string(),
        )
    })
    .await;

    let (_, outcome) = run(&client(&base), vec![]).await;

    assert!(matches!(&outcome, Err(LlmError::Rejected(m)) if m.contains("quota")), "{outcome:?}");
    assert_eq!(mock.requests(), 1);
}

#[tokio::test]
async fn a_400_is_rejected_with_the_providers_message() {
    let (mock, base) = serve_always(|| {
        Reply::Status(
            400,
            vec![],
            json!({"error": {"message": "This model's maximum context length is 8192 tokens",
            "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}})
            .to_string(),
        )
    })
    .await;

    let (_, outcome) = run(&client(&base), vec![]).await;

    let error = outcome.unwrap_err();
    assert!(matches!(&error, LlmError::Rejected(m) if m.contains("maximum context length")), "{error:?}");
    assert!(!error.retryable());
    assert_eq!(mock.requests(), 1);
}

#[tokio::test]
async fn a_provider_refusing_stream_options_is_asked_again_without_it_and_that_is_remembered() {
    // Mistral's answer to `stream_options` (a 422 whose `message` is an object).
    let (mock, base) = serve(|_, body| {
        if body.get("stream_options").is_some() {
            Reply::Status(
                422,
                vec![],
                json!({"object": "error", "message": {"detail": [{"type": "extra_forbidden",
                "loc": ["body", "stream_options", "include_usage"], "msg": "Extra inputs are not permitted",
                "input": true}]}, "type": "invalid_request_error", "param": null, "code": null})
                .to_string(),
            )
        } else {
            Reply::Sse(sse(&[text("bonjour"), chunk(json!({}), Some("stop"))]))
        }
    })
    .await;
    let client = client(&base);

    assert_eq!(run(&client, vec![]).await.1.unwrap().text, "bonjour");
    assert_eq!(mock.requests(), 2);
    assert!(mock.body(1).get("stream_options").is_none());
    assert_eq!(mock.body(1)["stream"], json!(true));

    assert_eq!(run(&client.clone(), vec![]).await.1.unwrap().text, "bonjour");
    assert_eq!(mock.requests(), 3, "the next request goes without stream_options at once");
}

#[tokio::test]
async fn a_refused_connection_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let client = client(&base).with_retry_policy(RetryPolicy { max_retries: 0, ..RetryPolicy::default() });

    let (_, outcome) = run(&client, vec![]).await;

    assert!(matches!(outcome, Err(LlmError::Unavailable(_))), "{outcome:?}");
}

// ---------------------------------------------------------------- cut, stalled, broken streams

#[tokio::test]
async fn a_stream_that_ends_without_done_or_a_finish_reason_is_cut() {
    let (_, base) = serve_always(|| {
        // Two deltas, then half an event, then EOF.
        Reply::Sse(
            sse_without_done(&[text("Once upon"), text(" a time")]) + "data: {\"choices\":[{\"delta\":",
        )
    })
    .await;

    let (deltas, outcome) = run(&client(&base), vec![]).await;

    assert_eq!(deltas, ["Once upon", " a time"], "text already streamed stays delivered");
    let error = outcome.unwrap_err();
    assert!(matches!(error, LlmError::Cut) && error.retryable(), "{error:?}");
}

#[tokio::test]
async fn a_connection_that_breaks_mid_stream_is_cut() {
    let (_, base) = serve_always(|| Reply::Break(vec![format!("data: {}\n\n", text("partial"))])).await;

    let (deltas, outcome) = run(&client(&base), vec![]).await;

    assert_eq!(deltas, ["partial"]);
    assert!(matches!(outcome, Err(LlmError::Cut)), "{outcome:?}");
}

#[tokio::test]
async fn a_stream_with_a_finish_reason_but_no_done_still_completes() {
    let (_, base) =
        serve_always(|| Reply::Sse(sse_without_done(&[text("fin"), chunk(json!({}), Some("stop"))]))).await;

    let done = run(&client(&base), vec![]).await.1.unwrap();

    assert_eq!((done.text.as_str(), done.finish_reason.as_deref()), ("fin", Some("stop")));
}

#[tokio::test]
async fn a_stream_that_stalls_longer_than_the_timeout_times_out() {
    let (_, base) = serve_always(|| {
        Reply::Drip(vec![
            (Duration::ZERO, format!("data: {}\n\n", text("thinking"))),
            (Duration::from_secs(10), sse(&[chunk(json!({}), Some("stop"))])),
        ])
    })
    .await;
    let client = LlmClient::new(config(&base, Duration::from_millis(300)));
    let started = Instant::now();

    let (deltas, outcome) = run(&client, vec![]).await;

    assert_eq!(deltas, ["thinking"]);
    assert!(matches!(outcome, Err(LlmError::Timeout)), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_server_that_sends_no_response_head_in_time_times_out_without_retrying() {
    let (mock, base) = serve_always(|| Reply::Silence(Duration::from_secs(10))).await;
    let client = LlmClient::new(config(&base, Duration::from_millis(300)));
    let started = Instant::now();

    let (_, outcome) = run(&client, vec![]).await;

    assert!(matches!(outcome, Err(LlmError::Timeout)), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(mock.requests(), 1);
}

#[tokio::test]
async fn sse_comments_keep_a_slow_stream_alive_past_the_timeout() {
    let (_, base) = serve_always(|| {
        let mut pieces = vec![(Duration::ZERO, format!("data: {}\n\n", text("a")))];
        pieces.extend((0..8).map(|_| (Duration::from_millis(150), ": processing\n\n".to_owned())));
        pieces.push((Duration::from_millis(150), sse(&[text("b"), chunk(json!({}), Some("stop"))])));
        Reply::Drip(pieces)
    })
    .await;
    let client = LlmClient::new(config(&base, Duration::from_millis(600)));

    let done = run(&client, vec![]).await.1.unwrap();

    assert_eq!(done.text, "ab", "1.2 s of comments with a 600 ms timeout");
}

#[tokio::test]
async fn mid_stream_error_payloads_map_to_the_right_error() {
    type Expectation = fn(&LlmError) -> bool;
    let cases: Vec<(&str, Value, Expectation)> = vec![
        (
            "openai rate limit",
            json!({"error": {"message": "Rate limit reached", "type": "tokens", "code": "rate_limit_exceeded"}}),
            |e| matches!(e, LlmError::RateLimited { retry_after: None }),
        ),
        (
            "openai server error",
            json!({"error": {"message": "The server had an error", "type": "server_error", "code": null}}),
            |e| matches!(e, LlmError::Unavailable(m) if m.contains("The server had an error")),
        ),
        (
            "context too long",
            json!({"error": {"message": "too many tokens", "type": "invalid_request_error",
                "code": "context_length_exceeded"}}),
            |e| matches!(e, LlmError::Rejected(m) if m == "too many tokens"),
        ),
        (
            "gemini-style array with a numeric code",
            json!([{"error": {"code": 429, "message": "Resource exhausted", "status": "RESOURCE_EXHAUSTED"}}]),
            |e| matches!(e, LlmError::RateLimited { .. }),
        ),
        (
            "openrouter-style error with a finish_reason",
            json!({"id": "x", "error": {"code": 502, "message": "Provider returned error"},
                "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]}),
            |e| matches!(e, LlmError::Unavailable(m) if m.contains("Provider returned error")),
        ),
        (
            "an unknown error shape",
            json!({"error": "something odd"}),
            |e| matches!(e, LlmError::Unavailable(m) if m == "something odd"),
        ),
    ];
    for (name, payload, expected) in cases {
        let (_, base) = serve_always(move || Reply::Sse(sse(&[text("so far"), payload.clone()]))).await;

        let (deltas, outcome) = run(&client(&base), vec![]).await;

        assert_eq!(deltas, ["so far"], "{name}");
        let error = outcome.expect_err(name);
        assert!(expected(&error), "{name}: {error:?}");
    }
}
