//! A device simulator: publishes realistic uplinks for a district's
//! devices at a set rate, in the payload format of each device's decoder.
//!
//! Parking sensors flip between free and occupied towards an occupancy
//! that follows the time of day; footfall counters count people in and
//! out following a daily curve (lunch and evening peaks); vehicle
//! counters do the same at car-park gates; meters report energy used.
//! Messages go out at QoS 1 with many in flight; the report says how many
//! the broker acknowledged.

use crate::config::{DeviceKind, DistrictConfig};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The payload layouts the simulator can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadFormat {
    /// The reference JSON decoder's layout.
    Json,
    /// The reference compact binary decoder's layout.
    Compact,
}

/// One simulated device.
#[derive(Debug, Clone)]
pub struct SimDevice {
    /// Device id.
    pub id: String,
    /// What it is.
    pub kind: DeviceKind,
    /// How its payloads are written.
    pub format: PayloadFormat,
}

/// The devices of `district`, with the format of each one's decoder,
/// read from the decoder plugin's component file name.
pub fn devices_of(district: &DistrictConfig) -> anyhow::Result<Vec<SimDevice>> {
    let mut out = Vec::new();
    for d in &district.device_list {
        let plugin = district.plugins.iter().find(|p| p.id == d.decoder);
        let file = plugin
            .and_then(|p| p.path.file_stem())
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let format = match file {
            "decoder_json" => PayloadFormat::Json,
            "decoder_compact" => PayloadFormat::Compact,
            _ => anyhow::bail!(
                "device {:?} uses decoder {:?}, whose payload format the simulator does not \
                 know (it writes those of decoder_json and decoder_compact)",
                d.id,
                d.decoder
            ),
        };
        out.push(SimDevice {
            id: d.id.clone(),
            kind: d.kind,
            format,
        });
    }
    if out.is_empty() {
        anyhow::bail!("district {:?} has no devices to simulate", district.id);
    }
    Ok(out)
}

/// How to simulate.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// District id (the topic's second segment).
    pub district: String,
    /// Its devices.
    pub devices: Vec<SimDevice>,
    /// Broker host.
    pub host: String,
    /// Broker port.
    pub port: u16,
    /// Messages per second, all devices together.
    pub rate: u32,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Stop after this many messages.
    pub count: Option<u64>,
    /// The district's offset from UTC, for the daily curve.
    pub utc_offset_minutes: i32,
    /// MQTT client id.
    pub client_id: String,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimProgress {
    /// Messages handed to the client.
    pub sent: u64,
    /// Messages the broker acknowledged.
    pub acked: u64,
    /// Time since the start.
    pub elapsed: Duration,
}

