//! The `http-endpoint` world: a plugin that answers HTTP requests under
//! `/d/{district}/{plugin}/...`.
//!
//! Implement [`Handler`] and export it with [`http_endpoint!`](crate::http_endpoint).
//! The SDK reads the whole request body, calls the handler and writes the
//! response, so a handler works with plain values instead of `wasi:http`
//! resources and streams.
//!
//! ```ignore
//! struct Hello;
//! impl plaza_sdk::endpoint::Handler for Hello {
//!     fn handle(req: Request) -> Response {
//!         Response::text(200, format!("hello from {}", req.path))
//!     }
//! }
//! plaza_sdk::http_endpoint!(Hello);
//! ```

use crate::bindings::endpoint::wasi::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use serde::Serialize;

/// An HTTP request as the plugin sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method, upper case: `GET`, `POST` ...
    pub method: String,
    /// The path below the plugin's mount point, starting with `/`.
    pub path: String,
    /// The query string without `?`, if any.
    pub query: Option<String>,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of a header, if it is valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    /// The first value of a query parameter (not percent-decoded).
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then_some(v)
        })
    }
}

/// An HTTP response to send back.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with `body` as `text/plain`.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::with_type(
            status,
            "text/plain; charset=utf-8",
            body.into().into_bytes(),
        )
    }

    /// A response with `value` serialised as JSON.
    pub fn json(status: u16, value: &impl Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Self::with_type(status, "application/json", body),
            Err(e) => Self::text(500, format!("failed to encode JSON: {e}")),
        }
    }

    /// A JSON error body `{"code": ..., "message": ...}`.
    pub fn error(status: u16, code: &str, message: impl Into<String>) -> Self {
        let body = serde_json::json!({ "code": code, "message": message.into() });
        Self::json(status, &body)
    }

    /// A response with the given content type and body.
    pub fn with_type(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        let headers = vec![("content-type".to_owned(), content_type.as_bytes().to_vec())];
        Self {
            status,
            headers,
            body,
        }
    }
}

/// What an HTTP endpoint plugin implements.
pub trait Handler {
    /// Answers one request. Each request runs in a fresh instance.
    fn handle(request: Request) -> Response;
}

/// Glue between the `wasi:http` export and a [`Handler`]; used by
/// [`http_endpoint!`](crate::http_endpoint).
#[doc(hidden)]
pub fn dispatch<H: Handler>(incoming: IncomingRequest, out: ResponseOutparam) {
    let response = match read_request(incoming) {
        Ok(request) => H::handle(request),
        Err(why) => Response::error(400, "bad_request", why),
    };
    write_response(response, out);
}

fn read_request(incoming: IncomingRequest) -> Result<Request, String> {
    let method = match incoming.method() {
        Method::Get => "GET".to_owned(),
        Method::Head => "HEAD".to_owned(),
        Method::Post => "POST".to_owned(),
        Method::Put => "PUT".to_owned(),
        Method::Delete => "DELETE".to_owned(),
        Method::Connect => "CONNECT".to_owned(),
        Method::Options => "OPTIONS".to_owned(),
        Method::Trace => "TRACE".to_owned(),
        Method::Patch => "PATCH".to_owned(),
        Method::Other(other) => other,
    };
    let path_with_query = incoming.path_with_query().unwrap_or_else(|| "/".to_owned());
    let (path, query) = match path_with_query.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (path_with_query, None),
    };
    let headers = incoming.headers().entries();

    let body_resource = incoming
        .consume()
        .map_err(|()| "request body unavailable")?;
    let stream = body_resource
        .stream()
        .map_err(|()| "request body stream unavailable")?;
    let mut body = Vec::new();
    // The stream ends with an error once the body is closed.
    while let Ok(chunk) = stream.blocking_read(64 * 1024) {
        body.extend_from_slice(&chunk);
    }
    drop(stream);

    Ok(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn write_response(response: Response, out: ResponseOutparam) {
    let headers = Fields::new();
    for (name, value) in &response.headers {
        // A header the host forbids is dropped rather than failing the reply.
        let _ = headers.append(name, value);
    }
    let outgoing = OutgoingResponse::new(headers);
    let _ = outgoing.set_status_code(response.status);
    let Ok(body) = outgoing.body() else {
        return;
    };
    ResponseOutparam::set(out, Ok(outgoing));

    let Ok(stream) = body.write() else {
        return;
    };
    // `blocking-write-and-flush` takes at most 4096 bytes a call.
    for chunk in response.body.chunks(4096) {
        if stream.blocking_write_and_flush(chunk).is_err() {
            return;
        }
    }
    drop(stream);
    let _ = OutgoingBody::finish(body, None);
}

/// Exports a [`Handler`] as this component's `wasi:http` incoming handler.
#[macro_export]
macro_rules! http_endpoint {
    ($handler:ty) => {
        const _: () = {
            struct PlazaHttpEndpoint;

            impl $crate::bindings::endpoint::exports::wasi::http::incoming_handler::Guest
                for PlazaHttpEndpoint
            {
                fn handle(
                    request: $crate::bindings::endpoint::wasi::http::types::IncomingRequest,
                    out: $crate::bindings::endpoint::wasi::http::types::ResponseOutparam,
                ) {
                    $crate::endpoint::dispatch::<$handler>(request, out)
                }
            }

            $crate::bindings::endpoint::export_http_endpoint!(
                PlazaHttpEndpoint with_types_in $crate::bindings::endpoint
            );
        };
    };
}
