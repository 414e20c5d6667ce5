//! Uploading plugin versions: each check refuses what it must, with the
//! reason; accepted versions serve only once activated; an activation that
//! fails leaves the old version serving.

use crate::support::admin::{Ops, site_district, wasm};
use crate::support::plugin;
use ed25519_dalek::SigningKey;
use plaza::admin::signature;

fn refused(status: u16, body: &serde_json::Value, code: &str, says: &str) {
    assert_eq!((status, body["code"].as_str()), (422, Some(code)), "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(says), "{code}: {message}");
}

#[tokio::test]
async fn non_components_unknown_worlds_wrong_kinds_and_over_asking_plugins_are_refused() {
    let ops = Ops::start(&site_district("alpha", "")).await;
    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", b"hello".to_vec(), None)
        .await;
    refused(status, &body, "not_a_component", "no wasm magic");
    let core_module = b"\0asm\x01\0\0\0".to_vec();
    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", core_module, None)
        .await;
    refused(status, &body, "not_a_component", "core wasm module");

    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", wasm("cli_command.wasm"), None)
        .await;
    refused(status, &body, "unsupported_world", "wasi:cli/run");

    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", wasm("tariff.wasm"), None)
        .await;
    refused(status, &body, "wrong_kind", "parking-pricing");

    // The hostile plugin calls out over HTTP and reads files; `site` is
    // granted neither.
    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", wasm("hostile.wasm"), None)
        .await;
    refused(status, &body, "capability_not_granted", "outbound-http");
    assert!(
        body["message"].as_str().unwrap().contains("files"),
        "{body}"
    );

    let (status, body) = ops
        .upload(
            &ops.alpha,
            "alpha",
            "nothing",
            wasm("version_two.wasm"),
            None,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_plugin"))
    );

    let (_, versions) = ops
        .get(
            &ops.alpha,
            "/admin/v1/districts/alpha/plugins/site/versions",
        )
        .await;
    assert_eq!(versions, serde_json::json!([]));
    let (_, audit) = ops.get(&ops.city, "/admin/v1/audit?district=alpha").await;
    let failed: Vec<_> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "plugin.upload" && e["outcome"] == "failed")
        .collect();
    assert_eq!(failed.len(), 6, "{audit}");
    assert!(
        failed
            .iter()
            .any(|e| e["detail"].as_str().unwrap().contains("outbound-http"))
    );
}

#[tokio::test]
async fn where_a_district_trusts_vendor_keys_only_their_signatures_are_accepted() {
    let vendor = SigningKey::from_bytes(&[11; 32]);
    let stranger = SigningKey::from_bytes(&[12; 32]);
    let trusted = format!(
        "trusted_keys = [\"{}\"]",
        hex::encode(vendor.verifying_key().to_bytes())
    );
    let ops = Ops::start(&site_district("alpha", &trusted)).await;
    let component = wasm("version_two.wasm");

    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", component.clone(), None)
        .await;
    refused(status, &body, "signature_required", "x-plaza-signature");
    let forged = signature::sign(&stranger, &component);
    let (status, body) = ops
        .upload(
            &ops.alpha,
            "alpha",
            "site",
            component.clone(),
            Some(&forged),
        )
        .await;
    refused(
        status,
        &body,
        "bad_signature",
        "none of the district's trusted keys",
    );
    let other_bytes = signature::sign(&vendor, &wasm("version_one.wasm"));
    let (status, body) = ops
        .upload(
            &ops.alpha,
            "alpha",
            "site",
            component.clone(),
            Some(&other_bytes),
        )
        .await;
    refused(status, &body, "bad_signature", "trusted keys");
    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", component.clone(), Some("zz"))
        .await;
    refused(status, &body, "bad_signature", "128 hex digits");

    let good = signature::sign(&vendor, &component);
    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "site", component, Some(&good))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["version"], 1);
    assert_eq!(
        body["signed_by"],
        hex::encode(vendor.verifying_key().to_bytes())
    );
    let (status, body) = ops.activate(&ops.alpha, "alpha", "site", 1, false).await;
    assert_eq!(status, 200, "{body}");
    let (_, served) = ops.t.get_json("/d/alpha/site").await;
    assert_eq!(served["version"], "two");
}

#[tokio::test]
async fn an_upgrade_asking_for_more_capabilities_needs_explicit_approval() {
    let grants = r#"
[[district.plugin]]
id = "tool"
kind = "http-endpoint"
path = "PATH"
grants = { outbound_hosts = ["127.0.0.1:9"], files = true, publish_topics = ["news/#"] }
"#
    .replace("PATH", &plugin("version_one.wasm").display().to_string());
    let ops = Ops::start(&site_district("alpha", &grants)).await;

    let (status, upload) = ops
        .upload(&ops.alpha, "alpha", "tool", wasm("hostile.wasm"), None)
        .await;
    assert_eq!(status, 201, "{upload}");
    let added = &upload["added_capabilities"];
    assert!(
        added.as_array().unwrap().contains(&"outbound-http".into()),
        "{upload}"
    );

    let (status, body) = ops.activate(&ops.alpha, "alpha", "tool", 1, false).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("approval_required")),
        "{body}"
    );
    assert_eq!(body["details"]["added_capabilities"], *added);
    let (_, served) = ops.t.get_json("/d/alpha/tool").await;
    assert_eq!(served["version"], "one", "the old version keeps serving");

    let (status, body) = ops.activate(&ops.alpha, "alpha", "tool", 1, true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["added_capabilities"], *added);
    let (status, echo) = ops.t.get_json("/d/alpha/tool/echo").await;
    assert_eq!((status, echo["path"].as_str()), (200, Some("/echo")));

    let (_, plugins) = ops
        .get(&ops.alpha, "/admin/v1/districts/alpha/plugins")
        .await;
    let tool = plugins
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "tool")
        .unwrap();
    assert_eq!(tool["version"], 1);
    assert_eq!(tool["grants"]["files"], true);
}

#[tokio::test]
async fn a_failed_activation_leaves_the_old_version_serving_and_says_why() {
    let config = format!(
        r#"
[[district]]
id = "alpha"
name = "Alpha"

[[district.plugin]]
id = "pricing"
kind = "parking-pricing"
path = "{}"
"#,
        plugin("noop_pricing.wasm").display()
    );
    let ops = Ops::start(&config).await;
    // The tariff is a valid pricing component, but its self-check fails on
    // this slot's (empty) config.
    let (status, body) = ops
        .upload(&ops.alpha, "alpha", "pricing", wasm("tariff.wasm"), None)
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = ops.activate(&ops.alpha, "alpha", "pricing", 1, false).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("activation_failed")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("self-check failed"),
        "{body}"
    );

    let quote = "/api/v1/districts/alpha/parking/quote?start=2026-01-01T10:00:00%2B08:00\
                 &end=2026-01-01T12:00:00%2B08:00";
    let (status, body) = ops.t.get_json(quote).await;
    assert_eq!(
        (status, body["total"].as_i64()),
        (200, Some(0)),
        "noop still prices: {body}"
    );
    let (_, audit) = ops.get(&ops.alpha, "/admin/v1/audit").await;
    assert_eq!(audit[0]["action"], "plugin.activate");
    assert_eq!(audit[0]["outcome"], "failed");
    assert_eq!(audit[0]["version"], 1);
}
