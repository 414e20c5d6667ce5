//! Host domain services: what the platform itself does for shoppers and
//! operators, calling district plugins for policy. Services take and return
//! plain types and typed errors; they know nothing of axum or HTTP.
//!
//! - `parking`: parking quotes priced by the district's pricing plugin.
//! - `readings`: device readings and a district's live figures.

pub mod parking;
pub mod readings;
