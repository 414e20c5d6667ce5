//! What the admin API shows: districts, their plugins with the version
//! serving, grants and breaker state, versions, and the audit log.

use super::{Admin, AdminError, Principal};
use crate::registry::District;
use crate::runtime::{BreakerStatus, Capability};
use crate::storage::{AuditFilter, AuditRecord, VersionRecord};
use serde::Serialize;

/// A stored version as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    /// 1, 2, 3 ... per plugin.
    pub version: i64,
    /// Digest of its component, hex.
    pub sha256: String,
    /// The world it implements.
    pub kind: String,
    /// Capabilities it imports.
    pub capabilities: Vec<String>,
    /// The trusted key that signed it, hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When, milliseconds since the Unix epoch.
    pub uploaded_at: i64,
}

impl From<&VersionRecord> for VersionView {
    fn from(r: &VersionRecord) -> Self {
        Self {
            version: r.version,
            sha256: r.sha256.clone(),
            kind: r.kind.clone(),
            capabilities: r
                .capabilities
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            signed_by: r.signed_by.clone(),
            uploaded_by: r.uploaded_by.clone(),
            uploaded_at: r.uploaded_at,
        }
    }
}

/// A plugin's grants as configured.
#[derive(Debug, Clone, Serialize)]
pub struct GrantsView {
    /// Hosts it may call over outbound HTTP.
    pub outbound_hosts: Vec<String>,
    /// Event topic filters it may publish to.
    pub publish_topics: Vec<String>,
    /// Whether it has its own folder.
    pub files: bool,
    /// Key-value bytes it may keep.
    pub kv_quota_bytes: u64,
}

/// One plugin slot and what serves it now.
#[derive(Debug, Clone, Serialize)]
pub struct PluginStatus {
    /// Plugin id.
    pub id: String,
    /// The world it implements.
    pub kind: String,
    /// Digest of the component serving now.
    pub sha256: String,
    /// The uploaded version serving now; none when the config's file does.
    pub version: Option<i64>,
    /// Capabilities the serving component imports.
    pub capabilities: Vec<Capability>,
    /// What it is granted.
    pub grants: GrantsView,
    /// Its circuit breaker.
    pub breaker: BreakerStatus,
}

/// A district and its plugins.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictStatus {
    /// District id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its plugins.
    pub plugins: Vec<PluginStatus>,
}

impl Admin {
    /// The districts `who` may manage, with their plugins.
    pub async fn districts(&self, who: &Principal) -> Result<Vec<DistrictStatus>, AdminError> {
        let mut out = Vec::new();
        for d in self.inner.registry.districts() {
            if who.may_manage(&d.id) {
                out.push(DistrictStatus {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    plugins: self.plugin_statuses(d).await?,
                });
            }
        }
        Ok(out)
    }

    /// The plugins of `district`.
    pub async fn plugins(
        &self,
        who: &Principal,
        district: &str,
    ) -> Result<Vec<PluginStatus>, AdminError> {
        let d = self.district(who, district)?;
        self.plugin_statuses(d).await
    }

    async fn plugin_statuses(&self, d: &District) -> Result<Vec<PluginStatus>, AdminError> {
        let versions = self.inner.storage.versions();
        let mut out = Vec::new();
        for plugin in d.plugins() {
            let id = plugin.meta.id.to_string();
            // The last activated version, if it is what serves (a watch
            // reload may have replaced it with the config's file).
            let mut version = None;
            if let Some(v) = versions.history(&d.id, &id).await?.first()
                && let Some(r) = versions.get(&d.id, &id, *v).await?
            {
                version = (r.sha256 == plugin.meta.sha256).then_some(r.version);
            }
            let sandbox = d.slot_spec(&id).map(|s| s.1.clone()).unwrap_or_default();
            out.push(PluginStatus {
                kind: plugin.meta.kind.to_string(),
                sha256: plugin.meta.sha256.clone(),
                version,
                capabilities: plugin.capabilities.iter().copied().collect(),
                grants: GrantsView {
                    outbound_hosts: plugin.meta.outbound_hosts.to_vec(),
                    publish_topics: sandbox.publish_topics,
                    files: sandbox.files_dir.is_some(),
                    kv_quota_bytes: plugin.meta.limits.kv_quota_bytes,
                },
                breaker: self.inner.runtime.breaker_status(&d.id, &id),
                id,
            });
        }
        Ok(out)
    }

    /// Audit entries, newest first: a district operator sees only its own
    /// district's.
    pub async fn audit_log(
        &self,
        who: &Principal,
        mut filter: AuditFilter,
    ) -> Result<Vec<AuditRecord>, AdminError> {
        match (&filter.district, &who.role) {
            (Some(d), _) => who.authorize(d)?,
            (None, super::Role::DistrictOperator { district }) => {
                filter.district = Some(district.clone());
            }
            (None, super::Role::CityAdmin) => {}
        }
        Ok(self.inner.storage.audit().list(&filter).await?)
    }
}
