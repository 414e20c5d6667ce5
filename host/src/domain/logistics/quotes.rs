//! Quotes: every courier of the district is asked at once; a courier
//! that fails or refuses contributes nothing but a line in `failures`.
//! Offers meeting the deadline come first, in the district rule's order.

use super::views::{
    OfferView, ParcelSizeBody, PlaceBody, QuoteFailure, QuoteRequestBody, QuoteView,
};
use super::{LogisticsError, LogisticsService, geo, now_ms};
use crate::config::PickRule;
use crate::runtime::{self, Parcel, ParcelSize, Place, QuoteRequest};
use crate::storage::commerce::random_id;
use crate::storage::logistics::QuoteRow;
use std::cmp::Ordering;

/// Orders offers: those meeting the deadline first, by `rule`; then the
/// rest by ETA.
pub(super) fn rank(offers: &mut [OfferView], rule: PickRule) {
    offers.sort_by(|a, b| {
        let by_rule = match rule {
            PickRule::Cheapest => (a.fee, a.eta).cmp(&(b.fee, b.eta)),
            PickRule::Fastest => (a.eta, a.fee).cmp(&(b.eta, b.fee)),
        };
        match (a.meets_deadline, b.meets_deadline) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (true, true) => by_rule,
            (false, false) => (a.eta, a.fee).cmp(&(b.eta, b.fee)),
        }
        .then_with(|| a.courier.cmp(&b.courier))
    });
}

fn check_place(what: &str, p: &PlaceBody) -> Result<(), LogisticsError> {
    if p.address.trim().is_empty() || p.address.len() > 500 {
        let why = format!("{what}.address must be 1-500 bytes");
        return Err(LogisticsError::InvalidRequest(why));
    }
    if !(-90.0..=90.0).contains(&p.lat) || !(-180.0..=180.0).contains(&p.lon) {
        let why = format!("{what} ({}, {}) is not a WGS 84 position", p.lat, p.lon);
        return Err(LogisticsError::InvalidRequest(why));
    }
    Ok(())
}

fn place(p: &PlaceBody) -> Place {
    Place {
        address: p.address.clone(),
        lat: p.lat,
        lon: p.lon,
    }
}

impl LogisticsService {
    /// Asks every courier of `district` for offers on `request`, ranks
    /// them and keeps the quote for dispatch.
    pub async fn quote(
        &self,
        district: &str,
        request: &QuoteRequestBody,
    ) -> Result<QuoteView, LogisticsError> {
        let setup = self.district(district)?;
        check_place("pickup", &request.pickup)?;
        check_place("dropoff", &request.dropoff)?;
        let parcel = &request.parcel;
        if !(1..=1_000_000).contains(&parcel.weight_grams) {
            let why = "parcel.weight_grams must be 1-1000000".into();
            return Err(LogisticsError::InvalidRequest(why));
        }
        let (lat, lon) = (request.dropoff.lat, request.dropoff.lon);
        let zone = geo::zone_of(&setup.data, lat, lon).ok_or_else(|| {
            LogisticsError::OutsideArea(format!(
                "the drop-off ({lat}, {lon}) lies outside every delivery zone of {district:?}"
            ))
        })?;
        let sla_id = request.sla.clone().unwrap_or_else(|| zone.sla[0].clone());
        if !zone.sla.contains(&sla_id) {
            return Err(LogisticsError::SlaNotOffered(format!(
                "SLA class {sla_id:?} is not offered into zone {:?}; it offers {:?}",
                zone.id, zone.sla
            )));
        }
        let sla = setup.data.sla(&sla_id).expect("zones name defined classes");
        let now = now_ms();
        let deadline = now + (sla.minutes * 60_000.0) as i64;
        let distance = geo::distance_m((request.pickup.lat, request.pickup.lon), (lat, lon));
        let wit_request = QuoteRequest {
            pickup: place(&request.pickup),
            dropoff: place(&request.dropoff),
            parcel: Parcel {
                weight_grams: parcel.weight_grams,
                size: match parcel.size {
                    ParcelSizeBody::Small => ParcelSize::Small,
                    ParcelSizeBody::Medium => ParcelSize::Medium,
                    ParcelSizeBody::Large => ParcelSize::Large,
                },
            },
            deadline,
            distance_meters: distance.round().min(f64::from(u32::MAX)) as u32,
        };

        let (mut offers, failures) = self
            .gather(district, &setup.couriers, &wit_request, deadline, now)
            .await;
        rank(&mut offers, setup.data.pick);
        let view = QuoteView {
            id: random_id("quo_", 8),
            district: district.to_owned(),
            zone: zone.id.clone(),
            sla: sla_id,
            deadline,
            rule: match setup.data.pick {
                PickRule::Cheapest => "cheapest",
                PickRule::Fastest => "fastest",
            }
            .into(),
            pick: offers.first().filter(|o| o.meets_deadline).cloned(),
            offers,
            failures,
            created_at: now,
        };
        let row = QuoteRow {
            id: view.id.clone(),
            district: district.to_owned(),
            zone: view.zone.clone(),
            sla: view.sla.clone(),
            deadline,
            request: serde_json::to_string(request).expect("a request serialises"),
            offers: serde_json::to_string(&view.offers).expect("offers serialise"),
            failures: serde_json::to_string(&view.failures).expect("failures serialise"),
            created_at: now,
        };
        self.store.insert_quote(&row).await?;
        tracing::debug!(district, quote = %view.id, offers = view.offers.len(),
            failures = view.failures.len(), "delivery quoted");
        Ok(view)
    }

