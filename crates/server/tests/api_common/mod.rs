//! Shared by the API tests: a demo database on disk and a server on an ephemeral
//! loopback port.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use throughline_demo::{DemoConfig, write_demo};
use throughline_ingest::{Format, ImportOptions, read_items};
use throughline_model::{ContextNote, NoteTarget};
use throughline_server::AppState;
use throughline_store::{ImportMeta, Store};

/// Writes a demo organisation of `items` items to `dir` and imports it (strategy, Jira,
/// Linear, notes, links) into `dir/demo.db` through the same crates the CLI uses.
pub fn seed_demo(dir: &Path, items: usize) -> PathBuf {
    seed_demo_with(
        dir,
        &DemoConfig {
            items,
            ..DemoConfig::default()
        },
    )
}

/// [`seed_demo`] with any demo settings (e.g. a longer period).
pub fn seed_demo_with(dir: &Path, cfg: &DemoConfig) -> PathBuf {
    let (_, files) = write_demo(cfg, &dir.join("demo")).unwrap();
    let db = dir.join("demo.db");
    let mut store = Store::open(&db).unwrap();
    let text = std::fs::read_to_string(&files.strategy).unwrap();
    let strategy = throughline_strategy::parse(&text).unwrap();
    store.apply_strategy(&strategy, &text, None).unwrap();
    for (path, format) in [
        (&files.jira, Format::JiraJson),
        (&files.linear, Format::LinearCsv),
    ] {
        let stream = read_items(path, format, &ImportOptions::default()).unwrap();
        let meta = ImportMeta {
            format: format.to_string(),
            path: path.display().to_string(),
        };
        store.import_items(&meta, stream, |_| {}).unwrap();
    }
    let notes: Vec<ContextNote> = throughline_ingest::read_notes(&files.notes)
        .unwrap()
        .into_iter()
        .filter_map(|mut n| {
            if let NoteTarget::Item { source, key } = &n.target {
                let found = store.find_item(None, key).ok()??;
                if source.is_empty() {
                    n.target = NoteTarget::Item {
                        source: found.item.source,
                        key: key.clone(),
                    };
                }
            }
            Some(n)
        })
        .collect();
    store.add_notes(&notes).unwrap();
    let values = throughline_ingest::read_metric_values(&files.metrics).unwrap();
    store.add_metric_values(&values).unwrap();
    let work = throughline_report::relink::Work::new();
    throughline_report::relink::explicit_links(&mut store, &work).unwrap();
    throughline_report::relink::infer_links(&mut store, &work, true, &|_, _| {}).unwrap();
    db
}

/// A running server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Server {
    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// Starts a server on `db` on 127.0.0.1 with an ephemeral port. Requests wait for the
/// view to catch up with every change (however slow the test machine), so a test that
/// writes and then reads sees its write; `start_with` sets another wait.
pub async fn start(db: &Path, auth: bool) -> Server {
    start_with(db, auth, std::time::Duration::from_secs(120)).await
}

/// Like [`start`], waiting at most `fresh_wait` for a refreshed view.
pub async fn start_with(db: &Path, auth: bool, fresh_wait: std::time::Duration) -> Server {
    let state = AppState::open_full(db.to_path_buf(), auth, fresh_wait).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let s = state.clone();
    tokio::spawn(async move {
        throughline_server::serve_on(listener, s, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    Server {
        addr,
        state,
        stop: Some(tx),
    }
}

/// A client that never uses a proxy (only loopback traffic in tests).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// GET `path`, returning status and JSON body (or the text as a JSON string).
pub async fn get(server: &Server, path: &str) -> (u16, serde_json::Value) {
    let r = client().get(server.url(path)).send().await.unwrap();
    body(r).await
}

/// Status and body of a response; non-JSON bodies come back as a JSON string.
pub async fn body(r: reqwest::Response) -> (u16, serde_json::Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, v)
}
