//! Reading everything at once, as a report snapshot does.
//!
//! A snapshot of a million items took 7.4 s to read on one connection, most of it
//! SQLite stepping rows and allocating their strings: work that splits cleanly by id
//! range. So the items are read in a few id ranges and the links beside them, each on
//! its own read-only connection, on every core.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rusqlite::{Connection, OpenFlags, params};

use crate::links::{LinkRow, links_without_candidates};
use crate::rows::{ITEM_COLUMNS, ITEM_COLUMNS_WITHOUT_DESCRIPTION, read_items};
use crate::{ItemId, Result, Store, StoredItem};

/// Id ranges the items are read in: a few more than the cores, so that a thread that
/// also read the links does not leave the other waiting on one long range.
const ITEM_RANGES: usize = 4;

/// One read on its own connection.
enum Job {
    /// Items with `from < id <= to`.
    Items(ItemId, ItemId),
    Links,
}

enum Part {
    Items(Vec<StoredItem>),
    Links(Vec<LinkRow>),
}

impl Store {
    /// Every item (in id order) and every link (by item, without the engine's
    /// candidates, which only one item's own page shows): what a report snapshot holds.
    /// Items come without their description, which no report reads and one item's own
    /// page reads from the store: on a million real Jira issues that kept 0.8 GB out of
    /// memory (the read takes about as long: SQLite still steps over the text).
    ///
    /// On a database file the reads run on several read-only connections at once. Each
    /// read is consistent in itself, as the separate item and link reads always were;
    /// a write landing between them is seen by the next snapshot. In memory, where a
    /// second connection would see another database, they run here, one after the other.
    pub fn items_and_links(&self) -> Result<(Vec<StoredItem>, Vec<LinkRow>)> {
        let _span = tracing::info_span!("read items and links").entered();
        self.read_at_once(ITEM_COLUMNS_WITHOUT_DESCRIPTION, true)
    }

    /// Every item without its description, in id order, read on every core: what a
    /// look over all the work needs when no link matters (`strategy draft`).
    pub fn items_without_descriptions(&self) -> Result<Vec<StoredItem>> {
        let _span = tracing::info_span!("read items").entered();
        Ok(self
            .read_at_once(ITEM_COLUMNS_WITHOUT_DESCRIPTION, false)?
            .0)
    }

    /// Every item with all its fields (the engine reads descriptions), in id order, read
    /// on every core like [`Store::items_and_links`] reads them.
    pub fn all_items_at_once(&self) -> Result<Vec<StoredItem>> {
        let _span = tracing::info_span!("read items").entered();
        Ok(self.read_at_once(ITEM_COLUMNS, false)?.0)
    }

    /// The items' `columns` (one of the `rows` lists), and the links when asked for.
    fn read_at_once(
        &self,
        columns: &str,
        with_links: bool,
    ) -> Result<(Vec<StoredItem>, Vec<LinkRow>)> {
        let conn = crate::sqlite_or!(self, |pg| pg.read_at_once(columns, with_links));
        let max_id: ItemId =
            conn.query_row("SELECT coalesce(max(id), 0) FROM items", [], |r| r.get(0))?;
        let path = match conn.path() {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => {
                let links = if with_links {
                    links_without_candidates(conn)?
                } else {
                    Vec::new()
                };
                return Ok((items_in(conn, columns, 0, max_id)?, links));
            }
        };
        let step = (max_id / ITEM_RANGES as i64).max(1);
        let mut jobs = Vec::new();
        if with_links {
            jobs.push(Job::Links);
        }
        let mut from = 0;
        while from < max_id {
            let to = if from + 2 * step > max_id {
                max_id
            } else {
                from + step
            };
            jobs.push(Job::Items(from, to));
            from = to;
        }
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .min(jobs.len())
            .max(1);
        let next = AtomicUsize::new(0);
        let parts: Mutex<Vec<Part>> = Mutex::new(Vec::with_capacity(jobs.len()));
        std::thread::scope(|s| -> Result<()> {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| -> Result<()> {
                        let conn = Connection::open_with_flags(
                            &path,
                            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                        )?;
                        conn.busy_timeout(std::time::Duration::from_secs(10))?;
                        while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                            let part = match job {
                                Job::Items(from, to) => {
                                    Part::Items(items_in(&conn, columns, *from, *to)?)
                                }
                                Job::Links => Part::Links(links_without_candidates(&conn)?),
                            };
                            parts.lock().unwrap_or_else(|e| e.into_inner()).push(part);
                        }
                        Ok(())
                    })
                })
                .collect();
            for w in workers {
                // A worker's panic is re-raised here rather than lost with its part.
                w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            }
            Ok(())
        })?;
        let (mut items, mut links) = (Vec::new(), Vec::new());
        let mut chunks: Vec<Vec<StoredItem>> = Vec::new();
        for part in parts.into_inner().unwrap_or_else(|e| e.into_inner()) {
            match part {
                Part::Items(v) => chunks.push(v),
                Part::Links(v) => links = v,
            }
        }
        // Id ranges come back in any order; items are in id order.
        chunks.sort_by_key(|c| c.first().map(|s| s.id));
        items.reserve(chunks.iter().map(Vec::len).sum());
        for c in chunks {
            items.extend(c);
        }
        Ok((items, links))
    }
}

/// Items with `from < id <= to`, in id order.
fn items_in(conn: &Connection, columns: &str, from: ItemId, to: ItemId) -> Result<Vec<StoredItem>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns} FROM items WHERE id > ?1 AND id <= ?2 ORDER BY id"
    ))?;
    // Ids are dense unless items were deleted: sized once, the rows are not copied as
    // the list grows.
    let mut out = Vec::with_capacity(usize::try_from(to - from).unwrap_or(0).min(1 << 24));
    read_items(&mut stmt.query(params![from, to])?, &mut out)?;
    Ok(out)
}
