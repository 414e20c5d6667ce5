//! `plaza merchant token --district D --merchant M`: create a merchant
//! token. It is printed once; only its sha256 is stored.

use crate::server::{Plaza, ServeOptions};
use std::path::PathBuf;

pub(super) async fn token(
    config: PathBuf,
    database_url: Option<String>,
    district: String,
    merchant: String,
) -> anyhow::Result<()> {
    let options = ServeOptions {
        config,
        database_url,
        ..ServeOptions::default()
    };
    let plaza = Plaza::assemble(&options, None).await?;
    let token = plaza
        .commerce
        .issue_merchant_token(&district, &merchant)
        .await
        .map_err(|e| anyhow::anyhow!("failed to create a token: {e}"))?;
    plaza.storage.close().await;
    println!("{token}");
    eprintln!(
        "token for merchant {merchant:?} of district {district:?}: shown once, keep it safe; \
         send it as `Authorization: Bearer <token>` to /api/v1/merchant/..."
    );
    Ok(())
}
