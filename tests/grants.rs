//! Grants: a plugin reaches only the outbound hosts, folder and event
//! topics its config grants, and nothing else.

use crate::support::{TestServer, plugin};
use axum::Router;
use axum::routing::get;

/// A loopback server that answers `GET /` with `name`; returns its port.
async fn loopback_server(name: &'static str) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route("/", get(move || async move { name }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

fn hostile_with(grants: &str) -> String {
    format!(
        r#"
[[district]]
id = "alpha"
name = "Alpha"

[[district.plugin]]
id = "granted"
kind = "http-endpoint"
path = "{path}"
grants = {{ {grants} }}

[[district.plugin]]
id = "bare"
kind = "http-endpoint"
path = "{path}"
"#,
        path = plugin("hostile.wasm").display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_granted_one_loopback_host_cannot_reach_another() {
    let allowed = loopback_server("from the granted host").await;
    let other = loopback_server("from another host").await;
    let t = TestServer::start(&hostile_with(&format!(
        "outbound_hosts = [\"127.0.0.1:{allowed}\"]"
    )))
    .await;

    let fetch =
        |port: u16, plugin: &str| format!("/d/alpha/{plugin}/fetch?url=http://127.0.0.1:{port}/");
    let (status, body) = t.get_json(&fetch(allowed, "granted")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["body"], "from the granted host");

    let (status, body) = t.get_json(&fetch(other, "granted")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (502, Some("fetch_failed")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("Denied"),
        "{body}"
    );
    let (status, _) = t.get_json(&fetch(allowed, "bare")).await;
    assert_eq!(status, 502, "no grant, no outbound call");
}

#[tokio::test]
async fn a_plugin_reads_its_own_folder_and_nothing_outside_it() {
    let t = TestServer::start(&hostile_with("files = true")).await;
    let data = t._dir.path().join("data");
    let folder = data.join("files/alpha/granted");
    std::fs::write(folder.join("menu.txt"), "noodles").unwrap();
    std::fs::write(data.join("secret.txt"), "host secret").unwrap();

    let (status, body) = t
        .get_json("/d/alpha/granted/read?path=/data/menu.txt")
        .await;
    assert_eq!((status, body["read"].as_i64()), (200, Some(7)), "{body}");
    for outside in [
        "/data/../secret.txt",
        "/data/../../plaza.toml",
        "../secret.txt",
        "/etc/passwd",
        "/secret.txt",
    ] {
        let (status, body) = t
            .get_json(&format!("/d/alpha/granted/read?path={outside}"))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("read_failed")),
            "{outside}"
        );
    }
    let (status, _) = t.get_json("/d/alpha/bare/read?path=/data/menu.txt").await;
    assert_eq!(status, 403, "no grant, no folder");
}

#[tokio::test]
async fn a_plugin_publishes_only_to_granted_topics() {
    let t = TestServer::start(&hostile_with("publish_topics = [\"news/#\", \"offers/+\"]")).await;
    let publish = |plugin: &'static str, topic: &'static str| {
        let t = &t;
        async move {
            let url = t.url(&format!("/d/alpha/{plugin}/publish/{topic}"));
            let response = t.client.post(url).body("x").send().await.unwrap();
            response.status().as_u16()
        }
    };
    assert_eq!(publish("granted", "news/today").await, 202);
    assert_eq!(publish("granted", "offers/lunch").await, 202);
    assert_eq!(publish("granted", "offers/lunch/extra").await, 400);
    assert_eq!(publish("granted", "parking/full").await, 400);
    assert_eq!(publish("bare", "news/today").await, 400);
}
