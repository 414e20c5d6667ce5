//! The commerce data file and its surfaces outside the shopper routes: a
//! bad file is refused naming file, key and reason; the default districts'
//! files load; `plaza merchant token` makes a working token; the OpenAPI
//! document describes every commerce route.

use super::fixture::{Commerce, DATA};
use std::process::Command;

fn plaza(args: &[&str], config: &std::path::Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(args)
        .arg("--config")
        .arg(config)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_commerce_file_is_refused_naming_file_key_and_reason() {
    let cases = [
        (
            "stock = 3",
            "stock = -1",
            "merchant[0].item[0].stock",
            "stock of 0 or more",
        ),
        (
            "price = 16800",
            "price = 0",
            "merchant[0].item[0].price",
            "above 0",
        ),
        (
            "\"late\"]",
            "\"lost\"]",
            "guarantee.allowed_reasons[1]",
            "\"lost\"",
        ),
        (
            "id = \"tea\"",
            "id = \"hotpot\"",
            "merchant[1].id",
            "defined twice",
        ),
        (
            "opening_hours = \"09:30-22:00\"",
            "opening_hours = \"late\"",
            "merchant[1].opening_hours",
            "HH:MM-HH:MM",
        ),
    ];
    for (from, to, key, reason) in cases {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("commerce.toml");
        std::fs::write(&data, DATA.replacen(from, to, 1)).unwrap();
        let config = dir.path().join("plaza.toml");
        std::fs::write(
            &config,
            "[[district]]\nid = \"alpha\"\nname = \"Alpha\"\ncommerce = \"commerce.toml\"\n",
        )
        .unwrap();
        let (ok, _, stderr) = plaza(&["check"], &config);
        assert!(!ok, "accepted {to}");
        for needle in [data.display().to_string().as_str(), key, reason] {
            assert!(stderr.contains(needle), "{needle:?} missing in: {stderr}");
        }
    }
}

#[test]
fn the_default_districts_load_with_their_commerce_data() {
    let config = crate::support::repo_root().join("config/plaza.toml");
    let (ok, stdout, stderr) = plaza(&["check"], &config);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("jiefangbei/coupons  promotion"), "{stdout}");
}

#[tokio::test]
async fn the_merchant_token_verb_prints_a_token_the_server_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("commerce.toml");
    std::fs::write(&data, DATA).unwrap();
    let config = dir.path().join("plaza.toml");
    let text = format!(
        "[storage]\ndata_dir = \"data\"\n\n{}",
        super::fixture::config(&data)
    );
    std::fs::write(&config, &text).unwrap();
    let args = [
        "merchant",
        "token",
        "--district",
        "alpha",
        "--merchant",
        "tea",
    ];
    let (ok, token, stderr) = plaza(&args, &config);
    assert!(ok, "{stderr}");
    let token = token.trim();
    assert!(token.starts_with("pzm_"), "{token}");
    let args = [
        "merchant",
        "token",
        "--district",
        "alpha",
        "--merchant",
        "nobody",
    ];
    let (ok, _, stderr) = plaza(&args, &config);
    assert!(!ok && stderr.contains("no merchant"), "{stderr}");

    let server = plaza::server::start(plaza::server::ServeOptions {
        config,
        listen: Some("127.0.0.1:0".parse().unwrap()),
        ..Default::default()
    })
    .await
    .unwrap();
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/merchant/items", server.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let items: serde_json::Value = response.json().await.unwrap();
    assert_eq!(items.as_array().unwrap().len(), 2, "{items}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_openapi_document_describes_the_commerce_routes() {
    let c = Commerce::start(None).await;
    let (_, doc) = c.t.get_json("/api/v1/openapi.json").await;
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/districts/{district}/commerce/items",
        "/api/v1/districts/{district}/commerce/cart/price",
        "/api/v1/districts/{district}/commerce/orders/{order}/pay",
        "/api/v1/districts/{district}/commerce/orders/{order}/claims",
        "/api/v1/districts/{district}/commerce/fund",
        "/api/v1/merchant/orders/{order}/collect",
    ] {
        assert!(paths.contains_key(path), "{path} missing");
    }
    assert!(doc["components"]["securitySchemes"]["merchant_token"].is_object());
}
