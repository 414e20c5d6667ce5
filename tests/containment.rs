//! A hostile plugin is stopped and contained; every other plugin keeps
//! serving. The hostile plugin runs with a 200 ms deadline, a 16 MiB
//! memory cap and a 1 MiB response cap.

use crate::support::{TestServer, two_district_config};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_millis(200);

async fn failure(t: &TestServer, path: &str) -> (u16, serde_json::Value, Duration) {
    let started = Instant::now();
    let (status, body) = t.get_json(path).await;
    (status, body, started.elapsed())
}

#[tokio::test]
async fn an_endless_loop_is_stopped_within_its_deadline_plus_100ms() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, body, took) = failure(&t, "/d/alpha/hostile/loop").await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(body["code"], "plugin_failed");
    assert_eq!(body["reason"], "timeout");
    assert_eq!(body["district"], "alpha");
    assert_eq!(body["plugin"], "hostile");
    assert!(
        took < DEADLINE + Duration::from_millis(100),
        "stopped after {took:?}"
    );
}

#[tokio::test]
async fn a_memory_bomb_hits_its_cap() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, body, took) = failure(&t, "/d/alpha/hostile/alloc").await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["reason"], "memory");
    assert!(
        body["message"].as_str().unwrap().contains("16 MiB"),
        "{body}"
    );
    assert!(
        took < DEADLINE,
        "memory cap took {took:?}, as long as the deadline"
    );
}

#[tokio::test]
async fn a_trap_is_reported_and_counted() {
    let t = TestServer::start(&two_district_config()).await;
    for _ in 0..3 {
        let (status, body, _) = failure(&t, "/d/alpha/hostile/trap").await;
        assert_eq!(
            (status, body["reason"].as_str()),
            (502, Some("trap")),
            "{body}"
        );
    }
    let metrics = t.metrics_text().await;
    let line = r#"plaza_plugin_failures_total{district="alpha",plugin="hostile",reason="trap"} 3"#;
    assert!(metrics.contains(line), "{metrics}");
}

#[tokio::test]
async fn a_flood_of_output_is_cut_at_the_response_cap() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, body, _) = failure(&t, "/d/alpha/hostile/flood?mb=4").await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (502, Some("response_too_large")),
        "{body}"
    );
    let (status, _, _) = failure(&t, "/d/alpha/hostile/flood?mb=0").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_plugin_sees_no_environment_and_no_files() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, env) = t.get_json("/d/alpha/hostile/env").await;
    assert_eq!(status, 200);
    assert_eq!(env, serde_json::json!([]));
    let (status, body) = t.get_json("/d/alpha/hostile/read?path=/etc/passwd").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("read_failed")),
        "{body}"
    );
}

/// While alpha's hostile plugin is hammered with every misbehaviour at
/// once, beta's endpoints answer every request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_districts_keep_answering_while_a_hostile_plugin_is_called() {
    let t = std::sync::Arc::new(TestServer::start(&two_district_config()).await);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut attackers = Vec::new();
    for path in ["/loop", "/alloc", "/trap", "/loop"] {
        let (t, stop) = (t.clone(), stop.clone());
        attackers.push(tokio::spawn(async move {
            let mut failures = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (status, _) = t.get_json(&format!("/d/alpha/hostile{path}")).await;
                assert!(status >= 500);
                failures += 1;
            }
            failures
        }));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut slowest = Duration::ZERO;
    for _ in 0..40 {
        let started = Instant::now();
        let (status, body) = t.get_json("/d/beta/info").await;
        slowest = slowest.max(started.elapsed());
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["name"], "District beta");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for attacker in attackers {
        assert!(attacker.await.unwrap() > 0);
    }
    eprintln!("slowest beta response during the attack: {slowest:?}");
}
