//! The control centre in a real browser: a server on the shipped config
//! fed by the device simulator, driven by headless Chromium through
//! `e2e/control.mjs` (playwright-core). It checks that the city page
//! shows every district with figures, a district chart draws, a figure
//! updates live after one more reading, and a district operator cannot
//! open another district's page; screenshots go to `e2e/screenshots/`.
//!
//! Needs `node`, Chromium (`/usr/bin/chromium`, or `PLAZA_CHROMIUM`) and
//! `e2e/node_modules` (`npm ci` in `e2e/`). Without them the test says
//! so and passes, unless `PLAZA_TEST_BROWSER=1` (as `.ci/run` sets)
//! makes it required.

use crate::support::mqtt::Publisher;
use crate::support::repo_root;
use plaza::admin::{Role, create_token};
use plaza::ingest::simulator::{self, SimOptions};
use plaza::server::{ServeOptions, start};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

fn chromium() -> PathBuf {
    std::env::var_os("PLAZA_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What is missing for the browser test, if anything.
fn missing() -> Option<String> {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node {
        return Some("node is not installed".into());
    }
    if !chromium().exists() {
        return Some(format!("no Chromium at {}", chromium().display()));
    }
    let playwright = repo_root().join("e2e/node_modules/playwright-core");
    if !playwright.exists() {
        return Some("e2e/node_modules is missing (run `npm ci` in e2e/)".into());
    }
    None
}

#[tokio::test]
async fn the_control_centre_works_in_a_browser() {
    if let Some(why) = missing() {
        if std::env::var("PLAZA_TEST_BROWSER").is_ok_and(|v| v == "1") {
            panic!("PLAZA_TEST_BROWSER=1 but the browser test cannot run: {why}");
        }
        eprintln!("SKIPPED the_control_centre_works_in_a_browser: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = start(ServeOptions {
        config: repo_root().join("config/plaza.toml"),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().join("data")),
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..Default::default()
    })
    .await
    .expect("server starts");
    let plaza = server.plaza.clone();
    let districts: Vec<_> = plaza.config.districts.clone();
    let own = districts[0].id.clone();
    let other = districts[1].id.clone();
    let city = create_token(&plaza.storage, &Role::CityAdmin, "browser test")
        .await
        .unwrap()
        .secret;
    let operator = Role::DistrictOperator {
        district: own.clone(),
    };
    let operator = create_token(&plaza.storage, &operator, "browser test")
        .await
        .unwrap()
        .secret;

    // Feed every district from the simulator, then wait until ingest has
    // stored all of it, so the figures stand still for the live check.
    let mqtt = server.mqtt_url().unwrap();
    let (host, port) = plaza::config::parse_mqtt_url(&mqtt).unwrap();
    let mut sent = 0;
    for d in &districts {
        let options = SimOptions {
            district: d.id.clone(),
            devices: simulator::devices_of(d).unwrap(),
            host: host.clone(),
            port,
            rate: 2_000,
            duration: None,
            count: Some(800),
            utc_offset_minutes: d.utc_offset_minutes,
            client_id: format!("browser-test-{}", d.id),
        };
        sent += simulator::run(options, |_| {}).await.unwrap().acked;
    }
    let until = tokio::time::Instant::now() + Duration::from_secs(60);
    while plaza.metrics.ingest.acknowledged.get() < sent {
        assert!(tokio::time::Instant::now() < until, "ingest kept up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A shopper orders in every district, so its orders figure moves too.
    let http = reqwest::Client::new();
    for d in &districts {
        let base = format!("{}/api/v1/districts/{}/commerce", server.url(), d.id);
        let items: serde_json::Value = http
            .get(format!("{base}/items"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let item = items[0]["id"]
            .as_str()
            .expect("the district sells something");
        let order = serde_json::json!({ "items": [{ "item": item, "quantity": 1 }] });
        let placed = http
            .post(format!("{base}/orders"))
            .header("x-shopper-id", "browser-test-shopper")
            .json(&order)
            .send()
            .await
            .unwrap();
        assert_eq!(placed.status(), 201, "an order in {}", d.id);
    }
    plaza.control.evaluate().await.unwrap();

    let script = repo_root().join("e2e/control.mjs");
    let mut node = Command::new("node")
        .arg(&script)
        .args([&server.url(), &city, &operator, &own, &other])
        .env("PLAZA_CHROMIUM", chromium())
        .current_dir(repo_root().join("e2e"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let mut stdin = node.stdin.take().unwrap();
    let mut lines = BufReader::new(node.stdout.take().unwrap()).lines();
    let mut publisher = Publisher::connect(&mqtt).await;
    let door = districts[0]
        .device_list
        .iter()
        .find(|d| d.kind == plaza::config::DeviceKind::FootfallCounter)
        .expect("a footfall counter")
        .id
        .clone();

    let run = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            println!("e2e: {line}");
            if line.trim() == "publish" {
                // One more reading: 50 people walk in.
                let topic = format!("plaza/{own}/up/{door}");
                let payload = r#"{"seq":999999,"type":"people","in":50,"out":0}"#;
                publisher.send(&topic, payload).await;
                publisher.flush().await;
                stdin.write_all(b"published\n").await.unwrap();
                stdin.flush().await.unwrap();
            }
        }
        node.wait().await.unwrap()
    };
    let status = tokio::time::timeout(Duration::from_secs(180), run)
        .await
        .expect("the browser test finished in time");
    assert!(status.success(), "e2e/control.mjs failed: {status}");
    server.shutdown().await.unwrap();
}
