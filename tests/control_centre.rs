//! The control centre through the real server: statistics as JSON and
//! CSV, an alert raised by a threshold then acknowledged and cleared,
//! emergency broadcasts issued and withdrawn by an operator, role isolation on pages and
//! APIs, and the live stream pushing an update after a reading.

use crate::support::TestServer;
use crate::support::mqtt::{DEVICES, Publisher, embedded, eventually, ingest_config};
use plaza::admin::{Role, create_token};
use serde_json::Value;

/// Districts `alpha` and `beta` with the ingest test's devices, rules run
/// every 100 ms, pages pushed every 200 ms, a car park full at 100%.
struct Centre {
    t: TestServer,
    city: String,
    alpha: String,
    beta: String,
    publisher: Publisher,
}

fn config() -> String {
    let one = ingest_config("alpha", &embedded());
    let two = ingest_config("beta", "").replace("[mqtt]\n\n", "");
    let two = two.replace(
        "name = \"Ingest test district\"",
        "name = \"District beta\"",
    );
    format!(
        "[control]\nevaluate_ms = 100\npush_ms = 200\nparking_full_percent = 100.0\n\
         footfall_surge_people = 1000\n{one}\n{two}"
    )
}

impl Centre {
    async fn start() -> Self {
        let t = TestServer::start_with_files(&config(), &[("devices.toml", DEVICES)], None).await;
        let storage = &t.server.plaza.storage;
        let token =
            |role: Role| async move { create_token(storage, &role, "test").await.unwrap().secret };
        let city = token(Role::CityAdmin).await;
        let alpha = token(Role::DistrictOperator {
            district: "alpha".into(),
        })
        .await;
        let beta = token(Role::DistrictOperator {
            district: "beta".into(),
        })
        .await;
        let publisher = Publisher::connect(&t.server.mqtt_url().unwrap()).await;
        Self {
            t,
            city,
            alpha,
            beta,
            publisher,
        }
    }

    async fn send(&mut self, district: &str, device: &str, payload: impl Into<Vec<u8>>) {
        let topic = format!("plaza/{district}/up/{device}");
        self.publisher.send(&topic, payload).await;
        self.publisher.flush().await;
    }

    /// GET with a bearer token: status and JSON.
    async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self.t.client.get(self.t.url(path)).bearer_auth(token);
        let r = r.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self.t.client.post(self.t.url(path)).bearer_auth(token);
        let r = r.send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn readings(&self) -> u64 {
        self.t.server.plaza.metrics.ingest.readings.get()
    }
}

fn hex(text: &str) -> Vec<u8> {
    ::hex::decode(text.replace(' ', "")).unwrap()
}

