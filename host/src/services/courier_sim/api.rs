//! The simulated courier's HTTP API:
//!
//! | route | what |
//! | --- | --- |
//! | `POST /v1/quotes` | offers for `{distance_meters, weight_grams, size}` |
//! | `POST /v1/deliveries` | books `{offer_id, reference}` |
//! | `GET /v1/deliveries/{id}` | where it stands |
//! | `POST /v1/deliveries/{id}/cancel` | cancels it |
//! | `GET`, `PUT /v1/conditions` | the delay it faces (`{delay_ms}`) |
//!
//! Errors are `{"error": code, "message": ...}` with 400, 404, 409 or 410.

use super::deliveries::{Book, BookError, Conditions, QuoteBody};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use std::sync::{Arc, Mutex};

type Shared = Arc<Mutex<Book>>;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(super) fn router(book: Shared) -> axum::Router {
    axum::Router::new()
        .route("/v1/quotes", post(quote))
        .route("/v1/deliveries", post(book_delivery))
        .route("/v1/deliveries/{id}", get(track))
        .route("/v1/deliveries/{id}/cancel", post(cancel))
        .route("/v1/conditions", get(conditions).put(set_conditions))
        .with_state(book)
}

impl IntoResponse for BookError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            BookError::Invalid(m) => (StatusCode::BAD_REQUEST, "invalid_request", m),
            BookError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m),
            BookError::Expired(m) => (StatusCode::GONE, "offer_expired", m),
            BookError::NotAllowed(m) => (StatusCode::CONFLICT, "not_allowed", m),
        };
        (status, Json(json!({ "error": code, "message": message }))).into_response()
    }
}

fn lock(book: &Shared) -> std::sync::MutexGuard<'_, Book> {
    book.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn quote(State(book): State<Shared>, Json(body): Json<QuoteBody>) -> Response {
    match lock(&book).quote(&body, now_ms()) {
        Ok(offers) => Json(json!({ "offers": offers })).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
struct BookBody {
    offer_id: String,
    reference: String,
}

async fn book_delivery(State(book): State<Shared>, Json(body): Json<BookBody>) -> Response {
    let now = now_ms();
    let result = lock(&book).book(&body.offer_id, &body.reference, now);
    match result {
        Ok(delivery) => {
            tracing::debug!(delivery = %delivery.id, "courier simulator booked a delivery");
            (StatusCode::CREATED, Json(delivery.tracking(now))).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn track(State(book): State<Shared>, Path(id): Path<String>) -> Response {
    match lock(&book).delivery(&id) {
        Ok(delivery) => Json(delivery.tracking(now_ms())).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn cancel(State(book): State<Shared>, Path(id): Path<String>) -> Response {
    match lock(&book).cancel(&id, now_ms()) {
        Ok(tracking) => Json(tracking).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn conditions(State(book): State<Shared>) -> Json<Conditions> {
    Json(lock(&book).conditions.clone())
}

async fn set_conditions(
    State(book): State<Shared>,
    Json(conditions): Json<Conditions>,
) -> Json<Conditions> {
    tracing::info!(
        delay_ms = conditions.delay_ms,
        "courier simulator conditions changed"
    );
    lock(&book).conditions = conditions.clone();
    Json(conditions)
}
