//! Keeping links in step with the data: explicit links from the strategy's selectors, and
//! the sense engine's inferences for everything else.
//!
//! Lives here, not in the CLI, because both the CLI (`align`, `import`, `strategy apply`)
//! and the server (strategy uploads) re-link after a change, and must do it the same way.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use throughline_model::{ContextNote, LinkOrigin, LinkTarget, Strategy, WorkItem};
use throughline_sense::explicit::{self, ExplicitLink};
use throughline_sense::{
    Embedder, EngineConfig, Inference, Mode, Model, SenseError, TrainingSet, infer_all,
    labels_by_index,
};
use throughline_store::{Candidate, ItemId, LinkWrite, Store, StoreError};

use crate::stored_embeddings::StoredEmbeddings;

/// Why re-linking failed.
#[derive(Debug, thiserror::Error)]
pub enum RelinkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sense(#[from] SenseError),
}

/// What re-linking found, over the work the reports count: epics are containers, left
/// out of every report's total (`Scope::includes`), so they are left out here too and
/// `strategy apply`'s "N of M linked" counts what `status` does.
#[derive(Debug, Default, serde::Serialize)]
pub struct Relinked {
    /// Work items (not epics).
    pub items: usize,
    /// Of those, how many the selectors link.
    pub explicit: usize,
    /// Of those, how many the selectors link to more than one initiative.
    pub several: usize,
}

/// The items re-linking reads, loaded once for the explicit pass and the inference
/// pass after it (on a million items, a load is 3 s), and only when a strategy needs
/// them. In time order: the engine calibrates on the newest linked work, and for
/// undated exports that is the newest share of every file.
#[derive(Default)]
pub struct Work {
    loaded: OnceCell<Loaded>,
}

/// Ids apart from items rather than cloned: at a million items the copy would be the
/// biggest allocation of the whole pass.
struct Loaded {
    ids: Vec<ItemId>,
    items: Vec<WorkItem>,
}

impl Work {
    pub fn new() -> Self {
        Self::default()
    }

    /// The items as they are now in `store`: one `Work` serves one round of re-linking,
    /// in which the items do not change (the links do).
    fn get(&self, store: &Store) -> Result<&Loaded, RelinkError> {
        if let Some(l) = self.loaded.get() {
            return Ok(l);
        }
        let (ids, items) = store
            .items_in_time_order()?
            .0
            .into_iter()
            .map(|s| (s.id, s.item))
            .unzip();
        Ok(self.loaded.get_or_init(|| Loaded { ids, items }))
    }
}

/// Recomputes every explicit link from the strategy in force, and the other initiatives
/// each also serves (one transaction). Cheap (a pass over the items in memory), so it
/// runs after every import and strategy apply.
pub fn explicit_links(store: &mut Store, work: &Work) -> Result<Relinked, RelinkError> {
    let _span = tracing::info_span!("explicit links").entered();
    let Some((_, strategy)) = store.strategy()? else {
        return Ok(Relinked::default());
    };
    let Loaded { ids, items } = work.get(store)?;
    let links = {
        let _span = tracing::debug_span!("resolve selectors").entered();
        explicit::resolve(&strategy, items)
    };
    let mut counted = Relinked {
        items: items.iter().filter(|it| !it.is_epic()).count(),
        ..Relinked::default()
    };
    let mut also: Vec<(ItemId, String)> = Vec::new();
    let mut writes: Vec<LinkWrite> = Vec::new();
    for ((&id, it), l) in ids.iter().zip(items).zip(links) {
        let Some(l) = l else { continue };
        if !it.is_epic() {
            counted.explicit += 1;
            counted.several += usize::from(!l.also.is_empty());
        }
        also.extend(l.also.into_iter().map(|i| (id, i)));
        writes.push(LinkWrite {
            item_id: id,
            target: LinkTarget::Initiative(l.initiative),
            confidence: 1.0,
            reason: l.reason,
            input_hash: None,
            candidates: Vec::new(),
            aligned_p: None,
        });
    }
    store.sync_explicit_links(&writes, &also)?;
    Ok(counted)
}

