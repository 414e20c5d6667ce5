//! The embedded MQTT broker (rumqttd), so `plaza serve` needs nothing
//! else running. It runs on threads of its own, since its start blocks.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Largest packet the embedded broker accepts. Plaza's own size limit on
/// uplinks is lower and applies after delivery, so an oversized uplink is
/// counted and dead-lettered instead of cutting the device off.
const MAX_PACKET_BYTES: usize = 256 << 10;
/// QoS 1 messages the broker keeps in flight to one client.
const MAX_INFLIGHT: usize = 1000;
/// How long start-up waits for the listener to accept connections.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A running embedded broker.
pub struct EmbeddedBroker {
    /// Where it accepts MQTT 3.1.1 connections.
    pub addr: SocketAddr,
}

impl EmbeddedBroker {
    /// Starts a broker on `listen` (port 0: a free port) and waits until
    /// it accepts connections.
    pub fn start(listen: SocketAddr) -> anyhow::Result<Self> {
        let addr = if listen.port() == 0 {
            // rumqttd binds inside its own thread and does not say where;
            // take a free port from the OS first.
            let probe = TcpListener::bind(listen)?;
            probe.local_addr()?
        } else {
            listen
        };
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
        let started = Instant::now();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if started.elapsed() > READY_TIMEOUT {
                anyhow::bail!("embedded MQTT broker did not start listening on {addr}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        tracing::info!(%addr, "embedded MQTT broker listening");
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
