//! The store: one SQLite file, or one PostgreSQL database, holds everything Throughline
//! knows.
//!
//! SQLite (bundled through rusqlite, so nothing is needed on the machine) because the main
//! job must run anywhere, offline, with no server. The file runs in WAL mode so readers
//! never block the single writer, and every import is one transaction: if anything in
//! it fails, or the process dies, the database stays exactly as it was before.
//!
//! PostgreSQL (`pg.rs`, through the synchronous `postgres` crate) for a company-wide
//! deployment whose database is run, backed up and replicated like the company's others.
//! Callers see one [`Store`] API and never know which backend answers: each method
//! dispatches on [`Db`] once, at its top, to code written for that database (the SQL
//! dialects differ in upserts, returning ids, parameter syntax and bulk loading).
//!
//! This crate knows the domain model and SQL, nothing about file formats, the sense
//! engine's logic, HTTP or the terminal.

mod bulk;
mod copy;
mod digests;
mod embeddings;
mod error;
mod hash;
mod items;
mod links;
mod metrics;
mod notes;
mod pg;
mod report_cache;
mod rows;
mod schema;
mod strategy;
#[doc(hidden)]
pub mod testing;
mod tokens;

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use copy::TableCounts;
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

/// Where a database is: a SQLite file, or a PostgreSQL database by URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    File(PathBuf),
    /// A `postgres://` or `postgresql://` URL, checked to parse.
    Postgres(String),
}

impl DbLocation {
    /// Reads what `--db` (or `THROUGHLINE_DB`) says: a URL starting with `postgres://` or
    /// `postgresql://` is PostgreSQL, anything else a file path.
    pub fn parse(s: &str) -> Result<DbLocation> {
        let lower = s.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            s.parse::<postgres::Config>()
                .map_err(|e| StoreError::BadUrl {
                    url: redact_url(s),
                    detail: e.to_string(),
                })?;
            Ok(DbLocation::Postgres(s.to_string()))
        } else {
            Ok(DbLocation::File(PathBuf::from(s)))
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DbLocation::Postgres(_))
    }

    /// Whether the database is there already: a file that exists; a PostgreSQL
    /// database is taken to exist (connecting tells).
    pub fn exists(&self) -> bool {
        match self {
            DbLocation::File(p) => p.exists(),
            DbLocation::Postgres(_) => true,
        }
    }
}

impl From<PathBuf> for DbLocation {
    fn from(p: PathBuf) -> DbLocation {
        DbLocation::File(p)
    }
}

impl From<&Path> for DbLocation {
    fn from(p: &Path) -> DbLocation {
        DbLocation::File(p.to_path_buf())
    }
}

impl From<&PathBuf> for DbLocation {
    fn from(p: &PathBuf) -> DbLocation {
        DbLocation::File(p.clone())
    }
}

impl From<&DbLocation> for DbLocation {
    fn from(d: &DbLocation) -> DbLocation {
        d.clone()
    }
}

impl std::str::FromStr for DbLocation {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self> {
        DbLocation::parse(s)
    }
}

/// Shown without a password, so messages and logs never carry one.
impl fmt::Display for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbLocation::File(p) => write!(f, "{}", p.display()),
            DbLocation::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

/// `url` with the password of its user part replaced by `***`.
pub(crate) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_string();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_string(),
    }
}

/// An open Throughline database.
pub struct Store {
    db: Db,
}

/// The database behind a [`Store`].
pub(crate) enum Db {
    Sqlite(Connection),
    Postgres(pg::Pg),
}

/// The SQLite connection of `$store`, or (on PostgreSQL) return `$pg`'s answer from the
/// calling method: every method that has SQL of its own starts with this.
macro_rules! sqlite_or {
    ($store:expr, |$pg:ident| $answer:expr) => {
        match &$store.db {
            $crate::Db::Sqlite(conn) => conn,
            $crate::Db::Postgres($pg) => return $crate::pg::outside_runtime(|| $answer),
        }
    };
}

/// [`sqlite_or`] for writers.
macro_rules! sqlite_or_mut {
    ($store:expr, |$pg:ident| $answer:expr) => {
        match &mut $store.db {
            $crate::Db::Sqlite(conn) => conn,
            $crate::Db::Postgres($pg) => return $crate::pg::outside_runtime(|| $answer),
        }
    };
}
pub(crate) use {sqlite_or, sqlite_or_mut};

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

    /// Opens (creating the schema if needed) the database at `location`.
    pub fn open_at(location: &DbLocation) -> Result<Store> {
        match location {
            DbLocation::File(p) => Store::open(p),
            DbLocation::Postgres(url) => Store::open_url(url),
        }
    }

    /// Opens the PostgreSQL database at `url` (`postgres://USER@HOST[:PORT]/DATABASE`) and
    /// brings its schema up to date; a URL that is not PostgreSQL's opens a SQLite file
    /// of that name, as `--db` does.
    pub fn open_url(url: &str) -> Result<Store> {
        match DbLocation::parse(url)? {
            DbLocation::File(p) => Store::open(p),
            DbLocation::Postgres(url) => Ok(Store {
                db: Db::Postgres(pg::Pg::connect(&url)?),
            }),
        }
    }

    /// Whether this store can no longer answer: its PostgreSQL connection was closed (the
    /// database restarted or failed over), so it must be opened again. Never for SQLite,
    /// whose file stays open.
    pub fn is_broken(&self) -> bool {
        match &self.db {
            Db::Sqlite(_) => false,
            Db::Postgres(pg) => pg.is_closed(),
        }
    }

    /// Whether this store is a PostgreSQL database.
    pub fn is_postgres(&self) -> bool {
        matches!(self.db, Db::Postgres(_))
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
        let mut conn = conn;
        schema::migrate(&mut conn)?;
        Ok(Store {
            db: Db::Sqlite(conn),
        })
    }

    /// A number that changes whenever another connection (in this process or another)
    /// commits a change, so a long-lived connection can tell cheaply whether cached
    /// reads are stale. SQLite's `PRAGMA data_version`; on PostgreSQL the generation
    /// every write transaction moves (`store_state`, see `report_cache.rs`), which every
    /// connection to the database reads alike.
    pub fn data_version(&self) -> Result<i64> {
        let conn = sqlite_or!(self, |pg| pg.generation());
        Ok(conn.pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// The underlying SQLite connection, for read-only queries in tests of other crates;
    /// `None` on PostgreSQL.
    pub fn connection(&self) -> Option<&Connection> {
        match &self.db {
            Db::Sqlite(conn) => Some(conn),
            Db::Postgres(_) => None,
        }
    }
}
