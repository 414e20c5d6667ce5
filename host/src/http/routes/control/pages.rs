//! The control centre's pages and their assets. A page without a live
//! session (or bearer token) sends the browser to the sign-in page; a
//! district operator opening another district's page gets a 403 page.

use super::{bearer, session_cookie};
use crate::admin::Principal;
use crate::control::{ControlError, SESSION_COOKIE, pages};
use crate::http::{ApiError, AppState};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The signed-in operator, or the way to the sign-in page.
async fn operator(state: &AppState, headers: &HeaderMap) -> Result<Principal, Response> {
    match state
        .control
        .authenticate(bearer(headers), session_cookie(headers))
        .await
    {
        Ok(principal) => Ok(principal),
        Err(ControlError::Unauthorized(_)) => Err(Redirect::to("/control/sign-in").into_response()),
        Err(e) => Err(ApiError::from(e).into_response()),
    }
}

fn page(status: StatusCode, html: String) -> Response {
    (status, [(CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// `/control` → `/control/`.
pub(super) async fn to_overview() -> Redirect {
    Redirect::permanent("/control/")
}

/// The city overview.
pub(super) async fn city(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match operator(&state, &headers).await {
        Ok(who) => page(StatusCode::OK, pages::city_page(&who)),
        Err(response) => response,
    }
}

/// One district's page.
pub(super) async fn district(
    State(state): State<AppState>,
    Path(district): Path<String>,
    headers: HeaderMap,
) -> Response {
    let who = match operator(&state, &headers).await {
        Ok(who) => who,
        Err(response) => return response,
    };
    match state.control.district(&who, &district) {
        Ok(d) => page(StatusCode::OK, pages::district_page(&who, &d.id, &d.name)),
        Err(ControlError::Forbidden(message)) => {
            page(StatusCode::FORBIDDEN, pages::forbidden_page(&who, &message))
        }
        Err(e) => page(StatusCode::NOT_FOUND, pages::not_found_page(&e.to_string())),
    }
}

/// The sign-in form.
pub(super) async fn sign_in_form() -> Response {
    page(StatusCode::OK, pages::sign_in_page(None))
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub(super) struct SignIn {
    token: String,
}

/// Checks the pasted token, opens a session and sets its cookie.
pub(super) async fn sign_in(State(state): State<AppState>, Form(form): Form<SignIn>) -> Response {
    match state.control.sign_in(&form.token).await {
        Ok(session) => {
            let cookie = format!(
                "{SESSION_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
                session.secret, session.max_age_secs
            );
            let mut response = Redirect::to("/control/").into_response();
            if let Ok(value) = cookie.parse() {
                response.headers_mut().insert(SET_COOKIE, value);
            }
            response
        }
        Err(ControlError::Unauthorized(message)) => page(
            StatusCode::UNAUTHORIZED,
            pages::sign_in_page(Some(&format!("Not signed in: {message}."))),
        ),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Ends the session and forgets its cookie.
pub(super) async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(secret) = session_cookie(&headers)
        && let Err(e) = state.control.sign_out(secret).await
    {
        return ApiError::from(e).into_response();
    }
    let mut response = Redirect::to("/control/sign-in").into_response();
    let expired = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    if let Ok(value) = expired.parse() {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

/// A stylesheet or script compiled into the binary.
pub(super) async fn asset(Path(file): Path<String>) -> Response {
    match pages::asset(&file) {
        Some(asset) => (
            [
                (CONTENT_TYPE, asset.content_type),
                (CACHE_CONTROL, "no-cache"),
            ],
            asset.body,
        )
            .into_response(),
        None => ApiError::not_found("not_found", format!("no control-centre asset {file:?}"))
            .into_response(),
    }
}
