//! The districts this server runs and their loaded plugins.
//!
//! Each plugin sits in a slot that can be swapped atomically: a call takes
//! the current `Arc<Plugin>` and keeps it to the end, so a swap never cuts
//! a call short. Each slot also keeps what its plugin was loaded with
//! (spec and sandbox), so a new version can be loaded into it alike.

use crate::config::{ConfigError, PlazaConfig, PluginKind, read_plugin};
use crate::runtime::{Plugin, PluginSpec, ResolvedLimits, Runtime, Sandbox};
use arc_swap::ArcSwap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
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
    /// What each slot's plugin is loaded with; `bytes` of the spec are
    /// those of the config's file.
    specs: BTreeMap<String, (PluginSpec, Sandbox)>,
    /// Hex ed25519 keys whose signature uploads must carry, if any.
    pub trusted_keys: Vec<String>,
    /// The config's file of each plugin.
    pub(crate) paths: BTreeMap<String, PathBuf>,
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

    /// What the slot `id` loads its plugin with: the spec (with the
    /// config file's bytes) and the grants beyond it.
    pub fn slot_spec(&self, id: &str) -> Option<&(PluginSpec, Sandbox)> {
        self.specs.get(id)
    }

    /// Puts `plugin` into its slot atomically; calls already running keep
    /// the old one to their end. Returns the old one, or gives `plugin`
    /// back when the district has no such slot.
    pub fn swap(&self, plugin: Plugin) -> Result<Arc<Plugin>, Box<Plugin>> {
        match self.plugins.get(&*plugin.meta.id) {
            Some(slot) => Ok(slot.swap(Arc::new(plugin))),
            None => Err(Box::new(plugin)),
        }
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
        let files_root = config
            .storage
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("data"))
            .join("files");
        for (d, district) in config.districts.iter().enumerate() {
            let mut plugins = BTreeMap::new();
            let mut specs = BTreeMap::new();
            let mut paths = BTreeMap::new();
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
                let sandbox = Sandbox {
                    publish_topics: plugin.grants.publish_topics.clone(),
                    files_dir: plugin
                        .grants
                        .files
                        .then(|| files_root.join(&district.id).join(&plugin.id)),
                };
                let loaded = runtime
                    .load_with(spec.clone(), sandbox.clone())
                    .await
                    .map_err(fail)?;
                plugins.insert(plugin.id.clone(), ArcSwap::from_pointee(loaded));
                specs.insert(plugin.id.clone(), (spec, sandbox));
                paths.insert(plugin.id.clone(), plugin.path.clone());
            }
            let entry = District {
                id: district.id.clone(),
                name: district.name.clone(),
                utc_offset_minutes: district.utc_offset_minutes,
                plugins,
                specs,
                trusted_keys: district.trusted_keys.clone(),
                paths,
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
