//! User tokens signed with asymmetric keys published at `JWT_JWKS_URL`: a real HTTP server
//! serves the key set; tokens signed by that key verify, others do not.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use chat_gateway::auth::Authenticator;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;

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
