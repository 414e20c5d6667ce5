//! `plaza plugin run`: calling a plugin offline with a JSON fixture.

use crate::support::{plugin, repo_root};
use std::process::Command;

fn run(wasm: &str, fixture: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(["plugin", "run"])
        .arg(plugin(wasm))
        .arg("--input")
        .arg(repo_root().join(fixture))
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
fn a_pricing_plugin_quotes_a_fixture_offline() {
    let (ok, stdout, stderr) = run("tariff.wasm", "plugins/tariff/fixtures/three-hours.json");
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["total"], 1000 + 2 * 600);
    assert!(stderr.contains("took "), "{stderr}");
}

#[test]
fn an_endpoint_plugin_answers_a_fixture_request_offline() {
    let (ok, stdout, stderr) = run(
        "district_info.wasm",
        "plugins/district-info/fixtures/info.json",
    );
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["status"], 200);
    assert_eq!(result["body"]["name"], "Fixture District");
}

#[test]
fn a_fixture_of_the_wrong_shape_is_refused() {
    let (ok, _, stderr) = run(
        "district_info.wasm",
        "plugins/tariff/fixtures/three-hours.json",
    );
    assert!(!ok);
    assert!(stderr.contains("needs \"request\""), "{stderr}");
}

#[test]
fn a_payment_plugin_creates_and_confirms_a_fixture_payment_offline() {
    let (ok, stdout, stderr) = run(
        "payment_sim.wasm",
        "plugins/payment-sim/fixtures/create.json",
    );
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["create"]["status"], "pending", "{result}");
    assert_eq!(result["confirm"]["status"], "succeeded", "{result}");
    assert_eq!(result["confirm"]["amount"], 1800);
}
