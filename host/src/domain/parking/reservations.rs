//! Reservations: hold a space for a window, priced and checked against
//! the district's policy by its pricing plugin; cancel; check in and out.
//! Paying for a hold is in `payment`.

use super::quote::QuoteRequest;
use super::{ParkingError, ParkingService, SpaceCategory, Vehicle, rfc3339};
use crate::storage::parking::{NewReservation, ReservationRow, ReserveOutcome, Transition};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::hash::BuildHasher;
use utoipa::ToSchema;

/// Slack for a window that starts "now" but reaches the server a little
/// later.
const PAST_SLACK_MS: i64 = 60_000;

/// A reservation to make.
#[derive(Debug, Clone)]
pub struct ReserveRequest {
    /// The car park.
    pub car_park: String,
    /// A given space, or any fitting one when `None`.
    pub space: Option<String>,
    /// Window start.
    pub start: DateTime<FixedOffset>,
    /// Window end.
    pub end: DateTime<FixedOffset>,
    /// What is parked.
    pub vehicle: Vehicle,
    /// Category of space (ignored when `space` is given: the space's own).
    pub category: SpaceCategory,
}

/// A reservation as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reservation {
    /// Its id.
    pub id: String,
    /// District id.
    pub district: String,
    /// The car park.
    pub car_park: String,
    /// The space it holds.
    pub space: String,
    /// Category of the space.
    pub category: String,
    /// What is parked.
    pub vehicle: String,
    /// Window start, RFC 3339.
    pub start: String,
    /// Window end, RFC 3339.
    pub end: String,
    /// `held` (awaiting payment), `confirmed`, `checked_in`, `completed`,
    /// `cancelled`, `expired` (unpaid hold lapsed) or `no_show` (paid,
    /// never checked in within the grace period).
    pub status: String,
    /// When an unpaid hold lapses, RFC 3339.
    pub hold_until: String,
    /// Latest check-in before the space is released, RFC 3339.
    pub grace_until: String,
    /// Price in minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Kept from the refund when a paid reservation goes unused.
    pub no_show_fee: i64,
    /// The payment provider's id, once paid.
    pub payment_id: Option<String>,
    /// Refunded so far, minor units.
    pub refunded: i64,
    /// Check-in time, RFC 3339.
    pub checked_in_at: Option<String>,
    /// Check-out time, RFC 3339.
    pub checked_out_at: Option<String>,
}

impl Reservation {
    pub(super) fn from_row(district: &str, r: ReservationRow, now: i64) -> Self {
        let status = match r.status.as_str() {
            "held" if r.hold_until <= now => "expired".to_owned(),
            "confirmed" if r.grace_until <= now => "no_show".to_owned(),
            other => other.to_owned(),
        };
        Self {
            id: r.id,
            district: district.to_owned(),
            car_park: r.car_park,
            space: r.space,
            category: r.category,
            vehicle: r.vehicle,
            start: rfc3339(r.start_ms),
            end: rfc3339(r.end_ms),
            status,
            hold_until: rfc3339(r.hold_until),
            grace_until: rfc3339(r.grace_until),
            amount: r.amount,
            currency: r.currency,
            no_show_fee: r.no_show_fee,
            payment_id: r.payment_id,
            refunded: r.refunded,
            checked_in_at: r.checked_in_at.map(rfc3339),
            checked_out_at: r.checked_out_at.map(rfc3339),
        }
    }
}

/// A fresh reservation id: time-ordered, with 64 random bits.
fn new_id(now: i64) -> String {
    let random = std::collections::hash_map::RandomState::new().hash_one(now);
    format!("r{now:x}{random:016x}")
}

