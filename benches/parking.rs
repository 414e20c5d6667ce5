//! Parking under concurrent load on loopback, printed as figures:
//!
//! (a) availability queries per second: `GET .../parking/car-parks/{id}`
//!     (every space counted, reservations checked) from many clients;
//! (b) reservations per second: `POST .../parking/reservations`, every
//!     client reserving in the same car park, so each one queues on that
//!     car park's lock; each call also asks the pricing plugin for a quote
//!     and the policy;
//! then a check over the database that no space was held twice for
//! overlapping windows.
//!
//! SQLite in a temporary folder by default; set `PLAZA_BENCH_DATABASE_URL`
//! to a `postgres://` URL to measure PostgreSQL instead.
//! Run: `cargo bench -p plaza --bench parking`.

use plaza::server::{ServeOptions, start};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const LOAD_SECONDS: u64 = 5;
const CONNECTIONS: usize = 32;
const SPACES: u32 = 2_000;

fn config(dir: &Path) -> String {
    let plugins = Path::new(env!("PLAZA_PLUGIN_DIR"));
    let data = dir.join("parking.toml");
    std::fs::write(
        &data,
        format!(
            "[[car_park]]\nid = \"hub\"\nname = \"Hub\"\nlat = 29.5575\nlon = 106.5775\n\
             floors = [\"B1\"]\n[[car_park.entrance]]\nid = \"hub-gate\"\nname = \"Gate\"\n\
             lat = 29.5576\nlon = 106.5776\n[[car_park.spaces]]\nfloor = \"B1\"\n\
             count = {SPACES}\n"
        ),
    )
    .unwrap();
    format!(
        r#"
[[district]]
id = "bench"
name = "Bench"
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
"#,
        data = data.display(),
        tariff = plugins.join("tariff.wasm").display(),
    )
}

/// Runs `CONNECTIONS` clients for `LOAD_SECONDS`, each calling `step` in a
/// loop; returns (successes, refusals, elapsed).
async fn load<F, Fut>(step: F) -> (u64, u64, Duration)
where
    F: Fn(reqwest::Client, u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let ok = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(LOAD_SECONDS);
    let tasks: Vec<_> = (0..CONNECTIONS as u64)
        .map(|client_no| {
            let (ok, refused, step) = (ok.clone(), refused.clone(), step.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut n = 0;
                while Instant::now() < until {
                    let counter = if step(client.clone(), client_no * 1_000_000 + n).await {
                        &ok
                    } else {
                        &refused
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    n += 1;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (
        ok.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        started.elapsed(),
    )
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plaza.toml");
    std::fs::write(&file, config(dir.path())).unwrap();
    let server = start(ServeOptions {
        config: file,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().join("data")),
        database_url: std::env::var("PLAZA_BENCH_DATABASE_URL").ok(),
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .expect("server starts");
    let backend = server.plaza.storage.backend();
    let base = format!("{}/api/v1/districts/bench/parking", server.url());
    let now = chrono::Utc::now();
    for n in 1..=SPACES {
        let space = format!("hub-b1-{n:03}");
        let occupied = n % 3 == 0;
        server
            .plaza
            .parking
            .observe_space("bench", &space, occupied, now)
            .await
            .unwrap();
    }

    let url = format!("{base}/car-parks/hub");
    let (ok, bad, took) = load(move |client, _| {
        let url = url.clone();
        async move {
            let response = client.get(&url).send().await.unwrap();
            response.status().is_success() && response.bytes().await.is_ok()
        }
    })
    .await;
    assert_eq!(bad, 0, "availability queries failed");
    println!(
        "availability: {:.0} queries/s ({ok} in {:.1} s, {CONNECTIONS} clients, {SPACES} spaces, {backend:?})",
        ok as f64 / took.as_secs_f64(),
        took.as_secs_f64()
    );

    // Windows of one hour over the next 30 days: many clients contend for
    // the same car park and often for the same window.
    let url = format!("{base}/reservations");
    let start_at = now + chrono::Duration::hours(1);
    let (ok, refused, took) = load(move |client, n| {
        let url = url.clone();
        async move {
            let hour = (n.wrapping_mul(2_654_435_761) % (30 * 24)) as i64;
            let start = start_at + chrono::Duration::hours(hour);
            let end = start + chrono::Duration::hours(1);
            let body = serde_json::json!({
                "car_park": "hub",
                "start": start.to_rfc3339(),
                "end": end.to_rfc3339(),
            });
            let response = client.post(&url).json(&body).send().await.unwrap();
            let status = response.status().as_u16();
            let _ = response.bytes().await;
            assert!(status == 201 || status == 409, "unexpected status {status}");
            status == 201
        }
    })
    .await;
    println!(
        "reservations: {:.0} held/s ({ok} held, {refused} refused as full, in {:.1} s, \
         {CONNECTIONS} clients, one car park, {backend:?})",
        ok as f64 / took.as_secs_f64(),
        took.as_secs_f64()
    );

    let url = sqlx_url(&server, dir.path());
    let double = double_bookings(&url).await;
    println!("double bookings: {double}");
    assert_eq!(double, 0, "a space was held twice");
    server.shutdown().await.unwrap();
}

fn sqlx_url(server: &plaza::server::RunningServer, dir: &Path) -> String {
    match server.plaza.storage.backend() {
        plaza::storage::Backend::Sqlite => {
            plaza::storage::Storage::sqlite_url(&dir.join("data").canonicalize().unwrap())
        }
        plaza::storage::Backend::Postgres => std::env::var("PLAZA_BENCH_DATABASE_URL").unwrap(),
    }
}

/// Pairs of live reservations on one space whose windows overlap.
async fn double_bookings(url: &str) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let row: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM parking_reservations a JOIN parking_reservations b \
         ON a.district = b.district AND a.space = b.space AND a.id < b.id \
         AND a.start_ms < b.end_ms AND b.start_ms < a.end_ms \
         WHERE a.status = 'held' AND b.status = 'held'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    row.0
}
