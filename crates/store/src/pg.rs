//! The PostgreSQL store: every `Store` method's SQL in PostgreSQL's dialect.
//!
//! The synchronous `postgres` crate (tokio-postgres run on its own small runtime) because
//! the `Store` API is synchronous: callers neither see nor need async, and the crate is
//! the one the PostgreSQL Rust drivers are built around. A client's queries take `&mut`,
//! while the store's reads take `&self`, so the client sits behind a mutex (a `Store` is
//! used by one thread at a time, as a SQLite `Connection` is; the lock is never
//! contended).
//!
//! The client blocks on a runtime of its own, which tokio refuses inside another
//! runtime's worker (the server calls the store from async code, e.g. to poll
//! `data_version`). So a call made from within a runtime runs on a thread of its own
//! ([`outside_runtime`]), and a client dropped there is closed on one ([`Conn`]).
//!
//! What differs from SQLite, and why:
//! - Writes go through [`Pg::write`], which moves the same `store_state.generation` as
//!   SQLite's writers; its row lock also serialises writers as SQLite's write lock does,
//!   and it is what [`crate::Store::data_version`] reads.
//! - Bulk writes travel in one statement, not one round trip a row: items by binary
//!   `COPY` into a temporary table, then one `INSERT ... ON CONFLICT` that writes only
//!   what changed (same content-hash rule as SQLite); links and their kin as arrays
//!   (`unnest`) in one upsert.
//! - `INSERT OR REPLACE` is `ON CONFLICT DO UPDATE` setting every column a replace
//!   would; new ids come from `RETURNING`; `LIKE` is `ILIKE` (SQLite's LIKE ignores
//!   ASCII case); a parameter tested with `IS NULL` is cast to its type.

use std::collections::{HashMap, HashSet};
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use postgres::{Client, NoTls, Row, Transaction};
use throughline_model::{
    ContextNote, LinkOrigin, MetricValue, Strategy, TeamMapping, WorkItem, mapped_team,
};

use crate::digests::{DigestSend, day};
use crate::embeddings::{from_blob, to_blob};
use crate::hash::content_hash;
use crate::items::{ImportMeta, ImportRecord, ImportSummary, ItemFilter, StoredItem, now};
use crate::links::{
    Correction, LinkRow, LinkTargetRow, LinkWrite, candidates_from_sql, candidates_to_sql,
    origin_from_sql, same,
};
use crate::rows::{
    ITEM_COLUMNS, list_from_sql, list_to_sql, target_from_sql, target_to_sql, ts_from_sql,
    ts_to_sql, unit_to_sql,
};
use crate::tokens::{NewToken, Role, TOKEN_COLUMNS, TokenInfo, new_secret, token_hash, token_info};
use crate::{ItemId, Result, StoreError, redact_url};

/// A connection to a PostgreSQL database whose schema is up to date.
pub(crate) struct Pg {
    client: Mutex<Conn>,
}

/// Runs `f` where the client may block: here, or on a thread of its own when this thread
/// drives a tokio runtime.
pub(crate) fn outside_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// A client that is closed outside any runtime when dropped (see the module).
struct Conn(Option<Client>);

impl Deref for Conn {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.0
            .as_ref()
            .expect("a client is taken only when dropped")
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        self.0
            .as_mut()
            .expect("a client is taken only when dropped")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            outside_runtime(move || drop(client));
        }
    }
}

/// No parameters, for `query_raw`.
const NO_PARAMS: std::iter::Empty<i64> = std::iter::empty();

impl Pg {
    pub(crate) fn connect(url: &str) -> Result<Pg> {
        outside_runtime(|| {
            let mut client =
                Client::connect(url, NoTls).map_err(|source| StoreError::OpenPostgres {
                    url: redact_url(url),
                    source,
                })?;
            crate::schema::migrate_pg(&mut client)?;
            Ok(Pg {
                client: Mutex::new(Conn(Some(client))),
            })
        })
    }

    /// The one text a query answers, for tests.
    #[cfg(test)]
    pub(crate) fn query_text(&self, sql: &str) -> String {
        self.c()
            .query_one(sql, &[])
            .and_then(|r| r.try_get(0))
            .unwrap()
    }

