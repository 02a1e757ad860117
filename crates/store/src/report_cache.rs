//! Rendered reports, kept until the data they were made of changes.
//!
//! A report on a million items takes seconds, nearly all of it spent reading every item
//! (see `Snapshot::load` in the report crate), yet people ask for the same status or
//! brief again and again between imports. So the store counts its changes: every write
//! transaction goes through [`Store::write`], which adds one to a `generation` in the
//! same transaction, and a rendered report is stored under the generation read before
//! the report read its data. A report is served only while the generation is still
//! that one, so a write that lands while a report is being made (or after) makes it
//! stale, never wrong.
//!
//! A counter bumped by the writers, rather than triggers on every table: triggers fire
//! once per row, and an import or an alignment writes a million rows.
//!
//! Access tokens are not report data, so creating or revoking one leaves the reports be.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use rusqlite::Connection;

use crate::{Result, Store};

/// Starts a write transaction that counts as a change of the data: every writer in
/// this crate starts its transaction here (`pg::Pg::write` on PostgreSQL). `IMMEDIATE`
/// takes the write lock at once, so the generation read by a report can never be
/// overtaken by a writer that began earlier but commits later.
pub(crate) fn write(conn: &mut Connection) -> Result<Transaction<'_>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE store_state SET generation = generation + 1 WHERE id = 1",
        [],
    )?;
    Ok(tx)
}

/// The most a cached report may weigh: a million items' keys in `--json` output are
/// 100 MB, which would be as slow to read back as to make.
pub const MAX_CACHED_REPORT: usize = 8 << 20;

impl Store {
    /// How many times the data reports read has changed since the database was made.
    pub fn generation(&self) -> Result<i64> {
        let conn = crate::sqlite_or!(self, |pg| pg.generation());
        Ok(
            conn.query_row("SELECT generation FROM store_state WHERE id = 1", [], |r| {
                r.get(0)
            })?,
        )
    }

