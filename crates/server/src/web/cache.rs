//! What the dashboard keeps between requests, on top of [`AppState::snapshot`].
//!
//! The snapshot itself is the server's (one copy in memory, reloaded when the database
//! changes). The pages' contexts computed from it are kept here, per snapshot: themes
//! and drift over 100,000 items take longer than a page may, and most requests ask for
//! the same few pages of the same period.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use throughline_model::LinkOrigin;
use throughline_report::Snapshot;

use super::WebError;
use crate::AppState;

/// Where each item key lives in the snapshot, so pages can link the keys reports carry
/// to item pages.
#[derive(Debug, Default)]
pub(crate) struct KeyIndex {
    by_key: HashMap<String, usize>,
}

impl KeyIndex {
    fn build(snap: &Snapshot) -> KeyIndex {
        let mut by_key = HashMap::with_capacity(snap.items.len());
        for (i, s) in snap.items.iter().enumerate() {
            // The first source wins for a key in several sources; the item page says which.
            by_key.entry(s.item.key.clone()).or_insert(i);
        }
        KeyIndex { by_key }
    }

    /// The snapshot index of the item with this key.
    pub(crate) fn get(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }
}

/// The snapshot a page is built from, with its key index.
#[derive(Clone)]
pub(crate) struct Loaded {
    pub snap: Arc<Snapshot>,
    pub index: Arc<KeyIndex>,
}

type Memo = HashMap<String, Arc<dyn Any + Send + Sync>>;

/// Most page contexts remembered per snapshot (ask questions are open-ended).
const MEMO_SIZE: usize = 256;

/// Per-snapshot memory. Holding the snapshot's `Arc` (not its address) means a newer
/// snapshot can never be mistaken for this one.
struct Entry {
    snap: Arc<Snapshot>,
    index: Arc<KeyIndex>,
    memo: Memo,
}

/// The dashboard's cache; one per application instance.
#[derive(Default)]
pub(crate) struct WebCache {
    entry: Mutex<Option<Entry>>,
    /// One page computation at a time: two requests for the same slow page wait for one
    /// result instead of both burning a core.
    computing: Mutex<()>,
}

impl WebCache {
    fn lock(&self) -> MutexGuard<'_, Option<Entry>> {
        // A panic while holding the lock leaves at worst a stale memo; keep serving.
        self.entry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The current snapshot (the server's cache) and its key index.
    pub(crate) async fn snapshot(&self, state: &AppState) -> Result<Loaded, WebError> {
        let snap = state.snapshot().await?;
        if let Some(e) = self.lock().as_ref()
            && Arc::ptr_eq(&e.snap, &snap)
        {
            return Ok(Loaded {
                snap,
                index: e.index.clone(),
            });
        }
        let for_index = snap.clone();
        let index =
            Arc::new(tokio::task::spawn_blocking(move || KeyIndex::build(&for_index)).await?);
        let mut g = self.lock();
        let fresh = g.as_ref().is_none_or(|e| !Arc::ptr_eq(&e.snap, &snap));
        if fresh {
            *g = Some(Entry {
                snap: snap.clone(),
                index: index.clone(),
                memo: Memo::new(),
            });
        }
        Ok(Loaded { snap, index })
    }

    /// A value computed from `loaded`'s snapshot once per snapshot and `key` (which
    /// must name the page and every parameter it depends on).
    pub(crate) fn memo<T: Send + Sync + 'static>(
        &self,
        loaded: &Loaded,
        key: &str,
        compute: impl FnOnce(&Snapshot) -> T,
    ) -> Arc<T> {
        let lookup = |this: &Self| -> Option<Arc<T>> {
            let g = this.lock();
            let e = g.as_ref().filter(|e| Arc::ptr_eq(&e.snap, &loaded.snap))?;
            e.memo.get(key).cloned()?.downcast::<T>().ok()
        };
        if let Some(v) = lookup(self) {
            return v;
        }
        let _one = self.computing.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = lookup(self) {
            return v;
        }
        let v = Arc::new(compute(&loaded.snap));
        let mut g = self.lock();
        if let Some(e) = g.as_mut().filter(|e| Arc::ptr_eq(&e.snap, &loaded.snap)) {
            if e.memo.len() >= MEMO_SIZE {
                e.memo.clear();
            }
            e.memo
                .insert(key.to_string(), v.clone() as Arc<dyn Any + Send + Sync>);
        }
        v
    }
}

/// Whether a correction exists among an item's stored links.
pub(crate) fn has_correction(rows: &[throughline_store::LinkRow]) -> bool {
    rows.iter().any(|l| l.origin == LinkOrigin::Corrected)
}
