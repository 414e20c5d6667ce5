//! Device ingest end to end: uplinks published over MQTT to the embedded
//! broker (always) and to the external one (when `PLAZA_TEST_MQTT_URL` is
//! set), decoded by the reference decoder plugins, stored, and read back
//! over the HTTP API and `/metrics`.

use crate::support::TestServer;
use crate::support::db::{fresh_postgres_url, postgres_url, skip_postgres};
use crate::support::mqtt::{
    DEVICES, Publisher, embedded, eventually, external, external_url, ingest_config, metric,
    skip_external, unique_district,
};
use serde_json::Value;

/// A server for `district` on each broker and database this run can
/// test: embedded broker with SQLite always; with PostgreSQL and with the
/// external broker when they are set.
async fn servers(test: &str, district: &str) -> Vec<(String, TestServer)> {
    let mut out = Vec::new();
    let files = [("devices.toml", DEVICES)];
    let config = ingest_config(district, &embedded());
    let sqlite = TestServer::start_with_files(&config, &files, None).await;
    out.push(("embedded broker, SQLite".to_owned(), sqlite));
    match postgres_url() {
        Some(base) => {
            let url = fresh_postgres_url(&base).await;
            let pg = TestServer::start_with_files(&config, &files, Some(url)).await;
            out.push(("embedded broker, PostgreSQL".to_owned(), pg));
        }
        None => skip_postgres(test),
    }
    match external_url() {
        Some(url) => {
            let config = ingest_config(district, &external(&url));
            let ext = TestServer::start_with_files(&config, &files, None).await;
            out.push((format!("broker {url}, SQLite"), ext));
        }
        None => skip_external(test),
    }
    out
}

async fn acknowledged(t: &TestServer) -> f64 {
    metric(&t.metrics_text().await, "plaza_ingest_acknowledged_total")
}

fn hex(text: &str) -> Vec<u8> {
    ::hex::decode(text.replace(' ', "")).unwrap()
}

