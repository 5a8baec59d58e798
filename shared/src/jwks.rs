//! Tokens signed with an identity provider's published keys: a [`KeySet`] fetched from a
//! JWKS URL, or from the `jwks_uri` an issuer advertises (RFC 8414
//! `/.well-known/oauth-authorization-server`, then OpenID `/.well-known/openid-configuration`).
//!
//! The cache serves keys for [`REFRESH_AFTER`], then refetches; one fetch runs at a time and
//! concurrent verifiers wait for it (single flight). A failed fetch keeps the last good keys
//! for up to [`MAX_STALENESS`]. An unknown `kid` triggers at most one fetch per
//! [`MIN_REFETCH_INTERVAL`], whatever kids arrive. With no usable keys the answer is
//! [`AuthError::Unavailable`], not a refusal. Only HTTPS URLs are fetched, except on loopback.
//! A key is used only if its `use` is `sig` (or absent) and its `alg` (when named) is the
//! token's; HMAC algorithms are never taken from a key set.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use reqwest::Url;
use tokio::sync::{Mutex, RwLock};

use crate::identity::{AuthError, Expected, Identity, verify_with};

/// How long fetched keys are served before a verification refetches them.
pub const REFRESH_AFTER: Duration = Duration::from_secs(600);
/// How long the last good keys keep being served while the provider cannot be reached.
pub const MAX_STALENESS: Duration = Duration::from_secs(24 * 3600);
/// The soonest another fetch may follow the last one (for unknown kids and during outages).
pub const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
/// How long keys are trusted and how often they may be fetched: [`REFRESH_AFTER`],
/// [`MAX_STALENESS`] and [`MIN_REFETCH_INTERVAL`] by default (tests shorten them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// Keys younger than this are served without a fetch.
    pub refresh_after: Duration,
    /// Keys older than this are not served even when no fetch succeeds.
    pub max_staleness: Duration,
    /// The soonest a fetch may follow the previous one.
    pub min_refetch_interval: Duration,
}

impl Default for Freshness {
    fn default() -> Self {
        Self {
            refresh_after: REFRESH_AFTER,
            max_staleness: MAX_STALENESS,
            min_refetch_interval: MIN_REFETCH_INTERVAL,
        }
    }
}

/// How long one fetch (discovery document or key set) may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Largest discovery document or key set read.
const MAX_DOCUMENT_BYTES: usize = 512 * 1024;

/// Where the keys are published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A JWKS document at this URL.
    JwksUrl(Url),
    /// The `jwks_uri` of this issuer's discovery document.
    Issuer(Url),
}

impl KeySource {
    /// The configured URL (JWKS or issuer).
    pub fn url(&self) -> &Url {
        match self {
            Self::JwksUrl(url) | Self::Issuer(url) => url,
        }
    }
}

/// Ok when `url` may be fetched for keys: `https`, or `http` to a loopback host
/// (127.0.0.0/8, ::1, `localhost`).
pub fn check_url(url: &Url) -> Result<(), String> {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!("`{url}` must be an https:// URL (http:// only to a loopback host)")),
    }
}

/// The provider's keys, fetched on demand and cached; see the module docs for the rules.
pub struct KeySet {
    source: KeySource,
    freshness: Freshness,
    client: reqwest::Client,
    cache: RwLock<Cache>,
    /// Held while fetching (single flight); remembers the discovered `jwks_uri`.
    fetching: Mutex<Option<Url>>,
}

#[derive(Default)]
struct Cache {
    /// The last good keys and when they were fetched.
    keys: Option<(Instant, Vec<Jwk>)>,
    /// When the last fetch (good or not) started.
    last_attempt: Option<Instant>,
    /// Counts fetch attempts, so a waiter can tell that one finished meanwhile.
    attempts: u64,
}

impl KeySet {
    /// Keys from `source` with the default [`Freshness`]; nothing is fetched until the
    /// first verification.
    pub fn new(source: KeySource) -> Self {
        Self::with_freshness(source, Freshness::default())
    }

    /// Keys from `source`, trusted and refetched as `freshness` says.
    pub fn with_freshness(source: KeySource, freshness: Freshness) -> Self {
        let client = fetch_client();
        Self { source, freshness, client, cache: RwLock::new(Cache::default()), fetching: Mutex::new(None) }
    }

