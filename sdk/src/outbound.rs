//! Outbound HTTP from an endpoint, courier or public-service plugin,
//! through `wasi:http`. The host refuses every host that is not on the plugin's
//! `grants.outbound_hosts` (the error then says `HTTP-request-denied`).
//!
//! ```ignore
//! let reply = plaza_sdk::outbound::get("http://courier.example/v1/deliveries/d1")?;
//! let quote = plaza_sdk::outbound::post_json("http://courier.example/v1/quotes", &body)?;
//! let paid = plaza_sdk::outbound::post(
//!     "http://utility.example/v1/bills/b1/payments",
//!     "application/json",
//!     br#"{"reference":"pay_1","amount":100}"#,
//! )?;
//! ```

use crate::bindings::endpoint::wasi::http::outgoing_handler;
pub use crate::bindings::endpoint::wasi::http::types::Method;
use crate::bindings::endpoint::wasi::http::types::{Fields, OutgoingBody, OutgoingRequest, Scheme};

/// An answer from another server.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Its status code.
    pub status: u16,
    /// Its whole body.
    pub body: Vec<u8>,
}

/// Sends `GET url` (`http://` or `https://`) and reads the whole answer.
pub fn get(url: &str) -> Result<Reply, String> {
    send(Method::Get, url, None)
}

/// Sends `POST url` with `body` of type `content_type` and reads the
/// whole answer.
pub fn post(url: &str, content_type: &str, body: &[u8]) -> Result<Reply, String> {
    send(Method::Post, url, Some((content_type, body)))
}

/// Sends `POST url` with `body` as JSON and reads the whole answer.
pub fn post_json(url: &str, body: &serde_json::Value) -> Result<Reply, String> {
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    post(url, "application/json", &bytes)
}

/// Sends `method url`, with a body of the given content type when there
/// is one, and reads the whole answer.
pub fn send(method: Method, url: &str, body: Option<(&str, &[u8])>) -> Result<Reply, String> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("http://") {
        (Scheme::Http, rest)
    } else if let Some(rest) = url.strip_prefix("https://") {
        (Scheme::Https, rest)
    } else {
        return Err(format!("{url:?} is not an http:// or https:// URL"));
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };

    let headers = Fields::new();
    if let Some((content_type, _)) = body {
        headers
            .append("content-type", content_type.as_bytes())
            .map_err(|e| format!("invalid content type {content_type:?}: {e:?}"))?;
    }
    let request = OutgoingRequest::new(headers);
    let fail = |what: &str| format!("invalid {what} in {url:?}");
    request.set_method(&method).map_err(|()| fail("method"))?;
    request
        .set_scheme(Some(&scheme))
        .map_err(|()| fail("scheme"))?;
    request
        .set_authority(Some(authority))
        .map_err(|()| fail("authority"))?;
    request
        .set_path_with_query(Some(path))
        .map_err(|()| fail("path"))?;

    let outgoing = request.body().map_err(|()| "request body unavailable")?;
    let pending = outgoing_handler::handle(request, None).map_err(|e| format!("{e:?}"))?;
    // A refused or failed request closes the body stream; its response
    // then says why, which is the error worth reporting.
    let mut sent = Ok(());
    if let Some((_, bytes)) = body {
        let stream = outgoing
            .write()
            .map_err(|()| "request body stream unavailable")?;
        for chunk in bytes.chunks(4096) {
            if let Err(e) = stream.blocking_write_and_flush(chunk) {
                sent = Err(format!("failed to send the request body: {e:?}"));
                break;
            }
        }
        drop(stream);
    }
    let finished = OutgoingBody::finish(outgoing, None).map_err(|e| format!("{e:?}"));

    pending.subscribe().block();
    let response = pending
        .get()
        .ok_or("no response")?
        .map_err(|()| "response already taken")?
        .map_err(|e| format!("{e:?}"))?;
    sent?;
    finished?;
    let status = response.status();
    let body = response
        .consume()
        .map_err(|()| "response body unavailable")?;
    let stream = body
        .stream()
        .map_err(|()| "response body stream unavailable")?;
    let mut bytes = Vec::new();
    while let Ok(chunk) = stream.blocking_read(64 * 1024) {
        bytes.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        body: bytes,
    })
}
