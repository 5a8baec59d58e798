//! Identity tokens: HS256 JWTs with `sub` (the user), `aud`, `exp`, and an optional `tz`,
//! and the claim checks every verifier shares (`exp` required, `nbf`, `iss`/`aud` when
//! [`Expected`] names them, a printable user id).
//!
//! mcp-tasks accepts only tokens whose audience is [`TASKS_AUDIENCE`]; the gateway mints
//! such tokens per user and never forwards the user's own token.

use std::time::Duration;

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The audience every token for mcp-tasks must carry.
pub const TASKS_AUDIENCE: &str = "mcp-tasks";

/// Shortest secret accepted for HS256 signing (256 bits of hex or text).
pub const MIN_SECRET_LEN: usize = 32;

/// Longest user id accepted from a token.
pub const MAX_USER_ID_LEN: usize = 200;

/// The verified caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user id (`sub`, else `user_id`).
    pub user_id: String,
    /// IANA time zone from the `tz` claim, if any.
    pub tz: Option<String>,
    /// Locale from the `locale` claim, if any.
    pub locale: Option<String>,
}

/// JWT claims as minted and read by this project.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iss: Option<String>,
    /// A string or an array of strings (checked by `jsonwebtoken`, not read here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    aud: Option<serde_json::Value>,
    exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tz: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
}

/// Why a token was refused. The message is safe to log but is not shown to callers.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header.
    #[error("missing bearer token")]
    Missing,
    /// Bad signature, wrong audience or issuer, expired or not yet valid, malformed, or no
    /// usable user id.
    #[error("invalid token: {0}")]
    Invalid(String),
    /// The identity provider's signing keys cannot be had (fetch failed and none are cached):
    /// the token was not judged; try again after `retry_after`.
    #[error("identity provider unavailable: {reason}")]
    Unavailable {
        /// Why, for the log.
        reason: String,
        /// When a new fetch of the keys may be tried.
        retry_after: Duration,
    },
}

/// What a token must say besides its signature and `exp`: `aud` and `iss`, when set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// The audience `aud` must contain.
    pub audience: Option<String>,
    /// The issuer `iss` must equal.
    pub issuer: Option<String>,
}

impl Expected {
    /// Expects audience `audience` and no particular issuer.
    pub fn audience(audience: &str) -> Self {
        Self { audience: Some(audience.to_owned()), issuer: None }
    }
}

/// Signs and verifies HS256 tokens with one shared secret.
#[derive(Clone)]
pub struct TokenKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

impl TokenKey {
    /// A key from a shared secret; errors when it is shorter than [`MIN_SECRET_LEN`].
    pub fn new(secret: &str) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(format!(
                "must be at least {MIN_SECRET_LEN} characters (generate one with `openssl rand -hex 32`)"
            ));
        }
        Ok(Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        })
    }

    /// Mints a token for `user` valid for `ttl`, for `audience`, issued by `issuer`.
    pub fn mint(&self, user: &str, audience: &str, issuer: &str, tz: Option<&str>, ttl: Duration) -> String {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: Some(user.to_owned()),
            user_id: None,
            iss: Some(issuer.to_owned()),
            aud: Some(serde_json::Value::from(audience)),
            exp: now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
            iat: Some(now),
            tz: tz.map(str::to_owned),
            locale: None,
        };
        // Encoding a plain struct with HMAC cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).unwrap_or_default()
    }

    /// Verifies signature, `exp` and (when given) `aud`; returns who the token speaks for.
    pub fn verify(&self, token: &str, audience: Option<&str>) -> Result<Identity, AuthError> {
        let expected = Expected { audience: audience.map(str::to_owned), issuer: None };
        self.verify_expecting(token, &expected)
    }

    /// Verifies signature, `exp`, `nbf` and whatever `expected` names.
    pub fn verify_expecting(&self, token: &str, expected: &Expected) -> Result<Identity, AuthError> {
        verify_with(token, &self.decoding, Algorithm::HS256, expected)
    }

    /// [`TokenKey::verify`], also giving the token's `exp` (Unix seconds), for a caller that
    /// remembers verified tokens until they expire.
    pub fn verify_until(&self, token: &str, audience: Option<&str>) -> Result<(Identity, i64), AuthError> {
        let expected = Expected { audience: audience.map(str::to_owned), issuer: None };
        let claims = decode_claims(token, &self.decoding, Algorithm::HS256, &expected)?;
        let exp = claims.exp;
        Ok((identity_from(claims)?, exp))
    }
}

