//! Uploading plugin versions and listing them. An upload is verified
//! first, then stored content-addressed; it serves only once activated.

use super::status::VersionView;
use super::{Admin, AdminError, Principal};
use crate::runtime::Capability;
use crate::storage::{AuditEntry, VersionRecord};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What an accepted upload became.
#[derive(Debug, Clone, Serialize)]
pub struct UploadOutcome {
    /// The new version.
    #[serde(flatten)]
    pub version: VersionView,
    /// Capabilities it asks for beyond the version serving now; activating
    /// it needs explicit approval when this is not empty.
    pub added_capabilities: Vec<Capability>,
}

impl Admin {
    /// Verifies `bytes` for slot `plugin` of `district` and stores them as
    /// its next version.
    pub async fn upload(
        &self,
        who: &Principal,
        district: &str,
        plugin: &str,
        bytes: &[u8],
        signature: Option<&str>,
    ) -> Result<UploadOutcome, AdminError> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        let entry = AuditEntry {
            actor: who.actor(),
            action: "plugin.upload".into(),
            district: Some(district.to_owned()),
            plugin: Some(plugin.to_owned()),
            ..AuditEntry::default()
        };
        self.audited(entry, async {
            let d = self.district(who, district)?;
            let verified = self.verify(d, plugin, bytes, &sha256, signature).await?;
            let storage = &self.inner.storage;
            storage.artifacts().put(&sha256, bytes).await?;
            let kind = d.slot_spec(plugin).map(|s| s.0.kind.to_string());
            let mut record = VersionRecord {
                district: district.to_owned(),
                plugin: plugin.to_owned(),
                version: 0,
                sha256: sha256.clone(),
                kind: kind.unwrap_or_default(),
                capabilities: verified
                    .capabilities
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                signature: signature.map(|s| s.trim().to_owned()),
                signed_by: verified.signed_by,
                uploaded_by: who.actor(),
                uploaded_at: chrono::Utc::now().timestamp_millis(),
            };
            record.version = storage.versions().add(&record).await?;
            let serving = d.plugin(plugin).map(|p| p.capabilities.clone());
            let added = verified
                .capabilities
                .difference(&serving.unwrap_or_default())
                .copied()
                .collect();
            tracing::info!(district, plugin, version = record.version, sha256 = %sha256,
                "plugin version uploaded");
            let detail = format!("version {} sha256 {sha256}", record.version);
            let outcome = UploadOutcome {
                version: VersionView::from(&record),
                added_capabilities: added,
            };
            Ok((outcome, detail))
        })
        .await
    }

    /// Every version of slot `plugin` of `district`, oldest first.
    pub async fn versions(
        &self,
        who: &Principal,
        district: &str,
        plugin: &str,
    ) -> Result<Vec<VersionView>, AdminError> {
        let d = self.district(who, district)?;
        if d.slot_spec(plugin).is_none() {
            return Err(AdminError::UnknownPlugin {
                district: district.to_owned(),
                plugin: plugin.to_owned(),
            });
        }
        let records = self.inner.storage.versions().list(district, plugin).await?;
        Ok(records.iter().map(VersionView::from).collect())
    }
}
