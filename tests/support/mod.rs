//! Shared test helpers: plugin paths, throw-away configs and servers,
//! databases for both backends.

pub mod admin;
pub mod db;
pub mod mqtt;
pub mod parking;

use plaza::server::{RunningServer, ServeOptions, start};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The folder the build script copies the reference plugins into:
/// `plugins/dist` of this checkout. (Found from the manifest folder rather
/// than the build script's `PLAZA_PLUGIN_DIR`, which names the checkout
/// that last ran the script when several share one target folder.)
pub fn plugin(file: &str) -> PathBuf {
    repo_root().join("plugins/dist").join(file)
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Two districts, `alpha` and `beta`, each with the info endpoint, the
/// tariff (with different prices) and the hostile test plugin.
pub fn two_district_config() -> String {
    let district = |id: &str, first_hour: i64, hostile_limits: &str| {
        format!(
            r#"
[[district]]
id = "{id}"
name = "District {id}"

[[district.plugin]]
id = "info"
kind = "http-endpoint"
path = "{info}"
[district.plugin.config]
name = "District {id}"
opening_hours = "00:00-23:59"
notice = "notice of {id}"

[[district.plugin]]
id = "tariff"
kind = "parking-pricing"
path = "{tariff}"
[district.plugin.config]
currency = "CNY"
free_minutes = 15
first_hour = {first_hour}
per_hour = 500
daily_cap = 5000
max_stay_minutes = 1440
hold_minutes = 15
grace_minutes = 15
no_show_fee = 500
reservable = ["standard"]

[[district.plugin]]
id = "hostile"
kind = "http-endpoint"
path = "{hostile}"
limits = {{ {hostile_limits} }}
"#,
            info = plugin("district_info.wasm").display(),
            tariff = plugin("tariff.wasm").display(),
            hostile = plugin("hostile.wasm").display(),
        )
    };
    let limits = "timeout_ms = 200, memory_mib = 16, max_response_bytes = 1048576";
    format!(
        "{}{}",
        district("alpha", 800, limits),
        district("beta", 1200, limits)
    )
}

/// A server and the folder holding its config and data.
pub struct TestServer {
    pub server: RunningServer,
    /// Holds the config and data; removed when the test ends.
    pub _dir: TempDir,
    pub client: reqwest::Client,
}

impl TestServer {
    /// Starts a server on `config` (TOML text) with SQLite in a temp dir.
    /// Unless the config says otherwise, ingest is off: most tests need no
    /// broker.
    pub async fn start(config: &str) -> Self {
        Self::start_with(config, None).await
    }

    /// Starts a server on `config` with the given database URL.
    pub async fn start_with(config: &str, database_url: Option<String>) -> Self {
        Self::start_with_files(config, &[], database_url).await
    }

    /// Starts a server on `config`, with `files` (name, contents) written
    /// beside it, and the given database URL.
    pub async fn start_with_files(
        config: &str,
        files: &[(&str, &str)],
        database_url: Option<String>,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plaza.toml");
        let config = if config.contains("[mqtt]") {
            config.to_owned()
        } else {
            format!("[mqtt]\nenabled = false\n{config}")
        };
        std::fs::write(&file, config).unwrap();
        for (name, contents) in files {
            std::fs::write(dir.path().join(name), contents).unwrap();
        }
        let server = start(ServeOptions {
            config: file,
            listen: Some("127.0.0.1:0".parse().unwrap()),
            data_dir: Some(dir.path().join("data")),
            database_url,
            ..Default::default()
        })
        .await
        .expect("server starts");
        Self {
            server,
            _dir: dir,
            client: reqwest::Client::new(),
        }
    }

    /// `http://addr` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// POST `body` as JSON to `path` with an optional idempotency key,
    /// returning status and JSON body.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        key: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// The server's `/metrics` text.
    pub async fn metrics_text(&self) -> String {
        let response = self.client.get(self.url("/metrics")).send().await.unwrap();
        response.text().await.unwrap()
    }

    /// GET `path`, returning status and JSON body.
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }
}
