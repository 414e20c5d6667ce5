//! The operators' command line: `plaza token create` against the
//! server's database, then `plaza plugin push`, `activate` and `rollback`
//! over the admin API of a running server.

use crate::support::admin::site_district;
use crate::support::plugin;
use plaza::server::{ServeOptions, start};
use std::process::Command;

fn plaza(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(args)
        .env("RUST_LOG", "off")
        .env_remove("PLAZA_TOKEN")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_creates_a_token_and_pushes_activates_and_rolls_back_a_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("plaza.toml");
    std::fs::write(&config, site_district("alpha", "")).unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let url = plaza::storage::Storage::sqlite_url(&data.canonicalize().unwrap());
    let config_arg = config.to_str().unwrap();

    let (ok, _, stderr) = plaza(&[
        "token",
        "create",
        "--role",
        "district-operator",
        "--district",
        "nowhere",
        "--config",
        config_arg,
        "--database-url",
        &url,
    ]);
    assert!(
        !ok && stderr.contains("no district \"nowhere\""),
        "{stderr}"
    );
    let (ok, token, stderr) = plaza(&[
        "token",
        "create",
        "--role",
        "district-operator",
        "--district",
        "alpha",
        "--label",
        "ci",
        "--config",
        config_arg,
        "--database-url",
        &url,
    ]);
    assert!(ok, "{stderr}");
    assert!(token.starts_with("plaza_") && token.len() > 60, "{token}");
    assert!(stderr.contains("shown only now"), "{stderr}");
    let (ok, list, _) = plaza(&[
        "token",
        "list",
        "--config",
        config_arg,
        "--database-url",
        &url,
    ]);
    assert!(
        ok && list.contains("district-operator") && !list.contains(&token),
        "{list}"
    );

    let server = start(ServeOptions {
        config: config.clone(),
        listen: Some("127.0.0.1:0".parse().unwrap()),
        data_dir: Some(data.clone()),
        database_url: Some(url.clone()),
        mqtt_listen: Some("127.0.0.1:0".parse().unwrap()),
    })
    .await
    .unwrap();
    let server_url = server.url();
    let slot = [
        "--server",
        server_url.as_str(),
        "--token",
        token.as_str(),
        "--district",
        "alpha",
        "--plugin",
        "site",
    ];
    let file = plugin("version_two.wasm");
    let mut push = vec!["plugin", "push"];
    push.extend(slot);
    push.push(file.to_str().unwrap());
    let (ok, out, stderr) = tokio::task::spawn_blocking({
        let push: Vec<String> = push.iter().map(|s| s.to_string()).collect();
        move || plaza(&push.iter().map(String::as_str).collect::<Vec<_>>())
    })
    .await
    .unwrap();
    assert!(ok, "{stderr}");
    let pushed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(pushed["version"], 1);

    let run = |verb: &'static str, extra: &'static [&'static str]| {
        let mut args: Vec<String> = vec!["plugin".into(), verb.into()];
        args.extend(slot.iter().map(|s| s.to_string()));
        args.extend(extra.iter().map(|s| s.to_string()));
        tokio::task::spawn_blocking(move || {
            plaza(&args.iter().map(String::as_str).collect::<Vec<_>>())
        })
    };
    let (ok, _, stderr) = run("activate", &["--version", "1"]).await.unwrap();
    assert!(ok, "{stderr}");
    let served: serde_json::Value = reqwest::get(format!("{server_url}/d/alpha/site"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served["version"], "two");
    let (ok, _, stderr) = run("rollback", &[]).await.unwrap();
    assert!(!ok && stderr.contains("nothing_to_roll_back"), "{stderr}");

    let (ok, _, stderr) = tokio::task::spawn_blocking(move || {
        plaza(&[
            "plugin",
            "push",
            "--server",
            &server_url,
            "--token",
            "plaza_wrong",
            "--district",
            "alpha",
            "--plugin",
            "site",
            file.to_str().unwrap(),
        ])
    })
    .await
    .unwrap();
    assert!(!ok && stderr.contains("401"), "{stderr}");
    server.shutdown().await.unwrap();
}

#[test]
fn a_vendor_signs_a_component_with_a_generated_key() {
    let (ok, keys, stderr) = plaza(&["plugin", "keygen"]);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = keys.lines().collect();
    assert_eq!(lines.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("vendor.key");
    std::fs::write(&key_file, lines[0]).unwrap();
    let file = plugin("version_two.wasm");
    let (ok, sig, stderr) = plaza(&[
        "plugin",
        "sign",
        "--key",
        key_file.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    let public = plaza::config::parse_public_key(lines[1]).unwrap();
    let trusted = vec![(lines[1].to_owned(), public)];
    let digest = plaza::admin::signature::digest(&std::fs::read(&file).unwrap());
    assert_eq!(
        plaza::admin::signature::verify(&trusted, &digest, &sig),
        Ok(lines[1])
    );
}
