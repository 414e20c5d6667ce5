//! Following a delivery: a background task tracks it every
//! `poll_interval_ms` until it ends, records each new status in its
//! history, moves its commerce order to `delivered`, and holds it to its
//! SLA. A breach — delivered after the deadline, still under way at the
//! deadline (`late`), or failed (`not-delivered`) — opens one
//! compensation claim, paid through commerce's guarantee fund when the
//! delivery carries an order.

use super::{LogisticsError, LogisticsService, now_ms};
use crate::domain::commerce::ClaimRequest;
use crate::runtime;
use crate::storage::commerce::random_id;
use crate::storage::logistics::{DeliveryRow, LogisticsClaimRow, StatusChange};
use std::time::Duration;

impl LogisticsService {
    /// Follows every booked delivery that has not ended, e.g. after a
    /// restart.
    pub async fn resume(&self) -> Result<usize, LogisticsError> {
        let open = self.store.open_deliveries().await?;
        for row in &open {
            self.spawn_follow(row.district.clone(), row.id.clone());
        }
        if !open.is_empty() {
            tracing::info!(deliveries = open.len(), "following open deliveries");
        }
        Ok(open.len())
    }

    /// Starts the task that follows one delivery.
    pub(super) fn spawn_follow(&self, district: String, id: String) {
        let service = self.clone();
        tokio::spawn(async move { service.follow(&district, &id).await });
    }

    async fn follow(&self, district: &str, id: &str) {
        let Some(poll) = self
            .districts
            .get(district)
            .map(|d| Duration::from_millis(d.data.poll_interval_ms))
        else {
            return;
        };
        loop {
            tokio::time::sleep(poll).await;
            match self.step(district, id).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(district, delivery = %id, error = %e,
                        "failed to follow a delivery; trying again");
                }
            }
        }
    }

    /// Tracks once; false when the delivery has ended and is settled.
    async fn step(&self, district: &str, id: &str) -> Result<bool, LogisticsError> {
        let mut row = self.row(district, id).await?;
        if row.open {
            self.track(&mut row).await?;
        }
        self.hold_to_sla(&row).await?;
        Ok(row.open)
    }

    /// Asks the courier where the delivery stands and records a change.
    async fn track(&self, row: &mut DeliveryRow) -> Result<(), LogisticsError> {
        let (Some(reference), Some(plugin)) = (
            row.courier_ref.as_deref(),
            self.registry
                .district(&row.district)
                .and_then(|d| d.plugin(&row.courier)),
        ) else {
            return Ok(());
        };
        let tracking = match runtime::courier_track(&self.runtime, &plugin, reference).await? {
            Ok(tracking) => tracking,
            Err(refused) => {
                tracing::warn!(district = %row.district, delivery = %row.id,
                    courier = %row.courier, reason = %runtime::courier_error_text(&refused),
                    "courier could not track a delivery");
                return Ok(());
            }
        };
        let status = tracking.status.as_str();
        if status == row.status {
            return Ok(());
        }
        let change = StatusChange {
            status,
            at: tracking.at,
            detail: tracking.detail.as_deref(),
            terminal: tracking.status.is_final(),
        };
        if !self.store.record_status(&row.id, &change).await? {
            // Ended meanwhile (cancelled through the API).
            *row = self.row(&row.district, &row.id).await?;
            return Ok(());
        }
        tracing::info!(district = %row.district, delivery = %row.id, status,
            "delivery status changed");
        row.status = status.to_owned();
        row.status_at = tracking.at;
        row.open = !change.terminal;
        if status == "delivered"
            && let Some(order) = &row.order_id
        {
            // FIXME: a shopper may cancel (and be refunded for) an order
            // already handed to a courier; the delivery then goes on and
            // this move is refused. Commerce cancelling the delivery
            // through logistics would close that gap.
            if let Err(e) = self.commerce.courier_delivered(&row.district, order).await {
                tracing::warn!(district = %row.district, order = %order, error = %e,
                    "failed to mark a courier-delivered order");
            }
        }
        Ok(())
    }

    /// Opens the claim when the delivery has broken its SLA.
    async fn hold_to_sla(&self, row: &DeliveryRow) -> Result<(), LogisticsError> {
        if row.breach.is_some() {
            return Ok(());
        }
        let breach = match row.status.as_str() {
            "delivered" if row.status_at > row.deadline => "late",
            "failed" => "not-delivered",
            "delivered" | "cancelled" => return Ok(()),
            _ if now_ms() > row.deadline => "late",
            _ => return Ok(()),
        };
        if !self.store.mark_breach(&row.id, breach).await? {
            return Ok(());
        }
        tracing::warn!(district = %row.district, delivery = %row.id, courier = %row.courier,
            sla = %row.sla, breach, "delivery broke its SLA");
        self.open_claim(row, breach).await
    }

    async fn open_claim(&self, row: &DeliveryRow, reason: &str) -> Result<(), LogisticsError> {
        let Some(setup) = self.districts.get(&row.district) else {
            return Ok(());
        };
        let amount = setup.data.sla(&row.sla).map_or(0, |s| s.compensation);
        let what = match reason {
            "late" => format!(
                "delivery {} was not delivered within its {} SLA (deadline {})",
                row.id, row.sla, row.deadline
            ),
            _ => format!(
                "delivery {} failed: {}",
                row.id,
                row.detail.as_deref().unwrap_or("")
            ),
        };
        let mut claim = LogisticsClaimRow {
            id: random_id("lcl_", 8),
            district: row.district.clone(),
            delivery_id: row.id.clone(),
            order_id: row.order_id.clone(),
            reason: reason.to_owned(),
            amount,
            currency: setup.data.currency.clone(),
            status: "open".into(),
            commerce_claim_id: None,
            note: format!("{what}; compensation awaits settlement with the sender"),
            created_at: now_ms(),
        };
        if let Some(order_id) = row.order_id.as_deref().filter(|_| amount > 0) {
            // Compensation paid first: the guarantee fund pays the shopper
            // now, under the district's claim policy, and recovers later.
            let order = self.commerce.order_record(&row.district, order_id).await?;
            let request = ClaimRequest {
                reason: reason.to_owned(),
                amount,
                description: what.clone(),
            };
            match self
                .commerce
                .file_claim(&row.district, &order.shopper, order_id, &request)
                .await
            {
                Ok(paid) => {
                    claim.status = "paid".into();
                    claim.amount = paid.paid;
                    claim.commerce_claim_id = Some(paid.id);
                    claim.note = format!("{what}; paid from the guarantee fund");
                }
                Err(refused) => {
                    tracing::warn!(district = %row.district, order = %order_id,
                        error = %refused, "guarantee fund did not pay an SLA claim");
                    claim.note = format!("{what}; the guarantee fund did not pay: {refused}");
                }
            }
        }
        self.store.insert_claim(&claim).await?;
        tracing::info!(district = %row.district, delivery = %row.id, claim = %claim.id,
            status = %claim.status, amount = claim.amount, "SLA claim opened");
        Ok(())
    }
}
