//! `GET /api/v1/control/stream[?district=]`: server-sent events, one
//! `update` event per snapshot of the caller's districts (or one) and
//! their open alerts.

use super::Caller;
use crate::http::{ApiError, AppState};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use std::convert::Infallible;

/// `?district=`: watch one district.
#[derive(Debug, Deserialize)]
pub(super) struct Watch {
    district: Option<String>,
}

/// The live stream.
pub(super) async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<Watch>, QueryRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Query(query) = query?;
    let updates = state.control.updates(caller.0, query.district)?;
    let events = updates.map(|update| {
        let event = match update {
            Ok(update) => Event::default()
                .event("update")
                .json_data(&update)
                .unwrap_or_else(|e| Event::default().event("error").data(e.to_string())),
            Err(e) => {
                tracing::warn!(error = %e, "control update failed");
                Event::default().event("error").data(e.to_string())
            }
        };
        Ok(event)
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
