//! Shared state of the server.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::Mutex;

use throughline_store::Store;

/// What every request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db_path: PathBuf,
    /// The one writer: every write goes through this connection, so concurrent writers
    /// queue instead of racing (SQLite allows one writer at a time anyway).
    writer: Mutex<Store>,
}

impl AppState {
    /// Opens the database at `db_path` for serving.
    pub fn open(db_path: impl Into<PathBuf>) -> Result<AppState, throughline_store::StoreError> {
        let db_path = db_path.into();
        let writer = Store::open(&db_path)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                db_path,
                writer: Mutex::new(writer),
            }),
        })
    }

    /// A fresh read connection (WAL lets readers run beside the writer).
    pub fn reader(&self) -> Result<Store, throughline_store::StoreError> {
        Store::open(&self.inner.db_path)
    }

    /// The single writer connection.
    pub fn writer(&self) -> &Mutex<Store> {
        &self.inner.writer
    }
}
