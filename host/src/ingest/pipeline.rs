//! The ingest pipeline, in two stages that overlap:
//!
//! 1. `decode`: take what has arrived (up to `batch_max` uplinks), check
//!    topic, size and device, and run each district's decoder plugins
//!    over their uplinks; refused ones become dead letters.
//! 2. `store`: write the readings, rollups and dead letters of the batch,
//!    and of any decoded meanwhile, in one transaction, retrying until it succeeds, then acknowledge every
//!    uplink of the batch to the broker, in the order they arrived.
//!
//! So an uplink is acknowledged only once it is stored (or set aside),
//! and a failing database holds acks back instead of losing data.
//!
//! Throughput is about connections × in-flight window / (receipt to
//! acknowledgement), so the store stage coalesces: a commit costs about
//! the same for one uplink as for hundreds (figures in
//! `benches/README.md`).

use super::directory::Devices;
use super::rejects::{RateLimitedWarn, RejectReason};
use super::subscriber::Delivery;
use crate::config::DeviceKind;
use crate::metrics::{Metrics, RejectLabels};
use crate::registry::Registry;
use crate::runtime::{self, DecodeError, Measurement, Runtime, Uplink};
use crate::storage::KEPT_PAYLOAD_BYTES;
use crate::storage::{NewDeadLetter, NewReading, ReadingStore, ReadingValue};
use rumqttc::AsyncClient;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Decoded batches that may wait for the store stage; it takes them all
/// into its next transaction.
const STORE_QUEUE: usize = 16;

/// First wait before storing a failed batch again.
const STORE_RETRY: Duration = Duration::from_millis(200);

/// What the pipeline needs.
pub(super) struct Pipeline {
    pub(super) runtime: Arc<Runtime>,
    pub(super) registry: Arc<Registry>,
    pub(super) devices: Devices,
    pub(super) readings: ReadingStore,
    pub(super) metrics: Arc<Metrics>,
    pub(super) max_payload_bytes: usize,
    pub(super) batch_max: usize,
    pub(super) dead_letter_capacity: u64,
    pub(super) warn: RateLimitedWarn,
    pub(super) observer: Option<mpsc::Sender<Vec<NewReading>>>,
}

/// A decoded batch, waiting to be stored and acknowledged.
struct Prepared {
    deliveries: Vec<Delivery>,
    readings: Vec<NewReading>,
    /// For each reading, the delivery it came from.
    origin: Vec<usize>,
    dead: Vec<NewDeadLetter>,
}

impl Prepared {
    /// Appends `later` to this batch, keeping arrival order.
    fn absorb(&mut self, later: Prepared) {
        let offset = self.deliveries.len();
        self.deliveries.extend(later.deliveries);
        self.readings.extend(later.readings);
        self.origin
            .extend(later.origin.into_iter().map(|i| i + offset));
        self.dead.extend(later.dead);
    }
}

