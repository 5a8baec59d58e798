//! User tokens signed with asymmetric keys published at `JWT_JWKS_URL`: a real HTTP server
//! serves the key set; tokens signed by that key verify, others do not. The claims that bind
//! a token to this app (`aud`, `iss`, `nbf`), the key's `use`/`alg`, the cache's single
//! flight, stale keys through an outage, the bound on refetches for unknown kids, issuer
//! discovery, and over real HTTP: an outage with no keys is a 503, a NUL in `sub` a 401.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use chat_gateway::auth::{AuthSettings, Authenticator};
use chat_gateway::store::ThreadStore;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;
use shared::identity::{AuthError, Expected};
use shared::jwks::{Freshness, KeySource};
use tokio_util::sync::CancellationToken;

/// Test-only Ed25519 keys (generated for this test; they protect nothing).
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIGrU7GbI9CryceT2uG5HIYZw0aUUFihCq4qI/KCBaPeE\n-----END PRIVATE KEY-----\n";
const KEY_X: &str = "DbE2URo1mCBN0oAVbZ4pcvQ-7sKH3P8Hm6tTas_O3Rw";
const OTHER_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBX/jWRbaeeRJUADBaVCyfGAnvhLyT51cgwznJ0rpotL\n-----END PRIVATE KEY-----\n";

fn token(pem: &str, kid: Option<&str>, claims: &serde_json::Value) -> String {
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &EncodingKey::from_ed_pem(pem.as_bytes()).unwrap()).unwrap()
}

