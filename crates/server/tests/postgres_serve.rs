//! `throughline serve` on PostgreSQL: the same answers as on the SQLite file it was
//! copied from, and another process's write shows up on its own (the store's
//! generation, polled as `data_version`). Skipped, saying so, without PostgreSQL outside
//! CI (see `throughline_store::testing`).

#[path = "api_common/mod.rs"]
mod api_common;

use std::time::{Duration, Instant};

use api_common::{client, seed_demo};
use throughline_model::WorkItem;
use throughline_server::AppState;
use throughline_store::testing::PgTestSchema;
use throughline_store::{DbLocation, ImportMeta, Store};

/// A server on `db` on an ephemeral loopback port; stops when the sender is dropped.
async fn start(db: DbLocation) -> (String, tokio::sync::oneshot::Sender<()>) {
    let state = AppState::open_full(db, false, Duration::from_secs(120)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        throughline_server::serve_on(listener, state, async {
            let _ = rx.await;
        })
        .await
        .unwrap();
    });
    (base, tx)
}

async fn json(url: String) -> serde_json::Value {
    let r = client().get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serving_postgresql_answers_as_sqlite_does_and_sees_other_writers() {
    let Some(pg) = PgTestSchema::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = seed_demo(dir.path(), 600);
    {
        let source = Store::open(&file).unwrap();
        let mut target = pg.store();
        source.copy_into(&mut target).unwrap();
    }
    let (sqlite, _stop_sqlite) = start(DbLocation::File(file.clone())).await;
    let (postgres, _stop_postgres) = start(DbLocation::Postgres(pg.url.clone())).await;
    for path in [
        "/api/status?period=all",
        "/api/items?limit=5",
        "/api/strategy",
    ] {
        assert_eq!(
            json(format!("{postgres}{path}")).await,
            json(format!("{sqlite}{path}")).await,
            "{path}"
        );
    }

    let before = json(format!("{postgres}/api/status?period=all")).await["total"]["items"]
        .as_u64()
        .unwrap();
    // Another process imports one item into the database.
    tokio::task::spawn_blocking({
        let url = pg.url.clone();
        move || {
            let mut store = Store::open_url(&url).unwrap();
            let item = WorkItem {
                source: "jira".into(),
                key: "OPS-9001".into(),
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
    })
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = json(format!("{postgres}/api/status?period=all")).await["total"]["items"]
            .as_u64()
            .unwrap();
        if now == before + 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the import never showed ({now} items)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_is_yes_once_warm_and_no_when_the_database_stops_answering() {
    let dir = tempfile::tempdir().unwrap();
    let file = seed_demo(dir.path(), 50);
    let (sqlite, _stop_sqlite) = start(DbLocation::File(file)).await;
    let ready = client()
        .get(format!("{sqlite}/api/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({"ready": true})
    );

    let Some(pg) = PgTestSchema::create() else {
        return;
    };
    let pg = std::sync::Arc::new(pg);
    let (postgres, _stop_postgres) = start(DbLocation::Postgres(pg.url.clone())).await;
    let ready = client()
        .get(format!("{postgres}/api/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    // The table every request's first query reads goes away: the database no longer
    // answers as this server needs, and a load balancer must stop sending it people.
    tokio::task::spawn_blocking({
        let pg = pg.clone();
        move || pg.client().batch_execute("DROP TABLE store_state").unwrap()
    })
    .await
    .unwrap();
    let ready = client()
        .get(format!("{postgres}/api/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], false, "{body}");
    assert!(
        body["why"]
            .as_str()
            .unwrap()
            .contains("the database does not answer"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_opens_new_connections_after_the_database_ends_its_own() {
    let Some(pg) = PgTestSchema::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = seed_demo(dir.path(), 50);
    {
        let source = Store::open(&file).unwrap();
        let mut target = pg.store();
        source.copy_into(&mut target).unwrap();
    }
    let pg = std::sync::Arc::new(pg);
    // Named, so that only this server's connections are ended below.
    let name = format!("tl_reconnect_{}", std::process::id());
    let url = format!("{}&application_name={name}", pg.url);
    let (base, _stop) = start(DbLocation::Postgres(url)).await;
    let items = json(format!("{base}/api/items?limit=1")).await;
    let on = format!(
        "item:{}:{}",
        items["items"][0]["source"].as_str().unwrap(),
        items["items"][0]["key"].as_str().unwrap()
    );
    let note = |text: &str| serde_json::json!({"on": on, "kind": "why", "text": text});
    let r = client()
        .post(format!("{base}/api/notes"))
        .json(&note("before"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // What a database restart or failover does to every connection the server holds.
    let ended: i64 = tokio::task::spawn_blocking({
        let (pg, name) = (pg.clone(), name.clone());
        move || {
            pg.client()
                .query_one(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                     WHERE application_name = $1",
                    &[&name],
                )
                .unwrap()
                .get(0)
        }
    })
    .await
    .unwrap();
    assert!(ended >= 2, "{ended} connections ended");

    // The first request on a dead connection may fail; then the server opens new ones.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let ready = client()
            .get(format!("{base}/api/ready"))
            .send()
            .await
            .unwrap()
            .status();
        let wrote = client()
            .post(format!("{base}/api/notes"))
            .json(&note("after"))
            .send()
            .await
            .unwrap()
            .status();
        let read = client()
            .get(format!("{base}/api/notes"))
            .send()
            .await
            .unwrap()
            .status();
        if ready == 200 && wrote == 201 && read == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still not serving 30 s after its connections ended: ready {ready}, write {wrote}, read {read}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // One failed request per dead connection at most, not one per request for good.
    assert!(attempts <= 4, "{attempts} rounds before it served again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_load_a_request_sees_every_commit_made_before_it() {
    let Some(pg) = PgTestSchema::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = seed_demo(dir.path(), 200);
    {
        let source = Store::open(&file).unwrap();
        let mut target = pg.store();
        source.copy_into(&mut target).unwrap();
    }
    // Waits as long as it takes for a refresh, so an answer that misses a commit made
    // before the request is the version check's fault, not a stale answer's.
    let (base, _stop) = start(DbLocation::Postgres(pg.url.clone())).await;
    let url = format!("{base}/api/status?period=all&keys=false");
    let total = |v: serde_json::Value| v["total"]["items"].as_u64().unwrap();
    let mut expected = total(json(url.clone()).await);

    // Readers keep the server's version checks busy, so requests share them.
    let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut readers = Vec::new();
    for _ in 0..16 {
        let (url, running) = (url.clone(), running.clone());
        readers.push(tokio::spawn(async move {
            let mut n = 0u64;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                let r = client().get(&url).send().await.unwrap();
                assert_eq!(r.status(), 200);
                n += 1;
            }
            n
        }));
    }
    let mut writer = {
        let url = pg.url.clone();
        tokio::task::spawn_blocking(move || Store::open_url(&url).unwrap())
            .await
            .unwrap()
    };
    for i in 0..10 {
        // Another process commits an item...
        writer = tokio::task::spawn_blocking(move || {
            let item = WorkItem {
                source: "jira".into(),
                key: format!("LOAD-{i}"),
                title: "Added under load".into(),
                ..Default::default()
            };
            let meta = ImportMeta {
                format: "test".into(),
                path: "test".into(),
            };
            writer
                .import_items(&meta, [Ok::<_, std::io::Error>(item)], |_| {})
                .unwrap();
            writer
        })
        .await
        .unwrap();
        expected += 1;
        // ...and the very next request, however many are in flight, counts it.
        assert_eq!(total(json(url.clone()).await), expected, "after commit {i}");
    }
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    let mut served = 0;
    for r in readers {
        served += r.await.unwrap();
    }
    assert!(served > 0);
}
