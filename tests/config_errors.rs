//! `plaza check` refuses a bad config with file, key and reason, and a
//! non-zero exit.

use crate::support::{plugin, repo_root};
use std::process::Command;

/// Runs `plaza check` on `config`, returning (success, stdout + stderr).
fn check(config: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(["check", "--config"])
        .arg(&file)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.success(), text, file.display().to_string())
}

fn one_plugin(extra: &str, path: &str) -> String {
    format!(
        "[[district]]\nid = \"alpha\"\nname = \"Alpha\"\n\n[[district.plugin]]\nid = \"info\"\n\
         kind = \"http-endpoint\"\npath = \"{path}\"\n{extra}\n[district.plugin.config]\n\
         name = \"Alpha\"\nopening_hours = \"10:00-22:00\"\n"
    )
}

fn info() -> String {
    plugin("district_info.wasm").display().to_string()
}

fn assert_refused(config: &str, key: &str, reason: &str) {
    let (ok, stderr, file) = check(config);
    assert!(!ok, "accepted: {config}");
    assert!(stderr.contains(&file), "no file name in: {stderr}");
    assert!(stderr.contains(key), "no key {key:?} in: {stderr}");
    assert!(stderr.contains(reason), "no reason {reason:?} in: {stderr}");
}

#[test]
fn the_shipped_config_passes() {
    let out = Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(["check", "--config"])
        .arg(repo_root().join("config/plaza.toml"))
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("2 districts, 8 plugins, all loaded"),
        "{stdout}"
    );
}

#[test]
fn malformed_toml_is_refused() {
    assert_refused("[[district]\nid = ", "(syntax)", "TOML parse error");
}

#[test]
fn an_unknown_key_is_refused_with_its_path() {
    let config = one_plugin("colour = \"blue\"", &info());
    assert_refused(&config, "district[0].plugin[0]", "unknown field `colour`");
}

#[test]
fn a_missing_plugin_file_is_refused() {
    let config = one_plugin("", "/nonexistent/info.wasm");
    assert_refused(
        &config,
        "district[0].plugin[0].path",
        "failed to read /nonexistent/info.wasm",
    );
}

#[test]
fn a_wrong_sha256_is_refused() {
    let pin = format!("sha256 = \"{}\"", "0".repeat(64));
    let config = one_plugin(&pin, &info());
    assert_refused(&config, "district[0].plugin[0].sha256", "config pins 0000");
}

#[test]
fn out_of_range_limits_are_refused() {
    let config = one_plugin("limits = { timeout_ms = 0 }", &info());
    assert_refused(
        &config,
        "district[0].plugin[0].limits.timeout_ms",
        "outside 1..=60000",
    );
}

#[test]
fn a_bad_id_is_refused() {
    let config = one_plugin("", &info()).replace("id = \"alpha\"", "id = \"Alpha District\"");
    assert_refused(&config, "district[0].id", "must be 1-63 of a-z");
}

#[test]
fn a_component_of_another_kind_is_refused() {
    let config = one_plugin("", &plugin("tariff.wasm").display().to_string());
    assert_refused(
        &config,
        "district[0].plugin[0]",
        "declared kind http-endpoint but the component is a parking-pricing",
    );
}

#[test]
fn a_file_that_is_not_a_component_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.wasm");
    std::fs::write(&junk, b"this is not wasm").unwrap();
    let config = one_plugin("", &junk.display().to_string());
    assert_refused(&config, "district[0].plugin[0]", "not a loadable component");
}
