//! Wiring: config → storage → runtime → registry → ingest → domain →
//! HTTP, and the listener with graceful shutdown. `main` and the tests
//! start servers the same way, through [`start`].

use crate::admin::Admin;
use crate::config::{self, ConfigError, PlazaConfig};
use crate::control::{ControlCentre, ControlParts, ControlTasks};
use crate::domain::commerce::CommerceService;
use crate::domain::logistics::LogisticsService;
use crate::domain::parking::ParkingService;
use crate::domain::public_services::PublicServices;
use crate::domain::readings::ReadingsService;
use crate::events::EventBus;
use crate::http::{self, AppState};
use crate::ingest::{Devices, Ingest, IngestError, IngestParts};
use crate::metrics::Metrics;
use crate::registry::Registry;
use crate::runtime::Runtime;
use crate::storage::{Storage, StorageError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to start a server; unset values come from the config file.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// The config file.
    pub config: PathBuf,
    /// Listen address, overriding `[server] listen`.
    pub listen: Option<SocketAddr>,
    /// Data folder, overriding `[storage] data_dir`.
    pub data_dir: Option<PathBuf>,
    /// Database URL, overriding `[storage] url`.
    pub database_url: Option<String>,
    /// Embedded MQTT broker address, overriding `[mqtt] listen`.
    pub mqtt_listen: Option<SocketAddr>,
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The config (or a plugin it names) is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The database could not be opened.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The runtime could not be built.
    #[error("failed to build the runtime: {0:#}")]
    Runtime(anyhow::Error),
    /// Device ingest could not start.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The listener could not be bound.
    #[error("failed to listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Every part of a Plaza, assembled but not yet listening.
pub struct Plaza {
    /// The loaded config.
    pub config: PlazaConfig,
    /// The database.
    pub storage: Storage,
    /// The Wasm runtime.
    pub runtime: Arc<Runtime>,
    /// Districts and plugins.
    pub registry: Arc<Registry>,
    /// Operators' service.
    pub admin: Admin,
    /// Events plugins publish.
    pub events: EventBus,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Parking services; device ingest feeds its `observe_*` hooks.
    pub parking: ParkingService,
    /// Commerce services, seeded from the districts' data files.
    pub commerce: CommerceService,
    /// Courier quotes, deliveries and SLA claims.
    pub logistics: LogisticsService,
    /// Facilities, utility bills and emergency broadcasts.
    pub public_services: PublicServices,
    /// The control centre; its rules and listeners run once serving.
    pub control: ControlCentre,
    /// Registered devices, read by ingest and edited by operators.
    pub devices: Devices,
}

impl Plaza {
    /// Loads config, opens storage, builds the runtime and loads every
    /// plugin. `storage` replaces the configured database when given.
    pub async fn assemble(
        options: &ServeOptions,
        storage: Option<Storage>,
    ) -> Result<Self, StartError> {
        let mut config = config::load(&options.config)?;
        if let Some(listen) = options.mqtt_listen {
            config.mqtt.listen = listen;
        }
        let data_dir = options
            .data_dir
            .clone()
            .or_else(|| config.storage.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from("data"));
        // Plugins' folders live in the data folder actually used.
        config.storage.data_dir = Some(data_dir.clone());
        let storage = match storage {
            Some(storage) => storage,
            None => open_storage(options, &config).await?,
        };
        let cache_dir = config
            .runtime
            .cache_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("cache"));
        let events = EventBus::new();
        let metrics = Arc::new(Metrics::new());
        let runtime = Runtime::new(cache_dir, storage.kv(), events.clone(), metrics.clone())
            .map_err(StartError::Runtime)?
            .with_breaker(config.breaker.clone());
        let runtime = Arc::new(runtime);
        let registry = Arc::new(Registry::load(&config, &options.config, &runtime).await?);
        let admin = Admin::new(storage.clone(), registry.clone(), runtime.clone());
        let restored = admin.restore().await.map_err(|e| {
            StartError::Runtime(anyhow::anyhow!("failed to restore activated versions: {e}"))
        })?;
        if restored > 0 {
            tracing::info!(restored, "activated plugin versions restored");
        }
        let parking = ParkingService::new(registry.clone(), runtime.clone(), &storage);
        parking.seed(&config).await?;
        let commerce = CommerceService::new(
            &config,
            registry.clone(),
            runtime.clone(),
            storage.commerce(),
        );
        commerce.seed().await?;
        let logistics = LogisticsService::new(
            &config,
            registry.clone(),
            runtime.clone(),
            storage.logistics(),
            commerce.clone(),
        );
        // The device files seed the registry table; ingest reads the table.
        storage
            .devices()
            .seed(&crate::ingest::device_records(&config))
            .await?;
        let devices = Devices::load(&storage).await?;
        let public_services = PublicServices::new(
            &config,
            registry.clone(),
            runtime.clone(),
            storage.clone(),
            events.clone(),
        );
        let control = ControlCentre::new(ControlParts {
            registry: registry.clone(),
            runtime: runtime.clone(),
            storage: storage.clone(),
            admin: admin.clone(),
            metrics: metrics.clone(),
            events: events.clone(),
            config: config.control.clone(),
        });
        Ok(Self {
            public_services,
            control,
            devices,
            parking,
            config,
            storage,
            runtime,
            registry,
            admin,
            events,
            metrics,
            commerce,
            logistics,
        })
    }

    /// The HTTP router over this Plaza.
    pub fn router(&self) -> axum::Router {
        http::router(AppState {
            registry: self.registry.clone(),
            runtime: self.runtime.clone(),
            parking: self.parking.clone(),
            commerce: self.commerce.clone(),
            readings: ReadingsService::new(self.registry.clone(), self.storage.clone()),
            storage: self.storage.clone(),
            metrics: self.metrics.clone(),
            body_limit: self.config.server.body_limit_bytes,
            admin: self.admin.clone(),
            upload_limit: self.config.server.upload_limit_bytes,
            logistics: self.logistics.clone(),
            public_services: self.public_services.clone(),
            control: self.control.clone(),
            devices: self.devices.clone(),
        })
    }
}

