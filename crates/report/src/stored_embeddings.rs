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
    cache: Mutex<Cache>,
    embedded: AtomicUsize,
    progress: Option<EmbedProgress>,
}

/// Every vector at hand by text hash, and which of them are not stored yet.
struct Cache {
    known: HashMap<i64, Vec<f32>>,
    fresh: Vec<i64>,
}

impl StoredEmbeddings {
    /// Loads the vectors `inner`'s model stored before.
    pub fn load(store: &Store, inner: Arc<dyn Embedder>) -> Result<Self, StoreError> {
        Ok(StoredEmbeddings {
            cache: Mutex::new(Cache {
                known: store.embeddings(inner.name())?,
                fresh: Vec::new(),
            }),
            inner,
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
        let fresh: Vec<(i64, Vec<f32>)> = match self.cache.lock() {
            Ok(mut c) => {
                let mut hashes = std::mem::take(&mut c.fresh);
                // Two threads may have met the same new text at once.
                hashes.sort_unstable();
                hashes.dedup();
                hashes
                    .into_iter()
                    .filter_map(|h| Some((h, c.known.get(&h)?.clone())))
                    .collect()
            }
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
        let mut missing: Vec<(i64, &str)> = match self.cache.lock() {
            Ok(c) => hashes
                .iter()
                .zip(texts)
                .filter(|(h, _)| !c.known.contains_key(h))
                .map(|(&h, &t)| (h, t))
                .collect(),
            Err(_) => return self.inner.embed(texts),
        };
        missing.sort_unstable_by_key(|m| m.0);
        missing.dedup_by_key(|m| m.0);
        // Similar lengths together: the model pads each batch to its longest text.
        missing.sort_by_key(|m| m.1.len());
        let mut new = Vec::with_capacity(missing.len());
        for chunk in missing.chunks(CHUNK) {
            let batch: Vec<&str> = chunk.iter().map(|m| m.1).collect();
            new.extend(chunk.iter().map(|m| m.0).zip(self.inner.embed(&batch)));
            let done = self.embedded.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
            if let Some(p) = &self.progress {
                p(done);
            }
        }
        let Ok(mut c) = self.cache.lock() else {
            return self.inner.embed(texts);
        };
        c.fresh.extend(new.iter().map(|n| n.0));
        c.known.extend(new);
        hashes
            .iter()
            .map(|h| c.known.get(h).cloned().unwrap_or_default())
            .collect()
    }

    fn name(&self) -> &str {
        self.inner.name()
    }
}
