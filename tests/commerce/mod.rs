//! District commerce over the real server: the pick-up flow, stock under
//! concurrency, promotions and hostile promotion plugins, reviews, claims
//! and the guarantee fund, merchant token isolation. `fixture` builds the
//! district config and data these tests share.

mod data;
mod fixture;
mod flow;
mod promotions;
mod stock;