/// Clock skew allowed on `exp` and `nbf`, in seconds.
pub const CLOCK_LEEWAY_SECS: u64 = 30;

/// Verifies `token` signed with `alg` under `key`: signature, required `exp` and `nbf` when
/// present ([`CLOCK_LEEWAY_SECS`] leeway), and `aud`/`iss` when `expected` names them (then
/// they are required). The user is `sub`, else `user_id`.
pub fn verify_with(
    token: &str,
    key: &DecodingKey,
    alg: Algorithm,
    expected: &Expected,
) -> Result<Identity, AuthError> {
    identity_from(decode_claims(token, key, alg, expected)?)
}

/// The claims of `token` once [`verify_with`]'s checks pass.
fn decode_claims(
    token: &str,
    key: &DecodingKey,
    alg: Algorithm,
    expected: &Expected,
) -> Result<Claims, AuthError> {
    let mut validation = Validation::new(alg);
    validation.leeway = CLOCK_LEEWAY_SECS;
    validation.validate_nbf = true;
    let mut required = vec!["exp"];
    match &expected.audience {
        Some(aud) => {
            validation.set_audience(&[aud]);
            required.push("aud");
        }
        None => validation.validate_aud = false,
    }
    if let Some(iss) = &expected.issuer {
        validation.set_issuer(&[iss]);
        required.push("iss");
    }
    validation.set_required_spec_claims(&required);
    let data = jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map_err(|e| AuthError::Invalid(e.to_string()))?;
    Ok(data.claims)
}

fn identity_from(claims: Claims) -> Result<Identity, AuthError> {
    let user_id = claims
        .sub
        .or(claims.user_id)
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| AuthError::Invalid("no sub or user_id claim".into()))?;
    if user_id.len() > MAX_USER_ID_LEN {
        return Err(AuthError::Invalid("user id too long".into()));
    }
    if user_id.chars().any(char::is_control) {
        return Err(AuthError::Invalid("user id has a control character".into()));
    }
    // A time zone or locale that is not printable text is ignored, as if absent.
    let printable = |v: &String| !v.chars().any(char::is_control);
    Ok(Identity { user_id, tz: claims.tz.filter(printable), locale: claims.locale.filter(printable) })
}