    /// Where the keys come from.
    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// Verifies `token` against these keys and `expected`; see [`verify_with`].
    pub async fn verify(&self, token: &str, expected: &Expected) -> Result<Identity, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        if matches!(header.alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) {
            return Err(AuthError::Invalid(format!(
                "{:?} tokens are not verified with a key set",
                header.alg
            )));
        }
        let key = self.key(header.kid.as_deref(), header.alg).await?;
        verify_with(token, &key, header.alg, expected)
    }

    /// The key for `kid` (or, without one, the first key fit for `alg`), fetching when needed.
    async fn key(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, AuthError> {
        let seen = {
            let cache = self.cache.read().await;
            if let Some((at, keys)) = &cache.keys
                && at.elapsed() < self.freshness.refresh_after
                && let Some(jwk) = find(keys, kid, alg)
            {
                return decoding_key(jwk, alg);
            }
            if cache.last_attempt.is_some_and(|t| t.elapsed() < self.freshness.min_refetch_interval) {
                return self.lookup(&cache, kid, alg);
            }
            cache.attempts
        };
        let mut discovered = self.fetching.lock().await;
        // Someone else fetched while this one waited: use what they got.
        if self.cache.read().await.attempts == seen {
            self.refresh(&mut discovered).await;
        }
        self.lookup(&*self.cache.read().await, kid, alg)
    }

    /// The key from the cache: a refusal when keys are there but none fits, unavailable
    /// when no keys are younger than the staleness bound.
    fn lookup(&self, cache: &Cache, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, AuthError> {
        match &cache.keys {
            Some((at, keys)) if at.elapsed() < self.freshness.max_staleness => match find(keys, kid, alg) {
                Some(jwk) => decoding_key(jwk, alg),
                None => Err(AuthError::Invalid(format!("no usable {alg:?} key with kid {kid:?}"))),
            },
            _ => {
                let since = cache.last_attempt.map_or(Duration::ZERO, |t| t.elapsed());
                let wait = self.freshness.min_refetch_interval.saturating_sub(since);
                Err(AuthError::Unavailable {
                    reason: "no signing keys could be fetched".into(),
                    retry_after: wait.max(Duration::from_secs(1)),
                })
            }
        }
    }

    /// One fetch; on success replaces the keys, on failure keeps the old ones.
    async fn refresh(&self, discovered: &mut Option<Url>) {
        let started = Instant::now();
        let fetched = self.fetch(discovered).await;
        let mut cache = self.cache.write().await;
        cache.last_attempt = Some(started);
        cache.attempts += 1;
        match fetched {
            Ok(keys) => cache.keys = Some((Instant::now(), keys)),
            Err(reason) => {
                tracing::warn!(source = %self.source.url(), %reason, "could not fetch signing keys");
                // The discovered `jwks_uri` may have moved: discover again next time.
                *discovered = None;
            }
        }
    }

    async fn fetch(&self, discovered: &mut Option<Url>) -> Result<Vec<Jwk>, String> {
        let jwks_url = match (&self.source, discovered.as_ref()) {
            (KeySource::JwksUrl(url), _) => url.clone(),
            (KeySource::Issuer(_), Some(url)) => url.clone(),
            (KeySource::Issuer(issuer), None) => {
                let url = self.discover(issuer).await?;
                *discovered = Some(url.clone());
                url
            }
        };
        let body: serde_json::Value = self.get_json(&jwks_url).await?;
        let keys = body.get("keys").and_then(|k| k.as_array()).ok_or("no `keys` array")?;
        // Keys this library cannot read (other key types) are skipped, not fatal.
        Ok(keys.iter().filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok()).collect())
    }

    /// The `jwks_uri` of `issuer`'s discovery document.
    async fn discover(&self, issuer: &Url) -> Result<Url, String> {
        let doc = discover(&self.client, issuer).await?;
        let jwks_uri = doc.get("jwks_uri").and_then(|v| v.as_str()).ok_or("no jwks_uri")?;
        let jwks_uri = Url::parse(jwks_uri).map_err(|e| format!("jwks_uri: {e}"))?;
        check_url(&jwks_uri)?;
        Ok(jwks_uri)
    }

    async fn get_json(&self, url: &Url) -> Result<serde_json::Value, String> {
        get_json(&self.client, url).await
    }
}

/// A client for discovery documents and key sets: a short timeout, no redirects.
pub fn fetch_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// `issuer`'s discovery document: RFC 8414 metadata first, then OpenID discovery; the
/// document must name `issuer` as its own.
pub async fn discover(client: &reqwest::Client, issuer: &Url) -> Result<serde_json::Value, String> {
    let mut last_error = String::new();
    for url in discovery_urls(issuer) {
        match get_json(client, &url).await {
            Ok(doc) => {
                let named = doc.get("issuer").and_then(|v| v.as_str()).unwrap_or_default();
                if named.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
                    return Err(format!("{url} names issuer `{named}`, not `{issuer}`"));
                }
                return Ok(doc);
            }
            Err(e) => last_error = e,
        }
    }
    Err(format!("discovery failed: {last_error}"))
}

