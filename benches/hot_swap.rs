//! Hot-swap latency: the time from sending an activation request to the
//! first response served by the new version, over real loopback sockets,
//! with the new version's compiled code cached and not cached.
//!
//! Run: `cargo bench -p plaza --bench hot_swap` (see `benches/README.md`).

use plaza::admin::{Role, create_token};
use plaza::server::{ServeOptions, start};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CACHED_RUNS: usize = 40;
const UNCACHED_RUNS: usize = 10;

fn dist(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plugins/dist")
        .join(file)
}

struct Bench {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Bench {
    async fn post(&self, path: &str, body: Vec<u8>) -> serde_json::Value {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    /// Activates `version` and waits for the first response from it.
    async fn swap(&self, version: i64, answer: &str) -> (Duration, String) {
        let started = Instant::now();
        let body = format!("{{\"version\": {version}}}").into_bytes();
        let outcome = self
            .post("/admin/v1/districts/bench/plugins/site/activate", body)
            .await;
        loop {
            let served: serde_json::Value = self
                .client
                .get(format!("{}/d/bench/site", self.base))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if served["version"] == answer {
                let cache = outcome["cache"].as_str().unwrap_or("?").to_owned();
                return (started.elapsed(), cache);
            }
        }
    }
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<10} n={:<3} median {:>7.2} ms  p90 {:>7.2} ms  min {:>7.2} ms  max {:>7.2} ms",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(samples[0]),
        ms(samples[samples.len() - 1]),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("plaza.toml");
    let text = format!(
        "[[district]]\nid = \"bench\"\nname = \"Bench\"\n\n[[district.plugin]]\n\
         id = \"site\"\nkind = \"http-endpoint\"\npath = \"{}\"\n",
        dist("version_one.wasm").display()
    );
    std::fs::write(&config, text).unwrap();
    let data = dir.path().join("data");
    let server = start(ServeOptions {
        config,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data.clone()),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();
    let token = create_token(&server.plaza.storage, &Role::CityAdmin, "bench")
        .await
        .unwrap()
        .secret;
    let bench = Bench {
        client: reqwest::Client::new(),
        base: server.url(),
        token,
    };
    for file in ["version_one.wasm", "version_two.wasm"] {
        bench
            .post(
                "/admin/v1/districts/bench/plugins/site/versions",
                std::fs::read(dist(file)).unwrap(),
            )
            .await;
    }

    let versions = [(1, "one"), (2, "two")];
    let mut cached = Vec::new();
    for i in 0..CACHED_RUNS {
        let (version, answer) = versions[i % 2];
        let (took, cache) = bench.swap(version, answer).await;
        assert_eq!(cache, "hit");
        cached.push(took);
    }

    let cache_dir = data.canonicalize().unwrap().join("cache");
    let mut uncached = Vec::new();
    for i in 0..UNCACHED_RUNS {
        for entry in std::fs::read_dir(&cache_dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        let (version, answer) = versions[(i + 1) % 2];
        let (took, cache) = bench.swap(version, answer).await;
        assert_eq!(cache, "compiled");
        uncached.push(took);
    }

    println!("activate -> first response from the new version (loopback, SQLite)");
    report("cached", cached);
    report("uncached", uncached);
    server.shutdown().await.unwrap();
}
