//! Simulated outside services the districts' plugins talk to, for demos
//! and tests: they run in-process or as `plaza` subcommands and speak
//! plain HTTP, like the real providers they stand in for.
//!
//! - `sim_utility`: a utility provider (water, electricity, gas) holding
//!   accounts with bills and recording their payments.
//! - `courier_sim`: a courier company quoting, booking and moving
//!   deliveries along their way.

pub mod courier_sim;
pub mod sim_utility;
