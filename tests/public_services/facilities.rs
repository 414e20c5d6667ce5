//! `GET /api/v1/districts/{district}/facilities`: nearest first, filtered
//! by kind, radius and whether open now; bad files and queries are named.

use crate::support::TestServer;

/// Three points on a line north of the origin (~111 m per 0.001°), one
/// always open, one never, one always open ATM.
const FACILITIES: &str = r#"
[[facility]]
id = "toilet-far"
name = "Far toilet"
kind = "toilet"
lat = 29.5620
lon = 106.5770
address = "North end"
opening_hours = "24h"

[[facility]]
id = "toilet-near"
name = "Near toilet"
kind = "toilet"
lat = 29.5580
lon = 106.5770
address = "Square"
opening_hours = "closed"
opening_hours_by_day = { mon = "closed" }

[[facility]]
id = "atm-mid"
name = "Middle ATM"
kind = "atm"
lat = 29.5600
lon = 106.5770
address = "Middle street"
opening_hours = "24h"
"#;

fn config() -> String {
    r#"
[[district]]
id = "alpha"
name = "Alpha"
facilities = "facilities.toml"
"#
    .to_owned()
}

async fn server() -> TestServer {
    TestServer::start_with_files(&config(), &[("facilities.toml", FACILITIES)], None).await
}

fn ids(body: &serde_json::Value) -> Vec<&str> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn near_me_search_orders_by_distance_and_filters_by_kind_and_opening() {
    let t = server().await;
    let base = "/api/v1/districts/alpha/facilities";

    let (status, all) = t.get_json(&format!("{base}?near=29.5570,106.5770")).await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(ids(&all), ["toilet-near", "atm-mid", "toilet-far"]);
    let distances: Vec<f64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["distance_m"].as_f64().unwrap())
        .collect();
    assert!((distances[0] - 111.2).abs() < 1.0, "{distances:?}");
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert_eq!(all[0]["open_now"], false);
    assert_eq!(all[1]["open_now"], true);
    assert_eq!(all[0]["location"]["coordinates"][1], 29.558);

    let (_, toilets) = t
        .get_json(&format!("{base}?near=29.5570,106.5770&kind=toilet"))
        .await;
    assert_eq!(ids(&toilets), ["toilet-near", "toilet-far"]);

    let (_, open) = t
        .get_json(&format!(
            "{base}?near=29.5570,106.5770&kind=toilet&open_now=true"
        ))
        .await;
    assert_eq!(ids(&open), ["toilet-far"]);

    let (_, close_by) = t
        .get_json(&format!("{base}?near=29.5570,106.5770&radius_m=400"))
        .await;
    assert_eq!(ids(&close_by), ["toilet-near", "atm-mid"]);

    // Without a point: every facility by id, no distance.
    let (_, plain) = t.get_json(base).await;
    assert_eq!(ids(&plain), ["atm-mid", "toilet-far", "toilet-near"]);
    assert!(plain[0].get("distance_m").is_none());
}

#[tokio::test]
async fn bad_queries_are_refused_naming_the_problem() {
    let t = server().await;
    let base = "/api/v1/districts/alpha/facilities";
    for (query, needle) in [
        ("?kind=castle", "kind"),
        ("?near=north", "near"),
        ("?radius_m=100", "radius_m needs near"),
        ("?near=95,106", "latitude"),
    ] {
        let (status, body) = t.get_json(&format!("{base}{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(needle),
            "{query}: {body}"
        );
    }
    let (status, body) = t.get_json("/api/v1/districts/nowhere/facilities").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_district"))
    );
}

#[tokio::test]
async fn a_bad_facilities_file_names_file_key_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let bad = FACILITIES.replace("opening_hours = \"closed\"", "opening_hours = \"9-5\"");
    std::fs::write(dir.path().join("facilities.toml"), bad).unwrap();
    let file = dir.path().join("plaza.toml");
    std::fs::write(&file, config()).unwrap();
    let err = plaza::config::load(&file).unwrap_err();
    assert!(err.file.ends_with("facilities.toml"), "{err}");
    assert_eq!(err.key, "facility[1].opening_hours", "{err}");
    assert!(err.reason.contains("HH:MM-HH:MM"), "{err}");

    let bad = FACILITIES.replace("kind = \"atm\"", "kind = \"bank\"");
    std::fs::write(dir.path().join("facilities.toml"), bad).unwrap();
    let err = plaza::config::load(&file).unwrap_err();
    assert_eq!(err.key, "facility[2].kind", "{err}");

    let bad = FACILITIES.replace("mon = \"closed\"", "monday = \"closed\"");
    std::fs::write(dir.path().join("facilities.toml"), bad).unwrap();
    let err = plaza::config::load(&file).unwrap_err();
    assert_eq!(err.key, "facility[1].opening_hours_by_day.monday", "{err}");
}

#[tokio::test]
async fn the_default_districts_list_their_facilities() {
    let config = crate::support::repo_root().join("config/plaza.toml");
    let config = plaza::config::load(&config).expect("the default config loads");
    for district in &config.districts {
        let listed = district
            .facilities_data
            .as_ref()
            .expect("a facilities file");
        let kinds: std::collections::BTreeSet<&str> =
            listed.facilities.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds.len(), 7, "{} lacks a kind: {kinds:?}", district.id);
    }
}
