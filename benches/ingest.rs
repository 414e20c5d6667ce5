//! Sustained device ingest through an external broker, against a raw
//! baseline taken in the same run through the same broker.
//!
//! 1. Baseline: a publisher keeps up to 1000 QoS 1 messages in flight to
//!    the broker; subscriber connections (as many as Plaza uses, sharing
//!    one subscription) take them at QoS 1. Measured: messages received
//!    per second.
//! 2. Plaza: the simulator publishes the Jiefangbei devices' uplinks at
//!    rising offered rates, `PLAZA_BENCH_SECONDS` (default 5) each; Plaza
//!    decodes them with the reference decoder plugins, stores them in
//!    SQLite and acknowledges them. A step passes when every uplink is
//!    stored and acknowledged; the steps stop at the first that loses
//!    some (the broker drops what a slow subscriber leaves queued past
//!    its limit). Measured: the best rate, over the passing steps, of
//!    uplinks acknowledged after being stored, from the first publish to
//!    the last acknowledgement; above Plaza's capacity the broker's queue
//!    holds the excess, so that rate is the capacity.
//!
//! `PLAZA_BENCH_MQTT_URL` (default `mqtt://127.0.0.1:1883`) names the
//! broker, `PLAZA_BENCH_MESSAGES` (default 200000) the baseline's messages,
//! `PLAZA_BENCH_CONNECTIONS` (default 32) the subscriber connections;
//! `RUST_LOG` turns Plaza's logs on.

use plaza::ingest::simulator::{self, SimOptions};
use plaza::server::{ServeOptions, start};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Offered rates, tried in turn until Plaza no longer keeps up.
const RATES: [u32; 9] = [
    5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000,
];

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if std::env::var_os("RUST_LOG").is_some() {
        plaza::telemetry::init(plaza::telemetry::LogFormat::Human);
    }
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(bench());
}

async fn bench() {
    let url =
        std::env::var("PLAZA_BENCH_MQTT_URL").unwrap_or_else(|_| "mqtt://127.0.0.1:1883".into());
    let messages: u64 = env_or("PLAZA_BENCH_MESSAGES", 200_000);
    let connections: u16 = env_or("PLAZA_BENCH_CONNECTIONS", 32);
    let (host, port) = plaza::config::parse_mqtt_url(&url).expect("a broker URL");
    let tag = format!("bench{}", std::process::id());
    println!("broker {url}, {connections} subscriber connections");

    let baseline = raw_baseline(&host, port, &tag, messages, connections).await;
    println!(
        "raw publish -> subscribe, QoS 1:           {:>9.0} msg/s",
        baseline
    );
    let plaza = plaza_ingest(&url, &host, port, &tag, connections).await;
    println!(
        "plaza ingest (decode, store, ack), SQLite: {:>9.0} msg/s sustained",
        plaza
    );
    println!("ratio plaza / raw: {:.2}", plaza / baseline);
}

