//! Outbound HTTP from an endpoint or courier plugin, through `wasi:http`.
//! The host refuses every host that is not on the plugin's
//! `grants.outbound_hosts` (the error then says `HTTP-request-denied`).
//!
//! ```ignore
//! let reply = plaza_sdk::outbound::get("http://courier.example/quote")?;
//! let reply = plaza_sdk::outbound::post_json("http://courier.example/v1/quotes", &body)?;
//! ```

#[cfg(feature = "http-endpoint")]
use crate::bindings::endpoint::wasi::http::{
    outgoing_handler,
    types::{Fields, Method, OutgoingBody, OutgoingRequest, Scheme},
};
#[cfg(all(feature = "logistics", not(feature = "http-endpoint")))]
use crate::bindings::logistics::wasi::http::{
    outgoing_handler,
    types::{Fields, Method, OutgoingBody, OutgoingRequest, Scheme},
};

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
    send("GET", url, None)
}

/// Sends `POST url` with `body` as JSON and reads the whole answer.
pub fn post_json(url: &str, body: &serde_json::Value) -> Result<Reply, String> {
    let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    send("POST", url, Some(&bytes))
}

/// Sends `method url`, with a JSON `body` when given, and reads the whole
/// answer.
pub fn send(method: &str, url: &str, body: Option<&[u8]>) -> Result<Reply, String> {
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
    let method = match method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        other => Method::Other(other.to_owned()),
    };

    let headers = Fields::new();
    if body.is_some() {
        headers
            .append("content-type", b"application/json")
            .map_err(|e| format!("{e:?}"))?;
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
    {
        let stream = outgoing
            .write()
            .map_err(|()| "request body stream unavailable")?;
        for chunk in body.unwrap_or_default().chunks(4096) {
            if let Err(e) = stream.blocking_write_and_flush(chunk) {
                sent = Err(format!("failed to send the body: {e:?}"));
                break;
            }
        }
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