    /// The report stored under `name`, if it was made of the data as it is now.
    pub fn cached_report(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let conn = crate::sqlite_or!(self, |pg| pg.cached_report(name));
        Ok(conn
            .query_row(
                "SELECT body FROM report_cache, store_state \
                 WHERE name = ?1 AND report_cache.generation = store_state.generation",
                params![name],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Keeps a report made of the data at `generation` (read with [`Store::generation`]
    /// before the report read anything) and drops reports of other generations. Returns
    /// whether it was kept: not when the data has changed since, when the body is over
    /// [`MAX_CACHED_REPORT`], or when another process holds the write lock (a report
    /// never waits on an import to save itself a later recomputation).
    pub fn put_cached_report(&mut self, name: &str, generation: i64, body: &[u8]) -> Result<bool> {
        if body.len() > MAX_CACHED_REPORT {
            return Ok(false);
        }
        let conn = crate::sqlite_or_mut!(self, |pg| pg.put_cached_report(name, generation, body));
        conn.busy_timeout(std::time::Duration::ZERO)?;
        let kept = put_now(conn, name, generation, body);
        conn.busy_timeout(crate::BUSY_TIMEOUT)?;
        match kept {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                Ok(false)
            }
            other => Ok(other?),
        }
    }
}

fn put_now(
    conn: &mut Connection,
    name: &str,
    generation: i64,
    body: &[u8],
) -> rusqlite::Result<bool> {
    // Not `write()`: a cached report is not a change of the data.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now: i64 = tx.query_row("SELECT generation FROM store_state WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    if now != generation {
        return Ok(false);
    }
    tx.execute(
        "DELETE FROM report_cache WHERE generation <> ?1",
        params![generation],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO report_cache (name, generation, body) VALUES (?1, ?2, ?3)",
        params![name, generation, body],
    )?;
    tx.commit()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use throughline_model::{
        ContextNote, LinkOrigin, LinkTarget, MetricValue, NoteKind, NoteTarget, OffPlanReason,
        Strategy, WorkItem,
    };

    use crate::{Correction, ImportMeta, LinkWrite, Role, Store};

    fn item(key: &str) -> WorkItem {
        WorkItem {
            source: "jira".into(),
            key: key.into(),
            title: format!("Work {key}"),
            ..Default::default()
        }
    }

    fn import(store: &mut Store, keys: &[&str]) {
        let meta = ImportMeta {
            format: "test".into(),
            path: "test.json".into(),
        };
        let items = keys.iter().map(|k| Ok::<_, std::io::Error>(item(k)));
        store.import_items(&meta, items, |_| {}).unwrap();
    }

    #[test]
    fn every_kind_of_write_makes_cached_reports_stale() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            import(&mut store, &["A-1"]);
            let id = store.item_id("jira", "A-1").unwrap().unwrap();
            let link = LinkWrite {
                item_id: id,
                target: LinkTarget::OffPlan(OffPlanReason::TechDebt),
                confidence: 0.7,
                reason: "words".into(),
                input_hash: None,
                candidates: Vec::new(),
                aligned_p: None,
            };
            let note = ContextNote {
                target: NoteTarget::Item {
                    source: "jira".into(),
                    key: "A-1".into(),
                },
                kind: NoteKind::Why,
                text: "pulled in for a renewal".into(),
                author_team: None,
                author_name: None,
                date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            };
            let value = MetricValue {
                date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                value: 1.0,
            };
            let correction = Correction {
                item_id: id,
                target: LinkTarget::OffPlan(OffPlanReason::Maintenance),
                by_team: None,
                reason: "a person".into(),
            };
            type Write<'a> = Box<dyn Fn(&mut Store) + 'a>;
            let writes: Vec<(&str, Write)> = vec![
                ("import_items", Box::new(|s| import(s, &["A-2"]))),
                (
                    "apply_strategy",
                    Box::new(|s| {
                        s.apply_strategy(&Strategy::default(), "", None).unwrap();
                    }),
                ),
                (
                    "apply_strategy_with_teams",
                    Box::new(|s| {
                        let teams = [throughline_model::TeamMapping {
                            name: "Alloy".into(),
                            projects: vec!["A".into()],
                            components: vec![],
                        }];
                        s.apply_strategy_with_teams(&Strategy::default(), &teams, "", None)
                            .unwrap();
                    }),
                ),
                (
                    "replace_links",
                    Box::new(|s| {
                        s.replace_links(LinkOrigin::Inferred, std::slice::from_ref(&link))
                            .unwrap()
                    }),
                ),
                (
                    "sync_links",
                    Box::new(|s| {
                        s.sync_links(LinkOrigin::Explicit, std::slice::from_ref(&link))
                            .unwrap();
                    }),
                ),
                (
                    "sync_explicit_links",
                    Box::new(|s| {
                        s.sync_explicit_links(std::slice::from_ref(&link), &[(id, "other".into())])
                            .unwrap();
                    }),
                ),
                (
                    "upsert_links",
                    Box::new(|s| {
                        s.upsert_links(LinkOrigin::Inferred, std::slice::from_ref(&link))
                            .unwrap()
                    }),
                ),
                (
                    "delete_links",
                    Box::new(|s| s.delete_links(LinkOrigin::Inferred, &[id]).unwrap()),
                ),
                (
                    "set_corrections",
                    Box::new(|s| {
                        s.set_corrections(std::slice::from_ref(&correction))
                            .unwrap()
                    }),
                ),
                (
                    "add_notes",
                    Box::new(|s| {
                        s.add_notes(std::slice::from_ref(&note)).unwrap();
                    }),
                ),
                (
                    "add_metric_values",
                    Box::new(|s| {
                        s.add_metric_values(&[("m".into(), value)]).unwrap();
                    }),
                ),
                (
                    "put_embeddings",
                    Box::new(|s| s.put_embeddings("minilm", &[(7, vec![0.5, 0.5])]).unwrap()),
                ),
            ];
            for (what, write) in writes {
                let g = store.generation().unwrap();
                assert!(store.put_cached_report("status", g, b"report").unwrap());
                assert_eq!(
                    store.cached_report("status").unwrap().as_deref(),
                    Some(&b"report"[..])
                );
                write(&mut store);
                assert!(
                    store.generation().unwrap() > g,
                    "{what} left the generation"
                );
                assert_eq!(store.cached_report("status").unwrap(), None, "{what}");
            }
        });
    }

    #[test]
    fn a_report_made_of_data_changed_since_is_not_kept() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            let before = store.generation().unwrap();
            import(&mut store, &["A-1"]);
            assert!(!store.put_cached_report("status", before, b"old").unwrap());
            assert_eq!(store.cached_report("status").unwrap(), None);
        });
    }

    #[test]
    fn reports_of_one_generation_live_side_by_side_and_older_ones_are_dropped() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            let g = store.generation().unwrap();
            store.put_cached_report("status", g, b"s").unwrap();
            store.put_cached_report("brief", g, b"b").unwrap();
            assert_eq!(store.cached_report("status").unwrap().unwrap(), b"s");
            assert_eq!(store.cached_report("brief").unwrap().unwrap(), b"b");
            import(&mut store, &["A-1"]);
            let g = store.generation().unwrap();
            store.put_cached_report("status", g, b"s2").unwrap();
            assert_eq!(store.cached_report("brief").unwrap(), None);
            let rows: i64 = match &store.db {
                crate::Db::Sqlite(c) => c
                    .query_row("SELECT count(*) FROM report_cache", [], |r| r.get(0))
                    .unwrap(),
                crate::Db::Postgres(pg) => pg
                    .query_text("SELECT count(*)::text FROM report_cache")
                    .parse()
                    .unwrap(),
            };
            assert_eq!(rows, 1, "the brief of the old data is gone");
        });
    }

    #[test]
    fn tokens_and_cached_reports_are_not_changes_of_the_data() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            let g = store.generation().unwrap();
            store.create_token(Role::Viewer, None, Some("ci")).unwrap();
            store.put_cached_report("status", g, b"s").unwrap();
            assert_eq!(store.generation().unwrap(), g);
        });
    }

    #[test]
    fn an_oversized_report_is_not_kept() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            let g = store.generation().unwrap();
            let big = vec![b'x'; super::MAX_CACHED_REPORT + 1];
            assert!(!store.put_cached_report("status --json", g, &big).unwrap());
            assert_eq!(store.cached_report("status --json").unwrap(), None);
        });
    }

    #[test]
    fn a_report_does_not_wait_for_a_writer_in_another_connection() {
        crate::testing::each_db(|db| {
            let mut reader = db.open();
            let mut writer = db.open();
            let g = reader.generation().unwrap();
            let started = std::time::Instant::now();
            match &mut writer.db {
                crate::Db::Sqlite(c) => {
                    let tx = super::write(c).unwrap();
                    // SQLite: the writer holds the database's write lock; not kept.
                    assert!(!reader.put_cached_report("status", g, b"s").unwrap());
                    drop(tx);
                }
                crate::Db::Postgres(pg) => {
                    let tx = pg.write_for_test();
                    // PostgreSQL: kept under the generation the writer has not moved
                    // yet, so it goes stale when the writer commits.
                    reader.put_cached_report("status", g, b"s").unwrap();
                    drop(tx);
                }
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
            // Once the writer is gone (it rolled back: nothing changed) the report is kept.
            assert!(reader.put_cached_report("status", g, b"s").unwrap());
        });
    }
}
