//! The configuration file's shape. Every table refuses unknown keys.

use super::mqtt::MqttConfig;
use super::parking::ParkingData;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlazaConfig {
    /// The HTTP server.
    #[serde(default)]
    pub server: ServerConfig,
    /// Where data lives.
    #[serde(default)]
    pub storage: StorageConfig,
    /// Defaults for the Wasm runtime.
    #[serde(default)]
    pub runtime: RuntimeConfig,
    /// When a failing plugin is taken out of service for a while.
    #[serde(default)]
    pub breaker: BreakerConfig,
    /// Device ingest over MQTT.
    #[serde(default)]
    pub mqtt: MqttConfig,
    /// The districts this deployment serves, written `[[district]]`.
    #[serde(default, rename = "district")]
    pub districts: Vec<DistrictConfig>,
    /// The control centre: alert thresholds, push and session times.
    #[serde(default)]
    pub control: super::control::ControlConfig,
}

/// `[server]`: the HTTP listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes.
    #[serde(default = "default_body_limit")]
    pub body_limit_bytes: usize,
    /// Largest plugin component accepted by an upload, in bytes.
    #[serde(default = "default_upload_limit")]
    pub upload_limit_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            body_limit_bytes: default_body_limit(),
            upload_limit_bytes: default_upload_limit(),
        }
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8080))
}

fn default_body_limit() -> usize {
    1 << 20
}

fn default_upload_limit() -> usize {
    64 << 20
}

/// `[storage]`: the database and the data folder.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// Folder for the SQLite file and the compiled-code cache; relative to
    /// the config file. Default: `data` beside the config file.
    pub data_dir: Option<PathBuf>,
    /// `sqlite://...` or `postgres://...`. Default: `plaza.db` in the data
    /// folder. The `PLAZA_DATABASE_URL` environment variable overrides it.
    pub url: Option<String>,
}

/// `[runtime]`: defaults every plugin gets unless its `limits` say otherwise.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeConfig {
    /// Default limits for every plugin.
    #[serde(default)]
    pub limits: Limits,
    /// Folder for compiled code; relative to the config file. Default:
    /// `cache` in the data folder.
    pub cache_dir: Option<PathBuf>,
}

/// Per-call limits on a plugin. Unset values fall back to `[runtime.limits]`
/// and then to the built-in defaults.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Wall-clock deadline for one call, in milliseconds (default 1000).
    pub timeout_ms: Option<u64>,
    /// Linear-memory cap for one instance, in MiB (default 64).
    pub memory_mib: Option<u64>,
    /// Largest response body an endpoint may send, in bytes (default 4 MiB).
    pub max_response_bytes: Option<u64>,
    /// Total key-value bytes the plugin may keep (default 16 MiB).
    pub kv_quota_bytes: Option<u64>,
}

/// What a plugin may reach beyond its own sandbox.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Grants {
    /// Hosts (`host` or `host:port`) the plugin may call over outbound
    /// HTTP. Empty: no outbound calls at all.
    #[serde(default)]
    pub outbound_hosts: Vec<String>,
    /// Event topics (relative to the district) the plugin may publish to,
    /// MQTT style: `+` matches one segment, a final `#` the rest. Empty:
    /// it may publish nothing.
    #[serde(default)]
    pub publish_topics: Vec<String>,
    /// Whether the plugin gets its own folder, seen inside as `/data`
    /// (`<data_dir>/files/<district>/<plugin>` on the host). Nothing else
    /// of the file system is ever visible.
    #[serde(default)]
    pub files: bool,
}

