//! Compiled code on disk, keyed by the component's sha256 and the engine's
//! compatibility hash, so a restart deserialises instead of recompiling.

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use wasmtime::Engine;
use wasmtime::component::Component;

/// Whether a component came from the cache or was compiled now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Deserialised from the cache.
    Hit,
    /// Compiled, then written to the cache.
    Compiled,
}

#[derive(Clone)]
pub(crate) struct CompileCache {
    dir: PathBuf,
    engine_tag: String,
}

/// Feeds `Hash` output into sha256, so the tag is stable across runs.
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl CompileCache {
    pub(crate) fn new(dir: PathBuf, engine: &Engine) -> Self {
        let mut hasher = ShaHasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut hasher);
        let engine_tag = hex::encode(&hasher.0.finalize()[..8]);
        Self { dir, engine_tag }
    }

    /// The component for `bytes` (whose digest is `sha256`), from the cache
    /// when it holds one for this engine.
    pub(crate) fn load(
        &self,
        engine: &Engine,
        bytes: &[u8],
        sha256: &str,
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        let path = self.dir.join(format!("{sha256}-{}.cwasm", self.engine_tag));
        if path.exists() {
            // SAFETY: the file was written by `serialize` below into the
            // host's own cache folder, and its name binds it to this exact
            // component digest and engine configuration.
            #[allow(unsafe_code)]
            match unsafe { Component::deserialize_file(engine, &path) } {
                Ok(component) => return Ok((component, CacheOutcome::Hit)),
                Err(e) => tracing::warn!(path = %path.display(), error = %e,
                    "cached code unusable, recompiling"),
            }
        }
        let component = Component::new(engine, bytes)?;
        if let Err(e) = self.store(&path, &component) {
            tracing::warn!(path = %path.display(), error = %e, "failed to cache compiled code");
        }
        Ok((component, CacheOutcome::Compiled))
    }

    fn store(&self, path: &PathBuf, component: &Component) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, component.serialize()?)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}
