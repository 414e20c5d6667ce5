//! Host-side bindings generated from the `plaza:district` contract in
//! `wit/`. The `parking-pricing` world brings the shared host interfaces
//! along and `payment`, `promotion` and `decoder` reuse them; the `http-endpoint` world's export is
//! served through `wasmtime-wasi-http`'s own `wasi:http` bindings.
#![allow(missing_docs)]

wasmtime::component::bindgen!({
    path: "../wit",
    world: "plaza:district/parking-pricing",
    imports: {
        "plaza:district/kv": async | trappable,
        default: trappable,
    },
    exports: { default: async },
});

/// The `payment` world, reusing the shared host interfaces generated above
/// so one set of host implementations serves every world.
pub mod payment {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "plaza:district/payment",
        with: {
            "plaza:district/types": super::plaza::district::types,
            "plaza:district/log": super::plaza::district::log,
            "plaza:district/config": super::plaza::district::config,
            "plaza:district/kv": super::plaza::district::kv,
            "plaza:district/clock": super::plaza::district::clock,
            "plaza:district/events": super::plaza::district::events,
        },
        imports: { default: trappable },
        exports: { default: async },
    });
}

/// The `promotion` world, reusing the shared host interfaces.
pub mod promotion {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "plaza:district/promotion",
        with: {
            "plaza:district/types": super::plaza::district::types,
            "plaza:district/log": super::plaza::district::log,
            "plaza:district/config": super::plaza::district::config,
            "plaza:district/kv": super::plaza::district::kv,
            "plaza:district/clock": super::plaza::district::clock,
            "plaza:district/events": super::plaza::district::events,
        },
        imports: { default: trappable },
        exports: { default: async },
    });
}

/// The `decoder` world, sharing the host interfaces generated above.
pub mod decoder {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "plaza:district/decoder",
        with: {
            "plaza:district/types": super::plaza::district::types,
            "plaza:district/log": super::plaza::district::log,
            "plaza:district/config": super::plaza::district::config,
            "plaza:district/clock": super::plaza::district::clock,
        },
        imports: { default: trappable },
        exports: { default: async },
    });
}

/// The `logistics` world, sharing the host interfaces generated above and
/// the `wasi:http` bindings of `wasmtime-wasi-http` for its outbound calls.
pub mod logistics {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "plaza:district/logistics",
        with: {
            "plaza:district/types": super::plaza::district::types,
            "plaza:district/log": super::plaza::district::log,
            "plaza:district/config": super::plaza::district::config,
            "plaza:district/kv": super::plaza::district::kv,
            "plaza:district/clock": super::plaza::district::clock,
            "plaza:district/events": super::plaza::district::events,
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
        },
        imports: { default: trappable },
        exports: { default: async },
    });
}

/// The `public-service` world, reusing the shared host interfaces and
/// `wasi:http` as the linker already provides it.
pub mod public_service {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "plaza:district/public-service",
        with: {
            "plaza:district/types": super::plaza::district::types,
            "plaza:district/log": super::plaza::district::log,
            "plaza:district/config": super::plaza::district::config,
            "plaza:district/kv": super::plaza::district::kv,
            "plaza:district/clock": super::plaza::district::clock,
            "plaza:district/events": super::plaza::district::events,
            "wasi:http": wasmtime_wasi_http::p2::bindings::http,
            "wasi:io": wasmtime_wasi::p2::bindings::io,
            "wasi:clocks": wasmtime_wasi::p2::bindings::clocks,
        },
        imports: { default: trappable },
        exports: { default: async },
    });
}
