//! District logistics over the real server and a simulated courier
//! company on loopback: quote, dispatch and follow a delivery to its end;
//! the pick rule; an SLA breach opening a claim paid from the guarantee
//! fund; a courier refused outside its allow-list; bad requests; a bad
//! logistics file; dispatch on PostgreSQL when it is set. The control
//! centre's overview counts each delivery's outcome.

use crate::support::{TestServer, db, plugin};
use plaza::admin::{Role, create_token};
use plaza::services::courier_sim::{CourierSim, SimSettings};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A courier company that delivers within about a second.
fn quick_courier() -> SimSettings {
    SimSettings {
        base_fee: 900,
        fee_per_km: 200,
        assign_ms: 150,
        pickup_ms: 150,
        transit_ms: 250,
        transit_ms_per_km: 0,
        ..SimSettings::default()
    }
}

async fn start_sim() -> CourierSim {
    CourierSim::start("127.0.0.1:0".parse().unwrap(), quick_courier())
        .await
        .unwrap()
}

/// Zones around Jiefangbei; `rush` is an SLA class of `rush_minutes`.
fn logistics_file(rule: &str, rush_minutes: f64) -> String {
    format!(
        r#"
pick = "{rule}"
poll_interval_ms = 50

[[sla]]
id = "instant"
minutes = 60
compensation = 1000

[[sla]]
id = "rush"
minutes = {rush_minutes}
compensation = 700

[[sla]]
id = "24h"
minutes = 1440
compensation = 500

[[zone]]
id = "main-urban"
name = "Main urban area"
center = {{ lat = 29.5630, lon = 106.5516 }}
radius_km = 12.0
sla = ["instant", "rush"]

[[zone]]
id = "outer"
name = "Outer districts"
center = {{ lat = 29.5630, lon = 106.5516 }}
radius_km = 60.0
sla = ["24h"]
"#
    )
}

/// A district `id` with both couriers; `flash_grant` is the host:port
/// courier-flash may call; `extra` is appended to the district table.
fn district(id: &str, logistics: &str, sim: &str, flash_grant: &str, extra: &str) -> String {
    format!(
        r#"
[[district]]
id = "{id}"
name = "District {id}"
logistics = "{logistics}"
{extra}

[[district.plugin]]
id = "flash"
kind = "logistics"
path = "{flash}"
config = {{ api_base = "{sim}" }}
grants = {{ outbound_hosts = ["{flash_grant}"] }}

[[district.plugin]]
id = "riders"
kind = "logistics"
path = "{local}"
config = {{ base_fee = 300, fee_per_km = 100, pickup_seconds = 1.0, seconds_per_km = 0.5 }}
"#,
        flash = plugin("courier_flash.wasm").display(),
        local = plugin("courier_local.wasm").display(),
    )
}

fn grant(sim: &CourierSim) -> String {
    sim.addr.to_string()
}

/// From Jiefangbei to Guanyinqiao, about 4 km.
fn quote_body(sla: Option<&str>) -> Value {
    json!({
        "pickup": { "address": "Unit 5-02, 100 Minzu Road", "lat": 29.5586, "lon": 106.5770 },
        "dropoff": { "address": "18 Guanyinqiao Pedestrian Street", "lat": 29.5754, "lon": 106.5355 },
        "parcel": { "weight_grams": 1200, "size": "small" },
        "sla": sla,
    })
}

fn deliveries(district: &str, tail: &str) -> String {
    format!("/api/v1/districts/{district}/deliveries{tail}")
}