/// `[[district]]`: one business district.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictConfig {
    /// Short id used in URLs, e.g. `jiefangbei`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Offset of the district's local time from UTC, in minutes.
    #[serde(default = "default_utc_offset")]
    pub utc_offset_minutes: i32,
    /// Hex ed25519 public keys of vendors whose signature an uploaded
    /// plugin version must carry. Empty: uploads need no signature.
    #[serde(default)]
    pub trusted_keys: Vec<String>,
    /// The district's plugins, written `[[district.plugin]]`.
    #[serde(default, rename = "plugin")]
    pub plugins: Vec<PluginConfig>,
    /// Its parking data file (car parks and spaces); relative to the
    /// config file.
    pub parking: Option<PathBuf>,
    /// That file's contents, read and checked when the config loads.
    #[serde(skip)]
    pub parking_data: Option<ParkingData>,
    /// Commerce data file (merchants, catalogue, guarantee policy);
    /// relative to the config file. None: the district sells nothing.
    pub commerce: Option<PathBuf>,
    /// The commerce data file as read and checked at load.
    #[serde(skip)]
    pub commerce_data: Option<super::CommerceData>,
    /// The district's device registry file; relative to the config file.
    pub devices: Option<PathBuf>,
    /// The devices read from that file when the config is loaded.
    #[serde(skip)]
    pub device_list: Vec<super::devices::DeviceConfig>,
    /// Delivery zones, SLA classes and the courier pick rule; relative to
    /// the config file. None: the district delivers nothing.
    pub logistics: Option<PathBuf>,
    /// The logistics data file as read and checked at load.
    #[serde(skip)]
    pub logistics_data: Option<super::LogisticsData>,
    /// Facilities and agencies file (toilets, ATMs, police points ...);
    /// relative to the config file. None: the district lists none.
    pub facilities: Option<PathBuf>,
    /// The facilities file as read and checked at load.
    #[serde(skip)]
    pub facilities_data: Option<super::FacilitiesData>,
}

fn default_utc_offset() -> i32 {
    480
}

/// The world a plugin implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PluginKind {
    /// Serves HTTP under `/d/{district}/{plugin}/`.
    HttpEndpoint,
    /// Prices parking stays and sets reservation policy.
    ParkingPricing,
    /// Takes payments from shoppers (create, confirm, refund).
    Payment,
    /// Turns a shopper's cart into discounts; a district may have several.
    Promotion,
    /// Decodes device uplinks into readings.
    Decoder,
    /// A courier: quotes, dispatches and tracks deliveries; a district
    /// may have several.
    Logistics,
    /// A public-service integration: utility bills by account.
    PublicService,
}

impl PluginKind {
    /// The kind as written in config and in the WIT world's name.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::HttpEndpoint => "http-endpoint",
            PluginKind::ParkingPricing => "parking-pricing",
            PluginKind::Payment => "payment",
            PluginKind::Promotion => "promotion",
            PluginKind::Decoder => "decoder",
            PluginKind::Logistics => "logistics",
            PluginKind::PublicService => "public-service",
        }
    }
}

impl std::fmt::Display for PluginKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[[district.plugin]]`: one plugin of a district.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    /// Id, unique in the district; endpoints are served under it.
    pub id: String,
    /// The world it implements.
    pub kind: PluginKind,
    /// The `.wasm` component; relative to the config file.
    pub path: PathBuf,
    /// Expected sha256 of the file, hex; refused at start-up on mismatch.
    pub sha256: Option<String>,
    /// Values the plugin reads through the `config` interface.
    #[serde(default)]
    pub config: toml::Table,
    /// Limits overriding `[runtime.limits]`.
    #[serde(default)]
    pub limits: Limits,
    /// What the plugin may reach.
    #[serde(default)]
    pub grants: Grants,
}

/// `[breaker]`: per-plugin circuit breaker. A plugin whose calls fail
/// (trap, timeout, memory cap, bad response) `failures` times within
/// `window_ms` is refused for `backoff_ms`, then probed with one call; a
/// failed probe doubles the backoff up to `max_backoff_ms`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct BreakerConfig {
    /// Failures within the window that open the breaker (0: never).
    pub failures: u32,
    /// The window, in milliseconds.
    pub window_ms: u64,
    /// First wait before a probe, in milliseconds.
    pub backoff_ms: u64,
    /// Longest wait before a probe, in milliseconds.
    pub max_backoff_ms: u64,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        Self {
            failures: 5,
            window_ms: 10_000,
            backoff_ms: 1_000,
            max_backoff_ms: 30_000,
        }
    }
}
