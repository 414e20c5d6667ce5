//! Builds the reference plugins with the rest of the host, so `cargo build`
//! and `cargo test` need no manual step.
//!
//! The `plugins/` workspace is compiled for `wasm32-wasip2` into its own
//! target folder beside the host's, and every component is copied into
//! `plugins/dist/`, where `config/plaza.toml` finds it. Tests and benches
//! find that folder through the `PLAZA_PLUGIN_DIR` compile-time variable.

use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let host = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = host
        .parent()
        .expect("host/ sits in the repository root")
        .to_path_buf();
    let plugins = root.join("plugins");
    let dist = plugins.join("dist");
    watch(&root, &plugins);

    ensure_target();
    let target_dir = plugin_target_dir();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--release", "--target", TARGET, "--manifest-path"])
        .arg(plugins.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    // The outer build's compiler wrappers (clippy) and flags are for the
    // host, not for wasm guests.
    for var in [
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
    ] {
        build.env_remove(var);
    }
    let status = build.status().expect("failed to run cargo for the plugins");
    assert!(status.success(), "building the plugins for {TARGET} failed");

    std::fs::create_dir_all(&dist).expect("failed to create plugins/dist");
    let built = target_dir.join(TARGET).join("release");
    for entry in std::fs::read_dir(&built).expect("plugin build produced no folder") {
        let path = entry.expect("readable folder").path();
        if path.extension().is_some_and(|e| e == "wasm") {
            copy_if_changed(&path, &dist.join(path.file_name().expect("a file")));
        }
    }
    println!("cargo:rustc-env=PLAZA_PLUGIN_DIR={}", dist.display());
}

/// Re-run when the contract, the SDK or any plugin's sources change.
fn watch(root: &Path, plugins: &Path) {
    println!("cargo:rerun-if-changed={}", root.join("wit").display());
    println!("cargo:rerun-if-changed={}", root.join("sdk").display());
    println!(
        "cargo:rerun-if-changed={}",
        plugins.join("Cargo.toml").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        plugins.join("Cargo.lock").display()
    );
    for dir in [
        "decoder-compact",
        "decoder-json",
        "district-info",
        "tariff",
        "testing",
    ] {
        println!("cargo:rerun-if-changed={}", plugins.join(dir).display());
    }
}

/// Installs the wasm target through rustup when the toolchain lacks it.
fn ensure_target() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(rustc).args(["--print", "sysroot"]).output();
    let has_target = sysroot.ok().is_some_and(|out| {
        let root = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        Path::new(&root).join("lib/rustlib").join(TARGET).exists()
    });
    if !has_target {
        let _ = Command::new("rustup")
            .args(["target", "add", TARGET])
            .status();
    }
}

/// `<host target dir>/wasm-plugins`, found from OUT_DIR
/// (`<target>/<profile>/build/<pkg>/out`).
fn plugin_target_dir() -> PathBuf {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let target = out
        .ancestors()
        .nth(4)
        .expect("OUT_DIR is inside the target folder");
    target.join("wasm-plugins")
}

fn copy_if_changed(from: &Path, to: &Path) {
    let new = std::fs::read(from).expect("failed to read a built plugin");
    if std::fs::read(to).ok().as_deref() != Some(&new[..]) {
        std::fs::write(to, new).expect("failed to copy a plugin into plugins/dist");
    }
}
