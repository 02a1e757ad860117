//! A [`View`]: one loaded picture of the database (the report snapshot and an index of
//! item keys) together with every report and page context derived from it so far.
//!
//! A view never changes what it shows: when the database changes, the server builds a
//! new view beside it and swaps it in whole (see `state.rs`). Derived values therefore
//! never need invalidating: they live and die with their view.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use chrono::{DateTime, Utc};
use throughline_report::Snapshot;

use crate::ApiError;

/// Anything derived from a view (a report body, a page context).
pub(crate) type Value = Arc<dyn Any + Send + Sync>;

/// How a derived value is computed: kept with the value, so a newer view can compute
/// the same thing again before it is swapped in.
pub(crate) type Recompute = Arc<dyn Fn(&View) -> Result<Value, ApiError> + Send + Sync>;

/// Most derived values kept per view (ask questions are open-ended); the least recently
/// used goes first.
const MEMO_SIZE: usize = 512;

/// The snapshot a request is answered from, and what has been computed from it.
pub struct View {
    /// Unique per view, so requests computing the same key on different views never
    /// wait for each other.
    pub(crate) id: u64,
    /// The database version read just before loading.
    pub(crate) version: crate::state::Version,
    /// When loading began: the view reflects every commit made before this instant.
    pub(crate) started: Instant,
    /// When loading began, for people ("figures as of 10:42:07").
    pub as_of: DateTime<Utc>,
    pub snap: Arc<Snapshot>,
    pub index: KeyIndex,
    /// The snapshot's last day of activity, which pages open their default period on
    /// (a scan of every item: done once here, not on every request).
    pub last_activity: Option<chrono::NaiveDate>,
    memo: Mutex<HashMap<String, Derived>>,
}

struct Derived {
    value: Value,
    recompute: Recompute,
    last_used: Instant,
}

/// A derived value worth computing again on the next view.
pub(crate) struct Hot {
    pub key: String,
    pub recompute: Recompute,
    pub last_used: Instant,
}

impl View {
    pub(crate) fn new(
        id: u64,
        version: crate::state::Version,
        started: Instant,
        snap: Snapshot,
    ) -> View {
        let index = KeyIndex::build(&snap);
        let last_activity = snap.last_activity();
        View {
            id,
            version,
            started,
            as_of: Utc::now(),
            snap: Arc::new(snap),
            index,
            last_activity,
            memo: Mutex::new(HashMap::new()),
        }
    }

    fn memo(&self) -> MutexGuard<'_, HashMap<String, Derived>> {
        // A panic while holding the lock leaves at worst a missing entry; keep serving.
        self.memo.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The value derived under `key`, if computed already.
    pub(crate) fn lookup(&self, key: &str) -> Option<Value> {
        let mut memo = self.memo();
        let d = memo.get_mut(key)?;
        d.last_used = Instant::now();
        Some(d.value.clone())
    }

    /// Remembers a derived value and how to compute it again.
    pub(crate) fn insert(
        &self,
        key: String,
        value: Value,
        recompute: Recompute,
        last_used: Instant,
    ) {
        let mut memo = self.memo();
        if memo.len() >= MEMO_SIZE
            && !memo.contains_key(&key)
            && let Some(oldest) = memo
                .iter()
                .min_by_key(|(_, d)| d.last_used)
                .map(|(k, _)| k.clone())
        {
            memo.remove(&oldest);
        }
        memo.insert(
            key,
            Derived {
                value,
                recompute,
                last_used,
            },
        );
    }

    /// Derived values used since `since`, most recently used first.
    pub(crate) fn hot(&self, since: Instant) -> Vec<Hot> {
        let mut hot: Vec<Hot> = self
            .memo()
            .iter()
            .filter(|(_, d)| d.last_used >= since)
            .map(|(k, d)| Hot {
                key: k.clone(),
                recompute: d.recompute.clone(),
                last_used: d.last_used,
            })
            .collect();
        hot.sort_by_key(|h| std::cmp::Reverse(h.last_used));
        hot
    }

    /// How many derived values this view holds (for tests and logs).
    pub fn derived_count(&self) -> usize {
        self.memo().len()
    }
}

/// Where each item key lives in the snapshot, so pages can link the keys that reports
/// carry to item pages.
#[derive(Debug, Default)]
pub struct KeyIndex {
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
    pub fn get(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }
}
