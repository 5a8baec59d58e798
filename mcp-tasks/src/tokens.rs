//! Bearer-token verification with a memory: a client sends the same token on every call, so
//! a token that verified is remembered (by its exact text, signature included) until its
//! `exp` plus the usual clock leeway, and later calls skip the HMAC and the claims parsing.
//! Refused tokens are never remembered. The memory is bounded: when full it starts afresh.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use shared::identity::{AuthError, CLOCK_LEEWAY_SECS, Identity, TokenKey};

/// Tokens remembered at most; past that the memory is cleared and refills.
const MAX_REMEMBERED: usize = 4096;

/// Verifies tokens for one audience, remembering those that verified.
pub struct Verifier {
    key: TokenKey,
    audience: &'static str,
    remembered: Mutex<HashMap<Box<str>, (Identity, i64)>>,
}

impl Verifier {
    /// Verifies tokens signed with `key` for `audience`.
    pub fn new(key: TokenKey, audience: &'static str) -> Self {
        Self { key, audience, remembered: Mutex::new(HashMap::new()) }
    }

    /// Who `token` speaks for, if it is valid now.
    pub fn verify(&self, token: &str) -> Result<Identity, AuthError> {
        let now = unix_now();
        let leeway = i64::try_from(CLOCK_LEEWAY_SECS).unwrap_or(0);
        if let Some((identity, exp)) = self.lock().get(token)
            && now < exp.saturating_add(leeway)
        {
            return Ok(identity.clone());
        }
        let (identity, exp) = self.key.verify_until(token, Some(self.audience))?;
        let mut remembered = self.lock();
        if remembered.len() >= MAX_REMEMBERED {
            remembered.clear();
        }
        remembered.insert(token.into(), (identity.clone(), exp));
        Ok(identity)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, (Identity, i64)>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.remembered.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn unix_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use shared::identity::{TASKS_AUDIENCE, TokenKey};

    use super::Verifier;

    fn key() -> TokenKey {
        TokenKey::new(&"k".repeat(32)).expect("a 32-byte secret is accepted")
    }

    #[test]
    fn a_remembered_token_still_speaks_for_its_user_and_a_tampered_one_is_refused() {
        let key = key();
        let verifier = Verifier::new(key.clone(), TASKS_AUDIENCE);
        let token = key.mint("ana", TASKS_AUDIENCE, "test", None, Duration::from_secs(600));
        assert_eq!(verifier.verify(&token).expect("valid").user_id, "ana");
        assert_eq!(verifier.verify(&token).expect("remembered").user_id, "ana");
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(verifier.verify(&tampered).is_err());
    }

    #[test]
    fn a_token_for_another_audience_or_key_is_refused_even_after_a_good_one() {
        let key = key();
        let verifier = Verifier::new(key.clone(), TASKS_AUDIENCE);
        let good = key.mint("ana", TASKS_AUDIENCE, "test", None, Duration::from_secs(600));
        verifier.verify(&good).expect("valid");
        let other_audience = key.mint("ana", "someone-else", "test", None, Duration::from_secs(600));
        assert!(verifier.verify(&other_audience).is_err());
        let other_key = TokenKey::new(&"z".repeat(32)).expect("secret");
        let forged = other_key.mint("ana", TASKS_AUDIENCE, "test", None, Duration::from_secs(600));
        assert!(verifier.verify(&forged).is_err());
    }
}