/// Opens the database `options` and `config` name: `--database-url`,
/// then `[storage] url`, then an SQLite file in the data folder.
pub async fn open_storage(
    options: &ServeOptions,
    config: &PlazaConfig,
) -> Result<Storage, StartError> {
    let data_dir = options
        .data_dir
        .clone()
        .or_else(|| config.storage.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("data"));
    let data_dir = std::fs::create_dir_all(&data_dir)
        .and_then(|()| std::fs::canonicalize(&data_dir))
        .map_err(|e| ConfigError {
            file: options.config.clone(),
            key: "storage.data_dir".into(),
            reason: format!("failed to create {}: {e}", data_dir.display()),
        })?;
    let url = options
        .database_url
        .clone()
        .or_else(|| config.storage.url.clone())
        .unwrap_or_else(|| Storage::sqlite_url(&data_dir));
    Ok(Storage::open(&url).await?)
}

/// A server that is listening.
pub struct RunningServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its parts, for tests and tools that look inside.
    pub plaza: Arc<Plaza>,
    /// Device ingest, unless `[mqtt] enabled = false`.
    pub ingest: Option<Ingest>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
    /// Alert rules and the emergency listener; stopped when dropped.
    _control: ControlTasks,
}

impl RunningServer {
    /// `http://addr`, for clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `mqtt://host:port` of the broker devices publish to, when ingest
    /// runs.
    pub fn mqtt_url(&self) -> Option<String> {
        self.ingest.as_ref().map(Ingest::broker_url)
    }

    /// Stops ingest, stops accepting, lets in-flight requests finish,
    /// then returns.
    pub async fn shutdown(self) -> std::io::Result<()> {
        if let Some(ingest) = self.ingest {
            ingest.shutdown().await;
        }
        self.plaza.public_services.stop().await;
        // Live control-centre pages would hold the graceful shutdown open.
        self.plaza.control.close();
        let _ = self.shutdown.send(());
        let result = self
            .task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.plaza.storage.close().await;
        result
    }
}

/// Assembles a Plaza and starts serving it.
pub async fn start(options: ServeOptions) -> Result<RunningServer, StartError> {
    let started = Instant::now();
    let plaza = Arc::new(Plaza::assemble(&options, None).await?);
    let addr = options.listen.unwrap_or(plaza.config.server.listen);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    let ingest = if plaza.config.mqtt.enabled {
        let parts = IngestParts {
            runtime: plaza.runtime.clone(),
            registry: plaza.registry.clone(),
            storage: plaza.storage.clone(),
            metrics: plaza.metrics.clone(),
            devices: plaza.devices.clone(),
            observer: Some(crate::domain::parking::follow_readings(
                plaza.parking.clone(),
            )),
        };
        Some(Ingest::start(&plaza.config.mqtt, parts).await?)
    } else {
        None
    };
    plaza
        .logistics
        .resume()
        .await
        .map_err(|e| StartError::Runtime(anyhow::anyhow!("failed to resume deliveries: {e}")))?;
    // Alerts go out on the broker ingest uses, and end on time.
    if let Some(ingest) = &ingest {
        let (host, port) = config::parse_mqtt_url(&ingest.broker_url())
            .map_err(|e| StartError::Ingest(IngestError::BadUrl(e)))?;
        let client_id = &plaza.config.mqtt.client_id;
        plaza
            .public_services
            .publish_alerts_to(&host, port, client_id)
            .await;
    }
    plaza.public_services.start_expiry();
    let control = plaza.control.start();
    let (shutdown, signal) = oneshot::channel::<()>();
    let router = plaza.router();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = signal.await;
            })
            .await
    });
    tracing::info!(%addr, districts = plaza.registry.districts().count(),
        plugins = plaza.registry.plugin_count(),
        startup_ms = started.elapsed().as_millis() as u64, "plaza serving");
    Ok(RunningServer {
        addr,
        plaza,
        ingest,
        shutdown,
        task,
        _control: control,
    })
}
