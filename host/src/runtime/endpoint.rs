//! Calls into the `http-endpoint` world: one HTTP request in, one response
//! out, through the standard `wasi:http` incoming handler.
//!
//! The guest runs in its own task so it can stream the body after sending
//! the head; the host collects that body under the plugin's size cap and
//! deadline, and aborts the guest when either is passed.

use super::Runtime;
use super::error::{PluginError, PluginFailure};
use super::plugin::{Plugin, PluginPre};
use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use std::convert::Infallible;
use tokio::time::timeout_at;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};

/// Aborts the guest's task when the host stops waiting for it.
struct AbortOnDrop(tokio::task::JoinHandle<wasmtime::Result<()>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Runtime {
    /// Serves one request with an endpoint plugin. `request`'s URI is the
    /// path below the plugin's mount point.
    pub async fn serve_http(
        &self,
        plugin: &Plugin,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, PluginError> {
        self.admit(&plugin.meta)?;
        let (mut store, call) = self.new_store(&plugin.meta);
        let PluginPre::Endpoint(pre) = &plugin.pre else {
            let failure = PluginFailure::WrongKind {
                expected: "http-endpoint",
                actual: plugin.meta.kind.as_str(),
            };
            return self.finish(call, Err(failure));
        };

        let request = request.map(|body| {
            Full::new(body).map_err(|never: Infallible| -> ErrorCode { match never {} })
        });
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let prepared = (|| {
            let req = store
                .data_mut()
                .http()
                .new_incoming_request(Scheme::Http, request)?;
            let out = store.data_mut().http().new_response_outparam(sender)?;
            Ok::<_, wasmtime::Error>((req, out))
        })();
        let (req, out) = match prepared {
            Ok(handles) => handles,
            Err(e) => return self.finish(call, Err(PluginFailure::BadResponse(format!("{e:#}")))),
        };
        let pre = pre.clone();
        let mut task = AbortOnDrop(tokio::spawn(async move {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, req, out)
                .await
        }));

        let deadline = call.deadline();
        let cap = plugin.meta.limits.max_response_bytes;
        let result = async {
            let head = match timeout_at(deadline, receiver).await {
                Err(_elapsed) => return Err(call.timeout()),
                Ok(Ok(Ok(response))) => response,
                Ok(Ok(Err(code))) => {
                    return Err(PluginFailure::BadResponse(format!("error code {code:?}")));
                }
                // The guest ended without answering: it failed, or it forgot.
                Ok(Err(_dropped)) => {
                    return Err(match timeout_at(deadline, &mut task.0).await {
                        Err(_elapsed) => call.timeout(),
                        Ok(Ok(Err(error))) => call.classify(&error),
                        Ok(_) => PluginFailure::BadResponse("the plugin sent no response".into()),
                    });
                }
            };

            let (parts, mut body) = head.into_parts();
            let mut collected = BytesMut::new();
            loop {
                match timeout_at(deadline, body.frame()).await {
                    Err(_elapsed) => return Err(call.timeout()),
                    Ok(None) => break,
                    Ok(Some(Ok(frame))) => {
                        if let Ok(data) = frame.into_data() {
                            if (collected.len() + data.len()) as u64 > cap {
                                return Err(PluginFailure::ResponseTooLarge(cap));
                            }
                            collected.extend_from_slice(&data);
                        }
                    }
                    // The body broke off: report why the guest stopped.
                    Ok(Some(Err(_))) => {
                        return Err(match timeout_at(deadline, &mut task.0).await {
                            Ok(Ok(Err(error))) => call.classify(&error),
                            Err(_elapsed) => call.timeout(),
                            Ok(_) => PluginFailure::BadResponse("the body broke off".into()),
                        });
                    }
                }
            }
            Ok(http::Response::from_parts(parts, collected.freeze()))
        }
        .await;
        drop(task);
        self.finish(call, result)
    }
}
