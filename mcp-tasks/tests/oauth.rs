//! mcp-tasks as an OAuth 2.1 protected resource, against a real authorization server (the
//! certified `oidc-provider`, see `support/oidc.rs`): Protected Resource Metadata, the
//! `WWW-Authenticate` challenges, provider access tokens checked for issuer, audience,
//! expiry and scope, HS256 personal tokens beside them, and users kept apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use mcp_tasks::config::OAuthConfig;
use mcp_tasks::startup::{Application, Parts, resource_server};
use serde_json::{Value, json};
use support::oidc::{self, CLIENT, OTHER_CLIENT, OTHER_RESOURCE, Options, Provider, READER};
use support::{SECRET, TestPg};
use tokio_util::sync::CancellationToken;

/// mcp-tasks with OAuth on, its provider, and what keeps them alive.
struct Stack {
    base: String,
    resource: String,
    provider: Provider,
    keys: tempfile::TempDir,
    command: Vec<String>,
    _db: TestPg,
    shutdown: CancellationToken,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// mcp-tasks on 127.0.0.1:0 trusting a fresh provider, or None when the provider or
/// PostgreSQL is not there (and not required).
async fn stack() -> Option<Stack> {
    let command = oidc::command()?;
    let db = TestPg::create().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let resource = format!("{base}/mcp");
    let keys = tempfile::tempdir().unwrap();
    let options = Options {
        resources: vec![resource.clone(), OTHER_RESOURCE.into()],
        keys: &keys.path().join("key.json"),
        issuer: None,
        clock_offset_seconds: 0,
    };
    let provider = Provider::start(&command, &options).await;
    let oauth =
        OAuthConfig { public_url: base.parse().unwrap(), issuer: provider.issuer.clone(), jwks_url: None };
    let key = shared::identity::TokenKey::new(SECRET).unwrap();
    let parts = Parts { oauth: Some(resource_server(&oauth)), ..Parts::new(db.store().await, key) };
    let shutdown = CancellationToken::new();
    tokio::spawn(Application::from_parts(parts, listener).run_until_stopped(shutdown.clone()));
    Some(Stack { base, resource, provider, keys, command, _db: db, shutdown })
}

impl Stack {
    /// Another provider signing with the same key, claiming `issuer` (None: the real one's)
    /// and living `clock_offset_seconds` away.
    async fn sibling(&self, issuer: Option<&str>, clock_offset_seconds: i64) -> Provider {
        let options = Options {
            resources: vec![self.resource.clone()],
            keys: &self.keys.path().join("key.json"),
            issuer: Some(issuer.unwrap_or(&self.provider.issuer)),
            clock_offset_seconds,
        };
        Provider::start(&self.command, &options).await
    }

    /// A JSON-RPC `tools/call` of `tool` with `token`.
    async fn call(&self, token: Option<&str>, tool: &str, arguments: Value) -> reqwest::Response {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": tool, "arguments": arguments}});
        let mut request = reqwest::Client::new()
            .post(&self.resource)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.timeout(Duration::from_secs(10)).send().await.unwrap()
    }

