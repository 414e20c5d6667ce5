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
        stdout.contains("2 districts, ") && stdout.contains(" plugins, all loaded"),
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

#[test]
fn a_bad_parking_data_file_is_refused_with_its_file_key_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("parking.toml");
    std::fs::write(
        &data,
        "[[car_park]]\nid = \"p\"\nname = \"P\"\nlat = 29.5\nlon = 106.5\nfloors = [\"B1\"]\n\
         [[car_park.entrance]]\nid = \"p-gate\"\nname = \"Gate\"\nlat = 29.5\nlon = 106.5\n\
         [[car_park.spaces]]\nfloor = \"B1\"\ncategory = \"valet\"\ncount = 3\n",
    )
    .unwrap();
    let config = format!(
        "[[district]]\nid = \"alpha\"\nname = \"Alpha\"\nparking = \"{}\"\n",
        data.display()
    );
    let file = dir.path().join("plaza.toml");
    std::fs::write(&file, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(["check", "--config"])
        .arg(&file)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains(&data.display().to_string()), "{stderr}");
    assert!(
        stderr.contains("car_park[0].spaces[0].category"),
        "{stderr}"
    );
    assert!(stderr.contains("\"valet\" is not one of"), "{stderr}");
}

/// Runs `plaza check` on `config` with `devices` written beside it as
/// `devices.toml`; returns (success, stderr, path of the device file).
fn check_with_devices(config: &str, devices: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plaza.toml"), config).unwrap();
    let device_file = dir.path().join("devices.toml");
    std::fs::write(&device_file, devices).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(["check", "--config"])
        .arg(dir.path().join("plaza.toml"))
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    (
        out.status.success(),
        text,
        device_file.display().to_string(),
    )
}

fn decoder_district() -> String {
    format!(
        "[[district]]\nid = \"alpha\"\nname = \"Alpha\"\ndevices = \"devices.toml\"\n\n\
         [[district.plugin]]\nid = \"decoder-json\"\nkind = \"decoder\"\npath = \"{}\"\n",
        plugin("decoder_json.wasm").display()
    )
}

#[test]
fn a_device_naming_a_missing_decoder_is_refused_with_its_file_and_key() {
    let devices = "[[device]]\nid = \"gate-1\"\nkind = \"vehicle-counter\"\n\
                   decoder = \"decoder-acme\"\nlocation = \"north ramp\"\n\
                   observes = \"p1-north\"\ncar_park = \"p1\"\n";
    let (ok, stderr, file) = check_with_devices(&decoder_district(), devices);
    assert!(!ok);
    assert!(stderr.contains(&file), "no device file in: {stderr}");
    assert!(stderr.contains("device[0].decoder"), "{stderr}");
    assert!(
        stderr.contains("no decoder plugin \"decoder-acme\""),
        "{stderr}"
    );
}

#[test]
fn a_gate_without_its_car_park_and_an_unknown_device_kind_are_refused() {
    let no_car_park = "[[device]]\nid = \"gate-1\"\nkind = \"vehicle-counter\"\n\
                       decoder = \"decoder-json\"\nlocation = \"north ramp\"\n\
                       observes = \"p1-north\"\n";
    let (ok, stderr, _) = check_with_devices(&decoder_district(), no_car_park);
    assert!(!ok);
    assert!(stderr.contains("device[0].car_park"), "{stderr}");

    let weather = "[[device]]\nid = \"w-1\"\nkind = \"weather-station\"\n\
                   decoder = \"decoder-json\"\nlocation = \"roof\"\nobserves = \"roof\"\n";
    let (ok, stderr, _) = check_with_devices(&decoder_district(), weather);
    assert!(!ok);
    assert!(stderr.contains("device[0].kind"), "{stderr}");
}

#[test]
fn a_bad_broker_url_is_refused() {
    let config = format!(
        "[mqtt]\nurl = \"http://broker:1883\"\n{}",
        one_plugin("", &info())
    );
    assert_refused(&config, "mqtt.url", "must start with mqtt://");
}
