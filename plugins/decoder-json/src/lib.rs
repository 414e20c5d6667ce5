//! The reference JSON decoder: one measurement per uplink, as gateways
//! and camera analytics boxes that speak JSON send them.
//!
//! ```json
//! {"seq": 1042, "type": "people", "in": 3, "out": 1, "ts": 1764727200000}
//! ```
//!
//! `type` is `space` (with `occupied`), `people` or `vehicles` (with `in`
//! and `out`) or `energy` (with `kwh`, used since the previous uplink).
//! `seq` is the device's message counter; `ts` (milliseconds, UTC) and
//! `battery` (percent) are optional. The measurement must match the kind
//! of device it comes from.

use plaza_sdk::decoder::{DecodeError, Decoded, Decoder, Flow, Measurement, Reading, Uplink};
use serde::Deserialize;

/// Below this battery level the uplink carries a warning.
const LOW_BATTERY_PERCENT: u8 = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    seq: u64,
    #[serde(rename = "type")]
    kind: String,
    occupied: Option<bool>,
    #[serde(rename = "in")]
    entered: Option<u32>,
    #[serde(rename = "out")]
    exited: Option<u32>,
    kwh: Option<f64>,
    ts: Option<i64>,
    battery: Option<u8>,
}

struct Json;

impl Decoder for Json {
    fn decode(uplink: Uplink) -> Result<Decoded, DecodeError> {
        let message: Message = serde_json::from_slice(&uplink.bytes)
            .map_err(|e| DecodeError::Malformed(format!("not a JSON uplink: {e}")))?;
        let measurement = measurement(&message)?;
        check_device(&uplink.device.kind, &measurement)?;
        let mut warnings = Vec::new();
        if let Some(level) = message.battery.filter(|b| *b < LOW_BATTERY_PERCENT) {
            warnings.push(format!("battery low: {level}%"));
        }
        Ok(Decoded {
            sequence: message.seq,
            readings: vec![Reading {
                measurement,
                at: message.ts,
            }],
            warnings,
        })
    }
}

fn measurement(m: &Message) -> Result<Measurement, DecodeError> {
    let missing = |field: &str| DecodeError::Malformed(format!("{:?} needs {field:?}", m.kind));
    let flow = || -> Result<Flow, DecodeError> {
        Ok(Flow {
            entered: m.entered.ok_or_else(|| missing("in"))?,
            exited: m.exited.ok_or_else(|| missing("out"))?,
        })
    };
    Ok(match m.kind.as_str() {
        "space" => Measurement::Space(m.occupied.ok_or_else(|| missing("occupied"))?),
        "people" => Measurement::People(flow()?),
        "vehicles" => Measurement::Vehicles(flow()?),
        "energy" => {
            let kwh = m.kwh.ok_or_else(|| missing("kwh"))?;
            if !kwh.is_finite() || kwh < 0.0 {
                return Err(DecodeError::Rejected(format!(
                    "energy {kwh} kWh is impossible"
                )));
            }
            Measurement::EnergyKwh(kwh)
        }
        other => return Err(DecodeError::Malformed(format!("unknown type {other:?}"))),
    })
}

/// A parking sensor reports spaces, a footfall counter people, and so on;
/// anything else means the device is registered wrongly or lies.
fn check_device(kind: &str, measurement: &Measurement) -> Result<(), DecodeError> {
    let expected = match measurement {
        Measurement::Space(_) => "parking-sensor",
        Measurement::People(_) => "footfall-counter",
        Measurement::Vehicles(_) => "vehicle-counter",
        Measurement::EnergyKwh(_) => "energy-meter",
    };
    if kind == expected {
        Ok(())
    } else {
        Err(DecodeError::Rejected(format!(
            "a {kind} cannot report what a {expected} measures"
        )))
    }
}

plaza_sdk::decoder!(Json);
