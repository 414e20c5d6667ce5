//! Plugin endpoints under `/d/{district}/{plugin}/...`.

use crate::support::{TestServer, repo_root, two_district_config};
use plaza::server::{ServeOptions, start};

/// The shipped config serves both Chongqing districts, each from its own
/// plugin config.
#[tokio::test]
async fn default_config_serves_each_district_info_from_its_own_config() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(ServeOptions {
        config: repo_root().join("config/plaza.toml"),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();
    let client = reqwest::Client::new();
    for (district, name, opens) in [
        (
            "jiefangbei",
            "Jiefangbei Central Business District",
            "10:00",
        ),
        ("guanyinqiao", "Guanyinqiao Business District", "09:30"),
    ] {
        let response = client
            .get(format!("{}/d/{district}/info", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["name"], name);
        assert_eq!(body["opening_hours"]["opens"], opens);
        assert!(body["open_now"].is_boolean());
        assert!(body["notice"].as_str().unwrap().len() > 10);
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_plugin_sees_the_path_below_its_mount_point_the_query_and_the_body() {
    let t = TestServer::start(&two_district_config()).await;
    let response = t
        .client
        .post(t.url("/d/alpha/hostile/echo?x=1"))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["method"], "POST");
    assert_eq!(body["path"], "/echo");
    assert_eq!(body["query"], "x=1");
    assert_eq!(body["body"], "hello");
    let prefix = body["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "x-forwarded-prefix")
        .unwrap();
    assert_eq!(prefix[1], "/d/alpha/hostile");
}

#[tokio::test]
async fn unknown_districts_plugins_and_non_endpoints_get_a_json_404() {
    let t = TestServer::start(&two_district_config()).await;
    let (status, body) = t.get_json("/d/nowhere/info").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_district"))
    );
    let (status, body) = t.get_json("/d/alpha/nothing").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_plugin"))
    );
    let (status, body) = t.get_json("/d/alpha/tariff").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("not_an_endpoint"))
    );
    let (status, body) = t.get_json("/no/such/route").await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let config = format!(
        "[server]\nbody_limit_bytes = 1024\n{}",
        two_district_config()
    );
    let t = TestServer::start(&config).await;
    let response = t
        .client
        .post(t.url("/d/alpha/hostile/echo"))
        .body(vec![b'x'; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "body_too_large");
}
