//! Work items: transactional, idempotent imports and reads.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};
use throughline_model::{Timestamp, WorkItem};

use crate::hash::content_hash;
use crate::rows::{ITEM_COLUMNS, list_to_sql, read_items, ts_to_sql, unit_to_sql};
use crate::{ItemId, Result, Store, StoreError};

/// What an import was, for the import log.
#[derive(Debug, Clone)]
pub struct ImportMeta {
    /// Format name as the user gave it, e.g. "jira".
    pub format: String,
    /// The file the items came from.
    pub path: String,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Records read from the input.
    pub read: u64,
    /// Items new to the database.
    pub inserted: u64,
    /// Items already present whose content changed.
    pub updated: u64,
    /// Items already present and unchanged.
    pub unchanged: u64,
    /// Items removed because a complete input no longer had them ([`Store::import`]
    /// with `prune`); always 0 for [`Store::import_items`].
    pub removed: u64,
}

/// One completed import or sync, as the import log keeps it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ImportRecord {
    /// When it began (RFC 3339, UTC).
    pub at: String,
    /// The format (`jira-json`, `csv`, ...) or the sync (`jira-sync`, `github-sync`, ...).
    pub format: String,
    /// The file, or for a sync the tracker and query.
    pub path: String,
    /// Records read.
    pub items: u64,
}

/// A work item with its database id.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredItem {
    pub id: ItemId,
    #[serde(flatten)]
    pub item: WorkItem,
}

/// Narrows [`Store::items`]. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub team: Option<String>,
    pub source: Option<String>,
    /// Only items created at or after this instant.
    pub created_from: Option<Timestamp>,
    /// Only items created before this instant.
    pub created_before: Option<Timestamp>,
    /// Case-insensitive substring of the title or key.
    pub text: Option<String>,
    pub limit: Option<usize>,
}

const UPSERT: &str = "INSERT INTO items (source, key, url, title, description, item_type, status, \
     status_category, labels, components, parent_key, epic_key, project, team, assignee, \
     estimate, estimate_unit, created, started, resolved, sprint, content_hash, import_id, \
     area_path) \
     VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24) \
     ON CONFLICT (source, key) DO UPDATE SET url=excluded.url, title=excluded.title, \
     description=excluded.description, item_type=excluded.item_type, status=excluded.status, \
     status_category=excluded.status_category, labels=excluded.labels, \
     components=excluded.components, parent_key=excluded.parent_key, \
     epic_key=excluded.epic_key, project=excluded.project, team=excluded.team, \
     assignee=excluded.assignee, estimate=excluded.estimate, \
     estimate_unit=excluded.estimate_unit, created=excluded.created, started=excluded.started, \
     resolved=excluded.resolved, sprint=excluded.sprint, content_hash=excluded.content_hash, \
     import_id=excluded.import_id, area_path=excluded.area_path, team_mapped=0 \
     WHERE items.content_hash <> excluded.content_hash";

