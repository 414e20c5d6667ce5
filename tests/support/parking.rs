//! A district with car parks for the parking tests: `alpha` prices with
//! the tariff and pays through the simulated provider; `trap` and `slow`
//! price with the hostile pricing plugin.

use super::plugin;
use chrono::{DateTime, Duration, Utc};

/// Five standard spaces in `small`, forty in `big` (30 standard on B1,
/// 10 on B2), a short walk apart.
const DATA: &str = r#"
[[car_park]]
id = "small"
name = "Small"
lat = 29.5575
lon = 106.5775
floors = ["B1"]

[[car_park.entrance]]
id = "small-gate"
name = "Small gate"
lat = 29.5576
lon = 106.5776

[[car_park.spaces]]
floor = "B1"
count = 5

[[car_park]]
id = "big"
name = "Big"
lat = 29.5600
lon = 106.5800
floors = ["B1", "B2"]

[[car_park.entrance]]
id = "big-gate"
name = "Big gate"
lat = 29.5601
lon = 106.5801

[[car_park.spaces]]
floor = "B1"
count = 30

[[car_park.spaces]]
floor = "B2"
count = 10
"#;

/// The config text; the data file is written beside `dir`.
pub fn parking_config(dir: &std::path::Path) -> String {
    let data = dir.join("parking-data.toml");
    std::fs::write(&data, DATA).unwrap();
    let hostile = |id: &str, mode: &str| {
        format!(
            r#"
[[district]]
id = "{id}"
name = "District {id}"
parking = "{data}"

[[district.plugin]]
id = "pricing"
kind = "parking-pricing"
path = "{path}"
limits = {{ timeout_ms = 200 }}
[district.plugin.config]
mode = "{mode}"
"#,
            data = data.display(),
            path = plugin("hostile_pricing.wasm").display(),
        )
    };
    format!(
        r#"
[[district]]
id = "alpha"
name = "Alpha"
parking = "{data}"

[[district.plugin]]
id = "tariff"
kind = "parking-pricing"
path = "{tariff}"
[district.plugin.config]
currency = "CNY"
free_minutes = 15
first_hour = 800
per_hour = 500
daily_cap = 5000
max_stay_minutes = 1440
hold_minutes = 15
grace_minutes = 15
no_show_fee = 300
reservable = ["standard"]

[[district.plugin]]
id = "payment"
kind = "payment"
path = "{payment}"
[district.plugin.config]
currencies = ["CNY"]
{trap}{slow}"#,
        data = data.display(),
        tariff = plugin("tariff.wasm").display(),
        payment = plugin("payment_sim.wasm").display(),
        trap = hostile("trap", "trap"),
        slow = hostile("slow", "loop"),
    )
}

/// A window starting `from_now_min` minutes from now, `minutes` long, as
/// RFC 3339 strings.
pub fn window(from_now_min: i64, minutes: i64) -> (String, String) {
    let start: DateTime<Utc> = Utc::now() + Duration::minutes(from_now_min);
    let end = start + Duration::minutes(minutes);
    (start.to_rfc3339(), end.to_rfc3339())
}

/// The JSON body of a reservation in `car_park` for that window.
pub fn reserve_body(car_park: &str, (start, end): &(String, String)) -> serde_json::Value {
    serde_json::json!({ "car_park": car_park, "start": start, "end": end })
}

/// A server on the parking config for every backend this run can test:
/// SQLite always, PostgreSQL when `PLAZA_TEST_POSTGRES_URL` is set.
pub async fn parking_servers(test: &str) -> Vec<(&'static str, super::TestServer)> {
    let dir = tempfile::tempdir().unwrap().keep();
    let config = parking_config(&dir);
    let mut out = vec![("sqlite", super::TestServer::start(&config).await)];
    match super::db::postgres_url() {
        Some(base) => {
            let url = super::db::fresh_postgres_url(&base).await;
            out.push((
                "postgres",
                super::TestServer::start_with(&config, Some(url)).await,
            ));
        }
        None => super::db::skip_postgres(test),
    }
    out
}

/// A server on the parking config with SQLite.
pub async fn parking_server() -> super::TestServer {
    let dir = tempfile::tempdir().unwrap().keep();
    super::TestServer::start(&parking_config(&dir)).await
}
