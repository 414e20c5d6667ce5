//! Plaza's integration tests: one binary, a module per topic. Every test
//! starts a real server on an ephemeral loopback port and talks to it over
//! HTTP; storage tests run on SQLite always and on PostgreSQL when
//! `PLAZA_TEST_POSTGRES_URL` is set (they say so when they skip it).

mod support;

mod cli;
mod commerce;
mod config_errors;
mod containment;
mod endpoints;
mod examples;
mod kv_isolation;
mod parking_quote;
mod server;
mod storage;