/// The token in an `Authorization` header value, if it is a Bearer token.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn a_minted_token_verifies_for_its_audience() {
        let key = TokenKey::new(SECRET).unwrap();
        let t = key.mint("alice", TASKS_AUDIENCE, "test", Some("Asia/Karachi"), Duration::from_secs(60));
        let id = key.verify(&t, Some(TASKS_AUDIENCE)).unwrap();
        assert_eq!(id.user_id, "alice");
        assert_eq!(id.tz.as_deref(), Some("Asia/Karachi"));
    }

    #[test]
    fn a_token_for_another_audience_is_refused() {
        let key = TokenKey::new(SECRET).unwrap();
        let t = key.mint("alice", "chat-gateway", "test", None, Duration::from_secs(60));
        assert!(key.verify(&t, Some(TASKS_AUDIENCE)).is_err());
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let key = TokenKey::new(SECRET).unwrap();
        let other = TokenKey::new("another-secret-another-secret-0000").unwrap();
        let t = other.mint("alice", TASKS_AUDIENCE, "test", None, Duration::from_secs(60));
        assert!(key.verify(&t, Some(TASKS_AUDIENCE)).is_err());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let key = TokenKey::new(SECRET).unwrap();
        let claims = Claims {
            sub: Some("alice".into()),
            user_id: None,
            iss: None,
            aud: Some(TASKS_AUDIENCE.into()),
            exp: Utc::now().timestamp() - 3600,
            iat: None,
            tz: None,
            locale: None,
        };
        let t = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key.encoding).unwrap();
        assert!(key.verify(&t, Some(TASKS_AUDIENCE)).is_err());
    }

    #[test]
    fn an_unsigned_alg_none_token_is_refused() {
        let key = TokenKey::new(SECRET).unwrap();
        // {"alg":"none","typ":"JWT"} . {"sub":"alice","aud":"mcp-tasks","exp":9999999999} .
        let t = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSIsImF1ZCI6Im1jcC10YXNrcyIsImV4cCI6OTk5OTk5OTk5OX0.";
        assert!(key.verify(t, Some(TASKS_AUDIENCE)).is_err());
    }

    #[test]
    fn a_short_secret_is_rejected() {
        assert!(TokenKey::new("short").is_err());
    }

    #[test]
    fn bearer_headers_are_parsed_case_insensitively() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }

    fn signed(key: &TokenKey, claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key.encoding).unwrap()
    }

    fn expected() -> Expected {
        Expected { audience: Some("app".into()), issuer: Some("https://id.example".into()) }
    }

    #[test]
    fn a_token_naming_the_expected_issuer_and_one_of_its_audiences_verifies() {
        let key = TokenKey::new(SECRET).unwrap();
        let exp = Utc::now().timestamp() + 60;
        let t = signed(
            &key,
            &serde_json::json!({"sub": "a", "exp": exp, "iss": "https://id.example", "aud": ["other", "app"]}),
        );
        assert_eq!(key.verify_expecting(&t, &expected()).unwrap().user_id, "a");
    }

    #[test]
    fn a_token_for_another_audience_or_from_another_issuer_or_naming_neither_is_refused() {
        let key = TokenKey::new(SECRET).unwrap();
        let exp = Utc::now().timestamp() + 60;
        for claims in [
            serde_json::json!({"sub": "a", "exp": exp, "iss": "https://id.example", "aud": "some-other-app"}),
            serde_json::json!({"sub": "a", "exp": exp, "iss": "evil", "aud": "app"}),
            serde_json::json!({"sub": "a", "exp": exp, "aud": "app"}),
            serde_json::json!({"sub": "a", "exp": exp, "iss": "https://id.example"}),
        ] {
            assert!(key.verify_expecting(&signed(&key, &claims), &expected()).is_err(), "{claims}");
        }
    }

    #[test]
    fn a_token_not_valid_before_a_day_ahead_is_refused_but_small_clock_skew_is_forgiven() {
        let key = TokenKey::new(SECRET).unwrap();
        let now = Utc::now().timestamp();
        let ahead = signed(&key, &serde_json::json!({"sub": "a", "exp": now + 90_000, "nbf": now + 86_400}));
        assert!(key.verify(&ahead, None).is_err());
        let skewed = signed(&key, &serde_json::json!({"sub": "a", "exp": now + 60, "nbf": now + 5}));
        assert!(key.verify(&skewed, None).is_ok());
    }

    #[test]
    fn a_user_id_with_a_nul_or_other_control_character_is_refused() {
        let key = TokenKey::new(SECRET).unwrap();
        let exp = Utc::now().timestamp() + 60;
        for sub in ["al\u{0}ice", "bob\n", "\u{7f}x"] {
            let t = signed(&key, &serde_json::json!({"sub": sub, "exp": exp}));
            assert!(matches!(key.verify(&t, None), Err(AuthError::Invalid(_))), "{sub:?}");
        }
        let t = signed(&key, &serde_json::json!({"sub": "ok", "exp": exp, "tz": "Asia/\u{0}X"}));
        assert_eq!(key.verify(&t, None).unwrap().tz, None, "an unprintable tz is ignored");
    }
}
