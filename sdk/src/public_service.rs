//! The `public-service` world: a utility provider (water, electricity,
//! gas) that finds bills by account and records their payment.
//!
//! Implement [`UtilityProvider`] and export it with
//! [`public_service!`](crate::public_service). The provider's own API is
//! reached through [`outbound`](crate::outbound), where the plugin's
//! `grants.outbound_hosts` allow. Amounts are in minor units (fen for
//! CNY). The host takes the money through the district's payment plugin
//! before it calls [`UtilityProvider::confirm_payment`].

pub use crate::bindings::public_service::exports::plaza::district::public_services::{
    Bill, PaymentConfirmation, Receipt, ServiceError, Utility,
};

/// What a public-service plugin implements.
pub trait UtilityProvider {
    /// The open bill of `account` for `service`; `None` when it owes
    /// nothing.
    fn lookup_bill(service: Utility, account: String) -> Result<Option<Bill>, ServiceError>;

    /// A bill by id, paid or not.
    fn get_bill(bill_id: String) -> Result<Bill, ServiceError>;

    /// Records a payment the host took for a bill; returns the receipt.
    fn confirm_payment(confirmation: PaymentConfirmation) -> Result<Receipt, ServiceError>;

    /// Checks the plugin's configuration before it serves.
    fn self_check() -> Result<(), String> {
        Ok(())
    }
}

/// The name of a utility as written in URLs and provider APIs.
pub fn utility_name(service: Utility) -> &'static str {
    match service {
        Utility::Water => "water",
        Utility::Electricity => "electricity",
        Utility::Gas => "gas",
    }
}

/// A utility by name, as [`utility_name`] writes it.
pub fn parse_utility(name: &str) -> Option<Utility> {
    match name {
        "water" => Some(Utility::Water),
        "electricity" => Some(Utility::Electricity),
        "gas" => Some(Utility::Gas),
        _ => None,
    }
}

/// Exports a [`UtilityProvider`] implementation as this component's
/// `public-services`.
#[macro_export]
macro_rules! public_service {
    ($provider:ty) => {
        const _: () = {
            use $crate::bindings::public_service::exports::plaza::district::public_services as wit;
            use $crate::public_service::UtilityProvider as _;
            struct PlazaPublicService;

            impl wit::Guest for PlazaPublicService {
                fn lookup_bill(
                    service: wit::Utility,
                    account: String,
                ) -> Result<Option<wit::Bill>, wit::ServiceError> {
                    <$provider>::lookup_bill(service, account)
                }

                fn get_bill(bill_id: String) -> Result<wit::Bill, wit::ServiceError> {
                    <$provider>::get_bill(bill_id)
                }

                fn confirm_payment(
                    confirmation: wit::PaymentConfirmation,
                ) -> Result<wit::Receipt, wit::ServiceError> {
                    <$provider>::confirm_payment(confirmation)
                }

                fn self_check() -> Result<(), String> {
                    <$provider>::self_check()
                }
            }

            $crate::bindings::public_service::export_public_service!(
                PlazaPublicService with_types_in $crate::bindings::public_service
            );
        };
    };
}
