//! What a live page is pushed: every `[control] push_ms`, and at once
//! when an alert is raised, acknowledged or cleared, a fresh snapshot of
//! the districts it watches and their unresolved alerts. The HTTP layer
//! sends each as a server-sent event. Streams end when the server closes.

use super::alerts::{AlertView, AlertsQuery};
use super::overview::DistrictOverview;
use super::{ControlCentre, ControlError, now_ms};
use crate::admin::Principal;
use futures_util::Stream;
use serde::Serialize;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::{Interval, MissedTickBehavior};

/// One push to a live page.
#[derive(Debug, Clone, Serialize)]
pub struct Update {
    /// When, milliseconds since the Unix epoch.
    pub as_of_ms: i64,
    /// The districts watched.
    pub districts: Vec<DistrictOverview>,
    /// Their unresolved alerts, newest first.
    pub alerts: Vec<AlertView>,
}

struct Feed {
    control: ControlCentre,
    who: Principal,
    district: Option<String>,
    tick: Interval,
    alerts: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
}

impl ControlCentre {
    /// A snapshot of what `who` watches: one district, or all of theirs.
    pub async fn update(
        &self,
        who: &Principal,
        district: Option<&str>,
    ) -> Result<Update, ControlError> {
        let districts = match district {
            Some(d) => vec![self.district_overview(who, d).await?],
            None => self.city_overview(who).await?.districts,
        };
        let query = AlertsQuery {
            district: district.map(str::to_owned),
            include_cleared: false,
            limit: Some(100),
        };
        Ok(Update {
            as_of_ms: now_ms(),
            districts,
            alerts: self.alerts(who, &query).await?,
        })
    }

    /// Updates for a live page, first one at once, until the page goes.
    /// Checks access before the first update, so a refused caller gets
    /// an error rather than a stream.
    pub fn updates(
        &self,
        who: Principal,
        district: Option<String>,
    ) -> Result<impl Stream<Item = Result<Update, ControlError>> + Send + use<>, ControlError> {
        if let Some(d) = &district {
            self.district(&who, d)?;
        }
        let mut tick = tokio::time::interval(Duration::from_millis(self.inner.config.push_ms));
        tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let feed = Feed {
            control: self.clone(),
            who,
            district,
            tick,
            alerts: self.inner.alerts_changed.subscribe(),
            closing: self.inner.closing.subscribe(),
        };
        Ok(futures_util::stream::unfold(feed, |mut feed| async move {
            if *feed.closing.borrow() {
                return None;
            }
            tokio::select! {
                _ = feed.closing.changed() => return None,
                _ = feed.tick.tick() => {}
                changed = feed.alerts.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                }
            }
            let update = feed
                .control
                .update(&feed.who, feed.district.as_deref())
                .await;
            Some((update, feed))
        }))
    }
}