/// Messages per second from one publisher to `connections` subscribers
/// sharing a subscription, QoS 1 both ways.
async fn raw_baseline(host: &str, port: u16, tag: &str, n: u64, connections: u16) -> f64 {
    let topic = format!("plaza/{tag}-raw/up/device");
    let filter = format!("$share/{tag}/plaza/{tag}-raw/up/#");
    let received = Arc::new(AtomicU64::new(0));
    let mut subscribers = Vec::new();
    for i in 0..connections {
        let mut options = MqttOptions::new(format!("{tag}-raw-sub-{i}"), host, port);
        options
            .set_inflight(1000)
            .set_keep_alive(Duration::from_secs(30));
        let (client, mut eventloop) = AsyncClient::new(options, 10_000);
        client
            .subscribe(filter.clone(), QoS::AtLeastOnce)
            .await
            .unwrap();
        let received = received.clone();
        subscribers.push(tokio::spawn(async move {
            let _client = client;
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::Publish(_))) => {
                        received.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut options = MqttOptions::new(format!("{tag}-raw-pub"), host, port);
    options.set_inflight(1000);
    let (client, mut eventloop) = AsyncClient::new(options, 10_000);
    let publisher = tokio::spawn(async move {
        loop {
            if eventloop.poll().await.is_err() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    });
    let payload = br#"{"seq":1733200000000,"type":"people","in":4,"out":2,"battery":80}"#;
    let started = Instant::now();
    let sender = tokio::spawn(async move {
        for _ in 0..n {
            client
                .publish(topic.clone(), QoS::AtLeastOnce, false, payload.to_vec())
                .await
                .unwrap();
        }
        client
    });
    while received.load(Ordering::Relaxed) < n {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "baseline stalled"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    let _client = sender.await;
    publisher.abort();
    for s in subscribers {
        s.abort();
    }
    rate
}

/// Uplinks per second the simulator publishes and Plaza acknowledges
/// after storing them.
async fn plaza_ingest(url: &str, host: &str, port: u16, tag: &str, connections: u16) -> f64 {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().expect("a temp dir");
    let devices = root.join("config/districts/jiefangbei/devices.toml");
    std::fs::copy(&devices, dir.path().join("devices.toml")).expect("the device file");
    let plugins = std::path::Path::new(env!("PLAZA_PLUGIN_DIR"));
    let district = format!("{tag}-plaza");
    let config = format!(
        r#"
[mqtt]
url = "{url}"
client_id = "{tag}"
connections = {connections}
persistent_session = false

[[district]]
id = "{district}"
name = "Benchmark district"
devices = "devices.toml"

[[district.plugin]]
id = "decoder-json"
kind = "decoder"
path = "{json}"

[[district.plugin]]
id = "decoder-compact"
kind = "decoder"
path = "{compact}"
"#,
        json = plugins.join("decoder_json.wasm").display(),
        compact = plugins.join("decoder_compact.wasm").display(),
    );
    let file = dir.path().join("plaza.toml");
    std::fs::write(&file, config).expect("the config");
    let server = start(ServeOptions {
        config: file.clone(),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().join("data")),
        ..Default::default()
    })
    .await
    .expect("plaza starts");
    let loaded = plaza::config::load(&file).expect("the config loads");
    let devices = simulator::devices_of(&loaded.districts[0]).expect("devices");
    let ingest = &server.plaza.metrics.ingest;
    let seconds: u64 = env_or("PLAZA_BENCH_SECONDS", 5);
    let mut best = 0.0_f64;
    for (step, rate) in RATES.iter().enumerate() {
        let n = u64::from(*rate) * seconds;
        let options = SimOptions {
            district: district.clone(),
            devices: devices.clone(),
            host: host.to_owned(),
            port,
            rate: *rate,
            duration: None,
            count: Some(n),
            utc_offset_minutes: 480,
            client_id: format!("{tag}-simulator-{step}"),
        };
        let before = ingest.acknowledged.get();
        let started = Instant::now();
        let sim = tokio::spawn(simulator::run(options, |_| {}));
        // Done when all are acknowledged; given up when nothing moved for
        // 3 s after the simulator finished (the broker dropped what Plaza
        // could not take in time).
        let mut seen = (0, Instant::now());
        let done = loop {
            let acked = ingest.acknowledged.get() - before;
            if acked >= n {
                break acked;
            }
            if acked != seen.0 {
                seen = (acked, Instant::now());
            } else if sim.is_finished() && seen.1.elapsed() > Duration::from_secs(3) {
                break acked;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        let elapsed = started.elapsed();
        let _ = sim.await;
        let achieved = done as f64 / elapsed.as_secs_f64();
        println!(
            "  offered {rate:>6} msg/s for {seconds} s: {done:>7} of {n} stored and \
             acknowledged, {achieved:>7.0} msg/s"
        );
        if done < n {
            break;
        }
        best = best.max(achieved);
    }
    let rendered = server.plaza.metrics.render();
    assert!(
        !rendered.contains("plaza_ingest_rejected_total{"),
        "the simulator's uplinks were refused"
    );
    assert_eq!(
        ingest.readings.get(),
        ingest.acknowledged.get(),
        "every acknowledged uplink stored once"
    );
    server.shutdown().await.expect("plaza stops");
    best
}
