//! `Store::copy_into` (`throughline migrate`): everything arrives, ids included, from
//! SQLite into PostgreSQL and back; a database that holds something is never written.

use chrono::NaiveDate;
use throughline_model::{
    ContextNote, LinkOrigin, LinkTarget, MetricValue, NoteKind, NoteTarget, OffPlanReason,
    Strategy, WorkItem,
};
use throughline_store::testing::PgTestSchema;
use throughline_store::{DigestSend, ImportMeta, LinkWrite, Role, Store};

fn item(key: &str) -> WorkItem {
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: format!("Work {key}"),
        description: "the text".into(),
        labels: vec!["a".into(), "b".into()],
        estimate: Some(2.5),
        created: Some("2026-07-01T10:00:00Z".parse().unwrap()),
        ..Default::default()
    }
}

/// A database with a row in every table.
fn fill(store: &mut Store) {
    let meta = ImportMeta {
        format: "test".into(),
        path: "t.json".into(),
    };
    let items = ["A-1", "A-2", "A-3"].map(|k| Ok::<_, std::io::Error>(item(k)));
    store.import_items(&meta, items, |_| {}).unwrap();
    // A gap in the ids, which a copy must keep.
    store
        .import(&meta, [Ok::<_, std::io::Error>(item("A-3"))], |_| {}, true)
        .unwrap();
    store
        .import_items(&meta, [Ok::<_, std::io::Error>(item("A-4"))], |_| {})
        .unwrap();
    store
        .apply_strategy(&Strategy::default(), "# empty", Some("s.toml"))
        .unwrap();
    let a3 = store.item_id("jira", "A-3").unwrap().unwrap();
    let a4 = store.item_id("jira", "A-4").unwrap().unwrap();
    let link = LinkWrite {
        item_id: a3,
        target: LinkTarget::Initiative("checkout".into()),
        confidence: 1.0,
        reason: "label a".into(),
        input_hash: None,
        candidates: Vec::new(),
        aligned_p: None,
    };
    store
        .sync_explicit_links(&[link], &[(a3, "wallets".into())])
        .unwrap();
    store
        .set_correction(
            a4,
            &LinkTarget::OffPlan(OffPlanReason::TechDebt),
            Some("Ops"),
            "debt",
        )
        .unwrap();
    store
        .add_notes(&[ContextNote {
            target: NoteTarget::Item {
                source: "jira".into(),
                key: "A-3".into(),
            },
            kind: NoteKind::Why,
            text: "a renewal".into(),
            author_team: Some("Sales".into()),
            author_name: None,
            date: NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
        }])
        .unwrap();
    store
        .add_metric_values(&[(
            "conv".into(),
            MetricValue {
                date: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                value: 3.25,
            },
        )])
        .unwrap();
    store
        .create_token(Role::Admin, Some("Ops"), Some("ci"))
        .unwrap();
    store.put_embeddings("m", &[(42, vec![0.5, -1.0])]).unwrap();
    store
        .record_digest(&DigestSend {
            destination: "h".into(),
            shown: "slack:***".into(),
            team: String::new(),
            sent_at: String::new(),
            covered_from: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            covered_to: NaiveDate::from_ymd_opt(2026, 7, 7).unwrap(),
            ok: true,
            error: None,
        })
        .unwrap();
}

/// Everything a reader of the store can see.
fn contents(s: &Store) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        s.all_items().unwrap(),
        s.links().unwrap(),
        {
            let mut a: Vec<_> = s.also_links().unwrap().into_iter().collect();
            a.sort();
            a
        },
        s.notes().unwrap(),
        s.metric_values("conv").unwrap(),
        s.tokens().unwrap(),
        s.embeddings("m").unwrap(),
        s.digest_sends().unwrap(),
        s.strategy_history().unwrap(),
        s.latest_imports().unwrap(),
        s.table_counts().unwrap(),
    )
}

#[test]
fn everything_is_copied_into_postgresql_and_back_with_its_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Store::open(dir.path().join("first.db")).unwrap();
    fill(&mut first);
    let want = contents(&first);
    assert_eq!(
        first
            .table_counts()
            .unwrap()
            .iter()
            .filter(|(_, n)| *n == 0)
            .count(),
        0,
        "every table holds a row: {:?}",
        first.table_counts().unwrap()
    );

    // Without PostgreSQL, SQLite into SQLite still shows the copy is whole.
    let pg = PgTestSchema::create();
    let mut middle = match &pg {
        Some(pg) => pg.store(),
        None => Store::open(dir.path().join("middle.db")).unwrap(),
    };
    first.copy_into(&mut middle).unwrap();
    assert_eq!(contents(&middle), want);
    let mut back = Store::open(dir.path().join("back.db")).unwrap();
    middle.copy_into(&mut back).unwrap();
    assert_eq!(contents(&back), want);

    // Nothing is written into a database that holds something.
    let err = first.copy_into(&mut back).unwrap_err();
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(contents(&back), want);

    // New rows come after the copied ids, and writes on the copy go on as on the original.
    let meta = ImportMeta {
        format: "test".into(),
        path: "more.json".into(),
    };
    for store in [&mut first, &mut middle] {
        store
            .import_items(&meta, [Ok::<_, std::io::Error>(item("B-1"))], |_| {})
            .unwrap();
        store.create_token(Role::Viewer, None, None).unwrap();
    }
    assert_eq!(
        first.item_id("jira", "B-1").unwrap(),
        middle.item_id("jira", "B-1").unwrap()
    );
    assert_eq!(
        first.tokens().unwrap()[1].id,
        middle.tokens().unwrap()[1].id
    );
    let _ = LinkOrigin::Explicit;
}
