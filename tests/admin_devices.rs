//! The device registry through the admin API and the real server: a
//! device registered by an operator has its uplinks ingested at once, a
//! replaced registration changes what its readings observe, a removed
//! device's uplinks are refused, bad registrations are refused naming the
//! field, and another district's operator is kept out.

use crate::support::TestServer;
use crate::support::mqtt::{Publisher, embedded, eventually, ingest_config, metric, start_server};
use plaza::admin::{Role, create_token};
use serde_json::{Value, json};

const DEVICES: &str = "/admin/v1/districts/alpha/devices";

async fn call(t: &TestServer, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = t.client.request(method, t.url(path)).bearer_auth(token);
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn readings_of(t: &TestServer, device: &str) -> Vec<Value> {
    let path = format!("/api/v1/districts/alpha/readings?device={device}");
    let (status, body) = t.get_json(&path).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

async fn unknown_device_refusals(t: &TestServer) -> f64 {
    let text = t.metrics_text().await;
    metric(
        &text,
        "plaza_ingest_rejected_total{district=\"alpha\",reason=\"unknown_device\"}",
    )
}

/// A footfall counter's registration at entrance `at`.
fn door_at(at: &str) -> Value {
    json!({"kind": "footfall-counter", "decoder": "decoder-json",
        "location": format!("{at} entrance"), "observes": at})
}

/// Publishes uplink `seq` of `door-2` and waits for the broker's ack.
async fn door_uplink(p: &mut Publisher, seq: u32) {
    let payload = format!(r#"{{"seq":{seq},"type":"people","in":2,"out":1}}"#);
    p.send("plaza/alpha/up/door-2", payload).await;
    p.flush().await;
}

#[tokio::test]
async fn operators_register_replace_and_remove_devices_and_ingest_follows() {
    let t = start_server(&ingest_config("alpha", &embedded())).await;
    let storage = &t.server.plaza.storage;
    let operator = Role::DistrictOperator {
        district: "alpha".into(),
    };
    let alpha = create_token(storage, &operator, "test")
        .await
        .unwrap()
        .secret;
    let mut p = Publisher::connect(&t.server.mqtt_url().unwrap()).await;
    let door = format!("{DEVICES}/door-2");

    let (status, body) = call(&t, &alpha, "PUT", &door, door_at("east")).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["observes"], "east");
    door_uplink(&mut p, 1).await;
    eventually(20, "the new device's reading", || async {
        readings_of(&t, "door-2").await.len() == 1
    })
    .await;
    assert_eq!(readings_of(&t, "door-2").await[0]["target"], "east");

    let (status, body) = call(&t, &alpha, "PUT", &door, door_at("west")).await;
    assert_eq!(status, 200, "a replaced registration: {body}");
    door_uplink(&mut p, 2).await;
    eventually(20, "the moved device's reading", || async {
        readings_of(&t, "door-2").await.len() == 2
    })
    .await;
    let targets: Vec<Value> = readings_of(&t, "door-2")
        .await
        .iter()
        .map(|r| r["target"].clone())
        .collect();
    assert!(targets.contains(&json!("west")), "{targets:?}");

    let (status, list) = call(&t, &alpha, "GET", DEVICES, Value::Null).await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"door-2") && ids.contains(&"gate-1"),
        "{ids:?}"
    );

    let (status, _) = call(&t, &alpha, "DELETE", &door, Value::Null).await;
    assert_eq!(status, 204);
    door_uplink(&mut p, 3).await;
    eventually(20, "the removed device's uplink refused", || async {
        unknown_device_refusals(&t).await >= 1.0
    })
    .await;
    assert_eq!(readings_of(&t, "door-2").await.len(), 2, "nothing stored");
    let (status, body) = call(&t, &alpha, "DELETE", &door, Value::Null).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_device"))
    );

    let (_, audit) = call(&t, &alpha, "GET", "/admin/v1/audit", Value::Null).await;
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in ["device.register", "device.replace", "device.remove"] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_registrations_are_refused_naming_the_field() {
    let t = start_server(&ingest_config("alpha", &embedded())).await;
    let storage = &t.server.plaza.storage;
    let city = create_token(storage, &Role::CityAdmin, "test")
        .await
        .unwrap()
        .secret;
    let beta = Role::DistrictOperator {
        district: "beta".into(),
    };
    let beta = create_token(storage, &beta, "test").await.unwrap().secret;
    let good = json!({"kind": "energy-meter", "decoder": "decoder-compact",
        "observes": "board-2"});
    let cases = [
        (
            json!({"kind": "toaster", "decoder": "decoder-compact", "observes": "x"}),
            "kind",
        ),
        (
            json!({"kind": "energy-meter", "decoder": "decoder-none", "observes": "x"}),
            "decoder",
        ),
        (
            json!({"kind": "parking-sensor", "decoder": "decoder-compact", "observes": "p1-009"}),
            "car_park",
        ),
        (
            json!({"kind": "energy-meter", "decoder": "decoder-compact", "observes": ""}),
            "observes",
        ),
        (
            json!({"kind": "energy-meter", "decoder": "decoder-compact", "observes": "x",
                "colour": "red"}),
            "colour",
        ),
    ];
    for (body, field) in cases {
        let (status, answer) = call(&t, &city, "PUT", &format!("{DEVICES}/meter-2"), body).await;
        assert_eq!(status, 400, "{field}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(message.contains(field), "{field} named in {answer}");
    }
    let (status, answer) = call(
        &t,
        &city,
        "PUT",
        &format!("{DEVICES}/Meter 2"),
        good.clone(),
    )
    .await;
    assert_eq!(status, 400, "a bad id: {answer}");

    let (status, _) = call(
        &t,
        &beta,
        "PUT",
        &format!("{DEVICES}/meter-2"),
        good.clone(),
    )
    .await;
    assert_eq!(status, 403, "another district's operator");
    let (status, _) = call(&t, &beta, "GET", DEVICES, Value::Null).await;
    assert_eq!(status, 403);
    let path = "/admin/v1/districts/nowhere/devices/meter-2";
    let (status, answer) = call(&t, &city, "PUT", path, good.clone()).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (404, Some("unknown_district"))
    );

    let (status, list) = call(&t, &city, "GET", DEVICES, Value::Null).await;
    assert_eq!(status, 200);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|d| d["id"] != "meter-2"),
        "nothing refused was registered: {list}"
    );
    t.server.shutdown().await.unwrap();
}
