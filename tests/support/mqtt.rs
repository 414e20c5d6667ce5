//! MQTT for tests: the external broker (Mosquitto) when
//! `PLAZA_TEST_MQTT_URL` is set, a publisher that waits for the broker's
//! acknowledgements, a broker process a test may stop and start, and
//! servers configured for ingest.

use super::TestServer;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The external broker tests may use, if any.
pub fn external_url() -> Option<String> {
    std::env::var("PLAZA_TEST_MQTT_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Says plainly that a test did not run against the external broker.
pub fn skip_external(test: &str) {
    eprintln!("SKIPPED on the external broker: {test} (set PLAZA_TEST_MQTT_URL to run it)");
}

/// A district id no other test (or earlier run) uses, so tests sharing
/// one broker never see each other's uplinks.
pub fn unique_district(stem: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{stem}-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    )
}

/// The devices every ingest test district has.
pub const DEVICES: &str = r#"
[[device]]
id = "gate-1"
kind = "vehicle-counter"
decoder = "decoder-json"
location = "car park P1, north ramp"
observes = "p1-north"
car_park = "p1"

[[device]]
id = "door-1"
kind = "footfall-counter"
decoder = "decoder-json"
location = "main entrance"
observes = "main"

[[device]]
id = "space-1"
kind = "parking-sensor"
decoder = "decoder-compact"
location = "car park P1, bay 1"
observes = "p1-001"
car_park = "p1"

[[device]]
id = "space-2"
kind = "parking-sensor"
decoder = "decoder-compact"
location = "car park P1, bay 2"
observes = "p1-002"
car_park = "p1"

[[device]]
id = "meter-1"
kind = "energy-meter"
decoder = "decoder-compact"
location = "main board"
observes = "main-board"
"#;

/// A config with one district (with both reference decoders and
/// [`DEVICES`]) and the given `[mqtt]` table body.
pub fn ingest_config(district: &str, mqtt: &str) -> String {
    format!(
        r#"
[mqtt]
{mqtt}

[[district]]
id = "{district}"
name = "Ingest test district"
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
        json = super::plugin("decoder_json.wasm").display(),
        compact = super::plugin("decoder_compact.wasm").display(),
    )
}

/// `[mqtt]` for the embedded broker on a free port.
pub fn embedded() -> String {
    "listen = \"127.0.0.1:0\"\nmax_payload_bytes = 512".into()
}

/// `[mqtt]` for an external broker at `url`, with a client id of its own
/// and a clean session, so no session outlives the test on a shared
/// broker.
pub fn external(url: &str) -> String {
    format!(
        "url = \"{url}\"\nclient_id = \"{}\"\npersistent_session = false\n\
         max_payload_bytes = 512",
        unique_district("plaza-test")
    )
}

/// Starts a server for an ingest test: `config` plus [`DEVICES`].
pub async fn start_server(config: &str) -> TestServer {
    TestServer::start_with_files(config, &[("devices.toml", DEVICES)], None).await
}

/// A test's own MQTT client, publishing at QoS 1.
pub struct Publisher {
    client: AsyncClient,
    acked: Arc<AtomicU64>,
    sent: u64,
    task: tokio::task::JoinHandle<()>,
}

impl Publisher {
    /// Connects to `mqtt://host:port`.
    pub async fn connect(url: &str) -> Self {
        let (host, port) = plaza::config::parse_mqtt_url(url).unwrap();
        let id = unique_district("publisher");
        let mut options = MqttOptions::new(id, host, port);
        options.set_max_packet_size(1 << 20, 1 << 20);
        let (client, mut eventloop) = AsyncClient::new(options, 1000);
        let acked = Arc::new(AtomicU64::new(0));
        let counter = acked.clone();
        let task = tokio::spawn(async move {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::PubAck(_))) => {
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        Self {
            client,
            acked,
            sent: 0,
            task,
        }
    }

    /// Publishes one uplink at QoS 1 without waiting.
    pub async fn send(&mut self, topic: &str, payload: impl Into<Vec<u8>>) {
        self.client
            .publish(topic, QoS::AtLeastOnce, false, payload.into())
            .await
            .unwrap();
        self.sent += 1;
    }

    /// Waits until the broker acknowledged everything sent.
    pub async fn flush(&self) {
        let until = Instant::now() + Duration::from_secs(20);
        while self.acked.load(Ordering::Relaxed) < self.sent {
            assert!(Instant::now() < until, "the broker did not acknowledge");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Polls `check` until it returns true, failing after `secs` seconds with
/// `what`.
pub async fn eventually<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One sample's value from the Prometheus text, 0 when absent.
pub fn metric(text: &str, name_and_labels: &str) -> f64 {
    text.lines()
        .find_map(|line| {
            let (key, value) = line.rsplit_once(' ')?;
            (key == name_and_labels).then(|| value.parse().ok())?
        })
        .unwrap_or(0.0)
}

/// A Mosquitto process on a free loopback port, which a test may stop
/// and start again (never the machine's own broker).
pub struct OwnBroker {
    /// Its port.
    pub port: u16,
    child: Option<Child>,
}

impl OwnBroker {
    /// Starts one, or None when no `mosquitto` binary is installed.
    pub fn start(dir: &Path) -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut broker = Self { port, child: None };
        std::fs::write(
            dir.join("mosquitto.conf"),
            format!("listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"),
        )
        .unwrap();
        broker.restart(dir).then_some(broker)
    }

    /// Starts it again on the same port; false when it cannot run.
    pub fn restart(&mut self, dir: &Path) -> bool {
        let child = Command::new(mosquitto_binary())
            .arg("-c")
            .arg(dir.join("mosquitto.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(child) = child else { return false };
        self.child = Some(child);
        let until = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if Instant::now() > until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        true
    }

    /// Kills it.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `mqtt://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }
}

impl Drop for OwnBroker {
    fn drop(&mut self) {
        self.stop();
    }
}

fn mosquitto_binary() -> &'static str {
    if Path::new("/usr/sbin/mosquitto").exists() {
        "/usr/sbin/mosquitto"
    } else {
        "mosquitto"
    }
}
