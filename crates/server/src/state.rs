//! Shared state of the server: the one writer, a small pool of readers, the [`View`]
//! of the database that reports are computed from, and whether tokens are required.
//!
//! Reads never wait long for a reload. Loading the snapshot and computing reports over
//! 100,000 items takes a second or more, so a change (a write here, or a commit by
//! another process such as `throughline import`) starts one background refresh that
//! builds a new view beside the one being served and swaps it in whole. Before the
//! swap, the reports and pages people used recently are computed again on the new view,
//! so the first request after a change does not pay for them either. A request waits
//! for a refresh in flight at most `fresh_wait` (small databases refresh well within
//! it, so they always look current); after that it is answered from the previous view
//! and marked stale (the `x-throughline-stale: true` header; a note on pages).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::{Mutex, watch};

use throughline_report::Snapshot;
use throughline_store::{DbLocation, Store, StoreError, TokenInfo};

use crate::ApiError;
use crate::view::{Recompute, Value, View};

/// What every request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

/// Readers kept open between requests: opening a SQLite connection (pragmas, schema
/// check) costs far more than a typical query.
const POOL_SIZE: usize = 8;

/// How long a request waits for a refresh in flight before it is answered from the
/// previous view: well inside the 200 ms a page may take.
pub const DEFAULT_FRESH_WAIT: Duration = Duration::from_millis(120);

/// Derived values used within this window are computed again before a new view is
/// swapped in; older ones are computed when next asked for.
const WARM_WINDOW: Duration = Duration::from_secs(30 * 60);

/// How often a server looks for other processes' commits while nobody asks: the check
/// each request makes would otherwise start loading a change only when the next person
/// asks, and on a large database that person would see the previous figures. One
/// single-row query per interval.
const WATCH_EVERY: Duration = Duration::from_millis(500);

/// A refresh that failed this recently is not started again by the watch (a request
/// still starts one): a broken database must not keep a core busy loading.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// Most time a refresh spends recomputing recently used reports before it swaps the
/// new view in anyway (the rest are computed on demand), so a database that changes
/// often still shows changes within seconds.
const WARM_BUDGET: Duration = Duration::from_secs(5);

struct Inner {
    db: DbLocation,
    /// The one writer: every write goes through this connection, so concurrent writers
    /// queue instead of racing (SQLite allows one writer at a time anyway).
    writer: Arc<Mutex<Store>>,
    /// Idle read connections (WAL lets readers run beside the writer).
    readers: StdMutex<Vec<Store>>,
    /// Whether every API request needs a token (always when not on loopback).
    auth_required: bool,
    /// How long a request waits for a fresher view.
    fresh_wait: Duration,
    /// Bumped after every write this server makes.
    generation: AtomicU64,
    /// A long-lived connection whose `PRAGMA data_version` moves whenever any other
    /// connection commits: our writer, or a CLI import in another process.
    watcher: StdMutex<Store>,
    /// The view being served.
    current: RwLock<Option<Arc<View>>>,
    /// Whether a refresh is running (at most one at a time).
    refreshing: AtomicBool,
    /// Bumped after every refresh, successful or not, to wake waiting requests.
    refreshed: watch::Sender<u64>,
    /// The last refresh that failed: when it began and why.
    failure: StdMutex<Option<(Instant, String)>>,
    /// When the refresh running now began, and how long the last one took: a request
    /// does not wait for a refresh that cannot finish within `fresh_wait`.
    timing: StdMutex<RefreshTiming>,
    /// Numbers the views.
    next_view: AtomicU64,
    /// Set once the first pages have been computed (`web::warm_up`): until then a load
    /// balancer should send people to another replica.
    warmed: AtomicBool,
    /// Tokens already checked, by hash, valid for one database version (so a token
    /// revoked from the CLI stops working at the next request).
    tokens: StdMutex<(Version, HashMap<String, Option<TokenInfo>>)>,
    /// One lock per value being derived, by view and key: when many clients ask for the
    /// same report at once, one computes it and the others wait for its result, instead
    /// of all computing it (200 copies of a report over 100,000 items would take the
    /// CPUs for a minute).
    computing: StdMutex<Gates>,
    /// Sign-in with an identity provider (`serve --oidc-issuer`), set once before serving.
    oidc: std::sync::OnceLock<Arc<crate::oidc::Oidc>>,
    /// On PostgreSQL, the version probe requests share (see [`AppState::version_for`]).
    probe: StdMutex<Probe>,
    /// Bumped after every shared probe, to wake the requests waiting for it.
    probed: watch::Sender<u64>,
}

