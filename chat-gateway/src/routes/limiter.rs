//! [`UserLimiter`]: the per-user request rate limit, whose map of users is pruned so that
//! every user ever seen does not stay in memory.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// How often users whose allowance has refilled completely are dropped from the map.
pub const PRUNE_INTERVAL: Duration = Duration::from_secs(5);

/// A token bucket per user id. Every [`PRUNE_INTERVAL`], the next check first drops the
/// users whose bucket is full again (they are indistinguishable from users never seen), so
/// the map holds only the users active within the last refill time.
pub struct UserLimiter {
    buckets: DefaultKeyedRateLimiter<String>,
    next_prune: Mutex<Instant>,
}

impl UserLimiter {
    /// A limiter allowing `per_second` with bursts of `burst`; None when `per_second` is 0.
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
        Some(Self {
            buckets: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            next_prune: Mutex::new(Instant::now() + PRUNE_INTERVAL),
        })
    }

    /// Takes one request from `user`'s allowance, or says how long until there is one.
    pub fn check(&self, user: &str) -> Result<(), Duration> {
        self.prune_when_due();
        let checked = self.buckets.check_key(&user.to_owned());
        crate::metrics::rate_limited_users(self.buckets.len());
        checked.map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    fn prune_when_due(&self) {
        let now = Instant::now();
        {
            // A poisoned lock only means another check panicked mid-update: the instant is still usable.
            let mut next = self.next_prune.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if now < *next {
                return;
            }
            *next = now + PRUNE_INTERVAL;
        }
        self.buckets.retain_recent();
        self.buckets.shrink_to_fit();
    }
}