/// Runs until `duration` or `count` is reached (or forever with neither),
/// calling `progress` about once a second, then waits for the broker's
/// acknowledgements (up to 30 s).
pub async fn run(
    options: SimOptions,
    mut progress: impl FnMut(SimProgress),
) -> anyhow::Result<SimProgress> {
    let mut mqtt = MqttOptions::new(&options.client_id, &options.host, options.port);
    mqtt.set_keep_alive(Duration::from_secs(15))
        .set_inflight(1000)
        .set_max_packet_size(1 << 20, 1 << 20);
    let (client, mut eventloop) = AsyncClient::new(mqtt, 10_000);
    let mut network = rumqttc::NetworkOptions::new();
    network.set_tcp_nodelay(true);
    eventloop.set_network_options(network);
    let acked = Arc::new(AtomicU64::new(0));
    let stopping = Arc::new(AtomicBool::new(false));
    let poller = {
        let acked = acked.clone();
        let stopping = stopping.clone();
        tokio::spawn(async move {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::PubAck(_))) => {
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(_) if stopping.load(Ordering::Relaxed) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "simulator lost the broker; retrying");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            }
        })
    };

    let started = Instant::now();
    let mut fleet = Fleet::new(&options);
    let tick = Duration::from_millis(10);
    let mut ticker = tokio::time::interval(tick);
    let mut sent = 0u64;
    let mut last_report = Instant::now();
    let snapshot = |sent: u64| SimProgress {
        sent,
        acked: acked.load(Ordering::Relaxed),
        elapsed: started.elapsed(),
    };
    loop {
        ticker.tick().await;
        let due = (started.elapsed().as_secs_f64() * f64::from(options.rate)) as u64;
        let due = options.count.map_or(due, |c| due.min(c));
        while sent < due {
            let (topic, payload) = fleet.next_message(&options);
            client
                .publish(topic, QoS::AtLeastOnce, false, payload)
                .await?;
            sent += 1;
        }
        if last_report.elapsed() >= Duration::from_secs(1) {
            last_report = Instant::now();
            progress(snapshot(sent));
        }
        let out_of_time = options.duration.is_some_and(|d| started.elapsed() >= d);
        let out_of_count = options.count.is_some_and(|c| sent >= c);
        if out_of_time || out_of_count {
            break;
        }
    }
    let waited = Instant::now();
    while acked.load(Ordering::Relaxed) < sent && waited.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let last = snapshot(sent);
    progress(last);
    stopping.store(true, Ordering::Relaxed);
    let _ = client.disconnect().await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    poller.abort();
    Ok(last)
}

/// The state of every simulated device.
struct Fleet {
    devices: Vec<DeviceState>,
    next: usize,
    rng: u64,
}

struct DeviceState {
    sim: SimDevice,
    topic: String,
    seq: u64,
    occupied: bool,
    /// People in through this entrance and not yet out again.
    inside: u32,
}

impl Fleet {
    fn new(options: &SimOptions) -> Self {
        // Counters start from the clock so a later run's messages are not
        // taken for redeliveries of an earlier run's.
        let base = chrono::Utc::now().timestamp_millis() as u64;
        let devices = options
            .devices
            .iter()
            .map(|d| DeviceState {
                sim: d.clone(),
                topic: format!("plaza/{}/up/{}", options.district, d.id),
                seq: base,
                occupied: false,
                inside: 0,
            })
            .collect();
        Self {
            devices,
            next: 0,
            rng: base | 1,
        }
    }

    /// A splitmix64 step: plenty for simulated noise.
    fn random(&mut self) -> f64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn next_message(&mut self, options: &SimOptions) -> (String, Vec<u8>) {
        let i = self.next;
        self.next = (self.next + 1) % self.devices.len();
        let busy = daily_curve(options.utc_offset_minutes);
        let r1 = self.random();
        let r2 = self.random();
        let r3 = self.random();
        let device = &mut self.devices[i];
        device.seq += 1;
        let battery = 20 + (r2 * 80.0) as u8;
        let measurement = match device.sim.kind {
            DeviceKind::ParkingSensor => {
                // A car arrives or leaves now and then, so occupancy drifts
                // towards a share that follows the day.
                let target = 0.15 + 0.8 * busy;
                let change = if device.occupied {
                    1.0 - target
                } else {
                    target
                };
                if r1 < change * 0.3 {
                    device.occupied = !device.occupied;
                }
                Sim::Space(device.occupied)
            }
            DeviceKind::FootfallCounter => {
                // People come as the day's curve says and leave in
                // proportion to those inside, so the district fills up
                // at peaks and empties at night but is never negative.
                let entered = round_at_random(r1 * 12.0 * busy, r3);
                let leaving = f64::from(device.inside) * 0.2 * r2;
                let exited = round_at_random(leaving, 1.0 - r3)
                    .min(u16::try_from(device.inside).unwrap_or(u16::MAX));
                device.inside = device.inside + u32::from(entered) - u32::from(exited);
                Sim::Flow(2, entered, exited)
            }
            DeviceKind::VehicleCounter => {
                let entered = round_at_random(r1 * 3.0 * busy, r3);
                let exited = round_at_random(r2 * 3.0 * busy, 1.0 - r3);
                Sim::Flow(3, entered, exited)
            }
            DeviceKind::EnergyMeter => Sim::Energy((200.0 + r1 * 800.0 * busy) as u32),
        };
        let payload = encode(device.sim.format, device.seq, battery, measurement);
        (device.topic.clone(), payload)
    }
}

