//! A commerce district for tests: `alpha` with payment and four promotion
//! plugins (threshold, tea 20%, buy-2-get-1, coupons, an exclusive VIP
//! coupon), `beta` with hostile promotions beside a good one.

use crate::support::{TestServer, plugin};
use serde_json::Value;
use tempfile::TempDir;

/// The data file both districts use: two merchants, a scarce good.
pub const DATA: &str = r#"
[guarantee]
fund_initial_balance = 100000
max_payout_per_claim = 3000
allowed_reasons = ["not-as-described", "late"]

[[merchant]]
id = "hotpot"
name = "Xiaolongkan Hotpot"
category = "hotpot"
floor = "L5"
opening_hours = "11:00-23:30"
location = "Unit 5-02"

[[merchant.item]]
id = "hotpot-set"
name = "Beef tripe hotpot set"
kind = "goods"
price = 16800
stock = 3

[[merchant.item]]
id = "pot-base"
name = "Spicy hotpot base"
kind = "goods"
price = 4800
stock = 100

[[merchant]]
id = "tea"
name = "Mountain Mist Tea House"
category = "tea"
floor = "L1"
opening_hours = "09:30-22:00"
location = "Unit 1-15"

[[merchant.item]]
id = "tuocha"
name = "Chongqing Tuocha tin"
kind = "goods"
price = 8800
stock = 50

[[merchant.item]]
id = "ceremony"
name = "Gongfu tea ceremony"
kind = "service"
price = 19800
"#;

fn promotion(id: &str, file: &str, config: &str, limits: &str) -> String {
    format!(
        "\n[[district.plugin]]\nid = \"{id}\"\nkind = \"promotion\"\npath = \"{}\"\n\
         config = {{ {config} }}\nlimits = {{ {limits} }}\n",
        plugin(file).display()
    )
}

/// The config text, with the data file at `data`.
pub fn config(data: &std::path::Path) -> String {
    let district = |id: &str, promotions: &str| {
        format!(
            "\n[[district]]\nid = \"{id}\"\nname = \"{id}\"\ncommerce = \"{}\"\n\
             [[district.plugin]]\nid = \"payments\"\nkind = \"payment\"\npath = \"{}\"\n{promotions}",
            data.display(),
            plugin("payment_sim.wasm").display()
        )
    };
    let alpha = [
        promotion(
            "threshold",
            "promo_threshold.wasm",
            "every = 30000, off = 5000",
            "",
        ),
        promotion(
            "tea-week",
            "promo_category.wasm",
            "category = \"tea\", percent = 20",
            "",
        ),
        promotion(
            "base-bundle",
            "promo_bundle.wasm",
            "items = [\"pot-base\"], buy = 2, free = 1",
            "",
        ),
        promotion(
            "coupons",
            "promo_coupon.wasm",
            "coupons = [{ code = \"CODE10\", off = 1000 }, { code = \"OLD\", off = 500, \
             valid_until = \"2020-01-01T00:00:00+08:00\" }]",
            "",
        ),
        promotion(
            "vip",
            "promo_coupon.wasm",
            "exclusive = true, coupons = [{ code = \"VIP\", off = 20000, per_shopper = 5 }]",
            "",
        ),
    ]
    .concat();
    let fast = "timeout_ms = 200";
    let beta = [
        promotion("trap", "hostile_promotion.wasm", "mode = \"trap\"", ""),
        promotion("spin", "hostile_promotion.wasm", "mode = \"loop\"", fast),
        promotion("absurd", "hostile_promotion.wasm", "mode = \"absurd\"", ""),
        promotion(
            "threshold",
            "promo_threshold.wasm",
            "every = 30000, off = 5000",
            "",
        ),
    ]
    .concat();
    format!("{}{}", district("alpha", &alpha), district("beta", &beta))
}

/// A running commerce server and its data folder.
pub struct Commerce {
    pub t: TestServer,
    _data: TempDir,
}

impl Commerce {
    /// Starts one on SQLite, or on `database_url`.
    pub async fn start(database_url: Option<String>) -> Self {
        let data = tempfile::tempdir().unwrap();
        let file = data.path().join("commerce.toml");
        std::fs::write(&file, DATA).unwrap();
        let t = TestServer::start_with(&config(&file), database_url).await;
        Self { t, _data: data }
    }

    /// `/api/v1/districts/{district}/commerce` + `path`.
    pub fn path(district: &str, path: &str) -> String {
        format!("/api/v1/districts/{district}/commerce{path}")
    }

    /// POSTs JSON as `shopper`, optionally with an idempotency key.
    pub async fn post(
        &self,
        path: &str,
        shopper: &str,
        body: Value,
        key: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .t
            .client
            .post(self.t.url(path))
            .header("x-shopper-id", shopper)
            .json(&body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Sends as a merchant with `token` (none: no header).
    pub async fn merchant(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.t.client.request(method, self.t.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A merchant token, made the way `plaza merchant token` makes it.
    pub async fn token(&self, district: &str, merchant: &str) -> String {
        let commerce = &self.t.server.plaza.commerce;
        commerce
            .issue_merchant_token(district, merchant)
            .await
            .unwrap()
    }
}