fn sum(rows: &Value, key: &str) -> f64 {
    rows["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_f64().unwrap_or(0.0))
        .sum()
}

#[tokio::test]
async fn stats_sum_readings_per_bucket_as_json_and_csv() {
    let mut c = Centre::start().await;
    c.send(
        "alpha",
        "door-1",
        r#"{"seq":1,"type":"people","in":5,"out":2}"#,
    )
    .await;
    c.send(
        "alpha",
        "gate-1",
        r#"{"seq":1,"type":"vehicles","in":3,"out":1}"#,
    )
    .await;
    c.send("alpha", "meter-1", hex("04 00000009 50 000005dc"))
        .await;
    c.send("alpha", "space-1", hex("01 00000001 50 01")).await;
    c.send("alpha", "space-2", hex("01 00000001 50 00")).await;
    c.send(
        "beta",
        "door-1",
        r#"{"seq":1,"type":"people","in":7,"out":0}"#,
    )
    .await;
    eventually(20, "six readings stored", || async {
        c.readings().await >= 6
    })
    .await;

    for bucket in ["minute", "hour", "day"] {
        let path = format!("/api/v1/districts/alpha/stats?bucket={bucket}");
        let (status, stats) = c.get(&c.city, &path).await;
        assert_eq!(status, 200, "{bucket}: {stats}");
        assert_eq!(stats["scope"], "alpha");
        assert_eq!(stats["bucket"], bucket);
        assert!(!stats["rows"].as_array().unwrap().is_empty());
        assert_eq!(sum(&stats, "people_in"), 5.0, "{bucket}: {stats}");
        assert_eq!(sum(&stats, "people_out"), 2.0, "{bucket}");
        assert_eq!(sum(&stats, "vehicles_in"), 3.0, "{bucket}");
        assert_eq!(sum(&stats, "vehicles_out"), 1.0, "{bucket}");
        assert_eq!(sum(&stats, "energy_kwh"), 1.5, "{bucket}");
    }

    // Occupancy comes from the rules' samples: one of two spaces taken.
    let path = "/api/v1/districts/alpha/stats?bucket=minute";
    eventually(20, "an occupancy sample", || async {
        let (_, stats) = c.get(&c.city, path).await;
        stats["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["occupancy_percent"] == 50.0)
    })
    .await;

    let (_, city) = c.get(&c.city, "/api/v1/city/stats?bucket=hour").await;
    assert_eq!(city["scope"], "city");
    assert_eq!(sum(&city, "people_in"), 12.0, "{city}");

    let csv = |accept: Option<&str>, path: &str| {
        let mut r = c.t.client.get(c.t.url(path)).bearer_auth(&c.city);
        if let Some(accept) = accept {
            r = r.header("accept", accept);
        }
        r.send()
    };
    for (accept, path) in [
        (None, "/api/v1/districts/alpha/stats?bucket=hour&format=csv"),
        (
            Some("text/csv"),
            "/api/v1/districts/alpha/stats?bucket=hour",
        ),
    ] {
        let response = csv(accept, path).await.unwrap();
        assert_eq!(response.status(), 200);
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(kind.starts_with("text/csv"), "{kind}");
        let text = response.text().await.unwrap();
        let mut lines = text.lines();
        assert!(
            lines
                .next()
                .unwrap()
                .starts_with("scope,bucket_start,people_in")
        );
        assert!(
            lines.any(|l| l.starts_with("alpha,") && l.contains(",5,2,3,1,")),
            "{text}"
        );
    }

    let (status, bad) = c
        .get(&c.city, "/api/v1/districts/alpha/stats?bucket=fortnight")
        .await;
    assert_eq!((status, bad["code"].as_str()), (400, Some("invalid_query")));
    let path = "/api/v1/districts/alpha/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z";
    let (status, bad) = c.get(&c.city, path).await;
    assert_eq!(status, 400, "{bad}");
    assert!(bad["message"].as_str().unwrap().contains("from"), "{bad}");
    let (status, _) = c.get(&c.city, "/api/v1/districts/gamma/stats").await;
    assert_eq!(status, 404);
    c.t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_full_car_park_raises_an_alert_that_is_acknowledged_then_cleared() {
    let mut c = Centre::start().await;
    c.send("alpha", "space-1", hex("01 00000001 50 01")).await;
    c.send("alpha", "space-2", hex("01 00000001 50 01")).await;

    eventually(20, "a parking_full alert", || async {
        let (_, list) = c.get(&c.city, "/api/v1/control/alerts").await;
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "parking_full")
    })
    .await;
    let (_, list) = c.get(&c.city, "/api/v1/control/alerts").await;
    let alert = list[0].clone();
    assert_eq!(alert["kind"], "parking_full");
    assert_eq!(alert["district"], "alpha");
    assert_eq!(alert["severity"], "critical");
    assert_eq!(alert["subject"], "p1");
    assert_eq!(alert["status"], "open");
    let id = alert["id"].as_str().unwrap().to_owned();

    // Still full: the rule raises nothing more while this one is open.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (_, list) = c
        .get(&c.city, "/api/v1/control/alerts?district=alpha")
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let (_, overview) = c.get(&c.alpha, "/api/v1/control/overview").await;
    assert_eq!(overview["districts"][0]["alerts"]["critical"], 1);

    // Another district's operator cannot see or touch it.
    let ack = format!("/api/v1/control/alerts/{id}/acknowledge");
    let clear = format!("/api/v1/control/alerts/{id}/clear");
    let (status, _) = c.post(&c.beta, &ack).await;
    assert_eq!(status, 404);
    let (_, list) = c.get(&c.beta, "/api/v1/control/alerts").await;
    assert_eq!(list, serde_json::json!([]));

    let (status, acked) = c.post(&c.alpha, &ack).await;
    assert_eq!(status, 200, "{acked}");
    assert_eq!(acked["status"], "acknowledged");
    assert!(
        acked["acknowledged_by"]
            .as_str()
            .unwrap()
            .contains("district-operator of alpha")
    );
    let (status, again) = c.post(&c.alpha, &ack).await;
    assert_eq!((status, again["code"].as_str()), (409, Some("alert_state")));

    let (status, cleared) = c.post(&c.city, &clear).await;
    assert_eq!(status, 200, "{cleared}");
    assert_eq!(cleared["status"], "cleared");
    assert!(
        cleared["cleared_by"]
            .as_str()
            .unwrap()
            .contains("city-admin")
    );
    let (_, all) = c
        .get(&c.city, "/api/v1/control/alerts?include_cleared=true")
        .await;
    let stored = all
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap();
    assert_eq!(stored["status"], "cleared");

    // A space frees up: the re-raised alert is cleared by its rule.
    eventually(20, "the alert raised again while full", || async {
        let (_, list) = c.get(&c.city, "/api/v1/control/alerts").await;
        !list.as_array().unwrap().is_empty()
    })
    .await;
    c.send("alpha", "space-2", hex("01 00000002 50 00")).await;
    eventually(20, "the rule clears it", || async {
        let (_, list) = c.get(&c.city, "/api/v1/control/alerts").await;
        list.as_array().unwrap().is_empty()
    })
    .await;
    let (_, all) = c
        .get(&c.city, "/api/v1/control/alerts?include_cleared=true")
        .await;
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|a| a["cleared_by"] == "rule: condition passed"),
        "{all}"
    );
    c.t.server.shutdown().await.unwrap();
}

