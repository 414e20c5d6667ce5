//! Utility bills: looked up and paid through the `utility-bills` plugin,
//! which calls the simulated provider over allow-listed outbound HTTP;
//! the money is taken by the `payment-sim` plugin. A bill is paid once:
//! a retried request pays once, and paying a paid bill is refused.

use crate::support::{TestServer, db, plugin};
use plaza::services::sim_utility::{RunningSim, SimUtility};
use plaza::storage::KvScope;
use serde_json::json;

fn config(sim: &RunningSim, district: &str) -> String {
    format!(
        r#"
[[district]]
id = "{district}"
name = "Bills district"

[[district.plugin]]
id = "payment"
kind = "payment"
path = "{payment}"

[[district.plugin]]
id = "utility"
kind = "public-service"
path = "{utility}"
config = {{ base_url = "{url}" }}
grants = {{ outbound_hosts = ["{host}"] }}
"#,
        payment = plugin("payment_sim.wasm").display(),
        utility = plugin("utility_bills.wasm").display(),
        url = sim.url(),
        host = sim.addr,
    )
}

/// Every payment the payment plugin has made in `district`.
async fn charges(t: &TestServer, district: &str) -> usize {
    let scope = KvScope {
        district: district.into(),
        plugin: "payment".into(),
    };
    let storage = &t.server.plaza.storage;
    storage
        .kv()
        .list_keys(&scope, "payment/", 100)
        .await
        .unwrap()
        .len()
}

/// A provider with one water bill, and a server paying through it.
async fn setup(database: Option<String>) -> (SimUtility, RunningSim, TestServer, String) {
    let sim = SimUtility::default();
    let bill = sim.add_bill("water", "ACC-1001", 4_860, "2026-11", "2026-12-15");
    let running = sim.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let t = TestServer::start_with(&config(&running, "alpha"), database).await;
    (sim, running, t, bill)
}

async fn a_bill_is_looked_up_and_paid_once(database: Option<String>) {
    let (sim, _running, t, bill) = setup(database).await;

    let (status, found) = t
        .get_json("/api/v1/districts/alpha/bills/water/ACC-1001")
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["id"], bill.as_str());
    assert_eq!(found["amount_due"], 4_860);
    assert_eq!(found["period"], "2026-11");
    assert_eq!(found["due_date"], "2026-12-15");
    assert_eq!(found["paid"], false);

    let pay = format!("/api/v1/districts/alpha/bills/{bill}/pay");
    let body = json!({ "method": "tok_visa" });
    let (status, receipt) = t.post_json(&pay, &body, Some("pay-water-1")).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["bill_id"], bill.as_str());
    assert_eq!(receipt["amount"], 4_860);
    assert!(
        receipt["receipt_id"].as_str().unwrap().starts_with("rcpt-"),
        "{receipt}"
    );
    let payment_id = receipt["payment_id"].as_str().unwrap();
    assert!(payment_id.starts_with("sim_"), "{receipt}");

    // The provider recorded the payment under the payment plugin's id.
    let recorded = sim.payments();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].payment_reference, payment_id);

    // The same request retried with the same key pays nothing more.
    let response = t
        .client
        .post(t.url(&pay))
        .header("idempotency-key", "pay-water-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["idempotent-replayed"], "true");
    let replayed: serde_json::Value = response.json().await.unwrap();
    assert_eq!(replayed, receipt);
    assert_eq!(sim.payments().len(), 1, "the provider recorded one payment");
    assert_eq!(
        charges(&t, "alpha").await,
        1,
        "the payment plugin charged once"
    );

    // Another attempt (new key) at the paid bill is refused.
    let (status, refused) = t.post_json(&pay, &body, Some("pay-water-2")).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (409, Some("bill_already_paid")),
        "{refused}"
    );
    assert_eq!(sim.payments().len(), 1);
    assert_eq!(charges(&t, "alpha").await, 1);

    // The account owes nothing any more.
    let (status, none) = t
        .get_json("/api/v1/districts/alpha/bills/water/ACC-1001")
        .await;
    assert_eq!(
        (status, none["code"].as_str()),
        (404, Some("unknown_bill")),
        "{none}"
    );
}

