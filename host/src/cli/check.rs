//! `plaza check`: load a config and every plugin as `serve` would, against
//! a throw-away in-memory database, and report the first problem.

use crate::server::{Plaza, ServeOptions};
use crate::storage::Storage;
use std::path::PathBuf;

pub(super) async fn run(config: PathBuf) -> anyhow::Result<()> {
    let options = ServeOptions {
        config: config.clone(),
        ..ServeOptions::default()
    };
    let storage = Storage::in_memory().await?;
    let plaza = Plaza::assemble(&options, Some(storage)).await?;
    for district in plaza.registry.districts() {
        for plugin in district.plugins() {
            println!(
                "ok  {}/{}  {}  sha256:{}  ({:?})",
                district.id, plugin.meta.id, plugin.meta.kind, plugin.meta.sha256, plugin.cache
            );
        }
    }
    println!(
        "{}: {} districts, {} plugins, all loaded",
        config.display(),
        plaza.registry.districts().count(),
        plaza.registry.plugin_count()
    );
    Ok(())
}
