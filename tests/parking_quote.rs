//! `GET /api/v1/districts/{district}/parking/quote`, priced by each
//! district's own pricing plugin.

use crate::support::{TestServer, two_district_config};

const STAY: &str = "start=2026-12-03T10:00:00%2B08:00&end=2026-12-03T12:30:00%2B08:00";

#[tokio::test]
async fn two_districts_price_the_same_stay_differently() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, alpha) = t
        .get_json(&format!("/api/v1/districts/alpha/parking/quote?{STAY}"))
        .await;
    assert_eq!(status, 200, "{alpha}");
    let (status, beta) = t
        .get_json(&format!("/api/v1/districts/beta/parking/quote?{STAY}"))
        .await;
    assert_eq!(status, 200, "{beta}");
    // 150 minutes: first hour + 2 further hours at 500.
    assert_eq!(alpha["total"], 800 + 2 * 500);
    assert_eq!(beta["total"], 1200 + 2 * 500);
    assert_eq!(alpha["minutes"], 150);
    assert_eq!(alpha["currency"], "CNY");
    let lines: i64 = alpha["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(lines, 1800);
}

#[tokio::test]
async fn vehicle_and_space_category_reach_the_plugin() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, body) = t
        .get_json(&format!(
            "/api/v1/districts/alpha/parking/quote?{STAY}&vehicle=motorcycle&category=motorcycle"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t
        .get_json(&format!(
            "/api/v1/districts/alpha/parking/quote?{STAY}&vehicle=car&category=motorcycle"
        ))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("not_offered")),
        "{body}"
    );
}

#[tokio::test]
async fn bad_quote_requests_get_a_4xx_naming_the_problem() {
    let t = TestServer::start(&two_district_config()).await;
    let cases = [
        (
            "start=yesterday&end=2026-12-03T12:30:00%2B08:00",
            400,
            "invalid_timestamp",
        ),
        ("end=2026-12-03T12:30:00%2B08:00", 400, "invalid_query"),
        (
            &format!("{STAY}&vehicle=boat") as &str,
            400,
            "invalid_query",
        ),
        (
            "start=2026-12-03T12:00:00%2B08:00&end=2026-12-03T10:00:00%2B08:00",
            422,
            "invalid_stay",
        ),
        (
            "start=2026-12-03T10:00:00%2B08:00&end=2026-12-06T10:00:00%2B08:00",
            422,
            "invalid_stay",
        ),
    ];
    for (query, status, code) in cases {
        let (got, body) = t
            .get_json(&format!("/api/v1/districts/alpha/parking/quote?{query}"))
            .await;
        assert_eq!(
            (got, body["code"].as_str()),
            (status, Some(code)),
            "{query}: {body}"
        );
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    let (status, body) = t
        .get_json(&format!("/api/v1/districts/nowhere/parking/quote?{STAY}"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_district"))
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, doc) = t.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/districts",
        "/api/v1/districts/{district}/parking/quote",
        "/api/v1/districts/{district}/parking/car-parks",
        "/api/v1/districts/{district}/parking/car-parks/{car_park}/stats",
        "/api/v1/districts/{district}/parking/guidance",
        "/api/v1/districts/{district}/parking/reservations",
        "/api/v1/districts/{district}/parking/reservations/{reservation}/pay",
        "/api/v1/openapi.json",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    let (status, districts) = t.get_json("/api/v1/districts").await;
    assert_eq!(status, 200);
    assert_eq!(districts.as_array().unwrap().len(), 2);
}
