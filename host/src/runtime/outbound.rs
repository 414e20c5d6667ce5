//! Outbound HTTP from plugins: refused unless the request's host is on the
//! plugin's `grants.outbound_hosts` allow-list.

use std::sync::Arc;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

type ResponseFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

/// The allow-list of one plugin.
pub(crate) struct OutboundPolicy {
    pub(crate) allowed: Arc<[String]>,
    pub(crate) district: Arc<str>,
    pub(crate) plugin: Arc<str>,
}

impl OutboundPolicy {
    /// Whether `host` (and `port`) is granted: an entry `host` grants every
    /// port, an entry `host:port` that port only.
    pub(crate) fn allows(&self, host: &str, port: Option<u16>) -> bool {
        self.allowed
            .iter()
            .any(|entry| match entry.rsplit_once(':') {
                Some((h, p)) if p.parse::<u16>().is_ok() => {
                    h.eq_ignore_ascii_case(host)
                        && port.map(|x| x.to_string()).as_deref() == Some(p)
                }
                _ => entry.eq_ignore_ascii_case(host),
            })
    }
}

impl WasiHttpHooks for OutboundPolicy {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> ResponseFuture {
        let uri = request.uri();
        let host = uri.host().unwrap_or_default().to_owned();
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            _ => Some(80),
        });
        if !self.allows(&host, port) {
            tracing::warn!(district = %self.district, plugin = %self.plugin, host = %host,
                "outbound request refused: host not granted");
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        let default: &mut dyn WasiHttpHooks = wasmtime_wasi_http::default_hooks();
        default.send_request(request, options, fut)
    }
}

#[cfg(test)]
mod tests {
    use super::OutboundPolicy;

    fn policy(entries: &[&str]) -> OutboundPolicy {
        OutboundPolicy {
            allowed: entries.iter().map(|e| e.to_string()).collect(),
            district: "d".into(),
            plugin: "p".into(),
        }
    }

    #[test]
    fn a_bare_host_grants_every_port_and_host_port_only_its_own() {
        let p = policy(&["courier.example", "127.0.0.1:9000"]);
        assert!(p.allows("courier.example", Some(443)));
        assert!(p.allows("127.0.0.1", Some(9000)));
        assert!(!p.allows("127.0.0.1", Some(9001)));
        assert!(!p.allows("evil.example", Some(80)));
        assert!(!policy(&[]).allows("courier.example", Some(80)));
    }
}
