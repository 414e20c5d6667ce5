//! `plaza plugin push|activate|rollback`: the admin API from the command
//! line, and `plaza plugin keygen|sign` for vendors' signatures.

use crate::admin::signature;
use anyhow::{Context, bail};
use std::path::PathBuf;

/// A server and the token to reach its admin API with.
pub(super) struct Remote {
    pub(super) server: String,
    pub(super) token: String,
    pub(super) district: String,
    pub(super) plugin: String,
}

impl Remote {
    fn url(&self, tail: &str) -> String {
        format!(
            "{}/admin/v1/districts/{}/plugins/{}/{tail}",
            self.server.trim_end_matches('/'),
            self.district,
            self.plugin
        )
    }

    /// Sends a request and prints the JSON answer; a refusal is an error
    /// carrying the server's message.
    async fn send(&self, request: reqwest::RequestBuilder) -> anyhow::Result<()> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("failed to reach {}", self.server))?;
        let status = response.status();
        let body: serde_json::Value = response
            .json()
            .await
            .context("the server's answer is not JSON")?;
        if !status.is_success() {
            bail!(
                "{status}: {} ({})",
                body["message"].as_str().unwrap_or("no message"),
                body["code"].as_str().unwrap_or("no code")
            );
        }
        println!("{}", serde_json::to_string_pretty(&body)?);
        Ok(())
    }
}

pub(super) async fn push(
    remote: Remote,
    file: PathBuf,
    signature: Option<String>,
) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&file).with_context(|| format!("failed to read {}", file.display()))?;
    let mut request = reqwest::Client::new()
        .post(remote.url("versions"))
        .header("content-type", "application/wasm")
        .body(bytes);
    if let Some(signature) = signature {
        request = request.header("x-plaza-signature", signature.trim());
    }
    remote.send(request).await
}

pub(super) async fn activate(
    remote: Remote,
    rollback: bool,
    version: Option<i64>,
    approve: bool,
) -> anyhow::Result<()> {
    let tail = if rollback { "rollback" } else { "activate" };
    let body = serde_json::json!({ "version": version, "approve": approve });
    let request = reqwest::Client::new().post(remote.url(tail)).json(&body);
    remote.send(request).await
}

pub(super) fn keygen() -> anyhow::Result<()> {
    let (secret, public) = signature::generate().map_err(anyhow::Error::msg)?;
    eprintln!("secret key (keep it private; give `plaza plugin sign --key` a file with it):");
    println!("{secret}");
    eprintln!("public key (list it in a district's trusted_keys):");
    println!("{public}");
    Ok(())
}

pub(super) fn sign(key_file: PathBuf, file: PathBuf) -> anyhow::Result<()> {
    let key = std::fs::read_to_string(&key_file)
        .with_context(|| format!("failed to read {}", key_file.display()))?;
    let key = signature::parse_signing_key(&key)
        .map_err(|e| anyhow::anyhow!("{}: {e}", key_file.display()))?;
    let bytes =
        std::fs::read(&file).with_context(|| format!("failed to read {}", file.display()))?;
    println!("{}", signature::sign(&key, &bytes));
    Ok(())
}
