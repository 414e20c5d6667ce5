//! Host-side bindings generated from the `plaza:district` contract in
//! `wit/`. The `parking-pricing` world brings the shared host interfaces
//! along; the `http-endpoint` world's export is served through
//! `wasmtime-wasi-http`'s own `wasi:http` bindings.
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
