//! A test-only HTTP endpoint that misbehaves on request, so the tests can
//! prove the host contains it. Never ship it to a district.
//!
//! | path | what it does |
//! | --- | --- |
//! | `/loop` | spins forever |
//! | `/alloc` | allocates until memory runs out |
//! | `/trap` | panics, which traps |
//! | `/flood?mb=N` | answers with an N MiB body (default 512) |
//! | `/env` | lists its environment variables |
//! | `/read?path=P` | tries to read a file |
//! | `/kv/{key}` | GET, PUT or DELETE a key in its key-value store |
//! | `/publish/{topic}` | publishes the request body as an event |
//! | `/echo` | describes the request it received |
//! | `/sleep?ms=N` | waits N milliseconds (outside wasm), then answers |
//! | `/fetch?url=U` | fetches `U` over outbound HTTP and answers with it |

use plaza_sdk::endpoint::{Handler, Request, Response};
use plaza_sdk::host::{events, kv};
use serde_json::json;

struct Hostile;

impl Handler for Hostile {
    fn handle(req: Request) -> Response {
        let path = req.path.clone();
        match (req.method.as_str(), path.as_str()) {
            (_, "/loop") => spin(),
            (_, "/alloc") => hoard(),
            (_, "/trap") => panic!("trapping on purpose"),
            (_, "/flood") => flood(&req),
            (_, "/env") => Response::json(200, &std::env::vars().collect::<Vec<_>>()),
            (_, "/read") => read(&req),
            (_, "/echo") => echo(&req),
            (_, "/sleep") => pause(&req),
            (_, "/fetch") => fetch(&req),
            (method, p) if p.starts_with("/kv/") => key_value(method, &p[4..], &req.body),
            ("POST", p) if p.starts_with("/publish/") => {
                match events::publish(&p[9..], &req.body) {
                    Ok(()) => Response::json(202, &json!({ "published": &p[9..] })),
                    Err(why) => Response::error(400, "publish_refused", why),
                }
            }
            _ => Response::error(404, "not_found", "no such misbehaviour"),
        }
    }
}

fn spin() -> Response {
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

fn hoard() -> Response {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        // Touch every page so the memory is really used.
        kept.push(vec![1u8; 1 << 20]);
        std::hint::black_box(&kept);
    }
}

fn flood(req: &Request) -> Response {
    let mb: usize = req
        .query_param("mb")
        .and_then(|v| v.parse().ok())
        .unwrap_or(512);
    Response::with_type(200, "application/octet-stream", vec![b'x'; mb << 20])
}

fn pause(req: &Request) -> Response {
    let ms: u64 = req
        .query_param("ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    std::thread::sleep(std::time::Duration::from_millis(ms));
    Response::json(200, &json!({ "slept_ms": ms }))
}

fn read(req: &Request) -> Response {
    let path = req.query_param("path").unwrap_or("/etc/passwd");
    match std::fs::read(path) {
        Ok(bytes) => Response::json(200, &json!({ "read": bytes.len() })),
        Err(e) => Response::error(403, "read_failed", e.to_string()),
    }
}

fn fetch(req: &Request) -> Response {
    let url = req.query_param("url").unwrap_or("http://127.0.0.1/");
    match plaza_sdk::outbound::get(url) {
        Ok(reply) => Response::json(
            200,
            &json!({ "status": reply.status, "body": String::from_utf8_lossy(&reply.body) }),
        ),
        Err(e) => Response::error(502, "fetch_failed", e),
    }
}

fn echo(req: &Request) -> Response {
    let headers: Vec<_> = req
        .headers
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8_lossy(v).into_owned()))
        .collect();
    Response::json(
        200,
        &json!({
            "method": req.method,
            "path": req.path,
            "query": req.query,
            "headers": headers,
            "body": String::from_utf8_lossy(&req.body),
        }),
    )
}

fn key_value(method: &str, key: &str, body: &[u8]) -> Response {
    let result = match method {
        "GET" => kv::get(key).map(|value| match value {
            Some(v) => Response::with_type(200, "application/octet-stream", v),
            None => Response::error(404, "no_such_key", key),
        }),
        "PUT" => kv::set(key, body).map(|()| Response::json(200, &json!({ "stored": key }))),
        "DELETE" => {
            kv::delete(key).map(|existed| Response::json(200, &json!({ "deleted": existed })))
        }
        _ => return Response::error(405, "method_not_allowed", method),
    };
    result.unwrap_or_else(|e| Response::error(400, "kv_refused", e.to_string()))
}

plaza_sdk::http_endpoint!(Hostile);
