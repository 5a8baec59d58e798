//! The chat page as files, without a browser: `/`, `/widget` and every asset are served with
//! the right content type, an ETag that answers `304`, and (pages) a Content-Security-Policy;
//! the page's own files name no other origin; every `data-testid` the issue promises is there;
//! `/dev/token` is 404 unless dev login is on, and then hands out a token the gateway accepts.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use chat_gateway::auth::Authenticator;
use chat_gateway::echo::EchoResponder;
use chat_gateway::routes::web;
use chat_gateway::startup::{self, GatewayParts};
use reqwest::header;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use tokio_util::sync::CancellationToken;

const SECRET: &str = "web-pages-secret-web-pages-secret-00000";

/// The hooks the issue names, which browser tests may rely on.
const TEST_IDS: &[&str] = &[
    "token-input",
    "sign-in",
    "new-thread",
    "thread-list",
    "thread-item",
    "message-list",
    "message",
    "composer",
    "send",
];

/// The gateway's base URL, with dev login on or off (the guard keeps its database).
async fn gateway(dev_login: bool) -> (String, tempfile::TempDir) {
    let (store, dir) = support::sqlite_store().await;
    let key = TokenKey::new(SECRET).unwrap();
    let auth = Authenticator::new(Some(key.clone()), None);
    let parts = GatewayParts {
        dev_login: dev_login.then_some(key),
        ..GatewayParts::new(store, Arc::new(EchoResponder { deltas: 2 }), auth)
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(startup::run(listener, startup::app(parts), CancellationToken::new()));
    (base, dir)
}

async fn get(url: &str) -> reqwest::Response {
    reqwest::get(url).await.unwrap()
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

#[tokio::test]
async fn pages_and_assets_have_their_content_types_and_revalidate_with_an_etag() {
    let (base, _dir) = gateway(false).await;
    let mut seen = 0;
    for path in web::paths() {
        let response = get(&format!("{base}{path}")).await;
        assert_eq!(response.status(), 200, "{path}");
        let content_type = header_of(&response, header::CONTENT_TYPE);
        let expected = match path.rsplit('.').next() {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("svg") => "image/svg+xml",
            _ => "text/html; charset=utf-8",
        };
        assert_eq!(content_type, expected, "{path}");
        assert_eq!(header_of(&response, header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{path}");
        assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache", "{path}");
        let etag = header_of(&response, header::ETAG);
        assert!(etag.starts_with('"') && etag.len() > 2, "{path}: ETag {etag:?}");
        assert!(!response.bytes().await.unwrap().is_empty(), "{path} is empty");

        let again = reqwest::Client::new()
            .get(format!("{base}{path}"))
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path} with If-None-Match: {etag}");
        assert!(again.bytes().await.unwrap().is_empty());
        seen += 1;
    }
    assert!(seen >= 9, "only {seen} files are served");
    for asset in ["/assets/app.js", "/assets/api.js", "/assets/items.js", "/assets/app.css"] {
        assert!(web::paths().any(|p| p == asset), "{asset} is served");
    }
    assert_eq!(get(&format!("{base}/assets/nope.js")).await.status(), 404);
}

#[tokio::test]
async fn the_chat_page_may_reach_only_its_own_origin_and_the_widget_page_only_adds_openais_cdn() {
    let (base, _dir) = gateway(false).await;
    let page = get(&format!("{base}/")).await;
    let csp = header_of(&page, header::CONTENT_SECURITY_POLICY);
    for directive in
        ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]
    {
        assert!(csp.contains(directive), "CSP of /: {csp}");
    }
    assert!(!csp.contains("http") && !csp.contains("unsafe"), "CSP of / names no other origin: {csp}");

    // Nothing the page loads names another origin (the widget's files are the exception).
    for path in web::paths().filter(|p| !matches!(*p, "/widget" | "/assets/widget.js")) {
        // An XML namespace is a name, not a request.
        let body = get(&format!("{base}{path}"))
            .await
            .text()
            .await
            .unwrap()
            .replace("http://www.w3.org/2000/svg", "");
        for scheme in ["http://", "https://", "//fonts.", "@import"] {
            assert!(!body.contains(scheme), "{path} mentions {scheme}");
        }
    }

    let widget = get(&format!("{base}/widget")).await;
    let csp = header_of(&widget, header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("script-src 'self' https://cdn.platform.openai.com"), "CSP of /widget: {csp}");
    let html = widget.text().await.unwrap();
    assert!(html.contains("https://cdn.platform.openai.com/deployments/chatkit/chatkit.js"));
    assert!(html.contains("<openai-chatkit"));
    let script = get(&format!("{base}/assets/widget.js")).await.text().await.unwrap();
    assert!(script.contains("domainKey") && script.contains("Bearer") && script.contains("/chatkit"));
}

#[tokio::test]
async fn every_test_hook_named_in_the_issue_is_in_the_page() {
    let (base, _dir) = gateway(false).await;
    let mut all = String::new();
    for path in web::paths().filter(|p| !matches!(*p, "/widget" | "/assets/widget.js")) {
        all.push_str(&get(&format!("{base}{path}")).await.text().await.unwrap());
    }
    for id in TEST_IDS {
        let in_html = all.contains(&format!("data-testid=\"{id}\""));
        let in_js = all.contains(&format!("'data-testid': '{id}'"));
        assert!(in_html || in_js, "no data-testid {id:?}");
    }
    for role in ["'data-role': role", "'user'", "'assistant'"] {
        assert!(all.contains(role), "messages carry data-role ({role})");
    }
}

#[tokio::test]
async fn dev_token_is_not_found_without_dev_login() {
    let (base, _dir) = gateway(false).await;
    let response = get(&format!("{base}/dev/token")).await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn dev_token_with_dev_login_is_a_token_for_the_dev_user_that_the_gateway_accepts() {
    let (base, _dir) = gateway(true).await;
    let response = get(&format!("{base}/dev/token")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-store");
    let token = response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let identity = TokenKey::new(SECRET).unwrap().verify(&token, Some("chat-gateway")).unwrap();
    assert_eq!(identity.user_id, web::DEV_USER);

    let list = reqwest::Client::new()
        .post(format!("{base}/chatkit"))
        .bearer_auth(&token)
        .json(&json!({"type": "threads.list", "params": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(list.json::<Value>().await.unwrap()["data"], json!([]));
}