#[tokio::test]
async fn emergency_broadcasts_issued_by_an_operator_show_as_alerts_until_withdrawn() {
    let c = Centre::start().await;
    let issue =
        c.t.client
            .post(c.t.url("/admin/v1/districts/beta/broadcasts"))
            .bearer_auth(&c.beta)
            .json(
                &serde_json::json!({"severity": "warning", "area": "riverside",
            "text": "Storm warning: stay indoors", "ttl_seconds": 600}),
            )
            .send()
            .await
            .unwrap();
    assert_eq!(issue.status(), 201);
    let issued: Value = issue.json().await.unwrap();
    let id = issued[0]["id"].as_str().unwrap().to_owned();
    eventually(20, "the emergency alert", || async {
        let (_, list) = c.get(&c.beta, "/api/v1/control/alerts").await;
        list.as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "emergency")
    })
    .await;
    let (_, list) = c.get(&c.beta, "/api/v1/control/alerts").await;
    assert_eq!(list[0]["severity"], "warning");
    assert_eq!(list[0]["subject"], "riverside");
    assert!(
        list[0]["message"]
            .as_str()
            .unwrap()
            .contains("Storm warning")
    );
    let (_, list) = c.get(&c.alpha, "/api/v1/control/alerts").await;
    assert_eq!(
        list,
        serde_json::json!([]),
        "alpha's operator sees none of beta's"
    );

    let withdraw =
        c.t.client
            .delete(c.t.url(&format!("/admin/v1/districts/beta/broadcasts/{id}")))
            .bearer_auth(&c.beta)
            .send()
            .await
            .unwrap();
    assert_eq!(withdraw.status(), 200);
    eventually(20, "the emergency cleared", || async {
        let (_, list) = c.get(&c.beta, "/api/v1/control/alerts").await;
        list.as_array().unwrap().is_empty()
    })
    .await;
    c.t.server.shutdown().await.unwrap();
}

/// Signs in on the page with `token`; returns the session cookie.
async fn sign_in(c: &Centre, token: &str) -> (u16, Option<String>) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(c.t.url("/control/sign-in"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned());
    if let Some(cookie) = &cookie {
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    }
    let pair = cookie.map(|c| c.split(';').next().unwrap().to_owned());
    (response.status().as_u16(), pair)
}

