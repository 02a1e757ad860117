use thiserror::Error;

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        StoreError::Postgres(e)
    }
}

/// What went wrong, once: the server's own words for a database error, else the
/// client's error and its causes.
fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = format!("{}: {}", db.severity(), db.message());
        if let Some(detail) = db.detail() {
            s.push_str(&format!(" ({detail})"));
        }
        return s;
    }
    let mut s = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        s.push_str(&format!(": {c}"));
        cause = c.source();
    }
    s
}

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
    /// Not a `#[source]`: [`describe`] already says what the error's chain would.
    #[error("PostgreSQL: {}", describe(.0))]
    Postgres(postgres::Error),
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
