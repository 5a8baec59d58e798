//! How many turns run at once: at most so many per user and so many in all. A turn holds a
//! [`Ticket`] from before its user message is stored until it has ended, so a refused turn
//! stores nothing; the per-user counts drop their entry at zero, so the map holds only users
//! with a turn running.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;

/// Admits turns within the per-user and total bounds.
pub(super) struct Admission {
    total: Arc<Semaphore>,
    per_user: Arc<Mutex<HashMap<String, usize>>>,
    per_user_max: usize,
}

/// A running turn's place; dropping it frees the place.
pub(super) struct Ticket {
    _total: OwnedSemaphorePermit,
    per_user: Arc<Mutex<HashMap<String, usize>>>,
    user: String,
}

impl Admission {
    /// At most `per_user` turns of one user and `total` of all users at once.
    pub(super) fn new(per_user: usize, total: usize) -> Self {
        Self {
            total: Arc::new(Semaphore::new(total.max(1))),
            per_user: Arc::default(),
            per_user_max: per_user.max(1),
        }
    }

    /// A place for one more turn of `user`, or a 429 saying which bound was reached.
    pub(super) fn admit(&self, user: &str) -> Result<Ticket, ApiError> {
        let total = self.total.clone().try_acquire_owned().map_err(|_| {
            ApiError::Busy("the server is answering as many messages as it can; try again shortly".into())
        })?;
        let mut counts = self.per_user.lock().unwrap_or_else(PoisonError::into_inner);
        let count = counts.entry(user.to_owned()).or_default();
        if *count >= self.per_user_max {
            let most = self.per_user_max;
            if *count == 0 {
                counts.remove(user);
            }
            return Err(ApiError::Busy(format!(
                "you have {most} messages being answered already (the limit); wait for one to finish"
            )));
        }
        *count += 1;
        Ok(Ticket { _total: total, per_user: self.per_user.clone(), user: user.to_owned() })
    }

    /// How many users have a turn running (for tests of pruning).
    #[cfg(test)]
    fn users(&self) -> usize {
        self.per_user.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.per_user.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&self.user) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Admission;

    #[test]
    fn a_user_past_the_bound_is_refused_and_the_place_comes_back_when_a_turn_ends() {
        let admission = Admission::new(2, 10);
        let first = admission.admit("ann").unwrap();
        let _second = admission.admit("ann").unwrap();
        assert!(admission.admit("ann").is_err());
        assert!(admission.admit("bob").is_ok(), "other users are not held back");
        drop(first);
        assert!(admission.admit("ann").is_ok());
    }

    #[test]
    fn the_total_bound_holds_over_all_users_and_finished_users_leave_the_map() {
        let admission = Admission::new(5, 2);
        let a = admission.admit("a").unwrap();
        let b = admission.admit("b").unwrap();
        assert!(admission.admit("c").is_err());
        drop((a, b));
        assert_eq!(admission.users(), 0);
    }
}
