//! Activation: load a stored version exactly as start-up would (compile or
//! take from the cache, instantiate, self-check), then swap it into its
//! slot atomically. Calls in flight finish on the old version; a failure
//! at any step leaves the old version serving and says why.

use super::verify::{check_signature, ungranted};
use super::{Admin, AdminError, Principal, signature};
use crate::runtime::{CacheOutcome, Capability};
use crate::storage::AuditEntry;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// Which version to activate, and whether added capabilities are approved.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivationRequest {
    /// The version; for a rollback, none means the one that served before.
    pub version: Option<i64>,
    /// Approves capabilities the version asks for beyond the serving one.
    #[serde(default)]
    pub approve: bool,
}

/// What an activation did.
#[derive(Debug, Clone, Serialize)]
pub struct ActivationOutcome {
    /// The version serving now.
    pub version: i64,
    /// Its digest.
    pub sha256: String,
    /// The digest of the component it replaced.
    pub previous_sha256: String,
    /// Whether its compiled code came from the cache.
    pub cache: &'static str,
    /// Capabilities it added, as approved.
    pub added_capabilities: Vec<Capability>,
    /// Milliseconds from the request to the swap.
    pub took_ms: u64,
}

impl Admin {
    /// Activates a version of slot `plugin` of `district`.
    pub async fn activate(
        &self,
        who: &Principal,
        district: &str,
        plugin: &str,
        request: &ActivationRequest,
    ) -> Result<ActivationOutcome, AdminError> {
        let version = request.version.ok_or_else(|| {
            AdminError::BadRequest("missing_version", "name the version to activate".into())
        })?;
        self.switch(
            who,
            "plugin.activate",
            district,
            plugin,
            version,
            request.approve,
        )
        .await
    }

    /// Goes back to `request.version`, or else to the version that served
    /// before the current one.
    pub async fn rollback(
        &self,
        who: &Principal,
        district: &str,
        plugin: &str,
        request: &ActivationRequest,
    ) -> Result<ActivationOutcome, AdminError> {
        let version = match request.version {
            Some(v) => v,
            None => {
                self.district(who, district)?;
                let history = self
                    .inner
                    .storage
                    .versions()
                    .history(district, plugin)
                    .await?;
                let current = history.first().copied();
                history
                    .iter()
                    .copied()
                    .find(|v| Some(*v) != current)
                    .ok_or_else(|| {
                        AdminError::NothingToRollBack(format!(
                            "plugin {plugin:?} has no earlier activated version"
                        ))
                    })?
            }
        };
        self.switch(
            who,
            "plugin.rollback",
            district,
            plugin,
            version,
            request.approve,
        )
        .await
    }

    async fn switch(
        &self,
        who: &Principal,
        action: &str,
        district: &str,
        plugin: &str,
        version: i64,
        approve: bool,
    ) -> Result<ActivationOutcome, AdminError> {
        let entry = AuditEntry {
            actor: who.actor(),
            action: action.into(),
            district: Some(district.to_owned()),
            plugin: Some(plugin.to_owned()),
            version: Some(version),
            ..AuditEntry::default()
        };
        self.audited(entry, async {
            let started = Instant::now();
            self.district(who, district)?;
            let outcome = self
                .load_and_swap(district, plugin, version, approve, Some(&who.actor()))
                .await?;
            let took_ms = started.elapsed().as_millis() as u64;
            let detail = format!("sha256 {} ({})", outcome.sha256, outcome.cache);
            Ok((ActivationOutcome { took_ms, ..outcome }, detail))
        })
        .await
    }

    /// The steps of an activation, under the activation lock; `actor`
    /// records it in the activation history (a restore is not recorded).
    async fn load_and_swap(
        &self,
        district: &str,
        plugin: &str,
        version: i64,
        approve: bool,
        actor: Option<&str>,
    ) -> Result<ActivationOutcome, AdminError> {
        let _one_at_a_time = self.inner.activation.lock().await;
        let storage = &self.inner.storage;
        let d = self
            .inner
            .registry
            .district(district)
            .ok_or_else(|| AdminError::UnknownDistrict(district.to_owned()))?;
        let slot = d
            .slot_spec(plugin)
            .ok_or_else(|| AdminError::UnknownPlugin {
                district: district.to_owned(),
                plugin: plugin.to_owned(),
            })?;
        let (spec, sandbox) = slot;
        let record = storage
            .versions()
            .get(district, plugin, version)
            .await?
            .ok_or_else(|| AdminError::UnknownVersion {
                plugin: plugin.to_owned(),
                version,
            })?;
        let bytes = storage
            .artifacts()
            .get(&record.sha256)
            .await?
            .ok_or_else(|| {
                AdminError::ActivationFailed(format!("component {} is missing", record.sha256))
            })?;

        // Trust may have changed since the upload: check again.
        check_signature(d, &signature::digest(&bytes), record.signature.as_deref())?;
        let current = d.plugin(plugin).expect("a slot always holds a plugin");
        let mut spec = spec.clone();
        spec.bytes = bytes;
        spec.sha256 = record.sha256.clone();
        let loaded = self
            .inner
            .runtime
            .load_with(spec, sandbox.clone())
            .await
            .map_err(AdminError::ActivationFailed)?;
        let missing = ungranted(&loaded.capabilities, slot);
        if !missing.is_empty() {
            return Err(AdminError::ActivationFailed(format!(
                "it asks for capabilities that are not granted: {}",
                missing.join("; ")
            )));
        }
        let added: Vec<Capability> = loaded
            .capabilities
            .difference(&current.capabilities)
            .copied()
            .collect();
        if !added.is_empty() && !approve {
            return Err(AdminError::ApprovalRequired { version, added });
        }

        let cache = match loaded.cache {
            CacheOutcome::Hit => "hit",
            CacheOutcome::Compiled => "compiled",
        };
        if let Some(actor) = actor {
            storage
                .versions()
                .activate(district, plugin, version, actor)
                .await?;
        }
        let previous = match d.swap(loaded) {
            Ok(previous) => previous,
            Err(_) => unreachable!("the slot was found above"),
        };
        self.inner.runtime.reset_breaker(district, plugin);
        tracing::info!(district, plugin, version, sha256 = %record.sha256,
            previous = %previous.meta.sha256, cache, "plugin version activated");
        Ok(ActivationOutcome {
            version,
            sha256: record.sha256,
            previous_sha256: previous.meta.sha256.clone(),
            cache,
            added_capabilities: added,
            took_ms: 0,
        })
    }

    /// At start-up: puts the last activated version of every slot back
    /// into service. A version that no longer loads is reported and the
    /// config's plugin keeps serving.
    pub async fn restore(&self) -> Result<usize, AdminError> {
        let active = self.inner.storage.versions().active().await?;
        let mut restored = 0;
        for (district, plugin, version) in active {
            let slot_exists = self
                .inner
                .registry
                .district(&district)
                .is_some_and(|d| d.slot_spec(&plugin).is_some());
            if !slot_exists {
                continue;
            }
            match self
                .load_and_swap(&district, &plugin, version, true, None)
                .await
            {
                Ok(_) => restored += 1,
                Err(e) => tracing::warn!(district, plugin, version, error = %e,
                    "failed to restore the activated version; the config's plugin serves"),
            }
        }
        Ok(restored)
    }
}
