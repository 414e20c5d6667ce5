//! `[mqtt]`: device ingest. By default Plaza runs its own broker; with
//! `url` it subscribes to an external one instead.

use serde::Deserialize;
use std::net::SocketAddr;

/// `[mqtt]`: where device uplinks arrive and how they are taken in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttConfig {
    /// Whether Plaza takes in device uplinks at all (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// An external broker, `mqtt://host:port`. When set, no embedded
    /// broker runs and Plaza subscribes to this one.
    pub url: Option<String>,
    /// Where the embedded broker listens (default `127.0.0.1:1884`; port
    /// 0 picks a free one).
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Prefix of Plaza's MQTT client ids (default `plaza`); replicas
    /// sharing a broker need distinct prefixes.
    #[serde(default = "default_client_id")]
    pub client_id: String,
    /// Subscriber connections (default 1). Above one they share the
    /// subscription, so the broker splits uplinks between them and more
    /// messages are in flight at once.
    #[serde(default = "one")]
    pub connections: u16,
    /// Keep the broker session while Plaza is down (default true), so
    /// uplinks sent meanwhile are delivered when it is back.
    #[serde(default = "yes")]
    pub persistent_session: bool,
    /// Largest uplink payload accepted, in bytes (default 2048); larger
    /// ones are dead-lettered as `oversized`.
    #[serde(default = "default_max_payload")]
    pub max_payload_bytes: usize,
    /// Most uplinks decoded and stored in one batch (default 2000).
    #[serde(default = "default_batch")]
    pub batch_max: usize,
    /// Dead letters kept; older ones are dropped (default 10000).
    #[serde(default = "default_dead_letters")]
    pub dead_letter_capacity: u64,
}

impl Default for MqttConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            url: None,
            listen: default_listen(),
            client_id: default_client_id(),
            connections: 1,
            persistent_session: true,
            max_payload_bytes: default_max_payload(),
            batch_max: default_batch(),
            dead_letter_capacity: default_dead_letters(),
        }
    }
}

impl MqttConfig {
    /// `(host, port)` of the external broker named by `url`, or why the
    /// URL is not usable.
    pub fn external(&self) -> Option<Result<(String, u16), String>> {
        self.url.as_deref().map(parse_url)
    }
}

/// Splits `mqtt://host:port` (port 1883 when absent).
pub fn parse_url(url: &str) -> Result<(String, u16), String> {
    let rest = url
        .strip_prefix("mqtt://")
        .or_else(|| url.strip_prefix("tcp://"))
        .ok_or_else(|| format!("{url:?} must start with mqtt://"))?;
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() || rest.contains('/') || rest.contains('@') {
        return Err(format!("{url:?} must be mqtt://host or mqtt://host:port"));
    }
    match rest.rsplit_once(':') {
        Some((host, port)) => {
            let port = port
                .parse::<u16>()
                .map_err(|_| format!("{url:?} has no valid port"))?;
            Ok((host.to_owned(), port))
        }
        None => Ok((rest.to_owned(), 1883)),
    }
}

fn yes() -> bool {
    true
}

fn one() -> u16 {
    1
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 1884))
}

fn default_client_id() -> String {
    "plaza".into()
}

fn default_max_payload() -> usize {
    2048
}

fn default_batch() -> usize {
    2000
}

fn default_dead_letters() -> u64 {
    10_000
}

#[cfg(test)]
mod tests {
    use super::parse_url;

    #[test]
    fn broker_urls_split_into_host_and_port() {
        assert_eq!(
            parse_url("mqtt://127.0.0.1:1883"),
            Ok(("127.0.0.1".into(), 1883))
        );
        assert_eq!(parse_url("mqtt://broker"), Ok(("broker".into(), 1883)));
        assert!(parse_url("http://broker:1883").is_err());
        assert!(parse_url("mqtt://broker:port").is_err());
    }
}