/// What an inference run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Inferred {
    pub mode: String,
    /// Items with an explicit or corrected link.
    pub trained_on: usize,
    /// Of those, how many the engine learned from (the newest, past
    /// `EngineConfig::max_examples`).
    pub learned_from: usize,
    /// Items (re)inferred in this run.
    pub inferred: usize,
    /// Of those, how many the engine could not place.
    pub unclear: usize,
    pub seconds: f64,
    pub items_per_second: f64,
    /// Semantic mode: texts the embedding model had to embed (the others were stored).
    pub embedded: usize,
}

/// Infers links for every item without an explicit or corrected link. With `full`
/// false, only items that are new or changed since their last inference are recomputed.
/// `progress(done, total)` is called from worker threads as items are inferred.
pub fn infer_links(
    store: &mut Store,
    work: &Work,
    full: bool,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<Inferred>, RelinkError> {
    infer_links_with(store, work, full, None, progress)
}

/// [`infer_links`], in semantic mode when `embedder` is given: the engine then also
/// uses sentence embeddings, and the vectors it had to compute are stored for the next
/// run.
pub fn infer_links_with(
    store: &mut Store,
    work: &Work,
    full: bool,
    embedder: Option<Arc<StoredEmbeddings>>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Option<Inferred>, RelinkError> {
    let Some((_, strategy)) = store.strategy()? else {
        return Ok(None);
    };
    if strategy.initiatives.is_empty() && strategy.goals.is_empty() {
        return Ok(None);
    }
    let _span = tracing::info_span!("infer links", full).entered();
    let Loaded { ids, items } = work.get(store)?;
    let index: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let rows = store.link_targets()?;
    let notes = store.notes()?;
    let labels = labels_by_index(
        items.len(),
        rows.iter()
            .filter_map(|r| Some((*index.get(&r.item_id)?, &r.target, r.origin))),
    );
    let decided: HashSet<i64> = rows
        .iter()
        .filter(|r| r.origin != LinkOrigin::Inferred)
        .map(|r| r.item_id)
        .collect();
    let fresh: HashSet<(i64, i64)> = if full {
        HashSet::new()
    } else {
        rows.iter()
            .filter(|r| r.origin == LinkOrigin::Inferred)
            .filter_map(|r| Some((r.item_id, r.input_hash?)))
            .collect()
    };
    let hashes: HashMap<i64, i64> = store.content_hashes()?.into_iter().collect();
    let which: Vec<usize> = (0..ids.len())
        .filter(|&i| !decided.contains(&ids[i]) && !items[i].is_epic())
        .filter(|&i| !fresh.contains(&(ids[i], hashes.get(&ids[i]).copied().unwrap_or_default())))
        .collect();
    // Inferred links of items a person or the selectors have since decided are dropped.
    let stale: Vec<i64> = rows
        .iter()
        .filter(|r| r.origin == LinkOrigin::Inferred && decided.contains(&r.item_id))
        .map(|r| r.item_id)
        .collect();
    store.delete_links(LinkOrigin::Inferred, &stale)?;
    let started = Instant::now();
    let out = train_and_infer(
        &strategy,
        items,
        &labels,
        &notes,
        &which,
        embedder.clone().map(|e| e as Arc<dyn Embedder>),
        progress,
    )?;
    if which.is_empty() {
        // Nothing to infer, so no model was trained: nothing was left out of one.
        return Ok(Some(Inferred {
            mode: out.mode.as_str().into(),
            trained_on: out.trained_on,
            learned_from: out.learned_from,
            ..Inferred::default()
        }));
    }
    let seconds = started.elapsed().as_secs_f64();
    let writes: Vec<LinkWrite> = which
        .iter()
        .zip(&out.answers)
        .map(|(&i, inf)| LinkWrite {
            item_id: ids[i],
            target: inf.target.clone(),
            confidence: inf.confidence,
            reason: inf.reason.clone(),
            input_hash: hashes.get(&ids[i]).copied(),
            candidates: inf
                .alternatives
                .iter()
                .map(|(target, p)| Candidate {
                    target: target.clone(),
                    probability: *p,
                })
                .collect(),
            aligned_p: Some(inf.aligned),
        })
        .collect();
    if full {
        // A full run mostly finds what the last one found: rewriting every row took 12 s
        // on a million items, reading them to compare takes a tenth of that.
        store.sync_links(LinkOrigin::Inferred, &writes)?;
    } else {
        store.upsert_links(LinkOrigin::Inferred, &writes)?;
    }
    // After the links: vectors are only a cache, and a failure to store them must not
    // lose the run's answers.
    let embedded = match &embedder {
        Some(e) => e.save(store)?,
        None => 0,
    };
    Ok(Some(Inferred {
        mode: out.mode.as_str().to_string(),
        trained_on: out.trained_on,
        learned_from: out.learned_from,
        inferred: writes.len(),
        unclear: out
            .answers
            .iter()
            .filter(|i| i.target == LinkTarget::Unclear)
            .count(),
        seconds,
        items_per_second: writes.len() as f64 / seconds.max(1e-9),
        embedded,
    }))
}

/// What the engine answered for the items it was asked about, and what it learned from.
#[derive(Debug)]
pub struct Answers {
    /// The mode the model ran in (the requested one when no model was needed).
    pub mode: Mode,
    /// Items with a label (an explicit or corrected link).
    pub trained_on: usize,
    /// Of those, how many the engine learned from (see [`EngineConfig::max_examples`]).
    pub learned_from: usize,
    /// One answer per index of `which`, in that order.
    pub answers: Vec<Inference>,
}

/// Trains the engine on `labels` (one slot per item, see [`label_slots`]) and infers the
/// items at `which`: the whole of inference, without a store. [`infer_links_with`]
/// (`align`, `import`, strategy changes) and `eval --product-path`
/// ([`crate::product_path`]) both call it, so what eval measures is what align writes.
/// Semantic mode when `embedder` is given. `progress(done, total)` is called from
/// worker threads as items are inferred. With `which` empty no model is trained.
pub fn train_and_infer(
    strategy: &Strategy,
    items: &[WorkItem],
    labels: &[Option<(LinkTarget, LinkOrigin)>],
    notes: &[ContextNote],
    which: &[usize],
    embedder: Option<Arc<dyn Embedder>>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Answers, SenseError> {
    let mode = if embedder.is_some() {
        Mode::Semantic
    } else {
        Mode::Lexical
    };
    let trained_on = labels.iter().filter(|l| l.is_some()).count();
    if which.is_empty() {
        return Ok(Answers {
            mode,
            trained_on,
            learned_from: trained_on,
            answers: Vec::new(),
        });
    }
    let ts = TrainingSet::new(strategy, items, labels, notes)?;
    let cfg = EngineConfig {
        mode,
        ..EngineConfig::default()
    };
    let model = {
        let _span = tracing::info_span!("train").entered();
        Model::train(&ts, &cfg, embedder)?
    };
    let total = which.len();
    progress(0, total);
    // `infer_all` reports how many are done so far, from several threads: a thread can
    // report an older count after another's newer one, so only the highest is passed on.
    // The check and the call share one lock: with an atomic max alone, a thread that won
    // with 512 could still be overtaken by one that won with 1024 before either called
    // `progress`, and the bar would step back (seen once in CI). Reports come once per
    // chunk, so the lock costs nothing measurable.
    let done = Mutex::new(0usize);
    let infer_span = tracing::info_span!("infer", items = total).entered();
    let answers = infer_all(&model, items, which, notes, &|n| {
        let mut highest = done.lock().unwrap_or_else(|e| e.into_inner());
        if n > *highest {
            *highest = n;
            progress(n, total);
        }
    });
    drop(infer_span);
    Ok(Answers {
        mode: model.mode(),
        trained_on,
        learned_from: model.linked_count(),
        answers,
    })
}

/// The label slots the engine learns from, built from the selectors' answer (what
/// [`explicit::resolve`] returned, one slot per item) as [`explicit_links`] stores it and
/// [`infer_links_with`] reads it back: each explicit link, with a person's correction
/// (`corrected`: item index and target) winning over it.
pub fn label_slots(
    explicit: &[Option<ExplicitLink>],
    corrected: &[(usize, LinkTarget)],
) -> Vec<Option<(LinkTarget, LinkOrigin)>> {
    let n = explicit.len();
    let explicit: Vec<(usize, LinkTarget)> = explicit
        .iter()
        .enumerate()
        .filter_map(|(i, l)| Some((i, LinkTarget::Initiative(l.as_ref()?.initiative.clone()))))
        .collect();
    labels_by_index(
        n,
        explicit
            .iter()
            .map(|(i, t)| (*i, t, LinkOrigin::Explicit))
            .chain(
                corrected
                    .iter()
                    .map(|(i, t)| (*i, t, LinkOrigin::Corrected)),
            ),
    )
}
