//! Plugin call path benchmark, printed as figures:
//!
//! (a) bare wasmtime: pooled instantiate + call + drop of the empty
//!     `self-check` export of `noop_pricing.wasm`;
//! (b) the same call through Plaza's full path (registry lookup, limits,
//!     fresh store, call, metrics, drop);
//! (c) requests per second to `/d/jiefangbei/info` under concurrent load on
//!     loopback, beside a native axum handler returning a constant; with
//!     `wrk` from a second process when it is installed, else from an
//!     in-process client.
//!
//! (a) and (b) run interleaved in rounds so machine noise hits both alike.
//! Run: `cargo bench -p plaza --bench plugin_call`.

use plaza::runtime;
use plaza::server::{ServeOptions, start};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

const ROUNDS: usize = 10;
const CALLS_PER_ROUND: usize = 2_000;
const LOAD_SECONDS: u64 = 5;
const CONNECTIONS: usize = 32;

struct Bare {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Bare {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

fn summary(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let median = percentile(&samples, 0.5);
    println!(
        "{name:<44} median {:>8.2} µs   p99 {:>8.2} µs   ({} calls)",
        median.as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6,
        samples.len()
    );
    median
}

fn bench_config(dir: &Path) -> std::path::PathBuf {
    let plugins = Path::new(env!("PLAZA_PLUGIN_DIR"));
    let file = dir.join("bench.toml");
    let config = format!(
        "[[district]]\nid = \"bench\"\nname = \"Bench\"\n\n[[district.plugin]]\nid = \"noop\"\n\
         kind = \"parking-pricing\"\npath = \"{}\"\n",
        plugins.join("noop_pricing.wasm").display()
    );
    std::fs::write(&file, config).unwrap();
    file
}

async fn call_path() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = Path::new(env!("PLAZA_PLUGIN_DIR")).join("noop_pricing.wasm");

    // (a) bare wasmtime, pooled, async like Plaza.
    let mut config = Config::new();
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(
        PoolingAllocationConfig::default(),
    ));
    let engine = Engine::new(&config).unwrap();
    let component = Component::from_file(&engine, &wasm).unwrap();
    let mut linker = Linker::<Bare>::new(&engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker).unwrap();
    // The plugin imports only the types-only interface of the contract.
    linker.instance("plaza:district/types@0.1.0").unwrap();
    let pre = linker.instantiate_pre(&component).unwrap();
    let iface = component
        .get_export_index(None, "plaza:district/pricing@0.1.0")
        .unwrap();
    let func = component
        .get_export_index(Some(&iface), "self-check")
        .unwrap();
    let bare = || async {
        let started = Instant::now();
        let mut store = Store::new(
            &engine,
            Bare {
                wasi: WasiCtx::builder().build(),
                table: ResourceTable::new(),
            },
        );
        let instance = pre.instantiate_async(&mut store).await.unwrap();
        let f = instance
            .get_typed_func::<(), (Result<(), String>,)>(&mut store, &func)
            .unwrap();
        let (result,) = f.call_async(&mut store, ()).await.unwrap();
        assert!(result.is_ok());
        drop(store);
        started.elapsed()
    };

    // (b) Plaza's full path.
    let options = ServeOptions {
        config: bench_config(dir.path()),
        data_dir: Some(dir.path().join("data")),
        ..ServeOptions::default()
    };
    let plaza = plaza::server::Plaza::assemble(&options, None)
        .await
        .unwrap();
    let full = || async {
        let started = Instant::now();
        let plugin = plaza
            .registry
            .district("bench")
            .unwrap()
            .plugin("noop")
            .unwrap();
        runtime::self_check(&plaza.runtime, &plugin)
            .await
            .unwrap()
            .unwrap();
        started.elapsed()
    };

    for _ in 0..200 {
        bare().await;
        full().await;
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for _ in 0..CALLS_PER_ROUND {
            a.push(bare().await);
        }
        for _ in 0..CALLS_PER_ROUND {
            b.push(full().await);
        }
    }
    println!("== plugin call: instantiate + call + drop of an empty export ==");
    let a = summary("(a) bare wasmtime, pooling allocator", a);
    let b = summary("(b) Plaza full plugin path", b);
    println!(
        "ratio (b)/(a) median: {:.2}  (target <= 1.3)",
        b.as_secs_f64() / a.as_secs_f64()
    );
}

/// Requests/s from `wrk -t2` with CONNECTIONS connections, if installed.
fn wrk(url: &str) -> Option<(f64, u64)> {
    let out = std::process::Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CONNECTIONS}"),
            &format!("-d{LOAD_SECONDS}s"),
            url,
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .map(|v| v.trim().to_owned())
    };
    let rate = field("Requests/sec:")?.parse().ok()?;
    let failed = field("Non-2xx or 3xx responses:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Some((rate, failed))
}

/// Requests/s from CONNECTIONS keep-alive clients for LOAD_SECONDS.
async fn load(url: String) -> (f64, u64) {
    if let Some(result) = wrk(&url) {
        return result;
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(LOAD_SECONDS);
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, url, done, failed) =
            (client.clone(), url.clone(), done.clone(), failed.clone());
        workers.push(tokio::spawn(async move {
            while Instant::now() < until {
                match client.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let started = Instant::now();
    for w in workers {
        w.await.unwrap();
    }
    let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    (rate, failed.load(Ordering::Relaxed))
}

async fn throughput() {
    let dir = tempfile::tempdir().unwrap();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/plaza.toml");
    let server = start(ServeOptions {
        config,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();

    let native = axum::Router::new().route("/", axum::routing::get(|| async { "{\"ok\":true}" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let native_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, native).await });

    let client = if which_wrk() {
        "wrk -t2"
    } else {
        "in-process client"
    };
    println!("== HTTP throughput, {CONNECTIONS} connections, {LOAD_SECONDS} s each, {client} ==");
    let (plugin_rate, plugin_failed) = load(format!("{}/d/jiefangbei/info", server.url())).await;
    let (native_rate, _) = load(format!("http://{native_addr}/")).await;
    println!(
        "(c) /d/jiefangbei/info (wasi:http plugin)   {plugin_rate:>10.0} req/s  ({plugin_failed} failed)"
    );
    println!("    native axum handler, constant body      {native_rate:>10.0} req/s");
    println!(
        "ratio plugin/native: {:.2}  (target >= 0.2)",
        plugin_rate / native_rate
    );
    server.shutdown().await.unwrap();
}

fn which_wrk() -> bool {
    std::process::Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok()
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(call_path());
    rt.block_on(throughput());
}
