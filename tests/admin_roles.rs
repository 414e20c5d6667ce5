//! Who may call the admin API: every endpoint refuses a missing or wrong
//! token with 401, a district operator gets 403 for another district, and
//! both its own district's operator and the city admin get through.

use crate::support::admin::{Ops, site_district, wasm};

/// One admin endpoint, as a district operator of `alpha` would call it.
struct Endpoint {
    method: &'static str,
    path: &'static str,
    body: fn() -> Vec<u8>,
    /// Whether it concerns one district (and so refuses other districts).
    scoped: bool,
    /// The status an allowed caller gets.
    ok: u16,
}

fn none() -> Vec<u8> {
    Vec::new()
}

fn version_two() -> Vec<u8> {
    wasm("version_two.wasm")
}

fn version_one_json() -> Vec<u8> {
    br#"{"version": 1}"#.to_vec()
}

const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "GET",
        path: "/admin/v1/whoami",
        body: none,
        scoped: false,
        ok: 200,
    },
    Endpoint {
        method: "GET",
        path: "/admin/v1/districts",
        body: none,
        scoped: false,
        ok: 200,
    },
    Endpoint {
        method: "GET",
        path: "/admin/v1/audit",
        body: none,
        scoped: false,
        ok: 200,
    },
    Endpoint {
        method: "GET",
        path: "/admin/v1/audit?district=alpha",
        body: none,
        scoped: true,
        ok: 200,
    },
    Endpoint {
        method: "GET",
        path: "/admin/v1/districts/alpha/plugins",
        body: none,
        scoped: true,
        ok: 200,
    },
    Endpoint {
        method: "POST",
        path: "/admin/v1/districts/alpha/plugins/site/versions",
        body: version_two,
        scoped: true,
        ok: 201,
    },
    Endpoint {
        method: "GET",
        path: "/admin/v1/districts/alpha/plugins/site/versions",
        body: none,
        scoped: true,
        ok: 200,
    },
    Endpoint {
        method: "POST",
        path: "/admin/v1/districts/alpha/plugins/site/activate",
        body: version_one_json,
        scoped: true,
        ok: 200,
    },
    Endpoint {
        method: "POST",
        path: "/admin/v1/districts/alpha/plugins/site/rollback",
        body: version_one_json,
        scoped: true,
        ok: 200,
    },
    Endpoint {
        method: "GET",
        path: "/admin/v1/no/such/route",
        body: none,
        scoped: false,
        ok: 404,
    },
];

#[tokio::test]
async fn every_admin_endpoint_enforces_the_role_matrix() {
    let config = format!(
        "{}{}",
        site_district("alpha", ""),
        site_district("beta", "")
    );
    let ops = Ops::start(&config).await;
    let bad = "plaza_0000000000000000000000000000000000000000000000000000000000000000";
    for e in ENDPOINTS {
        let at = format!("{} {}", e.method, e.path);
        let (status, body) = ops.call(None, e.method, e.path, (e.body)(), None).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("unauthorized")),
            "{at}"
        );
        let (status, _) = ops
            .call(Some(bad), e.method, e.path, (e.body)(), None)
            .await;
        assert_eq!(status, 401, "bad token: {at}");
        let (status, _) = ops
            .call(Some("Basic x"), e.method, e.path, (e.body)(), None)
            .await;
        assert_eq!(status, 401, "not a bearer token: {at}");

        let (status, body) = ops
            .call(Some(&ops.beta), e.method, e.path, (e.body)(), None)
            .await;
        if e.scoped {
            assert_eq!(
                (status, body["code"].as_str()),
                (403, Some("forbidden")),
                "{at}"
            );
        } else {
            assert_eq!(status, e.ok, "other district's operator on {at}: {body}");
        }
        for (who, token) in [("own operator", &ops.alpha), ("city admin", &ops.city)] {
            let (status, body) = ops
                .call(Some(token), e.method, e.path, (e.body)(), None)
                .await;
            assert_eq!(status, e.ok, "{who} on {at}: {body}");
        }
    }
}

#[tokio::test]
async fn a_district_operator_sees_only_its_own_district_and_audit_entries() {
    let config = format!(
        "{}{}",
        site_district("alpha", ""),
        site_district("beta", "")
    );
    let ops = Ops::start(&config).await;
    let (status, _) = ops
        .upload(&ops.beta, "beta", "site", wasm("version_two.wasm"), None)
        .await;
    assert_eq!(status, 201);
    let (status, _) = ops
        .upload(&ops.beta, "alpha", "site", wasm("version_two.wasm"), None)
        .await;
    assert_eq!(status, 403);

    let (_, districts) = ops.get(&ops.alpha, "/admin/v1/districts").await;
    let ids: Vec<_> = districts
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["id"])
        .collect();
    assert_eq!(ids, ["alpha"]);
    let (_, districts) = ops.get(&ops.city, "/admin/v1/districts").await;
    assert_eq!(districts.as_array().unwrap().len(), 2);

    let (_, versions) = ops
        .get(&ops.city, "/admin/v1/districts/alpha/plugins/site/versions")
        .await;
    assert_eq!(
        versions,
        serde_json::json!([]),
        "a refused upload stores nothing"
    );

    let (_, audit) = ops.get(&ops.alpha, "/admin/v1/audit").await;
    let entries = audit.as_array().unwrap();
    assert!(entries.iter().all(|e| e["district"] == "alpha"), "{audit}");
    let denied = entries
        .iter()
        .find(|e| e["outcome"] == "denied")
        .expect("denial audited");
    assert_eq!(denied["action"], "plugin.upload");
    assert!(
        denied["actor"]
            .as_str()
            .unwrap()
            .contains("district-operator of beta")
    );

    let (_, audit) = ops.get(&ops.city, "/admin/v1/audit?district=beta").await;
    assert_eq!(audit[0]["action"], "plugin.upload");
    assert_eq!(audit[0]["outcome"], "ok");
    let text = audit.to_string();
    for token in [&ops.city, &ops.alpha, &ops.beta] {
        assert!(
            !text.contains(token.as_str()),
            "a token leaked into the audit log"
        );
    }
}
