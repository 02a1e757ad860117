//! Shared state of the server: the one writer, a small pool of readers, the cached
//! snapshot the reports are computed from, and whether tokens are required.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, RwLock};

use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::Mutex;

use throughline_report::Snapshot;
use throughline_store::{Store, StoreError, TokenInfo};

use crate::ApiError;

/// What every request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// Readers kept open between requests: opening a SQLite connection (pragmas, schema
/// check) costs far more than a typical query.
const POOL_SIZE: usize = 8;

struct Inner {
    db_path: PathBuf,
    /// The one writer: every write goes through this connection, so concurrent writers
    /// queue instead of racing (SQLite allows one writer at a time anyway).
    writer: Arc<Mutex<Store>>,
    /// Idle read connections (WAL lets readers run beside the writer).
    readers: StdMutex<Vec<Store>>,
    /// Whether every API request needs a token (always when not on loopback).
    auth_required: bool,
    /// Bumped after every write this server makes.
    generation: AtomicU64,
    /// A long-lived connection whose `PRAGMA data_version` moves whenever any other
    /// connection commits: our writer, or a CLI import in another process.
    watcher: StdMutex<Store>,
    /// The snapshot reports read, with the version it was loaded at.
    snapshot: RwLock<Option<(Version, Arc<Snapshot>)>>,
    /// Held while a snapshot loads, so a burst of requests after a change loads it once.
    loading: Mutex<()>,
    /// Tokens already checked, by hash, valid for one database version (so a token
    /// revoked from the CLI stops working at the next request).
    tokens: StdMutex<(Version, HashMap<String, Option<TokenInfo>>)>,
    /// Report responses already computed for this database version, by request: many
    /// clients asking for the same status is the common case, and recomputing it over
    /// 100,000 items for each would not stay under 200 ms.
    memo: StdMutex<(Version, Memo)>,
    /// One lock per report being computed: when many clients ask for the same report
    /// after a change, one computes it and the others wait for its result, instead of
    /// all computing it at once (200 copies of a report over 100,000 items would take
    /// the CPUs for a minute).
    computing: StdMutex<HashMap<String, Arc<Mutex<()>>>>,
}

/// Report bodies by request key, with their content type.
type Memo = HashMap<String, (&'static str, Bytes)>;

/// Most distinct report requests remembered per database version.
const MEMO_SIZE: usize = 512;

/// The state of the database as far as caches are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Version {
    generation: u64,
    data_version: i64,
}

impl AppState {
    /// Opens the database at `db_path` for serving, without token checks (loopback use).
    pub fn open(db_path: impl Into<PathBuf>) -> Result<AppState, StoreError> {
        Self::open_with(db_path, false)
    }