impl ParkingService {
    /// Holds a space for the window until the hold lapses unpaid. The
    /// pricing plugin prices it and its policy bounds it (longest stay,
    /// reservable categories, hold and grace periods).
    pub async fn reserve(
        &self,
        district: &str,
        request: &ReserveRequest,
    ) -> Result<Reservation, ParkingError> {
        self.check_district(district)?;
        let now = self.clock.now_ms();
        let (start, end) = (
            request.start.timestamp_millis(),
            request.end.timestamp_millis(),
        );
        if end <= start {
            return Err(ParkingError::InvalidStay("end must be after start".into()));
        }
        if start < now - PAST_SLACK_MS {
            return Err(ParkingError::InvalidStay(
                "the window starts in the past".into(),
            ));
        }
        if self
            .store
            .car_park(district, &request.car_park)
            .await?
            .is_none()
        {
            return Err(ParkingError::UnknownCarPark(request.car_park.clone()));
        }
        let category = match &request.space {
            None => request.category,
            Some(id) => {
                let space = self.store.space(district, id).await?;
                let space = space
                    .filter(|s| s.car_park == request.car_park)
                    .ok_or_else(|| ParkingError::UnknownSpace(id.clone()))?;
                SpaceCategory::parse(&space.category).unwrap_or_default()
            }
        };

        let quote_request = QuoteRequest {
            start: request.start,
            end: request.end,
            vehicle: request.vehicle,
            category,
        };
        let (policy, quote) =
            tokio::join!(self.policy(district), self.quote(district, &quote_request));
        let (policy, quote) = (policy?, quote?);
        let minutes = (end - start + 59_999) / 60_000;
        if minutes > i64::from(policy.max_stay_minutes) {
            let why = format!(
                "longer than the {} minutes allowed",
                policy.max_stay_minutes
            );
            return Err(ParkingError::InvalidStay(why));
        }
        if !policy.reservable.contains(&category.to_wit()) {
            let why = format!("{} spaces cannot be reserved here", category.as_str());
            return Err(ParkingError::NotReservable(why));
        }

        let new = NewReservation {
            id: new_id(now),
            car_park: request.car_park.clone(),
            space: request.space.clone(),
            category: category.as_str().to_owned(),
            vehicle: request.vehicle.as_str().to_owned(),
            start_ms: start,
            end_ms: end,
            hold_until: now + i64::from(policy.hold_minutes) * 60_000,
            grace_until: start + i64::from(policy.grace_minutes) * 60_000,
            amount: quote.total,
            currency: quote.currency,
            no_show_fee: policy.no_show_fee,
            now,
        };
        match self.store.reserve(district, &new).await? {
            ReserveOutcome::Reserved(row) => {
                tracing::info!(district, car_park = %row.car_park, reservation = %row.id,
                    space = %row.space, amount = row.amount, "space held");
                Ok(Reservation::from_row(district, *row, now))
            }
            ReserveOutcome::UnknownCarPark => {
                Err(ParkingError::UnknownCarPark(request.car_park.clone()))
            }
            ReserveOutcome::UnknownSpace => Err(ParkingError::UnknownSpace(
                request.space.clone().unwrap_or_default(),
            )),
            ReserveOutcome::NoSpace => Err(ParkingError::NoSpace {
                car_park: request.car_park.clone(),
                category: category.as_str().to_owned(),
            }),
        }
    }

    /// One reservation, with its status as of now.
    pub async fn reservation(&self, district: &str, id: &str) -> Result<Reservation, ParkingError> {
        let row = self.row(district, id).await?;
        Ok(Reservation::from_row(district, row, self.clock.now_ms()))
    }

    pub(super) async fn row(
        &self,
        district: &str,
        id: &str,
    ) -> Result<ReservationRow, ParkingError> {
        self.check_district(district)?;
        self.store
            .reservation(district, id)
            .await?
            .ok_or_else(|| ParkingError::UnknownReservation(id.to_owned()))
    }

    /// Checks a paid reservation in by hand (a sensor does it by itself),
    /// from one grace period before its start to the end of its grace.
    pub async fn check_in(&self, district: &str, id: &str) -> Result<Reservation, ParkingError> {
        let row = self.row(district, id).await?;
        let now = self.clock.now_ms();
        let grace = row.grace_until - row.start_ms;
        if row.status == "confirmed" && (now < row.start_ms - grace || now >= row.grace_until) {
            return Err(self.wrong_state(&row, now, "check-in is outside the window and grace"));
        }
        let change = Transition {
            now,
            checked_in_at: Some(now),
            ..Transition::default()
        };
        self.step(
            district,
            row,
            "confirmed",
            "checked_in",
            change,
            "only a paid reservation can check in",
        )
        .await
    }

    /// Checks a checked-in reservation out by hand.
    pub async fn check_out(&self, district: &str, id: &str) -> Result<Reservation, ParkingError> {
        let row = self.row(district, id).await?;
        let now = self.clock.now_ms();
        let change = Transition {
            now,
            checked_out_at: Some(now),
            ..Transition::default()
        };
        self.step(
            district,
            row,
            "checked_in",
            "completed",
            change,
            "only a checked-in reservation can check out",
        )
        .await
    }

    /// Moves `row` from `from` to `to`, or explains why it cannot.
    pub(super) async fn step(
        &self,
        district: &str,
        row: ReservationRow,
        from: &str,
        to: &str,
        change: Transition,
        why: &'static str,
    ) -> Result<Reservation, ParkingError> {
        let now = change.now;
        if !self
            .store
            .transition(district, &row.id, from, to, &change)
            .await?
        {
            let current = self.row(district, &row.id).await?;
            return Err(self.wrong_state(&current, now, why));
        }
        tracing::info!(district, car_park = %row.car_park, reservation = %row.id,
            from, to, "reservation moved");
        self.reservation(district, &row.id).await
    }

    pub(super) fn wrong_state(
        &self,
        row: &ReservationRow,
        now: i64,
        why: &'static str,
    ) -> ParkingError {
        let status = Reservation::from_row("", row.clone(), now).status;
        ParkingError::WrongState {
            id: row.id.clone(),
            status,
            why,
        }
    }
}