/// The shared version probe: whether one is in flight, and the last answer with when
/// its query began.
#[derive(Default)]
struct Probe {
    running: bool,
    last: Option<(Instant, Result<Version, String>)>,
}

/// The lock of each value being derived, by view id and key.
type Gates = HashMap<(u64, String), Arc<Mutex<()>>>;

#[derive(Debug, Default, Clone, Copy)]
struct RefreshTiming {
    running_since: Option<Instant>,
    last_took: Option<Duration>,
}

/// The state of the database as far as caches are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Version {
    generation: u64,
    data_version: i64,
}

/// The view a request is answered from, and whether a newer one is being prepared.
#[derive(Clone)]
pub struct Seen {
    pub view: Arc<View>,
    /// The database has changed since this view was loaded; a refresh is on its way.
    pub stale: bool,
}

impl Seen {
    /// `response`, marked with the [`crate::STALE_HEADER`] when it was computed from a
    /// view older than the database.
    pub fn mark(&self, mut response: Response) -> Response {
        if self.stale {
            response.headers_mut().insert(
                crate::STALE_HEADER,
                header::HeaderValue::from_static("true"),
            );
        }
        response
    }
}

impl AppState {
    /// Opens the database at `db_path` for serving, without token checks (loopback use).
    pub fn open(db: impl Into<DbLocation>) -> Result<AppState, StoreError> {
        Self::open_with(db, false)
    }

    /// Opens the database at `db_path`; with `auth_required`, every API call but the
    /// health check and the OpenAPI document needs a valid token.
    pub fn open_with(
        db: impl Into<DbLocation>,
        auth_required: bool,
    ) -> Result<AppState, StoreError> {
        Self::open_full(db, auth_required, DEFAULT_FRESH_WAIT)
    }

