//! Parking availability follows sensor uplinks published over MQTT: the
//! shipped Jiefangbei config, its embedded broker, its compact decoder and
//! its car-park inventory, end to end.

use crate::support::mqtt::{Publisher, eventually};
use crate::support::repo_root;
use plaza::server::{ServeOptions, start};

/// A compact space-sensor uplink: type 1, frame counter, battery, state.
fn space_uplink(counter: u32, occupied: bool) -> Vec<u8> {
    let mut payload = vec![1];
    payload.extend_from_slice(&counter.to_be_bytes());
    payload.extend_from_slice(&[90, u8::from(occupied)]);
    payload
}

/// A JSON gate-counter uplink, as the district's gate counters send.
fn gate_uplink(seq: u32, entered: u16, exited: u16) -> Vec<u8> {
    serde_json::json!({ "seq": seq, "type": "vehicles", "in": entered, "out": exited })
        .to_string()
        .into_bytes()
}

#[tokio::test]
async fn availability_follows_space_sensors_published_over_mqtt() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(ServeOptions {
        config: repo_root().join("config/plaza.toml"),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();
    let base = server.url();
    let car_park = format!("{base}/api/v1/districts/jiefangbei/parking/car-parks/jfb-square");
    let available = || async {
        let body: serde_json::Value = reqwest::get(&car_park).await.unwrap().json().await.unwrap();
        body["availableSpotNumber"].as_i64().unwrap()
    };
    let before = available().await;

    let broker = server.mqtt_url().expect("embedded broker runs");
    let mut publisher = Publisher::connect(&broker).await;
    let topic = |space: &str| format!("plaza/jiefangbei/up/sensor-{space}");
    let spaces = [
        "jfb-square-b1-001",
        "jfb-square-b1-002",
        "jfb-square-b1-003",
    ];

    // Spaces are `unknown` until a sensor reports; reported free, they count.
    for (n, space) in spaces.iter().enumerate() {
        publisher
            .send(&topic(space), space_uplink(1000 + n as u32, false))
            .await;
    }
    publisher.flush().await;
    eventually(10, "three spaces free", || async {
        available().await == before + 3
    })
    .await;

    // Two cars park.
    publisher
        .send(&topic(spaces[0]), space_uplink(1010, true))
        .await;
    publisher
        .send(&topic(spaces[1]), space_uplink(1011, true))
        .await;
    publisher.flush().await;
    eventually(10, "two spaces taken", || async {
        available().await == before + 1
    })
    .await;

    // One leaves; the same uplink delivered twice frees it once.
    publisher
        .send(&topic(spaces[1]), space_uplink(1020, false))
        .await;
    publisher
        .send(&topic(spaces[1]), space_uplink(1020, false))
        .await;
    publisher.flush().await;
    eventually(10, "one space freed", || async {
        available().await == before + 2
    })
    .await;

    let space: serde_json::Value = reqwest::get(format!("{car_park}/spaces"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let status = |id: &str| {
        space
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .map(|s| s["status"].clone())
    };
    assert_eq!(status("jfb-square-b1-001"), Some("occupied".into()));
    assert_eq!(status("jfb-square-b1-002"), Some("free".into()));
    assert_eq!(status("jfb-square-b1-004"), Some("unknown".into()));

    // A gate counter feeds the car park's counts; a redelivery adds nothing.
    let gate = "plaza/jiefangbei/up/gate-jfb-square-minzu";
    publisher.send(gate, gate_uplink(3000, 4, 1)).await;
    publisher.send(gate, gate_uplink(3000, 4, 1)).await;
    publisher.flush().await;
    eventually(10, "gate counts applied", || async {
        let body: serde_json::Value = reqwest::get(&car_park).await.unwrap().json().await.unwrap();
        body["vehicleEntranceCount"].as_i64() == Some(4)
            && body["vehicleExitCount"].as_i64() == Some(1)
    })
    .await;
    drop(publisher);
    server.shutdown().await.unwrap();
}
