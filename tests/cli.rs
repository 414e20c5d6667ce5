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

#[test]
fn the_compact_decoder_reads_a_people_counter_uplink_offline() {
    let (ok, stdout, stderr) = run(
        "decoder_compact.wasm",
        "plugins/decoder-compact/fixtures/people-counter.json",
    );
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["sequence"], 12345);
    assert_eq!(result["readings"][0]["kind"], "people");
    assert_eq!(
        (
            result["readings"][0]["in"].as_u64(),
            result["readings"][0]["out"].as_u64()
        ),
        (Some(12), Some(5))
    );
    assert_eq!(result["warnings"], serde_json::json!([]));
}

#[test]
fn the_compact_decoder_warns_of_a_low_battery_and_keeps_the_reading() {
    let (ok, stdout, stderr) = run(
        "decoder_compact.wasm",
        "plugins/decoder-compact/fixtures/space-occupied-low-battery.json",
    );
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["sequence"], 123456);
    assert_eq!(result["readings"][0]["occupied"], true);
    assert_eq!(result["warnings"][0], "battery low: 7%");
}

#[test]
fn the_json_decoder_reads_a_gate_count_with_its_device_timestamp() {
    let (ok, stdout, stderr) = run(
        "decoder_json.wasm",
        "plugins/decoder-json/fixtures/gate-count.json",
    );
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["sequence"], 1042);
    let reading = &result["readings"][0];
    assert_eq!(reading["kind"], "vehicles");
    assert_eq!(
        (reading["in"].as_u64(), reading["out"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(reading["at"], 1764727200000_i64);
}

#[test]
fn the_json_decoder_calls_a_truncated_uplink_malformed() {
    let (ok, stdout, stderr) = run(
        "decoder_json.wasm",
        "plugins/decoder-json/fixtures/truncated.json",
    );
    assert!(ok, "{stderr}");
    let result: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(result["error"], "malformed");
    assert!(
        result["reason"]
            .as_str()
            .unwrap()
            .contains("not a JSON uplink")
    );
}
