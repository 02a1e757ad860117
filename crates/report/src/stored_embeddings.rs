//! Semantic mode's embedder, backed by the database's embedding cache.
//!
//! The sense engine embeds every linked item when it trains and every item it infers,
//! at each `align`. With a real model that is minutes per few thousand texts, so
//! [`StoredEmbeddings`] answers from the vectors stored before and embeds only texts it
//! has not seen; [`StoredEmbeddings::save`] then stores the new ones in one transaction.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use throughline_sense::Embedder;
use throughline_store::{Store, StoreError, text_hash};

/// Texts handed to the model at once: small enough to report progress often.
const CHUNK: usize = 256;

/// Progress of embedding new texts: how many the model has embedded so far, in all.
/// (Inference embeds from several threads at once, so there is no one total to reach.)
pub type EmbedProgress = Box<dyn Fn(usize) + Send + Sync>;

/// An [`Embedder`] that remembers: vectors come from the store when the same model
/// embedded the same text before, and from the model otherwise.
pub struct StoredEmbeddings {
    inner: Arc<dyn Embedder>,
    known: Mutex<HashMap<i64, Vec<f32>>>,
    fresh: Mutex<Vec<(i64, Vec<f32>)>>,
    embedded: AtomicUsize,
    progress: Option<EmbedProgress>,
}

impl StoredEmbeddings {
    /// Loads the vectors `inner`'s model stored before.
    pub fn load(store: &Store, inner: Arc<dyn Embedder>) -> Result<Self, StoreError> {
        Ok(StoredEmbeddings {
            known: Mutex::new(store.embeddings(inner.name())?),
            inner,
            fresh: Mutex::new(Vec::new()),
            embedded: AtomicUsize::new(0),
            progress: None,
        })
    }

    /// Reports progress while new texts are embedded (the slow part of semantic mode).
    pub fn with_progress(mut self, progress: EmbedProgress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Stores the vectors embedded since loading; returns how many.
    pub fn save(&self, store: &mut Store) -> Result<usize, StoreError> {
        let fresh = match self.fresh.lock() {
            Ok(mut f) => std::mem::take(&mut *f),
            Err(_) => return Ok(0),
        };
        store.put_embeddings(self.inner.name(), &fresh)?;
        Ok(fresh.len())
    }
}

impl Embedder for StoredEmbeddings {
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let hashes: Vec<i64> = texts.iter().map(|t| text_hash(t)).collect();
        // The model runs outside the lock: it is slow and other threads may be reading.
        let mut missing: Vec<(i64, &str)> = match self.known.lock() {
            Ok(known) => hashes
                .iter()
                .zip(texts)
                .filter(|(h, _)| !known.contains_key(h))
                .map(|(&h, &t)| (h, t))
                .collect(),
            Err(_) => return self.inner.embed(texts),
        };
        missing.sort_unstable_by_key(|m| m.0);
        missing.dedup_by_key(|m| m.0);
        let mut new = Vec::with_capacity(missing.len());
        for chunk in missing.chunks(CHUNK) {
            let batch: Vec<&str> = chunk.iter().map(|m| m.1).collect();
            new.extend(chunk.iter().map(|m| m.0).zip(self.inner.embed(&batch)));
            let done = self.embedded.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
            if let Some(p) = &self.progress {
                p(done);
            }
        }
        let Ok(mut known) = self.known.lock() else {
            return self.inner.embed(texts);
        };
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.extend(new.iter().cloned());
        }
        known.extend(new);
        hashes
            .iter()
            .map(|h| known.get(h).cloned().unwrap_or_default())
            .collect()
    }

    fn name(&self) -> &str {
        self.inner.name()
    }
}
