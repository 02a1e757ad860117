//! Strategy versions, links by origin, notes and metric values.

use throughline_model::{
    ContextNote, Goal, LinkOrigin, LinkTarget, MetricValue, NoteKind, NoteTarget, OffPlanReason,
    Strategy, WorkItem,
};
use throughline_store::testing::{TestDb, each_db};
use throughline_store::{Candidate, Correction, ImportMeta, LinkWrite, Store};

fn store_with_items(db: &TestDb, keys: &[&str]) -> Store {
    let mut store = db.open();
    let items = keys.iter().map(|k| {
        Ok::<_, std::io::Error>(WorkItem {
            source: "jira".into(),
            key: k.to_string(),
            title: format!("item {k}"),
            ..Default::default()
        })
    });
    let meta = ImportMeta {
        format: "t".into(),
        path: "t".into(),
    };
    store.import_items(&meta, items, |_| {}).unwrap();
    store
}

#[test]
fn every_apply_is_a_new_version_and_history_is_kept() {
    each_db(|db| {
        let mut store = db.open();
        assert!(store.strategy().unwrap().is_none());
        let mut s = Strategy::default();
        s.goals.push(Goal {
            id: "g1".into(),
            title: "One".into(),
            ..Default::default()
        });
        assert_eq!(
            store.apply_strategy(&s, "text v1", Some("s.toml")).unwrap(),
            1
        );
        s.goals.push(Goal {
            id: "g2".into(),
            title: "Two".into(),
            ..Default::default()
        });
        assert_eq!(
            store.apply_strategy(&s, "text v2", Some("s.toml")).unwrap(),
            2
        );
        let (v, current) = store.strategy().unwrap().unwrap();
        assert_eq!((v, current.goals.len()), (2, 2));
        let (_, old) = store.strategy_version(Some(1)).unwrap().unwrap();
        assert_eq!(old.goals.len(), 1);
        let history = store.strategy_history().unwrap();
        assert_eq!(
            history.iter().map(|h| h.goals).collect::<Vec<_>>(),
            vec![1, 2]
        );
    });
}

#[test]
fn links_of_each_origin_live_apart() {
    each_db(|db| {
        let mut store = store_with_items(db, &["A-1", "A-2"]);
        let id1 = store.item_id("jira", "A-1").unwrap().unwrap();
        let id2 = store.item_id("jira", "A-2").unwrap().unwrap();
        let w = |id, t: LinkTarget| LinkWrite {
            item_id: id,
            target: t,
            confidence: 0.7,
            reason: "words".into(),
            input_hash: Some(1),
            candidates: Vec::new(),
            aligned_p: None,
        };
        store
            .replace_links(
                LinkOrigin::Inferred,
                &[
                    w(id1, LinkTarget::Initiative("i1".into())),
                    w(id2, LinkTarget::Unclear),
                ],
            )
            .unwrap();
        store
            .set_correction(
                id1,
                &LinkTarget::OffPlan(OffPlanReason::SalesCommitment),
                Some("Sales"),
                "ACME deal",
            )
            .unwrap();
        let links = store.links_of(id1).unwrap();
        assert_eq!(links.len(), 2);
        let corrected = links
            .iter()
            .find(|l| l.origin == LinkOrigin::Corrected)
            .unwrap();
        assert_eq!(
            corrected.target,
            LinkTarget::OffPlan(OffPlanReason::SalesCommitment)
        );
        assert_eq!(corrected.by_team.as_deref(), Some("Sales"));

        // A full inference run replaces inferred links only; the correction stays.
        store
            .replace_links(
                LinkOrigin::Inferred,
                &[w(id2, LinkTarget::Goal("g1".into()))],
            )
            .unwrap();
        let all = store.links().unwrap();
        assert_eq!(all.len(), 2);
        assert!(
            all.iter()
                .any(|l| l.origin == LinkOrigin::Corrected && l.item_id == id1)
        );
        assert!(
            all.iter()
                .any(|l| l.item_id == id2 && l.target == LinkTarget::Goal("g1".into()))
        );

        assert!(
            store
                .set_correction(9999, &LinkTarget::Unclear, None, "")
                .is_err()
        );

        // An inference keeps the engine's best candidates, in order, with their odds.
        let candidates = vec![
            Candidate {
                target: LinkTarget::Initiative("i1".into()),
                probability: 0.45,
            },
            Candidate {
                target: LinkTarget::OffPlan(OffPlanReason::TechDebt),
                probability: 0.3,
            },
        ];
        store
            .upsert_links(
                LinkOrigin::Inferred,
                &[LinkWrite {
                    candidates: candidates.clone(),
                    ..w(id2, LinkTarget::Unclear)
                }],
            )
            .unwrap();
        let inferred = store.links_of(id2).unwrap();
        assert_eq!(inferred[0].candidates, candidates);
        // Links without candidates read back with none.
        assert!(store.links_of(id1).unwrap()[0].candidates.is_empty());
    });
}

