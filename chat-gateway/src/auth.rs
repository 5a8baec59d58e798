//! Who is calling: verifies the user's `Authorization: Bearer` JWT, HS256 with
//! `JWT_SECRET` or an asymmetric key (RS256, ES256, EdDSA …) from `JWT_JWKS_URL`.
//! The user is `sub`, else `user_id`; `exp` is required; `tz` and `locale` are optional.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey};
use shared::identity::{AuthError, TokenKey};
use tokio::sync::RwLock;

/// The authenticated user of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// User id.
    pub id: String,
    /// IANA time zone from the token, if any.
    pub tz: Option<String>,
    /// Locale from the token, else `Accept-Language`.
    pub locale: Option<String>,
}

/// How long fetched keys are trusted before they are fetched again.
const JWKS_TTL: Duration = Duration::from_secs(600);
/// The soonest an unknown `kid` may trigger another fetch.
const JWKS_MIN_REFRESH: Duration = Duration::from_secs(30);

/// Verifies user tokens.
pub struct Authenticator {
    hs256: Option<TokenKey>,
    jwks: Option<Jwks>,
}

struct Jwks {
    url: reqwest::Url,
    client: reqwest::Client,
    cache: RwLock<Option<(Instant, JwkSet)>>,
}

impl Authenticator {
    /// From an HS256 key and/or a JWKS URL (at least one).
    pub fn new(hs256: Option<TokenKey>, jwks_url: Option<reqwest::Url>) -> Self {
        let jwks = jwks_url.map(|url| Jwks {
            url,
            client: reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap_or_default(),
            cache: RwLock::new(None),
        });
        Self { hs256, jwks }
    }

    /// The user a token speaks for.
    pub async fn verify(&self, token: &str) -> Result<User, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        let identity = match (header.alg, &self.hs256, &self.jwks) {
            (Algorithm::HS256, Some(key), _) => key.verify(token, None)?,
            (alg, _, Some(jwks)) if alg != Algorithm::HS256 && !is_hmac(alg) => {
                let key = jwks.key(header.kid.as_deref()).await?;
                shared::identity::verify_with(token, &key, alg, None)?
            }
            (alg, _, _) => return Err(AuthError::Invalid(format!("{alg:?} tokens are not accepted"))),
        };
        Ok(User { id: identity.user_id, tz: identity.tz, locale: identity.locale })
    }
}

fn is_hmac(alg: Algorithm) -> bool {
    matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

impl Jwks {
    async fn key(&self, kid: Option<&str>) -> Result<DecodingKey, AuthError> {
        if let Some(key) = self.cached(kid, JWKS_TTL).await {
            return key;
        }
        let fresh_enough =
            self.cache.read().await.as_ref().is_some_and(|(at, _)| at.elapsed() < JWKS_MIN_REFRESH);
        if !fresh_enough {
            self.refresh().await?;
        }
        self.cached(kid, Duration::MAX)
            .await
            .unwrap_or_else(|| Err(AuthError::Invalid("no matching key".into())))
    }

    async fn cached(&self, kid: Option<&str>, ttl: Duration) -> Option<Result<DecodingKey, AuthError>> {
        let cache = self.cache.read().await;
        let (at, set) = cache.as_ref().filter(|(at, _)| at.elapsed() < ttl)?;
        let _ = at;
        let jwk = match kid {
            Some(kid) => set.find(kid)?,
            None => set.keys.first()?,
        };
        Some(DecodingKey::from_jwk(jwk).map_err(|e| AuthError::Invalid(e.to_string())))
    }

    async fn refresh(&self) -> Result<(), AuthError> {
        let fetched = async {
            let response = self.client.get(self.url.clone()).send().await?.error_for_status()?;
            response.json::<JwkSet>().await
        }
        .await;
        match fetched {
            Ok(set) => {
                *self.cache.write().await = Some((Instant::now(), set));
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not fetch JWKS");
                Err(AuthError::Invalid("signing keys unavailable".into()))
            }
        }
    }
}
