//! Everything a report reads, loaded once.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use throughline_model::{ContextNote, MetricValue, Strategy};
use throughline_store::{ImportRecord, ItemId, Store, StoreError, StoredItem};

use crate::EffectiveLink;
use crate::effective::{attach_also, into_effective_links};
use crate::text_index::TextIndex;

/// The strategy in force, every item and its effective link, the context notes and the
/// metric values, read in one go. Plain data, so tests build it by hand
/// (`Snapshot { items, links, ..Default::default() }`).
#[derive(Debug, Default)]
pub struct Snapshot {
    pub strategy_version: Option<i64>,
    pub strategy: Strategy,
    /// Every item, without its description when loaded from a store (reports read
    /// titles, facts and notes; one item's description is read from the store).
    pub items: Vec<StoredItem>,
    pub links: HashMap<ItemId, EffectiveLink>,
    /// Every context note, oldest first.
    pub notes: Vec<ContextNote>,
    /// Observed values per metric id, oldest first: the store's values merged with the
    /// values written inline in the strategy file (the store wins on the same date).
    pub metric_values: HashMap<String, Vec<MetricValue>>,
    /// The last import or sync: how fresh the data is.
    pub last_import: Option<ImportRecord>,
    /// The latest import of every file or sync, newest first: where the data comes from.
    pub imports: Vec<ImportRecord>,
    /// Every item's words, tokenised on first use (see [`Snapshot::text_index`]).
    pub text: OnceLock<Arc<TextIndex>>,
}

impl Snapshot {
    /// Reads the snapshot from the store.
    pub fn load(store: &Store) -> Result<Snapshot, StoreError> {
        let _span = tracing::info_span!("load snapshot").entered();
        let (strategy_version, strategy) = match store.strategy()? {
            Some((v, s)) => (Some(v), s),
            None => (None, Strategy::default()),
        };
        let mut metric_values = HashMap::new();
        for m in &strategy.metrics {
            let stored = store.metric_values(&m.id)?;
            metric_values.insert(m.id.clone(), merge_values(&m.values, &stored));
        }
        let (items, links) = store.items_and_links()?;
        let mut links = into_effective_links(links);
        attach_also(&mut links, store.also_links()?);
        Ok(Snapshot {
            strategy_version,
            items,
            links,
            notes: store.notes()?,
            last_import: store.last_import()?,
            imports: store.latest_imports()?,
            metric_values,
            strategy,
            text: OnceLock::new(),
        })
    }

    /// Every item's words as term ids, built once and kept: reports that count words
    /// (themes, and the brief, overview and ask through them) share one tokenisation.
    /// A snapshot that has grown since (only hand-built ones do) gets a fresh index.
    pub fn text_index(&self) -> Arc<TextIndex> {
        let cached = self.text.get_or_init(|| Arc::new(TextIndex::build(self)));
        if cached.fits(self) {
            cached.clone()
        } else {
            Arc::new(TextIndex::build(self))
        }
    }

    /// Values of a metric, oldest first: the loaded ones, else those inline in the
    /// strategy (hand-made snapshots often only have the latter).
    pub fn values_of(&self, metric_id: &str) -> Vec<MetricValue> {
        match self.metric_values.get(metric_id) {
            Some(v) if !v.is_empty() => v.clone(),
            _ => self
                .strategy
                .metric(metric_id)
                .map(|m| merge_values(&m.values, &[]))
                .unwrap_or_default(),
        }
    }

    /// The last day anything happened in the data (created, started or resolved), used
    /// as "today" so reports are deterministic and do not depend on the clock.
    pub fn last_activity(&self) -> Option<NaiveDate> {
        self.items
            .iter()
            .flat_map(|s| [s.item.created, s.item.started, s.item.resolved])
            .flatten()
            .map(|t| t.date_naive())
            .max()
    }
}

/// Merges two series by date; `stored` wins where both have a value for a day.
fn merge_values(inline: &[MetricValue], stored: &[MetricValue]) -> Vec<MetricValue> {
    let mut by_day: std::collections::BTreeMap<NaiveDate, f64> =
        inline.iter().map(|v| (v.date, v.value)).collect();
    for v in stored {
        by_day.insert(v.date, v.value);
    }
    by_day
        .into_iter()
        .map(|(date, value)| MetricValue { date, value })
        .collect()
}
