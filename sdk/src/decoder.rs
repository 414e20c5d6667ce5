//! The `decoder` world: a vendor's device decoder, turning a raw uplink
//! into typed readings.
//!
//! Implement [`Decoder`] and export it with [`decoder!`](crate::decoder).
//! The shape follows the payload decoders LoRaWAN network servers run:
//! bytes, port and device variables in; readings, warnings and an error
//! out. [`Uplink::variable`] reads one of the device's variables.

pub use crate::bindings::decoder::exports::plaza::district::decode::{
    DecodeError, Decoded, Device, Flow, Measurement, Reading, Uplink,
};

/// What a decoder plugin implements.
pub trait Decoder {
    /// Decodes one uplink into readings, or says why it cannot.
    fn decode(uplink: Uplink) -> Result<Decoded, DecodeError>;
}

impl Uplink {
    /// The device variable `name`, if its registration sets one.
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.device
            .variables
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

impl Reading {
    /// A reading the device did not time-stamp: the host uses the time it
    /// received the uplink.
    pub fn now(measurement: Measurement) -> Self {
        Self {
            measurement,
            at: None,
        }
    }
}

/// Exports a [`Decoder`] implementation as this component's `decode`.
#[macro_export]
macro_rules! decoder {
    ($decoder:ty) => {
        const _: () = {
            use $crate::bindings::decoder::exports::plaza::district::decode as wit;
            struct PlazaDecoder;

            impl wit::Guest for PlazaDecoder {
                fn decode(uplink: wit::Uplink) -> Result<wit::Decoded, wit::DecodeError> {
                    <$decoder as $crate::decoder::Decoder>::decode(uplink)
                }
            }

            $crate::bindings::decoder::export_decoder!(
                PlazaDecoder with_types_in $crate::bindings::decoder
            );
        };
    };
}
