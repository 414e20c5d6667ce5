//! A plugin that keeps failing is taken out of service: callers get a
//! fast 503 `plugin_unavailable`, the state shows in the admin API and in
//! `/metrics`, and after the backoff one probe brings it back.

use crate::support::admin::Ops;
use crate::support::plugin;
use std::time::Duration;

#[tokio::test]
async fn repeated_failures_open_the_breaker_and_a_good_probe_closes_it() {
    let config = format!(
        r#"
[breaker]
failures = 3
window_ms = 60000
backoff_ms = 300
max_backoff_ms = 1000

[[district]]
id = "alpha"
name = "Alpha"

[[district.plugin]]
id = "hostile"
kind = "http-endpoint"
path = "{}"
"#,
        plugin("hostile.wasm").display()
    );
    let ops = Ops::start(&config).await;
    let t = &ops.t;
    for _ in 0..3 {
        let (status, body) = t.get_json("/d/alpha/hostile/trap").await;
        assert_eq!((status, body["reason"].as_str()), (502, Some("trap")));
    }
    let response = t
        .client
        .get(t.url("/d/alpha/hostile/echo"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "plugin_unavailable");
    assert_eq!(body["plugin"], "hostile");

    let (_, plugins) = ops
        .get(&ops.alpha, "/admin/v1/districts/alpha/plugins")
        .await;
    assert_eq!(plugins[0]["breaker"]["state"], "open", "{plugins}");
    assert_eq!(plugins[0]["breaker"]["trips"], 1);
    let metrics = t.metrics_text().await;
    let open = r#"plaza_plugin_breaker_state{district="alpha",plugin="hostile"} 1"#;
    assert!(metrics.contains(open), "{metrics}");

    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, _) = t.get_json("/d/alpha/hostile/echo").await;
    assert_eq!(status, 200, "the probe goes through and succeeds");
    let (status, _) = t.get_json("/d/alpha/hostile/echo").await;
    assert_eq!(status, 200);
    let (_, plugins) = ops
        .get(&ops.alpha, "/admin/v1/districts/alpha/plugins")
        .await;
    assert_eq!(plugins[0]["breaker"]["state"], "closed");
    let metrics = t.metrics_text().await;
    let closed = r#"plaza_plugin_breaker_state{district="alpha",plugin="hostile"} 0"#;
    assert!(metrics.contains(closed), "{metrics}");
}
