//! `plaza token create|list|revoke`: operator tokens, in the database the
//! server with the same config (or `--database-url`) uses. A new token is
//! printed once and stored only as its sha256.

use crate::admin::{Role, create_token};
use crate::config;
use crate::server::{ServeOptions, open_storage};
use anyhow::{Context, bail};
use std::path::PathBuf;

/// Where the tokens live.
pub(super) struct Target {
    pub(super) config: PathBuf,
    pub(super) database_url: Option<String>,
}

async fn open(target: &Target) -> anyhow::Result<(config::PlazaConfig, crate::storage::Storage)> {
    let options = ServeOptions {
        config: target.config.clone(),
        database_url: target.database_url.clone(),
        ..ServeOptions::default()
    };
    let config = config::load(&target.config)?;
    let storage = open_storage(&options, &config).await?;
    Ok((config, storage))
}

pub(super) async fn create(
    target: Target,
    role: String,
    district: Option<String>,
    label: Option<String>,
) -> anyhow::Result<()> {
    let role = Role::parse(&role, district.as_deref()).map_err(anyhow::Error::msg)?;
    let (config, storage) = open(&target).await?;
    if let Role::DistrictOperator { district } = &role
        && !config.districts.iter().any(|d| &d.id == district)
    {
        bail!(
            "{}: no district {district:?} in this config",
            target.config.display()
        );
    }
    let label = label.unwrap_or_default();
    let token = create_token(&storage, &role, &label)
        .await
        .context("failed to store the token")?;
    storage.close().await;
    eprintln!(
        "created token {} ({}{}); it is shown only now:",
        token.record.id,
        token.record.role,
        token
            .record
            .district
            .as_deref()
            .map(|d| format!(" of {d}"))
            .unwrap_or_default()
    );
    println!("{}", token.secret);
    Ok(())
}

pub(super) async fn list(target: Target) -> anyhow::Result<()> {
    let (_, storage) = open(&target).await?;
    for t in storage.tokens().list().await? {
        let created = chrono::DateTime::from_timestamp_millis(t.created_at).unwrap_or_default();
        println!(
            "{}  {:<17}  {:<12}  {}  {}",
            t.id,
            t.role,
            t.district.as_deref().unwrap_or("-"),
            created.format("%Y-%m-%d %H:%M"),
            t.label
        );
    }
    storage.close().await;
    Ok(())
}

pub(super) async fn revoke(target: Target, id: String) -> anyhow::Result<()> {
    let (_, storage) = open(&target).await?;
    let revoked = storage.tokens().revoke(&id).await?;
    storage.close().await;
    if !revoked {
        bail!("no live token {id:?}");
    }
    println!("revoked token {id}");
    Ok(())
}
