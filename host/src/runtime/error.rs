//! Typed failures of plugin calls; the HTTP layer turns them into JSON 5xx
//! responses naming district, plugin and reason.

use std::sync::Arc;

/// Why a plugin call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PluginFailure {
    /// It ran past its wall-clock deadline and was stopped.
    #[error("stopped after its {0} ms deadline")]
    Timeout(u64),
    /// It tried to grow its memory past its cap and was stopped.
    #[error("stopped at its memory cap of {0} MiB")]
    MemoryCap(u64),
    /// It trapped (a panic, an unreachable, a bad access ...).
    #[error("trapped: {0}")]
    Trap(String),
    /// Its response body passed its size cap and was cut.
    #[error("response body passed its cap of {0} bytes")]
    ResponseTooLarge(u64),
    /// It answered with something the host cannot use.
    #[error("invalid response: {0}")]
    BadResponse(String),
    /// Too many calls are in flight on this server; try again.
    #[error("too many plugin calls in flight")]
    Busy,
    /// Its circuit breaker is open after repeated failures; the next probe
    /// comes after this many milliseconds.
    #[error("is unavailable after repeated failures; retry in {0} ms")]
    Unavailable(u64),
    /// It is not of the kind this call needs.
    #[error("is a {actual} plugin, not a {expected} one")]
    WrongKind {
        /// The kind the caller needed.
        expected: &'static str,
        /// The plugin's kind.
        actual: &'static str,
    },
}

impl PluginFailure {
    /// A stable machine-readable code, used in metrics and JSON bodies.
    pub fn code(&self) -> &'static str {
        match self {
            PluginFailure::Timeout(_) => "timeout",
            PluginFailure::MemoryCap(_) => "memory",
            PluginFailure::Trap(_) => "trap",
            PluginFailure::ResponseTooLarge(_) => "response_too_large",
            PluginFailure::BadResponse(_) => "bad_response",
            PluginFailure::Busy => "busy",
            PluginFailure::Unavailable(_) => "unavailable",
            PluginFailure::WrongKind { .. } => "wrong_kind",
        }
    }
}

impl PluginFailure {
    /// Whether the failure is the plugin's fault and counts towards its
    /// circuit breaker (a busy host or a wrong-kind call does not).
    pub fn counts_against_plugin(&self) -> bool {
        matches!(
            self,
            PluginFailure::Timeout(_)
                | PluginFailure::MemoryCap(_)
                | PluginFailure::Trap(_)
                | PluginFailure::ResponseTooLarge(_)
                | PluginFailure::BadResponse(_)
        )
    }
}

/// A failed plugin call: which plugin, and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("plugin {plugin:?} of district {district:?} {failure}")]
pub struct PluginError {
    /// District id.
    pub district: Arc<str>,
    /// Plugin id.
    pub plugin: Arc<str>,
    /// What went wrong.
    pub failure: PluginFailure,
}