async fn jwks_server(fetches: Arc<AtomicUsize>) -> String {
    let jwks = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": KEY_X, "kid": "k1", "alg": "EdDSA", "use": "sig"}]});
    let app = Router::new().route(
        "/jwks.json",
        get(move || {
            fetches.fetch_add(1, Ordering::SeqCst);
            let body = jwks.clone();
            async move { axum::Json(body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn tokens_signed_by_a_published_key_verify_and_others_do_not() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let url = jwks_server(fetches.clone()).await;
    let auth = Authenticator::new(None, Some(url.parse().unwrap()));
    let exp = chrono::Utc::now().timestamp() + 300;

    let good =
        token(KEY, Some("k1"), &json!({"sub": "alice", "exp": exp, "tz": "Asia/Karachi", "locale": "ur"}));
    let user = auth.verify(&good).await.unwrap();
    assert_eq!(
        (user.id.as_str(), user.tz.as_deref(), user.locale.as_deref()),
        ("alice", Some("Asia/Karachi"), Some("ur"))
    );

    let by_user_id = token(KEY, None, &json!({"user_id": "bob", "exp": exp}));
    assert_eq!(auth.verify(&by_user_id).await.unwrap().id, "bob", "user_id is the fallback, kid optional");

    let forged = token(OTHER_KEY, Some("k1"), &json!({"sub": "alice", "exp": exp}));
    assert!(auth.verify(&forged).await.is_err(), "a token signed by another key is refused");
    let unknown_kid = token(KEY, Some("k9"), &json!({"sub": "alice", "exp": exp}));
    assert!(auth.verify(&unknown_kid).await.is_err());
    let expired = token(KEY, Some("k1"), &json!({"sub": "alice", "exp": exp - 3600}));
    assert!(auth.verify(&expired).await.is_err());
    let no_exp = token(KEY, Some("k1"), &json!({"sub": "alice"}));
    assert!(auth.verify(&no_exp).await.is_err(), "exp is required");
    let no_user = token(KEY, Some("k1"), &json!({"exp": exp}));
    assert!(auth.verify(&no_user).await.is_err());
    let hs = shared::identity::TokenKey::new("a-secret-a-secret-a-secret-a-secret").unwrap();
    let hs_token = hs.mint("alice", "chat-gateway", "x", None, std::time::Duration::from_secs(60));
    assert!(auth.verify(&hs_token).await.is_err(), "HS256 is refused when no JWT_SECRET is configured");
    assert!(fetches.load(Ordering::SeqCst) <= 2, "keys are cached, not fetched per token");
}

#[tokio::test]
async fn an_unreachable_key_set_refuses_tokens_without_panicking() {
    let auth = Authenticator::new(None, Some("http://127.0.0.1:9/jwks.json".parse().unwrap()));
    let exp = chrono::Utc::now().timestamp() + 300;
    assert!(auth.verify(&token(KEY, Some("k1"), &json!({"sub": "alice", "exp": exp}))).await.is_err());
}

const ISSUER_AUD: (&str, &str) = ("https://id.example", "task-app");

/// A real identity provider on port 0: its key set (counting every request, slowed a little
/// so concurrent verifiers overlap, down while `up` is false) and its OpenID discovery document.
struct Provider {
    base: String,
    fetches: Arc<AtomicUsize>,
    up: Arc<AtomicBool>,
}

impl Provider {
    async fn start(keys: serde_json::Value) -> Self {
        let fetches = Arc::new(AtomicUsize::new(0));
        let up = Arc::new(AtomicBool::new(true));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (count, is_up) = (fetches.clone(), up.clone());
        let discovery = json!({"issuer": base, "jwks_uri": format!("{base}/jwks.json")});
        let app = Router::new()
            .route(
                "/jwks.json",
                get(move || {
                    count.fetch_add(1, Ordering::SeqCst);
                    let (keys, up) = (keys.clone(), is_up.load(Ordering::SeqCst));
                    async move {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        if up {
                            axum::Json(keys).into_response()
                        } else {
                            axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response()
                        }
                    }
                }),
            )
            .route("/.well-known/openid-configuration", get(move || async move { axum::Json(discovery) }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { base, fetches, up }
    }

    fn jwks_url(&self) -> KeySource {
        KeySource::JwksUrl(format!("{}/jwks.json", self.base).parse().unwrap())
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

use axum::response::IntoResponse as _;

fn ed_key(extra: serde_json::Value) -> serde_json::Value {
    let mut key = json!({"kty": "OKP", "crv": "Ed25519", "x": KEY_X, "kid": "k1"});
    if let serde_json::Value::Object(extra) = extra {
        key.as_object_mut().unwrap().extend(extra);
    }
    json!({"keys": [key]})
}

fn authenticator(keys: KeySource, freshness: Freshness) -> Authenticator {
    Authenticator::with_settings(AuthSettings {
        hs256: None,
        keys: Some(keys),
        expected: Expected { issuer: Some(ISSUER_AUD.0.into()), audience: Some(ISSUER_AUD.1.into()) },
        freshness,
    })
}

fn claims(extra: serde_json::Value) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    let mut c = json!({"sub": "alice", "exp": now + 300, "iss": ISSUER_AUD.0, "aud": ISSUER_AUD.1});
    if let serde_json::Value::Object(extra) = extra {
        c.as_object_mut().unwrap().extend(extra);
    }
    c
}

#[tokio::test]
async fn a_token_for_another_audience_from_another_issuer_or_not_yet_valid_is_refused() {
    let provider = Provider::start(ed_key(json!({"use": "sig", "alg": "EdDSA"}))).await;
    let auth = authenticator(provider.jwks_url(), Freshness::default());
    assert_eq!(auth.verify(&token(KEY, Some("k1"), &claims(json!({})))).await.unwrap().id, "alice");
    let day_ahead = chrono::Utc::now().timestamp() + 86_400;
    for bad in [
        json!({"aud": "some-other-app"}),
        json!({"iss": "evil"}),
        json!({"nbf": day_ahead, "exp": day_ahead + 300}),
        json!({"aud": null}),
        json!({"iss": null}),
    ] {
        let result = auth.verify(&token(KEY, Some("k1"), &claims(bad.clone()))).await;
        assert!(matches!(result, Err(AuthError::Invalid(_))), "{bad}: {result:?}");
    }
}

#[tokio::test]
async fn a_published_key_meant_for_encryption_or_for_another_algorithm_verifies_nothing() {
    for key in [json!({"use": "enc"}), json!({"alg": "RS256"}), json!({"alg": "ES256", "use": "sig"})] {
        let provider = Provider::start(ed_key(key.clone())).await;
        let auth = authenticator(provider.jwks_url(), Freshness::default());
        let result = auth.verify(&token(KEY, Some("k1"), &claims(json!({})))).await;
        assert!(matches!(result, Err(AuthError::Invalid(_))), "{key}: {result:?}");
    }
}

#[tokio::test]
async fn many_verifications_on_a_cold_cache_share_one_fetch() {
    let provider = Provider::start(ed_key(json!({}))).await;
    let auth = Arc::new(authenticator(provider.jwks_url(), Freshness::default()));
    let good = token(KEY, Some("k1"), &claims(json!({})));
    let all = (0..50).map(|_| {
        let (auth, good) = (auth.clone(), good.clone());
        tokio::spawn(async move { auth.verify(&good).await.map(|u| u.id) })
    });
    for result in futures::future::join_all(all).await {
        assert_eq!(result.unwrap().unwrap(), "alice");
    }
    assert_eq!(provider.fetches(), 1, "single flight: one fetch for fifty concurrent verifications");
}

#[tokio::test]
async fn a_flood_of_unknown_kids_refetches_the_key_set_at_most_once_per_window() {
    let provider = Provider::start(ed_key(json!({}))).await;
    let window = Duration::from_millis(700);
    let freshness = Freshness { min_refetch_interval: window, ..Freshness::default() };
    let auth = Arc::new(authenticator(provider.jwks_url(), freshness));
    auth.verify(&token(KEY, Some("k1"), &claims(json!({})))).await.unwrap();
    assert_eq!(provider.fetches(), 1);
    tokio::time::sleep(window).await;
    let flood = |round: usize| {
        futures::future::join_all((0..100).map(|i| {
            let auth = auth.clone();
            let t = token(KEY, Some(&format!("random-{round}-{i}")), &claims(json!({})));
            async move { auth.verify(&t).await }
        }))
    };
    for result in flood(1).await {
        assert!(matches!(result, Err(AuthError::Invalid(_))), "{result:?}");
    }
    assert_eq!(provider.fetches(), 2, "one refetch for a hundred unknown kids");
    for result in flood(2).await {
        assert!(result.is_err());
    }
    assert_eq!(provider.fetches(), 2, "none more within the window");
    tokio::time::sleep(window).await;
    flood(3).await;
    assert_eq!(provider.fetches(), 3, "one more in the next window");
}

#[tokio::test]
async fn keys_fetched_before_an_outage_keep_verifying_until_the_staleness_bound() {
    let provider = Provider::start(ed_key(json!({}))).await;
    let freshness = Freshness {
        refresh_after: Duration::ZERO,
        max_staleness: Duration::from_millis(1500),
        min_refetch_interval: Duration::ZERO,
    };
    let auth = authenticator(provider.jwks_url(), freshness);
    let good = token(KEY, Some("k1"), &claims(json!({})));
    auth.verify(&good).await.unwrap();
    provider.up.store(false, Ordering::SeqCst);
    assert_eq!(auth.verify(&good).await.unwrap().id, "alice", "stale keys through the outage");
    assert!(provider.fetches() >= 2, "a refetch was tried and failed");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let result = auth.verify(&good).await;
    assert!(matches!(result, Err(AuthError::Unavailable { .. })), "past the bound: {result:?}");
    provider.up.store(true, Ordering::SeqCst);
    assert_eq!(auth.verify(&good).await.unwrap().id, "alice", "recovers when the provider does");
}

#[tokio::test]
async fn the_key_set_is_found_from_the_issuer_by_discovery() {
    let provider = Provider::start(ed_key(json!({}))).await;
    let issuer = provider.base.clone();
    let auth = Authenticator::with_settings(AuthSettings {
        hs256: None,
        keys: Some(KeySource::Issuer(issuer.parse().unwrap())),
        expected: Expected { issuer: Some(issuer.clone()), audience: Some(ISSUER_AUD.1.into()) },
        freshness: Freshness::default(),
    });
    let good = token(KEY, Some("k1"), &claims(json!({"iss": issuer})));
    assert_eq!(auth.verify(&good).await.unwrap().id, "alice");
    assert_eq!(provider.fetches(), 1);
    let wrong_issuer = Authenticator::with_settings(AuthSettings {
        hs256: None,
        keys: Some(KeySource::Issuer(format!("{issuer}/other").parse().unwrap())),
        expected: Expected::default(),
        freshness: Freshness::default(),
    });
    let result = wrong_issuer.verify(&good).await;
    assert!(matches!(result, Err(AuthError::Unavailable { .. })), "no discovery document there: {result:?}");
}

#[tokio::test]
async fn a_plain_http_key_set_outside_loopback_is_never_fetched() {
    let auth = authenticator(
        KeySource::JwksUrl("http://id.example/jwks.json".parse().unwrap()),
        Freshness::default(),
    );
    let result = auth.verify(&token(KEY, Some("k1"), &claims(json!({})))).await;
    assert!(matches!(result, Err(AuthError::Unavailable { .. })), "{result:?}");
}

/// The real gateway on port 0 with `auth`, echoing messages back.
async fn gateway(store: Arc<dyn ThreadStore>, auth: Authenticator) -> (String, CancellationToken) {
    use chat_gateway::startup::{self, GatewayParts};
    let responder = Arc::new(chat_gateway::echo::EchoResponder { deltas: 1 });
    let parts = GatewayParts { max_message_chars: 4000, ..GatewayParts::new(store, responder, auth) };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    tokio::spawn(startup::run(listener, startup::app(parts), shutdown.clone()));
    (base, shutdown)
}

async fn chat(base: &str, token: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/api/chat"))
        .bearer_auth(token)
        .json(&json!({"message": "hello"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn with_the_identity_provider_down_from_the_start_requests_get_503_with_retry_after() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", closed.local_addr().unwrap());
    drop(closed);
    let (store, _dir) = support::sqlite_store().await;
    let auth = authenticator(KeySource::JwksUrl(url.parse().unwrap()), Freshness::default());
    let (base, shutdown) = gateway(store, auth).await;
    let good = token(KEY, Some("k1"), &claims(json!({})));
    for _ in 0..2 {
        let response = chat(&base, &good).await;
        assert_eq!(response.status(), 503);
        let retry: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=30).contains(&retry), "{retry}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "auth_unavailable", "{body}");
    }
    assert_eq!(chat(&base, "not-a-jwt").await.status(), 401, "a malformed token is still a 401");
    shutdown.cancel();
}

async fn a_nul_or_control_character_in_sub_is_a_401_not_a_500(store: Arc<dyn ThreadStore>) {
    let key = shared::identity::TokenKey::new("nul-test-secret-nul-test-secret-nul").unwrap();
    let (base, shutdown) = gateway(store, Authenticator::new(Some(key.clone()), None)).await;
    for sub in ["al\u{0}ice", "bob\u{1b}[31m"] {
        let t = key.mint(sub, "chat-gateway", "chat-gateway", None, Duration::from_secs(60));
        assert_eq!(chat(&base, &t).await.status(), 401, "{sub:?}");
    }
    let ok = key.mint("alice", "chat-gateway", "chat-gateway", None, Duration::from_secs(60));
    assert_eq!(chat(&base, &ok).await.status(), 200);
    shutdown.cancel();
}

on_both_backends!(a_nul_or_control_character_in_sub_is_a_401_not_a_500);