    /// Like [`AppState::open_with`], waiting up to `fresh_wait` for a refresh in flight
    /// before answering from the previous view. Tests that write and then read at once
    /// use a long wait, so a slow machine cannot make them see the previous view.
    pub fn open_full(
        db: impl Into<DbLocation>,
        auth_required: bool,
        fresh_wait: Duration,
    ) -> Result<AppState, StoreError> {
        let db = db.into();
        let writer = Store::open_at(&db)?;
        let watcher = Store::open_at(&db)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                db,
                writer: Arc::new(Mutex::new(writer)),
                readers: StdMutex::new(Vec::new()),
                auth_required,
                fresh_wait,
                generation: AtomicU64::new(0),
                watcher: StdMutex::new(watcher),
                current: RwLock::new(None),
                refreshing: AtomicBool::new(false),
                refreshed: watch::channel(0).0,
                failure: StdMutex::new(None),
                timing: StdMutex::new(RefreshTiming::default()),
                next_view: AtomicU64::new(1),
                warmed: AtomicBool::new(false),
                tokens: StdMutex::new((Version::default(), HashMap::new())),
                computing: StdMutex::new(HashMap::new()),
                oidc: std::sync::OnceLock::new(),
                probe: StdMutex::new(Probe::default()),
                probed: watch::channel(0).0,
            }),
        })
    }

    /// Signs people in with this identity provider from now on; every request then needs
    /// a session or a token, on loopback too. A second call changes nothing: false.
    pub fn set_oidc(&self, oidc: crate::oidc::Oidc) -> bool {
        self.inner.oidc.set(Arc::new(oidc)).is_ok()
    }

    /// The identity provider people sign in with, if any.
    pub fn oidc(&self) -> Option<&Arc<crate::oidc::Oidc>> {
        self.inner.oidc.get()
    }

    /// The database served.
    pub fn db(&self) -> &DbLocation {
        &self.inner.db
    }

    /// Whether requests need a token (or, with an identity provider, a session).
    pub fn auth_required(&self) -> bool {
        self.inner.auth_required || self.inner.oidc.get().is_some()
    }

    /// A fresh read connection (WAL lets readers run beside the writer). For connections
    /// kept for a long time; per-request reads should use [`AppState::read`].
    pub fn reader(&self) -> Result<Store, StoreError> {
        Store::open_at(&self.inner.db)
    }

    /// The single writer connection. Call [`AppState::changed`] after writing through
    /// it (or use [`AppState::write`], which does).
    pub fn writer(&self) -> &Mutex<Store> {
        &self.inner.writer
    }

    /// Marks the database as changed by this server and starts refreshing the view
    /// right away (inside a Tokio runtime), rather than at the next read.
    pub fn changed(&self) {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        if tokio::runtime::Handle::try_current().is_ok() {
            self.kick();
        }
    }

    /// Records that the first pages are computed (called by `serve_on` after warm-up).
    pub(crate) fn mark_warmed(&self) {
        self.inner.warmed.store(true, Ordering::SeqCst);
    }

    /// Whether this server should be sent requests: warm-up is done, a view is loaded,
    /// and the database answers a trivial query (the watcher's `data_version`, the same
    /// query every request makes first) within `within`. The error says what is missing.
    pub async fn readiness(&self, within: Duration) -> Result<(), String> {
        if !self.inner.warmed.load(Ordering::SeqCst) {
            return Err("computing the first pages".into());
        }
        if self.current().is_none() {
            let failed = self.inner.failure.lock().unwrap_or_else(|p| p.into_inner());
            return Err(match &*failed {
                Some((_, why)) => format!("the data could not be loaded: {why}"),
                None => "loading the data".into(),
            });
        }
        let this = self.clone();
        // Off the async threads: a database that hangs must not hold a worker, and the
        // probe answers within its bound either way.
        let asked = tokio::task::spawn_blocking(move || this.version());
        match tokio::time::timeout(within, asked).await {
            Ok(Ok(Ok(_))) => Ok(()),
            Ok(Ok(Err(e))) => Err(format!("the database does not answer: {e}")),
            Ok(Err(e)) => Err(format!("the check failed: {e}")),
            Err(_) => Err(format!(
                "the database did not answer within {} ms",
                within.as_millis()
            )),
        }
    }

    /// Looks for commits by other processes (another replica, a CLI import) every
    /// `WATCH_EVERY` and starts the refresh before anyone asks. Runs until aborted.
    pub(crate) async fn watch(self) {
        let mut tick = tokio::time::interval(WATCH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            let Some(current) = self.current() else {
                continue;
            };
            let failed_lately = Instant::now()
                .checked_sub(RETRY_AFTER_FAILURE)
                .and_then(|t| self.failure_since(t))
                .is_some();
            if failed_lately {
                continue;
            }
            let this = self.clone();
            if let Ok(Ok(now)) = tokio::task::spawn_blocking(move || this.version()).await
                && now != current.version
            {
                self.kick();
            }
        }
    }

    /// Runs `f` on a pooled read connection on the blocking thread pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    {
        let this = self.clone();
        tokio::task::spawn_blocking(move || this.with_reader(f)).await?
    }

    /// Runs `f` on a pooled read connection, on this thread.
    fn with_reader<T>(&self, f: impl FnOnce(&Store) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let store = match self.lock_readers().pop() {
            Some(s) => s,
            None => self.reader()?,
        };
        let out = f(&store);
        // A connection the database closed (a restart, a failover) is dropped, so the
        // next request opens a new one instead of failing on it for good.
        if store.is_broken() {
            return out;
        }
        let mut pool = self.lock_readers();
        if pool.len() < POOL_SIZE {
            pool.push(store);
        }
        out
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
        let db = self.inner.db.clone();
        let out = tokio::task::spawn_blocking(move || {
            // The writer's connection closed by the database (a restart, a failover) is
            // replaced; if the database is still away, this write fails and the next
            // one tries again.
            if guard.is_broken() {
                *guard = Store::open_at(&db)?;
            }
            f(&mut guard)
        })
        .await;
        // Even a failed write may have committed part of its work (re-linking after a
        // strategy apply is several transactions), so always refresh.
        this.changed();
        out?
    }

    /// The view to answer a request from: the current one if the database has not
    /// changed since it was loaded; else the refreshed one if it arrives within
    /// `fresh_wait`; else the current one, marked stale. Only the very first request
    /// (before any view exists) waits for a load.
    pub async fn view(&self) -> Result<Seen, ApiError> {
        let asked = Instant::now();
        let version = self.version_for(asked).await?;
        // Subscribed before looking, so a swap between the look and the wait is seen.
        let mut refreshed = self.inner.refreshed.subscribe();
        let deadline = tokio::time::Instant::now() + self.inner.fresh_wait;
        loop {
            let current = self.current();
            if let Some(v) = &current
                && (v.version == version || v.started >= asked)
            {
                return Ok(Seen {
                    view: v.clone(),
                    stale: false,
                });
            }
            if current.is_none()
                && let Some(why) = self.failure_since(asked)
            {
                return Err(ApiError::Internal(format!("loading the database: {why}")));
            }
            self.kick();
            match current {
                None => {
                    // Nothing to show yet: wait for the load however long it takes.
                    if refreshed.changed().await.is_err() {
                        return Err(ApiError::Internal("the server is shutting down".into()));
                    }
                }
                Some(v) => {
                    if self.refresh_due_after(deadline.into_std()) {
                        return Ok(Seen {
                            view: v,
                            stale: true,
                        });
                    }
                    if tokio::time::timeout_at(deadline, refreshed.changed())
                        .await
                        .is_err()
                    {
                        return Ok(Seen {
                            view: v,
                            stale: true,
                        });
                    }
                }
            }
        }
    }

    /// A value derived from `seen`'s view, computed once per view and `key` (which must
    /// name the value and every parameter it depends on). `compute` is kept, so newer
    /// views can compute it again before they are shown.
    pub async fn derive<T, F>(
        &self,
        seen: &Seen,
        key: String,
        compute: F,
    ) -> Result<Arc<T>, ApiError>
    where
        T: Send + Sync + 'static,
        F: Fn(&View) -> Result<T, ApiError> + Send + Sync + 'static,
    {
        let view = &seen.view;
        if let Some(hit) = view.lookup(&key) {
            return downcast(hit, &key);
        }
        let gate = self
            .lock_computing()
            .entry((view.id, key.clone()))
            .or_default()
            .clone();
        let _computing = gate.lock().await;
        // Whoever held the gate before us may have computed it.
        if let Some(hit) = view.lookup(&key) {
            return downcast(hit, &key);
        }
        let recompute: Recompute = Arc::new(move |v: &View| Ok(Arc::new(compute(v)?) as Value));
        let (for_task, task_view) = (recompute.clone(), view.clone());
        // Reports are CPU work over every item: off the async threads.
        let computed = tokio::task::spawn_blocking(move || for_task(&task_view)).await;
        let computed = match computed {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => {
                self.forget_gate(view.id, &key);
                return Err(e);
            }
            Err(e) => {
                self.forget_gate(view.id, &key);
                return Err(e.into());
            }
        };
        view.insert(key.clone(), computed.clone(), recompute, Instant::now());
        // Later callers find the memo; waiters already hold the gate.
        self.forget_gate(view.id, &key);
        downcast(computed, &key)
    }

    /// A report as a JSON response, computed once per view and `key` (which must name
    /// the report and every parameter it depends on).
    pub async fn report<T, F>(&self, key: String, compute: F) -> Result<Response, ApiError>
    where
        T: Serialize,
        F: Fn(&Snapshot) -> Result<T, ApiError> + Send + Sync + 'static,
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
        F: Fn(&Snapshot) -> Result<Vec<u8>, ApiError> + Send + Sync + 'static,
    {
        let seen = self.view().await?;
        let body: Arc<Bytes> = self
            .derive(&seen, format!("api {key}"), move |v| {
                compute(&v.snap).map(Bytes::from)
            })
            .await?;
        let response = ([(header::CONTENT_TYPE, content_type)], (*body).clone()).into_response();
        Ok(seen.mark(response))
    }

    /// Starts a refresh unless one is running.
    fn kick(&self) {
        if self.inner.refreshing.swap(true, Ordering::SeqCst) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move { this.refresh().await });
    }

    /// Whether waiting for the refresh running now would only delay the answer: judged
    /// by how long the last one took, it will finish after `deadline`; or it is overdue
    /// on a database whose refreshes do not fit in the wait anyway (a small database's
    /// late refresh is still waited for, so its pages stay current).
    fn refresh_due_after(&self, deadline: Instant) -> bool {
        let t = *self.lock_timing();
        match (t.running_since, t.last_took) {
            (Some(since), Some(took)) => {
                let due = since + took;
                due > deadline || (due < Instant::now() && took > self.inner.fresh_wait)
            }
            // The first refresh, or none running: nothing to judge by; wait.
            _ => false,
        }
    }

    fn lock_timing(&self) -> std::sync::MutexGuard<'_, RefreshTiming> {
        self.inner.timing.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Loads new views until one matches the database (it may change while loading).
    async fn refresh(self) {
        loop {
            let started = Instant::now();
            self.lock_timing().running_since = Some(started);
            let previous = self.current();
            let this = self.clone();
            let loaded = tokio::task::spawn_blocking(move || this.build_view(started, previous))
                .await
                .map_err(ApiError::from)
                .and_then(|r| r);
            let ok = loaded.is_ok();
            {
                let mut t = self.lock_timing();
                t.running_since = None;
                if ok {
                    t.last_took = Some(started.elapsed());
                }
            }
            match loaded {
                Ok(view) => {
                    *self
                        .inner
                        .current
                        .write()
                        .unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(view));
                }
                Err(e) => {
                    *self.inner.failure.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some((started, e.to_string()));
                }
            }
            self.inner.refreshed.send_modify(|n| *n += 1);
            self.inner.refreshing.store(false, Ordering::SeqCst);
            // A failed load is not retried here (the next request will), so a broken
            // database cannot keep a core busy.
            let behind = ok
                && match (self.version(), self.current()) {
                    (Ok(now), Some(v)) => v.version != now,
                    _ => false,
                };
            if !behind || self.inner.refreshing.swap(true, Ordering::SeqCst) {
                return;
            }
        }
    }

    /// Loads a view, then computes on it what was used recently on `previous`.
    fn build_view(&self, started: Instant, previous: Option<Arc<View>>) -> Result<View, ApiError> {
        // The version before the load: a commit during the load then shows as a change.
        let version = self.version()?;
        let snap = self.with_reader(|store| Snapshot::load(store).map_err(ApiError::from))?;
        // Tokenised here, in the background, rather than by the first report that
        // counts words (themes, and the pages built on them).
        snap.text_index();
        let id = self.inner.next_view.fetch_add(1, Ordering::SeqCst);
        let view = View::new(id, version, started, snap);
        if let Some(previous) = previous {
            let budget = Instant::now() + WARM_BUDGET;
            for hot in previous.hot(Instant::now().checked_sub(WARM_WINDOW).unwrap_or(started)) {
                if Instant::now() > budget {
                    break;
                }
                // A value that cannot be computed on the new view (a goal that is gone)
                // is simply not carried over; asking for it again reports the problem.
                if let Ok(value) = (hot.recompute)(&view) {
                    view.insert(hot.key, value, hot.recompute, hot.last_used);
                }
            }
        }
        Ok(view)
    }

    fn current(&self) -> Option<Arc<View>> {
        self.inner
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn failure_since(&self, t: Instant) -> Option<String> {
        match &*self.inner.failure.lock().unwrap_or_else(|p| p.into_inner()) {
            Some((when, why)) if *when >= t => Some(why.clone()),
            _ => None,
        }
    }

    /// Waits until the view reflects every change made so far (for tests: a server only
    /// ever answers from the view it has, see [`AppState::view`]).
    pub async fn settled(&self) -> Result<Arc<View>, ApiError> {
        loop {
            let seen = self.view().await?;
            if !seen.stale {
                return Ok(seen.view);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn forget_gate(&self, view: u64, key: &str) {
        self.lock_computing().remove(&(view, key.to_string()));
    }

    /// The live token with this secret, checked against the database once per database
    /// version.
    pub async fn verify_token(&self, secret: &str) -> Result<Option<TokenInfo>, ApiError> {
        let hash = throughline_store::token_hash(secret);
        let version = self.version_for(Instant::now()).await?;
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

    /// Where the database stands for a request that arrived at `asked`.
    ///
    /// On SQLite, [`AppState::version`] right here: its pragma reads shared memory, which
    /// costs less than any coordination. On PostgreSQL it is a round trip on the one
    /// watcher connection, and with every request making its own, requests queued on that
    /// connection (a few thousand a second at most, with the async threads blocked
    /// meanwhile). So requests share probes instead: any probe whose query began after a
    /// request arrived sees every commit made before it, exactly as the request's own
    /// would, so a request waits for the next probe to begin and takes its answer. One
    /// query, on a blocking thread, serves every request that arrived while the previous
    /// one was in flight.
    async fn version_for(&self, asked: Instant) -> Result<Version, ApiError> {
        if !matches!(self.inner.db, DbLocation::Postgres(_)) {
            return self.version();
        }
        // Subscribed before looking, so a probe finishing between the look and the wait
        // is seen.
        let mut probed = self.inner.probed.subscribe();
        loop {
            {
                let mut probe = self.lock_probe();
                if let Some((began, answer)) = &probe.last
                    && *began >= asked
                {
                    return answer.clone().map_err(ApiError::Internal);
                }
                if !probe.running {
                    probe.running = true;
                    // A task of its own, so a request that goes away (the client hung
                    // up) cannot leave the probe marked running with nobody finishing it.
                    let this = self.clone();
                    tokio::spawn(async move { this.shared_probe().await });
                }
            }
            if probed.changed().await.is_err() {
                return Err(ApiError::Internal("the server is shutting down".into()));
            }
        }
    }

    /// One shared probe: asks the database, keeps the answer with when it began, and
    /// wakes the requests waiting for it.
    async fn shared_probe(self) {
        let began = Instant::now();
        let this = self.clone();
        let answer = match tokio::task::spawn_blocking(move || this.version()).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(format!("checking the database's version: {e}")),
        };
        {
            let mut probe = self.lock_probe();
            probe.last = Some((began, answer));
            probe.running = false;
        }
        self.inner.probed.send_modify(|n| *n += 1);
    }

    fn lock_probe(&self) -> std::sync::MutexGuard<'_, Probe> {
        // Two plain fields, consistent after any panic.
        self.inner.probe.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where the database stands now: cheap on SQLite (one pragma on an open
    /// connection), a round trip on PostgreSQL.
    fn version(&self) -> Result<Version, ApiError> {
        let generation = self.inner.generation.load(Ordering::SeqCst);
        let mut watcher = self.inner.watcher.lock().unwrap_or_else(|e| e.into_inner());
        // Reopened after the database closed it (a restart, a failover): until then every
        // request, and the readiness probe, would fail for good.
        if watcher.is_broken() {
            *watcher =
                Store::open_at(&self.inner.db).map_err(|e| ApiError::Internal(e.to_string()))?;
        }
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

    fn lock_computing(&self) -> std::sync::MutexGuard<'_, Gates> {
        self.inner
            .computing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    fn lock_tokens(
        &self,
    ) -> std::sync::MutexGuard<'_, (Version, HashMap<String, Option<TokenInfo>>)> {
        self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn downcast<T: Send + Sync + 'static>(v: Value, key: &str) -> Result<Arc<T>, ApiError> {
    v.downcast::<T>().map_err(|_| {
        ApiError::Internal(format!(
            "`{key}` was derived as another type (a key reused by two routes)"
        ))
    })
}
