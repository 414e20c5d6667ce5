//! Activations and rollbacks under steady load: no request fails, and
//! each switch is served by the new version at once. Also the development
//! mode that reloads a plugin when its file changes.

use crate::support::admin::{Ops, site_district, wasm};
use crate::support::{TestServer, plugin};
use std::sync::Arc;
use std::time::Duration;

/// Requests per second of the steady load, and for how long it runs.
const RATE: u64 = 500;
const LOAD: Duration = Duration::from_secs(5);
const SWITCHES: usize = 20;

/// Status and the version that answered (or the error's message).
async fn version(t: &TestServer) -> (u16, String) {
    let (status, body) = t.get_json("/d/alpha/site").await;
    match body["version"].as_str() {
        Some(v) => (status, v.to_owned()),
        None => (status, body.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_activations_and_rollbacks_under_load_fail_no_request() {
    // A generous deadline: on a busy machine a starved call must not be
    // mistaken for a failed swap.
    let config = format!(
        "[runtime.limits]\ntimeout_ms = 10000\n{}",
        site_district("alpha", "")
    );
    let ops = Arc::new(Ops::start(&config).await);
    for file in ["version_one.wasm", "version_two.wasm"] {
        let (status, body) = ops
            .upload(&ops.alpha, "alpha", "site", wasm(file), None)
            .await;
        assert_eq!(status, 201, "{body}");
    }
    // Version 1 serves first, so each rollback has a version to go back to.
    let (status, body) = ops.activate(&ops.alpha, "alpha", "site", 1, false).await;
    assert_eq!(status, 200, "{body}");

    // Steady load: one request every 2 ms, each on its own task, for as
    // long as it takes to send them all (a busy machine may lag).
    let load = {
        let ops = ops.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
            let mut requests = Vec::new();
            for _ in 0..RATE * LOAD.as_secs() {
                tick.tick().await;
                let ops = ops.clone();
                requests.push(tokio::spawn(async move { version(&ops.t).await }));
            }
            let mut results = Vec::new();
            for r in requests {
                results.push(r.await.unwrap());
            }
            results
        })
    };

    let pause = LOAD / (SWITCHES as u32 + 2);
    tokio::time::sleep(pause).await;
    for i in 0..SWITCHES {
        let (path, body, expect) = if i % 2 == 0 {
            ("activate", r#"{"version": 2}"#, "two")
        } else {
            ("rollback", "", "one")
        };
        let url = format!("/admin/v1/districts/alpha/plugins/site/{path}");
        let (status, answer) = ops
            .call(Some(&ops.alpha), "POST", &url, body.into(), None)
            .await;
        assert_eq!(status, 200, "switch {i}: {answer}");
        assert_eq!(
            version(&ops.t).await,
            (200, expect.to_owned()),
            "switch {i}"
        );
        tokio::time::sleep(pause).await;
    }

    let results = load.await.unwrap();
    let failed: Vec<_> = results
        .iter()
        .filter(|(status, _)| *status != 200)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} requests failed, e.g. {:?}",
        failed.len(),
        results.len(),
        failed.first()
    );
    let twos = results.iter().filter(|(_, v)| v == "two").count();
    let ones = results.iter().filter(|(_, v)| v == "one").count();
    assert_eq!(ones + twos, results.len());
    assert!(
        ones > 0 && twos > 0,
        "both versions served: {ones} and {twos}"
    );

    let (_, audit) = ops.get(&ops.alpha, "/admin/v1/audit").await;
    let switches = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "ok" && e["action"] != "plugin.upload")
        .filter(|e| e["action"] != "token.create")
        .count();
    assert_eq!(switches, SWITCHES + 1);
}

#[tokio::test]
async fn a_rollback_without_a_version_goes_back_to_the_one_before() {
    let ops = Ops::start(&site_district("alpha", "")).await;
    let url = "/admin/v1/districts/alpha/plugins/site/rollback";
    let (status, body) = ops
        .call(Some(&ops.alpha), "POST", url, Vec::new(), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("nothing_to_roll_back"))
    );
    for file in ["version_two.wasm", "version_one.wasm"] {
        ops.upload(&ops.alpha, "alpha", "site", wasm(file), None)
            .await;
    }
    ops.activate(&ops.alpha, "alpha", "site", 1, false).await;
    ops.activate(&ops.alpha, "alpha", "site", 2, false).await;
    assert_eq!(version(&ops.t).await.1, "one");
    let (status, body) = ops
        .call(Some(&ops.alpha), "POST", url, Vec::new(), None)
        .await;
    assert_eq!((status, body["version"].as_i64()), (200, Some(1)), "{body}");
    assert_eq!(version(&ops.t).await.1, "two");
    let (status, body) = ops.activate(&ops.alpha, "alpha", "site", 7, false).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_version"))
    );
}

#[tokio::test]
async fn an_activated_version_still_serves_after_a_restart() {
    let ops = Ops::start(&site_district("alpha", "")).await;
    ops.upload(&ops.alpha, "alpha", "site", wasm("version_two.wasm"), None)
        .await;
    ops.activate(&ops.alpha, "alpha", "site", 1, false).await;
    let dir = ops.t._dir.path().to_path_buf();
    let Ops { t, .. } = ops;
    let TestServer { server, _dir, .. } = t;
    server.shutdown().await.unwrap();

    let again = plaza::server::start(plaza::server::ServeOptions {
        config: dir.join("plaza.toml"),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.join("data")),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();
    let body: serde_json::Value = reqwest::get(format!("{}/d/alpha/site", again.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["version"], "two");
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn watch_mode_reloads_a_plugin_whose_file_changed() {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("site.wasm");
    std::fs::copy(plugin("version_one.wasm"), &file).unwrap();
    let config = format!(
        "[[district]]\nid = \"alpha\"\nname = \"Alpha\"\n\n[[district.plugin]]\n\
         id = \"site\"\nkind = \"http-endpoint\"\npath = \"{}\"\n",
        file.display()
    );
    let t = TestServer::start(&config).await;
    let watcher = plaza::admin::watch::spawn(t.server.plaza.admin.clone());
    assert_eq!(version(&t).await.1, "one");

    // A broken file is refused; the old version keeps serving.
    std::fs::write(&file, b"not wasm").unwrap();
    tokio::time::sleep(plaza::admin::watch::POLL_INTERVAL * 3).await;
    assert_eq!(version(&t).await, (200, "one".to_owned()));

    std::fs::copy(plugin("version_two.wasm"), &file).unwrap();
    let mut served = String::new();
    for _ in 0..40 {
        served = version(&t).await.1;
        if served == "two" {
            break;
        }
        tokio::time::sleep(plaza::admin::watch::POLL_INTERVAL / 2).await;
    }
    assert_eq!(served, "two");
    // The audit entry of the reload is written just after the swap.
    let audit = t.server.plaza.storage.audit();
    let mut outcomes = Vec::new();
    for _ in 0..50 {
        let entries = audit
            .list(&plaza::storage::AuditFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        outcomes = entries
            .iter()
            .filter(|e| e.entry.action == "plugin.reload")
            .map(|e| e.entry.outcome.clone())
            .collect::<Vec<_>>();
        if outcomes.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    watcher.abort();
    assert_eq!(outcomes, ["ok", "failed"]);
}
