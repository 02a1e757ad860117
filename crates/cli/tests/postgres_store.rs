//! The same work on a SQLite file and on a PostgreSQL database gives the same reports:
//! the real binary, `--db FILE` against `--db postgres://...` (a schema of its own on
//! the test server, see `throughline_store::testing`; skipped, saying so, when there is
//! no PostgreSQL outside CI).

mod common;

use common::Env;
use serde_json::Value;
use throughline_store::testing::PgTestSchema;

/// The report without what differs between two runs of the same work: when each
/// import ran.
fn without_times(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("at");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

#[test]
fn import_apply_align_and_status_are_the_same_on_sqlite_and_postgresql() {
    let Some(pg) = PgTestSchema::create() else {
        return;
    };
    let env = Env::new();
    // The demo's exports, written by a demo run on a scratch database.
    let scratch = env.path("scratch.db");
    let scratch = scratch.to_str().expect("utf-8 path");
    env.ok(&["--db", scratch, "--quiet", "demo", "--dir", "exports"]);

    let sqlite = env.db();
    let sqlite = sqlite.to_str().expect("utf-8 path");
    let mut reports = Vec::new();
    for db in [sqlite, pg.url.as_str()] {
        let run = |args: &[&str]| {
            let mut all = vec!["--db", db, "--quiet"];
            all.extend_from_slice(args);
            env.ok(&all)
        };
        run(&["strategy", "apply", "exports/strategy.toml"]);
        run(&["import", "jira", "exports/jira.json"]);
        run(&["import", "linear", "exports/linear.csv"]);
        run(&["note", "import", "exports/notes.csv"]);
        run(&["metrics", "import", "exports/metrics.csv"]);
        run(&["align"]);
        // A person's word, and a re-import that changes nothing.
        let unlinked: Value =
            serde_json::from_str(&run(&["items", "--unclear", "--limit", "1", "--json"]))
                .expect("items json");
        let key = unlinked["items"][0]["key"]
            .as_str()
            .expect("the demo has unclear work")
            .to_string();
        run(&["link", &key, "off_plan:tech_debt", "--reason", "a person"]);
        run(&["import", "jira", "exports/jira.json"]);
        let status: Value =
            serde_json::from_str(&run(&["status", "--period", "all", "--json", "--no-cache"]))
                .expect("status json");
        let brief: Value = serde_json::from_str(&run(&[
            "brief",
            "--period",
            "2026-Q3",
            "--json",
            "--no-cache",
        ]))
        .expect("brief json");
        reports.push((db, without_times(status), without_times(brief)));
    }
    let (sqlite_status, pg_status) = (&reports[0].1, &reports[1].1);
    assert!(
        sqlite_status["total"]["items"].as_u64().unwrap_or(0) > 1000,
        "the status holds the demo's work: {sqlite_status}"
    );
    assert_eq!(
        sqlite_status, pg_status,
        "status differs between the stores"
    );
    assert_eq!(
        reports[0].2, reports[1].2,
        "brief differs between the stores"
    );
}

#[test]
fn a_bad_postgresql_url_is_a_clear_error() {
    let env = Env::new();
    let err = env.fails(&["--db", "postgres://me:secret@host:port/db", "status"]);
    assert!(err.contains("is not a PostgreSQL URL"), "{err}");
    let err = env.fails(&["--db", "postgres://nobody@127.0.0.1:1/none", "status"]);
    assert!(err.contains("cannot connect to PostgreSQL"), "{err}");
}

#[test]
fn migrate_copies_sqlite_into_postgresql_and_back_and_every_report_stays_the_same() {
    let Some(pg) = PgTestSchema::create() else {
        return;
    };
    let env = Env::new();
    let first = env.path("first.db");
    let first = first.to_str().expect("utf-8 path");
    let back = env.path("back.db");
    let back = back.to_str().expect("utf-8 path");
    env.ok(&["--db", first, "--quiet", "demo", "--dir", "exports"]);
    env.ok(&["--db", first, "token", "create", "--role", "viewer"]);
    let report = |db: &str| -> (Value, Value) {
        let status = env.ok(&[
            "--db",
            db,
            "status",
            "--period",
            "all",
            "--json",
            "--no-cache",
        ]);
        let items = env.ok(&["--db", db, "items", "--unclear", "--json", "--no-cache"]);
        (
            serde_json::from_str(&status).expect("status json"),
            serde_json::from_str(&items).expect("items json"),
        )
    };
    let before = report(first);

    let copied = env.json(&["migrate", "--from", first, "--to", &pg.url]);
    assert_eq!(copied["rows"]["items"], 3000, "{copied}");
    assert_eq!(copied["rows"]["tokens"], 1, "{copied}");
    assert_eq!(
        report(&pg.url),
        before,
        "the PostgreSQL copy reports differently"
    );

    let copied_back = env.json(&["migrate", "--from", &pg.url, "--to", back]);
    assert_eq!(copied_back["rows"], copied["rows"]);
    assert_eq!(report(back), before, "the round trip reports differently");

    // A database that holds something is never written over.
    let err = env.fails(&["migrate", "--from", first, "--to", back]);
    assert!(err.contains("not empty"), "{err}");
    // New rows on the copy get ids after the copied ones.
    env.ok(&[
        "--db",
        &pg.url,
        "--quiet",
        "strategy",
        "apply",
        "exports/strategy.toml",
    ]);
    let history = env.json(&["--db", &pg.url, "strategy", "show", "--history"]);
    let versions: Vec<u64> = history
        .as_array()
        .expect("a list of versions")
        .iter()
        .filter_map(|v| v["version"].as_u64())
        .collect();
    assert_eq!(versions, [1, 2], "{history}");
}