/// The control centre's figures for `district`: (deliveries ended
/// today, percent on time).
async fn deliveries_today(t: &TestServer, district: &str) -> (Value, Value) {
    let token = create_token(&t.server.plaza.storage, &Role::CityAdmin, "test")
        .await
        .unwrap()
        .secret;
    let response = reqwest::Client::new()
        .get(t.url("/api/v1/control/overview"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let overview: Value = response.json().await.unwrap();
    let card = overview["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["district"] == district)
        .expect("the district is in the overview")
        .clone();
    (
        card["deliveries_today"].clone(),
        card["deliveries_on_time_percent"].clone(),
    )
}

/// Polls a delivery until `done` holds (or 15 s pass).
async fn wait_for(
    t: &TestServer,
    district: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let started = Instant::now();
    loop {
        let (status, body) = t.get_json(&deliveries(district, &format!("/{id}"))).await;
        assert_eq!(status, 200, "{body}");
        if done(&body) {
            return body;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "still {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn quote_dispatch_deliver(database_url: Option<String>) {
    let sim = start_sim().await;
    let config = district("alpha", "logistics.toml", &sim.url(), &grant(&sim), "");
    let file = logistics_file("fastest", 0.5);
    let t = TestServer::start_with_files(&config, &[("logistics.toml", &file)], database_url).await;

    let (status, quote) = t
        .post_json(&deliveries("alpha", "/quotes"), &quote_body(None), None)
        .await;
    assert_eq!(status, 200, "{quote}");
    assert_eq!(
        (quote["zone"].as_str(), quote["sla"].as_str()),
        (Some("main-urban"), Some("instant"))
    );
    assert_eq!(quote["failures"], json!([]), "{quote}");
    assert_eq!(
        quote["offers"].as_array().unwrap().len(),
        3,
        "express, economy, riders"
    );
    assert_eq!(quote["pick"]["courier"], "flash", "{quote}");
    assert!(
        quote["pick"]["offer_id"]
            .as_str()
            .unwrap()
            .starts_with("express-")
    );

    let body = json!({ "quote_id": quote["id"] });
    let key = Some("dispatch-1");
    let (status, first) = t.post_json(&deliveries("alpha", ""), &body, key).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["courier"], "flash");
    assert!(
        first["courier_reference"]
            .as_str()
            .unwrap()
            .starts_with("dlv-")
    );
    let (status, again) = t.post_json(&deliveries("alpha", ""), &body, key).await;
    assert_eq!(
        (status, &again["id"]),
        (201, &first["id"]),
        "a retried dispatch books once"
    );

    let id = first["id"].as_str().unwrap();
    let done = wait_for(&t, "alpha", id, |d| d["status"] == "delivered").await;
    let history: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        ["assigning", "picked-up", "in-transit", "delivered"],
        "{done}"
    );
    assert_eq!(
        (&done["breach"], &done["claim"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        deliveries_today(&t, "alpha").await,
        (json!(1), json!(100.0)),
        "one delivery, on time"
    );
    let (status, body) = t
        .post_json(
            &deliveries("alpha", &format!("/{id}/cancel")),
            &json!({}),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("delivery_state")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_is_quoted_dispatched_and_followed_until_the_courier_delivers_it() {
    quote_dispatch_deliver(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_is_dispatched_and_followed_on_postgres() {
    match db::postgres_url() {
        Some(base) => quote_dispatch_deliver(Some(db::fresh_postgres_url(&base).await)).await,
        None => db::skip_postgres("a_delivery_is_dispatched_and_followed_on_postgres"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pick_rule_takes_the_cheapest_or_the_fastest_offer_that_meets_the_deadline() {
    let sim = start_sim().await;
    let config = [
        district("cheap", "cheapest.toml", &sim.url(), &grant(&sim), ""),
        district("quick", "fastest.toml", &sim.url(), &grant(&sim), ""),
    ]
    .concat();
    // `rush` (1.5 s): the riders' ~3 s ETA misses it, the courier's meets it.
    let files = [
        ("cheapest.toml", logistics_file("cheapest", 0.025)),
        ("fastest.toml", logistics_file("fastest", 0.025)),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    let t = TestServer::start_with_files(&config, &files, None).await;

    let pick = |district: &'static str, sla: &'static str| {
        let t = &t;
        async move {
            let (status, quote) = t
                .post_json(
                    &deliveries(district, "/quotes"),
                    &quote_body(Some(sla)),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{quote}");
            let pick = &quote["pick"];
            (
                pick["courier"].as_str().unwrap().to_owned(),
                pick["offer_id"].as_str().unwrap().to_owned(),
                quote,
            )
        }
    };
    let (courier, _, quote) = pick("cheap", "instant").await;
    assert_eq!(courier, "riders", "cheapest: {quote}");
    let (courier, offer, quote) = pick("quick", "instant").await;
    assert_eq!(
        (courier.as_str(), &offer[..8]),
        ("flash", "express-"),
        "fastest: {quote}"
    );
    let (courier, offer, quote) = pick("cheap", "rush").await;
    assert_eq!(
        (courier.as_str(), &offer[..8]),
        ("flash", "economy-"),
        "{quote}"
    );
    let riders = quote["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["courier"] == "riders")
        .unwrap();
    assert_eq!(riders["meets_deadline"], false, "{quote}");
}

const COMMERCE: &str = r#"
[guarantee]
fund_initial_balance = 100000
max_payout_per_claim = 3000
allowed_reasons = ["late", "not-delivered"]

[[merchant]]
id = "hotpot"
name = "Xiaolongkan Hotpot"
category = "hotpot"
floor = "L5"
opening_hours = "00:00-23:59"
location = "Unit 5-02"

[[merchant.item]]
id = "pot-base"
name = "Spicy hotpot base"
kind = "goods"
price = 4800
stock = 100
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_delivery_of_an_order_opens_a_claim_paid_from_the_guarantee_fund() {
    let sim = start_sim().await;
    let payment = format!(
        "commerce = \"commerce.toml\"\n\n[[district.plugin]]\nid = \"payment\"\n\
         kind = \"payment\"\npath = \"{}\"",
        plugin("payment_sim.wasm").display()
    );
    let config = district(
        "alpha",
        "logistics.toml",
        &sim.url(),
        &grant(&sim),
        &payment,
    );
    // `rush` is 1.2 s; the courier promises ~0.6 s but meets traffic.
    let file = logistics_file("fastest", 0.02);
    let files = [
        ("logistics.toml", file.as_str()),
        ("commerce.toml", COMMERCE),
    ];
    let t = TestServer::start_with_files(&config, &files, None).await;
    let http = reqwest::Client::new();
    let sim_conditions = format!("{}/v1/conditions", sim.url());
    let put = http
        .put(&sim_conditions)
        .json(&json!({ "delay_ms": 2500 }))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);

    let address = "18 Guanyinqiao Pedestrian Street";
    let orders = "/api/v1/districts/alpha/commerce/orders";
    let order = json!({ "items": [{ "item": "pot-base", "quantity": 1 }],
        "fulfilment": "delivery", "delivery_address": address });
    let send = |path: String, body: Value| {
        http.post(t.url(&path))
            .header("x-shopper-id", "shopper-1")
            .json(&body)
            .send()
    };
    let placed: Value = send(orders.into(), order)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let order_id = placed["order"]["id"].as_str().unwrap().to_owned();
    let paid = send(
        format!("{orders}/{order_id}/pay"),
        json!({ "method": "tok_ok" }),
    )
    .await
    .unwrap();
    assert_eq!(paid.status(), 200);

    let (status, quote) = t
        .post_json(
            &deliveries("alpha", "/quotes"),
            &quote_body(Some("rush")),
            None,
        )
        .await;
    assert_eq!(status, 200, "{quote}");
    let dispatch = json!({ "quote_id": quote["id"], "order_id": order_id });
    let (status, body) = t.post_json(&deliveries("alpha", ""), &dispatch, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("unauthorized")),
        "{body}"
    );
    let token = t
        .server
        .plaza
        .commerce
        .issue_merchant_token("alpha", "hotpot")
        .await
        .unwrap();
    let response = http
        .post(t.url(&deliveries("alpha", "")))
        .bearer_auth(&token)
        .json(&dispatch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let delivery: Value = response.json().await.unwrap();
    let id = delivery["id"].as_str().unwrap();

    let late = wait_for(&t, "alpha", id, |d| !d["claim"].is_null()).await;
    assert_eq!(late["breach"], "late", "{late}");
    let claim = &late["claim"];
    assert_eq!(
        (claim["status"].as_str(), claim["amount"].as_i64()),
        (Some("paid"), Some(700)),
        "{late}"
    );
    let (_, fund) = t.get_json("/api/v1/districts/alpha/commerce/fund").await;
    assert_eq!(
        (fund["balance"].as_i64(), fund["paid_out"].as_i64()),
        (Some(99_300), Some(700)),
        "{fund}"
    );
    let (_, claims) = t.get_json(&deliveries("alpha", "/claims")).await;
    assert_eq!(
        claims[0]["commerce_claim_id"], claim["commerce_claim_id"],
        "{claims}"
    );

    wait_for(&t, "alpha", id, |d| d["status"] == "delivered").await;
    assert_eq!(
        deliveries_today(&t, "alpha").await,
        (json!(1), json!(0.0)),
        "one delivery, late"
    );
    let started = Instant::now();
    loop {
        let response = http
            .get(t.url(&format!("{orders}/{order_id}")))
            .header("x-shopper-id", "shopper-1")
            .send()
            .await
            .unwrap();
        let order: Value = response.json().await.unwrap();
        if order["order"]["status"] == "delivered" {
            assert_eq!(order["order"]["claimed"], 700, "{order}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{order}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_courier_calling_outside_its_allow_list_is_refused_and_the_other_still_quotes() {
    let sim = start_sim().await;
    // The grant names another loopback port than the courier's API.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let other = elsewhere.local_addr().unwrap().to_string();
    let config = district("alpha", "logistics.toml", &sim.url(), &other, "");
    let file = logistics_file("cheapest", 0.5);
    let t = TestServer::start_with_files(&config, &[("logistics.toml", &file)], None).await;

    let (status, quote) = t
        .post_json(&deliveries("alpha", "/quotes"), &quote_body(None), None)
        .await;
    assert_eq!(status, 200, "{quote}");
    let failures = quote["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{quote}");
    assert_eq!(failures[0]["courier"], "flash");
    assert!(
        failures[0]["reason"].as_str().unwrap().contains("Denied"),
        "{quote}"
    );
    let offers = quote["offers"].as_array().unwrap();
    assert!(
        !offers.is_empty() && offers.iter().all(|o| o["courier"] == "riders"),
        "{quote}"
    );
    assert_eq!(quote["pick"]["courier"], "riders");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_delivery_requests_get_4xx_json_naming_the_problem() {
    let sim = start_sim().await;
    let config = [
        district("alpha", "logistics.toml", &sim.url(), &grant(&sim), ""),
        "\n[[district]]\nid = \"beta\"\nname = \"Beta\"\n".to_owned(),
    ]
    .concat();
    let file = logistics_file("cheapest", 0.5);
    let t = TestServer::start_with_files(&config, &[("logistics.toml", &file)], None).await;
    let quotes = deliveries("alpha", "/quotes");

    let mut far = quote_body(None);
    far["dropoff"]["lat"] = json!(31.2304);
    far["dropoff"]["lon"] = json!(121.4737);
    let mut heavy = quote_body(None);
    heavy["parcel"]["weight_grams"] = json!(0);
    let mut no_size = quote_body(None);
    no_size["parcel"].as_object_mut().unwrap().remove("size");
    let cases = [
        (quotes.clone(), no_size, 400, "invalid_body"),
        (quotes.clone(), heavy, 400, "invalid_request"),
        (quotes.clone(), far, 422, "outside_delivery_area"),
        (
            quotes.clone(),
            quote_body(Some("24h")),
            422,
            "sla_not_offered",
        ),
        (
            deliveries("nowhere", "/quotes"),
            quote_body(None),
            404,
            "unknown_district",
        ),
        (
            deliveries("beta", "/quotes"),
            quote_body(None),
            404,
            "no_logistics",
        ),
        (
            deliveries("alpha", ""),
            json!({ "quote_id": "quo_missing" }),
            404,
            "unknown_quote",
        ),
        (
            deliveries("alpha", ""),
            json!({ "quote": "x" }),
            400,
            "invalid_body",
        ),
    ];
    for (path, body, status, code) in cases {
        let (got, reply) = t.post_json(&path, &body, None).await;
        assert_eq!(
            (got, reply["code"].as_str()),
            (status, Some(code)),
            "{path} {body}: {reply}"
        );
        assert!(reply["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (status, reply) = t.get_json(&deliveries("alpha", "/dlv_missing")).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (404, Some("unknown_delivery"))
    );

    let (_, quote) = t.post_json(&quotes, &quote_body(None), None).await;
    let choice =
        json!({ "quote_id": quote["id"], "offer": { "courier": "riders", "offer_id": "nope" } });
    let (status, reply) = t.post_json(&deliveries("alpha", ""), &choice, None).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (422, Some("no_offer")),
        "{reply}"
    );
}

#[test]
fn a_bad_logistics_file_is_refused_naming_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("plaza.toml");
    std::fs::write(
        &config,
        "[[district]]\nid = \"alpha\"\nname = \"A\"\nlogistics = \"l.toml\"\n",
    )
    .unwrap();
    let cases = [
        (logistics_file("nearest", 1.0), "pick"),
        (logistics_file("cheapest", -1.0), "sla[1].minutes"),
        (
            logistics_file("cheapest", 1.0).replace("sla = [\"24h\"]", "sla = [\"48h\"]"),
            "zone[1].sla[0]",
        ),
        (
            logistics_file("cheapest", 1.0).replace("radius_km = 60.0", "radius_km = 0.0"),
            "zone[1].radius_km",
        ),
    ];
    for (text, key) in cases {
        std::fs::write(dir.path().join("l.toml"), text).unwrap();
        let e = plaza::config::load(&config).unwrap_err();
        assert_eq!(e.key, key, "{e}");
        assert!(e.file.ends_with("l.toml"), "{e}");
    }
}
