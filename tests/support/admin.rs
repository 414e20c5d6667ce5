//! Helpers for the operators' tests: servers with tokens of every role,
//! and admin requests made the way an operator's client makes them.

use super::{TestServer, plugin};
use plaza::admin::{Role, create_token};
use serde_json::Value;

/// A server with a city-admin token and a district-operator token for
/// each of `alpha` and `beta`.
pub struct Ops {
    pub t: TestServer,
    pub city: String,
    pub alpha: String,
    pub beta: String,
}

/// A component the build script produced, as bytes.
pub fn wasm(file: &str) -> Vec<u8> {
    std::fs::read(plugin(file)).unwrap()
}

/// A district `id` with one endpoint slot `site` serving version one.
pub fn site_district(id: &str, extra: &str) -> String {
    format!(
        r#"
[[district]]
id = "{id}"
name = "District {id}"
{extra}

[[district.plugin]]
id = "site"
kind = "http-endpoint"
path = "{path}"
"#,
        path = plugin("version_one.wasm").display()
    )
}

impl Ops {
    /// Starts `config` and creates one token per role.
    pub async fn start(config: &str) -> Self {
        let t = TestServer::start(config).await;
        let storage = &t.server.plaza.storage;
        let token =
            |role: Role| async move { create_token(storage, &role, "test").await.unwrap().secret };
        let city = token(Role::CityAdmin).await;
        let alpha = token(Role::DistrictOperator {
            district: "alpha".into(),
        })
        .await;
        let beta = token(Role::DistrictOperator {
            district: "beta".into(),
        })
        .await;
        Self {
            t,
            city,
            alpha,
            beta,
        }
    }

    /// Sends `method path` with `token` (if any) and `body`; returns
    /// status and JSON body.
    pub async fn call(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Vec<u8>,
        signature: Option<&str>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.t.client.request(method, self.t.url(path)).body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(signature) = signature {
            request = request.header("x-plaza-signature", signature);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// GET as `token`.
    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        self.call(Some(token), "GET", path, Vec::new(), None).await
    }

    /// Uploads `bytes` as the next version of `district`/`plugin`.
    pub async fn upload(
        &self,
        token: &str,
        district: &str,
        plugin: &str,
        bytes: Vec<u8>,
        signature: Option<&str>,
    ) -> (u16, Value) {
        let path = format!("/admin/v1/districts/{district}/plugins/{plugin}/versions");
        self.call(Some(token), "POST", &path, bytes, signature)
            .await
    }

    /// Activates `version` (approving added capabilities when `approve`).
    pub async fn activate(
        &self,
        token: &str,
        district: &str,
        plugin: &str,
        version: i64,
        approve: bool,
    ) -> (u16, Value) {
        let path = format!("/admin/v1/districts/{district}/plugins/{plugin}/activate");
        let body = serde_json::json!({ "version": version, "approve": approve });
        self.call(
            Some(token),
            "POST",
            &path,
            body.to_string().into_bytes(),
            None,
        )
        .await
    }
}
