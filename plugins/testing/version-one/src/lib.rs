//! A test-only endpoint that answers every request with its version,
//! `{"version": "one"}`, so hot-swap tests can tell which code served.

use plaza_sdk::endpoint::{Handler, Request, Response};

struct Version;

impl Handler for Version {
    fn handle(_request: Request) -> Response {
        Response::json(200, &serde_json::json!({ "version": "one" }))
    }
}

plaza_sdk::http_endpoint!(Version);
