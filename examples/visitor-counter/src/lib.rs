//! Counts visits: each `GET /` adds one to a counter in the plugin's own
//! key-value store and answers with the count and the configured greeting.

use plaza_sdk::endpoint::{Handler, Request, Response};
use plaza_sdk::host::{config, kv};
use serde::Serialize;

#[derive(Serialize)]
struct Visits {
    greeting: String,
    visits: u64,
}

struct VisitorCounter;

impl Handler for VisitorCounter {
    fn handle(request: Request) -> Response {
        if request.method != "GET" || request.path != "/" {
            return Response::error(404, "not_found", "only GET / is served");
        }
        let count = match kv::get("visits") {
            Ok(Some(bytes)) => bytes.try_into().map(u64::from_le_bytes).unwrap_or(0),
            Ok(None) => 0,
            Err(e) => return Response::error(503, "kv_unavailable", e.to_string()),
        };
        // FIXME: two simultaneous visits can read the same count; a real
        // counter needs an atomic increment in the key-value interface.
        let visits = count + 1;
        if let Err(e) = kv::set("visits", &visits.to_le_bytes()) {
            return Response::error(503, "kv_unavailable", e.to_string());
        }
        let greeting = config::get("greeting").unwrap_or_else(|| "Welcome".into());
        Response::json(200, &Visits { greeting, visits })
    }
}

plaza_sdk::http_endpoint!(VisitorCounter);