#[test]
fn notes_and_metric_values_are_kept() {
    each_db(|db| {
        let mut store = store_with_items(db, &["A-1"]);
        let note = ContextNote {
            target: NoteTarget::Item {
                source: "jira".into(),
                key: "A-1".into(),
            },
            kind: NoteKind::Why,
            text: "Pulled in for the ACME renewal".into(),
            author_team: Some("Sales".into()),
            author_name: None,
            date: "2026-08-01".parse().unwrap(),
        };
        store.add_notes(std::slice::from_ref(&note)).unwrap();
        assert_eq!(store.notes().unwrap(), vec![note.clone()]);

        // One item's notes: the same key from another source, and goal notes, stay out.
        let other_source = ContextNote {
            target: NoteTarget::Item {
                source: "github".into(),
                key: "A-1".into(),
            },
            text: "Same key, other tracker".into(),
            ..note.clone()
        };
        let on_goal = ContextNote {
            target: NoteTarget::Goal { id: "A-1".into() },
            text: "A goal that happens to be called A-1".into(),
            ..note.clone()
        };
        store.add_notes(&[other_source.clone(), on_goal]).unwrap();
        assert_eq!(store.notes_for_item("jira", "A-1").unwrap(), vec![note]);
        assert_eq!(
            store.notes_for_item("github", "A-1").unwrap(),
            vec![other_source]
        );
        assert!(store.notes_for_item("jira", "A-2").unwrap().is_empty());

        let v = |d: &str, x| {
            (
                "conv".to_string(),
                MetricValue {
                    date: d.parse().unwrap(),
                    value: x,
                },
            )
        };
        store
            .add_metric_values(&[v("2026-07-08", 3.2), v("2026-07-01", 3.1)])
            .unwrap();
        store.add_metric_values(&[v("2026-07-08", 3.3)]).unwrap();
        let series = store.metric_values("conv").unwrap();
        assert_eq!(
            series.iter().map(|m| m.value).collect::<Vec<_>>(),
            vec![3.1, 3.3]
        );
    });
}

/// The database `db` with items `K-0` to `K-{n-1}`.
fn file_store_with(db: &TestDb, n: usize) -> Store {
    let mut store = db.open();
    let meta = ImportMeta {
        format: "t".into(),
        path: "t".into(),
    };
    let items = (0..n).map(|i| {
        Ok::<_, std::io::Error>(WorkItem {
            source: "jira".into(),
            key: format!("K-{i}"),
            title: format!("item {i}"),
            description: format!("what item {i} is about"),
            labels: vec![format!("l{}", i % 7)],
            ..Default::default()
        })
    });
    store.import_items(&meta, items, |_| {}).unwrap();
    store
}

