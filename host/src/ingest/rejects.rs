//! Why an uplink is refused, and warnings about it that cannot flood the
//! log: per reason, one line per interval, with how many were held back.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Why an uplink was set aside instead of stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    /// Larger than `[mqtt] max_payload_bytes`.
    Oversized,
    /// The topic names a device the district has not registered.
    UnknownDevice,
    /// The topic's port segment is not a number 1-255.
    BadTopic,
    /// The decoder says the payload is not in its format.
    Malformed,
    /// The decoder refused it, or answered something the host cannot use.
    DecoderError,
    /// The decoder plugin failed (trapped, timed out, hit its memory cap).
    DecoderFailed,
}

impl RejectReason {
    /// Stable code used in metrics and the dead-letter table.
    pub fn code(self) -> &'static str {
        match self {
            RejectReason::Oversized => "oversized",
            RejectReason::UnknownDevice => "unknown_device",
            RejectReason::BadTopic => "bad_topic",
            RejectReason::Malformed => "malformed",
            RejectReason::DecoderError => "decoder_error",
            RejectReason::DecoderFailed => "decoder_failed",
        }
    }
}

/// Warns about refused uplinks at most once per interval and reason.
pub(super) struct RateLimitedWarn {
    interval: Duration,
    seen: Mutex<HashMap<RejectReason, Window>>,
}

struct Window {
    started: Instant,
    held_back: u64,
}

impl RateLimitedWarn {
    pub(super) fn new(interval: Duration) -> Self {
        Self {
            interval,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Logs a refused uplink unless this reason was logged within the
    /// interval. Never logs the payload.
    pub(super) fn warn(&self, district: &str, device: &str, reason: RejectReason, detail: &str) {
        let now = Instant::now();
        let held_back = {
            let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
            let window = seen.entry(reason).or_insert(Window {
                started: now - self.interval,
                held_back: 0,
            });
            if now.duration_since(window.started) < self.interval {
                window.held_back += 1;
                return;
            }
            window.started = now;
            std::mem::take(&mut window.held_back)
        };
        tracing::warn!(
            district,
            device,
            reason = reason.code(),
            detail,
            held_back,
            "device uplink refused"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_one_reason_is_logged_once_per_interval() {
        let log = RateLimitedWarn::new(Duration::from_secs(3600));
        for _ in 0..5 {
            log.warn("d", "x", RejectReason::Malformed, "bad");
        }
        let seen = log.seen.lock().unwrap();
        assert_eq!(seen[&RejectReason::Malformed].held_back, 4);
    }
}
