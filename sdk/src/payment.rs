//! The `payment` world: a payment provider that creates, confirms and
//! refunds payments.
//!
//! Implement [`Provider`] and export it with
//! [`payment_provider!`](crate::payment_provider). Amounts are in minor
//! units (fen for CNY). A decline is not an error: it is a [`Payment`]
//! whose status is [`PaymentStatus::Declined`].

pub use crate::bindings::payment::exports::plaza::district::payments::{
    CreateRequest, Payment, PaymentError, PaymentStatus, RefundRequest,
};

/// What a payment-provider plugin implements.
pub trait Provider {
    /// Creates a payment, or returns the one made earlier with the same
    /// idempotency key.
    fn create(request: CreateRequest) -> Result<Payment, PaymentError>;

    /// Takes the money of a pending payment, or declines it.
    fn confirm(payment_id: String) -> Result<Payment, PaymentError>;

    /// Gives back part or all of a succeeded payment.
    fn refund(request: RefundRequest) -> Result<Payment, PaymentError>;

    /// A payment by id.
    fn get(payment_id: String) -> Result<Payment, PaymentError>;

    /// Checks the plugin's configuration before it serves.
    fn self_check() -> Result<(), String> {
        Ok(())
    }
}

/// Exports a [`Provider`] implementation as this component's `payments`.
#[macro_export]
macro_rules! payment_provider {
    ($provider:ty) => {
        const _: () = {
            use $crate::bindings::payment::exports::plaza::district::payments as wit;
            use $crate::payment::Provider as _;
            struct PlazaPayment;

            impl wit::Guest for PlazaPayment {
                fn create(request: wit::CreateRequest) -> Result<wit::Payment, wit::PaymentError> {
                    <$provider>::create(request)
                }

                fn confirm(payment_id: String) -> Result<wit::Payment, wit::PaymentError> {
                    <$provider>::confirm(payment_id)
                }

                fn refund(request: wit::RefundRequest) -> Result<wit::Payment, wit::PaymentError> {
                    <$provider>::refund(request)
                }

                fn get(payment_id: String) -> Result<wit::Payment, wit::PaymentError> {
                    <$provider>::get(payment_id)
                }

                fn self_check() -> Result<(), String> {
                    <$provider>::self_check()
                }
            }

            $crate::bindings::payment::export_payment!(
                PlazaPayment with_types_in $crate::bindings::payment
            );
        };
    };
}
