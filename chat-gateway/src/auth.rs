//! Who is calling: verifies the user's `Authorization: Bearer` JWT, HS256 with
//! `JWT_SECRET` or an asymmetric key (RS256, ES256, EdDSA …) from `JWT_JWKS_URL`
//! (cached and refreshed by [`shared::jwks::KeySet`]). The user is `sub`, else `user_id`;
//! `exp` is required, `nbf` honoured, `iss`/`aud` checked when `JWT_ISSUER`/`JWT_AUDIENCE`
//! are set; `tz` and `locale` are optional.

use jsonwebtoken::Algorithm;
use shared::identity::{AuthError, Expected, TokenKey};
use shared::jwks::{Freshness, KeySet, KeySource};

/// The audience and issuer of tokens the gateway mints itself when none are configured.
pub const DEFAULT_TOKEN_PARTY: &str = "chat-gateway";

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

/// How user tokens are verified.
#[derive(Debug, Clone, Default)]
pub struct AuthSettings {
    /// `JWT_SECRET`: the HS256 key.
    pub hs256: Option<TokenKey>,
    /// Where asymmetric signing keys are published (`JWT_JWKS_URL`, or an issuer's discovery).
    pub keys: Option<KeySource>,
    /// `JWT_AUDIENCE` and `JWT_ISSUER`, checked when set (on both kinds of token).
    pub expected: Expected,
    /// How long fetched keys are trusted (the defaults outside tests).
    pub freshness: Freshness,
}

/// Verifies user tokens.
pub struct Authenticator {
    hs256: Option<TokenKey>,
    keys: Option<KeySet>,
    expected: Expected,
}

impl Authenticator {
    /// From an HS256 key and/or a JWKS URL, with no audience or issuer check.
    pub fn new(hs256: Option<TokenKey>, jwks_url: Option<reqwest::Url>) -> Self {
        Self::with_settings(AuthSettings {
            hs256,
            keys: jwks_url.map(KeySource::JwksUrl),
            expected: Expected::default(),
            freshness: Freshness::default(),
        })
    }

    /// From full settings.
    pub fn with_settings(settings: AuthSettings) -> Self {
        let keys = settings.keys.map(|source| KeySet::with_freshness(source, settings.freshness));
        Self { hs256: settings.hs256, keys, expected: settings.expected }
    }

    /// The user a token speaks for. [`AuthError::Unavailable`] when the identity provider's
    /// keys cannot be had (not a verdict on the token).
    pub async fn verify(&self, token: &str) -> Result<User, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        let identity = match (header.alg, &self.hs256, &self.keys) {
            (Algorithm::HS256, Some(key), _) => key.verify_expecting(token, &self.expected)?,
            (Algorithm::HS256, None, _) => {
                return Err(AuthError::Invalid("HS256 tokens are not accepted".into()));
            }
            (_, _, Some(keys)) => keys.verify(token, &self.expected).await?,
            (alg, _, None) => return Err(AuthError::Invalid(format!("{alg:?} tokens are not accepted"))),
        };
        Ok(User { id: identity.user_id, tz: identity.tz, locale: identity.locale })
    }

    /// The (audience, issuer) of tokens the gateway mints for these settings.
    pub fn token_party(&self) -> (&str, &str) {
        token_party(&self.expected)
    }
}

/// The (audience, issuer) the gateway's own tokens carry (`chat-gateway token`, dev login):
/// `JWT_AUDIENCE` and `JWT_ISSUER`, else [`DEFAULT_TOKEN_PARTY`], so that they verify.
pub fn token_party(expected: &Expected) -> (&str, &str) {
    (
        expected.audience.as_deref().unwrap_or(DEFAULT_TOKEN_PARTY),
        expected.issuer.as_deref().unwrap_or(DEFAULT_TOKEN_PARTY),
    )
}
