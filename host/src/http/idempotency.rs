//! `Idempotency-Key` on POSTs: the first response to a key is stored, and
//! a retry with the same key and the same request gets that response back
//! without the work being done (or a payment taken) again.
//!
//! Keys are scoped to the district in the path. Reusing a key for a
//! different request is refused (422); a retry while the first request
//! still runs gets 409. Server errors are not stored, so they can be
//! retried.

use super::{ApiError, AppState};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// The request header.
pub const HEADER: &str = "idempotency-key";

/// Set on a response that repeats a stored one.
pub const REPLAYED: &str = "idempotent-replayed";

/// Longest key accepted.
const MAX_KEY: usize = 255;

/// Middleware for POST routes under `/api/v1/districts/{district}/`.
pub(crate) async fn idempotent(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    match run(state, request, next).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn run(state: AppState, request: Request, next: Next) -> Result<Response, ApiError> {
    let Some(key) = request.headers().get(HEADER) else {
        return Ok(next.run(request).await);
    };
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY)
        .ok_or_else(|| {
            let why = format!("{HEADER} must be 1-{MAX_KEY} visible ASCII characters");
            ApiError::bad_request("invalid_idempotency_key", why)
        })?
        .to_owned();
    let path = request.uri().path().to_owned();
    let scope = format!("district:{}", path.split('/').nth(4).unwrap_or_default());
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, state.body_limit)
        .await
        .map_err(|e| {
            let why = format!("failed to read the request body: {e}");
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", why)
        })?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update([0]);
    hasher.update(&path);
    hasher.update([0]);
    hasher.update(&body);
    let fingerprint = hex::encode(hasher.finalize());

    let store = state.storage.idempotency();
    let now = chrono::Utc::now().timestamp_millis();
    match store.claim(&scope, &key, &fingerprint, now).await? {
        crate::storage::Claim::New => {}
        crate::storage::Claim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert(REPLAYED, HeaderValue::from_static("true"));
            return Ok(response);
        }
        crate::storage::Claim::InProgress => {
            let why = "a request with this idempotency key is still running; retry later";
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                why,
            ));
        }
        crate::storage::Claim::Mismatch => {
            let why = "this idempotency key was used for a different request";
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                why,
            ));
        }
    }

    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            store.release(&scope, &key).await?;
            tracing::warn!(error = %e, "failed to buffer a response for its idempotency key");
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "response_failed",
                "failed to produce the response",
            ));
        }
    };
    if parts.status.is_server_error() {
        store.release(&scope, &key).await?;
    } else {
        let text = String::from_utf8_lossy(&bytes);
        store
            .complete(&scope, &key, parts.status.as_u16(), &text)
            .await?;
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}
