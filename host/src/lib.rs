//! Plaza: a WebAssembly plugin host for smart business districts.
//!
//! One host owns storage, networking and the Wasm runtime; each district
//! loads sandboxed components against the `plaza:district` WIT contract
//! (`wit/` at the repository root).
//!
//! # Layout
//!
//! Data flows one way: ingest → storage → domain services (which call
//! plugins through the runtime) → HTTP.
//!
//! - [`config`]: the TOML configuration and its checks.
//! - [`storage`]: the SQL database (SQLite or PostgreSQL) and its stores.
//! - [`runtime`]: compiling, limiting and calling plugins; no HTTP, no domain.
//! - [`ingest`]: device uplinks over MQTT (embedded or external broker),
//!   decoded by plugins into stored readings; the device simulator.
//! - [`registry`]: the districts and their loaded plugins.
//! - [`domain`]: host services such as parking quotes; no axum types.
//! - [`admin`]: operators: roles and tokens, plugin versions, verification,
//!   activation and rollback, audit; no axum types.
//! - [`http`]: the axum router; the one place errors become responses.
//! - [`server`]: wiring all of the above into a running server.
//! - [`events`], [`metrics`], [`telemetry`]: event stream, Prometheus
//!   metrics, logging.
//! - [`cli`]: the `plaza` command line.
//! - [`services`]: simulated outside services (a utility provider, a
//!   courier company) for demos and tests.
//! - [`control`]: the control centre: statistics, plugin health, alerts,
//!   operators' sessions, pages and live pushes; [`call_stats`] feeds it.

pub mod admin;
pub mod call_stats;
pub mod cli;
pub mod config;
pub mod control;
pub mod domain;
pub mod events;
pub mod http;
pub mod ingest;
pub mod metrics;
pub mod registry;
pub mod runtime;
pub mod server;
pub mod services;
pub mod storage;
pub mod telemetry;
