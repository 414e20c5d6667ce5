//! Car parks and their live availability: counted from the spaces that
//! `observe_space` updates, FIWARE field names, guidance, `near`.

use crate::support::parking::{parking_server, parking_servers};
use chrono::{Duration, Utc};

const SMALL: &str = "/api/v1/districts/alpha/parking/car-parks/small";

#[tokio::test]
async fn availability_follows_space_observations() {
    for (backend, t) in parking_servers("availability_follows_space_observations").await {
        let parking = &t.server.plaza.parking;
        let (status, park) = t.get_json(SMALL).await;
        assert_eq!(status, 200, "{backend}: {park}");
        assert_eq!(park["type"], "OffStreetParking");
        assert_eq!(park["totalSpotNumber"], 5, "{backend}");
        // Nothing observed yet: no space is known to be free.
        assert_eq!(park["availableSpotNumber"], 0, "{backend}");
        assert_eq!(park["dateObserved"], serde_json::Value::Null);

        let at = Utc::now();
        for n in 1..=5 {
            let space = format!("small-b1-00{n}");
            parking
                .observe_space("alpha", &space, n <= 2, at)
                .await
                .unwrap();
        }
        let (_, park) = t.get_json(SMALL).await;
        assert_eq!(park["availableSpotNumber"], 3, "{backend}: {park}");
        assert_eq!(park["occupiedSpotNumber"], 2, "{backend}");
        assert_eq!(park["occupancy"], 0.4, "{backend}");
        assert_eq!(park["firstAvailableFloor"], "B1", "{backend}");
        assert!(park["dateObserved"].is_string(), "{backend}: {park}");

        // A car leaves; an older, reordered reading changes nothing.
        let later = at + Duration::seconds(30);
        parking
            .observe_space("alpha", "small-b1-001", false, later)
            .await
            .unwrap();
        let stale = parking
            .observe_space("alpha", "small-b1-001", true, at)
            .await
            .unwrap();
        assert!(!stale.recorded, "{backend}");
        let (_, park) = t.get_json(SMALL).await;
        assert_eq!(park["availableSpotNumber"], 4, "{backend}: {park}");

        let (status, spaces) = t.get_json(&format!("{SMALL}/spaces")).await;
        assert_eq!(status, 200);
        let spaces = spaces.as_array().unwrap();
        assert_eq!(spaces.len(), 5);
        assert_eq!(spaces[1]["id"], "small-b1-002");
        assert_eq!(spaces[1]["status"], "occupied", "{backend}");
        assert_eq!(spaces[1]["refParkingSite"], "small");

        let unknown = parking.observe_space("alpha", "nowhere", true, at).await;
        assert!(unknown.is_err(), "{backend}");
    }
}

#[tokio::test]
async fn car_parks_near_a_point_come_nearest_first_within_the_radius() {
    let t = parking_server().await;
    let base = "/api/v1/districts/alpha/parking/car-parks";
    let (status, all) = t.get_json(base).await;
    assert_eq!(status, 200);
    assert_eq!(all.as_array().unwrap().len(), 2);
    let (_, near) = t
        .get_json(&format!("{base}?near=29.5601,106.5801&radius_m=5000"))
        .await;
    let ids: Vec<_> = near
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids, ["big", "small"], "{near}");
    assert!(near[0]["distance"].as_f64().unwrap() < 50.0);
    let (_, close) = t
        .get_json(&format!("{base}?near=29.5601,106.5801&radius_m=100"))
        .await;
    assert_eq!(close.as_array().unwrap().len(), 1, "{close}");
    let (status, body) = t.get_json(&format!("{base}?near=north")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_query"))
    );
}

