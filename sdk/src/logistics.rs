//! The `logistics` world: a courier that quotes, dispatches, tracks and
//! cancels deliveries.
//!
//! Implement [`Courier`] and export it with [`courier!`](crate::courier).
//! Fees are in minor units (fen for CNY), instants in milliseconds since
//! the Unix epoch. A courier with its own API calls it through
//! [`outbound`](crate::outbound), where the plugin's grants allow.

pub use crate::bindings::logistics::exports::plaza::district::couriers::{
    CourierError, DeliveryStatus, DispatchRequest, Offer, Parcel, ParcelSize, Place, QuoteRequest,
    Tracking,
};

/// What a courier plugin implements.
pub trait Courier {
    /// Offers for a delivery; an empty list when none fits.
    fn quote(request: QuoteRequest) -> Result<Vec<Offer>, CourierError>;

    /// Books one of this courier's offers; returns its own reference for
    /// the delivery. Dispatching the same host reference twice must give
    /// the first delivery back.
    fn dispatch(request: DispatchRequest) -> Result<String, CourierError>;

    /// Where a delivery stands now.
    fn track(reference: String) -> Result<Tracking, CourierError>;

    /// Cancels a delivery that has not ended.
    fn cancel(reference: String) -> Result<Tracking, CourierError>;

    /// Checks the plugin's configuration before it serves; never calls out.
    fn self_check() -> Result<(), String> {
        Ok(())
    }
}

impl DeliveryStatus {
    /// The status as the host's API writes it, e.g. `picked-up`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Assigning => "assigning",
            DeliveryStatus::PickedUp => "picked-up",
            DeliveryStatus::InTransit => "in-transit",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Cancelled => "cancelled",
        }
    }

    /// The status written as [`DeliveryStatus::as_str`] does.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "assigning" => DeliveryStatus::Assigning,
            "picked-up" => DeliveryStatus::PickedUp,
            "in-transit" => DeliveryStatus::InTransit,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            "cancelled" => DeliveryStatus::Cancelled,
            _ => return None,
        })
    }

    /// Whether the delivery has ended.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Delivered | DeliveryStatus::Failed | DeliveryStatus::Cancelled
        )
    }
}

impl ParcelSize {
    /// The size as the host's API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ParcelSize::Small => "small",
            ParcelSize::Medium => "medium",
            ParcelSize::Large => "large",
        }
    }
}

/// Exports a [`Courier`] implementation as this component's `couriers`.
#[macro_export]
macro_rules! courier {
    ($courier:ty) => {
        const _: () = {
            use $crate::bindings::logistics::exports::plaza::district::couriers as wit;
            use $crate::logistics::Courier as _;
            struct PlazaCourier;

            impl wit::Guest for PlazaCourier {
                fn quote(request: wit::QuoteRequest) -> Result<Vec<wit::Offer>, wit::CourierError> {
                    <$courier>::quote(request)
                }

                fn dispatch(request: wit::DispatchRequest) -> Result<String, wit::CourierError> {
                    <$courier>::dispatch(request)
                }

                fn track(reference: String) -> Result<wit::Tracking, wit::CourierError> {
                    <$courier>::track(reference)
                }

                fn cancel(reference: String) -> Result<wit::Tracking, wit::CourierError> {
                    <$courier>::cancel(reference)
                }

                fn self_check() -> Result<(), String> {
                    <$courier>::self_check()
                }
            }

            $crate::bindings::logistics::export_logistics!(
                PlazaCourier with_types_in $crate::bindings::logistics
            );
        };
    };
}
