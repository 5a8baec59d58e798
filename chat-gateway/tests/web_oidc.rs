//! The chat page signing people in with a real OpenID provider (the certified `oidc-provider`
//! from npm that mcp-tasks' OAuth tests run, `test_support::oidc`): the gateway
//! verifies the provider's JWT access tokens (issuer discovery, `aud` = its resource), mcp-tasks
//! is an OAuth resource server of the same provider, and the page is a public client registered
//! by dynamic registration. Without a browser: `/web/sign-in.json` and the page's CSP. In headless
//! Chromium (`tests/web/oidc.mjs`): sign-in through the provider's login page, chat, reload,
//! refresh, clean re-authentication, sign-out, and a second user who sees none of the first
//! one's threads or tasks, in the page and over MCP with provider tokens.
//!
//! Needs `OIDC_PROVIDER`/`OIDC_PROVIDER_MODULES` (`mcp-tasks/tests/external/setup.sh`) and, for
//! the browser, `WEB_NODE`/`WEB_CHROMIUM`/`WEB_PLAYWRIGHT` (`tests/web/setup.sh`); without them
//! each test prints one `skipped:` line, or fails when `CI` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use chat_gateway::auth::{AuthSettings, Authenticator};
use chat_gateway::config::OidcSettings;
use chat_gateway::startup::{self, GatewayParts};
use mcp_tasks::config::OAuthConfig;
use mcp_tasks::startup::{Application, Parts, resource_server};
use serde_json::{Value, json};
use shared::identity::{Expected, TokenKey};
use shared::jwks::{Freshness, KeySource};
use support::browser::{expect_success, run, target_dir, web_tools};
use support::stack;
use test_support::oidc::{self, Options, Provider};
use tokio::process::Command;
use tokio_util::sync::CancellationToken;

/// The gateway's audience: the `resource` the page asks the provider for.
const AUDIENCE: &str = "https://chat-gateway.example/";

/// The provider, mcp-tasks trusting it, and the gateway whose page signs in with it.
struct World {
    /// The gateway.
    base: String,
    /// mcp-tasks' `/mcp`, a resource of the provider.
    tasks_resource: String,
    /// The page's public client.
    client_id: String,
    provider: Provider,
    tasks: Arc<dyn mcp_tasks::store::Store>,
    chat: Arc<dyn chat_gateway::store::ThreadStore>,
    shutdown: CancellationToken,
    _dirs: (tempfile::TempDir, tempfile::TempDir, tempfile::TempDir),
}

