//! [`AppState`]: what every route handler shares.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::Authenticator;
use crate::conversation::Conversations;

/// A rate limiter keyed by user id.
pub type UserLimiter = DefaultKeyedRateLimiter<String>;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    /// The conversation service every face goes through.
    pub conversations: Arc<Conversations>,
    /// Verifies user tokens.
    pub auth: Arc<Authenticator>,
    /// Per-user limiter (None: off).
    pub limiter: Option<Arc<UserLimiter>>,
    /// Signs the tokens `GET /dev/token` hands out (the `dev` command only; None: that route is 404).
    pub dev_login: Option<Arc<shared::identity::TokenKey>>,
    /// The chat page's sign-in with an OpenID provider (None: not configured).
    pub sign_in: Option<Arc<super::sign_in::PageSignIn>>,
}

/// A per-user limiter allowing `per_second` with bursts of `burst`; None when `per_second` is 0.
pub fn limiter(per_second: u32, burst: u32) -> Option<Arc<UserLimiter>> {
    let rate = NonZeroU32::new(per_second)?;
    let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
    Some(Arc::new(RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))))
}
