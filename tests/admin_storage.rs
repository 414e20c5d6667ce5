//! The operators' tables on both databases: tokens by hash, artifacts by
//! digest, versions and activations, and the audit log.

use crate::support::db::backends;
use plaza::storage::{AuditEntry, AuditFilter, TokenRecord, VersionRecord};

#[tokio::test]
async fn tokens_artifacts_versions_and_audit_round_trip_on_every_backend() {
    for (name, storage) in backends("operators' tables").await {
        let token = TokenRecord {
            id: "t1".into(),
            role: "district-operator".into(),
            district: Some("alpha".into()),
            label: "ci".into(),
            created_at: 1,
        };
        storage.tokens().insert(&token, "hash1").await.unwrap();
        assert_eq!(
            storage.tokens().find("hash1").await.unwrap(),
            Some(token),
            "{name}"
        );
        assert!(storage.tokens().revoke("t1").await.unwrap());
        assert_eq!(
            storage.tokens().find("hash1").await.unwrap(),
            None,
            "{name}"
        );

        storage.artifacts().put("abc", b"bytes").await.unwrap();
        storage.artifacts().put("abc", b"bytes").await.unwrap();
        let bytes = storage.artifacts().get("abc").await.unwrap();
        assert_eq!(bytes.as_deref(), Some(&b"bytes"[..]), "{name}");

        let record = VersionRecord {
            district: "alpha".into(),
            plugin: "site".into(),
            version: 0,
            sha256: "abc".into(),
            kind: "http-endpoint".into(),
            capabilities: String::new(),
            signature: None,
            signed_by: None,
            uploaded_by: "t1".into(),
            uploaded_at: 2,
        };
        let versions = storage.versions();
        assert_eq!(versions.add(&record).await.unwrap(), 1, "{name}");
        assert_eq!(versions.add(&record).await.unwrap(), 2, "{name}");
        versions.activate("alpha", "site", 2, "t1").await.unwrap();
        versions.activate("alpha", "site", 1, "t1").await.unwrap();
        assert_eq!(versions.history("alpha", "site").await.unwrap(), [1, 2]);
        let active = versions.active().await.unwrap();
        assert_eq!(active, [("alpha".into(), "site".into(), 1)], "{name}");
        let got = versions.get("alpha", "site", 2).await.unwrap().unwrap();
        assert_eq!((got.version, got.signature), (2, None));

        let audit = storage.audit();
        for district in ["alpha", "beta"] {
            let entry = AuditEntry {
                actor: "t1".into(),
                action: "plugin.upload".into(),
                district: Some(district.into()),
                outcome: "ok".into(),
                ..AuditEntry::default()
            };
            audit.record(&entry).await.unwrap();
        }
        let all = audit
            .list(&AuditFilter {
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(all.len(), 2, "{name}");
        let only = AuditFilter {
            district: Some("alpha".into()),
            limit: 10,
            ..AuditFilter::default()
        };
        let alpha = audit.list(&only).await.unwrap();
        assert_eq!(alpha.len(), 1, "{name}");
        assert_eq!(alpha[0].entry.district.as_deref(), Some("alpha"));
        let older = AuditFilter {
            before: Some(all[0].id),
            ..only
        };
        assert_eq!(audit.list(&older).await.unwrap().len(), 1, "{name}");
    }
}
