//! The direct path for `tools/call` over stateless HTTP: the request most clients send
//! most often, answered without rmcp's per-request service (a spawned service loop, a
//! channel pair, a `Value` tree for `structuredContent` built, written and dropped).
//!
//! It takes only requests whose handling it knows is rmcp's: a JSON `POST` that accepts
//! JSON and SSE, a Host rmcp allows, a protocol version before 2026-07-28 (no per-request
//! `_meta` negotiation, no SEP-2243 headers to check), and a body that is exactly one
//! `tools/call` request with no fields beyond `jsonrpc`, `id`, `method` and
//! `params.{name, arguments}`. Anything else, and any call whose arguments do not
//! deserialize, goes to rmcp unchanged ([`Direct::answer`] hands the request back), so
//! errors and every other method are rmcp's. `tests/direct_call.rs` checks that both paths
//! answer the same calls with the same JSON.

use std::borrow::Cow;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rmcp::model::{ErrorData, JsonRpcError, JsonRpcVersion2_0, ProtocolVersion, RequestId};
use serde::Deserialize;
use serde_json::value::RawValue;
use shared::identity::Identity;
use shared::serve::{SMALL_BODY, is_small_body};
use tokio_util::sync::CancellationToken;

use crate::tools::TaskServer;

/// Answers what it can of `/mcp`; see the module docs.
#[derive(Clone)]
pub struct Direct {
    server: TaskServer,
    /// `None`: any Host (rmcp's check is off); else each allowed host, lower-case, and its
    /// port when one is required.
    hosts: Option<Vec<(String, Option<u16>)>>,
    /// Fires when in-flight MCP requests are to be aborted (as rmcp's are).
    stop: CancellationToken,
}

/// One `tools/call` request, borrowed from the body; unknown fields refuse the direct path.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Call<'a> {
    #[serde(borrow)]
    jsonrpc: Cow<'a, str>,
    id: RequestId,
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow)]
    params: Params<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Params<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow, default)]
    arguments: Option<&'a RawValue>,
}

impl Direct {
    /// `hosts`: the allowed hosts of rmcp's configuration, read from it (empty: any).
    pub fn new(server: TaskServer, hosts: &[String], stop: CancellationToken) -> Self {
        let hosts = (!hosts.is_empty()).then(|| hosts.iter().filter_map(|h| authority(h.trim())).collect());
        Self { server, hosts, stop }
    }

    /// The answer, or the request back (its body intact) for rmcp.
    pub async fn answer(&self, request: Request) -> Result<Response, Request> {
        if !self.takes(request.method(), request.headers()) {
            return Err(request);
        }
        let Some(identity) = request.extensions().get::<Identity>().cloned() else {
            return Err(request);
        };
        let (parts, body) = request.into_parts();
        // Bodies this small were read in full by `shared::serve::read_small_body`.
        let bytes = match axum::body::to_bytes(body, SMALL_BODY).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return Ok((StatusCode::BAD_REQUEST, "the request body could not be read").into_response());
            }
        };
        let call = match serde_json::from_slice::<Call>(&bytes) {
            Ok(call) if call.jsonrpc == "2.0" && call.method == "tools/call" => call,
            _ => return Err(Request::from_parts(parts, Body::from(bytes))),
        };
        let arguments = match call.params.arguments.map(RawValue::get) {
            None => "{}",
            Some(object) if object.starts_with('{') => object,
            Some(_) => return Err(Request::from_parts(parts, Body::from(bytes))),
        };
        let called = self.server.call_direct(&call.params.name, arguments, &identity);
        let outcome = tokio::select! {
            outcome = called => outcome,
            () = self.stop.cancelled() => {
                return Ok((StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down").into_response());
            }
        };
        let body = match outcome {
            None => return Err(Request::from_parts(parts, Body::from(bytes))),
            Some(Ok(result)) => rpc_result(&call.id, &result),
            Some(Err(error)) => serde_json::to_vec(&rpc_error(call.id, error)),
        };
        Ok(match body {
            Ok(body) => json_response(body),
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
        })
    }

    /// Whether the request's method and headers are ones rmcp would serve as this path does.
    fn takes(&self, method: &Method, headers: &HeaderMap) -> bool {
        *method == Method::POST
            && is_small_body(headers)
            && is_json(headers.get(header::CONTENT_TYPE))
            && accepts_json_and_sse(headers)
            && old_protocol(headers.get("mcp-protocol-version"))
            && self.host_allowed(headers.get(header::HOST))
    }

    fn host_allowed(&self, host: Option<&HeaderValue>) -> bool {
        let Some(allowed) = &self.hosts else { return true };
        let Some((name, port)) = host.and_then(|h| authority(h.to_str().ok()?)) else {
            return false;
        };
        allowed.iter().any(|(allowed, required)| *allowed == name && required.is_none_or(|p| port == Some(p)))
    }
}

/// A Host (or an allowed host) as rmcp compares it: the name lower-case without IPv6
/// brackets, and the port if any.
fn authority(text: &str) -> Option<(String, Option<u16>)> {
    let authority = text.parse::<http::uri::Authority>().ok()?;
    Some((authority.host().trim_matches(['[', ']']).to_ascii_lowercase(), authority.port_u16()))
}

/// The media types a header lists, without parameters.
fn essences(value: Option<&HeaderValue>) -> impl Iterator<Item = &str> {
    value
        .and_then(|v| v.to_str().ok())
        .into_iter()
        .flat_map(|v| v.split(','))
        .map(|part| part.split(';').next().unwrap_or_default().trim())
}

fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let mut types = essences(content_type);
    types.next().is_some_and(|t| t.eq_ignore_ascii_case("application/json")) && types.next().is_none()
}

/// Both types listed plainly. Entries with parameters (a `q=0` excludes one) and quoted
/// values are left to rmcp's parser: the request then goes to rmcp.
fn accepts_json_and_sse(headers: &HeaderMap) -> bool {
    let (mut json, mut sse) = (false, false);
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { return false };
        if value.contains('"') {
            return false;
        }
        for entry in value.split(',').map(str::trim).filter(|entry| !entry.contains(';')) {
            json |= entry.eq_ignore_ascii_case("application/json");
            sse |= entry.eq_ignore_ascii_case("text/event-stream");
        }
    }
    json && sse
}

/// No `MCP-Protocol-Version` header (rmcp assumes 2025-03-26), or a known one from before
/// the version that brought per-request negotiation and standard headers.
fn old_protocol(header: Option<&HeaderValue>) -> bool {
    let Some(value) = header else { return true };
    value.to_str().is_ok_and(|v| {
        ProtocolVersion::KNOWN_VERSIONS.iter().any(|known| known.as_str() == v)
            && v < ProtocolVersion::STANDARD_HEADERS.as_str()
    })
}

/// The JSON-RPC response carrying `result`, JSON this server just wrote (so it is not
/// parsed again, as a `RawValue` would be).
fn rpc_result(id: &RequestId, result: &str) -> serde_json::Result<Vec<u8>> {
    let mut body = Vec::with_capacity(result.len() + 64);
    body.extend_from_slice(br#"{"jsonrpc":"2.0","id":"#);
    serde_json::to_writer(&mut body, id)?;
    body.extend_from_slice(br#","result":"#);
    body.extend_from_slice(result.as_bytes());
    body.push(b'}');
    Ok(body)
}

fn rpc_error(id: RequestId, error: ErrorData) -> JsonRpcError {
    JsonRpcError { jsonrpc: JsonRpcVersion2_0, id: Some(id), error }
}

fn json_response(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}
