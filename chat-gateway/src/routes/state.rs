//! [`AppState`]: what every route handler shares.

use std::sync::Arc;

use axum::extract::FromRef;

use super::limiter::UserLimiter;
use super::sign_in::PageSignIn;
use crate::auth::Authenticator;
use crate::conversation::Conversations;
use crate::voice::Voice;

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
    pub sign_in: Option<Arc<PageSignIn>>,
    /// `GATEWAY_PUBLIC_URL`: the base of the upload and preview URLs handed out (None: from
    /// each request's `Host`).
    pub public_url: Option<Arc<str>>,
    /// Speech to text for `input.transcribe` (None: voice is not configured).
    pub voice: Option<Arc<Voice>>,
}

impl FromRef<AppState> for Option<Arc<PageSignIn>> {
    fn from_ref(state: &AppState) -> Self {
        state.sign_in.clone()
    }
}

/// A per-user limiter allowing `per_second` with bursts of `burst`; None when `per_second` is 0.
pub fn limiter(per_second: u32, burst: u32) -> Option<Arc<UserLimiter>> {
    UserLimiter::new(per_second, burst).map(Arc::new)
}