async fn get_json(client: &reqwest::Client, url: &Url) -> Result<serde_json::Value, String> {
    check_url(url)?;
    let mut response = client.get(url.clone()).send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_DOCUMENT_BYTES {
            return Err(format!("{url}: over {MAX_DOCUMENT_BYTES} bytes"));
        }
    }
    serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))
}

/// The discovery documents of `issuer`, in the order they are tried.
pub fn discovery_urls(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut rfc8414 = issuer.clone();
    rfc8414.set_path(&format!("/.well-known/oauth-authorization-server{path}"));
    let mut openid = issuer.clone();
    openid.set_path(&format!("{path}/.well-known/openid-configuration"));
    for url in [&mut rfc8414, &mut openid] {
        url.set_query(None);
        url.set_fragment(None);
    }
    vec![rfc8414, openid]
}

/// The key named `kid` (or the first one, without a kid) that may verify `alg` signatures.
fn find<'a>(keys: &'a [Jwk], kid: Option<&str>, alg: Algorithm) -> Option<&'a Jwk> {
    keys.iter().filter(|k| kid.is_none() || k.common.key_id.as_deref() == kid).find(|k| fits(k, alg))
}

/// A key may verify `alg` signatures: `use` is `sig` or absent, its `alg` (if named) is `alg`.
pub fn fits(jwk: &Jwk, alg: Algorithm) -> bool {
    let for_signing = matches!(jwk.common.public_key_use, None | Some(PublicKeyUse::Signature));
    let same_alg = jwk.common.key_algorithm.is_none_or(|named| {
        // Both serialize to their JOSE names ("EdDSA", "RS256", …).
        serde_json::to_value(named).ok().is_some_and(|n| serde_json::to_value(alg).ok() == Some(n))
    });
    for_signing && same_alg
}

fn decoding_key(jwk: &Jwk, alg: Algorithm) -> Result<DecodingKey, AuthError> {
    DecodingKey::from_jwk(jwk).map_err(|e| AuthError::Invalid(format!("{alg:?} key unusable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwk(extra: serde_json::Value) -> Jwk {
        let mut key = serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "DbE2URo1mCBN0oAVbZ4pcvQ-7sKH3P8Hm6tTas_O3Rw"});
        if let serde_json::Value::Object(extra) = extra {
            key.as_object_mut().unwrap().extend(extra);
        }
        serde_json::from_value(key).unwrap()
    }

    #[test]
    fn only_https_or_loopback_http_key_urls_are_allowed() {
        for ok in [
            "https://id.example/jwks",
            "http://127.0.0.1:9/j",
            "http://127.8.0.1/j",
            "http://[::1]:80/j",
            "http://localhost:3000/j",
        ] {
            assert!(check_url(&ok.parse().unwrap()).is_ok(), "{ok}");
        }
        for bad in [
            "http://id.example/jwks",
            "http://10.0.0.1/j",
            "ftp://localhost/j",
            "http://localhost.evil.example/j",
        ] {
            assert!(check_url(&bad.parse().unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_key_for_encryption_or_for_another_algorithm_does_not_fit() {
        assert!(fits(&jwk(serde_json::json!({})), Algorithm::EdDSA));
        assert!(fits(&jwk(serde_json::json!({"use": "sig", "alg": "EdDSA"})), Algorithm::EdDSA));
        assert!(!fits(&jwk(serde_json::json!({"use": "enc"})), Algorithm::EdDSA));
        assert!(!fits(&jwk(serde_json::json!({"alg": "RS256"})), Algorithm::EdDSA));
    }

    #[test]
    fn discovery_tries_rfc8414_then_openid_locations() {
        let urls = discovery_urls(&"https://id.example/tenant/".parse().unwrap());
        assert_eq!(urls[0].as_str(), "https://id.example/.well-known/oauth-authorization-server/tenant");
        assert_eq!(urls[1].as_str(), "https://id.example/tenant/.well-known/openid-configuration");
        let root = discovery_urls(&"https://id.example".parse().unwrap());
        assert_eq!(root[0].as_str(), "https://id.example/.well-known/oauth-authorization-server");
        assert_eq!(root[1].as_str(), "https://id.example/.well-known/openid-configuration");
    }
}
