//! Plaza's integration tests: one binary, a module per topic. Every test
//! starts a real server on an ephemeral loopback port and talks to it over
//! HTTP; storage tests run on SQLite always and on PostgreSQL when
//! `PLAZA_TEST_POSTGRES_URL` is set (they say so when they skip it).
//! Ingest tests publish through the embedded MQTT broker always and
//! through the external one when `PLAZA_TEST_MQTT_URL` is set.

mod support;

mod admin_cli;
mod admin_devices;
mod admin_roles;
mod admin_storage;
mod admin_uploads;
mod breaker;
mod cli;
mod commerce;
mod config_errors;
mod containment;
mod control_browser;
mod control_centre;
mod endpoints;
mod examples;
mod grants;
mod hot_swap;
mod ingest;
mod ingest_crash;
mod ingest_recovery;
mod kv_isolation;
mod logistics;
mod parking_availability;
mod parking_payment;
mod parking_quote;
mod parking_reservations;
mod parking_sensors;
mod public_services;
mod server;
mod storage;
