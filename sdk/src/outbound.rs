//! Outbound HTTP from an endpoint plugin, through `wasi:http`. The host
//! refuses every host that is not on the plugin's `grants.outbound_hosts`
//! (the error then says `HTTP-request-denied`).
//!
//! ```ignore
//! let reply = plaza_sdk::outbound::get("http://courier.example/quote")?;
//! ```

use crate::bindings::endpoint::wasi::http::outgoing_handler;
use crate::bindings::endpoint::wasi::http::types::{Fields, Method, OutgoingRequest, Scheme};

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

    let request = OutgoingRequest::new(Fields::new());
    let fail = |what: &str| format!("invalid {what} in {url:?}");
    request
        .set_method(&Method::Get)
        .map_err(|()| fail("method"))?;
    request
        .set_scheme(Some(&scheme))
        .map_err(|()| fail("scheme"))?;
    request
        .set_authority(Some(authority))
        .map_err(|()| fail("authority"))?;
    request
        .set_path_with_query(Some(path))
        .map_err(|()| fail("path"))?;

    let pending = outgoing_handler::handle(request, None).map_err(|e| format!("{e:?}"))?;
    pending.subscribe().block();
    let response = pending
        .get()
        .ok_or("no response")?
        .map_err(|()| "response already taken")?
        .map_err(|e| format!("{e:?}"))?;
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
