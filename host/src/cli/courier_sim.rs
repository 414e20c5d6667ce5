//! `plaza courier-sim --listen ADDR`: run the stand-in courier company
//! that `plugins/courier-flash` calls, until interrupted.

use crate::services::courier_sim::{CourierSim, SimSettings};
use std::net::SocketAddr;

/// What `plaza courier-sim` takes.
#[derive(Debug, Clone, clap::Args)]
pub struct CourierSimArgs {
    /// Address to listen on (the default config's courier-flash calls
    /// 127.0.0.1:7070).
    #[arg(long, default_value = "127.0.0.1:7070")]
    listen: SocketAddr,
    /// Economy fee before distance, minor units.
    #[arg(long, default_value_t = SimSettings::default().base_fee)]
    base_fee: i64,
    /// Economy fee per started kilometre, minor units.
    #[arg(long, default_value_t = SimSettings::default().fee_per_km)]
    fee_per_km: i64,
    /// From booking to the rider at the pick-up, seconds.
    #[arg(long, default_value_t = 20.0)]
    assign_seconds: f64,
    /// From the rider's arrival to leaving with the parcel, seconds.
    #[arg(long, default_value_t = 30.0)]
    pickup_seconds: f64,
    /// Riding time before distance, seconds.
    #[arg(long, default_value_t = 60.0)]
    transit_seconds: f64,
    /// Riding time per kilometre, seconds.
    #[arg(long, default_value_t = 30.0)]
    transit_seconds_per_km: f64,
}

fn ms(seconds: f64) -> anyhow::Result<i64> {
    if !seconds.is_finite() || seconds < 0.0 {
        anyhow::bail!("durations must be 0 or more seconds, not {seconds}");
    }
    Ok((seconds * 1000.0) as i64)
}

pub(super) async fn run(args: CourierSimArgs) -> anyhow::Result<()> {
    let settings = SimSettings {
        base_fee: args.base_fee,
        fee_per_km: args.fee_per_km,
        assign_ms: ms(args.assign_seconds)?,
        pickup_ms: ms(args.pickup_seconds)?,
        transit_ms: ms(args.transit_seconds)?,
        transit_ms_per_km: ms(args.transit_seconds_per_km)?,
        ..SimSettings::default()
    };
    let mut sim = CourierSim::start(args.listen, settings)
        .await
        .map_err(|e| anyhow::anyhow!("failed to listen on {}: {e}", args.listen))?;
    eprintln!(
        "courier simulator on {}; PUT /v1/conditions {{\"delay_ms\": N}} makes it late",
        sim.url()
    );
    tokio::select! {
        () = sim.wait() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