#[tokio::test]
async fn a_bill_lookup_and_payment_returns_a_receipt_and_a_retry_pays_once() {
    a_bill_is_looked_up_and_paid_once(None).await;
}

#[tokio::test]
async fn a_bill_lookup_and_payment_returns_a_receipt_and_a_retry_pays_once_on_postgres() {
    let Some(base) = db::postgres_url() else {
        db::skip_postgres("bills paid once");
        return;
    };
    a_bill_is_looked_up_and_paid_once(Some(db::fresh_postgres_url(&base).await)).await;
}

#[tokio::test]
async fn a_bill_already_paid_at_the_provider_is_refused_with_409_and_nothing_charged() {
    let (sim, running, t, bill) = setup(None).await;
    // Paid through another channel, straight at the provider.
    let direct = reqwest::Client::new()
        .post(format!("{}/v1/bills/{bill}/payments", running.url()))
        .json(&json!({ "reference": "counter-cash-17", "amount": 4_860 }))
        .send()
        .await
        .unwrap();
    assert_eq!(direct.status(), 201);

    let pay = format!("/api/v1/districts/alpha/bills/{bill}/pay");
    let (status, body) = t
        .post_json(&pay, &json!({ "method": "tok_visa" }), Some("k1"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("bill_already_paid")),
        "{body}"
    );
    assert_eq!(sim.payments().len(), 1);
    assert_eq!(charges(&t, "alpha").await, 0, "nothing was charged");
}

#[tokio::test]
async fn a_declined_payment_leaves_the_bill_open_and_unknown_bills_are_404() {
    let (sim, _running, t, bill) = setup(None).await;
    let pay = format!("/api/v1/districts/alpha/bills/{bill}/pay");
    let (status, body) = t
        .post_json(&pay, &json!({ "method": "tok_decline" }), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("payment_declined")),
        "{body}"
    );
    assert!(sim.payments().is_empty());

    let (status, receipt) = t
        .post_json(&pay, &json!({ "method": "tok_visa" }), None)
        .await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(sim.payments().len(), 1);

    let (status, body) = t
        .post_json(
            "/api/v1/districts/alpha/bills/wtr-1999-01-nobody/pay",
            &json!({ "method": "tok_visa" }),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_bill")),
        "{body}"
    );
    let (status, body) = t
        .get_json("/api/v1/districts/alpha/bills/steam/ACC-1001")
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
}

#[tokio::test]
async fn the_provider_is_unreachable_without_an_outbound_grant() {
    let sim = SimUtility::with_demo_accounts();
    let running = sim.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let config = config(&running, "alpha").replace(
        &format!("grants = {{ outbound_hosts = [\"{}\"] }}", running.addr),
        "grants = { outbound_hosts = [\"127.0.0.1:1\"] }",
    );
    let t = TestServer::start(&config).await;
    let (status, body) = t
        .get_json("/api/v1/districts/alpha/bills/water/JFB-100861")
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (502, Some("provider_unavailable")),
        "{body}"
    );
    let message = body["message"].as_str().unwrap().to_lowercase();
    assert!(message.contains("denied"), "{body}");
}

#[tokio::test]
async fn an_uploaded_utility_provider_is_recognised_as_a_public_service() {
    let sim = SimUtility::default();
    let running = sim.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let t = TestServer::start(&config(&running, "alpha")).await;
    let role = plaza::admin::Role::CityAdmin;
    let token = plaza::admin::create_token(&t.server.plaza.storage, &role, "test")
        .await
        .unwrap()
        .secret;
    let upload = |slot: &'static str| {
        t.client
            .post(t.url(&format!(
                "/admin/v1/districts/alpha/plugins/{slot}/versions"
            )))
            .bearer_auth(&token)
            .body(std::fs::read(plugin("utility_bills.wasm")).unwrap())
            .send()
    };
    let accepted = upload("utility").await.unwrap();
    assert_eq!(accepted.status(), 201, "{}", accepted.text().await.unwrap());
    let refused = upload("payment").await.unwrap();
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "wrong_kind", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("public-service"),
        "{body}"
    );
}
