//! The embedded MQTT broker (rumqttd), so `plaza serve` needs nothing
//! else running. It runs on threads of its own, since its start blocks.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener};

/// Largest packet the embedded broker accepts. Plaza's own size limit on
/// uplinks is lower and applies after delivery, so an oversized uplink is
/// counted and dead-lettered instead of cutting the device off.
const MAX_PACKET_BYTES: usize = 256 << 10;
/// QoS 1 messages the broker keeps in flight to one client.
const MAX_INFLIGHT: usize = 1000;

/// A running embedded broker.
pub struct EmbeddedBroker {
    /// Where it accepts MQTT 3.1.1 connections.
    pub addr: SocketAddr,
}

impl EmbeddedBroker {
    /// Starts a broker on `listen` (port 0: a free port). Ingest start-up
    /// then waits for its subscription to be confirmed.
    pub fn start(listen: SocketAddr) -> anyhow::Result<Self> {
        // rumqttd binds inside its own thread and neither says where nor
        // whether it failed: bind here first, to learn a free port (for
        // port 0) and to fail clearly when the address is taken.
        let addr = TcpListener::bind(listen)
            .and_then(|probe| probe.local_addr())
            .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
        let config = broker_config(addr);
        std::thread::Builder::new()
            .name("mqtt-broker".into())
            .spawn(move || {
                let mut broker = rumqttd::Broker::new(config);
                if let Err(e) = broker.start() {
                    tracing::error!(error = %e, "embedded MQTT broker stopped");
                }
            })?;
        // FIXME: rumqttd has no way to stop a broker, so it lives until the
        // process exits; a stop handle upstream would let shutdown end it.
        tracing::info!(%addr, "embedded MQTT broker started");
        Ok(Self { addr })
    }
}

fn broker_config(addr: SocketAddr) -> rumqttd::Config {
    let connections = rumqttd::ConnectionSettings {
        connection_timeout_ms: 60_000,
        max_payload_size: MAX_PACKET_BYTES,
        max_inflight_count: MAX_INFLIGHT,
        auth: None,
        external_auth: None,
        dynamic_filters: true,
    };
    let server = rumqttd::ServerSettings {
        name: "plaza-v4".into(),
        listen: addr,
        tls: None,
        next_connection_delay_ms: 1,
        connections,
    };
    rumqttd::Config {
        id: 0,
        router: rumqttd::RouterConfig {
            max_connections: 10_000,
            max_outgoing_packet_count: 1000,
            max_segment_size: 16 << 20,
            max_segment_count: 8,
            ..Default::default()
        },
        v4: Some(HashMap::from([("plaza".to_owned(), server)])),
        ..Default::default()
    }
}