#[tokio::test]
async fn uplinks_become_readings_and_live_figures_over_the_api() {
    let district = unique_district("up");
    for (setup, t) in servers("uplinks_become_readings", &district).await {
        let up = |device: &str| format!("plaza/{district}/up/{device}");
        let mut p = Publisher::connect(&t.server.mqtt_url().unwrap()).await;
        p.send(
            &up("gate-1"),
            r#"{"seq":1,"type":"vehicles","in":3,"out":1}"#,
        )
        .await;
        p.send(&up("door-1"), r#"{"seq":7,"type":"people","in":5,"out":2}"#)
            .await;
        p.send(&up("space-1"), hex("01 00000001 50 01")).await;
        p.send(&up("space-2"), hex("01 00000001 50 00")).await;
        p.send(&up("meter-1"), hex("04 00000009 50 000005dc")).await;
        p.flush().await;
        eventually(20, "five acknowledged uplinks", || async {
            acknowledged(&t).await >= 5.0
        })
        .await;

        let path = format!("/api/v1/districts/{district}/readings?latest=true");
        let (status, latest) = t.get_json(&path).await;
        assert_eq!(status, 200, "{setup}: {latest}");
        assert_eq!(latest.as_array().unwrap().len(), 5, "{setup}: {latest}");

        let path = format!("/api/v1/districts/{district}/readings?device=gate-1");
        let (_, gate) = t.get_json(&path).await;
        assert_eq!(gate[0]["kind"], "vehicles", "{setup}: {gate}");
        assert_eq!(gate[0]["target"], "p1-north");
        assert_eq!(
            (gate[0]["entered"].as_i64(), gate[0]["exited"].as_i64()),
            (Some(3), Some(1))
        );

        let path = format!("/api/v1/districts/{district}/readings?kind=energy");
        let (_, energy) = t.get_json(&path).await;
        assert_eq!(energy[0]["kwh"], 1.5, "{setup}: {energy}");

        let (status, live) = t
            .get_json(&format!("/api/v1/districts/{district}/live"))
            .await;
        assert_eq!(status, 200, "{setup}: {live}");
        assert_eq!(live["people_in_district"], 3, "{setup}: {live}");
        let park = &live["car_parks"][0];
        assert_eq!(park["car_park"], "p1", "{setup}: {live}");
        assert_eq!(park["vehicles"], 2);
        assert_eq!(
            (park["sensed_spaces"].as_i64(), park["free_spaces"].as_i64()),
            (Some(2), Some(1))
        );
        assert_eq!(live["energy_kwh_today"], 1.5);

        for bucket in ["minute", "hour"] {
            let path = format!("/api/v1/districts/{district}/readings/rollups?bucket={bucket}");
            let (status, rollups) = t.get_json(&path).await;
            assert_eq!(status, 200, "{setup}: {rollups}");
            let of = |kind: &str| {
                rollups
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["kind"] == kind)
                    .cloned()
                    .collect::<Vec<Value>>()
            };
            let vehicles = of("vehicles");
            assert_eq!(vehicles.len(), 1, "{setup} {bucket}: {rollups}");
            assert_eq!(vehicles[0]["target"], "p1-north");
            assert_eq!(
                (
                    vehicles[0]["entered"].as_i64(),
                    vehicles[0]["exited"].as_i64()
                ),
                (Some(3), Some(1))
            );
            assert_eq!(of("people")[0]["entered"], 5, "{setup} {bucket}");
            assert_eq!(of("energy")[0]["kwh"], 1.5, "{setup} {bucket}");
            assert_eq!(
                of("space")
                    .iter()
                    .map(|r| r["readings"].as_i64().unwrap())
                    .sum::<i64>(),
                2
            );
        }
        let path = format!(
            "/api/v1/districts/{district}/readings/rollups?kind=people&until=2000-01-01T00:00:00Z"
        );
        let (_, old) = t.get_json(&path).await;
        assert_eq!(old, serde_json::json!([]), "{setup}: nothing that long ago");

        let text = t.metrics_text().await;
        assert_eq!(metric(&text, "plaza_ingest_readings_total"), 5.0, "{setup}");
        t.server.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn the_same_uplink_delivered_twice_counts_once() {
    let district = unique_district("dup");
    for (setup, t) in servers("the_same_uplink_delivered_twice_counts_once", &district).await {
        let topic = format!("plaza/{district}/up/door-1");
        let mut p = Publisher::connect(&t.server.mqtt_url().unwrap()).await;
        let first = r#"{"seq":41,"type":"people","in":5,"out":2}"#;
        p.send(&topic, first).await;
        p.send(&topic, first).await;
        p.send(&topic, r#"{"seq":42,"type":"people","in":1,"out":0}"#)
            .await;
        p.flush().await;
        // Delivered again later, in a batch of its own.
        eventually(20, "three acknowledged uplinks", || async {
            acknowledged(&t).await >= 3.0
        })
        .await;
        p.send(&topic, first).await;
        p.flush().await;
        eventually(20, "four acknowledged uplinks", || async {
            acknowledged(&t).await >= 4.0
        })
        .await;

        let path = format!("/api/v1/districts/{district}/readings?device=door-1");
        let (_, readings) = t.get_json(&path).await;
        assert_eq!(readings.as_array().unwrap().len(), 2, "{setup}: {readings}");
        let (_, live) = t
            .get_json(&format!("/api/v1/districts/{district}/live"))
            .await;
        assert_eq!(live["people_in_district"], 3 + 1, "{setup}: {live}");
        assert_eq!(live["entrances"][0]["entered"], 6, "{setup}: {live}");
        let text = t.metrics_text().await;
        assert_eq!(
            metric(&text, "plaza_ingest_duplicates_total"),
            2.0,
            "{setup}"
        );
        assert_eq!(metric(&text, "plaza_ingest_readings_total"), 2.0, "{setup}");
        t.server.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn bad_uplinks_are_refused_counted_and_kept_aside_while_good_ones_flow() {
    let district = unique_district("bad");
    for (setup, t) in servers("bad_uplinks_are_refused", &district).await {
        let up = |device: &str| format!("plaza/{district}/up/{device}");
        let mut p = Publisher::connect(&t.server.mqtt_url().unwrap()).await;
        let bad: Vec<(String, Vec<u8>, &str)> = vec![
            (
                up("door-1"),
                br#"{"seq": 1, "type": "peo"#.to_vec(),
                "malformed",
            ),
            (up("space-1"), hex("01 0000"), "malformed"),
            (
                up("ghost"),
                br#"{"seq":1,"type":"people","in":1,"out":0}"#.to_vec(),
                "unknown_device",
            ),
            (
                up("door-1"),
                br#"{"seq":2,"type":"space","occupied":true}"#.to_vec(),
                "decoder_error",
            ),
            (
                format!("{}/2", up("space-1")),
                hex("01 00000001 50 01"),
                "decoder_error",
            ),
            (up("door-1"), vec![b' '; 600], "oversized"),
            (
                format!("{}/0", up("space-1")),
                hex("01 00000001 50 01"),
                "bad_topic",
            ),
        ];
        for (i, (topic, payload, _)) in bad.iter().enumerate() {
            p.send(
                &up("gate-1"),
                format!(r#"{{"seq":{i},"type":"vehicles","in":1,"out":0}}"#),
            )
            .await;
            p.send(topic, payload.clone()).await;
        }
        p.send(
            &up("gate-1"),
            r#"{"seq":100,"type":"vehicles","in":1,"out":0}"#,
        )
        .await;
        p.flush().await;
        let total = (bad.len() * 2 + 1) as f64;
        eventually(20, "every uplink acknowledged", || async {
            acknowledged(&t).await >= total
        })
        .await;

        let text = t.metrics_text().await;
        for reason in [
            "malformed",
            "unknown_device",
            "decoder_error",
            "oversized",
            "bad_topic",
        ] {
            let expected = bad.iter().filter(|(_, _, r)| *r == reason).count() as f64;
            let key = format!(
                "plaza_ingest_rejected_total{{district=\"{district}\",reason=\"{reason}\"}}"
            );
            assert_eq!(metric(&text, &key), expected, "{setup}: {reason}\n{text}");
        }
        let kept = t
            .server
            .plaza
            .storage
            .dead_letters()
            .recent(&district, 100)
            .await
            .unwrap();
        assert_eq!(kept.len(), bad.len(), "{setup}");
        assert!(
            kept.iter()
                .any(|l| l.reason == "oversized" && l.payload_bytes == 600)
        );
        assert!(kept.iter().all(|l| !l.detail.is_empty()));

        // Every good uplink between the bad ones was stored.
        let (_, live) = t
            .get_json(&format!("/api/v1/districts/{district}/live"))
            .await;
        assert_eq!(
            live["car_parks"][0]["vehicles"],
            bad.len() + 1,
            "{setup}: {live}"
        );
        t.server.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn simulated_traffic_is_ingested_whole() {
    let district = unique_district("sim");
    let config = ingest_config(&district, &embedded());
    let t = TestServer::start_with_files(&config, &[("devices.toml", DEVICES)], None).await;
    let file = t._dir.path().join("plaza.toml");
    let loaded = plaza::config::load(&file).unwrap();
    let devices = plaza::ingest::simulator::devices_of(&loaded.districts[0]).unwrap();
    let (host, port) = plaza::config::parse_mqtt_url(&t.server.mqtt_url().unwrap()).unwrap();
    let options = plaza::ingest::simulator::SimOptions {
        district: district.clone(),
        devices,
        host,
        port,
        rate: 2000,
        duration: None,
        count: Some(400),
        utc_offset_minutes: 480,
        client_id: unique_district("sim-client"),
    };
    let report = plaza::ingest::simulator::run(options, |_| {})
        .await
        .unwrap();
    assert_eq!((report.sent, report.acked), (400, 400));
    eventually(30, "400 acknowledged uplinks", || async {
        acknowledged(&t).await >= 400.0
    })
    .await;
    let text = t.metrics_text().await;
    assert_eq!(
        metric(&text, "plaza_ingest_readings_total"),
        400.0,
        "{text}"
    );
    assert!(!text.contains("plaza_ingest_rejected_total{"), "{text}");
    let path = format!("/api/v1/districts/{district}/readings?latest=true");
    let (_, latest) = t.get_json(&path).await;
    assert_eq!(latest.as_array().unwrap().len(), 5, "{latest}");
    t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn readings_queries_are_checked() {
    let district = unique_district("query");
    let config = ingest_config(&district, &embedded());
    let t = TestServer::start_with_files(&config, &[("devices.toml", DEVICES)], None).await;
    let cases = [
        ("readings?kind=weather", 400, "invalid_query"),
        ("readings?since=yesterday", 400, "invalid_timestamp"),
        ("readings?limit=0", 400, "invalid_query"),
        (
            "readings?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z",
            400,
            "invalid_query",
        ),
        ("readings/rollups?bucket=week", 400, "invalid_query"),
        ("readings/rollups?kind=weather", 400, "invalid_query"),
        (
            "readings/rollups?since=2000-01-01T00:00:00Z&bucket=minute",
            400,
            "invalid_query",
        ),
        ("readings/rollups?until=noon", 400, "invalid_timestamp"),
    ];
    for (path, status, code) in cases {
        let (got, body) = t
            .get_json(&format!("/api/v1/districts/{district}/{path}"))
            .await;
        assert_eq!(
            (got, body["code"].clone()),
            (status, Value::from(code)),
            "{path}: {body}"
        );
    }
    let (status, body) = t.get_json("/api/v1/districts/nowhere/live").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_district"))
    );
    let (status, body) = t.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(body["paths"]["/api/v1/districts/{district}/live"].is_object());
    assert!(body["paths"]["/api/v1/districts/{district}/readings"].is_object());
    assert!(body["paths"]["/api/v1/districts/{district}/readings/rollups"].is_object());
    t.server.shutdown().await.unwrap();
}
