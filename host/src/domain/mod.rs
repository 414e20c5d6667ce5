//! Host domain services: what the platform itself does for shoppers and
//! operators, calling district plugins for policy. Services take and return
//! plain types and typed errors; they know nothing of axum or HTTP.
//!
//! - `parking`: car parks, availability, quotes, reservations, payment,
//!   guidance and flow statistics.
//! - `commerce`: catalogue, carts priced by promotion plugins, orders,
//!   reviews and the guarantee fund.
//! - `readings`: device readings and a district's live figures.
//! - `logistics`: courier quotes, dispatch, tracking, SLA and claims.
//! - `public_services`: facilities near me, utility bills, emergency
//!   broadcasts.

pub mod commerce;
pub mod logistics;
pub mod parking;
pub mod public_services;
pub mod readings;
