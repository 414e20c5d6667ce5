//! Host-side bindings generated from the `plaza:district` contract in
//! `wit/`. The `parking-pricing` world brings the shared host interfaces
//! along; the `decoder` world reuses them through `with`; the
//! `http-endpoint` world's export is served through `wasmtime-wasi-http`'s
//! own `wasi:http` bindings.
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