#[test]
fn syncing_links_writes_only_what_changed_and_keeps_when_the_rest_was_made() {
    each_db(|db| {
        let mut store = file_store_with(db, 4);
        let id = |store: &Store, k: &str| store.item_id("jira", k).unwrap().unwrap();
        let (a1, a2, a3, a4) = (
            id(&store, "K-0"),
            id(&store, "K-1"),
            id(&store, "K-2"),
            id(&store, "K-3"),
        );
        let w = |item_id, initiative: &str| LinkWrite {
            item_id,
            target: LinkTarget::Initiative(initiative.into()),
            confidence: 1.0,
            reason: format!("selected by {initiative}"),
            input_hash: None,
            candidates: Vec::new(),
            aligned_p: None,
        };
        let first = [w(a1, "i1"), w(a2, "i2"), w(a3, "i3")];
        assert_eq!(store.sync_links(LinkOrigin::Explicit, &first).unwrap(), 3);
        store
            .set_correction(a1, &LinkTarget::Goal("g".into()), Some("Ops"), "moved")
            .unwrap();
        // Mark every stored link as made long ago, to see which ones are rewritten.
        db.execute("UPDATE links SET at = '2000-01-01'");

        // A-1 unchanged, A-2 moved, A-3 no longer selected, A-4 newly selected.
        let second = [w(a1, "i1"), w(a2, "i9"), w(a4, "i4")];
        assert_eq!(store.sync_links(LinkOrigin::Explicit, &second).unwrap(), 3);
        let explicit: Vec<_> = store
            .links()
            .unwrap()
            .into_iter()
            .filter(|l| l.origin == LinkOrigin::Explicit)
            .map(|l| (l.item_id, l.target, l.at == Some("2000-01-01".into())))
            .collect();
        assert_eq!(
            explicit,
            vec![
                (a1, LinkTarget::Initiative("i1".into()), true),
                (a2, LinkTarget::Initiative("i9".into()), false),
                (a4, LinkTarget::Initiative("i4".into()), false),
            ]
        );
        // Other origins are left alone, and syncing the same links again writes nothing.
        let corrected = store.links_of(a1).unwrap();
        assert!(
        corrected
            .iter()
            .any(|l| l.origin == LinkOrigin::Corrected && l.at.as_deref() == Some("2000-01-01"))
    );
        assert_eq!(store.sync_links(LinkOrigin::Explicit, &second).unwrap(), 0);
        // The light read re-linking uses has the same links, without their words.
        let light: Vec<_> = store
            .link_targets()
            .unwrap()
            .into_iter()
            .map(|l| (l.item_id, l.origin, l.target, l.input_hash))
            .collect();
        let full: Vec<_> = store
            .links()
            .unwrap()
            .into_iter()
            .map(|l| (l.item_id, l.origin, l.target, l.input_hash))
            .collect();
        assert_eq!(light.len(), 4);
        assert_eq!(light, full);
    });
}

#[test]
fn items_and_links_read_in_parallel_are_the_same_as_read_one_by_one() {
    each_db(|db| {
        // Enough items for several id ranges, one of them odd-sized.
        let mut store = file_store_with(db, 1003);
        let ids: Vec<i64> = store.all_items().unwrap().iter().map(|s| s.id).collect();
        let writes: Vec<LinkWrite> = ids
            .iter()
            .step_by(3)
            .map(|&item_id| LinkWrite {
                item_id,
                target: LinkTarget::Initiative("i".into()),
                confidence: 0.5,
                reason: format!("reason {item_id}"),
                input_hash: Some(item_id),
                candidates: vec![Candidate {
                    target: LinkTarget::Goal("g".into()),
                    probability: 0.4,
                }],
                aligned_p: None,
            })
            .collect();
        store.replace_links(LinkOrigin::Inferred, &writes).unwrap();
        store
            .set_correction(ids[1], &LinkTarget::Unclear, None, "not sure")
            .unwrap();

        let (items, links) = store.items_and_links().unwrap();
        // Every item, without its description (no report reads one).
        let mut all = store.all_items().unwrap();
        assert_eq!(all[5].item.description, "what item 5 is about");
        // The engine's read has every field.
        assert_eq!(store.all_items_at_once().unwrap(), all);
        for s in &mut all {
            s.item.description.clear();
        }
        assert_eq!(items, all);
        assert_eq!(store.items_without_descriptions().unwrap(), all);
        // The same links, without the engine's candidates.
        let mut want = store.links().unwrap();
        for l in &mut want {
            l.candidates.clear();
        }
        assert_eq!(links.len(), 336);
        assert_eq!(links, want);

        // In memory there is no second connection to read on: the same, one by one.
        let mut mem = Store::open_in_memory().unwrap();
        let two = ["A-1", "A-2"].map(|k| {
            Ok::<_, std::io::Error>(WorkItem {
                source: "jira".into(),
                key: k.into(),
                title: format!("item {k}"),
                ..Default::default()
            })
        });
        let meta = ImportMeta {
            format: "t".into(),
            path: "t".into(),
        };
        mem.import_items(&meta, two, |_| {}).unwrap();
        let a1 = mem.item_id("jira", "A-1").unwrap().unwrap();
        mem.set_correction(a1, &LinkTarget::Unclear, None, "x")
            .unwrap();
        let (items, links) = mem.items_and_links().unwrap();
        assert_eq!((items.len(), links.len()), (2, 1));
    });
}

