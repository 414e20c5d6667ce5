//! Emergency broadcasts: issued through the admin API, listed to
//! shoppers until they expire, published retained on MQTT (the embedded
//! broker always, Mosquitto when `PLAZA_TEST_MQTT_URL` is set) and on the
//! event bus, cleared on time; operators stay within their district.

use crate::support::TestServer;
use crate::support::mqtt::{self, unique_district};
use plaza::admin::{Role, create_token};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::mpsc;

fn config(mqtt: &str, districts: &[&str]) -> String {
    let mut text = format!("[mqtt]\n{mqtt}\n");
    for id in districts {
        text.push_str(&format!(
            "\n[[district]]\nid = \"{id}\"\nname = \"District {id}\"\n"
        ));
    }
    text
}

/// A subscriber to one topic: each message's payload and retain flag.
struct Subscriber {
    messages: mpsc::UnboundedReceiver<(Vec<u8>, bool)>,
    task: tokio::task::JoinHandle<()>,
}

impl Subscriber {
    async fn connect(url: &str, topic: &str) -> Self {
        let (host, port) = plaza::config::parse_mqtt_url(url).unwrap();
        let options = MqttOptions::new(unique_district("alert-sub"), host, port);
        let (client, mut eventloop) = AsyncClient::new(options, 100);
        let (tx, messages) = mpsc::unbounded_channel();
        let (subscribed_tx, mut subscribed) = mpsc::unbounded_channel();
        client.subscribe(topic, QoS::AtLeastOnce).await.unwrap();
        let task = tokio::spawn(async move {
            let _client = client;
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        let _ = tx.send((p.payload.to_vec(), p.retain));
                    }
                    Ok(Event::Incoming(Packet::SubAck(_))) => {
                        let _ = subscribed_tx.send(());
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        tokio::time::timeout(Duration::from_secs(10), subscribed.recv())
            .await
            .expect("the broker confirms the subscription");
        Self { messages, task }
    }

    async fn next(&mut self, secs: u64) -> Option<(Vec<u8>, bool)> {
        tokio::time::timeout(Duration::from_secs(secs), self.messages.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn admin(t: &TestServer, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let response = t
        .client
        .request(method, t.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn token(t: &TestServer, role: Role) -> String {
    create_token(&t.server.plaza.storage, &role, "test")
        .await
        .unwrap()
        .secret
}

/// Issues a 2-second alert and follows it to MQTT, the API and the event
/// bus, then watches it expire everywhere.
async fn alert_reaches_mqtt_and_expires(mqtt_table: &str) {
    let district = unique_district("alerts");
    let t = mqtt::start_server(&config(mqtt_table, &[district.as_str()])).await;
    let url = t.server.mqtt_url().expect("ingest runs");
    let topic = format!("plaza/{district}/alerts");
    let mut live = Subscriber::connect(&url, &topic).await;
    let mut events = t.server.plaza.events.subscribe();
    let operator = token(
        &t,
        Role::DistrictOperator {
            district: district.clone(),
        },
    )
    .await;

    let request = json!({
        "severity": "critical",
        "area": "Square and Minzu Road",
        "text": "Flash flood warning: keep away from the underpass",
        "ttl_seconds": 2,
    });
    let path = format!("/admin/v1/districts/{district}/broadcasts");
    let (status, issued) = admin(&t, &operator, "POST", &path, request).await;
    assert_eq!(status, 201, "{issued}");
    let alert = issued[0].clone();
    let id = alert["id"].as_str().unwrap().to_owned();

    let (payload, _) = live
        .next(10)
        .await
        .expect("the alert reaches the subscriber");
    let published: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(published["id"], id.as_str());
    assert_eq!(published["severity"], "critical");
    assert_eq!(published["district"], district.as_str());
    assert!(
        published["issued_by"]
            .as_str()
            .unwrap()
            .contains("district-operator")
    );
    let expires = published["expires_at_ms"].as_i64().unwrap();
    assert_eq!(expires - published["issued_at_ms"].as_i64().unwrap(), 2_000);

    // A subscriber arriving later gets it as the retained message.
    let mut late = Subscriber::connect(&url, &topic).await;
    let (payload, retained) = late.next(10).await.expect("a retained alert");
    assert!(retained, "the alert is retained");
    assert_eq!(
        serde_json::from_slice::<Value>(&payload).unwrap()["id"],
        id.as_str()
    );

    let shoppers = format!("/api/v1/districts/{district}/broadcasts");
    let (status, listed) = t.get_json(&shoppers).await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["text"], alert["text"]);

    // Expiry: an empty retained payload, gone from the API, cleared event.
    let (payload, _) = live
        .next(10)
        .await
        .expect("the clearing reaches the subscriber");
    assert!(payload.is_empty(), "cleared with an empty payload");
    let now = chrono::Utc::now().timestamp_millis();
    assert!(now >= expires, "cleared only once expired");
    assert!(
        now - expires < 1_500,
        "cleared on time, {} ms late",
        now - expires
    );
    let (_, listed) = t.get_json(&shoppers).await;
    assert_eq!(listed, json!([]));
    let mut after = Subscriber::connect(&url, &topic).await;
    assert_eq!(after.next(1).await, None, "no retained alert is left");

    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        if event.plugin.as_ref() == "plaza" && event.topic.starts_with("alerts/emergency") {
            let payload: Value = serde_json::from_slice(&event.payload).unwrap();
            seen.push((
                event.topic.clone(),
                payload["id"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert_eq!(
        seen,
        [
            ("alerts/emergency".to_owned(), id.clone()),
            ("alerts/emergency/cleared".to_owned(), id.clone()),
        ]
    );
}

#[tokio::test]
async fn an_alert_reaches_an_mqtt_subscriber_and_expires_on_time() {
    alert_reaches_mqtt_and_expires(&mqtt::embedded()).await;
}

#[tokio::test]
async fn an_alert_reaches_a_mosquitto_subscriber_and_expires_on_time() {
    let Some(url) = mqtt::external_url() else {
        mqtt::skip_external("alert over MQTT");
        return;
    };
    alert_reaches_mqtt_and_expires(&mqtt::external(&url)).await;
}

#[tokio::test]
async fn a_district_operator_cannot_broadcast_to_another_district() {
    let t = TestServer::start(&config("enabled = false", &["alpha", "beta"])).await;
    let alpha = token(
        &t,
        Role::DistrictOperator {
            district: "alpha".into(),
        },
    )
    .await;
    let body = json!({ "severity": "info", "area": "all", "text": "hello", "ttl_seconds": 60 });

    let (status, refused) = admin(
        &t,
        &alpha,
        "POST",
        "/admin/v1/districts/beta/broadcasts",
        body.clone(),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("forbidden")),
        "{refused}"
    );
    let (status, _) = admin(&t, &alpha, "POST", "/admin/v1/broadcasts", body.clone()).await;
    assert_eq!(status, 403);
    let (_, beta_alerts) = t.get_json("/api/v1/districts/beta/broadcasts").await;
    assert_eq!(beta_alerts, json!([]));

    // Its own district is fine, and so is everything for the city admin.
    let (status, _) = admin(
        &t,
        &alpha,
        "POST",
        "/admin/v1/districts/alpha/broadcasts",
        body.clone(),
    )
    .await;
    assert_eq!(status, 201);
    let city = token(&t, Role::CityAdmin).await;
    let (status, issued) = admin(&t, &city, "POST", "/admin/v1/broadcasts", body).await;
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued.as_array().unwrap().len(), 2);
    let (_, beta_alerts) = t.get_json("/api/v1/districts/beta/broadcasts").await;
    assert_eq!(beta_alerts.as_array().unwrap().len(), 1);

    // Withdrawing: not across districts, then by its own operator.
    let beta_id = beta_alerts[0]["id"].as_str().unwrap();
    let path = format!("/admin/v1/districts/beta/broadcasts/{beta_id}");
    let (status, _) = admin(&t, &alpha, "DELETE", &path, Value::Null).await;
    assert_eq!(status, 403);
    let (status, _) = admin(&t, &city, "DELETE", &path, Value::Null).await;
    assert_eq!(status, 200);
    let (_, beta_alerts) = t.get_json("/api/v1/districts/beta/broadcasts").await;
    assert_eq!(beta_alerts, json!([]));
    let (status, again) = admin(&t, &city, "DELETE", &path, Value::Null).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("broadcast_ended")),
        "{again}"
    );
}

#[tokio::test]
async fn a_malformed_alert_is_refused_naming_the_field() {
    let t = TestServer::start(&config("enabled = false", &["alpha"])).await;
    let city = token(&t, Role::CityAdmin).await;
    let path = "/admin/v1/districts/alpha/broadcasts";
    for (body, needle) in [
        (
            json!({ "severity": "doom", "area": "a", "text": "t", "ttl_seconds": 5 }),
            "severity",
        ),
        (
            json!({ "severity": "info", "area": "", "text": "t", "ttl_seconds": 5 }),
            "area",
        ),
        (
            json!({ "severity": "info", "area": "a", "text": "t" }),
            "expires_at",
        ),
        (
            json!({ "severity": "info", "area": "a", "text": "t",
                 "expires_at": "2001-01-01T00:00:00Z" }),
            "expire",
        ),
    ] {
        let (status, refused) = admin(&t, &city, "POST", path, body).await;
        assert_eq!(status, 400, "{refused}");
        assert!(
            refused["message"].as_str().unwrap().contains(needle),
            "{refused}"
        );
    }
    let (status, _) = admin(
        &t,
        &city,
        "POST",
        "/admin/v1/districts/nowhere/broadcasts",
        json!({ "severity": "info", "area": "a", "text": "t", "ttl_seconds": 5 }),
    )
    .await;
    assert_eq!(status, 404);
}
