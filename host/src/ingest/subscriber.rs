//! Subscriber connections to the broker (rumqttc). Each one subscribes to
//! the uplink topics of every district at QoS 1 with manual acks, hands
//! each uplink to the pipeline, and reconnects with backoff when the
//! broker goes away. Acks go back through the same client once the
//! pipeline has stored the uplink.

use crate::metrics::Metrics;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// First wait after a lost connection; doubled up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Largest packet the client reads; the pipeline applies the real limit.
const MAX_PACKET_BYTES: usize = 1 << 20;

/// One uplink as received, with the connection that must acknowledge it.
pub(super) struct Delivery {
    pub(super) publish: Publish,
    pub(super) connection: usize,
    pub(super) received_at: i64,
}

/// Where and how to subscribe.
#[derive(Clone)]
pub(super) struct SubscriberSettings {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) client_id: String,
    pub(super) connections: u16,
    pub(super) persistent_session: bool,
    pub(super) filters: Vec<String>,
    pub(super) inflight: u16,
}

/// The uplink topic filter of `district`, shared between connections when
/// there are several.
pub(super) fn filter(district: &str, share_group: Option<&str>) -> String {
    match share_group {
        Some(group) => format!("$share/{group}/plaza/{district}/up/#"),
        None => format!("plaza/{district}/up/#"),
    }
}

/// Starts every connection; returns their clients (for acks) and tasks.
pub(super) fn start(
    settings: &SubscriberSettings,
    to_pipeline: mpsc::Sender<Delivery>,
    metrics: Arc<Metrics>,
    shutdown: watch::Receiver<bool>,
) -> (Vec<AsyncClient>, Vec<tokio::task::JoinHandle<()>>) {
    let mut clients = Vec::new();
    let mut tasks = Vec::new();
    for index in 0..usize::from(settings.connections) {
        let id = format!("{}-{index}", settings.client_id);
        let mut options = MqttOptions::new(id, settings.host.clone(), settings.port);
        options
            .set_keep_alive(Duration::from_secs(15))
            .set_clean_session(!settings.persistent_session)
            .set_manual_acks(true)
            .set_inflight(settings.inflight)
            .set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES);
        // Every acknowledgement waits in this queue until the event loop
        // sends it; it must hold all the broker keeps in flight to us.
        let (client, mut eventloop) = AsyncClient::new(options, 65_536);
        eventloop.set_network_options(no_delay());
        clients.push(client.clone());
        let connection = Connection {
            index,
            client,
            filters: settings.filters.clone(),
            to_pipeline: to_pipeline.clone(),
            metrics: metrics.clone(),
        };
        tasks.push(tokio::spawn(connection.run(eventloop, shutdown.clone())));
    }
    (clients, tasks)
}

struct Connection {
    index: usize,
    client: AsyncClient,
    filters: Vec<String>,
    to_pipeline: mpsc::Sender<Delivery>,
    metrics: Arc<Metrics>,
}

impl Connection {
    async fn run(self, mut eventloop: rumqttc::EventLoop, mut shutdown: watch::Receiver<bool>) {
        let ingest = &self.metrics.ingest;
        let mut backoff = FIRST_BACKOFF;
        let mut connected = false;
        loop {
            let event = tokio::select! {
                _ = shutdown.changed() => break,
                event = eventloop.poll() => event,
            };
            match event {
                Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                    connected = true;
                    backoff = FIRST_BACKOFF;
                    ingest.connections.inc();
                    ingest.connected.inc();
                    tracing::info!(
                        connection = self.index,
                        session_present = ack.session_present,
                        "connected to the MQTT broker"
                    );
                    // Subscribe again on every connection: a restarted
                    // broker may have lost the session.
                    let topics = self.filters.iter().map(|f| rumqttc::SubscribeFilter {
                        path: f.clone(),
                        qos: QoS::AtLeastOnce,
                    });
                    if let Err(e) = self.client.try_subscribe_many(topics) {
                        tracing::warn!(connection = self.index, error = %e,
                            "failed to queue the uplink subscription");
                    }
                }
                Ok(Event::Incoming(Packet::SubAck(_))) => {
                    ingest.subscriptions.inc();
                }
                Ok(Event::Incoming(Packet::Publish(publish))) => {
                    ingest.received.inc();
                    let delivery = Delivery {
                        publish,
                        connection: self.index,
                        received_at: chrono::Utc::now().timestamp_millis(),
                    };
                    if self.to_pipeline.send(delivery).await.is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    if connected {
                        connected = false;
                        ingest.connected.dec();
                        ingest.disconnects.inc();
                        tracing::warn!(connection = self.index, error = %error,
                            "lost the MQTT broker; reconnecting");
                    } else if backoff == FIRST_BACKOFF || backoff == MAX_BACKOFF {
                        // The first failure of a run, then one line per
                        // capped interval: never a flood.
                        tracing::warn!(connection = self.index, error = %error,
                            retry_ms = backoff.as_millis() as u64,
                            "cannot reach the MQTT broker; retrying");
                    }
                    tokio::select! {
                        _ = shutdown.changed() => break,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        if connected {
            ingest.connected.dec();
        }
        let _ = self.client.try_disconnect();
    }
}

/// Sends small packets (acknowledgements) at once. With Nagle's algorithm
/// an ack waits for the peer's delayed TCP ack, and a broker that keeps
/// only a few messages in flight per client then idles for tens of
/// milliseconds per batch.
pub(super) fn no_delay() -> rumqttc::NetworkOptions {
    let mut network = rumqttc::NetworkOptions::new();
    network.set_tcp_nodelay(true);
    network
}
