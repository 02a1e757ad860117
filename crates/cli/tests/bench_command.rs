//! `throughline bench` through the real binary, on a few thousand generated items (the
//! million-item figures are measured by running it, not in tests).

mod common;

use common::Env;

#[test]
fn bench_align_keeps_its_database_for_the_reports_when_asked() {
    let env = Env::new();
    let out = env.json(&["bench", "align", "--items", "3000", "--keep"]);
    assert_eq!(out["items"], 3000);
    let inferred = out["align"]["inferred"].as_u64().expect("inferred count");
    assert!(inferred > 0, "{out}");

    // The kept database is an ordinary one: every generated item, linked explicitly by
    // the bench strategy's label selectors or inferred by the engine, as bench said.
    let status = env.json(&["status"]);
    assert_eq!(status["total"]["items"], 3000);
    let explicit = status["aligned_by_origin"]["explicit"]["items"].as_u64();
    assert!(explicit.unwrap() > 1000, "{explicit:?}");
    let listed = env.json(&["items", "--origin", "inferred", "--limit", "1"]);
    assert_eq!(listed["total"].as_u64(), Some(inferred));
    assert_eq!(explicit.unwrap() + inferred, 3000);

    // A second kept bench would write into that database: refused, and it is untouched.
    let err = env.fails(&["bench", "import", "--items", "10", "--keep"]);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(env.json(&["status"])["total"]["items"], 3000);
}

#[test]
fn bench_import_without_keep_leaves_no_database_behind() {
    let env = Env::new();
    let out = env.json(&["bench", "import", "--items", "500", "--format", "jsonl"]);
    assert_eq!(out["items"], 500);
    assert!(out["items_per_second"].as_f64().unwrap() > 0.0, "{out}");
    assert!(!env.db().exists(), "bench wrote {}", env.db().display());
}

#[test]
fn bench_reports_times_every_report_and_a_kept_one() {
    let env = Env::new();
    let out = env.json(&["bench", "reports", "--items", "2000"]);
    assert_eq!(out["items"], 2000);
    assert!(
        out["load_seconds"].as_f64().is_some_and(|s| s > 0.0),
        "{out}"
    );
    let made = out["make_seconds"].as_object().expect("make_seconds");
    let names: Vec<&str> = made.keys().map(String::as_str).collect();
    for r in ["status", "brief", "drift", "themes", "allocation"] {
        assert!(names.contains(&r), "{r} missing from {out}");
    }
    assert!(out["kept_read_seconds"].as_f64().is_some(), "{out}");
    assert!(!env.db().exists());
    let text = env.ok(&["bench", "reports", "--items", "500"]);
    assert!(
        text.contains("asked again before the data changes"),
        "{text}"
    );
}
