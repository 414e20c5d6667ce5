//! Per-plugin call statistics kept in memory for the control centre:
//! calls, failures by reason, and a reservoir of the latest call
//! latencies from which p50 and p99 are read. The Prometheus histogram
//! in [`crate::metrics`] serves scrapers; this serves the pages, which
//! need quantiles without a query language.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

/// Latencies kept per plugin.
const RESERVOIR: usize = 1024;
/// Outcomes kept per plugin for the recent error share.
const RECENT: usize = 100;

#[derive(Default)]
struct PluginCalls {
    calls: u64,
    failures: BTreeMap<String, u64>,
    latencies_us: VecDeque<u32>,
    recent: VecDeque<bool>,
}

/// What the control centre shows of one plugin's calls.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CallSnapshot {
    /// Calls since the server started, refused ones included.
    pub calls: u64,
    /// Failed calls by reason (`timeout`, `trap`, `unavailable` ...).
    pub failures: BTreeMap<String, u64>,
    /// Median latency of the latest calls, in milliseconds.
    pub p50_ms: Option<f64>,
    /// 99th-percentile latency of the latest calls, in milliseconds.
    pub p99_ms: Option<f64>,
    /// Of the latest calls (at most 100), how many there were.
    pub recent_calls: u64,
    /// And how many of those failed.
    pub recent_failures: u64,
}

/// Every plugin's statistics, keyed by district then plugin.
#[derive(Default)]
pub struct CallStats {
    map: Mutex<HashMap<String, HashMap<String, PluginCalls>>>,
}

impl CallStats {
    /// Records one call: how long it ran (none when it was refused
    /// before running) and why it failed, if it did.
    pub fn record(
        &self,
        district: &str,
        plugin: &str,
        elapsed: Option<Duration>,
        failure: Option<&str>,
    ) {
        let mut map = self.map.lock().expect("call stats lock");
        if !map.contains_key(district) {
            map.insert(district.to_owned(), HashMap::new());
        }
        let plugins = map.get_mut(district).expect("just inserted");
        if !plugins.contains_key(plugin) {
            plugins.insert(plugin.to_owned(), PluginCalls::default());
        }
        let p = plugins.get_mut(plugin).expect("just inserted");
        p.calls += 1;
        if let Some(reason) = failure {
            match p.failures.get_mut(reason) {
                Some(n) => *n += 1,
                None => {
                    p.failures.insert(reason.to_owned(), 1);
                }
            }
        }
        if let Some(elapsed) = elapsed {
            if p.latencies_us.len() == RESERVOIR {
                p.latencies_us.pop_front();
            }
            p.latencies_us
                .push_back(elapsed.as_micros().min(u32::MAX as u128) as u32);
        }
        if p.recent.len() == RECENT {
            p.recent.pop_front();
        }
        p.recent.push_back(failure.is_some());
    }

    /// One plugin's statistics now; zeros when it was never called.
    pub fn snapshot(&self, district: &str, plugin: &str) -> CallSnapshot {
        let map = self.map.lock().expect("call stats lock");
        let Some(p) = map.get(district).and_then(|d| d.get(plugin)) else {
            return CallSnapshot::default();
        };
        let mut sorted: Vec<u32> = p.latencies_us.iter().copied().collect();
        sorted.sort_unstable();
        CallSnapshot {
            calls: p.calls,
            failures: p.failures.clone(),
            p50_ms: quantile(&sorted, 0.50),
            p99_ms: quantile(&sorted, 0.99),
            recent_calls: p.recent.len() as u64,
            recent_failures: p.recent.iter().filter(|f| **f).count() as u64,
        }
    }
}

/// The `q` quantile (nearest rank) of sorted microseconds, in ms.
fn quantile(sorted: &[u32], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(f64::from(sorted[rank - 1]) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_latest_calls_and_failures_count_by_reason() {
        let stats = CallStats::default();
        for ms in 1..=100u64 {
            stats.record("d", "p", Some(Duration::from_millis(ms)), None);
        }
        stats.record("d", "p", None, Some("unavailable"));
        stats.record("d", "p", Some(Duration::from_millis(5)), Some("trap"));
        let s = stats.snapshot("d", "p");
        assert_eq!(s.calls, 102);
        assert_eq!(s.p50_ms, Some(50.0));
        assert_eq!(s.p99_ms, Some(99.0));
        assert_eq!(s.failures.get("trap"), Some(&1));
        assert_eq!(s.failures.get("unavailable"), Some(&1));
        assert_eq!((s.recent_calls, s.recent_failures), (100, 2));
        assert_eq!(stats.snapshot("d", "other"), CallSnapshot::default());
    }
}