    /// Every courier's offers, asked in parallel.
    async fn gather(
        &self,
        district: &str,
        couriers: &[String],
        request: &QuoteRequest,
        deadline: i64,
        now: i64,
    ) -> (Vec<OfferView>, Vec<QuoteFailure>) {
        let mut calls = tokio::task::JoinSet::new();
        let mut failures = Vec::new();
        for courier in couriers {
            let Some(plugin) = self
                .registry
                .district(district)
                .and_then(|d| d.plugin(courier))
            else {
                continue;
            };
            let (runtime, request) = (self.runtime.clone(), request.clone());
            let courier = courier.clone();
            calls.spawn(async move {
                let result = runtime::courier_quote(&runtime, &plugin, &request).await;
                (courier, result)
            });
        }
        let mut offers = Vec::new();
        while let Some(joined) = calls.join_next().await {
            let Ok((courier, result)) = joined else {
                continue;
            };
            let reason = match result {
                Ok(Ok(list)) => {
                    offers.extend(list.into_iter().filter(|o| o.expires_at > now).map(|o| {
                        OfferView {
                            courier: courier.clone(),
                            meets_deadline: o.eta <= deadline,
                            offer_id: o.offer_id,
                            fee: o.fee,
                            currency: o.currency,
                            eta: o.eta,
                            expires_at: o.expires_at,
                        }
                    }));
                    continue;
                }
                Ok(Err(refused)) => runtime::courier_error_text(&refused),
                Err(failed) => failed.to_string(),
            };
            tracing::warn!(district, courier = %courier, reason = %reason,
                "courier made no offer");
            failures.push(QuoteFailure { courier, reason });
        }
        failures.sort_by(|a, b| a.courier.cmp(&b.courier));
        (offers, failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(courier: &str, fee: i64, eta: i64, meets: bool) -> OfferView {
        OfferView {
            courier: courier.into(),
            offer_id: format!("{courier}-{fee}"),
            fee,
            currency: "CNY".into(),
            eta,
            expires_at: i64::MAX,
            meets_deadline: meets,
        }
    }

    #[test]
    fn the_rule_orders_offers_that_meet_the_deadline_first() {
        let all = vec![
            offer("late-cheap", 100, 900, false),
            offer("fast", 900, 100, true),
            offer("cheap", 300, 500, true),
        ];
        let mut cheapest = all.clone();
        rank(&mut cheapest, PickRule::Cheapest);
        let names: Vec<_> = cheapest.iter().map(|o| o.courier.as_str()).collect();
        assert_eq!(names, ["cheap", "fast", "late-cheap"]);
        let mut fastest = all;
        rank(&mut fastest, PickRule::Fastest);
        let names: Vec<_> = fastest.iter().map(|o| o.courier.as_str()).collect();
        assert_eq!(names, ["fast", "cheap", "late-cheap"]);
    }
}