impl Pipeline {
    /// Runs both stages until shutdown; the batch in hand is finished
    /// first.
    pub(super) async fn run(
        self,
        mut from_subscribers: mpsc::Receiver<Delivery>,
        clients: Vec<AsyncClient>,
        shutdown: watch::Receiver<bool>,
    ) {
        let this = Arc::new(self);
        let (to_store, mut stored) = mpsc::channel::<Prepared>(STORE_QUEUE);
        let storer = {
            let this = this.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                while let Some(mut batch) = stored.recv().await {
                    // Everything decoded while the last batch was being
                    // stored goes into one transaction: a commit costs
                    // about the same for one uplink as for hundreds.
                    while batch.deliveries.len() < this.batch_max {
                        match stored.try_recv() {
                            Ok(more) => batch.absorb(more),
                            Err(_) => break,
                        }
                    }
                    let started = std::time::Instant::now();
                    if !this.store(&batch, &shutdown).await {
                        break;
                    }
                    this.acknowledge(&batch.deliveries, &clients).await;
                    tracing::trace!(
                        uplinks = batch.deliveries.len(),
                        store_us = started.elapsed().as_micros() as u64,
                        since_receipt_ms = since(&batch.deliveries),
                        "batch stored"
                    );
                }
            })
        };
        let mut shutdown = shutdown;
        loop {
            let first = tokio::select! {
                _ = shutdown.changed() => break,
                first = from_subscribers.recv() => first,
            };
            let Some(first) = first else { break };
            let mut deliveries = vec![first];
            while deliveries.len() < this.batch_max {
                match from_subscribers.try_recv() {
                    Ok(next) => deliveries.push(next),
                    Err(_) => break,
                }
            }
            let started = std::time::Instant::now();
            let waited_ms = since(&deliveries);
            let prepared = this.decode(deliveries).await;
            tracing::trace!(
                uplinks = prepared.deliveries.len(),
                waited_ms,
                decode_us = started.elapsed().as_micros() as u64,
                "batch decoded"
            );
            if to_store.send(prepared).await.is_err() {
                break;
            }
        }
        drop(to_store);
        let _ = storer.await;
    }

    /// Stage 1: checks and decodes a batch.
    async fn decode(&self, deliveries: Vec<Delivery>) -> Prepared {
        let mut prepared = Prepared {
            deliveries: Vec::new(),
            readings: Vec::new(),
            origin: Vec::new(),
            dead: Vec::new(),
        };
        let devices = self.devices.current();
        // Uplinks grouped by (district, decoder), each with its delivery.
        let mut groups: BTreeMap<(String, String), Vec<(usize, Uplink)>> = BTreeMap::new();
        for (i, delivery) in deliveries.iter().enumerate() {
            let topic = match parse_topic(&delivery.publish.topic) {
                Ok(topic) => topic,
                Err((district, device, why)) => {
                    self.refuse(
                        &mut prepared,
                        delivery,
                        &district,
                        &device,
                        RejectReason::BadTopic,
                        why,
                    );
                    continue;
                }
            };
            let payload = &delivery.publish.payload;
            if payload.len() > self.max_payload_bytes {
                let why = format!(
                    "payload of {} bytes is over the {} byte limit",
                    payload.len(),
                    self.max_payload_bytes
                );
                self.refuse(
                    &mut prepared,
                    delivery,
                    topic.district,
                    topic.device,
                    RejectReason::Oversized,
                    why,
                );
                continue;
            }
            let Some(device) = devices.get(topic.district, topic.device) else {
                let why = format!(
                    "district {:?} has no device {:?}",
                    topic.district, topic.device
                );
                self.refuse(
                    &mut prepared,
                    delivery,
                    topic.district,
                    topic.device,
                    RejectReason::UnknownDevice,
                    why,
                );
                continue;
            };
            let uplink = Uplink {
                bytes: payload.to_vec(),
                fport: topic.fport,
                received_at: delivery.received_at,
                device: device.decoder_view.clone(),
            };
            let key = (topic.district.to_owned(), device.record.decoder.clone());
            groups.entry(key).or_default().push((i, uplink));
        }

        for ((district, decoder), group) in groups {
            let plugin = self
                .registry
                .district(&district)
                .and_then(|d| d.plugin(&decoder));
            let Some(plugin) = plugin else {
                for (i, _) in &group {
                    let why = format!("decoder plugin {decoder:?} is not loaded");
                    let device = device_of(&deliveries[*i]);
                    self.refuse(
                        &mut prepared,
                        &deliveries[*i],
                        &district,
                        &device,
                        RejectReason::DecoderFailed,
                        why,
                    );
                }
                continue;
            };
            let (indices, uplinks): (Vec<usize>, Vec<Uplink>) = group.into_iter().unzip();
            let outcomes = runtime::decode_batch(&self.runtime, &plugin, &uplinks).await;
            for ((&i, uplink), outcome) in indices.iter().zip(&uplinks).zip(outcomes) {
                let delivery = &deliveries[i];
                let device_id = uplink.device.id.as_str();
                let known = devices.get(&district, device_id).expect("looked up above");
                let decoded = match outcome {
                    Err(e) => {
                        let why = e.failure.to_string();
                        self.refuse(
                            &mut prepared,
                            delivery,
                            &district,
                            device_id,
                            RejectReason::DecoderFailed,
                            why,
                        );
                        continue;
                    }
                    Ok(Err(DecodeError::Malformed(why))) => {
                        self.refuse(
                            &mut prepared,
                            delivery,
                            &district,
                            device_id,
                            RejectReason::Malformed,
                            why,
                        );
                        continue;
                    }
                    Ok(Err(DecodeError::Rejected(why))) => {
                        self.refuse(
                            &mut prepared,
                            delivery,
                            &district,
                            device_id,
                            RejectReason::DecoderError,
                            why,
                        );
                        continue;
                    }
                    Ok(Ok(decoded)) => decoded,
                };
                let Ok(seq) = i64::try_from(decoded.sequence) else {
                    let why = format!("sequence {} is out of range", decoded.sequence);
                    self.refuse(
                        &mut prepared,
                        delivery,
                        &district,
                        device_id,
                        RejectReason::DecoderError,
                        why,
                    );
                    continue;
                };
                let mut readings = Vec::with_capacity(decoded.readings.len());
                let mut wrong = None;
                for (idx, reading) in decoded.readings.iter().enumerate() {
                    let value = value_of(&reading.measurement);
                    if !fits(known.kind, &value) {
                        wrong = Some(format!(
                            "decoder returned a {} reading for a {}",
                            value.kind(),
                            known.kind.as_str()
                        ));
                        break;
                    }
                    readings.push(NewReading {
                        district: district.clone(),
                        device: device_id.to_owned(),
                        seq,
                        idx: idx as i64,
                        target: known.record.observes.clone(),
                        car_park: known.record.car_park.clone(),
                        at: reading.at.unwrap_or(delivery.received_at),
                        received_at: delivery.received_at,
                        value,
                    });
                }
                if let Some(why) = wrong {
                    self.refuse(
                        &mut prepared,
                        delivery,
                        &district,
                        device_id,
                        RejectReason::DecoderError,
                        why,
                    );
                    continue;
                }
                if !decoded.warnings.is_empty() {
                    self.metrics
                        .ingest
                        .warnings
                        .inc_by(decoded.warnings.len() as u64);
                    tracing::debug!(district = %district, device = device_id,
                        warnings = ?decoded.warnings, "decoder warnings");
                }
                prepared
                    .origin
                    .extend(std::iter::repeat_n(i, readings.len()));
                prepared.readings.extend(readings);
            }
        }
        prepared.deliveries = deliveries;
        prepared
    }

    fn refuse(
        &self,
        prepared: &mut Prepared,
        delivery: &Delivery,
        district: &str,
        device: &str,
        reason: RejectReason,
        detail: String,
    ) {
        self.metrics
            .ingest
            .rejected
            .get_or_create(&RejectLabels {
                district: district.to_owned(),
                reason: reason.code().to_owned(),
            })
            .inc();
        self.warn.warn(district, device, reason, &detail);
        let payload = &delivery.publish.payload;
        prepared.dead.push(NewDeadLetter {
            district: district.to_owned(),
            device: device.to_owned(),
            reason: reason.code(),
            detail,
            payload: payload[..payload.len().min(KEPT_PAYLOAD_BYTES)].to_vec(),
            payload_bytes: payload.len(),
            received_at: delivery.received_at,
        });
    }

    /// Stage 2: stores a batch, retrying with backoff until it is stored.
    /// False when shutdown came first (the batch stays unacknowledged and
    /// the broker delivers it again).
    async fn store(&self, batch: &Prepared, shutdown: &watch::Receiver<bool>) -> bool {
        let mut wait = STORE_RETRY;
        loop {
            let result = self
                .readings
                .store_batch(&batch.readings, &batch.dead, self.dead_letter_capacity)
                .await;
            match result {
                Ok(outcome) => {
                    let ingest = &self.metrics.ingest;
                    let new = outcome.inserted.iter().filter(|n| **n).count();
                    ingest.readings.inc_by(new as u64);
                    // An uplink none of whose readings was new is a
                    // duplicate delivery.
                    let mut fresh = vec![false; batch.deliveries.len()];
                    let mut carried = vec![false; batch.deliveries.len()];
                    for (origin, is_new) in batch.origin.iter().zip(&outcome.inserted) {
                        carried[*origin] = true;
                        fresh[*origin] |= *is_new;
                    }
                    let duplicates = carried.iter().zip(&fresh).filter(|(c, f)| **c && !**f);
                    ingest.duplicates.inc_by(duplicates.count() as u64);
                    if let Some(observer) = &self.observer {
                        let stored: Vec<NewReading> = batch
                            .readings
                            .iter()
                            .zip(&outcome.inserted)
                            .filter(|(_, new)| **new)
                            .map(|(reading, _)| reading.clone())
                            .collect();
                        // Waits when the follower lags, so it never misses
                        // a reading; it is gone only when the server stops.
                        if !stored.is_empty() && observer.send(stored).await.is_err() {
                            tracing::debug!("reading follower gone");
                        }
                    }
                    return true;
                }
                Err(e) => {
                    self.metrics.ingest.store_retries.inc();
                    tracing::warn!(error = %e, uplinks = batch.deliveries.len(),
                        retry_ms = wait.as_millis() as u64,
                        "failed to store a batch of readings; retrying");
                    if *shutdown.borrow() {
                        return false;
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn acknowledge(&self, deliveries: &[Delivery], clients: &[AsyncClient]) {
        for delivery in deliveries {
            let client = &clients[delivery.connection];
            if let Err(e) = client.ack(&delivery.publish).await {
                tracing::debug!(error = %e, "failed to queue an acknowledgement");
                continue;
            }
            self.metrics.ingest.acknowledged.inc();
        }
    }
}

/// Milliseconds since the first of `deliveries` was received.
fn since(deliveries: &[Delivery]) -> i64 {
    let first = deliveries.first().map_or(0, |d| d.received_at);
    chrono::Utc::now().timestamp_millis() - first
}

/// The parts of `plaza/{district}/up/{device}[/{fport}]`.
struct Topic<'a> {
    district: &'a str,
    device: &'a str,
    fport: u8,
}

type TopicError = (String, String, String);

fn parse_topic(topic: &str) -> Result<Topic<'_>, TopicError> {
    let parts: Vec<&str> = topic.split('/').collect();
    let district = parts.get(1).copied().unwrap_or_default();
    let device = parts.get(3).copied().unwrap_or_default();
    let bad = |why: String| (district.to_owned(), device.to_owned(), why);
    match parts.as_slice() {
        ["plaza", district, "up", device] if !device.is_empty() => Ok(Topic {
            district,
            device,
            fport: 1,
        }),
        ["plaza", district, "up", device, port] if !device.is_empty() => match port.parse::<u8>() {
            Ok(fport) if fport > 0 => Ok(Topic {
                district,
                device,
                fport,
            }),
            _ => Err(bad(format!("port {port:?} is not a number 1-255"))),
        },
        _ => Err(bad("not plaza/{district}/up/{device}[/{port}]".to_owned())),
    }
}

fn device_of(delivery: &Delivery) -> String {
    delivery
        .publish
        .topic
        .split('/')
        .nth(3)
        .unwrap_or_default()
        .to_owned()
}

fn value_of(measurement: &Measurement) -> ReadingValue {
    match *measurement {
        Measurement::Space(occupied) => ReadingValue::Space(occupied),
        Measurement::People(flow) => ReadingValue::People {
            entered: flow.entered,
            exited: flow.exited,
        },
        Measurement::Vehicles(flow) => ReadingValue::Vehicles {
            entered: flow.entered,
            exited: flow.exited,
        },
        Measurement::EnergyKwh(kwh) => ReadingValue::EnergyKwh(kwh),
    }
}

/// Whether a device of `kind` can measure `value`.
fn fits(kind: DeviceKind, value: &ReadingValue) -> bool {
    matches!(
        (kind, value),
        (DeviceKind::ParkingSensor, ReadingValue::Space(_))
            | (DeviceKind::FootfallCounter, ReadingValue::People { .. })
            | (DeviceKind::VehicleCounter, ReadingValue::Vehicles { .. })
            | (DeviceKind::EnergyMeter, ReadingValue::EnergyKwh(_))
    )
}

#[cfg(test)]
mod tests {
    use super::{Delivery, Prepared, parse_topic};
    use crate::storage::{NewReading, ReadingValue};

    fn delivery(device: &str) -> Delivery {
        let topic = format!("plaza/d/up/{device}");
        Delivery {
            publish: rumqttc::Publish::new(topic, rumqttc::QoS::AtLeastOnce, Vec::new()),
            connection: 0,
            received_at: 0,
        }
    }

    fn reading(device: &str) -> NewReading {
        NewReading {
            district: "d".into(),
            device: device.into(),
            seq: 1,
            idx: 0,
            target: "t".into(),
            car_park: None,
            at: 0,
            received_at: 0,
            value: ReadingValue::EnergyKwh(1.0),
        }
    }

    #[test]
    fn absorbed_batches_keep_each_reading_tied_to_its_uplink() {
        let mut first = Prepared {
            deliveries: vec![delivery("a"), delivery("b")],
            readings: vec![reading("b")],
            origin: vec![1],
            dead: Vec::new(),
        };
        let second = Prepared {
            deliveries: vec![delivery("c"), delivery("d")],
            readings: vec![reading("c"), reading("d")],
            origin: vec![0, 1],
            dead: Vec::new(),
        };
        first.absorb(second);
        assert_eq!(first.deliveries.len(), 4);
        assert_eq!(first.origin, vec![1, 2, 3]);
        for (reading, origin) in first.readings.iter().zip(&first.origin) {
            let topic = &first.deliveries[*origin].publish.topic;
            assert!(
                topic.ends_with(&reading.device),
                "{topic} vs {}",
                reading.device
            );
        }
    }

    #[test]
    fn uplink_topics_name_district_device_and_port() {
        let t = parse_topic("plaza/jiefangbei/up/gate-1").ok().unwrap();
        assert_eq!((t.district, t.device, t.fport), ("jiefangbei", "gate-1", 1));
        let t = parse_topic("plaza/jiefangbei/up/gate-1/7").ok().unwrap();
        assert_eq!(t.fport, 7);
        assert!(parse_topic("plaza/jiefangbei/up/gate-1/0").is_err());
        assert!(parse_topic("plaza/jiefangbei/up/gate-1/x/y").is_err());
    }
}
