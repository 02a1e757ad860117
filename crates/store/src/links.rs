//! Links between items and the strategy, one row per item and origin.
//!
//! The effective link of an item is its corrected link if a person set one, else its
//! explicit link, else its inferred link. Keeping all three apart lets reports show
//! explicit, inferred and corrected alignment side by side, and lets a person's word
//! override inference forever without losing what the engine thought.

use std::collections::HashMap;

use rusqlite::params;
use throughline_model::{LinkOrigin, LinkTarget};

use crate::items::now;
use crate::rows::{target_from_sql, target_to_sql};
use crate::{ItemId, Result, Store, StoreError};

/// A link to write for one item.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkWrite {
    pub item_id: ItemId,
    pub target: LinkTarget,
    pub confidence: f32,
    pub reason: String,
    /// For inferred links, the item's content hash the inference was made from.
    pub input_hash: Option<i64>,
    /// For inferred links, the engine's best candidates (best first), whatever it
    /// answered; empty otherwise.
    pub candidates: Vec<Candidate>,
    /// For inferred links, the engine's probability that the item serves some goal.
    pub aligned_p: Option<f32>,
}

/// A person's link for one item, as `Store::set_corrections` writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub item_id: ItemId,
    pub target: LinkTarget,
    /// The person's team, never their name.
    pub by_team: Option<String>,
    /// Why, in their words (or how it came about: "confirmed by a person (...)").
    pub reason: String,
}

/// One of the engine's best candidates for an item, with its calibrated probability.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub target: LinkTarget,
    pub probability: f32,
}

/// A stored link.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LinkRow {
    pub item_id: ItemId,
    pub origin: LinkOrigin,
    pub target: LinkTarget,
    pub confidence: f32,
    pub reason: String,
    pub by_team: Option<String>,
    pub at: Option<String>,
    #[serde(skip)]
    pub input_hash: Option<i64>,
    /// See [`LinkWrite::candidates`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    /// See [`LinkWrite::aligned_p`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aligned_p: Option<f32>,
}

/// A stored link without its words (reason, team, time, candidates): what re-linking
/// reads for every item, at a fraction of the cost of [`LinkRow`]s.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkTargetRow {
    pub item_id: ItemId,
    pub origin: LinkOrigin,
    pub target: LinkTarget,
    pub input_hash: Option<i64>,
}

impl Store {
    /// Replaces every link of `origin` with `links`, in one transaction. Used for
    /// explicit links (recomputed from selectors) and full inference runs.
    pub fn replace_links(&mut self, origin: LinkOrigin, links: &[LinkWrite]) -> Result<()> {
        let _span = tracing::info_span!("replace links", ?origin, links = links.len()).entered();
        let conn = crate::sqlite_or_mut!(self, |pg| pg.replace_links(origin, links));
        let tx = crate::report_cache::write(conn)?;
        tx.execute(
            "DELETE FROM links WHERE origin = ?1",
            params![origin.as_str()],
        )?;
        write_links(&tx, origin, links)?;
        tx.commit()?;
        Ok(())
    }

    /// Makes the links of `origin` exactly `links`, like [`Store::replace_links`], but
    /// writes only what changed: a link with the same target, confidence, reason, input
    /// hash and candidates is left as it is, and keeps its `at` (when it was made).
    /// Explicit links are recomputed after every import; on a million items, importing
    /// ten rewrote 430,000 rows (15 s) where a few would do. Returns the rows written
    /// and removed.
    pub fn sync_links(&mut self, origin: LinkOrigin, links: &[LinkWrite]) -> Result<usize> {
        let _span = tracing::info_span!("sync links", ?origin, links = links.len()).entered();
        let conn = crate::sqlite_or_mut!(self, |pg| pg.sync_links(origin, links, None));
        let tx = crate::report_cache::write(conn)?;
        let n = sync_in(&tx, origin, links)?;
        tx.commit()?;
        Ok(n)
    }