    /// The structured result of a successful `tools/call`.
    async fn ok(&self, token: &str, tool: &str, arguments: Value) -> Value {
        let response = self.call(Some(token), tool, arguments).await;
        assert_eq!(response.status(), 200, "{tool}");
        let body: Value = response.json().await.unwrap();
        assert_ne!(body["result"]["isError"], true, "{tool}: {body}");
        body["result"]["structuredContent"].clone()
    }
}

fn challenge(response: &reqwest::Response) -> String {
    response.headers().get("www-authenticate").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

fn titles(list: &Value) -> Vec<String> {
    list["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_metadata_names_the_resource_its_authorization_server_and_the_scopes_and_a_401_points_to_it() {
    let Some(stack) = stack().await else { return };
    let client = reqwest::Client::new();
    for path in ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"] {
        let response = client.get(format!("{}{path}", stack.base)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["access-control-allow-origin"], "*", "{path}");
        let metadata: Value = response.json().await.unwrap();
        assert_eq!(metadata["resource"], stack.resource.as_str(), "{path}");
        assert_eq!(metadata["authorization_servers"], json!([stack.provider.issuer]), "{path}");
        assert_eq!(metadata["scopes_supported"], json!(["tasks:read", "tasks:write"]), "{path}");
        assert_eq!(metadata["bearer_methods_supported"], json!(["header"]), "{path}");
    }

    let response = stack.call(None, "list_tasks", json!({})).await;
    assert_eq!(response.status(), 401);
    let header = challenge(&response);
    let expected = format!(
        r#"Bearer resource_metadata="{}/.well-known/oauth-protected-resource/mcp", scope="tasks:read tasks:write""#,
        stack.base
    );
    assert_eq!(header, expected, "no error attribute when no token was sent");

    // The authorization server the metadata names really is one: its discovery document
    // names itself and the endpoints a client needs.
    let discovery: Value = client
        .get(format!("{}/.well-known/oauth-authorization-server", stack.provider.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], stack.provider.issuer.as_str());
    assert!(discovery["registration_endpoint"].is_string(), "{discovery}");
    assert_eq!(discovery["code_challenge_methods_supported"], json!(["S256"]));
}

#[tokio::test]
async fn a_provider_token_for_this_resource_adds_and_lists_tasks_as_its_subject_and_users_stay_apart() {
    let Some(stack) = stack().await else { return };
    let both = "tasks:read tasks:write";
    let robot = stack.provider.token(CLIENT, &stack.resource, both).await;
    let other = stack.provider.token(OTHER_CLIENT, &stack.resource, both).await;

    let added = stack.ok(&robot, "add_task", json!({"title": "renew the passport"})).await;
    assert_eq!(added["created"][0]["title"], "renew the passport", "{added}");
    let mine = stack.ok(&robot, "list_tasks", json!({})).await;
    assert_eq!(titles(&mine), ["renew the passport"]);
    let theirs = stack.ok(&other, "list_tasks", json!({})).await;
    assert!(titles(&theirs).is_empty(), "another subject sees nothing: {theirs}");

    // The HS256 personal token of the same user id works beside the provider's tokens.
    let personal = shared::identity::TokenKey::new(SECRET).unwrap().mint(
        CLIENT.0,
        shared::identity::TASKS_AUDIENCE,
        "test",
        None,
        Duration::from_secs(60),
    );
    let same_user = stack.ok(&personal, "list_tasks", json!({})).await;
    assert_eq!(titles(&same_user), ["renew the passport"]);
}

#[tokio::test]
async fn a_read_only_token_reads_but_add_task_gets_403_insufficient_scope_and_changes_nothing() {
    let Some(stack) = stack().await else { return };
    let reader = stack.provider.token(READER, &stack.resource, "tasks:read").await;

    let response = stack.call(Some(&reader), "add_task", json!({"title": "should not exist"})).await;
    assert_eq!(response.status(), 403);
    let header = challenge(&response);
    assert!(header.starts_with("Bearer "), "{header}");
    assert!(header.contains(r#"error="insufficient_scope""#), "{header}");
    assert!(header.contains(r#"scope="tasks:write""#), "{header}");
    assert!(header.contains("resource_metadata="), "{header}");

    let list = stack.ok(&reader, "list_tasks", json!({})).await;
    assert!(titles(&list).is_empty(), "nothing was added: {list}");
    let summary = stack.ok(&reader, "analytics_summary", json!({})).await;
    assert!(summary.is_object(), "{summary}");
}

#[tokio::test]
async fn tokens_for_another_audience_from_another_issuer_or_expired_get_401_invalid_token() {
    let Some(stack) = stack().await else { return };
    let both = "tasks:read tasks:write";
    let other_audience = stack.provider.token(CLIENT, OTHER_RESOURCE, both).await;
    let impostor = stack.sibling(Some("http://127.0.0.1:9/not-the-issuer"), 0).await;
    let other_issuer = impostor.token(CLIENT, &stack.resource, both).await;
    let past = stack.sibling(None, -2 * 3600).await;
    let expired = past.token(CLIENT, &stack.resource, both).await;
    // The same key signs them all, so only the claim named is wrong; a fresh one passes.
    let good = stack.provider.token(CLIENT, &stack.resource, both).await;
    stack.ok(&good, "list_tasks", json!({})).await;

    for (case, token) in [
        ("another audience", other_audience.as_str()),
        ("another issuer", other_issuer.as_str()),
        ("expired", expired.as_str()),
        ("garbage", "not-a-jwt"),
    ] {
        let response = stack.call(Some(token), "add_task", json!({"title": case})).await;
        assert_eq!(response.status(), 401, "{case}");
        let header = challenge(&response);
        assert!(header.contains(r#"error="invalid_token""#), "{case}: {header}");
        assert!(header.contains("resource_metadata="), "{case}: {header}");
    }
    let list = stack.ok(&good, "list_tasks", json!({})).await;
    assert!(titles(&list).is_empty(), "no refused call added anything: {list}");
}

#[tokio::test]
async fn while_the_provider_cannot_be_reached_a_provider_token_gets_503_not_a_refusal() {
    let Some(db) = TestPg::create().await else { return };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // Nothing listens on port 9 of loopback: discovery fails.
    let oauth = OAuthConfig {
        public_url: base.parse().unwrap(),
        issuer: "http://127.0.0.1:9".into(),
        jwks_url: None,
    };
    let key = shared::identity::TokenKey::new(SECRET).unwrap();
    let parts = Parts { oauth: Some(resource_server(&oauth)), ..Parts::new(db.store().await, key.clone()) };
    let shutdown = CancellationToken::new();
    tokio::spawn(Application::from_parts(parts, listener).run_until_stopped(shutdown.clone()));
    // An RS256-headed token: judged by the provider's keys, which cannot be had.
    let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhIn0.c2ln";
    let response = reqwest::Client::new()
        .post(format!("{base}/mcp"))
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    shutdown.cancel();
}

#[test]
fn the_write_scope_covers_exactly_the_tools_not_annotated_read_only() {
    let writes = mcp_tasks::tools::TaskServer::write_tools();
    for tool in
        ["add_task", "complete_task", "delete_task", "update_task", "set_priority", "schedule_reminder"]
    {
        assert!(writes.contains(tool), "{tool} needs tasks:write");
    }
    for tool in ["list_tasks", "search_tasks", "analytics_summary", "get_recurring_tasks"] {
        assert!(!writes.contains(tool), "{tool} is read-only");
    }
}

/// The `mcp-tasks serve` binary with OAuth on, on a free port; killed when dropped.
struct Served {
    url: String,
    _child: tokio::process::Child,
}

async fn serve(db_url: &str, issuer: &str, port: u16) -> Served {
    let base = format!("http://127.0.0.1:{port}");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcp-tasks"))
        .arg("serve")
        .env("TASKS_DATABASE_URL", db_url)
        .env("TASKS_TOKEN_SECRET", SECRET)
        .env("TASKS_BIND", format!("127.0.0.1:{port}"))
        .env("TASKS_OAUTH_ISSUER", issuer)
        .env("TASKS_PUBLIC_URL", &base)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("start mcp-tasks serve");
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return Served { url: format!("{base}/mcp"), _child: child };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("mcp-tasks serve did not come up on {base}");
}

#[tokio::test]
async fn the_python_sdk_signs_in_by_code_with_pkce_and_by_client_credentials_and_bad_tokens_are_refused() {
    let Some(command) = oidc::command() else { return };
    let python = match std::env::var("MCP_PYTHON") {
        Ok(p) if !p.trim().is_empty() => p,
        _ if std::env::var_os("CI").is_some() => panic!("MCP_PYTHON is not set but CI is: run setup.sh"),
        _ => return println!("skipped: set MCP_PYTHON (tests/external/setup.sh prints it)"),
    };
    let Some(db) = TestPg::create().await else { return };
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let resource = format!("http://127.0.0.1:{port}/mcp");
    let keys = tempfile::tempdir().unwrap();
    let key_file = keys.path().join("key.json");
    let options = |issuer, clock_offset_seconds| Options {
        resources: vec![resource.clone(), OTHER_RESOURCE.into()],
        keys: &key_file,
        issuer,
        clock_offset_seconds,
    };
    let provider = Provider::start(&command, &options(None, 0)).await;
    let served = serve(&db.url, &provider.issuer, port).await;
    assert_eq!(served.url, resource);

    let both = "tasks:read tasks:write";
    let impostor = Provider::start(&command, &options(Some("http://127.0.0.1:9/impostor"), 0)).await;
    let past = Provider::start(&command, &options(Some(&provider.issuer), -2 * 3600)).await;
    let config = json!({
        "issuer": provider.issuer,
        "robot": [CLIENT.0, CLIENT.1],
        "reader_token": provider.token(READER, &resource, "tasks:read").await,
        "refused": {
            "for another audience": provider.token(CLIENT, OTHER_RESOURCE, both).await,
            "from another issuer": impostor.token(CLIENT, &resource, both).await,
            "that has expired": past.token(CLIENT, &resource, both).await,
        },
    });
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external/oauth_client.py");
    let run = tokio::process::Command::new(python.trim())
        .arg(script)
        .arg(&resource)
        .arg(config.to_string())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), run).await.expect("python finished").unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success() && !stdout.contains("FAIL"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("ok: bob, signed in the same way, sees none of alice's tasks"), "{stdout}");
}
