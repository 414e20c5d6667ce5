//! The in-process event stream: what plugins publish through the `events`
//! interface, tagged with district and plugin, for any part of the host
//! that subscribes (MQTT bridge, control centre). Slow subscribers miss
//! events rather than hold up publishers.

use bytes::Bytes;
use std::sync::Arc;
use tokio::sync::broadcast;

/// How many events a subscriber may fall behind before it misses some.
const BACKLOG: usize = 1024;
/// Largest payload a plugin may publish.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// One published event.
#[derive(Debug, Clone)]
pub struct Event {
    /// District the publisher belongs to.
    pub district: Arc<str>,
    /// Plugin that published it.
    pub plugin: Arc<str>,
    /// Topic relative to the district, e.g. `promotions/started`.
    pub topic: String,
    /// The payload as the plugin sent it.
    pub payload: Bytes,
    /// When it was published, milliseconds since the Unix epoch.
    pub at_ms: i64,
}

/// A cheap handle to the stream; clone it freely.
#[derive(Clone)]
pub struct EventBus {
    sender: broadcast::Sender<Arc<Event>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus {
    /// A stream with no subscribers yet.
    pub fn new() -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
        }
    }

    /// Publishes an event to every current subscriber.
    pub fn publish(&self, event: Event) {
        // No subscriber is not an error: nobody is listening yet.
        let _ = self.sender.send(Arc::new(event));
    }

    /// Receives every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Event>> {
        self.sender.subscribe()
    }
}

/// Checks a topic: 1-8 segments of `a-z 0-9 - _ .`, no wildcards.
pub fn check_topic(topic: &str) -> Result<(), String> {
    let segments: Vec<&str> = topic.split('/').collect();
    let ok_segment = |s: &&str| {
        !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
    };
    if segments.len() > 8 || !segments.iter().all(ok_segment) {
        return Err(format!(
            "topic {topic:?} must be 1-8 '/'-separated segments of a-z, 0-9, '-', '_', '.'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_topic;

    #[test]
    fn topics_with_wildcards_or_empty_segments_are_refused() {
        assert!(check_topic("promotions/started").is_ok());
        assert!(check_topic("a/+/b").is_err());
        assert!(check_topic("a//b").is_err());
        assert!(check_topic("#").is_err());
        assert!(check_topic("").is_err());
    }
}
