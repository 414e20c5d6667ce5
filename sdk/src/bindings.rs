//! Generated bindings to the `plaza:district` contract. Plugin code goes
//! through the typed wrappers in the rest of the SDK instead.
#![allow(missing_docs, clippy::all, unsafe_code)]

/// The host interfaces shared by every world, generated once and reused by
/// each world below.
pub mod host {
    wit_bindgen::generate!({
        inline: "
            package plaza:sdk;
            world host {
                import plaza:district/log@0.1.0;
                import plaza:district/config@0.1.0;
                import plaza:district/kv@0.1.0;
                import plaza:district/clock@0.1.0;
                import plaza:district/events@0.1.0;
            }
        ",
        path: "../wit",
        generate_all,
    });
}

#[cfg(feature = "http-endpoint")]
pub mod endpoint {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plaza:district/http-endpoint",
        with: {
            "plaza:district/types@0.1.0": super::host::plaza::district::types,
            "plaza:district/log@0.1.0": super::host::plaza::district::log,
            "plaza:district/config@0.1.0": super::host::plaza::district::config,
            "plaza:district/kv@0.1.0": super::host::plaza::district::kv,
            "plaza:district/clock@0.1.0": super::host::plaza::district::clock,
            "plaza:district/events@0.1.0": super::host::plaza::district::events,
        },
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export_http_endpoint",
        default_bindings_module: "plaza_sdk::bindings::endpoint",
    });
}

#[cfg(feature = "parking-pricing")]
pub mod pricing {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plaza:district/parking-pricing",
        with: {
            "plaza:district/types@0.1.0": super::host::plaza::district::types,
            "plaza:district/log@0.1.0": super::host::plaza::district::log,
            "plaza:district/config@0.1.0": super::host::plaza::district::config,
            "plaza:district/kv@0.1.0": super::host::plaza::district::kv,
            "plaza:district/clock@0.1.0": super::host::plaza::district::clock,
            "plaza:district/events@0.1.0": super::host::plaza::district::events,
        },
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export_parking_pricing",
        default_bindings_module: "plaza_sdk::bindings::pricing",
    });
}

#[cfg(feature = "payment")]
pub mod payment {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plaza:district/payment",
        with: {
            "plaza:district/types@0.1.0": super::host::plaza::district::types,
            "plaza:district/log@0.1.0": super::host::plaza::district::log,
            "plaza:district/config@0.1.0": super::host::plaza::district::config,
            "plaza:district/kv@0.1.0": super::host::plaza::district::kv,
            "plaza:district/clock@0.1.0": super::host::plaza::district::clock,
            "plaza:district/events@0.1.0": super::host::plaza::district::events,
        },
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export_payment",
        default_bindings_module: "plaza_sdk::bindings::payment",
    });
}

#[cfg(feature = "promotion")]
pub mod promotion {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plaza:district/promotion",
        with: {
            "plaza:district/types@0.1.0": super::host::plaza::district::types,
            "plaza:district/log@0.1.0": super::host::plaza::district::log,
            "plaza:district/config@0.1.0": super::host::plaza::district::config,
            "plaza:district/kv@0.1.0": super::host::plaza::district::kv,
            "plaza:district/clock@0.1.0": super::host::plaza::district::clock,
            "plaza:district/events@0.1.0": super::host::plaza::district::events,
        },
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export_promotion",
        default_bindings_module: "plaza_sdk::bindings::promotion",
    });
}

#[cfg(feature = "decoder")]
pub mod decoder {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plaza:district/decoder",
        with: {
            "plaza:district/types@0.1.0": super::host::plaza::district::types,
            "plaza:district/log@0.1.0": super::host::plaza::district::log,
            "plaza:district/config@0.1.0": super::host::plaza::district::config,
            "plaza:district/clock@0.1.0": super::host::plaza::district::clock,
        },
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export_decoder",
        default_bindings_module: "plaza_sdk::bindings::decoder",
    });
}

#[cfg(feature = "logistics")]
pub mod logistics {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plaza:district/logistics",
        with: {
            "plaza:district/types@0.1.0": super::host::plaza::district::types,
            "plaza:district/log@0.1.0": super::host::plaza::district::log,
            "plaza:district/config@0.1.0": super::host::plaza::district::config,
            "plaza:district/kv@0.1.0": super::host::plaza::district::kv,
            "plaza:district/clock@0.1.0": super::host::plaza::district::clock,
            "plaza:district/events@0.1.0": super::host::plaza::district::events,
            "wasi:http/types@0.2.12": super::endpoint::wasi::http::types,
            "wasi:http/outgoing-handler@0.2.12": super::endpoint::wasi::http::outgoing_handler,
            "wasi:io/error@0.2.12": super::endpoint::wasi::io::error,
            "wasi:io/poll@0.2.12": super::endpoint::wasi::io::poll,
            "wasi:io/streams@0.2.12": super::endpoint::wasi::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": super::endpoint::wasi::clocks::monotonic_clock,
        },
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export_logistics",
        default_bindings_module: "plaza_sdk::bindings::logistics",
    });
}

#[cfg(feature = "public-service")]
pub mod public_service {
    wit_bindgen::generate!({
        path: "../wit",
        world: "plaza:district/public-service",
        with: {
            "plaza:district/types@0.1.0": super::host::plaza::district::types,
            "plaza:district/log@0.1.0": super::host::plaza::district::log,
            "plaza:district/config@0.1.0": super::host::plaza::district::config,
            "plaza:district/kv@0.1.0": super::host::plaza::district::kv,
            "plaza:district/clock@0.1.0": super::host::plaza::district::clock,
            "plaza:district/events@0.1.0": super::host::plaza::district::events,
            "wasi:http/types@0.2.12": super::endpoint::wasi::http::types,
            "wasi:http/outgoing-handler@0.2.12": super::endpoint::wasi::http::outgoing_handler,
            "wasi:io/error@0.2.12": super::endpoint::wasi::io::error,
            "wasi:io/poll@0.2.12": super::endpoint::wasi::io::poll,
            "wasi:io/streams@0.2.12": super::endpoint::wasi::io::streams,
            "wasi:clocks/monotonic-clock@0.2.12": super::endpoint::wasi::clocks::monotonic_clock,
        },
        generate_all,
        pub_export_macro: true,
        export_macro_name: "export_public_service",
        default_bindings_module: "plaza_sdk::bindings::public_service",
    });
}