#[tokio::test]
async fn guidance_leads_to_the_nearest_car_park_with_room() {
    let t = parking_server().await;
    let parking = &t.server.plaza.parking;
    let now = Utc::now();
    // `small` is full; `big` has room only on B2.
    for n in 1..=5 {
        let space = format!("small-b1-00{n}");
        parking
            .observe_space("alpha", &space, true, now)
            .await
            .unwrap();
    }
    for n in 1..=30 {
        let space = format!("big-b1-{n:03}");
        parking
            .observe_space("alpha", &space, true, now)
            .await
            .unwrap();
    }
    parking
        .observe_space("alpha", "big-b2-004", false, now)
        .await
        .unwrap();

    let near_small = "lat=29.5575&lon=106.5775";
    let (status, guide) = t
        .get_json(&format!(
            "/api/v1/districts/alpha/parking/guidance?{near_small}"
        ))
        .await;
    assert_eq!(status, 200, "{guide}");
    let guide = guide.as_array().unwrap();
    assert_eq!(guide.len(), 1, "{guide:?}");
    assert_eq!(guide[0]["carPark"], "big");
    assert_eq!(guide[0]["firstAvailableFloor"], "B2");
    assert_eq!(guide[0]["availableSpotNumber"], 1);
    assert_eq!(guide[0]["entrance"]["id"], "big-gate");
    assert_eq!(
        guide[0]["entrance"]["location"]["coordinates"],
        serde_json::json!([106.5801, 29.5601])
    );
    let distance = guide[0]["distance"].as_f64().unwrap();
    assert!((300.0..450.0).contains(&distance), "{distance}");
}

#[tokio::test]
async fn gate_counts_and_stays_become_flow_statistics() {
    for (backend, t) in parking_servers("gate_counts_and_stays_become_flow_statistics").await {
        let parking = &t.server.plaza.parking;
        let hour = Utc::now() - Duration::hours(3);
        let hour = hour - Duration::seconds(hour.timestamp() % 3600);
        let at = |min: i64| hour + Duration::minutes(min);
        parking
            .observe_gate("alpha", "small-gate", 3, 0, at(5))
            .await
            .unwrap();
        parking
            .observe_gate("alpha", "small", 1, 2, at(50))
            .await
            .unwrap();
        parking
            .observe_gate("alpha", "small-gate", 0, 1, at(70))
            .await
            .unwrap();
        assert!(
            parking
                .observe_gate("alpha", "nowhere", 1, 0, at(1))
                .await
                .is_err()
        );
        // Two stays: 30 and 90 minutes.
        parking
            .observe_space("alpha", "small-b1-001", true, at(10))
            .await
            .unwrap();
        parking
            .observe_space("alpha", "small-b1-002", true, at(20))
            .await
            .unwrap();
        parking
            .observe_space("alpha", "small-b1-001", false, at(40))
            .await
            .unwrap();
        parking
            .observe_space("alpha", "small-b1-002", false, at(110))
            .await
            .unwrap();

        let esc = |t: chrono::DateTime<Utc>| t.to_rfc3339().replace('+', "%2B");
        let (from, to) = (esc(at(0)), esc(at(180)));
        let query = format!("{SMALL}/stats?from={from}&to={to}");
        let (status, stats) = t.get_json(&query).await;
        assert_eq!(status, 200, "{backend}: {stats}");
        assert_eq!(stats["vehicleEntranceCount"], 4, "{backend}: {stats}");
        assert_eq!(stats["vehicleExitCount"], 3, "{backend}");
        let hours = stats["hours"].as_array().unwrap();
        assert_eq!(hours.len(), 2, "{backend}: {stats}");
        assert_eq!(hours[0]["vehicleEntranceCount"], 4);
        assert_eq!(hours[0]["vehicleExitCount"], 2);
        assert_eq!(hours[1]["vehicleExitCount"], 1);
        // Peak of two cars out of five spaces in the first hour.
        assert_eq!(hours[0]["peakOccupancy"], 0.4, "{backend}: {stats}");
        assert_eq!(stats["staysStarted"], 2);
        assert_eq!(stats["staysEnded"], 2);
        assert_eq!(stats["averageStayMinutes"], 60.0, "{backend}: {stats}");
        assert_eq!(stats["turnover"], 0.4);

        let (status, body) = t
            .get_json(&format!("{SMALL}/stats?from={to}&to={from}"))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("invalid_query"))
        );
    }
}
