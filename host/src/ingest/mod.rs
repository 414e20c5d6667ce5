//! Device ingest over MQTT: uplinks from parking sensors, footfall and
//! vehicle counters and energy meters become stored readings.
//!
//! ```text
//! broker ──▶ subscriber ──▶ pipeline: check ─▶ decode (plugin) ─▶ store ─▶ ack
//!                                        └──────▶ dead letters ──┘
//! ```
//!
//! - `broker`: the embedded broker `plaza serve` runs unless `[mqtt] url`
//!   names an external one.
//! - `subscriber`: QoS 1 subscriber connections with manual acks and
//!   reconnection with backoff.
//! - `pipeline`: batching, decoding through the districts' decoder
//!   plugins, storing, then acknowledging.
//! - `directory`: the registered devices, by district and id.
//! - `rejects`: why uplinks are refused, and rate-limited warnings.
//! - `simulator`: realistic device traffic for demos, tests and benchmarks.
//!
//! Ingest knows no HTTP; it writes through [`crate::storage`] and reads
//! plugins from the [`Registry`].

mod broker;
mod directory;
mod pipeline;
mod rejects;
pub mod simulator;
mod subscriber;

pub use broker::EmbeddedBroker;
pub use directory::{
    DeviceDirectory, Devices, KnownDevice, record as device_record, records as device_records,
};
pub use rejects::RejectReason;

use crate::config::MqttConfig;
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::runtime::Runtime;
use crate::storage::Storage;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// How long start-up waits for the broker to confirm the subscription.
const SUBSCRIBE_WAIT: Duration = Duration::from_secs(5);

/// Why ingest could not start.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// `[mqtt] url` is not usable.
    #[error("invalid MQTT broker URL: {0}")]
    BadUrl(String),
    /// The embedded broker did not start.
    #[error("failed to start the embedded MQTT broker: {0:#}")]
    Broker(anyhow::Error),
    /// The device registry could not be read.
    #[error("failed to load devices: {0}")]
    Devices(#[from] crate::storage::StorageError),
}

/// Running ingest: the broker (if embedded), subscribers and pipeline.
pub struct Ingest {
    broker_host: String,
    broker_port: u16,
    embedded: bool,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// What ingest reads from and writes to.
pub struct IngestParts {
    /// Plugins, for decoders.
    pub runtime: Arc<Runtime>,
    /// Districts and their decoder plugins.
    pub registry: Arc<Registry>,
    /// Where readings go.
    pub storage: Storage,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// The registered devices, as the admin API leaves them.
    pub devices: Devices,
    /// Receives every newly stored batch of readings, once stored, for
    /// services that follow the devices (parking availability).
    pub observer: Option<tokio::sync::mpsc::Sender<Vec<crate::storage::NewReading>>>,
}

impl Ingest {
    /// Starts the embedded broker (unless `config.url` names one), the
    /// subscribers and the pipeline.
    pub async fn start(config: &MqttConfig, parts: IngestParts) -> Result<Self, IngestError> {
        let (host, port, embedded) = match config.external() {
            Some(Ok((host, port))) => (host, port, false),
            Some(Err(why)) => return Err(IngestError::BadUrl(why)),
            None => {
                let listen = config.listen;
                let broker = tokio::task::spawn_blocking(move || EmbeddedBroker::start(listen))
                    .await
                    .map_err(|e| IngestError::Broker(e.into()))?
                    .map_err(IngestError::Broker)?;
                (broker.addr.ip().to_string(), broker.addr.port(), true)
            }
        };
        let devices = parts.devices;
        let share = (config.connections > 1).then_some(config.client_id.as_str());
        let filters = parts
            .registry
            .districts()
            .map(|d| subscriber::filter(&d.id, share))
            .collect();
        let settings = subscriber::SubscriberSettings {
            host: host.clone(),
            port,
            client_id: config.client_id.clone(),
            connections: config.connections,
            persistent_session: config.persistent_session,
            filters,
            inflight: 1000,
        };
        let (shutdown, signal) = watch::channel(false);
        let (to_pipeline, from_subscribers) = mpsc::channel(config.batch_max * 4);
        let (clients, mut tasks) = subscriber::start(
            &settings,
            to_pipeline,
            parts.metrics.clone(),
            signal.clone(),
        );
        let pipeline = pipeline::Pipeline {
            runtime: parts.runtime,
            registry: parts.registry,
            devices: devices.clone(),
            readings: parts.storage.readings(),
            metrics: parts.metrics,
            max_payload_bytes: config.max_payload_bytes,
            batch_max: config.batch_max,
            dead_letter_capacity: config.dead_letter_capacity,
            warn: rejects::RateLimitedWarn::new(Duration::from_secs(10)),
            observer: parts.observer,
        };
        let metrics = pipeline.metrics.clone();
        tasks.push(tokio::spawn(pipeline.run(
            from_subscribers,
            clients,
            signal,
        )));
        // Uplinks published before the broker confirms the subscription
        // would go nowhere: wait for it, but do not hold start-up hostage
        // to a broker that is down (the subscribers keep retrying).
        let wanted = u64::from(config.connections);
        let waited = tokio::time::Instant::now();
        while metrics.ingest.subscriptions.get() < wanted {
            if waited.elapsed() > SUBSCRIBE_WAIT {
                tracing::warn!("the MQTT broker has not confirmed the subscription yet");
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tracing::info!(broker = %format!("{host}:{port}"), embedded, devices = devices.current().len(),
            connections = config.connections, "device ingest started");
        Ok(Self {
            broker_host: host,
            broker_port: port,
            embedded,
            shutdown,
            tasks,
        })
    }

    /// `mqtt://host:port` of the broker devices publish to.
    pub fn broker_url(&self) -> String {
        format!("mqtt://{}:{}", self.broker_host, self.broker_port)
    }

    /// Whether the broker is the embedded one.
    pub fn is_embedded(&self) -> bool {
        self.embedded
    }

    /// Stops taking uplinks; what is unacknowledged is delivered again by
    /// the broker later.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
