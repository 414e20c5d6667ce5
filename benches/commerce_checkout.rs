//! Commerce checkout benchmark, printed as figures: checkouts (POST
//! `/orders`: catalogue lookup, three promotion plugins, stock reservation
//! and order insert in one transaction) per second and their latency under
//! concurrent load on loopback, and the share of that time spent in the
//! promotion plugins.
//!
//! The share is given two ways: wall time waiting on the plugins (they
//! run concurrently) per cart pricing, over that pricing's whole latency;
//! and the plugins' summed call time from `/metrics`, over the summed
//! checkout latency.
//!
//! Run: `cargo bench -p plaza --bench commerce_checkout`.

use plaza::server::{ServeOptions, start};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

const LOAD_SECONDS: u64 = 5;
const CONNECTIONS: usize = 16;
const PRICINGS: usize = 500;

const DATA: &str = r#"
[guarantee]
fund_initial_balance = 100000
max_payout_per_claim = 3000
allowed_reasons = ["late"]

[[merchant]]
id = "tea"
name = "Mountain Mist Tea House"
category = "tea"
floor = "L1"
opening_hours = "09:30-22:00"
location = "Unit 1-15"

[[merchant.item]]
id = "tuocha"
name = "Chongqing Tuocha tin"
kind = "goods"
price = 8800
stock = 100000000

[[merchant.item]]
id = "milk-tea"
name = "Jasmine milk tea"
kind = "goods"
price = 1800
stock = 100000000
"#;

fn config(dir: &Path) -> std::path::PathBuf {
    // This checkout's components, even when a shared target folder last
    // ran another checkout's build script.
    let plugins = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/dist");
    let data = dir.join("commerce.toml");
    std::fs::write(&data, DATA).unwrap();
    let plugin = |id: &str, kind: &str, file: &str, config: &str| {
        format!(
            "\n[[district.plugin]]\nid = \"{id}\"\nkind = \"{kind}\"\npath = \"{}\"\n\
             config = {{ {config} }}\n",
            plugins.join(file).display()
        )
    };
    let text = [
        format!(
            "[[district]]\nid = \"bench\"\nname = \"Bench\"\ncommerce = \"{}\"\n",
            data.display()
        ),
        plugin("payments", "payment", "payment_sim.wasm", ""),
        plugin(
            "threshold",
            "promotion",
            "promo_threshold.wasm",
            "every = 30000, off = 5000",
        ),
        plugin(
            "tea-week",
            "promotion",
            "promo_category.wasm",
            "category = \"tea\", percent = 20",
        ),
        plugin(
            "coupons",
            "promotion",
            "promo_coupon.wasm",
            "coupons = [{ code = \"BENCH\", off = 1000, per_shopper = 1000000000 }]",
        ),
    ]
    .concat();
    let file = dir.join("bench.toml");
    std::fs::write(&file, text).unwrap();
    file
}

fn cart() -> Value {
    json!({
        "items": [{ "item": "tuocha", "quantity": 3 }, { "item": "milk-tea", "quantity": 2 }],
        "coupon_codes": ["BENCH"],
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

/// Summed seconds of every plugin call in the bench district, per /metrics.
async fn plugin_seconds(client: &reqwest::Client, base: &str) -> f64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.contains("plugin_call_seconds_sum") && !l.contains("payments"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(ServeOptions {
        config: config(dir.path()),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().join("data")),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();
    let base = server.url();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let orders = format!("{base}/api/v1/districts/bench/commerce/orders");
    let price = format!("{base}/api/v1/districts/bench/commerce/cart/price");

    // Warm up: compile caches, connections, SQLite pages.
    for n in 0..50 {
        let r = client
            .post(&orders)
            .header("x-shopper-id", format!("warm-{n}"))
            .json(&cart())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }

    // Checkouts under load.
    let plugins_before = plugin_seconds(&client, &base).await;
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let (client, orders, latencies) = (client.clone(), orders.clone(), latencies.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            let mut failed = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                let r = client
                    .post(&orders)
                    .header("x-shopper-id", format!("shopper-{c}"))
                    .json(&cart())
                    .send()
                    .await
                    .unwrap();
                if r.status() != 201 {
                    failed += 1;
                }
                let _ = r.bytes().await;
                mine.push(t.elapsed());
            }
            latencies.lock().await.extend(mine);
            failed
        }));
    }
    let mut failed = 0;
    for t in tasks {
        failed += t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let plugins_during = plugin_seconds(&client, &base).await - plugins_before;
    let mut latencies = latencies.lock().await.clone();
    latencies.sort();
    let total: Duration = latencies.iter().sum();
    println!(
        "checkouts (POST /orders, 3 promotion plugins, {CONNECTIONS} connections, \
         {LOAD_SECONDS} s)"
    );
    println!(
        "  {:>8.0} checkouts/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} done, {failed} failed)",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.len()
    );
    println!(
        "  plugin call time summed over the 3 promotions: {:.1}% of summed checkout latency",
        plugins_during / total.as_secs_f64() * 100.0
    );

    // Wall time waiting on the promotions, per pricing, one at a time.
    let mut waited = 0u64;
    let mut whole = Duration::ZERO;
    for _ in 0..PRICINGS {
        let t = Instant::now();
        let priced: Value = client
            .post(&price)
            .header("x-shopper-id", "pricer")
            .json(&cart())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        whole += t.elapsed();
        assert_eq!(priced["discount"], 5000 + 5280 + 720 + 1000, "{priced}");
        waited += priced["promotion_micros"].as_u64().unwrap();
    }
    println!(
        "cart pricing alone ({PRICINGS} sequential): mean {:.2} ms, of which waiting on the \
         promotions {:.2} ms ({:.1}%)",
        whole.as_secs_f64() * 1e3 / PRICINGS as f64,
        waited as f64 / 1e3 / PRICINGS as f64,
        waited as f64 / 1e6 / whole.as_secs_f64() * 100.0
    );
    server.shutdown().await.unwrap();
}