async fn page(c: &Centre, cookie: Option<&str>, path: &str) -> (u16, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client.get(c.t.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    (status, location.unwrap_or(body))
}

#[tokio::test]
async fn operators_see_only_their_district_on_pages_and_apis() {
    let c = Centre::start().await;
    let (status, location) = page(&c, None, "/control/").await;
    assert_eq!((status, location.as_str()), (303, "/control/sign-in"));
    let (status, form) = page(&c, None, "/control/sign-in").await;
    assert_eq!(status, 200);
    assert!(form.contains("name=\"token\""));

    let (status, none) = sign_in(&c, "plaza_not-a-token").await;
    assert_eq!((status, none), (401, None));

    let (status, cookie) = sign_in(&c, &c.alpha).await;
    assert_eq!(status, 303);
    let alpha = cookie.unwrap();
    let (status, html) = page(&c, Some(&alpha), "/control/").await;
    assert_eq!(status, 200);
    assert!(html.contains("operator of alpha"), "{html}");
    let (status, html) = page(&c, Some(&alpha), "/control/districts/alpha").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-district=\"alpha\""));
    let (status, html) = page(&c, Some(&alpha), "/control/districts/beta").await;
    assert_eq!(status, 403);
    assert!(html.contains("Not your district"), "{html}");
    let (status, _) = page(&c, Some(&alpha), "/control/districts/gamma").await;
    assert_eq!(status, 404);

    // The APIs take the cookie as well as the token.
    let cookie_get = |path: &str| {
        c.t.client
            .get(c.t.url(path))
            .header("cookie", alpha.clone())
            .send()
    };
    let overview: Value = cookie_get("/api/v1/control/overview")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = overview["districts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["district"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["alpha"]);
    assert_eq!(
        overview["districts"][0]["deliveries_on_time_percent"],
        Value::Null
    );
    let refused = cookie_get("/api/v1/districts/beta/stats").await.unwrap();
    assert_eq!(refused.status(), 403);
    let health: Value = cookie_get("/api/v1/control/health")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health.as_array().unwrap().len(), 1);
    let plugins = health[0]["plugins"].as_array().unwrap();
    assert!(
        plugins.iter().any(|p| p["plugin"] == "decoder-json"),
        "{health}"
    );
    assert!(plugins.iter().all(|p| p["breaker"]["state"] == "closed"));

    for (token, path) in [
        (&c.beta, "/api/v1/districts/alpha/stats"),
        (&c.beta, "/api/v1/control/health?district=alpha"),
        (&c.beta, "/api/v1/control/overview?district=alpha"),
        (&c.beta, "/api/v1/control/stream?district=alpha"),
    ] {
        let (status, body) = c.get(token, path).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("forbidden")),
            "{path}"
        );
    }
    let anonymous = c.t.client.get(c.t.url("/api/v1/control/alerts")).send();
    assert_eq!(anonymous.await.unwrap().status(), 401);

    let (_, overview) = c.get(&c.city, "/api/v1/control/overview").await;
    assert_eq!(overview["districts"].as_array().unwrap().len(), 2);
    let (status, cookie) = sign_in(&c, &c.city).await;
    assert_eq!(status, 303);
    let city = cookie.unwrap();
    let (status, _) = page(&c, Some(&city), "/control/districts/beta").await;
    assert_eq!(status, 200);

    // Signing out ends the session.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let out = client
        .post(c.t.url("/control/sign-out"))
        .header("cookie", alpha.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let (status, _) = page(&c, Some(&alpha), "/control/").await;
    assert_eq!(status, 303);
    c.t.server.shutdown().await.unwrap();
}

/// Reads server-sent events until one `update` satisfies `done`.
async fn wait_for_update(
    response: &mut reqwest::Response,
    buffer: &mut String,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let data: String = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            if event.contains("event: update")
                && let Ok(update) = serde_json::from_str::<Value>(&data)
                && done(&update)
            {
                return update;
            }
        }
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .expect("an update in time")
            .unwrap()
            .expect("the stream stays open");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test]
async fn the_live_stream_pushes_an_update_after_a_reading() {
    let mut c = Centre::start().await;
    let mut response =
        c.t.client
            .get(c.t.url("/api/v1/control/stream?district=alpha"))
            .bearer_auth(&c.alpha)
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), 200);
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.starts_with("text/event-stream"), "{kind}");
    let mut buffer = String::new();
    let first = wait_for_update(&mut response, &mut buffer, |_| true).await;
    assert_eq!(first["districts"][0]["district"], "alpha");
    assert_eq!(first["districts"][0]["people_in_district"], 0);

    c.send(
        "alpha",
        "door-1",
        r#"{"seq":3,"type":"people","in":9,"out":4}"#,
    )
    .await;
    let update = wait_for_update(&mut response, &mut buffer, |u| {
        u["districts"][0]["people_in_district"] == 5
    })
    .await;
    assert_eq!(update["districts"][0]["people_entered_today"], 9);
    c.t.server.shutdown().await.unwrap();
}