    /// Opens the database at `db_path`; with `auth_required`, every API call but the
    /// health check and the OpenAPI document needs a valid token.
    pub fn open_with(
        db_path: impl Into<PathBuf>,
        auth_required: bool,
    ) -> Result<AppState, StoreError> {
        let db_path = db_path.into();
        let writer = Store::open(&db_path)?;
        let watcher = Store::open(&db_path)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                db_path,
                writer: Arc::new(Mutex::new(writer)),
                readers: StdMutex::new(Vec::new()),
                auth_required,
                generation: AtomicU64::new(0),
                watcher: StdMutex::new(watcher),
                snapshot: RwLock::new(None),
                loading: Mutex::new(()),
                tokens: StdMutex::new((Version::default(), HashMap::new())),
                memo: StdMutex::new((Version::default(), HashMap::new())),
                computing: StdMutex::new(HashMap::new()),
            }),
        })
    }

    /// The database file served.
    pub fn db_path(&self) -> &Path {
        &self.inner.db_path
    }

    /// Whether requests need a token.
    pub fn auth_required(&self) -> bool {
        self.inner.auth_required
    }

    /// A fresh read connection (WAL lets readers run beside the writer). For connections
    /// kept for a long time; per-request reads should use [`AppState::read`].
    pub fn reader(&self) -> Result<Store, StoreError> {
        Store::open(&self.inner.db_path)
    }

    /// The single writer connection. Call [`AppState::changed`] after writing through
    /// it (or use [`AppState::write`], which does).
    pub fn writer(&self) -> &Mutex<Store> {
        &self.inner.writer
    }

    /// Marks the database as changed by this server, so caches reload.
    pub fn changed(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Runs `f` on a pooled read connection on the blocking thread pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = match this.lock_readers().pop() {
                Some(s) => s,
                None => this.reader()?,
            };
            let out = f(&store);
            let mut pool = this.lock_readers();
            if pool.len() < POOL_SIZE {
                pool.push(store);
            }
            out
        })
        .await?
    }

    /// Runs `f` on the one writer on the blocking thread pool, then marks the database
    /// changed. Writers queue on the writer's lock, so none is lost.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    {
        let this = self.clone();
        // An owned guard, so it can move to the blocking thread.
        let mut guard = self.inner.writer.clone().lock_owned().await;
        tokio::task::spawn_blocking(move || {
            let out = f(&mut guard);
            // Even a failed write may have committed part of its work (re-linking after
            // a strategy apply is several transactions), so always invalidate.
            this.changed();
            out
        })
        .await?
    }

    /// The snapshot reports are computed from: cached, and reloaded only when the
    /// database has changed (a write by this server, or any commit elsewhere).
    pub async fn snapshot(&self) -> Result<Arc<Snapshot>, ApiError> {
        Ok(self.snapshot_at().await?.1)
    }

    /// A report as a JSON response, computed once per database version and `key` (which
    /// must name the report and every parameter it depends on).
    pub async fn report<T, F>(&self, key: String, compute: F) -> Result<Response, ApiError>
    where
        T: Serialize,
        F: FnOnce(&Snapshot) -> Result<T, ApiError> + Send + 'static,
    {
        self.report_raw(key, "application/json", move |snap| {
            let value = compute(snap)?;
            serde_json::to_vec(&value)
                .map_err(|e| ApiError::Internal(format!("encoding the report: {e}")))
        })
        .await
    }

    /// Like [`AppState::report`] for any body and content type (Markdown, HTML).
    pub async fn report_raw<F>(
        &self,
        key: String,
        content_type: &'static str,
        compute: F,
    ) -> Result<Response, ApiError>
    where
        F: FnOnce(&Snapshot) -> Result<Vec<u8>, ApiError> + Send + 'static,
    {
        let (version, snap) = self.snapshot_at().await?;
        if let Some(hit) = self.memo_get(version, &key) {
            return Ok(hit);
        }
        let gate = self
            .inner
            .computing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key.clone())
            .or_default()
            .clone();
        let _computing = gate.lock().await;
        // Whoever held the gate before us may have computed it.
        if let Some(hit) = self.memo_get(version, &key) {
            return Ok(hit);
        }
        // Reports are CPU work over every item: off the async threads.
        let body = tokio::task::spawn_blocking(move || compute(&snap)).await?;
        let body = match body {
            Ok(b) => Bytes::from(b),
            Err(e) => {
                self.forget_gate(&key);
                return Err(e);
            }
        };
        {
            let mut memo = self.lock_memo();
            if memo.0 != version || memo.1.len() >= MEMO_SIZE {
                *memo = (version, HashMap::new());
            }
            memo.1.insert(key.clone(), (content_type, body.clone()));
        }
        // Later callers find the memo; waiters already hold the gate.
        self.forget_gate(&key);
        Ok(respond(content_type, body))
    }

    fn memo_get(&self, version: Version, key: &str) -> Option<Response> {
        let memo = self.lock_memo();
        if memo.0 != version {
            return None;
        }
        memo.1.get(key).map(|(ct, body)| respond(ct, body.clone()))
    }

    fn forget_gate(&self, key: &str) {
        self.inner
            .computing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    async fn snapshot_at(&self) -> Result<(Version, Arc<Snapshot>), ApiError> {
        let version = self.version()?;
        if let Some(s) = self.cached(version) {
            return Ok((version, s));
        }
        let _loading = self.inner.loading.lock().await;
        // Someone else may have loaded it while we waited.
        if let Some(s) = self.cached(version) {
            return Ok((version, s));
        }
        let snap = self
            .read(|store| Snapshot::load(store).map_err(ApiError::from))
            .await?;
        let snap = Arc::new(snap);
        let mut slot = self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(|e| e.into_inner());
        *slot = Some((version, snap.clone()));
        Ok((version, snap))
    }

    fn cached(&self, version: Version) -> Option<Arc<Snapshot>> {
        let slot = self
            .inner
            .snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner());
        match &*slot {
            Some((v, s)) if *v == version => Some(s.clone()),
            _ => None,
        }
    }

    /// The live token with this secret, checked against the database once per database
    /// version.
    pub async fn verify_token(&self, secret: &str) -> Result<Option<TokenInfo>, ApiError> {
        let hash = throughline_store::token_hash(secret);
        let version = self.version()?;
        {
            let cache = self.lock_tokens();
            if cache.0 == version
                && let Some(found) = cache.1.get(&hash)
            {
                return Ok(found.clone());
            }
        }
        let secret = secret.to_string();
        let found = self
            .read(move |store| store.verify_token(&secret).map_err(ApiError::from))
            .await?;
        let mut cache = self.lock_tokens();
        if cache.0 != version {
            *cache = (version, HashMap::new());
        }
        cache.1.insert(hash, found.clone());
        Ok(found)
    }

    /// Where the database stands now: cheap (one pragma on an open connection).
    fn version(&self) -> Result<Version, ApiError> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        let watcher = self.inner.watcher.lock().unwrap_or_else(|e| e.into_inner());
        let data_version = watcher
            .data_version()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Version {
            generation,
            data_version,
        })
    }

    fn lock_readers(&self) -> std::sync::MutexGuard<'_, Vec<Store>> {
        // A panic while holding the pool cannot leave it inconsistent (it is a Vec of
        // idle connections), so a poisoned lock is used as is.
        self.inner.readers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_memo(&self) -> std::sync::MutexGuard<'_, (Version, Memo)> {
        self.inner.memo.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock_tokens(
        &self,
    ) -> std::sync::MutexGuard<'_, (Version, HashMap<String, Option<TokenInfo>>)> {
        self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn respond(content_type: &'static str, body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}
