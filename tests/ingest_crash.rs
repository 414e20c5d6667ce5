//! Ingest across a crash of Plaza itself: the `plaza` binary is killed
//! with SIGKILL mid-stream and started again on the same database. The
//! broker (a Mosquitto process of the test's own) keeps Plaza's
//! persistent session, so what Plaza had not acknowledged is delivered
//! again; what it had acknowledged was already stored. Every uplink must
//! end up counted exactly once.

use crate::support::mqtt::{
    DEVICES, OwnBroker, Publisher, eventually, ingest_config, metric, unique_district,
};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Uplinks published in all; each says one vehicle came in.
const UPLINKS: u32 = 600;

/// A `plaza serve` process on a fixed loopback port.
struct PlazaProcess {
    child: Child,
    base: String,
}

impl PlazaProcess {
    fn spawn(config: &Path, data: &Path, port: u16) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_plaza"))
            .arg("serve")
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(data)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the plaza binary starts");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Sends SIGKILL: no shutdown, no last acknowledgements.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("the process is reaped");
    }

    async fn metrics(&self, client: &reqwest::Client) -> Option<String> {
        let response = client
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .ok()?;
        response.text().await.ok()
    }

    async fn vehicles(&self, client: &reqwest::Client, district: &str) -> Option<i64> {
        let url = format!("{}/api/v1/districts/{district}/live", self.base);
        let live: serde_json::Value = client.get(url).send().await.ok()?.json().await.ok()?;
        live["car_parks"][0]["vehicles"].as_i64()
    }
}

impl Drop for PlazaProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn uplinks_survive_plaza_being_killed_mid_stream() {
    let dir = tempfile::tempdir().unwrap();
    let Some(broker) = OwnBroker::start(dir.path()) else {
        eprintln!("SKIPPED: no mosquitto binary to run a broker for the crash test");
        return;
    };
    let district = unique_district("crash");
    let mqtt = format!(
        "url = \"{}\"\nclient_id = \"{}\"\npersistent_session = true",
        broker.url(),
        unique_district("p")
    );
    let config = dir.path().join("plaza.toml");
    std::fs::write(&config, ingest_config(&district, &mqtt)).unwrap();
    std::fs::write(dir.path().join("devices.toml"), DEVICES).unwrap();
    let data = dir.path().join("data");
    let port = free_port();
    let client = reqwest::Client::new();

    let mut plaza = PlazaProcess::spawn(&config, &data, port);
    eventually(60, "plaza subscribed to the broker", || async {
        plaza
            .metrics(&client)
            .await
            .is_some_and(|m| metric(&m, "plaza_ingest_broker_subscriptions_total") >= 1.0)
    })
    .await;

    // Publish steadily; kill Plaza once part of the stream is stored.
    let topic = format!("plaza/{district}/up/gate-1");
    let mut publisher = Publisher::connect(&broker.url()).await;
    let mut killed_after = None;
    for seq in 1..=UPLINKS {
        let payload = format!(r#"{{"seq":{seq},"type":"vehicles","in":1,"out":0}}"#);
        publisher.send(&topic, payload).await;
        if seq % 20 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if killed_after.is_none() && seq % 20 == 0 {
            let acked = match plaza.metrics(&client).await {
                Some(m) => metric(&m, "plaza_ingest_acknowledged_total"),
                None => 0.0,
            };
            if acked >= 100.0 {
                plaza.kill();
                killed_after = Some(acked);
            }
        }
    }
    publisher.flush().await;
    let acked_before = killed_after.expect("Plaza stored 100 uplinks before the stream ended");
    assert!(
        acked_before < f64::from(UPLINKS),
        "the kill came mid-stream ({acked_before} of {UPLINKS} acknowledged)"
    );

    // The broker held the rest for Plaza's session; a new process on the
    // same database takes them and counts every uplink once.
    let plaza = PlazaProcess::spawn(&config, &data, port);
    eventually(
        60,
        "every uplink counted once after the restart",
        || async { plaza.vehicles(&client, &district).await == Some(i64::from(UPLINKS)) },
    )
    .await;
    // Nothing more arrives later: no uplink was counted twice.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        plaza.vehicles(&client, &district).await,
        Some(i64::from(UPLINKS))
    );
    let url = format!(
        "{}/api/v1/districts/{district}/readings/rollups?kind=vehicles&bucket=hour",
        plaza.base
    );
    let rollups: serde_json::Value = client.get(url).send().await.unwrap().json().await.unwrap();
    let entered: i64 = rollups
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["entered"].as_i64().unwrap())
        .sum();
    assert_eq!(
        entered,
        i64::from(UPLINKS),
        "rollups count each uplink once: {rollups}"
    );
}