    /// An open write transaction, for tests of what waits on one.
    #[cfg(test)]
    pub(crate) fn write_for_test(&mut self) -> Transaction<'_> {
        self.write().unwrap()
    }

    /// Whether the connection is gone (the server restarted, failed over, or ended it):
    /// every later statement on it would fail.
    pub(crate) fn is_closed(&self) -> bool {
        self.c().is_closed()
    }

    fn c(&self) -> MutexGuard<'_, Conn> {
        // A panic while holding the client leaves nothing half-done in it that the next
        // statement would see (a transaction left open is rolled back when dropped).
        self.client.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn client_mut(&mut self) -> &mut Client {
        self.client.get_mut().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the client.
    pub(crate) fn with_client<T>(&self, f: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        f(&mut self.c())
    }

    /// The one number `sql` answers.
    pub(crate) fn query_i64(&self, sql: &str) -> Result<i64> {
        Ok(self.c().query_one(sql, &[])?.try_get(0)?)
    }

    /// A write transaction that counts as a change of the data (see `report_cache.rs`).
    pub(crate) fn write(&mut self) -> Result<Transaction<'_>> {
        let mut tx = self.client_mut().transaction()?;
        tx.execute(
            "UPDATE store_state SET generation = generation + 1 WHERE id = 1",
            &[],
        )?;
        Ok(tx)
    }

    // ---- items ----

    pub(crate) fn import<I, E>(
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
        let mut tx = self.write()?;
        let import_id: i64 = tx
            .query_one(
                "INSERT INTO imports (at, format, path, items, inserted, updated) \
                 VALUES ($1, $2, $3, 0, 0, 0) RETURNING id",
                &[&now(), &meta.format, &meta.path],
            )?
            .try_get(0)?;
        let mut summary = ImportSummary::default();
        let mut read: HashSet<(String, String)> = HashSet::new();
        tx.batch_execute(
            "CREATE TEMP TABLE import_rows (
                ord BIGINT, source TEXT, key TEXT, url TEXT, title TEXT, description TEXT,
                item_type TEXT, status TEXT, status_category TEXT, labels TEXT,
                components TEXT, parent_key TEXT, epic_key TEXT, project TEXT, team TEXT,
                assignee TEXT, estimate DOUBLE PRECISION, estimate_unit TEXT, created TEXT,
                started TEXT, resolved TEXT, sprint TEXT, content_hash BIGINT, area_path TEXT
             ) ON COMMIT DROP",
        )?;
        {
            let sink = tx.copy_in(
                "COPY import_rows (ord, source, key, url, title, description, item_type, \
                 status, status_category, labels, components, parent_key, epic_key, project, \
                 team, assignee, estimate, estimate_unit, created, started, resolved, sprint, \
                 content_hash, area_path) FROM STDIN (FORMAT binary)",
            )?;
            let mut types = vec![Type::INT8];
            types.extend(std::iter::repeat_n(Type::TEXT, 15));
            types.extend([
                Type::FLOAT8,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::INT8,
                Type::TEXT,
            ]);
            let mut writer = BinaryCopyInWriter::new(sink, &types);
            for item in items {
                // On an error the writer is dropped unfinished, which aborts the COPY,
                // and the transaction with it: nothing of the file is stored.
                let item = item.map_err(|e| StoreError::Input(e.into()))?;
                // The hash of the item as read, so re-importing the same export is a no-op.
                let hash = content_hash(&item);
                let item = without_nul(item);
                summary.read += 1;
                if prune {
                    read.insert((item.source.clone(), item.key.clone()));
                }
                let ord = summary.read as i64;
                writer.write(&[
                    &ord,
                    &item.source,
                    &item.key,
                    &item.url,
                    &item.title,
                    &item.description,
                    &item.item_type,
                    &item.status,
                    &item.status_category.as_str(),
                    &list_to_sql(&item.labels),
                    &list_to_sql(&item.components),
                    &item.parent_key,
                    &item.epic_key,
                    &item.project,
                    &item.team,
                    &item.assignee,
                    &item.estimate,
                    &unit_to_sql(item.estimate_unit),
                    &ts_to_sql(item.created),
                    &ts_to_sql(item.started),
                    &ts_to_sql(item.resolved),
                    &item.sprint,
                    &hash,
                    &item.area_path,
                ])?;
                if summary.read % 4096 == 0 {
                    progress(summary.read);
                }
            }
            writer.finish()?;
        }
        // A key twice in one input is stored once, the later record winning, at the place
        // of the first: what SQLite's row-by-row upsert does. Exports rarely repeat a key,
        // and looking for one (a hash aggregate, 1 s on a million rows) costs a fifth of
        // sorting every row to drop them (5 s), so the rows are used as they came unless
        // some key is there twice.
        let repeats: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM import_rows GROUP BY source, key \
                 HAVING count(*) > 1)",
                &[],
            )?
            .try_get(0)?;
        tx.batch_execute(if repeats {
            "CREATE TEMP TABLE import_last ON COMMIT DROP AS \
             SELECT DISTINCT ON (source, key) *, min(ord) OVER (PARTITION BY source, key) AS first \
             FROM import_rows ORDER BY source, key, ord DESC"
        } else {
            // Still dropped at commit: the table keeps its ON COMMIT action.
            "ALTER TABLE import_rows RENAME TO import_last; \
             ALTER TABLE import_last RENAME COLUMN ord TO first"
        })?;
        // Changed items in place, then new ones in the input's order. Not one INSERT ...
        // ON CONFLICT: that draws an id for every row, conflicting or not, so ids would
        // run ahead of SQLite's on every re-import and the same work get other ids.
        summary.updated = tx.execute(
            "UPDATE items SET url=r.url, title=r.title, description=r.description, \
             item_type=r.item_type, status=r.status, status_category=r.status_category, \
             labels=r.labels, components=r.components, parent_key=r.parent_key, \
             epic_key=r.epic_key, project=r.project, team=r.team, assignee=r.assignee, \
             estimate=r.estimate, estimate_unit=r.estimate_unit, created=r.created, \
             started=r.started, resolved=r.resolved, sprint=r.sprint, \
             content_hash=r.content_hash, import_id=$1, area_path=r.area_path, team_mapped=0 \
             FROM import_last r \
             WHERE items.source = r.source AND items.key = r.key \
             AND items.content_hash <> r.content_hash",
            &[&import_id],
        )?;
        summary.inserted = tx.execute(
            "INSERT INTO items (source, key, url, title, description, item_type, status, \
             status_category, labels, components, parent_key, epic_key, project, team, assignee, \
             estimate, estimate_unit, created, started, resolved, sprint, content_hash, import_id, \
             area_path) \
             SELECT source, key, url, title, description, item_type, status, status_category, \
             labels, components, parent_key, epic_key, project, team, assignee, estimate, \
             estimate_unit, created, started, resolved, sprint, content_hash, $1, area_path \
             FROM import_last r \
             WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.source = r.source AND i.key = r.key) \
             ORDER BY first",
            &[&import_id],
        )?;
        let teams = teams_of(&mut tx, None)?;
        map_teams(&mut tx, &teams, Some(import_id))?;
        summary.unchanged = summary
            .read
            .saturating_sub(summary.inserted + summary.updated);
        let mut removed = Vec::new();
        if prune && summary.read > 0 {
            let rows = tx.query(
                "SELECT i.id, i.source, i.key FROM items i JOIN imports m ON m.id = i.import_id \
                 WHERE m.format = $1 AND m.path = $2 AND m.id <> $3 ORDER BY i.id",
                &[&meta.format, &meta.path, &import_id],
            )?;
            let mut gone: Vec<ItemId> = Vec::new();
            for r in rows {
                let key: (String, String) = (r.try_get(1)?, r.try_get(2)?);
                if !read.contains(&key) {
                    gone.push(r.try_get(0)?);
                    removed.push(format!("{}:{}", key.0, key.1));
                }
            }
            tx.execute("DELETE FROM items WHERE id = ANY($1)", &[&gone])?;
            summary.removed = removed.len() as u64;
        }
        tx.execute(
            "UPDATE imports SET items = $1, inserted = $2, updated = $3 WHERE id = $4",
            &[
                &(summary.read as i64),
                &(summary.inserted as i64),
                &(summary.updated as i64),
                &import_id,
            ],
        )?;
        tx.commit()?;
        progress(summary.read);
        Ok((summary, removed))
    }

    pub(crate) fn last_import(&self) -> Result<Option<ImportRecord>> {
        let row = self.c().query_opt(
            "SELECT at, format, path, items FROM imports ORDER BY id DESC LIMIT 1",
            &[],
        )?;
        row.map(|r| import_record(&r)).transpose()
    }

    pub(crate) fn latest_imports(&self) -> Result<Vec<ImportRecord>> {
        self.c()
            .query(
                "SELECT at, format, path, items FROM imports
                 WHERE id IN (SELECT max(id) FROM imports GROUP BY format, path)
                 ORDER BY id DESC",
                &[],
            )?
            .iter()
            .map(import_record)
            .collect()
    }

    pub(crate) fn last_import_at(&self, format: &str, path: &str) -> Result<Option<String>> {
        let row = self.c().query_opt(
            "SELECT at FROM imports WHERE format = $1 AND path = $2 ORDER BY id DESC LIMIT 1",
            &[&format, &path],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    pub(crate) fn item_count(&self) -> Result<u64> {
        let n: i64 = self
            .c()
            .query_one("SELECT count(*) FROM items", &[])?
            .try_get(0)?;
        Ok(n as u64)
    }

    pub(crate) fn items(&self, filter: &ItemFilter) -> Result<Vec<StoredItem>> {
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE 1=1");
        let mut args: Vec<String> = Vec::new();
        let mut add = |cond: &str, v: String| {
            args.push(v);
            sql.push_str(&format!(" AND {cond} ${}", args.len()));
        };
        if let Some(t) = &filter.team {
            add("team =", t.clone());
        }
        if let Some(s) = &filter.source {
            add("source =", s.clone());
        }
        if let Some(t) = filter.created_from {
            add("created >=", ts_to_sql(Some(t)).unwrap_or_default());
        }
        if let Some(t) = filter.created_before {
            add("created <", ts_to_sql(Some(t)).unwrap_or_default());
        }
        if let Some(text) = &filter.text {
            let pattern = format!("%{}%", text.replace('%', "\\%").replace('_', "\\_"));
            args.push(pattern);
            let n = args.len();
            sql.push_str(&format!(
                " AND (title ILIKE ${n} ESCAPE '\\' OR key ILIKE ${n} ESCAPE '\\')"
            ));
        }
        sql.push_str(" ORDER BY id");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut c = self.c();
        let mut rows = c.query_raw(&sql, args.iter())?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(stored_item(&r)?);
        }
        Ok(out)
    }

    pub(crate) fn find_items(&self, source: Option<&str>, key: &str) -> Result<Vec<StoredItem>> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items WHERE key = $1 AND ($2::text IS NULL OR source = $2) \
             ORDER BY id LIMIT 2"
        );
        self.c()
            .query(&sql, &[&key, &source])?
            .iter()
            .map(stored_item)
            .collect()
    }

    pub(crate) fn content_hashes(&self) -> Result<Vec<(ItemId, i64)>> {
        let mut c = self.c();
        let mut rows = c.query_raw("SELECT id, content_hash FROM items ORDER BY id", NO_PARAMS)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push((r.try_get(0)?, r.try_get(1)?));
        }
        Ok(out)
    }

    pub(crate) fn import_ids(&self) -> Result<HashMap<ItemId, Option<i64>>> {
        let mut c = self.c();
        let mut rows = c.query_raw("SELECT id, import_id FROM items", NO_PARAMS)?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            out.insert(r.try_get(0)?, r.try_get(1)?);
        }
        Ok(out)
    }

    pub(crate) fn item_id(&self, source: &str, key: &str) -> Result<Option<ItemId>> {
        let row = self.c().query_opt(
            "SELECT id FROM items WHERE source = $1 AND key = $2",
            &[&source, &key],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Every item (its `columns`) and, when asked, every link without candidates, in one
    /// snapshot: a repeatable-read transaction, so the two agree.
    pub(crate) fn read_at_once(
        &self,
        columns: &str,
        with_links: bool,
    ) -> Result<(Vec<StoredItem>, Vec<LinkRow>)> {
        let mut c = self.c();
        let mut tx = c
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut items = Vec::new();
        {
            let mut rows = tx.query_raw(
                &format!("SELECT {columns} FROM items ORDER BY id"),
                NO_PARAMS,
            )?;
            while let Some(r) = rows.next()? {
                items.push(stored_item(&r)?);
            }
        }
        let links = if with_links {
            query_links(
                &mut tx,
                "SELECT item_id, origin, target_kind, target_id, confidence, reason, by_team, at, \
                 input_hash, NULL::text, aligned_p FROM links ORDER BY item_id, origin",
                NO_PARAMS,
            )?
        } else {
            Vec::new()
        };
        tx.commit()?;
        Ok((items, links))
    }

    // ---- links ----

    pub(crate) fn replace_links(&mut self, origin: LinkOrigin, links: &[LinkWrite]) -> Result<()> {
        let mut tx = self.write()?;
        tx.execute("DELETE FROM links WHERE origin = $1", &[&origin.as_str()])?;
        write_links(&mut tx, origin, links.iter())?;
        tx.commit()?;
        Ok(())
    }

    /// `Store::sync_links`, and with `also` `Store::sync_explicit_links`.
    pub(crate) fn sync_links(
        &mut self,
        origin: LinkOrigin,
        links: &[LinkWrite],
        also: Option<&[(ItemId, String)]>,
    ) -> Result<usize> {
        let mut tx = self.write()?;
        let mut stored: HashMap<ItemId, LinkRow> = query_links(
            &mut tx,
            "SELECT item_id, origin, target_kind, target_id, confidence, reason, by_team, at, \
             input_hash, candidates, aligned_p FROM links WHERE origin = $1",
            [origin.as_str()].iter(),
        )?
        .into_iter()
        .map(|l| (l.item_id, l))
        .collect();
        let changed: Vec<&LinkWrite> = links
            .iter()
            .filter(|l| stored.remove(&l.item_id).is_none_or(|s| !same(&s, l)))
            .collect();
        write_links(&mut tx, origin, changed.iter().copied())?;
        let gone: Vec<ItemId> = stored.keys().copied().collect();
        tx.execute(
            "DELETE FROM links WHERE origin = $1 AND item_id = ANY($2)",
            &[&origin.as_str(), &gone],
        )?;
        if let Some(also) = also {
            let mut stored: HashSet<(ItemId, String)> = tx
                .query("SELECT item_id, initiative FROM also_links", &[])?
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect::<Result<_>>()?;
            let (mut new_ids, mut new_inits) = (Vec::new(), Vec::new());
            for (id, init) in also {
                if !stored.remove(&(*id, init.clone())) {
                    new_ids.push(*id);
                    new_inits.push(init.as_str());
                }
            }
            tx.execute(
                "INSERT INTO also_links (item_id, initiative) \
                 SELECT * FROM unnest($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING",
                &[&new_ids, &new_inits],
            )?;
            let (old_ids, old_inits): (Vec<ItemId>, Vec<String>) = stored.into_iter().unzip();
            tx.execute(
                "DELETE FROM also_links a USING unnest($1::bigint[], $2::text[]) AS d(item_id, initiative) \
                 WHERE a.item_id = d.item_id AND a.initiative = d.initiative",
                &[&old_ids, &old_inits],
            )?;
        }
        tx.commit()?;
        Ok(changed.len() + gone.len())
    }

    pub(crate) fn also_links_of(&self, item_id: ItemId) -> Result<Vec<String>> {
        self.c()
            .query(
                "SELECT initiative FROM also_links WHERE item_id = $1 ORDER BY initiative",
                &[&item_id],
            )?
            .iter()
            .map(|r| Ok(r.try_get(0)?))
            .collect()
    }

    pub(crate) fn also_links(&self) -> Result<HashMap<ItemId, Vec<String>>> {
        let mut c = self.c();
        let mut rows = c.query_raw(
            "SELECT item_id, initiative FROM also_links ORDER BY item_id, initiative",
            NO_PARAMS,
        )?;
        let mut out: HashMap<ItemId, Vec<String>> = HashMap::new();
        while let Some(r) = rows.next()? {
            out.entry(r.try_get(0)?).or_default().push(r.try_get(1)?);
        }
        Ok(out)
    }

    pub(crate) fn upsert_links(&mut self, origin: LinkOrigin, links: &[LinkWrite]) -> Result<()> {
        let mut tx = self.write()?;
        write_links(&mut tx, origin, links.iter())?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn delete_links(&mut self, origin: LinkOrigin, items: &[ItemId]) -> Result<()> {
        let mut tx = self.write()?;
        tx.execute(
            "DELETE FROM links WHERE origin = $1 AND item_id = ANY($2)",
            &[&origin.as_str(), &items],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn set_corrections(&mut self, corrections: &[Correction]) -> Result<()> {
        let mut tx = self.write()?;
        let stmt = tx.prepare(
            "INSERT INTO links (item_id, origin, target_kind, target_id, confidence, reason, by_team, at) \
             SELECT $1::bigint, 'corrected', $2::text, $3::text, 1.0, $4::text, $5::text, $6::text \
             WHERE EXISTS (SELECT 1 FROM items WHERE id = $1) \
             ON CONFLICT (item_id, origin) DO UPDATE SET target_kind = excluded.target_kind, \
             target_id = excluded.target_id, confidence = excluded.confidence, \
             reason = excluded.reason, by_team = excluded.by_team, at = excluded.at, \
             input_hash = NULL, candidates = NULL, aligned_p = NULL",
        )?;
        let at = now();
        for c in corrections {
            let (kind, id) = target_to_sql(&c.target);
            let n = tx.execute(&stmt, &[&c.item_id, &kind, &id, &c.reason, &c.by_team, &at])?;
            if n == 0 {
                // Dropping the transaction rolls back the rows already written.
                return Err(StoreError::NotFound(format!(
                    "no item with id {}",
                    c.item_id
                )));
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every link, or one item's.
    pub(crate) fn links(&self, item_id: Option<ItemId>) -> Result<Vec<LinkRow>> {
        let mut c = self.c();
        let columns = "item_id, origin, target_kind, target_id, confidence, reason, by_team, at, \
                       input_hash, candidates, aligned_p";
        match item_id {
            Some(id) => query_links(
                &mut **c,
                &format!("SELECT {columns} FROM links WHERE item_id = $1 ORDER BY origin"),
                [id].iter(),
            ),
            None => query_links(
                &mut **c,
                &format!("SELECT {columns} FROM links ORDER BY item_id, origin"),
                NO_PARAMS,
            ),
        }
    }

    pub(crate) fn link_targets(&self) -> Result<Vec<LinkTargetRow>> {
        let mut c = self.c();
        let mut rows = c.query_raw(
            "SELECT item_id, origin, target_kind, target_id, input_hash FROM links ORDER BY item_id, origin",
            NO_PARAMS,
        )?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(LinkTargetRow {
                item_id: r.try_get(0)?,
                origin: origin_from_sql(r.try_get(1)?)?,
                target: target_from_sql(r.try_get(2)?, r.try_get(3)?)?,
                input_hash: r.try_get(4)?,
            });
        }
        Ok(out)
    }

    // ---- strategy ----

    pub(crate) fn apply_strategy(
        &mut self,
        json: &str,
        teams_json: &str,
        teams: &[TeamMapping],
        source_text: &str,
        source_path: Option<&str>,
    ) -> Result<(i64, u64)> {
        let mut tx = self.write()?;
        let version: i64 = tx
            .query_one(
                "INSERT INTO strategy_versions (applied_at, source_path, source_text, strategy_json, teams_json) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING version",
                &[&now(), &source_path, &source_text, &json, &teams_json],
            )?
            .try_get(0)?;
        tx.execute(
            "UPDATE items SET team = NULL, team_mapped = 0 WHERE team_mapped = 1",
            &[],
        )?;
        let mapped = map_teams(&mut tx, teams, None)?;
        tx.commit()?;
        Ok((version, mapped))
    }

    pub(crate) fn teams_of(&self, version: Option<i64>) -> Result<Vec<TeamMapping>> {
        teams_of(&mut **self.c(), version)
    }

    pub(crate) fn strategy_version(&self, version: Option<i64>) -> Result<Option<(i64, Strategy)>> {
        let row = self.c().query_opt(
            "SELECT version, strategy_json FROM strategy_versions \
             WHERE $1::bigint IS NULL OR version = $1 ORDER BY version DESC LIMIT 1",
            &[&version],
        )?;
        let row = row
            .map(|r| -> Result<(i64, String)> { Ok((r.try_get(0)?, r.try_get(1)?)) })
            .transpose()?;
        crate::strategy::strategy_from_row(row)
    }

    pub(crate) fn strategy_history(&self) -> Result<Vec<crate::StrategyVersion>> {
        self.c()
            .query(
                "SELECT version, applied_at, source_path, strategy_json FROM strategy_versions \
                 ORDER BY version",
                &[],
            )?
            .iter()
            .map(|r| {
                crate::strategy::version_row(
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                )
            })
            .collect()
    }

    // ---- tokens ----

    pub(crate) fn create_token(
        &mut self,
        role: Role,
        team: Option<&str>,
        name: Option<&str>,
    ) -> Result<NewToken> {
        let secret = new_secret()?;
        let created_at = now();
        let id: i64 = self
            .client_mut()
            .query_one(
                "INSERT INTO tokens (name, role, team, hash, created_at) VALUES ($1, $2, $3, $4, $5) \
                 RETURNING id",
                &[&name, &role.as_str(), &team, &token_hash(&secret), &created_at],
            )?
            .try_get(0)?;
        Ok(NewToken {
            info: TokenInfo {
                id,
                name: name.map(str::to_string),
                role,
                team: team.map(str::to_string),
                created_at,
                revoked_at: None,
            },
            secret,
        })
    }

    pub(crate) fn verify_token(&self, secret: &str) -> Result<Option<TokenInfo>> {
        let row = self.c().query_opt(
            &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = $1 AND revoked_at IS NULL"),
            &[&token_hash(secret)],
        )?;
        row.map(|r| token_from_row(&r)).transpose()
    }

    pub(crate) fn tokens(&self) -> Result<Vec<TokenInfo>> {
        self.c()
            .query(
                &format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY id"),
                &[],
            )?
            .iter()
            .map(token_from_row)
            .collect()
    }

    pub(crate) fn revoke_token(&mut self, id: i64) -> Result<()> {
        let n = self.client_mut().execute(
            "UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&id, &now()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("no live token with id {id}")));
        }
        Ok(())
    }

    // ---- notes, metrics, embeddings ----

    pub(crate) fn add_notes(&mut self, notes: &[ContextNote]) -> Result<usize> {
        let mut tx = self.write()?;
        let stmt = tx.prepare(
            "INSERT INTO notes (target_kind, target_source, target_id, kind, text, author_team, author_name, date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )?;
        for n in notes {
            let (kind, source, id) = crate::notes::note_target(n);
            tx.execute(
                &stmt,
                &[
                    &kind,
                    &source,
                    &id,
                    &n.kind.as_str(),
                    &n.text,
                    &n.author_team,
                    &n.author_name,
                    &n.date.to_string(),
                ],
            )?;
        }
        tx.commit()?;
        Ok(notes.len())
    }

    /// Every note, or one item's (`(source, key)`), oldest first.
    pub(crate) fn notes(&self, item: Option<(&str, &str)>) -> Result<Vec<ContextNote>> {
        let columns = crate::notes::NOTE_COLUMNS;
        let rows = match item {
            None => self.c().query(
                &format!("SELECT {columns} FROM notes ORDER BY date, id"),
                &[],
            )?,
            Some((source, key)) => self.c().query(
                &format!(
                    "SELECT {columns} FROM notes \
                     WHERE target_kind = 'item' AND target_id = $1 AND target_source = $2 \
                     ORDER BY date, id"
                ),
                &[&key, &source],
            )?,
        };
        rows.iter()
            .map(|r| {
                crate::notes::note_from_columns(
                    r.try_get(0)?,
                    r.try_get(1)?,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                    r.try_get(6)?,
                    r.try_get(7)?,
                )
            })
            .collect()
    }

    pub(crate) fn add_metric_values(&mut self, values: &[(String, MetricValue)]) -> Result<usize> {
        let mut tx = self.write()?;
        let ids: Vec<&str> = values.iter().map(|(m, _)| m.as_str()).collect();
        let dates: Vec<String> = values.iter().map(|(_, v)| v.date.to_string()).collect();
        let vals: Vec<f64> = values.iter().map(|(_, v)| v.value).collect();
        // One statement can upsert a row only once: the last value given for a
        // (metric, date) wins, as SQLite's row-by-row replace does.
        tx.execute(
            "INSERT INTO metric_values (metric_id, date, value) \
             SELECT DISTINCT ON (m, d) m, d, v \
             FROM unnest($1::text[], $2::text[], $3::float8[]) WITH ORDINALITY AS u(m, d, v, n) \
             ORDER BY m, d, n DESC \
             ON CONFLICT (metric_id, date) DO UPDATE SET value = excluded.value",
            &[&ids, &dates, &vals],
        )?;
        tx.commit()?;
        Ok(values.len())
    }

    pub(crate) fn metric_values(&self, metric_id: &str) -> Result<Vec<MetricValue>> {
        self.c()
            .query(
                "SELECT date, value FROM metric_values WHERE metric_id = $1 ORDER BY date",
                &[&metric_id],
            )?
            .iter()
            .map(|r| crate::metrics::metric_value(r.try_get(0)?, r.try_get(1)?))
            .collect()
    }

    pub(crate) fn embeddings(&self, model: &str) -> Result<HashMap<i64, Vec<f32>>> {
        let mut c = self.c();
        let mut rows = c.query_raw(
            "SELECT text_hash, vector FROM embeddings WHERE model = $1",
            [model].iter(),
        )?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            out.insert(r.try_get(0)?, from_blob(r.try_get(1)?)?);
        }
        Ok(out)
    }

    pub(crate) fn put_embeddings(
        &mut self,
        model: &str,
        vectors: &[(i64, Vec<f32>)],
    ) -> Result<()> {
        let mut tx = self.write()?;
        let hashes: Vec<i64> = vectors.iter().map(|(h, _)| *h).collect();
        let blobs: Vec<Vec<u8>> = vectors.iter().map(|(_, v)| to_blob(v)).collect();
        tx.execute(
            "INSERT INTO embeddings (model, text_hash, vector) \
             SELECT DISTINCT ON (h) $1, h, v \
             FROM unnest($2::bigint[], $3::bytea[]) WITH ORDINALITY AS u(h, v, n) \
             ORDER BY h, n DESC \
             ON CONFLICT (model, text_hash) DO UPDATE SET vector = excluded.vector",
            &[&model, &hashes, &blobs],
        )?;
        tx.commit()?;
        Ok(())
    }

    // ---- digests ----

    pub(crate) fn record_digest(&mut self, send: &DigestSend) -> Result<DigestSend> {
        let sent_at = now();
        self.client_mut().execute(
            "INSERT INTO digest_sends (destination, shown, team, sent_at, covered_from, \
             covered_to, ok, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &send.destination,
                &send.shown,
                &send.team,
                &sent_at,
                &send.covered_from.to_string(),
                &send.covered_to.to_string(),
                &i64::from(send.ok),
                &send.error,
            ],
        )?;
        Ok(DigestSend {
            sent_at,
            ..send.clone()
        })
    }

    pub(crate) fn last_digest(
        &self,
        destination: &str,
        team: &str,
    ) -> Result<Option<chrono::NaiveDate>> {
        let last: Option<String> = self
            .c()
            .query_one(
                "SELECT MAX(covered_to) FROM digest_sends \
                 WHERE destination = $1 AND team = $2 AND ok = 1",
                &[&destination, &team],
            )?
            .try_get(0)?;
        last.map(day).transpose()
    }

    pub(crate) fn digest_sends(&self) -> Result<Vec<DigestSend>> {
        self.c()
            .query(
                "SELECT destination, shown, team, sent_at, covered_from, covered_to, ok, error \
                 FROM digest_sends ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(DigestSend {
                    destination: r.try_get(0)?,
                    shown: r.try_get(1)?,
                    team: r.try_get(2)?,
                    sent_at: r.try_get(3)?,
                    covered_from: day(r.try_get(4)?)?,
                    covered_to: day(r.try_get(5)?)?,
                    ok: r.try_get::<_, i64>(6)? != 0,
                    error: r.try_get(7)?,
                })
            })
            .collect()
    }

    // ---- the report cache ----

    pub(crate) fn generation(&self) -> Result<i64> {
        Ok(self
            .c()
            .query_one("SELECT generation FROM store_state WHERE id = 1", &[])?
            .try_get(0)?)
    }

    pub(crate) fn cached_report(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let row = self.c().query_opt(
            "SELECT body FROM report_cache, store_state \
             WHERE name = $1 AND report_cache.generation = store_state.generation",
            &[&name],
        )?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Keeps a report as SQLite's `put_cached_report` does. It takes no lock a writer
    /// holds (writers lock `store_state`; this only reads it), so it never waits on an
    /// import; a write committed between the check and the insert leaves an entry of an
    /// old generation, which is never served.
    pub(crate) fn put_cached_report(
        &mut self,
        name: &str,
        generation: i64,
        body: &[u8],
    ) -> Result<bool> {
        let mut tx = self.client_mut().transaction()?;
        let now: i64 = tx
            .query_one("SELECT generation FROM store_state WHERE id = 1", &[])?
            .try_get(0)?;
        if now != generation {
            return Ok(false);
        }
        tx.execute(
            "DELETE FROM report_cache WHERE generation <> $1",
            &[&generation],
        )?;
        tx.execute(
            "INSERT INTO report_cache (name, generation, body) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET generation = excluded.generation, body = excluded.body",
            &[&name, &generation, &body],
        )?;
        tx.commit()?;
        Ok(true)
    }
}

fn query_links<Q, P, I>(q: &mut Q, sql: &str, params: I) -> Result<Vec<LinkRow>>
where
    Q: postgres::GenericClient,
    P: postgres::types::BorrowToSql,
    I: IntoIterator<Item = P>,
    I::IntoIter: ExactSizeIterator,
{
    let mut rows = q.query_raw(sql, params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(LinkRow {
            item_id: r.try_get(0)?,
            origin: origin_from_sql(r.try_get(1)?)?,
            target: target_from_sql(r.try_get(2)?, r.try_get(3)?)?,
            confidence: r.try_get::<_, f64>(4)? as f32,
            reason: r.try_get(5)?,
            by_team: r.try_get(6)?,
            at: r.try_get(7)?,
            input_hash: r.try_get(8)?,
            candidates: candidates_from_sql(r.try_get(9)?)?,
            aligned_p: r.try_get::<_, Option<f64>>(10)?.map(|p| p as f32),
        });
    }
    Ok(out)
}

/// Writes `links` of `origin` as SQLite's `INSERT OR REPLACE` does (a link the item
/// already has of that origin is replaced whole, its team cleared), in one statement.
fn write_links<'a>(
    tx: &mut Transaction<'_>,
    origin: LinkOrigin,
    links: impl Iterator<Item = &'a LinkWrite>,
) -> Result<()> {
    let mut ids = Vec::new();
    let mut kinds = Vec::new();
    let mut targets = Vec::new();
    let mut confidences = Vec::new();
    let mut reasons = Vec::new();
    let mut hashes = Vec::new();
    let mut candidates = Vec::new();
    let mut aligned = Vec::new();
    for l in links {
        let (kind, id) = target_to_sql(&l.target);
        ids.push(l.item_id);
        kinds.push(kind);
        targets.push(id);
        confidences.push(f64::from(l.confidence));
        reasons.push(l.reason.as_str());
        hashes.push(l.input_hash);
        candidates.push(candidates_to_sql(&l.candidates));
        aligned.push(l.aligned_p.map(f64::from));
    }
    if ids.is_empty() {
        return Ok(());
    }
    // The last write of an item wins, as it does row by row.
    tx.execute(
        "INSERT INTO links (item_id, origin, target_kind, target_id, confidence, reason, at, \
         input_hash, candidates, aligned_p) \
         SELECT DISTINCT ON (i) i, $1, k, t, c, r, $2, h, cand, a \
         FROM unnest($3::bigint[], $4::text[], $5::text[], $6::float8[], $7::text[], \
                     $8::bigint[], $9::text[], $10::float8[]) \
              WITH ORDINALITY AS u(i, k, t, c, r, h, cand, a, n) \
         ORDER BY i, n DESC \
         ON CONFLICT (item_id, origin) DO UPDATE SET target_kind = excluded.target_kind, \
         target_id = excluded.target_id, confidence = excluded.confidence, \
         reason = excluded.reason, by_team = NULL, at = excluded.at, \
         input_hash = excluded.input_hash, candidates = excluded.candidates, \
         aligned_p = excluded.aligned_p",
        &[
            &origin.as_str(),
            &now(),
            &ids,
            &kinds,
            &targets,
            &confidences,
            &reasons,
            &hashes,
            &candidates,
            &aligned,
        ],
    )?;
    Ok(())
}

fn teams_of<Q: postgres::GenericClient>(
    q: &mut Q,
    version: Option<i64>,
) -> Result<Vec<TeamMapping>> {
    let json: Option<String> = q
        .query_opt(
            "SELECT teams_json FROM strategy_versions \
             WHERE $1::bigint IS NULL OR version = $1 ORDER BY version DESC LIMIT 1",
            &[&version],
        )?
        .map(|r| r.try_get(0))
        .transpose()?;
    crate::strategy::teams_from_json(json)
}

/// `strategy::map_teams` on PostgreSQL: the same rule, the updates in one statement.
fn map_teams(
    tx: &mut Transaction<'_>,
    teams: &[TeamMapping],
    import_id: Option<i64>,
) -> Result<u64> {
    if teams.is_empty() {
        return Ok(0);
    }
    let (mut ids, mut names) = (Vec::<i64>::new(), Vec::<String>::new());
    {
        let mut rows = tx.query_raw(
            "SELECT id, project, components FROM items \
             WHERE team IS NULL AND ($1::bigint IS NULL OR import_id = $1)",
            [import_id].iter(),
        )?;
        while let Some(r) = rows.next()? {
            let item = WorkItem {
                project: r.try_get(1)?,
                components: list_from_sql(r.try_get(2)?)?,
                ..WorkItem::default()
            };
            if let Some(team) = mapped_team(teams, &item) {
                ids.push(r.try_get(0)?);
                names.push(team.to_string());
            }
        }
    }
    tx.execute(
        "UPDATE items SET team = u.team, team_mapped = 1 \
         FROM unnest($1::bigint[], $2::text[]) AS u(id, team) WHERE items.id = u.id",
        &[&ids, &names],
    )?;
    Ok(ids.len() as u64)
}

fn import_record(r: &Row) -> Result<ImportRecord> {
    Ok(ImportRecord {
        at: r.try_get(0)?,
        format: r.try_get(1)?,
        path: r.try_get(2)?,
        items: r.try_get::<_, i64>(3)? as u64,
    })
}

fn token_from_row(r: &Row) -> Result<TokenInfo> {
    token_info(
        r.try_get(0)?,
        r.try_get(1)?,
        r.try_get(2)?,
        r.try_get(3)?,
        r.try_get(4)?,
        r.try_get(5)?,
    )
}

/// `item` without NUL characters, which PostgreSQL's text cannot hold (SQLite's can,
/// and real Jira exports have them in descriptions): removed, as nothing shows them.
fn without_nul(mut item: WorkItem) -> WorkItem {
    fn strip(s: &mut String) {
        if s.contains('\0') {
            s.retain(|c| c != '\0');
        }
    }
    for s in [
        &mut item.source,
        &mut item.key,
        &mut item.title,
        &mut item.description,
    ] {
        strip(s);
    }
    for s in [
        &mut item.url,
        &mut item.item_type,
        &mut item.status,
        &mut item.parent_key,
        &mut item.epic_key,
        &mut item.project,
        &mut item.team,
        &mut item.assignee,
        &mut item.sprint,
        &mut item.area_path,
    ]
    .into_iter()
    .flatten()
    {
        strip(s);
    }
    item.labels.iter_mut().for_each(strip);
    item.components.iter_mut().for_each(strip);
    item
}

/// Text as PostgreSQL can hold it (see [`without_nul`]).
pub(crate) fn text_without_nul(mut s: String) -> String {
    if s.contains('\0') {
        s.retain(|c| c != '\0');
    }
    s
}

/// An item from a row of [`ITEM_COLUMNS`] (or the list without descriptions).
fn stored_item(r: &Row) -> Result<StoredItem> {
    let cat: &str = r.try_get(8)?;
    let unit: &str = r.try_get(17)?;
    Ok(StoredItem {
        id: r.try_get(0)?,
        item: WorkItem {
            source: r.try_get(1)?,
            key: r.try_get(2)?,
            url: r.try_get(3)?,
            title: r.try_get(4)?,
            description: r.try_get(5)?,
            item_type: r.try_get(6)?,
            status: r.try_get(7)?,
            status_category: throughline_model::StatusCategory::parse(cat).unwrap_or_default(),
            labels: list_from_sql(r.try_get(9)?)?,
            components: list_from_sql(r.try_get(10)?)?,
            parent_key: r.try_get(11)?,
            epic_key: r.try_get(12)?,
            project: r.try_get(13)?,
            team: r.try_get(14)?,
            assignee: r.try_get(15)?,
            estimate: r.try_get(16)?,
            estimate_unit: if unit == "hours" {
                throughline_model::EstimateUnit::Hours
            } else {
                throughline_model::EstimateUnit::Points
            },
            created: ts_from_sql(r.try_get(18)?)?,
            started: ts_from_sql(r.try_get(19)?)?,
            resolved: ts_from_sql(r.try_get(20)?)?,
            sprint: r.try_get(21)?,
            area_path: r.try_get(22)?,
        },
    })
}
