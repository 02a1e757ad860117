//! How the server keeps its picture of the database current without making anyone wait:
//! the first pages are computed before anyone asks, a change made by another process
//! shows up on its own, a request answered from the previous picture says so (header
//! and page note), and a write made through the server is visible to its writer.

#[path = "api_common/mod.rs"]
mod api_common;

use std::time::{Duration, Instant};

use api_common::{client, get, seed_demo, start, start_with};
use throughline_model::WorkItem;
use throughline_store::{ImportMeta, Store};

/// Polls `check` every 50 ms until it returns `Some`, for at most a minute.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Adds one work item from another connection, as `throughline import` in another
/// process would.
fn import_one_elsewhere(db: &std::path::Path, key: &str) {
    let mut store = Store::open(db).unwrap();
    let item = WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: "Rotate the signing keys".into(),
        ..Default::default()
    };
    let meta = ImportMeta {
        format: "test".into(),
        path: "test".into(),
    };
    store
        .import_items(&meta, [Ok::<_, std::io::Error>(item)], |_| {})
        .unwrap();
}

fn total_items(status: &serde_json::Value) -> u64 {
    status["total"]["items"]
        .as_u64()
        .unwrap_or_else(|| panic!("no total.items in {status}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_pages_are_computed_before_anyone_asks() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 600);
    let s = start(&db, false).await;
    // Nobody has asked for anything yet. The server accepts its first connection only
    // once the warm-up has computed overview, off plan, brief, status, themes, drift,
    // allocation and one page per goal on its own.
    let (code, _) = get(&s, "/api/health").await;
    assert_eq!(code, 200);
    let goals = Store::open(&db)
        .unwrap()
        .strategy()
        .unwrap()
        .unwrap()
        .1
        .goals
        .len();
    let view = s.state.settled().await.unwrap();
    assert!(
        view.derived_count() >= 7 + goals,
        "only {} pages computed ahead",
        view.derived_count()
    );
    let before = view.derived_count();
    // Asking for a warmed page now is a cache hit: nothing new is computed.
    let r = client().get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = client().get(s.url("/api/status")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(s.state.settled().await.unwrap().derived_count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_process_s_import_shows_up_and_stale_answers_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 600);
    // Never wait for a refresh: every request after a change that arrives before the
    // refresh is done is answered from the previous view.
    let s = start_with(&db, false, Duration::ZERO).await;
    let (code, before) = get(&s, "/api/status").await;
    assert_eq!(code, 200);
    let before = total_items(&before);
    let (_, items) = get(&s, "/api/items?limit=1").await;
    let items_before = items["total"].as_u64().unwrap();
    let page_before = client().get(s.url("/")).send().await.unwrap();
    assert_eq!(page_before.status(), 200);

    import_one_elsewhere(&db, "OPS-9001");

    // Whatever the timing, an answer is either marked stale and shows the old count,
    // or unmarked and shows the new one: the header never lies.
    let r = client().get(s.url("/api/status")).send().await.unwrap();
    let stale = r.headers().get("x-throughline-stale").is_some();
    let now = total_items(&r.json().await.unwrap());
    if stale {
        assert_eq!(now, before, "a stale answer is the previous view");
    } else {
        assert_eq!(now, before + 1, "an unmarked answer is current");
    }
    // The item list and the strategy come from the same view and say so the same way.
    let r = client()
        .get(s.url("/api/items?limit=1"))
        .send()
        .await
        .unwrap();
    let stale = r.headers().get("x-throughline-stale").is_some();
    let listed = r.json::<serde_json::Value>().await.unwrap()["total"]
        .as_u64()
        .unwrap();
    let want = if stale {
        items_before
    } else {
        items_before + 1
    };
    assert_eq!(listed, want, "stale={stale}");

    // A page says it in words, and carries the same header.
    let r = client().get(s.url("/")).send().await.unwrap();
    let marked = r.headers().get("x-throughline-stale").is_some();
    let html = r.text().await.unwrap();
    assert_eq!(html.contains("being updated"), marked);
    if marked {
        assert!(
            html.contains(" UTC. The data has changed since"),
            "the note says how old the figures are"
        );
    }

    // The refresh lands on its own, and then the answer is current and unmarked.
    eventually("the import to show", || {
        let url = s.url("/api/status");
        async move {
            let r = client().get(url).send().await.ok()?;
            let stale = r.headers().get("x-throughline-stale").is_some();
            let now = total_items(&r.json().await.ok()?);
            (!stale && now == before + 1).then_some(())
        }
    })
    .await;
    let html = client().get(s.url("/")).send().await.unwrap();
    assert!(!html.text().await.unwrap().contains("being updated"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_the_api_is_read_back_by_its_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 600);
    let s = start(&db, false).await;
    let (_, before) = get(&s, "/api/status").await;
    let corrected_before = before["aligned_by_origin"]["corrected"]["items"]
        .as_u64()
        .unwrap();
    // An item the engine placed, corrected by a person onto an initiative.
    let (_, items) = get(&s, "/api/items?origin=inferred&limit=1").await;
    let item = &items["items"][0];
    let (source, key) = (
        item["source"].as_str().unwrap(),
        item["key"].as_str().unwrap(),
    );
    let strategy = Store::open(&db).unwrap().strategy().unwrap().unwrap().1;
    let target = format!("initiative:{}", strategy.initiatives[0].id);
    let r = client()
        .post(s.url(&format!("/api/items/{source}/{key}/link")))
        .json(&serde_json::json!({ "target": target }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    // The very next read of a report counts the correction.
    let (_, after) = get(&s, "/api/status").await;
    assert_eq!(
        after["aligned_by_origin"]["corrected"]["items"].as_u64(),
        Some(corrected_before + 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_server_loads_another_process_s_change_before_anyone_asks() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 100);
    // Never wait for a refresh: a change not loaded before the request is answered from
    // the previous view, marked stale.
    let s = start_with(&db, false, Duration::ZERO).await;
    let (code, before) = get(&s, "/api/status").await;
    assert_eq!(code, 200);
    let before = total_items(&before);
    import_one_elsewhere(&db, "OPS-9002");
    // Nobody asks for a while: the server's own watch notices the commit and loads it
    // (100 items load well within this, even on a busy machine).
    tokio::time::sleep(Duration::from_secs(8)).await;
    let r = client().get(s.url("/api/status")).send().await.unwrap();
    assert!(
        r.headers().get("x-throughline-stale").is_none(),
        "the first request after an unasked-for change got the previous view"
    );
    assert_eq!(total_items(&r.json().await.unwrap()), before + 1);
}
