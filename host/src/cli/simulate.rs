//! `plaza simulate --district D --rate N`: publish realistic uplinks for
//! a district's devices to the broker, with a progress line.

use crate::config::{self, parse_mqtt_url};
use crate::ingest::simulator::{self, SimOptions, SimProgress};
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// What `plaza simulate` was asked to do.
pub(super) struct SimulateArgs {
    pub(super) config: PathBuf,
    pub(super) district: String,
    pub(super) rate: u32,
    pub(super) broker: Option<String>,
    pub(super) duration: Option<u64>,
    pub(super) count: Option<u64>,
}

pub(super) async fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let config = config::load(&args.config)?;
    let district = config
        .districts
        .iter()
        .find(|d| d.id == args.district)
        .with_context(|| {
            format!(
                "{} has no district {:?}",
                args.config.display(),
                args.district
            )
        })?;
    let devices = simulator::devices_of(district)?;
    // Without --broker: the configured external broker, else the embedded
    // one's address.
    let url = args
        .broker
        .clone()
        .or_else(|| config.mqtt.url.clone())
        .unwrap_or_else(|| format!("mqtt://{}", config.mqtt.listen));
    let (host, port) = parse_mqtt_url(&url).map_err(anyhow::Error::msg)?;
    if args.rate == 0 {
        anyhow::bail!("--rate must be above 0");
    }
    eprintln!(
        "simulating {} devices of {} at {} msg/s to {url}",
        devices.len(),
        district.id,
        args.rate
    );
    let options = SimOptions {
        district: district.id.clone(),
        devices,
        host,
        port,
        rate: args.rate,
        duration: args.duration.map(Duration::from_secs),
        count: args.count,
        utc_offset_minutes: district.utc_offset_minutes,
        client_id: format!("plaza-simulator-{}", std::process::id()),
    };
    let last = simulator::run(options, print_progress).await?;
    eprintln!();
    println!(
        "sent {} messages, {} acknowledged by the broker, in {:.1} s",
        last.sent,
        last.acked,
        last.elapsed.as_secs_f64()
    );
    Ok(())
}

fn print_progress(p: SimProgress) {
    let secs = p.elapsed.as_secs_f64().max(0.001);
    eprint!(
        "\r{:>7.1} s  sent {:>10}  acked {:>10}  {:>8.0} msg/s",
        secs,
        p.sent,
        p.acked,
        p.sent as f64 / secs
    );
    let _ = std::io::stderr().flush();
}
