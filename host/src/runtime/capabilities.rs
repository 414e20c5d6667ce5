//! What a component asks of the host, read from its imports, and the
//! checks an uploaded component passes before it may run: it is a
//! component, it implements a world this host supports, and every
//! capability it imports is granted.

use super::Runtime;
use super::cache::CacheOutcome;
use super::plugin::detect_kind;
use crate::config::PluginKind;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use wasmtime::Engine;
use wasmtime::component::Component;

/// A capability beyond a plugin's own sandbox, as a grant names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Outbound HTTP (`wasi:http/outgoing-handler`): `grants.outbound_hosts`.
    OutboundHttp,
    /// Files (`wasi:filesystem`): `grants.files`.
    Files,
    /// Publishing events (`plaza:district/events`): `grants.publish_topics`.
    Publish,
    /// Raw sockets (`wasi:sockets`): never granted.
    Sockets,
}

impl Capability {
    /// The name used in grants, errors and the admin API.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::OutboundHttp => "outbound-http",
            Capability::Files => "files",
            Capability::Publish => "publish",
            Capability::Sockets => "sockets",
        }
    }

    /// The capability an import needs, if any.
    fn of_import(name: &str) -> Option<Self> {
        if name.starts_with("wasi:http/outgoing-handler@") {
            Some(Capability::OutboundHttp)
        } else if name.starts_with("wasi:filesystem/") {
            Some(Capability::Files)
        } else if name.starts_with("wasi:sockets/") {
            Some(Capability::Sockets)
        } else if name.starts_with("plaza:district/events@") {
            Some(Capability::Publish)
        } else {
            None
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every capability `component` imports, in order.
pub fn capabilities(engine: &Engine, component: &Component) -> BTreeSet<Capability> {
    let ty = component.component_type();
    ty.imports(engine)
        .filter_map(|(name, _)| Capability::of_import(name))
        .collect()
}

/// Why a component was refused before it could run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum InspectError {
    /// The bytes are not a Wasm component (a core module, or not Wasm).
    #[error("not a wasm component: {0}")]
    NotAComponent(String),
    /// It is a component, but not one this host can compile.
    #[error("invalid component: {0}")]
    Invalid(String),
    /// It implements no world this host supports.
    #[error("{0}")]
    UnsupportedWorld(String),
}

/// What an uploaded component is.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The world it implements.
    pub kind: PluginKind,
    /// The capabilities it imports.
    pub capabilities: BTreeSet<Capability>,
    /// Whether the compile came from the cache.
    pub cache: CacheOutcome,
}

/// The preamble of a binary component: magic, then the component layer.
const COMPONENT_PREAMBLE: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

/// Refuses bytes that are not a binary wasm component, saying what they
/// are instead.
pub fn check_component_header(bytes: &[u8]) -> Result<(), InspectError> {
    if bytes.starts_with(&COMPONENT_PREAMBLE) {
        return Ok(());
    }
    let what = if bytes.starts_with(b"\0asm") {
        "a core wasm module; build for wasm32-wasip2 to get a component"
    } else {
        "no wasm magic number"
    };
    Err(InspectError::NotAComponent(what.to_owned()))
}

impl Runtime {
    /// Compiles `bytes` (whose digest is `sha256`; the compiled code is
    /// cached, so a later activation is fast) and reads its world and the
    /// capabilities it imports.
    pub async fn inspect(&self, bytes: &[u8], sha256: &str) -> Result<Inspection, InspectError> {
        check_component_header(bytes)?;
        let engine = self.engine.clone();
        let cache = self.cache.clone();
        let (bytes, sha256) = (bytes.to_vec(), sha256.to_owned());
        let (component, outcome) =
            tokio::task::spawn_blocking(move || cache.load(&engine, &bytes, &sha256))
                .await
                .map_err(|e| InspectError::Invalid(format!("compile task failed: {e}")))?
                .map_err(|e| InspectError::Invalid(format!("{e:#}")))?;
        let kind = detect_kind(&self.engine, &component).map_err(InspectError::UnsupportedWorld)?;
        Ok(Inspection {
            kind,
            capabilities: capabilities(&self.engine, &component),
            cache: outcome,
        })
    }
}
