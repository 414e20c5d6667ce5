//! A district's registered devices: list, register or replace, remove.
//! Ingest checks uplinks against the change from its next batch on. A
//! device from the district's device file is written again from the file
//! at start-up; one registered here stays until it is removed. Each change
//! is audited.

use super::{Caller, audit};
use crate::admin::AdminError;
use crate::config::{DeviceConfig, DeviceKind, PluginKind, check_device};
use crate::http::{ApiError, AppState};
use crate::ingest::device_record;
use crate::storage::DeviceRecord;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// A device as registered, without its id (the path names it).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeviceBody {
    /// `parking-sensor`, `footfall-counter`, `vehicle-counter` or
    /// `energy-meter`.
    kind: DeviceKind,
    /// Id of the district's decoder plugin for its payloads.
    decoder: String,
    /// Where it is, for people.
    #[serde(default)]
    location: String,
    /// The space, entrance, gate or meter it observes.
    observes: String,
    /// The car park of a parking sensor or vehicle counter.
    #[serde(default)]
    car_park: Option<String>,
    /// Vendor values passed to the decoder.
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

/// A registered device.
#[derive(Debug, Serialize)]
pub(crate) struct DeviceView {
    id: String,
    kind: String,
    decoder: String,
    location: String,
    observes: String,
    car_park: Option<String>,
    variables: BTreeMap<String, String>,
}

impl From<DeviceRecord> for DeviceView {
    fn from(r: DeviceRecord) -> Self {
        Self {
            variables: serde_json::from_str(&r.variables).unwrap_or_default(),
            id: r.id,
            kind: r.kind,
            decoder: r.decoder,
            location: r.location,
            observes: r.observes,
            car_park: r.car_park,
        }
    }
}

/// `GET /admin/v1/districts/{district}/devices`: every registered device
/// of the district, by id.
pub(crate) async fn list(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path(district): Path<String>,
) -> Result<Json<Vec<DeviceView>>, ApiError> {
    who.authorize(&district)?;
    known_district(&state, &district)?;
    let all = state.storage.devices().all().await?;
    let mine = all.into_iter().filter(|d| d.district == district);
    Ok(Json(mine.map(DeviceView::from).collect()))
}

/// `PUT /admin/v1/districts/{district}/devices/{device}`: registers the
/// device, or replaces its registration; 201 when new, 200 when replaced.
pub(crate) async fn put(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path((district, id)): Path<(String, String)>,
    body: Result<Json<DeviceBody>, JsonRejection>,
) -> Result<(StatusCode, Json<DeviceView>), ApiError> {
    who.authorize(&district)?;
    let decoders = known_district(&state, &district)?;
    let Json(body) = body?;
    let device = DeviceConfig {
        id,
        kind: body.kind,
        decoder: body.decoder,
        location: body.location,
        observes: body.observes,
        car_park: body.car_park.filter(|c| !c.is_empty()),
        variables: body.variables,
    };
    let decoders: HashSet<&str> = decoders.iter().map(String::as_str).collect();
    check_device(&district, &decoders, &device)
        .map_err(|(key, why)| AdminError::BadRequest("invalid_device", format!("{key}: {why}")))?;
    let record = device_record(&district, &device);
    let existed = state.devices.current().get(&district, &device.id).is_some();
    state
        .storage
        .devices()
        .seed(std::slice::from_ref(&record))
        .await?;
    state.devices.reload(&state.storage).await?;
    let action = if existed {
        "device.replace"
    } else {
        "device.register"
    };
    let detail = format!(
        "device {} ({}, decoder {})",
        record.id, record.kind, record.decoder
    );
    audit(&state, &who, action, &district, detail).await;
    tracing::info!(district = %district, device = %record.id, action, "device registry changed");
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(DeviceView::from(record))))
}

/// `DELETE /admin/v1/districts/{district}/devices/{device}`: removes the
/// device; its later uplinks are refused as from an unknown device.
pub(crate) async fn remove(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path((district, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    who.authorize(&district)?;
    known_district(&state, &district)?;
    if !state.storage.devices().delete(&district, &id).await? {
        return Err(AdminError::UnknownDevice {
            district,
            device: id,
        }
        .into());
    }
    state.devices.reload(&state.storage).await?;
    audit(
        &state,
        &who,
        "device.remove",
        &district,
        format!("device {id}"),
    )
    .await;
    tracing::info!(district = %district, device = %id, "device removed from the registry");
    Ok(StatusCode::NO_CONTENT)
}

/// The decoder plugin ids of `district`, which must exist.
fn known_district(state: &AppState, district: &str) -> Result<Vec<String>, AdminError> {
    let d = state
        .registry
        .district(district)
        .ok_or_else(|| AdminError::UnknownDistrict(district.to_owned()))?;
    Ok(d.plugins()
        .filter(|p| p.meta.kind == PluginKind::Decoder)
        .map(|p| p.meta.id.to_string())
        .collect())
}
