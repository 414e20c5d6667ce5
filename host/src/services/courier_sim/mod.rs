//! A stand-in courier company with an HTTP API, for demos and tests of
//! courier plugins that call out (`plugins/courier-flash`). It is not
//! part of a district: `plaza courier-sim` runs it on its own, tests
//! start it on a loopback port.
//!
//! It behaves like a small courier: it prices a delivery from its
//! distance (an `express` offer with its own rider and a cheaper
//! `economy` one that takes twice as long), books offers until they
//! expire, and moves each booked delivery through
//! `assigning -> picked-up -> in-transit -> delivered` on the clock,
//! over the durations it was started with. It can be told that traffic is
//! bad ([`Conditions::delay_ms`]): deliveries booked from then on take
//! that much longer than their quoted ETA, which is how a late delivery
//! (an SLA breach) is produced on purpose.
//!
//! - `deliveries`: offers, bookings and the state machine.
//! - `api`: the HTTP routes over them.

mod api;
mod deliveries;

pub use deliveries::{Conditions, SimSettings};

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running simulated courier.
pub struct CourierSim {
    /// Where its API listens.
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl CourierSim {
    /// Binds `addr` (port 0: any free port) and serves the API.
    pub async fn start(addr: SocketAddr, settings: SimSettings) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(deliveries::Book::new(settings)));
        let router = api::router(state);
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::warn!(error = %e, "courier simulator stopped");
            }
        });
        tracing::info!(%addr, "courier simulator listening");
        Ok(Self { addr, task })
    }

    /// `http://addr`, the base URL a courier plugin is configured with.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs until the task ends (never, unless the listener fails).
    pub async fn wait(&mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for CourierSim {
    fn drop(&mut self) {
        self.task.abort();
    }
}
