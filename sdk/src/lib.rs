//! The Plaza plugin SDK: write a plugin as one small Rust file.
//!
//! A plugin implements one world of the `plaza:district` contract (see
//! `wit/` at the root of the repository). Enable the SDK feature of that
//! world, implement its trait and name your type in the world's export
//! macro:
//!
//! | world | feature | trait | macro |
//! | --- | --- | --- | --- |
//! | `http-endpoint` | `http-endpoint` | [`endpoint::Handler`] | [`http_endpoint!`] |
//! | `parking-pricing` | `parking-pricing` | [`pricing::Pricing`] | [`parking_pricing!`] |
//! | `payment` | `payment` | [`payment::Provider`] | [`payment_provider!`] |
//! | `promotion` | `promotion` | [`promotion::Promotion`] | [`promotion!`] |
//! | `decoder` | `decoder` | [`decoder::Decoder`] | [`decoder!`] |
//! | `logistics` | `logistics` | [`logistics::Courier`] | [`courier!`] |
//! | `public-service` | `public-service` | [`public_service::UtilityProvider`] | [`public_service!`] |
//!
//! Every plugin may call the host through [`host`]: logging, its own
//! configuration, key-value storage scoped to its district and itself, the
//! district's clock and event publishing. An endpoint may also call other
//! servers through [`outbound`], where its grants allow; so may a courier.
//!
//! Layout: `bindings` holds the generated code and is not meant to be used
//! directly; `host` wraps the shared host interfaces; one module per world
//! wraps that world's export.
//!
//! Build a plugin with `cargo build --target wasm32-wasip2 --release`; the
//! result is a component that `plaza plugin run` can call offline.

#[doc(hidden)]
pub mod bindings;
#[cfg(feature = "decoder")]
pub mod decoder;
#[cfg(feature = "http-endpoint")]
pub mod endpoint;
pub mod host;
#[cfg(feature = "logistics")]
pub mod logistics;
#[cfg(feature = "http-endpoint")]
pub mod outbound;
#[cfg(feature = "payment")]
pub mod payment;
#[cfg(feature = "parking-pricing")]
pub mod pricing;
#[cfg(feature = "promotion")]
pub mod promotion;
#[cfg(feature = "public-service")]
pub mod public_service;

pub use serde_json;
