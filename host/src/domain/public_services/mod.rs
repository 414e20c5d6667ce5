//! Public services: the facilities and agencies of a district ("near
//! me"), utility bills found and paid through the district's
//! `public-service` and `payment` plugins, and emergency broadcasts that
//! reach shoppers' apps, MQTT subscribers and the control centre.
//!
//! - `facilities`: the search over each district's facilities file.
//! - `bills`: look a bill up, pay it once, keep the receipt.
//! - `broadcasts`: issue, list and withdraw alerts; `expiry` clears them
//!   on time; `alert_mqtt` publishes them as retained MQTT messages.
//! - `error`: the typed failures the HTTP layer maps.

mod alert_mqtt;
mod bills;
mod broadcasts;
mod error;
mod expiry;
mod facilities;

pub use alert_mqtt::alert_topic;
pub use bills::{BillReceipt, BillView};
pub use broadcasts::{
    Broadcast, BroadcastRequest, CLEARED_TOPIC, HOST_PUBLISHER, ISSUED_TOPIC, SEVERITIES,
};
pub use error::PublicServiceError;
pub use facilities::{Facility, FacilityQuery};

use crate::config::{FacilityData, PlazaConfig, PluginKind};
use crate::events::EventBus;
use crate::registry::Registry;
use crate::runtime::{Plugin, Runtime};
use crate::storage::Storage;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Public services of every district; clones share one state.
#[derive(Clone)]
pub struct PublicServices {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Arc<Registry>,
    runtime: Arc<Runtime>,
    storage: Storage,
    events: EventBus,
    /// Each district's facilities, as its data file lists them.
    facilities: BTreeMap<String, Vec<FacilityData>>,
    /// The MQTT connection alerts go out on, once ingest's broker runs.
    mqtt: OnceLock<alert_mqtt::AlertMqtt>,
    /// Wakes the expiry task when a broadcast is issued or withdrawn.
    wake: Notify,
    /// Background tasks, stopped by [`PublicServices::stop`].
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl PublicServices {
    /// Services over `config`'s districts.
    pub fn new(
        config: &PlazaConfig,
        registry: Arc<Registry>,
        runtime: Arc<Runtime>,
        storage: Storage,
        events: EventBus,
    ) -> Self {
        let facilities = config
            .districts
            .iter()
            .map(|d| {
                let listed = d.facilities_data.as_ref().map(|f| f.facilities.clone());
                (d.id.clone(), listed.unwrap_or_default())
            })
            .collect();
        Self {
            inner: Arc::new(Inner {
                registry,
                runtime,
                storage,
                events,
                facilities,
                mqtt: OnceLock::new(),
                wake: Notify::new(),
                tasks: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Starts the task that clears broadcasts when they expire.
    pub fn start_expiry(&self) {
        let task = tokio::spawn(expiry::run(self.clone()));
        self.keep(task);
    }

    /// Publishes alerts on the MQTT broker at `host:port` from now on,
    /// retained on `plaza/{district}/alerts`; the live ones are published
    /// again at once, since a restarted broker may have lost them.
    pub async fn publish_alerts_to(&self, host: &str, port: u16, client_id: &str) {
        let (mqtt, task) = alert_mqtt::AlertMqtt::connect(host, port, client_id);
        self.keep(task);
        if self.inner.mqtt.set(mqtt).is_err() {
            tracing::warn!("alerts already go to an MQTT broker; ignoring a second one");
            return;
        }
        let districts: Vec<String> = self
            .inner
            .registry
            .districts()
            .map(|d| d.id.clone())
            .collect();
        for district in districts {
            if let Err(e) = self.republish(&district).await {
                tracing::warn!(district, error = %e, "failed to republish live alerts");
            }
        }
    }

    /// Stops the background tasks.
    pub async fn stop(&self) {
        let tasks =
            std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|e| e.into_inner()));
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
    }

    fn keep(&self, task: JoinHandle<()>) {
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(task);
    }

    fn known(&self, district: &str) -> Result<(), PublicServiceError> {
        match self.inner.registry.district(district) {
            Some(_) => Ok(()),
            None => Err(PublicServiceError::UnknownDistrict(district.to_owned())),
        }
    }

    fn plugin(&self, district: &str, kind: PluginKind) -> Result<Arc<Plugin>, PublicServiceError> {
        let entry = self
            .inner
            .registry
            .district(district)
            .ok_or_else(|| PublicServiceError::UnknownDistrict(district.to_owned()))?;
        entry.plugin_of_kind(kind).ok_or_else(|| match kind {
            PluginKind::Payment => PublicServiceError::NoPayment(district.to_owned()),
            _ => PublicServiceError::NoProvider(district.to_owned()),
        })
    }
}
