//! The MQTT connection alerts go out on: one client of the broker device
//! ingest uses (embedded or external), publishing QoS 1 retained messages
//! on `plaza/{district}/alerts`, so a subscriber that connects later still
//! gets the alert in force. An empty retained payload clears it.

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::time::Duration;
use tokio::task::JoinHandle;

/// Wait after a failed poll before the event loop reconnects.
const RECONNECT_WAIT: Duration = Duration::from_millis(500);

/// The MQTT topic of a district's alerts.
pub fn alert_topic(district: &str) -> String {
    format!("plaza/{district}/alerts")
}

/// A connected (or reconnecting) publishing client.
pub(super) struct AlertMqtt {
    client: AsyncClient,
}

impl AlertMqtt {
    /// Connects to `host:port` as `{client_id}-alerts`; the returned task
    /// drives the connection and reconnects when the broker goes away.
    pub(super) fn connect(host: &str, port: u16, client_id: &str) -> (Self, JoinHandle<()>) {
        let mut options = MqttOptions::new(format!("{client_id}-alerts"), host, port);
        options
            .set_keep_alive(Duration::from_secs(15))
            .set_clean_session(true);
        let (client, mut eventloop) = AsyncClient::new(options, 256);
        let task = tokio::spawn(async move {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        tracing::debug!("alert publisher connected to the MQTT broker");
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "alert publisher lost the MQTT broker");
                        tokio::time::sleep(RECONNECT_WAIT).await;
                    }
                }
            }
        });
        (Self { client }, task)
    }

    /// Sets the retained alert of `district` to `payload` (empty: none).
    pub(super) async fn retain(&self, district: &str, payload: Vec<u8>) {
        let topic = alert_topic(district);
        let cleared = payload.is_empty();
        match self
            .client
            .publish(&topic, QoS::AtLeastOnce, true, payload)
            .await
        {
            Ok(()) => tracing::debug!(district, cleared, "alert published on MQTT"),
            Err(e) => tracing::warn!(district, error = %e, "failed to queue an MQTT alert"),
        }
    }
}
