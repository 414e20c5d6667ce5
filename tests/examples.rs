//! The examples run as their READMEs say.

use crate::support::repo_root;
use plaza::server::{ServeOptions, start};

#[tokio::test]
async fn the_visitor_counter_counts_each_district_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(ServeOptions {
        config: repo_root().join("examples/visitor-counter/plaza.toml"),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: None,
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();
    let get = |district: &str| {
        let url = format!("{}/d/{district}/visits", server.url());
        async move {
            reqwest::get(url)
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(get("harbour").await["visits"], 1);
    let second = get("harbour").await;
    assert_eq!(second["visits"], 2);
    assert_eq!(second["greeting"], "Welcome to the harbour");
    let hilltop = get("hilltop").await;
    assert_eq!(
        (hilltop["visits"].as_u64(), hilltop["greeting"].as_str()),
        (Some(1), Some("Up the hill!"))
    );
    server.shutdown().await.unwrap();
}