enum Sim {
    Space(bool),
    Flow(u8, u16, u16),
    Energy(u32),
}

fn encode(format: PayloadFormat, seq: u64, battery: u8, m: Sim) -> Vec<u8> {
    match format {
        PayloadFormat::Json => {
            let body = match m {
                Sim::Space(occupied) => serde_json::json!({"type": "space", "occupied": occupied}),
                Sim::Flow(2, i, o) => serde_json::json!({"type": "people", "in": i, "out": o}),
                Sim::Flow(_, i, o) => serde_json::json!({"type": "vehicles", "in": i, "out": o}),
                Sim::Energy(wh) => {
                    serde_json::json!({"type": "energy", "kwh": f64::from(wh) / 1000.0})
                }
            };
            let mut body = body;
            body["seq"] = seq.into();
            body["battery"] = battery.into();
            body.to_string().into_bytes()
        }
        PayloadFormat::Compact => {
            let counter = seq as u32;
            let mut out = Vec::with_capacity(10);
            let (kind, tail): (u8, Vec<u8>) = match m {
                Sim::Space(occupied) => (1, vec![u8::from(occupied)]),
                Sim::Flow(kind, i, o) => (kind, [i.to_be_bytes(), o.to_be_bytes()].concat()),
                Sim::Energy(wh) => (4, wh.to_be_bytes().to_vec()),
            };
            out.push(kind);
            out.extend_from_slice(&counter.to_be_bytes());
            out.push(battery);
            out.extend_from_slice(&tail);
            out
        }
    }
}

/// `x` rounded up with the chance of its fraction (`r` uniform in 0..1),
/// so quiet hours still see the odd visitor rather than none at all.
fn round_at_random(x: f64, r: f64) -> u16 {
    let whole = x.floor();
    (whole + f64::from(u8::from(r < x - whole))) as u16
}

/// How busy a shopping district is at this local hour, 0.05 to 1: quiet
/// at night, a lunch peak and a higher evening peak.
pub fn daily_curve(utc_offset_minutes: i32) -> f64 {
    const BY_HOUR: [f64; 24] = [
        0.10, 0.06, 0.05, 0.05, 0.05, 0.06, 0.10, 0.20, 0.35, 0.45, 0.60, 0.75, 0.90, 0.85, 0.70,
        0.65, 0.70, 0.80, 0.95, 1.00, 0.95, 0.75, 0.45, 0.20,
    ];
    let now = chrono::Utc::now().timestamp() + i64::from(utc_offset_minutes) * 60;
    BY_HOUR[(now.rem_euclid(86_400) / 3600) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_payloads_follow_the_fixed_layout() {
        let p = encode(
            PayloadFormat::Compact,
            0x1_0000_0102,
            55,
            Sim::Flow(2, 3, 1),
        );
        assert_eq!(p, vec![2, 0, 0, 1, 2, 55, 0, 3, 0, 1]);
        let p = encode(PayloadFormat::Compact, 7, 90, Sim::Space(true));
        assert_eq!(p, vec![1, 0, 0, 0, 7, 90, 1]);
    }

    #[test]
    fn json_payloads_carry_sequence_and_measurement() {
        let p = encode(PayloadFormat::Json, 42, 80, Sim::Energy(1500));
        let v: serde_json::Value = serde_json::from_slice(&p).unwrap();
        assert_eq!(v["seq"], 42);
        assert_eq!(v["type"], "energy");
        assert_eq!(v["kwh"], 1.5);
    }
}
