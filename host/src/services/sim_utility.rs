//! A simulated utility provider: accounts with water, electricity and gas
//! bills, an HTTP API to find and pay them, and a record of every
//! payment. A bill is paid at most once: a second payment is refused with
//! 409, so paying twice shows. `plaza utility-sim` runs it on its own;
//! tests start it on `127.0.0.1:0`.
//!
//! | call | answer |
//! | --- | --- |
//! | `GET /v1/{service}/accounts/{account}/bill` | the account's open bill, or 404 |
//! | `GET /v1/bills/{id}` | a bill, paid or not, or 404 |
//! | `POST /v1/bills/{id}/payments` `{"reference","amount"}` | 201 receipt; 409 paid; 422 wrong amount |
//! | `GET /v1/payments` | every payment recorded |

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A bill as the provider's API writes it.
#[derive(Debug, Clone, Serialize)]
pub struct SimBill {
    /// Unique id, e.g. `wtr-2026-11-jfb-10086`.
    pub id: String,
    /// `water`, `electricity` or `gas`.
    pub service: String,
    /// The customer account.
    pub account: String,
    /// Amount due in fen.
    pub amount_due: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Billing period, `YYYY-MM`.
    pub period: String,
    /// Due date, `YYYY-MM-DD`.
    pub due_date: String,
    /// Whether it has been paid.
    pub paid: bool,
}

/// A payment the provider recorded, as its receipt.
#[derive(Debug, Clone, Serialize)]
pub struct SimReceipt {
    /// Receipt number.
    pub receipt_id: String,
    /// The bill paid.
    pub bill_id: String,
    /// Amount recorded, in fen.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The payer's payment reference.
    pub payment_reference: String,
    /// When it was recorded, RFC 3339.
    pub paid_at: String,
}

#[derive(Default)]
struct Ledger {
    bills: BTreeMap<String, SimBill>,
    payments: Vec<SimReceipt>,
}

/// The provider's state, shared by its handlers.
#[derive(Clone, Default)]
pub struct SimUtility {
    ledger: Arc<Mutex<Ledger>>,
}

impl SimUtility {
    /// A provider holding the demo accounts of both default districts.
    pub fn with_demo_accounts() -> Self {
        let sim = Self::default();
        let demo = [
            ("water", "JFB-100861", 4_860, "2026-11", "2026-12-15"),
            ("electricity", "JFB-100861", 21_735, "2026-11", "2026-12-20"),
            ("gas", "JFB-100861", 9_650, "2026-11", "2026-12-18"),
            ("water", "GYQ-200417", 3_920, "2026-11", "2026-12-15"),
            ("electricity", "GYQ-200417", 15_480, "2026-11", "2026-12-20"),
            ("gas", "GYQ-200417", 7_210, "2026-11", "2026-12-18"),
        ];
        for (service, account, amount, period, due) in demo {
            sim.add_bill(service, account, amount, period, due);
        }
        sim
    }

    /// Adds an unpaid bill and returns its id.
    pub fn add_bill(
        &self,
        service: &str,
        account: &str,
        amount_due: i64,
        period: &str,
        due_date: &str,
    ) -> String {
        let prefix = match service {
            "water" => "wtr",
            "electricity" => "elc",
            _ => "gas",
        };
        let id = format!("{prefix}-{period}-{}", account.to_ascii_lowercase());
        let bill = SimBill {
            id: id.clone(),
            service: service.to_owned(),
            account: account.to_owned(),
            amount_due,
            currency: "CNY".into(),
            period: period.to_owned(),
            due_date: due_date.to_owned(),
            paid: false,
        };
        self.ledger().bills.insert(id.clone(), bill);
        id
    }

    /// Every payment recorded so far.
    pub fn payments(&self) -> Vec<SimReceipt> {
        self.ledger().payments.clone()
    }

    fn ledger(&self) -> std::sync::MutexGuard<'_, Ledger> {
        // A handler never panics while holding the lock; recover anyway.
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The provider's HTTP API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/{service}/accounts/{account}/bill", get(open_bill))
            .route("/v1/bills/{id}", get(bill))
            .route("/v1/bills/{id}/payments", post(pay))
            .route("/v1/payments", get(payments))
            .with_state(self.clone())
    }

    /// Serves the API on `listen` (port 0: a free one).
    pub async fn serve(&self, listen: SocketAddr) -> std::io::Result<RunningSim> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let router = self.router();
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "simulated utility provider stopped");
            }
        });
        tracing::info!(%addr, "simulated utility provider serving");
        Ok(RunningSim { addr, task })
    }
}

/// A provider that is listening; it stops when dropped.
pub struct RunningSim {
    /// Where it listens.
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl RunningSim {
    /// `http://addr`, the `base_url` a plugin is configured with.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn refuse(status: StatusCode, why: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": why.into() }))).into_response()
}

async fn open_bill(
    State(sim): State<SimUtility>,
    Path((service, account)): Path<(String, String)>,
) -> Response {
    let ledger = sim.ledger();
    let open = ledger
        .bills
        .values()
        .filter(|b| b.service == service && b.account == account && !b.paid)
        .max_by(|a, b| a.period.cmp(&b.period));
    match open {
        Some(bill) => Json(bill.clone()).into_response(),
        None => refuse(
            StatusCode::NOT_FOUND,
            format!("account {account:?} has no open {service} bill"),
        ),
    }
}

async fn bill(State(sim): State<SimUtility>, Path(id): Path<String>) -> Response {
    match sim.ledger().bills.get(&id) {
        Some(bill) => Json(bill.clone()).into_response(),
        None => refuse(StatusCode::NOT_FOUND, format!("no bill {id:?}")),
    }
}

/// A payment to record.
#[derive(Deserialize)]
struct PaymentBody {
    reference: String,
    amount: i64,
}

async fn pay(
    State(sim): State<SimUtility>,
    Path(id): Path<String>,
    body: Result<Json<PaymentBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "body must be {\"reference\", \"amount\"}",
        );
    };
    let mut ledger = sim.ledger();
    let receipt_no = ledger.payments.len() + 1;
    let Some(bill) = ledger.bills.get_mut(&id) else {
        return refuse(StatusCode::NOT_FOUND, format!("no bill {id:?}"));
    };
    if bill.paid {
        return refuse(StatusCode::CONFLICT, format!("bill {id:?} is already paid"));
    }
    if body.amount != bill.amount_due || body.reference.is_empty() {
        let why = format!(
            "bill {id:?} is due {} with a payment reference; got {} ({:?})",
            bill.amount_due, body.amount, body.reference
        );
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, why);
    }
    bill.paid = true;
    let receipt = SimReceipt {
        receipt_id: format!("rcpt-{receipt_no:06}"),
        bill_id: id.clone(),
        amount: body.amount,
        currency: bill.currency.clone(),
        payment_reference: body.reference,
        paid_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    ledger.payments.push(receipt.clone());
    tracing::info!(bill = %id, receipt = %receipt.receipt_id, "simulated utility bill paid");
    (StatusCode::CREATED, Json(receipt)).into_response()
}

async fn payments(State(sim): State<SimUtility>) -> Json<Vec<SimReceipt>> {
    Json(sim.payments())
}
