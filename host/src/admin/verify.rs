//! The checks an uploaded component passes before it may run: it is a
//! component, it implements a world this host supports and the slot's
//! kind, it asks only for capabilities its slot is granted, and it carries
//! a valid signature where the district trusts vendor keys.

use super::{Admin, AdminError, signature};
use crate::config::parse_public_key;
use crate::registry::District;
use crate::runtime::{Capability, InspectError, PluginSpec, Sandbox, check_component_header};
use std::collections::BTreeSet;

/// What passed verification.
pub(super) struct Verified {
    /// The capabilities it imports.
    pub(super) capabilities: BTreeSet<Capability>,
    /// The trusted key its signature verified against.
    pub(super) signed_by: Option<String>,
}

fn rejected(code: &'static str, reason: impl Into<String>) -> AdminError {
    AdminError::Rejected {
        code,
        reason: reason.into(),
    }
}

/// The capabilities `caps` asks for that the slot is not granted.
pub(super) fn ungranted(
    caps: &BTreeSet<Capability>,
    (spec, sandbox): &(PluginSpec, Sandbox),
) -> Vec<String> {
    caps.iter()
        .filter_map(|cap| match cap {
            Capability::OutboundHttp if spec.outbound_hosts.is_empty() => {
                Some("outbound-http (grants.outbound_hosts is empty)".to_owned())
            }
            Capability::Files if sandbox.files_dir.is_none() => {
                Some("files (grants.files is not set)".to_owned())
            }
            Capability::Publish if sandbox.publish_topics.is_empty() => {
                Some("publish (grants.publish_topics is empty)".to_owned())
            }
            Capability::Sockets => Some("sockets (never granted)".to_owned()),
            _ => None,
        })
        .collect()
}

/// Checks `signature` (hex) of a component with `digest` against the
/// district's trusted keys, when it lists any.
pub(super) fn check_signature(
    district: &District,
    digest: &[u8; 32],
    signature: Option<&str>,
) -> Result<Option<String>, AdminError> {
    if district.trusted_keys.is_empty() {
        return Ok(None);
    }
    let Some(signature) = signature else {
        return Err(rejected(
            "signature_required",
            format!(
                "district {:?} accepts only components signed by a trusted vendor key; \
                 send the signature in x-plaza-signature",
                district.id
            ),
        ));
    };
    let trusted: Vec<_> = district
        .trusted_keys
        .iter()
        .filter_map(|k| parse_public_key(k).ok().map(|key| (k.clone(), key)))
        .collect();
    signature::verify(&trusted, digest, signature)
        .map(|key| Some(key.to_owned()))
        .map_err(|why| rejected("bad_signature", why))
}

impl Admin {
    /// Runs every check on `bytes`, an upload for slot `plugin` of
    /// `district`.
    pub(super) async fn verify(
        &self,
        district: &District,
        plugin: &str,
        bytes: &[u8],
        sha256: &str,
        signature: Option<&str>,
    ) -> Result<Verified, AdminError> {
        let slot = district
            .slot_spec(plugin)
            .ok_or_else(|| AdminError::UnknownPlugin {
                district: district.id.clone(),
                plugin: plugin.to_owned(),
            })?;
        check_component_header(bytes).map_err(|e| rejected("not_a_component", e.to_string()))?;
        let signed_by = check_signature(district, &signature::digest(bytes), signature)?;
        let inspection = self
            .inner
            .runtime
            .inspect(bytes, sha256)
            .await
            .map_err(|e| match e {
                InspectError::NotAComponent(_) => rejected("not_a_component", e.to_string()),
                InspectError::Invalid(_) => rejected("invalid_component", e.to_string()),
                InspectError::UnsupportedWorld(_) => rejected("unsupported_world", e.to_string()),
            })?;
        if inspection.kind != slot.0.kind {
            return Err(rejected(
                "wrong_kind",
                format!(
                    "plugin {plugin:?} is a {} slot but the component is a {}",
                    slot.0.kind, inspection.kind
                ),
            ));
        }
        let missing = ungranted(&inspection.capabilities, slot);
        if !missing.is_empty() {
            return Err(rejected(
                "capability_not_granted",
                format!(
                    "the component asks for capabilities plugin {plugin:?} is not granted: {}",
                    missing.join("; ")
                ),
            ));
        }
        Ok(Verified {
            capabilities: inspection.capabilities,
            signed_by,
        })
    }
}
