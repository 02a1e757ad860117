use thiserror::Error;

/// What went wrong in the store.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    /// `--db` looked like a PostgreSQL URL but is not one (the URL is shown without its
    /// password).
    #[error(
        "`{url}` is not a PostgreSQL URL ({detail}); expected postgres://USER@HOST[:PORT]/DATABASE"
    )]
    BadUrl { url: String, detail: String },
    #[error("cannot connect to PostgreSQL at {url}")]
    OpenPostgres {
        url: String,
        #[source]
        source: postgres::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] postgres::Error),
    #[error(
        "the database was written by a newer Throughline (schema {found}, this build knows {known}); upgrade throughline"
    )]
    TooNew { found: i64, known: i64 },
    /// The input of an import failed; nothing of it was stored.
    #[error("{0}")]
    Input(Box<dyn std::error::Error + Send + Sync>),
    #[error("corrupt value in the database ({what}): {detail}")]
    Corrupt { what: &'static str, detail: String },
    #[error("{0}")]
    NotFound(String),
    /// An operation the database's state does not allow (a copy into a database that
    /// is not empty).
    #[error("{0}")]
    Refused(String),
}