#[test]
fn an_in_memory_snapshot_read_also_leaves_descriptions_out() {
    let mut store = Store::open_in_memory().unwrap();
    let meta = ImportMeta {
        format: "t".into(),
        path: "t".into(),
    };
    let item = WorkItem {
        source: "jira".into(),
        key: "K-1".into(),
        title: "Saved cards".into(),
        description: "Long text".into(),
        ..Default::default()
    };
    store
        .import_items(&meta, [Ok::<_, std::io::Error>(item)], |_| {})
        .unwrap();
    let (items, _) = store.items_and_links().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item.title, "Saved cards");
    assert_eq!(items[0].item.description, "");
    assert_eq!(
        store.all_items_at_once().unwrap()[0].item.description,
        "Long text"
    );
}

#[test]
fn several_corrections_are_stored_together_or_not_at_all() {
    each_db(|db| {
        let mut store = store_with_items(db, &["A-1", "A-2", "A-3"]);
        let id = |s: &Store, k: &str| s.item_id("jira", k).unwrap().unwrap();
        let (a1, a2, a3) = (id(&store, "A-1"), id(&store, "A-2"), id(&store, "A-3"));
        let c = |item_id, target: LinkTarget, reason: &str| Correction {
            item_id,
            target,
            by_team: Some("Payments".into()),
            reason: reason.into(),
        };
        // One unknown item among them: nothing is written, not even the rows before it.
        let err = store
            .set_corrections(&[
                c(a1, LinkTarget::Initiative("i1".into()), "reviewed"),
                c(9999, LinkTarget::Initiative("i1".into()), "reviewed"),
            ])
            .unwrap_err();
        assert!(err.to_string().contains("9999"), "{err}");
        assert!(store.links().unwrap().is_empty());

        store
            .set_corrections(&[
                c(a1, LinkTarget::Initiative("i1".into()), "reviewed"),
                c(
                    a3,
                    LinkTarget::OffPlan(OffPlanReason::TechDebt),
                    "a refactor",
                ),
            ])
            .unwrap();
        let links = store.links().unwrap();
        let got: Vec<(i64, &LinkTarget, &str, Option<&str>)> = links
            .iter()
            .map(|l| {
                (
                    l.item_id,
                    &l.target,
                    l.reason.as_str(),
                    l.by_team.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    a1,
                    &LinkTarget::Initiative("i1".into()),
                    "reviewed",
                    Some("Payments")
                ),
                (
                    a3,
                    &LinkTarget::OffPlan(OffPlanReason::TechDebt),
                    "a refactor",
                    Some("Payments")
                ),
            ]
        );
        assert!(links.iter().all(|l| l.origin == LinkOrigin::Corrected));
        assert!(store.links_of(a2).unwrap().is_empty());
    });
}

#[test]
fn the_other_initiatives_of_explicit_links_are_kept_beside_them_and_follow_each_sync() {
    each_db(|db| {
        let mut store = store_with_items(db, &["A-1", "A-2"]);
        let (a1, a2) = (1, 2);
        let explicit = |id, init: &str| LinkWrite {
            item_id: id,
            target: LinkTarget::Initiative(init.into()),
            confidence: 1.0,
            reason: format!("component of {init}"),
            input_hash: None,
            candidates: Vec::new(),
            aligned_p: None,
        };
        store
            .sync_explicit_links(
                &[explicit(a1, "android"), explicit(a2, "tooling")],
                &[(a1, "tooling".into()), (a1, "cli".into())],
            )
            .unwrap();
        let also = store.also_links().unwrap();
        assert_eq!(
            also.get(&a1),
            Some(&vec!["cli".to_string(), "tooling".to_string()])
        );
        assert_eq!(also.get(&a2), None);
        assert_eq!(store.links().unwrap().len(), 2);

        // The next sync replaces them: one kept, one gone, one new.
        store
            .sync_explicit_links(
                &[explicit(a1, "android"), explicit(a2, "tooling")],
                &[(a1, "cli".into()), (a2, "android".into())],
            )
            .unwrap();
        let also = store.also_links().unwrap();
        assert_eq!(also.get(&a1), Some(&vec!["cli".to_string()]));
        assert_eq!(also.get(&a2), Some(&vec!["android".to_string()]));

        // An item that goes takes its rows with it.
        store.sync_explicit_links(&[], &[]).unwrap();
        assert!(store.also_links().unwrap().is_empty());
        assert!(store.links().unwrap().is_empty());
    });
}
