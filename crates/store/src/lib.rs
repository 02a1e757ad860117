//! The embedded store: one SQLite file holds everything Throughline knows.
//!
//! SQLite (bundled through rusqlite, so nothing is needed on the machine) because the main
//! job must run anywhere, offline, with no server. The file runs in WAL mode so readers
//! never block the single writer, and every import is one transaction: if anything in
//! it fails, or the process dies, the database stays exactly as it was before.
//!
//! This crate knows the domain model and SQL, nothing about file formats, the sense
//! engine's logic, HTTP or the terminal.

mod bulk;
mod digests;
mod embeddings;
mod error;
mod hash;
mod items;
mod links;
mod metrics;
mod notes;
mod report_cache;
mod rows;
mod schema;
mod strategy;
mod tokens;

use std::path::Path;

use rusqlite::Connection;

pub use digests::DigestSend;
pub use embeddings::text_hash;
pub use error::StoreError;
pub use items::{ImportMeta, ImportRecord, ImportSummary, ItemFilter, StoredItem};
pub use links::{Candidate, Correction, LinkRow, LinkTargetRow, LinkWrite};
pub use report_cache::MAX_CACHED_REPORT;
pub use strategy::StrategyVersion;
pub use tokens::{NewToken, Role, TokenInfo, token_hash};

/// Result type of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Database row id of a work item.
pub type ItemId = i64;

/// How long a write waits for another connection's write to finish.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// An open Throughline database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database file at `path` and brings its schema up
    /// to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            source: e,
        })?;
        Self::setup(conn)
    }

    /// A private database in memory, for tests and one-off evaluations.
    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Store> {
        // WAL: readers (reports, the server) never wait for an import, and a killed
        // writer leaves the last committed state intact. NORMAL sync is durable at
        // every checkpoint and is what makes bulk imports fast.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 64 MiB of page cache (negative = KiB): imports touch the same index pages
        // again and again, and re-reading them from disk halves import speed.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let mut store = Store { conn };
        schema::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// SQLite's `PRAGMA data_version` of this connection: it changes whenever another
    /// connection (in this process or another) commits, so a long-lived connection can
    /// tell cheaply whether cached reads are stale.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The underlying connection, for read-only report queries in other crates.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