impl Store {
    /// Imports items as one transaction: either every item of `items` is stored
    /// (inserted, or updated in place when `(source, key)` exists), or, on the first
    /// error from the input or the database, nothing is.
    ///
    /// `progress` is called every few thousand items with the count read so far.
    pub fn import_items<I, E>(
        &mut self,
        meta: &ImportMeta,
        items: I,
        progress: impl FnMut(u64),
    ) -> Result<ImportSummary>
    where
        I: IntoIterator<Item = std::result::Result<WorkItem, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        Ok(self.import(meta, items, progress, false)?.0)
    }

    /// Imports `items` as [`Store::import_items`] does; with `prune`, the input is read
    /// as everything its source has now (a full sync, a fresh export): in the same
    /// transaction, the items that an earlier import of the same format and path wrote
    /// last, and that this one did not read, are removed with their links (deleted in the
    /// tracker, or moved out of the query). Items another import wrote last are never
    /// touched. An input of no items removes nothing: an empty answer is likelier a wrong
    /// query or lost access than a tracker emptied. Returns the summary and the removed
    /// items' `source:key`s.
    pub fn import<I, E>(
        &mut self,
        meta: &ImportMeta,
        items: I,
        mut progress: impl FnMut(u64),
        prune: bool,
    ) -> Result<(ImportSummary, Vec<String>)>
    where
        I: IntoIterator<Item = std::result::Result<WorkItem, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let _span = tracing::info_span!("write items").entered();
        // Not through `outside_runtime`: the input need not be `Send`, and imports run
        // on blocking threads.
        let conn = match &mut self.db {
            crate::Db::Sqlite(conn) => conn,
            crate::Db::Postgres(pg) => return pg.import(meta, items, progress, prune),
        };
        let tx = crate::report_cache::write(conn)?;
        let before: u64 = tx.query_row("SELECT count(*) FROM items", [], |r| r.get(0))?;
        tx.execute(
            "INSERT INTO imports (at, format, path, items, inserted, updated) VALUES (?1, ?2, ?3, 0, 0, 0)",
            params![now(), meta.format, meta.path],
        )?;
        let import_id = tx.last_insert_rowid();
        let mut summary = ImportSummary::default();
        let mut written = 0u64;
        let mut read: HashSet<(String, String)> = HashSet::new();
        {
            let mut stmt = tx.prepare_cached(UPSERT)?;
            for item in items {
                let item = item.map_err(|e| StoreError::Input(e.into()))?;
                summary.read += 1;
                if prune {
                    read.insert((item.source.clone(), item.key.clone()));
                }
                written += stmt.execute(params![
                    item.source,
                    item.key,
                    item.url,
                    item.title,
                    item.description,
                    item.item_type,
                    item.status,
                    item.status_category.as_str(),
                    list_to_sql(&item.labels),
                    list_to_sql(&item.components),
                    item.parent_key,
                    item.epic_key,
                    item.project,
                    item.team,
                    item.assignee,
                    item.estimate,
                    unit_to_sql(item.estimate_unit),
                    ts_to_sql(item.created),
                    ts_to_sql(item.started),
                    ts_to_sql(item.resolved),
                    item.sprint,
                    content_hash(&item),
                    import_id,
                    item.area_path,
                ])? as u64;
                if summary.read % 4096 == 0 {
                    progress(summary.read);
                }
            }
        }
        // The strategy's teams, for the new and changed items the tracker gave none.
        let teams = crate::strategy::teams_in_force(&tx)?;
        crate::strategy::map_teams(&tx, &teams, Some(import_id))?;
        let after: u64 = tx.query_row("SELECT count(*) FROM items", [], |r| r.get(0))?;
        summary.inserted = after - before;
        // A row counts as written when inserted, or updated because its content changed.
        summary.updated = written.saturating_sub(summary.inserted);
        summary.unchanged = summary.read - summary.inserted - summary.updated;
        let mut removed = Vec::new();
        if prune && summary.read > 0 {
            let mut stmt = tx.prepare(
                "SELECT i.id, i.source, i.key FROM items i JOIN imports m ON m.id = i.import_id \
                 WHERE m.format = ?1 AND m.path = ?2 AND m.id <> ?3",
            )?;
            let earlier = stmt.query_map(params![meta.format, meta.path, import_id], |r| {
                Ok((r.get::<_, ItemId>(0)?, r.get::<_, String>(1)?, r.get(2)?))
            })?;
            let mut gone = Vec::new();
            for row in earlier {
                let (id, source, key) = row?;
                let key = (source, key);
                if !read.contains(&key) {
                    gone.push((id, key));
                }
            }
            let mut delete = tx.prepare("DELETE FROM items WHERE id = ?1")?;
            for (id, (source, key)) in gone {
                delete.execute([id])?;
                removed.push(format!("{source}:{key}"));
            }
            summary.removed = removed.len() as u64;
        }
        tx.execute(
            "UPDATE imports SET items = ?1, inserted = ?2, updated = ?3 WHERE id = ?4",
            params![summary.read, summary.inserted, summary.updated, import_id],
        )?;
        tx.commit()?;
        progress(summary.read);
        Ok((summary, removed))
    }

    /// Number of work items stored.
    /// The last completed import (or sync): where the data came from, and when.
    pub fn last_import(&self) -> Result<Option<ImportRecord>> {
        let conn = crate::sqlite_or!(self, |pg| pg.last_import());
        Ok(conn
            .query_row(
                "SELECT at, format, path, items FROM imports ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(ImportRecord {
                        at: r.get(0)?,
                        format: r.get(1)?,
                        path: r.get(2)?,
                        items: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// The latest completed import of every file (or sync) ever imported, newest first:
    /// what the data is made of, when the files were imported one by one.
    pub fn latest_imports(&self) -> Result<Vec<ImportRecord>> {
        let conn = crate::sqlite_or!(self, |pg| pg.latest_imports());
        let mut stmt = conn.prepare(
            "SELECT at, format, path, items FROM imports
             WHERE id IN (SELECT max(id) FROM imports GROUP BY format, path)
             ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportRecord {
                at: r.get(0)?,
                format: r.get(1)?,
                path: r.get(2)?,
                items: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// When the last completed import of `format` from `path` began (RFC 3339, UTC):
    /// live sync asks the tracker only for work changed since its last run.
    pub fn last_import_at(&self, format: &str, path: &str) -> Result<Option<String>> {
        let conn = crate::sqlite_or!(self, |pg| pg.last_import_at(format, path));
        Ok(conn
            .query_row(
                "SELECT at FROM imports WHERE format = ?1 AND path = ?2 ORDER BY id DESC LIMIT 1",
                params![format, path],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn item_count(&self) -> Result<u64> {
        let conn = crate::sqlite_or!(self, |pg| pg.item_count());
        Ok(conn.query_row("SELECT count(*) FROM items", [], |r| r.get(0))?)
    }

    /// Every work item, in id order. Used by the engine and reports, which work in memory.
    pub fn all_items(&self) -> Result<Vec<StoredItem>> {
        self.items(&ItemFilter::default())
    }

    /// Work items matching `filter`, in id order.
    pub fn items(&self, filter: &ItemFilter) -> Result<Vec<StoredItem>> {
        let conn = crate::sqlite_or!(self, |pg| pg.items(filter));
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE 1=1");
        let mut args: Vec<Value> = Vec::new();
        let mut add = |cond: &str, v: Value| {
            args.push(v);
            sql.push_str(&format!(" AND {cond} ?{}", args.len()));
        };
        if let Some(t) = &filter.team {
            add("team =", Value::Text(t.clone()));
        }
        if let Some(s) = &filter.source {
            add("source =", Value::Text(s.clone()));
        }
        if let Some(t) = filter.created_from {
            add("created >=", ts_value(t));
        }
        if let Some(t) = filter.created_before {
            add("created <", ts_value(t));
        }
        if let Some(text) = &filter.text {
            let pattern = format!("%{}%", text.replace('%', "\\%").replace('_', "\\_"));
            args.push(Value::Text(pattern));
            let n = args.len();
            sql.push_str(&format!(
                " AND (title LIKE ?{n} ESCAPE '\\' OR key LIKE ?{n} ESCAPE '\\')"
            ));
        }
        sql.push_str(" ORDER BY id");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut stmt = conn.prepare(&sql)?;
        let params = rusqlite::params_from_iter(args);
        let mut out = Vec::new();
        read_items(&mut stmt.query(params)?, &mut out)?;
        Ok(out)
    }

    /// Finds one item by key; `source` disambiguates when the key exists in several.
    pub fn find_item(&self, source: Option<&str>, key: &str) -> Result<Option<StoredItem>> {
        let mut found = match &self.db {
            crate::Db::Sqlite(conn) => {
                let sql = format!(
                    "SELECT {ITEM_COLUMNS} FROM items WHERE key = ?1 AND (?2 IS NULL OR source = ?2) ORDER BY id LIMIT 2"
                );
                let mut stmt = conn.prepare(&sql)?;
                let mut found = Vec::new();
                read_items(&mut stmt.query(params![key, source])?, &mut found)?;
                found
            }
            crate::Db::Postgres(pg) => crate::pg::outside_runtime(|| pg.find_items(source, key))?,
        };
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop()),
            _ => Err(StoreError::NotFound(format!(
                "key `{key}` exists in several sources; name one as SOURCE:KEY (e.g. {}:{key})",
                found[0].item.source
            ))),
        }
    }

    /// The content hash of each item, by id, for deciding which inferences are stale.
    pub fn content_hashes(&self) -> Result<Vec<(ItemId, i64)>> {
        let _span = tracing::info_span!("read content hashes").entered();
        let conn = crate::sqlite_or!(self, |pg| pg.content_hashes());
        let mut stmt = conn.prepare("SELECT id, content_hash FROM items ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every item in the order a time split should see them, and whether that order had
    /// to stand in for missing dates. Items are in id order (the order they were first
    /// imported in), except when no item has a creation date: then each import (one
    /// file, usually) is spread over the same span, by position within the import
    /// relative to its size. Training on "the older share" then means the older share
    /// of every file, not the files imported first (whose targets the newest share of a
    /// database of several files may never have seen).
    pub fn items_in_time_order(&self) -> Result<(Vec<StoredItem>, bool)> {
        let mut items = self.all_items_at_once()?;
        if items.is_empty() || items.iter().any(|s| s.item.created.is_some()) {
            return Ok((items, false));
        }
        let import: HashMap<ItemId, Option<i64>> = match &self.db {
            crate::Db::Sqlite(conn) => {
                let mut stmt = conn.prepare("SELECT id, import_id FROM items")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            }
            crate::Db::Postgres(pg) => crate::pg::outside_runtime(|| pg.import_ids())?,
        };
        let group = |s: &StoredItem| import.get(&s.id).copied().flatten();
        let mut size: HashMap<Option<i64>, usize> = HashMap::new();
        for s in &items {
            *size.entry(group(s)).or_default() += 1;
        }
        let mut seen: HashMap<Option<i64>, usize> = HashMap::new();
        let mut at: HashMap<ItemId, (f64, Option<i64>)> = HashMap::with_capacity(items.len());
        for s in &items {
            let g = group(s);
            let rank = seen.entry(g).or_default();
            at.insert(s.id, ((*rank as f64 + 0.5) / size[&g] as f64, g));
            *rank += 1;
        }
        items.sort_by(|a, b| {
            let (x, y) = (at[&a.id], at[&b.id]);
            x.0.total_cmp(&y.0)
                .then(x.1.cmp(&y.1))
                .then(a.id.cmp(&b.id))
        });
        Ok((items, true))
    }

    /// The item's id if `(source, key)` is stored.
    pub fn item_id(&self, source: &str, key: &str) -> Result<Option<ItemId>> {
        let conn = crate::sqlite_or!(self, |pg| pg.item_id(source, key));
        Ok(conn
            .query_row(
                "SELECT id FROM items WHERE source = ?1 AND key = ?2",
                params![source, key],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn ts_value(t: Timestamp) -> Value {
    ts_to_sql(Some(t)).map_or(Value::Null, Value::Text)
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
