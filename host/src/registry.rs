//! The districts this server runs and their loaded plugins.
//!
//! Each plugin sits in a slot that can be swapped atomically: a call takes
//! the current `Arc<Plugin>` and keeps it to the end, so a swap never cuts
//! a call short.

use crate::config::{ConfigError, PlazaConfig, PluginKind, read_plugin};
use crate::runtime::{Plugin, PluginSpec, ResolvedLimits, Runtime};
use arc_swap::ArcSwap;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// One district and its plugins.
pub struct District {
    /// Id used in URLs.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Offset of local time from UTC, in minutes.
    pub utc_offset_minutes: i32,
    plugins: BTreeMap<String, ArcSwap<Plugin>>,
}

impl District {
    /// The plugin with this id, as it is now.
    pub fn plugin(&self, id: &str) -> Option<Arc<Plugin>> {
        self.plugins.get(id).map(|slot| slot.load_full())
    }

    /// Every plugin, in id order.
    pub fn plugins(&self) -> impl Iterator<Item = Arc<Plugin>> + '_ {
        self.plugins.values().map(|slot| slot.load_full())
    }

    /// The district's plugin of `kind`, where a district has at most one.
    pub fn plugin_of_kind(&self, kind: PluginKind) -> Option<Arc<Plugin>> {
        self.plugins().find(|p| p.meta.kind == kind)
    }
}

/// Every district, by id.
pub struct Registry {
    districts: BTreeMap<String, District>,
}

impl Registry {
    /// Loads every plugin of every district in `config` (read from
    /// `file`). The first failure stops start-up, naming file and key.
    pub async fn load(
        config: &PlazaConfig,
        file: &Path,
        runtime: &Runtime,
    ) -> Result<Self, ConfigError> {
        let mut districts = BTreeMap::new();
        for (d, district) in config.districts.iter().enumerate() {
            let mut plugins = BTreeMap::new();
            for (p, plugin) in district.plugins.iter().enumerate() {
                let artifact = read_plugin(file, config, d, p)?;
                let fail = |reason: String| ConfigError {
                    file: file.to_path_buf(),
                    key: format!("district[{d}].plugin[{p}]"),
                    reason: format!("plugin {:?}: {reason}", plugin.id),
                };
                let plugin_config = match serde_json::to_value(&plugin.config) {
                    Ok(serde_json::Value::Object(map)) => map,
                    _ => return Err(fail("config must be a table".into())),
                };
                let spec = PluginSpec {
                    district: district.id.clone(),
                    id: plugin.id.clone(),
                    kind: plugin.kind,
                    bytes: artifact.bytes,
                    sha256: artifact.sha256,
                    config: plugin_config,
                    limits: ResolvedLimits::resolve(&plugin.limits, &config.runtime.limits),
                    outbound_hosts: plugin.grants.outbound_hosts.clone(),
                    utc_offset_minutes: district.utc_offset_minutes,
                };
                let loaded = runtime.load(spec).await.map_err(fail)?;
                plugins.insert(plugin.id.clone(), ArcSwap::from_pointee(loaded));
            }
            let entry = District {
                id: district.id.clone(),
                name: district.name.clone(),
                utc_offset_minutes: district.utc_offset_minutes,
                plugins,
            };
            districts.insert(district.id.clone(), entry);
        }
        Ok(Self { districts })
    }

    /// The district with this id.
    pub fn district(&self, id: &str) -> Option<&District> {
        self.districts.get(id)
    }

    /// Every district, in id order.
    pub fn districts(&self) -> impl Iterator<Item = &District> {
        self.districts.values()
    }

    /// How many plugins are loaded in all.
    pub fn plugin_count(&self) -> usize {
        self.districts.values().map(|d| d.plugins.len()).sum()
    }
}
