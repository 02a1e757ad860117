//! Everything a report reads, loaded once.

use std::collections::HashMap;

use throughline_model::Strategy;
use throughline_store::{ItemId, Store, StoreError, StoredItem};

use crate::{EffectiveLink, effective_links};

/// The strategy in force, every item and its effective link, read in one go.
pub struct Snapshot {
    pub strategy_version: Option<i64>,
    pub strategy: Strategy,
    pub items: Vec<StoredItem>,
    pub links: HashMap<ItemId, EffectiveLink>,
}

impl Snapshot {
    /// Reads the snapshot from the store.
    pub fn load(store: &Store) -> Result<Snapshot, StoreError> {
        let (strategy_version, strategy) = match store.strategy()? {
            Some((v, s)) => (Some(v), s),
            None => (None, Strategy::default()),
        };
        Ok(Snapshot {
            strategy_version,
            strategy,
            items: store.all_items()?,
            links: effective_links(&store.links()?),
        })
    }
}
