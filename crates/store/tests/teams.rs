//! The strategy's `[[team]]` map, applied when the store writes: on apply to the work
//! already stored, on import to the new and changed work; never over a tracker's team.

use throughline_model::{Strategy, TeamMapping, WorkItem};
use throughline_store::testing::each_db;
use throughline_store::{ImportMeta, ItemFilter, Store};

fn item(key: &str, project: &str, components: &[&str], team: Option<&str>) -> WorkItem {
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: format!("work {key}"),
        project: Some(project.into()),
        components: components.iter().map(|s| s.to_string()).collect(),
        team: team.map(str::to_string),
        ..WorkItem::default()
    }
}

fn import(store: &mut Store, path: &str, items: Vec<WorkItem>) {
    let meta = ImportMeta {
        format: "jira-json".into(),
        path: path.into(),
    };
    store
        .import_items(
            &meta,
            items.into_iter().map(Ok::<_, std::io::Error>),
            |_| {},
        )
        .unwrap();
}

fn teams_of(store: &Store) -> Vec<(String, Option<String>)> {
    let mut v: Vec<_> = store
        .items(&ItemFilter::default())
        .unwrap()
        .into_iter()
        .map(|s| (s.item.key, s.item.team))
        .collect();
    v.sort();
    v
}

fn team(name: &str, projects: &[&str], components: &[&str]) -> TeamMapping {
    TeamMapping {
        name: name.into(),
        projects: projects.iter().map(|s| s.to_string()).collect(),
        components: components.iter().map(|s| s.to_string()).collect(),
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

#[test]
fn mapped_teams_follow_the_strategy_and_never_replace_the_trackers() {
    each_db(|db| {
        let mut store = db.open();
        import(
            &mut store,
            "a.json",
            vec![
                item("ALOY-1", "ALOY", &["XML"], None),
                item("TIMOB-1", "TIMOB", &["Android"], None),
                item("TIMOB-2", "TIMOB", &["CLI"], Some("Payments")),
                item("MOD-1", "MOD", &[], None),
            ],
        );
        // Imported before any strategy: no team.
        assert!(teams_of(&store).iter().filter(|t| t.1.is_none()).count() == 3);

        let teams = vec![
            team("Alloy", &["ALOY"], &[]),
            team("Mobile", &["TIMOB"], &["android", "CLI"]),
        ];
        let (version, mapped) = store
            .apply_strategy_with_teams(&Strategy::default(), &teams, "v1", None)
            .unwrap();
        assert_eq!((version, mapped), (1, 2));
        assert_eq!(store.teams().unwrap(), teams);
        assert_eq!(
            teams_of(&store),
            vec![
                ("ALOY-1".into(), some("Alloy")),
                ("MOD-1".into(), None),
                ("TIMOB-1".into(), some("Mobile")),
                // The tracker's own team wins over the component's.
                ("TIMOB-2".into(), some("Payments")),
            ]
        );

        // New and changed work gets its team as it is written; an unchanged item keeps it.
        import(
            &mut store,
            "b.json",
            vec![
                item("TIMOB-3", "TIMOB", &[], None),
                item("MOD-1", "MOD", &["Android"], None),
                item("ALOY-1", "ALOY", &["XML"], None),
            ],
        );
        let got = teams_of(&store);
        assert!(got.contains(&("TIMOB-3".into(), some("Mobile"))), "{got:?}");
        assert!(got.contains(&("MOD-1".into(), some("Mobile"))), "{got:?}");
        assert!(got.contains(&("ALOY-1".into(), some("Alloy"))), "{got:?}");
        // A changed item that now has a team of its own keeps it.
        import(
            &mut store,
            "c.json",
            vec![item("ALOY-1", "ALOY", &["XML"], Some("Docs"))],
        );
        assert!(teams_of(&store).contains(&("ALOY-1".into(), some("Docs"))));

        // A strategy that maps differently takes its old teams back; the trackers' stay.
        let (_, mapped) = store
            .apply_strategy_with_teams(
                &Strategy::default(),
                &[team("Modules", &["MOD"], &[])],
                "v2",
                None,
            )
            .unwrap();
        assert_eq!(mapped, 1);
        drop(store);
        // Read back from the file, as another process would.
        let store = db.open();
        assert_eq!(
            teams_of(&store),
            vec![
                ("ALOY-1".into(), some("Docs")),
                ("MOD-1".into(), some("Modules")),
                ("TIMOB-1".into(), None),
                ("TIMOB-2".into(), some("Payments")),
                ("TIMOB-3".into(), None),
            ]
        );
        // The store filters by the mapped team like any other.
        let modules = store
            .items(&ItemFilter {
                team: some("Modules"),
                ..ItemFilter::default()
            })
            .unwrap();
        assert_eq!(modules.len(), 1);
        // A strategy applied without teams maps none.
        let mut store = store;
        store
            .apply_strategy(&Strategy::default(), "v3", None)
            .unwrap();
        assert!(store.teams().unwrap().is_empty());
        assert!(teams_of(&store).contains(&("MOD-1".into(), None)));
    });
}
