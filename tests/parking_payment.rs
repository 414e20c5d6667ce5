//! Paying for reservations through the simulated payment plugin:
//! confirmed only when paid, declines leave the hold, idempotent retries
//! charge once, cancelling refunds, sensors check in and out.

use crate::support::parking::{parking_server, reserve_body, window};
use plaza::storage::KvScope;
use serde_json::json;

const RESERVE: &str = "/api/v1/districts/alpha/parking/reservations";

async fn payments_made(t: &crate::support::TestServer) -> Vec<String> {
    let scope = KvScope {
        district: "alpha".into(),
        plugin: "payment".into(),
    };
    t.server
        .plaza
        .storage
        .kv()
        .list_keys(&scope, "payment/", 100)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_paid_reservation_is_confirmed_and_a_declined_one_is_not() {
    let t = parking_server().await;
    let (_, held) = t
        .post_json(RESERVE, &reserve_body("small", &window(30, 60)), None)
        .await;
    let id = held["id"].as_str().unwrap();
    let pay = format!("{RESERVE}/{id}/pay");

    let (status, body) = t
        .post_json(&pay, &json!({ "method": "tok_decline" }), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("payment_declined")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("card declined"));
    let (_, still) = t.get_json(&format!("{RESERVE}/{id}")).await;
    assert_eq!(still["status"], "held", "{still}");
    assert_eq!(still["payment_id"], serde_json::Value::Null);

    let (status, paid) = t
        .post_json(&pay, &json!({ "method": "tok_visa" }), None)
        .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["status"], "confirmed");
    assert!(paid["payment_id"].as_str().unwrap().starts_with("sim_"));
    assert_eq!(payments_made(&t).await.len(), 2, "one declined, one taken");

    // Cancelling before the start refunds in full.
    let (status, cancelled) = t
        .post_json(&format!("{RESERVE}/{id}/cancel"), &json!({}), None)
        .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["refunded"], paid["amount"]);
}

#[tokio::test]
async fn a_retried_request_with_the_same_idempotency_key_charges_once() {
    let t = parking_server().await;
    let body = reserve_body("small", &window(30, 60));
    let (first_status, first) = t.post_json(RESERVE, &body, Some("hold-1")).await;
    let (again_status, again) = t.post_json(RESERVE, &body, Some("hold-1")).await;
    assert_eq!((first_status, again_status), (201, 201));
    assert_eq!(first, again, "a retry gets the first response");
    let (_, park) = t
        .get_json("/api/v1/districts/alpha/parking/car-parks/small")
        .await;
    assert_eq!(park["totalSpotNumber"], 5);

    let id = first["id"].as_str().unwrap();
    let pay = format!("{RESERVE}/{id}/pay");
    let method = json!({ "method": "tok_visa" });
    let first = t
        .client
        .post(t.url(&pay))
        .header("idempotency-key", "pay-1")
        .json(&method);
    let first = first.send().await.unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let first: serde_json::Value = first.json().await.unwrap();
    let retry = t
        .client
        .post(t.url(&pay))
        .header("idempotency-key", "pay-1")
        .json(&method);
    let retry = retry.send().await.unwrap();
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: serde_json::Value = retry.json().await.unwrap();
    assert_eq!(first, retry);
    // A second attempt under a new key finds the reservation paid.
    let (status, _) = t.post_json(&pay, &method, Some("pay-2")).await;
    assert_eq!(status, 200);
    assert_eq!(payments_made(&t).await.len(), 1, "charged exactly once");

    // The same key for a different request is refused.
    let (status, body) = t
        .post_json(&pay, &json!({ "method": "tok_other" }), Some("pay-1"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
}

#[tokio::test]
async fn a_car_on_a_paid_space_checks_the_reservation_in_and_out() {
    let t = parking_server().await;
    let (_, held) = t
        .post_json(RESERVE, &reserve_body("small", &window(5, 60)), None)
        .await;
    let id = held["id"].as_str().unwrap();
    let space = held["space"].as_str().unwrap();
    let (status, _) = t
        .post_json(
            &format!("{RESERVE}/{id}/pay"),
            &json!({ "method": "tok_visa" }),
            None,
        )
        .await;
    assert_eq!(status, 200);

    let parking = &t.server.plaza.parking;
    let now = chrono::Utc::now();
    let seen = parking
        .observe_space("alpha", space, true, now)
        .await
        .unwrap();
    assert_eq!(seen.checked_in.as_deref(), Some(id));
    let (_, body) = t.get_json(&format!("{RESERVE}/{id}")).await;
    assert_eq!(body["status"], "checked_in", "{body}");
    let later = now + chrono::Duration::minutes(50);
    let seen = parking
        .observe_space("alpha", space, false, later)
        .await
        .unwrap();
    assert_eq!(seen.checked_out.as_deref(), Some(id));
    let (_, body) = t.get_json(&format!("{RESERVE}/{id}")).await;
    assert_eq!(body["status"], "completed", "{body}");
    let (status, body) = t
        .post_json(&format!("{RESERVE}/{id}/cancel"), &json!({}), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("reservation_state"))
    );
}