impl Drop for World {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Everything started on port 0, or None when the provider is not installed (and not required).
async fn world() -> Option<World> {
    let command = oidc::command()?;
    let keys = tempfile::tempdir().unwrap();
    let tasks_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tasks_base = format!("http://{}", tasks_listener.local_addr().unwrap());
    let tasks_resource = format!("{tasks_base}/mcp");
    let options = Options {
        resources: vec![AUDIENCE.into(), tasks_resource.clone()],
        keys: &keys.path().join("key.json"),
        issuer: None,
        clock_offset_seconds: 0,
    };
    let provider = Provider::start(&command, &options).await;
    let shutdown = CancellationToken::new();

    let (tasks, tasks_dir) = stack::tasks_sqlite().await;
    let oauth = OAuthConfig {
        public_url: tasks_base.parse().unwrap(),
        issuer: provider.issuer.clone(),
        jwks_url: None,
    };
    let parts = Parts {
        oauth: Some(resource_server(&oauth)),
        ..Parts::new(tasks.clone(), TokenKey::new(stack::TASKS_SECRET).unwrap())
    };
    tokio::spawn(Application::from_parts(parts, tasks_listener).run_until_stopped(shutdown.clone()));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let client_id = register_page(&provider, &base).await;
    let issuer: reqwest::Url = provider.issuer.parse().unwrap();
    // As the README configures it: JWT_JWKS_URL (the provider's `jwks_uri`), JWT_ISSUER, JWT_AUDIENCE.
    let discovery: Value = reqwest::get(format!("{}/.well-known/openid-configuration", provider.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks_url = discovery["jwks_uri"].as_str().unwrap().parse().unwrap();
    let auth = Authenticator::with_settings(AuthSettings {
        hs256: None,
        keys: Some(KeySource::JwksUrl(jwks_url)),
        expected: Expected { audience: Some(AUDIENCE.into()), issuer: Some(provider.issuer.clone()) },
        freshness: Freshness::default(),
    });
    let (chat, chat_dir) = support::sqlite_store().await;
    let sign_in = OidcSettings {
        issuer,
        client_id: client_id.clone(),
        scopes: "openid offline_access".into(),
        resource: Some(AUDIENCE.into()),
    };
    let parts = GatewayParts {
        oidc: Some(sign_in),
        ..GatewayParts::new(chat.clone(), stack::offline_agent(&tasks_base), auth)
    };
    tokio::spawn(startup::run(listener, startup::app(parts), shutdown.clone()));
    Some(World {
        base,
        tasks_resource,
        client_id,
        provider,
        tasks,
        chat,
        shutdown,
        _dirs: (keys, tasks_dir, chat_dir),
    })
}

/// Registers the page as a public client (no secret; PKCE) whose redirect URI is the page.
async fn register_page(provider: &Provider, base: &str) -> String {
    let page = format!("{base}/");
    let response = reqwest::Client::new()
        .post(format!("{}/reg", provider.base))
        .json(&json!({
            "client_name": "Task assistant page",
            "redirect_uris": [page],
            "post_logout_redirect_uris": [page],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
        }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "registration: {body}");
    body["client_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_page_learns_the_providers_endpoints_and_its_csp_adds_only_the_token_endpoints_origin() {
    let Some(world) = world().await else { return };
    let config: Value =
        reqwest::get(format!("{}/web/sign-in.json", world.base)).await.unwrap().json().await.unwrap();
    let provider = &world.provider.base;
    assert_eq!(config["issuer"].as_str().unwrap().trim_end_matches('/'), world.provider.issuer);
    assert_eq!(config["client_id"], world.client_id.as_str());
    assert_eq!(config["resource"], AUDIENCE);
    assert_eq!(config["scope"], "openid offline_access");
    assert_eq!(config["authorization_endpoint"], format!("{provider}/auth"));
    assert_eq!(config["token_endpoint"], format!("{provider}/token"));
    assert_eq!(config["end_session_endpoint"], format!("{provider}/session/end"));

    let page = reqwest::get(format!("{}/", world.base)).await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    let connect = csp.split(';').map(str::trim).find(|d| d.starts_with("connect-src")).unwrap();
    assert_eq!(connect, format!("connect-src 'self' {provider}"), "{csp}");
    let others: Vec<_> = csp.split(';').filter(|d| !d.contains("connect-src")).collect();
    assert!(others.iter().all(|d| !d.contains("127.0.0.1")), "no other directive names the provider: {csp}");
    let widget = reqwest::get(format!("{}/widget", world.base)).await.unwrap();
    assert!(!widget.headers()["content-security-policy"].to_str().unwrap().contains(provider.as_str()));
}

#[tokio::test]
async fn two_people_sign_in_through_the_provider_in_headless_chromium_and_see_only_their_own_threads_and_tasks()
 {
    let Some(world) = world().await else { return };
    let Some(tools) = web_tools() else { return };
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/oidc.mjs");
    let mut cmd = Command::new(&tools.node);
    cmd.arg(script)
        .env("WEB_BASE_URL", &world.base)
        .env("WEB_PROVIDER", &world.provider.base)
        .env("WEB_CLIENT_ID", &world.client_id)
        .env("WEB_TASKS_RESOURCE", &world.tasks_resource)
        .env("WEB_CHROMIUM", &tools.chromium)
        .env("WEB_PLAYWRIGHT", &tools.playwright)
        .env("WEB_SCREENSHOTS", target_dir().join("web-screenshots"));
    let out = run(cmd).await;
    expect_success(&out);

    // What the page did is what the stores hold, per provider subject.
    let alice = stack::task_titles(world.tasks.as_ref(), "alice").await;
    let bob = stack::task_titles(world.tasks.as_ref(), "bob").await;
    assert!(alice.iter().any(|t| t == "buy milk"), "{alice:?}");
    assert!(bob.iter().any(|t| t == "walk the dog") && !bob.iter().any(|t| t == "buy milk"), "{bob:?}");
    let threads = |user: &'static str| {
        let chat = world.chat.clone();
        async move { chat.list_threads(user, None, 50, chat_gateway::store::Order::Desc).await.unwrap().data }
    };
    assert!(!threads("alice").await.is_empty() && !threads("bob").await.is_empty());

    // Over MCP, with the provider's tokens for mcp-tasks: each sees only their own tasks.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = |login: &str| {
        let prefix = format!("mcp-token {login} ");
        stdout.lines().find_map(|l| l.strip_prefix(&prefix)).map(str::to_owned).expect("token printed")
    };
    // A token the same provider issued for mcp-tasks is not one for the gateway (`aud`).
    let other_audience = reqwest::Client::new()
        .get(format!("{}/api/threads", world.base))
        .bearer_auth(token("alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(other_audience.status(), 401);
    let alice_sees = mcp_titles(&world.tasks_resource, &token("alice")).await;
    let bob_sees = mcp_titles(&world.tasks_resource, &token("bob")).await;
    assert!(alice_sees.contains(&"buy milk".to_owned()) && !alice_sees.contains(&"walk the dog".to_owned()));
    assert!(bob_sees.contains(&"walk the dog".to_owned()) && !bob_sees.contains(&"buy milk".to_owned()));
}

/// The titles `list_tasks` gives over mcp-tasks' `/mcp` to the holder of `token`.
async fn mcp_titles(resource: &str, token: &str) -> Vec<String> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": "list_tasks", "arguments": {"status": "all"}}});
    let response = reqwest::Client::new()
        .post(resource)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .json(&body)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_ne!(answer["result"]["isError"], true, "{answer}");
    let tasks = answer["result"]["structuredContent"]["tasks"].as_array().cloned().unwrap_or_default();
    assert!(!tasks.is_empty(), "{answer}");
    tasks.iter().filter_map(|t| t["title"].as_str().map(str::to_owned)).collect()
}

/// A gateway with `oidc` as its page's sign-in (HS256 tokens only), on port 0.
async fn gateway_with(oidc: Option<OidcSettings>) -> (String, CancellationToken, tempfile::TempDir) {
    let (chat, dir) = support::sqlite_store().await;
    let auth = Authenticator::new(Some(TokenKey::new(stack::USER_SECRET).unwrap()), None);
    let parts = GatewayParts {
        oidc,
        ..GatewayParts::new(chat, stack::offline_agent("http://127.0.0.1:9/mcp"), auth)
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    tokio::spawn(startup::run(listener, startup::app(parts), shutdown.clone()));
    (base, shutdown, dir)
}

#[tokio::test]
async fn without_a_provider_sign_in_json_is_404_and_with_one_out_of_reach_503_and_the_csp_names_no_one() {
    let (base, stop, _dir) = gateway_with(None).await;
    let response = reqwest::get(format!("{base}/web/sign-in.json")).await.unwrap();
    assert_eq!(response.status(), 404);
    stop.cancel();

    // An issuer nobody listens on: the page is told to retry, and its CSP stays its own origin only.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer: reqwest::Url = format!("http://{}", closed.local_addr().unwrap()).parse().unwrap();
    drop(closed);
    let settings = OidcSettings { issuer, client_id: "page".into(), scopes: "openid".into(), resource: None };
    let (base, stop, _dir) = gateway_with(Some(settings)).await;
    let response = reqwest::get(format!("{base}/web/sign-in.json")).await.unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "auth_unavailable", "{body}");
    let page = reqwest::get(format!("{base}/")).await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    stop.cancel();
}

#[tokio::test]
async fn a_failing_provider_is_asked_once_per_retry_interval_not_on_every_page_load() {
    // A provider whose discovery document answers 500, counting how often it is asked.
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = asked.clone();
    let provider = axum::Router::new().fallback(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { axum::http::StatusCode::INTERNAL_SERVER_ERROR }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer: reqwest::Url = format!("http://{}", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, provider).await });
    let settings = OidcSettings { issuer, client_id: "page".into(), scopes: "openid".into(), resource: None };
    let (base, stop, _dir) = gateway_with(Some(settings)).await;

    let mut after_first = None;
    for _ in 0..3 {
        let response = reqwest::get(format!("{base}/web/sign-in.json")).await.unwrap();
        assert_eq!(response.status(), 503);
        after_first.get_or_insert(asked.load(std::sync::atomic::Ordering::SeqCst));
        assert_eq!(reqwest::get(format!("{base}/")).await.unwrap().status(), 200);
    }
    // One discovery (which may try more than one well-known address), not six.
    let after_first = after_first.unwrap();
    assert!(after_first >= 1);
    assert_eq!(
        asked.load(std::sync::atomic::Ordering::SeqCst),
        after_first,
        "later requests within seconds did not ask again"
    );
    stop.cancel();
}
