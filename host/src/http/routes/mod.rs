//! Route handlers, one file per resource.

pub(super) mod admin;
pub(super) mod commerce;
pub(super) mod control;
pub(super) mod districts;
pub(super) mod logistics;
pub(super) mod parking;
pub(super) mod plugins;
pub(super) mod public_services;
pub(super) mod readings;
pub(super) mod reservations;
pub(super) mod system;
