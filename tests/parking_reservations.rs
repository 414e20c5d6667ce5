//! Reservations: never double-booked under concurrency on either
//! database, holds that lapse, hostile pricing plugins, bad input.

use crate::support::parking::{parking_server, parking_servers, reserve_body, window};
use std::collections::HashSet;
use std::time::Duration;

const RESERVE: &str = "/api/v1/districts/alpha/parking/reservations";

#[tokio::test]
async fn two_hundred_concurrent_reservations_for_five_spaces_get_exactly_five() {
    for (backend, t) in
        parking_servers("two_hundred_concurrent_reservations_for_five_spaces_get_exactly_five")
            .await
    {
        let body = reserve_body("small", &window(60, 120));
        let t = std::sync::Arc::new(t);
        let attempts: Vec<_> = (0..200)
            .map(|_| {
                let (t, body) = (t.clone(), body.clone());
                tokio::spawn(async move { t.post_json(RESERVE, &body, None).await })
            })
            .collect();
        let mut spaces = Vec::new();
        let mut refused = 0;
        for attempt in attempts {
            let (status, body) = attempt.await.unwrap();
            match status {
                201 => spaces.push(body["space"].as_str().unwrap().to_owned()),
                409 => {
                    assert_eq!(body["code"], "no_space", "{backend}: {body}");
                    refused += 1;
                }
                other => panic!("{backend}: unexpected {other}: {body}"),
            }
        }
        assert_eq!(spaces.len(), 5, "{backend}: {spaces:?}");
        assert_eq!(refused, 195, "{backend}");
        let distinct: HashSet<_> = spaces.iter().collect();
        assert_eq!(
            distinct.len(),
            5,
            "{backend}: a space was held twice: {spaces:?}"
        );

        // A window that does not overlap is still free.
        let (status, body) = t
            .post_json(RESERVE, &reserve_body("small", &window(240, 60)), None)
            .await;
        assert_eq!(status, 201, "{backend}: {body}");
    }
}

#[tokio::test]
async fn an_unpaid_hold_lapses_and_frees_its_space() {
    let t = parking_server().await;
    let win = window(30, 60);
    let mut first = None;
    for _ in 0..5 {
        let (status, body) = t
            .post_json(RESERVE, &reserve_body("small", &win), None)
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["status"], "held");
        assert_eq!(body["amount"], 800, "{body}");
        first.get_or_insert(body);
    }
    let first = first.unwrap();
    let (status, _) = t
        .post_json(RESERVE, &reserve_body("small", &win), None)
        .await;
    assert_eq!(status, 409);

    // The tariff holds for 15 minutes.
    t.server
        .plaza
        .parking
        .clock()
        .advance(Duration::from_secs(16 * 60));
    let (status, body) = t
        .post_json(RESERVE, &reserve_body("small", &win), None)
        .await;
    assert_eq!(status, 201, "{body}");
    let id = first["id"].as_str().unwrap();
    let (_, lapsed) = t.get_json(&format!("{RESERVE}/{id}")).await;
    assert_eq!(lapsed["status"], "expired", "{lapsed}");
    let pay = serde_json::json!({ "method": "tok_visa" });
    let (status, body) = t
        .post_json(&format!("{RESERVE}/{id}/pay"), &pay, None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("reservation_state"))
    );
}

#[tokio::test]
async fn a_given_space_is_reserved_and_then_refused_to_others() {
    let t = parking_server().await;
    let win = window(30, 60);
    let mut body = reserve_body("big", &win);
    body["space"] = "big-b2-003".into();
    let (status, held) = t.post_json(RESERVE, &body, None).await;
    assert_eq!(
        (status, held["space"].as_str()),
        (201, Some("big-b2-003")),
        "{held}"
    );
    let (status, again) = t.post_json(RESERVE, &body, None).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (409, Some("no_space")),
        "{again}"
    );
    body["space"] = "small-b1-001".into();
    let (status, other) = t.post_json(RESERVE, &body, None).await;
    assert_eq!(
        (status, other["code"].as_str()),
        (404, Some("unknown_space"))
    );
}

#[tokio::test]
async fn a_pricing_plugin_that_traps_or_hangs_fails_quotes_and_reservations_only() {
    let t = parking_server().await;
    let win = window(30, 60);
    for (district, status, reason) in [("trap", 502, "trap"), ("slow", 504, "timeout")] {
        let path = format!("/api/v1/districts/{district}/parking/reservations");
        let (got, body) = t.post_json(&path, &reserve_body("small", &win), None).await;
        assert_eq!(
            (got, body["reason"].as_str()),
            (status, Some(reason)),
            "{body}"
        );
        assert_eq!(body["code"], "plugin_failed");
        assert_eq!(body["plugin"], "pricing");
        let quote = format!(
            "/api/v1/districts/{district}/parking/quote?start={}&end={}",
            win.0.replace('+', "%2B"),
            win.1.replace('+', "%2B")
        );
        let (got, body) = t.get_json(&quote).await;
        assert_eq!(
            (got, body["reason"].as_str()),
            (status, Some(reason)),
            "{body}"
        );

        let parks = format!("/api/v1/districts/{district}/parking/car-parks");
        let (got, body) = t.get_json(&parks).await;
        assert_eq!(got, 200, "{body}");
        assert_eq!(body[0]["totalSpotNumber"], 40);
    }
}

#[tokio::test]
async fn bad_reservation_requests_get_a_4xx_naming_the_problem() {
    let t = parking_server().await;
    let raw = t
        .client
        .post(t.url(RESERVE))
        .header("content-type", "application/json")
        .body("{\"car_park\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["code"], "invalid_json", "{body}");
    assert!(!body["message"].as_str().unwrap().is_empty());

    let cases = [
        (
            reserve_body("small", &window(-120, 60)),
            422,
            "invalid_stay",
        ),
        (reserve_body("small", &window(60, -30)), 422, "invalid_stay"),
        (
            reserve_body("small", &window(60, 3000)),
            422,
            "invalid_stay",
        ),
        (
            reserve_body("nowhere", &window(60, 60)),
            404,
            "unknown_car_park",
        ),
        (
            serde_json::json!({ "car_park": "small", "start": "soon", "end": "later" }),
            400,
            "invalid_timestamp",
        ),
        (
            {
                let mut b = reserve_body("small", &window(60, 60));
                b["category"] = "disabled".into();
                b
            },
            422,
            "not_reservable",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = t.post_json(RESERVE, &body, None).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{body}: {answer}"
        );
        assert!(!answer["message"].as_str().unwrap().is_empty());
    }
    let (status, body) = t
        .post_json(
            "/api/v1/districts/nowhere/parking/reservations",
            &reserve_body("small", &window(60, 60)),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_district"))
    );
    let (status, body) = t.get_json(&format!("{RESERVE}/no-such-id")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_reservation"))
    );
}
