//! A reviewed list's decisions, stored as people's links: what `throughline link
//! --file`, the API's `POST /api/items/review` and the dashboard's upload have in
//! common. The list is what `items --csv` (or the dashboard's "Download it as CSV")
//! wrote, with `decision` and `why` filled in by a reviewer; reading it is
//! [`throughline_ingest::read_review`]'s job, checking and storing it is this module's.
//!
//! All or nothing: every row is checked (the item exists, the target is in the
//! strategy, a `confirm` has something to confirm) before any link is written, and the
//! links are written in one transaction. A reviewer who fixes the one bad row and sends
//! the file again gets exactly what the file says.

use throughline_ingest::{Decision, Review, Reviewed};
use throughline_model::LinkTarget;
use throughline_store::{Correction, Store, StoreError, StoredItem};

use crate::effective::{NothingToConfirm, confirmation};

/// Why a reviewed list was not stored. Nothing of the list is stored when any row is
/// wrong.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// A row names no item of the database, or names one ambiguously.
    #[error("{at}: {message}")]
    Item { at: String, message: String },
    /// A row's decision cannot be stored: a target the strategy does not have, or a
    /// `confirm` with nothing to confirm.
    #[error("{at}: {message}")]
    Decision { at: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a reviewed list did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReviewOutcome {
    /// Rows whose item's link is now a person's, as it was.
    pub confirmed: usize,
    /// Rows whose item is now linked where the row says.
    pub linked: usize,
    /// Rows without a decision, left as they were.
    pub undecided: usize,
}

/// Checks every decision of `review` (read from `file`, which names it in errors) and
/// stores them as people's links, recorded with `team`, in one transaction.
pub fn apply_review(
    store: &mut Store,
    file: &str,
    review: &Review,
    team: Option<&str>,
) -> Result<ReviewOutcome, ReviewError> {
    let strategy = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
    let mut out = ReviewOutcome {
        undecided: review.undecided,
        ..ReviewOutcome::default()
    };
    let mut writes = Vec::with_capacity(review.rows.len());
    for row in &review.rows {
        let at = || format!("{file}{}", row.at);
        let item = find(store, row, &at)?;
        let (target, reason) = match &row.decision {
            Decision::Link(t) => {
                strategy
                    .check_correction(t)
                    .map_err(|e| ReviewError::Decision {
                        at: at(),
                        message: e.to_string(),
                    })?;
                out.linked += 1;
                let why = row.why.clone().unwrap_or_else(|| "set by a person".into());
                (t.clone(), why)
            }
            Decision::Confirm => {
                let (t, reason) = confirmable(store, &item)?
                    .map_err(|message| ReviewError::Decision { at: at(), message })?;
                out.confirmed += 1;
                (t, row.why.clone().unwrap_or(reason))
            }
        };
        writes.push(Correction {
            item_id: item.id,
            target,
            by_team: team.map(str::to_string),
            reason,
        });
    }
    store.set_corrections(&writes)?;
    Ok(out)
}

/// The row's item: by source and key when the row names a source, else by key, else by
/// a key written as `SOURCE:KEY`. A key several sources share, named without its source,
/// is the reviewer's to mend like a missing one; the database failing is not.
fn find(store: &Store, row: &Reviewed, at: &dyn Fn() -> String) -> Result<StoredItem, ReviewError> {
    let item_error = |message: String| ReviewError::Item { at: at(), message };
    let found = |r: Result<Option<StoredItem>, StoreError>| match r {
        Err(StoreError::NotFound(m)) => Err(item_error(m)),
        other => Ok(other?),
    };
    if let Some(source) = &row.source {
        return found(store.find_item(Some(source), &row.key))?
            .ok_or_else(|| item_error(format!("no item `{source}:{}` in the database", row.key)));
    }
    if let Some(item) = found(store.find_item(None, &row.key))? {
        return Ok(item);
    }
    if let Some((source, key)) = row.key.split_once(':')
        && let Some(item) = found(store.find_item(Some(source), key))?
    {
        return Ok(item);
    }
    Err(item_error(format!("no item `{}` in the database", row.key)))
}

/// What confirming `item` keeps; the inner `Err` is the message for the reviewer, who
/// can only mend it in the file's `decision` column (the row's location names the item,
/// so the message does not).
fn confirmable(
    store: &Store,
    item: &StoredItem,
) -> Result<Result<(LinkTarget, String), String>, StoreError> {
    let links = store.links_of(item.id)?;
    Ok(confirmation(&links).map_err(|e| {
        match e {
            NothingToConfirm::NoLink => "it has no link to confirm",
            NothingToConfirm::Unclear => {
                "the engine could not place it, so there is nothing to confirm"
            }
        }
        .to_string()
            + "; write where it belongs in `decision` instead"
    }))
}
