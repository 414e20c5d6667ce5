//! Prometheus metrics of one server: plugin calls, failures by reason,
//! call latency, HTTP requests, device ingest. Each server owns its
//! registry, so several servers in one process (as in the tests) never
//! mix their figures.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels naming one plugin.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PluginLabels {
    /// District id.
    pub district: String,
    /// Plugin id.
    pub plugin: String,
}

/// Labels naming one plugin and why a call failed.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FailureLabels {
    /// District id.
    pub district: String,
    /// Plugin id.
    pub plugin: String,
    /// Stable reason code: `timeout`, `memory`, `trap` ...
    pub reason: String,
}

/// Labels of an HTTP response.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    /// Route template, e.g. `/d/{district}/{plugin}`.
    pub route: String,
    /// Status code.
    pub status: u16,
}

/// Labels of a refused uplink.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RejectLabels {
    /// District named by the topic.
    pub district: String,
    /// Stable reason code: `oversized`, `unknown_device`, `malformed`,
    /// `decoder_error`, `decoder_failed`.
    pub reason: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Every metric the server exports.
pub struct Metrics {
    registry: Registry,
    /// Plugin calls, whatever their outcome.
    pub plugin_calls: Family<PluginLabels, Counter>,
    /// Plugin calls that failed, by reason.
    pub plugin_failures: Family<FailureLabels, Counter>,
    /// Wall-clock time of plugin calls, in seconds.
    pub plugin_call_seconds: HistogramFamily<PluginLabels>,
    /// HTTP responses by route and status.
    pub http_responses: Family<HttpLabels, Counter>,
    /// Events plugins published.
    pub events_published: Family<PluginLabels, Counter>,
    /// Circuit-breaker state per plugin: 0 closed, 1 open, 2 half-open.
    pub plugin_breaker_state: Family<PluginLabels, Gauge>,
    /// How often each plugin's breaker opened.
    pub plugin_breaker_trips: Family<PluginLabels, Counter>,
    /// Device uplinks, by what became of them.
    pub ingest: IngestMetrics,
    /// Per-plugin calls, failures and recent latencies, for the control
    /// centre.
    pub call_stats: crate::call_stats::CallStats,
}

/// Metrics of device ingest.
#[derive(Default)]
pub struct IngestMetrics {
    /// Uplinks received from the broker.
    pub received: Counter,
    /// Uplinks acknowledged to the broker after being stored.
    pub acknowledged: Counter,
    /// Readings stored.
    pub readings: Counter,
    /// Uplinks delivered again and not counted again.
    pub duplicates: Counter,
    /// Uplinks refused, by district and reason.
    pub rejected: Family<RejectLabels, Counter>,
    /// Decoder warnings.
    pub warnings: Counter,
    /// Times a subscriber connection to the broker was lost.
    pub disconnects: Counter,
    /// Times a subscriber connection was (re)established.
    pub connections: Counter,
    /// Subscriber connections up now.
    pub connected: Gauge,
    /// Subscriptions the broker confirmed (one per connection and
    /// connect).
    pub subscriptions: Counter,
    /// Batches that failed to store and were retried.
    pub store_retries: Counter,
}

fn latency_histogram() -> Histogram {
    // 50 µs .. ~3.3 s
    Histogram::new(exponential_buckets(0.000_05, 2.0, 17))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh registry with every metric at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("plaza");
        let plugin_calls = Family::default();
        let plugin_failures = Family::default();
        let plugin_call_seconds: HistogramFamily<PluginLabels> =
            Family::new_with_constructor(latency_histogram);
        let http_responses = Family::default();
        let events_published = Family::default();
        registry.register("plugin_calls", "Plugin calls", plugin_calls.clone());
        registry.register(
            "plugin_failures",
            "Failed plugin calls by reason",
            plugin_failures.clone(),
        );
        registry.register(
            "plugin_call_seconds",
            "Wall-clock time of plugin calls",
            plugin_call_seconds.clone(),
        );
        registry.register("http_responses", "HTTP responses", http_responses.clone());
        registry.register(
            "events_published",
            "Events published by plugins",
            events_published.clone(),
        );
        let plugin_breaker_state = Family::default();
        let plugin_breaker_trips = Family::default();
        registry.register(
            "plugin_breaker_state",
            "Circuit-breaker state: 0 closed, 1 open, 2 half-open",
            plugin_breaker_state.clone(),
        );
        registry.register(
            "plugin_breaker_trips",
            "Times a plugin's circuit breaker opened",
            plugin_breaker_trips.clone(),
        );
        let ingest = IngestMetrics::default();
        ingest.register(&mut registry);
        Self {
            registry,
            plugin_breaker_state,
            plugin_breaker_trips,
            plugin_calls,
            plugin_failures,
            plugin_call_seconds,
            http_responses,
            events_published,
            ingest,
            call_stats: Default::default(),
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl IngestMetrics {
    fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("ingest");
        r.register("received", "Device uplinks received", self.received.clone());
        r.register(
            "acknowledged",
            "Device uplinks acknowledged after being stored",
            self.acknowledged.clone(),
        );
        r.register("readings", "Readings stored", self.readings.clone());
        r.register(
            "duplicates",
            "Uplinks delivered again and not counted again",
            self.duplicates.clone(),
        );
        r.register(
            "rejected",
            "Uplinks refused, by reason",
            self.rejected.clone(),
        );
        r.register("warnings", "Decoder warnings", self.warnings.clone());
        r.register(
            "broker_disconnects",
            "Subscriber connections to the broker lost",
            self.disconnects.clone(),
        );
        r.register(
            "broker_connections",
            "Subscriber connections established",
            self.connections.clone(),
        );
        r.register(
            "broker_connected",
            "Subscriber connections up now",
            self.connected.clone(),
        );
        r.register(
            "broker_subscriptions",
            "Uplink subscriptions the broker confirmed",
            self.subscriptions.clone(),
        );
        r.register(
            "store_retries",
            "Batches that failed to store and were retried",
            self.store_retries.clone(),
        );
    }
}
