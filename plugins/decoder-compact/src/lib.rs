//! The reference compact decoder: the fixed byte layout battery-powered
//! LoRaWAN-style sensors send, big-endian, on port 1.
//!
//! | bytes | field |
//! | --- | --- |
//! | 0 | type: 1 space, 2 people, 3 vehicles, 4 energy |
//! | 1..5 | frame counter (u32) |
//! | 5 | battery, percent |
//! | 6 | space: 0 free, 1 occupied (7 bytes in all) |
//! | 6..8, 8..10 | people / vehicles: in (u16), out (u16) (10 bytes) |
//! | 6..10 | energy: Wh used since the previous uplink (u32) (10 bytes) |
//!
//! The measurement must match the kind of device it comes from.

use plaza_sdk::decoder::{DecodeError, Decoded, Decoder, Flow, Measurement, Reading, Uplink};

/// The only port this layout uses.
const PORT: u8 = 1;
/// Below this battery level the uplink carries a warning.
const LOW_BATTERY_PERCENT: u8 = 10;

struct Compact;

impl Decoder for Compact {
    fn decode(uplink: Uplink) -> Result<Decoded, DecodeError> {
        if uplink.fport != PORT {
            return Err(DecodeError::Rejected(format!(
                "port {} is not used by this layout (only {PORT})",
                uplink.fport
            )));
        }
        let b = &uplink.bytes;
        if b.len() < 7 {
            return Err(DecodeError::Malformed(format!(
                "{} bytes is shorter than the 7-byte minimum",
                b.len()
            )));
        }
        let counter = u32::from_be_bytes([b[1], b[2], b[3], b[4]]);
        let battery = b[5];
        let (measurement, expected_kind, length) = match b[0] {
            1 => match b[6] {
                0 | 1 => (Measurement::Space(b[6] == 1), "parking-sensor", 7),
                other => {
                    let why = format!("space status {other} is neither 0 nor 1");
                    return Err(DecodeError::Rejected(why));
                }
            },
            2 | 3 if b.len() == 10 => {
                let flow = Flow {
                    entered: u16::from_be_bytes([b[6], b[7]]).into(),
                    exited: u16::from_be_bytes([b[8], b[9]]).into(),
                };
                if b[0] == 2 {
                    (Measurement::People(flow), "footfall-counter", 10)
                } else {
                    (Measurement::Vehicles(flow), "vehicle-counter", 10)
                }
            }
            4 if b.len() == 10 => {
                let wh = u32::from_be_bytes([b[6], b[7], b[8], b[9]]);
                (
                    Measurement::EnergyKwh(f64::from(wh) / 1000.0),
                    "energy-meter",
                    10,
                )
            }
            2..=4 => {
                let why = format!("type {} needs 10 bytes, got {}", b[0], b.len());
                return Err(DecodeError::Malformed(why));
            }
            other => return Err(DecodeError::Malformed(format!("unknown type {other}"))),
        };
        if b.len() != length {
            let why = format!("type {} needs {length} bytes, got {}", b[0], b.len());
            return Err(DecodeError::Malformed(why));
        }
        if uplink.device.kind != expected_kind {
            return Err(DecodeError::Rejected(format!(
                "a {} cannot report what a {expected_kind} measures",
                uplink.device.kind
            )));
        }
        let mut warnings = Vec::new();
        if battery < LOW_BATTERY_PERCENT {
            warnings.push(format!("battery low: {battery}%"));
        }
        Ok(Decoded {
            sequence: counter.into(),
            readings: vec![Reading::now(measurement)],
            warnings,
        })
    }
}

plaza_sdk::decoder!(Compact);
