//! Semantic mode for `align` and `eval`: loading the embedding model, with its cache.

use std::sync::Arc;

use anyhow::Context;
use throughline_embed::{MiniLm, default_model_dir};
use throughline_report::stored_embeddings::StoredEmbeddings;
use throughline_sense::Embedder;
use throughline_store::Store;

use crate::args::SemanticArgs;
use crate::progress;

/// The embedder `--semantic` asks for, backed by the database's stored vectors; `None`
/// without `--semantic`. A missing model or a build without it is an error that says
/// how to get it: someone who asked for semantic mode should not silently get lexical.
pub fn embedder(
    a: &SemanticArgs,
    store: &Store,
    quiet: bool,
) -> anyhow::Result<Option<Arc<StoredEmbeddings>>> {
    if !a.semantic {
        return Ok(None);
    }
    let dir = a.model.clone().unwrap_or_else(default_model_dir);
    let model = MiniLm::load(&dir).with_context(|| {
        format!(
            "--semantic: cannot load the embedding model from {} (build with \
             `cargo build --release --features semantic`, fetch the model with \
             `crates/embed/scripts/fetch-model.sh DIR`, and point --model or \
             THROUGHLINE_MODEL_DIR at DIR); without --semantic the engine runs lexical",
            dir.display()
        )
    })?;
    // A count, not a bar: training embeds the linked items in one go, inference in
    // batches from several threads, and only new texts are counted.
    let bar = progress::counter(quiet, "embedding new texts");
    let stored = StoredEmbeddings::load(store, Arc::new(model) as Arc<dyn Embedder>)?
        .with_progress(Box::new(move |done| bar.set_position(done as u64)));
    Ok(Some(Arc::new(stored)))
}
