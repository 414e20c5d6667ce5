//! Per-plugin circuit breakers: a plugin whose calls keep failing is
//! refused at once for a backoff, then probed with a single call, so a
//! broken plugin costs callers nothing and recovers by itself.
//!
//! Closed → (`failures` failures within `window`) → Open → (backoff
//! passed) → HalfOpen: one probe call; success closes, failure reopens
//! with the backoff doubled up to its maximum.

use crate::config::BreakerConfig;
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where a plugin's breaker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// Calls are refused until the backoff has passed.
    Open,
    /// One probe call is in flight or allowed.
    HalfOpen,
}

impl BreakerState {
    /// The state as a number for metrics: 0 closed, 1 open, 2 half-open.
    pub fn as_gauge(self) -> i64 {
        match self {
            BreakerState::Closed => 0,
            BreakerState::Open => 1,
            BreakerState::HalfOpen => 2,
        }
    }
}

/// A breaker's state as the admin API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct BreakerStatus {
    /// Where it stands.
    pub state: BreakerState,
    /// Failures within the current window.
    pub recent_failures: usize,
    /// Milliseconds until the next probe, when open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
    /// How often it has opened since the plugin was activated.
    pub trips: u64,
}

struct Breaker {
    state: BreakerState,
    failures: VecDeque<Instant>,
    backoff: Duration,
    open_until: Instant,
    trips: u64,
}

/// Every plugin's breaker, keyed by (district, plugin).
pub(crate) struct Breakers {
    config: BreakerConfig,
    map: Mutex<HashMap<(String, String), Breaker>>,
}

/// Returned when a call is refused: how long until the next probe.
pub(crate) struct Refused(pub(crate) Duration);

impl Breakers {
    pub(crate) fn new(config: BreakerConfig) -> Self {
        Self {
            config,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn fresh(&self) -> Breaker {
        Breaker {
            state: BreakerState::Closed,
            failures: VecDeque::new(),
            backoff: Duration::from_millis(self.config.backoff_ms),
            open_until: Instant::now(),
            trips: 0,
        }
    }

    /// Lets a call through, or refuses it while the breaker is open (or a
    /// probe is already in flight).
    pub(crate) fn admit(&self, district: &str, plugin: &str) -> Result<(), Refused> {
        if self.config.failures == 0 {
            return Ok(());
        }
        let mut map = self.map.lock().expect("breaker lock");
        let Some(b) = map.get_mut(&(district.to_owned(), plugin.to_owned())) else {
            return Ok(());
        };
        let now = Instant::now();
        match b.state {
            BreakerState::Closed => Ok(()),
            BreakerState::Open if now >= b.open_until => {
                b.state = BreakerState::HalfOpen;
                Ok(())
            }
            BreakerState::Open => Err(Refused(b.open_until - now)),
            BreakerState::HalfOpen => Err(Refused(b.backoff)),
        }
    }

    /// Records how a call ended; returns the new state when it changed.
    pub(crate) fn record(&self, district: &str, plugin: &str, ok: bool) -> Option<BreakerState> {
        if self.config.failures == 0 {
            return None;
        }
        let mut map = self.map.lock().expect("breaker lock");
        let key = (district.to_owned(), plugin.to_owned());
        if ok && !map.contains_key(&key) {
            return None;
        }
        let fresh = self.fresh();
        let b = map.entry(key).or_insert(fresh);
        let now = Instant::now();
        let window = Duration::from_millis(self.config.window_ms);
        let max_backoff = Duration::from_millis(self.config.max_backoff_ms);
        let before = b.state;
        match (b.state, ok) {
            (BreakerState::HalfOpen, true) => {
                b.state = BreakerState::Closed;
                b.failures.clear();
                b.backoff = Duration::from_millis(self.config.backoff_ms);
            }
            (BreakerState::HalfOpen, false) => {
                b.backoff = (b.backoff * 2).min(max_backoff);
                b.state = BreakerState::Open;
                b.open_until = now + b.backoff;
                b.trips += 1;
            }
            (_, true) => {}
            (_, false) => {
                b.failures.push_back(now);
                while b.failures.front().is_some_and(|t| now - *t > window) {
                    b.failures.pop_front();
                }
                if b.state == BreakerState::Closed
                    && b.failures.len() >= self.config.failures as usize
                {
                    b.state = BreakerState::Open;
                    b.open_until = now + b.backoff;
                    b.trips += 1;
                }
            }
        }
        (b.state != before).then_some(b.state)
    }

    /// Forgets a plugin's history, as when a new version is activated.
    pub(crate) fn reset(&self, district: &str, plugin: &str) {
        let mut map = self.map.lock().expect("breaker lock");
        map.remove(&(district.to_owned(), plugin.to_owned()));
    }

    /// A plugin's breaker as it stands now.
    pub(crate) fn status(&self, district: &str, plugin: &str) -> BreakerStatus {
        let map = self.map.lock().expect("breaker lock");
        let now = Instant::now();
        match map.get(&(district.to_owned(), plugin.to_owned())) {
            None => BreakerStatus {
                state: BreakerState::Closed,
                recent_failures: 0,
                retry_in_ms: None,
                trips: 0,
            },
            Some(b) => {
                let window = Duration::from_millis(self.config.window_ms);
                let open = b.state == BreakerState::Open;
                BreakerStatus {
                    state: b.state,
                    recent_failures: b.failures.iter().filter(|t| now - **t <= window).count(),
                    retry_in_ms: open
                        .then(|| b.open_until.saturating_duration_since(now).as_millis() as u64),
                    trips: b.trips,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breakers() -> Breakers {
        Breakers::new(BreakerConfig {
            failures: 3,
            window_ms: 10_000,
            backoff_ms: 30,
            max_backoff_ms: 100,
        })
    }

    #[test]
    fn failures_within_the_window_open_it_and_a_good_probe_closes_it() {
        let b = breakers();
        for _ in 0..2 {
            b.record("d", "p", false);
        }
        assert!(b.admit("d", "p").is_ok());
        assert_eq!(b.record("d", "p", false), Some(BreakerState::Open));
        assert!(b.admit("d", "p").is_err());
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.admit("d", "p").is_ok(), "the probe goes through");
        assert!(b.admit("d", "p").is_err(), "only one probe at a time");
        assert_eq!(b.record("d", "p", true), Some(BreakerState::Closed));
        assert!(b.admit("d", "p").is_ok());
    }

    #[test]
    fn a_failed_probe_reopens_with_a_longer_backoff() {
        let b = breakers();
        for _ in 0..3 {
            b.record("d", "p", false);
        }
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.admit("d", "p").is_ok());
        assert_eq!(b.record("d", "p", false), Some(BreakerState::Open));
        let Err(Refused(wait)) = b.admit("d", "p") else {
            panic!("open after a failed probe")
        };
        assert!(
            wait > Duration::from_millis(30),
            "backoff doubled: {wait:?}"
        );
        assert_eq!(b.status("d", "p").trips, 2);
        assert!(b.admit("other", "p").is_ok(), "other plugins are untouched");
    }
}
