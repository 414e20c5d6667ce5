//! Server lifecycle: graceful shutdown, the compiled-code cache, health
//! and metrics.

use crate::support::two_district_config;
use plaza::runtime::CacheOutcome;
use plaza::server::{ServeOptions, start};
use std::time::Duration;

fn options(dir: &std::path::Path) -> ServeOptions {
    let file = dir.join("plaza.toml");
    std::fs::write(&file, two_district_config()).unwrap();
    ServeOptions {
        config: file,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.join("data")),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    }
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_request_finish() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(options(dir.path())).await.unwrap();
    let url = format!("{}/d/alpha/hostile/sleep?ms=150", server.url());
    let request = tokio::spawn(async move { reqwest::get(url).await.unwrap() });
    tokio::time::sleep(Duration::from_millis(50)).await;
    server.shutdown().await.unwrap();
    let response = request.await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["slept_ms"], 150);
}

#[tokio::test]
async fn a_restart_loads_compiled_code_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let first = start(options(dir.path())).await.unwrap();
    let outcomes = |s: &plaza::server::RunningServer| {
        s.plaza
            .registry
            .districts()
            .flat_map(|d| d.plugins().map(|p| p.cache).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert!(outcomes(&first).contains(&CacheOutcome::Compiled));
    first.shutdown().await.unwrap();

    let second = start(options(dir.path())).await.unwrap();
    assert!(outcomes(&second).iter().all(|o| *o == CacheOutcome::Hit));
    second.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_and_metrics_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(options(dir.path())).await.unwrap();
    let health: serde_json::Value = reqwest::get(format!("{}/healthz", server.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["plugins"], 6);
    reqwest::get(format!("{}/d/beta/info", server.url()))
        .await
        .unwrap();
    let metrics = reqwest::get(format!("{}/metrics", server.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"plaza_plugin_calls_total{district="beta",plugin="info"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("plaza_plugin_call_seconds_bucket"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"plaza_http_responses_total{route="/d/{district}/{plugin}",status="200"} 1"#
        ),
        "{metrics}"
    );
    server.shutdown().await.unwrap();
}