    /// Makes the explicit links exactly `links` ([`Store::sync_links`]) and the other
    /// initiatives those links also serve exactly `also` (item, initiative), in one
    /// transaction, so a report never reads the one without the other. Returns the
    /// link rows written and removed (also-rows not counted).
    pub fn sync_explicit_links(
        &mut self,
        links: &[LinkWrite],
        also: &[(ItemId, String)],
    ) -> Result<usize> {
        let _span = tracing::info_span!(
            "sync explicit links",
            links = links.len(),
            also = also.len()
        )
        .entered();
        let conn = crate::sqlite_or_mut!(self, |pg| pg.sync_links(
            LinkOrigin::Explicit,
            links,
            Some(also)
        ));
        let tx = crate::report_cache::write(conn)?;
        let n = sync_in(&tx, LinkOrigin::Explicit, links)?;
        let mut stored: std::collections::HashSet<(ItemId, String)> = {
            let mut stmt = tx.prepare("SELECT item_id, initiative FROM also_links")?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        {
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO also_links (item_id, initiative) VALUES (?1, ?2)",
            )?;
            for (id, init) in also {
                if !stored.remove(&(*id, init.clone())) {
                    insert.execute(params![id, init])?;
                }
            }
            let mut delete =
                tx.prepare("DELETE FROM also_links WHERE item_id = ?1 AND initiative = ?2")?;
            for (id, init) in &stored {
                delete.execute(params![id, init])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    /// The other initiatives one item's explicit link serves, in name order.
    pub fn also_links_of(&self, item_id: ItemId) -> Result<Vec<String>> {
        let conn = crate::sqlite_or!(self, |pg| pg.also_links_of(item_id));
        let mut stmt = conn
            .prepare("SELECT initiative FROM also_links WHERE item_id = ?1 ORDER BY initiative")?;
        let rows = stmt.query_map([item_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The other initiatives each item's explicit link serves (see
    /// [`Store::sync_explicit_links`]), by item, each item's in name order.
    pub fn also_links(&self) -> Result<HashMap<ItemId, Vec<String>>> {
        let conn = crate::sqlite_or!(self, |pg| pg.also_links());
        let mut stmt = conn
            .prepare("SELECT item_id, initiative FROM also_links ORDER BY item_id, initiative")?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<ItemId, Vec<String>> = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(out)
    }

    /// Inserts or replaces links of `origin` for the given items only, leaving others.
    pub fn upsert_links(&mut self, origin: LinkOrigin, links: &[LinkWrite]) -> Result<()> {
        let _span = tracing::info_span!("upsert links", ?origin, links = links.len()).entered();
        let conn = crate::sqlite_or_mut!(self, |pg| pg.upsert_links(origin, links));
        let tx = crate::report_cache::write(conn)?;
        write_links(&tx, origin, links)?;
        tx.commit()?;
        Ok(())
    }

    /// Removes links of `origin` for the given items.
    pub fn delete_links(&mut self, origin: LinkOrigin, items: &[ItemId]) -> Result<()> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.delete_links(origin, items));
        let tx = crate::report_cache::write(conn)?;
        {
            let mut stmt = tx.prepare("DELETE FROM links WHERE origin = ?1 AND item_id = ?2")?;
            for id in items {
                stmt.execute(params![origin.as_str(), id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a person's link for an item: it overrides explicit and inferred links
    /// and becomes training data. `by_team` is the person's team, never their name.
    pub fn set_correction(
        &mut self,
        item_id: ItemId,
        target: &LinkTarget,
        by_team: Option<&str>,
        reason: &str,
    ) -> Result<()> {
        self.set_corrections(&[Correction {
            item_id,
            target: target.clone(),
            by_team: by_team.map(str::to_string),
            reason: reason.to_string(),
        }])
    }

    /// Records several people's links in one transaction: all of them, or (when an item
    /// does not exist) none.
    pub fn set_corrections(&mut self, corrections: &[Correction]) -> Result<()> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.set_corrections(corrections));
        let tx = crate::report_cache::write(conn)?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO links (item_id, origin, target_kind, target_id, confidence, reason, by_team, at) \
                 SELECT ?1, 'corrected', ?2, ?3, 1.0, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM items WHERE id = ?1)",
            )?;
            let at = now();
            for c in corrections {
                let (kind, id) = target_to_sql(&c.target);
                let n = stmt.execute(params![c.item_id, kind, id, c.reason, c.by_team, at])?;
                if n == 0 {
                    // Dropping the transaction rolls back the rows already written.
                    return Err(StoreError::NotFound(format!(
                        "no item with id {}",
                        c.item_id
                    )));
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every link of every origin, ordered by item.
    pub fn links(&self) -> Result<Vec<LinkRow>> {
        let conn = crate::sqlite_or!(self, |pg| pg.links(None));
        query_links(
            conn,
            "SELECT item_id, origin, target_kind, target_id, confidence, reason, by_team, at, input_hash, candidates, aligned_p FROM links ORDER BY item_id",
            [],
        )
    }

    /// Every link's item, origin, target and input hash, ordered by item.
    pub fn link_targets(&self) -> Result<Vec<LinkTargetRow>> {
        let _span = tracing::info_span!("read link targets").entered();
        let conn = crate::sqlite_or!(self, |pg| pg.link_targets());
        let mut stmt = conn.prepare(
            "SELECT item_id, origin, target_kind, target_id, input_hash FROM links ORDER BY item_id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(LinkTargetRow {
                item_id: r.get(0)?,
                origin: origin_from_sql(&r.get::<_, String>(1)?)?,
                target: target_from_sql(&r.get::<_, String>(2)?, r.get(3)?)?,
                input_hash: r.get(4)?,
            });
        }
        Ok(out)
    }

    /// Every link (all origins) of one item.
    pub fn links_of(&self, item_id: ItemId) -> Result<Vec<LinkRow>> {
        let conn = crate::sqlite_or!(self, |pg| pg.links(Some(item_id)));
        query_links(
            conn,
            "SELECT item_id, origin, target_kind, target_id, confidence, reason, by_team, at, input_hash, candidates, aligned_p FROM links WHERE item_id = ?1",
            [item_id],
        )
    }
}

/// [`Store::sync_links`] within a transaction.
fn sync_in(
    tx: &rusqlite::Transaction<'_>,
    origin: LinkOrigin,
    links: &[LinkWrite],
) -> Result<usize> {
    let mut stored: HashMap<ItemId, LinkRow> = query_links(
        tx,
        "SELECT item_id, origin, target_kind, target_id, confidence, reason, by_team, at, input_hash, candidates, aligned_p FROM links WHERE origin = ?1",
        params![origin.as_str()],
    )?
    .into_iter()
    .map(|l| (l.item_id, l))
    .collect();
    let changed: Vec<&LinkWrite> = links
        .iter()
        .filter(|l| stored.remove(&l.item_id).is_none_or(|s| !same(&s, l)))
        .collect();
    write_links(tx, origin, changed.iter().copied())?;
    // What is left of the stored links has no counterpart any more.
    {
        let mut stmt = tx.prepare("DELETE FROM links WHERE origin = ?1 AND item_id = ?2")?;
        for id in stored.keys() {
            stmt.execute(params![origin.as_str(), id])?;
        }
    }
    Ok(changed.len() + stored.len())
}

/// Every link, ordered by item, with its candidates left out (empty): reports never
/// show them, and parsing them is a third of the time it takes to read the links.
pub(crate) fn links_without_candidates(conn: &rusqlite::Connection) -> Result<Vec<LinkRow>> {
    query_links(
        conn,
        "SELECT item_id, origin, target_kind, target_id, confidence, reason, by_team, at, input_hash, NULL, aligned_p FROM links ORDER BY item_id",
        [],
    )
}

fn query_links<P: rusqlite::Params>(
    conn: &rusqlite::Connection,
    sql: &str,
    p: P,
) -> Result<Vec<LinkRow>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(p)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(LinkRow {
            item_id: r.get(0)?,
            origin: origin_from_sql(&r.get::<_, String>(1)?)?,
            target: target_from_sql(&r.get::<_, String>(2)?, r.get(3)?)?,
            confidence: r.get::<_, f64>(4)? as f32,
            reason: r.get(5)?,
            by_team: r.get(6)?,
            at: r.get(7)?,
            input_hash: r.get(8)?,
            candidates: candidates_from_sql(r.get(9)?)?,
            aligned_p: r.get::<_, Option<f64>>(10)?.map(|p| p as f32),
        });
    }
    Ok(out)
}

pub(crate) fn origin_from_sql(origin: &str) -> Result<LinkOrigin> {
    LinkOrigin::parse(origin).ok_or_else(|| StoreError::Corrupt {
        what: "link origin",
        detail: origin.to_string(),
    })
}

/// Whether a stored link already says what `l` would write (what [`Store::sync_links`]
/// leaves alone).
pub(crate) fn same(stored: &LinkRow, l: &LinkWrite) -> bool {
    stored.target == l.target
        && stored.confidence == l.confidence
        && stored.reason == l.reason
        && stored.input_hash == l.input_hash
        && stored.candidates == l.candidates
        && stored.aligned_p == l.aligned_p
}

fn write_links<'a>(
    tx: &rusqlite::Transaction<'_>,
    origin: LinkOrigin,
    links: impl IntoIterator<Item = &'a LinkWrite>,
) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT OR REPLACE INTO links (item_id, origin, target_kind, target_id, confidence, reason, at, input_hash, candidates, aligned_p) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let at = now();
    for l in links {
        let (kind, id) = target_to_sql(&l.target);
        stmt.execute(params![
            l.item_id,
            origin.as_str(),
            kind,
            id,
            f64::from(l.confidence),
            l.reason,
            at,
            l.input_hash,
            candidates_to_sql(&l.candidates),
            l.aligned_p.map(f64::from),
        ])?;
    }
    Ok(())
}

/// `[["initiative:x", 0.71], ...]`, or NULL when there are none. Targets are kept in
/// their text form (`initiative:x`), as people type them in `throughline link`.
pub(crate) fn candidates_to_sql(c: &[Candidate]) -> Option<String> {
    if c.is_empty() {
        return None;
    }
    let pairs: Vec<(String, f32)> = c
        .iter()
        .map(|c| (c.target.to_string(), c.probability))
        .collect();
    serde_json::to_string(&pairs).ok()
}

pub(crate) fn candidates_from_sql(text: Option<String>) -> Result<Vec<Candidate>> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let corrupt = || StoreError::Corrupt {
        what: "link candidates",
        detail: text.clone(),
    };
    let pairs: Vec<(String, f32)> = serde_json::from_str(&text).map_err(|_| corrupt())?;
    pairs
        .into_iter()
        .map(|(t, probability)| {
            Ok(Candidate {
                target: t.parse().map_err(|_| corrupt())?,
                probability,
            })
        })
        .collect()
}
