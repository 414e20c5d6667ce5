//! Ingest across a broker restart: a Mosquitto process of the test's own
//! (never the machine's) is stopped and started again mid-stream; Plaza
//! reconnects with backoff, counts it, and keeps everything it
//! acknowledged.

use crate::support::TestServer;
use crate::support::mqtt::{
    OwnBroker, Publisher, eventually, ingest_config, metric, start_server, unique_district,
};

async fn vehicles(t: &TestServer, district: &str) -> i64 {
    let (_, live) = t
        .get_json(&format!("/api/v1/districts/{district}/live"))
        .await;
    live["car_parks"][0]["vehicles"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn ingest_resumes_after_the_broker_restarts_without_losing_stored_uplinks() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mut broker) = OwnBroker::start(dir.path()) else {
        eprintln!("SKIPPED: no mosquitto binary to run a broker the test can stop");
        return;
    };
    let district = unique_district("restart");
    let mqtt = format!(
        "url = \"{}\"\nclient_id = \"{}\"",
        broker.url(),
        unique_district("p")
    );
    let t = start_server(&ingest_config(&district, &mqtt)).await;
    let topic = format!("plaza/{district}/up/gate-1");
    let gate = |seq: u32| format!(r#"{{"seq":{seq},"type":"vehicles","in":1,"out":0}}"#);

    let mut p = Publisher::connect(&broker.url()).await;
    for seq in 1..=50 {
        p.send(&topic, gate(seq)).await;
    }
    p.flush().await;
    eventually(20, "the first 50 uplinks stored", || async {
        vehicles(&t, &district).await == 50
    })
    .await;
    drop(p);

    broker.stop();
    eventually(20, "Plaza to notice the broker is gone", || async {
        let text = t.metrics_text().await;
        metric(&text, "plaza_ingest_broker_disconnects_total") >= 1.0
            && metric(&text, "plaza_ingest_broker_connected") == 0.0
    })
    .await;
    // Stored before the broker went away, still there while it is away.
    assert_eq!(vehicles(&t, &district).await, 50);

    assert!(broker.restart(dir.path()), "the test broker restarts");
    eventually(30, "Plaza to reconnect and subscribe again", || async {
        let text = t.metrics_text().await;
        metric(&text, "plaza_ingest_broker_subscriptions_total") >= 2.0
            && metric(&text, "plaza_ingest_broker_connected") == 1.0
    })
    .await;
    let mut p = Publisher::connect(&broker.url()).await;
    for seq in 51..=100 {
        p.send(&topic, gate(seq)).await;
    }
    p.flush().await;
    eventually(20, "all 100 uplinks stored", || async {
        vehicles(&t, &district).await == 100
    })
    .await;
    let text = t.metrics_text().await;
    assert_eq!(
        metric(&text, "plaza_ingest_readings_total"),
        100.0,
        "{text}"
    );
    assert!(metric(&text, "plaza_ingest_broker_connections_total") >= 2.0);
    t.server.shutdown().await.unwrap();
}
