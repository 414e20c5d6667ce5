//! Commerce routes: shoppers under `/api/v1/districts/{district}/commerce`
//! (`catalogue`, `orders`, `trust`), merchants under `/api/v1/merchant`
//! with a bearer token (`merchant`). Shared here: who is calling, JSON
//! bodies, and idempotent POSTs.
//!
//! Shoppers are identified by the `X-Shopper-Id` header as given; real
//! shopper authentication is out of scope.

pub(crate) mod catalogue;
pub(crate) mod merchant;
pub(crate) mod orders;
pub(crate) mod trust;

use crate::domain::commerce::MerchantIdentity;
use crate::http::{ApiError, AppState};
use crate::storage::IdempotencyClaim;
use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// Header naming the shopper.
pub(crate) const SHOPPER_HEADER: &str = "x-shopper-id";
/// Header carrying a POST's idempotency key.
pub(crate) const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// The shopper named by `X-Shopper-Id`.
pub(crate) fn shopper(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get(SHOPPER_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::bad_request("missing_shopper", "the X-Shopper-Id header is required")
        })
}

/// The merchant whose bearer token came with the request.
pub(crate) async fn merchant(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<MerchantIdentity, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if token.is_empty() {
        return Err(crate::domain::commerce::CommerceError::Unauthorized.into());
    }
    Ok(state.commerce.authenticate(token).await?)
}

/// Parses a JSON body, naming what is wrong with it.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        ApiError::bad_request("invalid_body", format!("{at}: {}", e.into_inner()))
    })
}

/// Runs a POST at most once per `Idempotency-Key`: a retry with the same
/// key and body gets the first response again; the same key with another
/// body is refused. Without the header the request simply runs.
// FIXME: this and the parking middleware in `http/idempotency.rs` share one
// store but are two entry points. Commerce scopes keys per shopper (the
// `X-Shopper-Id` header), which the middleware's per-district scope does
// not; folding this into the middleware needs the middleware to take the
// shopper into its scope first.
pub(crate) async fn idempotent<T, F>(
    state: &AppState,
    headers: &HeaderMap,
    scope: String,
    body: &[u8],
    run: F,
) -> Result<Response, ApiError>
where
    T: Serialize,
    F: Future<Output = Result<(StatusCode, T), ApiError>>,
{
    let key = match headers.get(IDEMPOTENCY_HEADER) {
        None => {
            let (status, value) = run.await?;
            return Ok((status, Json(value)).into_response());
        }
        Some(key) => key.to_str().ok().filter(|k| (1..=200).contains(&k.len())),
    };
    let key = key.ok_or_else(|| {
        ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1-200 bytes",
        )
    })?;
    let store = state.storage.idempotency();
    let fingerprint = hex::encode(Sha256::digest(body));
    let now = chrono::Utc::now().timestamp_millis();
    match store.claim(&scope, key, &fingerprint, now).await? {
        IdempotencyClaim::New => {}
        IdempotencyClaim::Replay { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let headers = [(header::CONTENT_TYPE, "application/json")];
            return Ok((status, headers, body).into_response());
        }
        IdempotencyClaim::Mismatch => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "this Idempotency-Key was used for a different request",
            ));
        }
        IdempotencyClaim::InProgress => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "a request with this Idempotency-Key is still running",
            ));
        }
    }
    match run.await {
        Ok((status, value)) => {
            let text = serde_json::to_string(&value).unwrap_or_else(|_| "null".into());
            store.complete(&scope, key, status.as_u16(), &text).await?;
            let headers = [(header::CONTENT_TYPE, "application/json")];
            Ok((status, headers, text).into_response())
        }
        Err(e) => {
            store.release(&scope, key).await?;
            Err(e)
        }
    }
}

/// Every commerce route, merged into the main router.
pub(crate) fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch, post};
    let d = "/api/v1/districts/{district}/commerce";
    axum::Router::new()
        .route(&format!("{d}/merchants"), get(catalogue::merchants))
        .route(
            &format!("{d}/merchants/{{merchant}}"),
            get(catalogue::merchant),
        )
        .route(
            &format!("{d}/merchants/{{merchant}}/reviews"),
            get(trust::reviews).post(trust::review),
        )
        .route(&format!("{d}/items"), get(catalogue::items))
        .route(&format!("{d}/cart/price"), post(catalogue::price_cart))
        .route(
            &format!("{d}/orders"),
            get(orders::list).post(orders::place),
        )
        .route(&format!("{d}/orders/{{order}}"), get(orders::get))
        .route(&format!("{d}/orders/{{order}}/pay"), post(orders::pay))
        .route(
            &format!("{d}/orders/{{order}}/cancel"),
            post(orders::cancel),
        )
        .route(&format!("{d}/orders/{{order}}/claims"), post(trust::claim))
        .route(&format!("{d}/claims"), get(trust::claims))
        .route(&format!("{d}/fund"), get(trust::fund))
        .route(
            "/api/v1/merchant/items",
            get(merchant::items).post(merchant::add_item),
        )
        .route(
            "/api/v1/merchant/items/{item}",
            patch(merchant::change_item),
        )
        .route("/api/v1/merchant/orders", get(merchant::orders))
        .route("/api/v1/merchant/orders/{order}", get(merchant::order))
        .route(
            "/api/v1/merchant/orders/{order}/ready",
            post(merchant::ready),
        )
        .route(
            "/api/v1/merchant/orders/{order}/collect",
            post(merchant::collect),
        )
        .route(
            "/api/v1/merchant/orders/{order}/delivered",
            post(merchant::delivered),
        )
        .route("/api/v1/merchant/claims", get(merchant::claims))
}

/// The OpenAPI part of the commerce routes, merged into the main document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        catalogue::merchants, catalogue::merchant, catalogue::items, catalogue::price_cart,
        orders::place, orders::list, orders::get, orders::pay, orders::cancel,
        trust::reviews, trust::review, trust::claim, trust::claims, trust::fund,
        merchant::items, merchant::add_item, merchant::change_item, merchant::orders,
        merchant::order, merchant::ready, merchant::collect, merchant::delivered,
        merchant::claims
    ),
    components(schemas(
        crate::storage::commerce::MerchantRecord,
        crate::storage::commerce::ItemRecord,
        crate::storage::commerce::OrderRecord,
        crate::storage::commerce::OrderLineRecord,
        crate::storage::commerce::DiscountRecord,
        crate::storage::commerce::ReviewRecord,
        crate::storage::commerce::ClaimRecord,
        crate::storage::commerce::LedgerRecord,
        crate::domain::commerce::CartItem,
        crate::domain::commerce::CartRequest,
        crate::domain::commerce::PricedCart,
        crate::domain::commerce::PricedLine,
        crate::domain::commerce::PromotionOutcome,
        crate::domain::commerce::OrderRequest,
        crate::domain::commerce::Fulfilment,
        crate::domain::commerce::ShopperOrder,
        crate::domain::commerce::ReviewRequest,
        crate::domain::commerce::ClaimRequest,
        crate::domain::commerce::FundView,
        crate::domain::commerce::Recovery,
        crate::domain::commerce::NewItemRequest,
        crate::domain::commerce::ItemChange,
        orders::PayRequest,
        merchant::CollectRequest,
    )),
    modifiers(&MerchantTokenScheme)
)]
pub(crate) struct CommerceApi;

/// Declares the merchant bearer token as a security scheme.
struct MerchantTokenScheme;

impl utoipa::Modify for MerchantTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        components.add_security_scheme("merchant_token", SecurityScheme::Http(scheme));
    }
}
