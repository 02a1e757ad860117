//! Imports are transactional and idempotent, on a real SQLite file and a real
//! PostgreSQL database (`throughline_store::testing`).

use throughline_model::{LinkTarget, StatusCategory, WorkItem};
use throughline_store::testing::each_db;
use throughline_store::{ImportMeta, ItemFilter};

fn item(key: &str, title: &str) -> WorkItem {
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: title.into(),
        labels: vec!["checkout".into(), "web".into()],
        team: Some("Payments".into()),
        estimate: Some(3.0),
        created: Some("2026-07-01T10:00:00Z".parse().unwrap()),
        status_category: StatusCategory::InProgress,
        ..WorkItem::default()
    }
}

fn meta() -> ImportMeta {
    ImportMeta {
        format: "test".into(),
        path: "memory".into(),
    }
}

type R = Result<WorkItem, std::io::Error>;

#[test]
fn items_round_trip_through_a_database_file() {
    each_db(|db| {
        let original = item("PAY-1", "Saved cards");
        {
            let mut store = db.open();
            let s = store
                .import_items(&meta(), vec![R::Ok(original.clone())], |_| {})
                .unwrap();
            assert_eq!((s.read, s.inserted, s.updated, s.unchanged), (1, 1, 0, 0));
        }
        let store = db.open();
        let all = store.all_items().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].item, original);
    });
}

#[test]
fn reimporting_updates_in_place_without_duplicates() {
    each_db(|db| {
        let mut store = db.open();
        let first = vec![R::Ok(item("PAY-1", "a")), R::Ok(item("PAY-2", "b"))];
        store.import_items(&meta(), first, |_| {}).unwrap();

        let again = vec![R::Ok(item("PAY-1", "a")), R::Ok(item("PAY-2", "b"))];
        let s = store.import_items(&meta(), again, |_| {}).unwrap();
        assert_eq!((s.inserted, s.updated, s.unchanged), (0, 0, 2));

        let changed = vec![
            R::Ok(item("PAY-1", "a")),
            R::Ok(item("PAY-2", "b, renamed")),
            R::Ok(item("PAY-3", "c")),
        ];
        let s = store.import_items(&meta(), changed, |_| {}).unwrap();
        assert_eq!((s.inserted, s.updated, s.unchanged), (1, 1, 1));
        assert_eq!(store.item_count().unwrap(), 3);
        let pay2 = store.find_item(None, "PAY-2").unwrap().unwrap();
        assert_eq!(pay2.item.title, "b, renamed");
    });
}

#[test]
fn a_failure_halfway_stores_nothing_of_that_import() {
    each_db(|db| {
        let mut store = db.open();
        store
            .import_items(&meta(), vec![R::Ok(item("PAY-1", "kept"))], |_| {})
            .unwrap();

        let bad = vec![
            R::Ok(item("PAY-1", "changed by the bad import")),
            R::Ok(item("PAY-2", "new in the bad import")),
            R::Err(std::io::Error::other("tickets.csv line 3: broken quote")),
            R::Ok(item("PAY-4", "never reached")),
        ];
        let err = store.import_items(&meta(), bad, |_| {}).unwrap_err();
        assert!(err.to_string().contains("tickets.csv line 3"), "{err}");
        drop(store);

        let store = db.open();
        let all = store.all_items().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].item.title, "kept");
        let last = store.last_import().unwrap().unwrap();
        assert_eq!(
            last.items, 1,
            "the failed import leaves no trace in the log"
        );
    });
}

#[test]
fn items_can_be_filtered() {
    each_db(|db| {
        let mut store = db.open();
        let mut other = item("CORE-9", "Dark mode 100% done");
        other.team = Some("Core".into());
        other.created = Some("2026-09-01T00:00:00Z".parse().unwrap());
        store
            .import_items(
                &meta(),
                vec![R::Ok(item("PAY-1", "Saved cards")), R::Ok(other)],
                |_| {},
            )
            .unwrap();
        let by_team = store
            .items(&ItemFilter {
                team: Some("Core".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(by_team.len(), 1);
        assert_eq!(by_team[0].item.key, "CORE-9");
        let by_date = store
            .items(&ItemFilter {
                created_from: Some("2026-08-01T00:00:00Z".parse().unwrap()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(by_date.len(), 1);
        let literal_percent = store
            .items(&ItemFilter {
                text: Some("100%".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(literal_percent.len(), 1);
        let none = store
            .items(&ItemFilter {
                text: Some("10_%".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(none.is_empty());
    });
}

#[test]
fn undated_files_are_spread_over_the_same_span_for_a_time_split() {
    each_db(|db| {
        let mut store = db.open();
        let undated = |key: &str| WorkItem {
            created: None,
            ..item(key, key)
        };
        // Two files imported one after the other: four items, then two.
        let first: Vec<R> = ["A1", "A2", "A3", "A4"]
            .iter()
            .map(|k| Ok(undated(k)))
            .collect();
        let second: Vec<R> = ["B1", "B2"].iter().map(|k| Ok(undated(k))).collect();
        store.import_items(&meta(), first, |_| {}).unwrap();
        store.import_items(&meta(), second, |_| {}).unwrap();
        let (items, undated_order) = store.items_in_time_order().unwrap();
        let keys: Vec<&str> = items.iter().map(|s| s.item.key.as_str()).collect();
        // Positions 1/8, 3/8, 5/8, 7/8 in the first file; 1/4 and 3/4 in the second.
        assert_eq!(keys, ["A1", "B1", "A2", "A3", "B2", "A4"]);
        assert!(undated_order);
        // One dated item and the order is the plain import order (dates decide then).
        let dated: Vec<R> = vec![Ok(item("C1", "dated"))];
        store.import_items(&meta(), dated, |_| {}).unwrap();
        let (items, undated_order) = store.items_in_time_order().unwrap();
        let keys: Vec<&str> = items.iter().map(|s| s.item.key.as_str()).collect();
        assert_eq!(keys, ["A1", "A2", "A3", "A4", "B1", "B2", "C1"]);
        assert!(!undated_order);
    });
}

#[test]
fn the_import_log_says_where_the_data_came_from_and_when() {
    each_db(|db| {
        let mut store = db.open();
        assert_eq!(store.last_import().unwrap(), None);
        let items = vec![
            R::Ok(item("PAY-1", "Saved cards")),
            R::Ok(item("PAY-2", "Wallets")),
        ];
        store.import_items(&meta(), items, |_| {}).unwrap();
        let last = store.last_import().unwrap().unwrap();
        assert_eq!(
            (last.format.as_str(), last.path.as_str(), last.items),
            ("test", "memory", 2)
        );
        assert!(
            chrono::DateTime::parse_from_rfc3339(&last.at).is_ok(),
            "{}",
            last.at
        );
        // Live sync continues from the last import of the same query.
        assert_eq!(
            store.last_import_at("test", "memory").unwrap(),
            Some(last.at)
        );
        assert_eq!(store.last_import_at("test", "elsewhere").unwrap(), None);
    });
}

#[test]
fn a_complete_input_removes_what_only_it_brought_and_no_longer_has() {
    each_db(|db| {
        let mut store = db.open();
        let sync = ImportMeta {
            format: "jira-sync".into(),
            path: "https://acme.test project = PAY".into(),
        };
        // PAY-9 came from an export file, the rest from the sync.
        store
            .import_items(
                &meta(),
                vec![R::Ok(item("PAY-9", "From the export"))],
                |_| {},
            )
            .unwrap();
        let first = vec![
            R::Ok(item("PAY-1", "a")),
            R::Ok(item("PAY-2", "b")),
            R::Ok(item("PAY-3", "c")),
        ];
        let (s, gone) = store.import(&sync, first, |_| {}, true).unwrap();
        assert_eq!((s.inserted, s.removed), (3, 0));
        assert!(gone.is_empty());
        let pay2 = store.find_item(None, "PAY-2").unwrap().unwrap().id;
        store
            .set_correction(pay2, &LinkTarget::Initiative("checkout".into()), None, "")
            .unwrap();
        assert!(store.links().unwrap().iter().any(|l| l.item_id == pay2));

        // PAY-2 was deleted in the tracker and PAY-3 changed; an incremental import of the
        // same name removes nothing.
        let changed = vec![R::Ok(item("PAY-3", "c, renamed"))];
        let s = store.import_items(&sync, changed, |_| {}).unwrap();
        assert_eq!((s.updated, s.removed), (1, 0));
        assert_eq!(store.item_count().unwrap(), 4);

        // The next full read has PAY-1 (unchanged since the first) and PAY-3 (last written by
        // the second): only PAY-2 goes, with its link; the export's PAY-9 stays.
        let full = vec![
            R::Ok(item("PAY-1", "a")),
            R::Ok(item("PAY-3", "c, renamed")),
        ];
        let (s, gone) = store.import(&sync, full, |_| {}, true).unwrap();
        assert_eq!((s.unchanged, s.removed), (2, 1));
        assert_eq!(gone, vec!["jira:PAY-2".to_string()]);
        assert!(store.find_item(None, "PAY-2").unwrap().is_none());
        assert!(store.find_item(None, "PAY-9").unwrap().is_some());
        assert!(store.links().unwrap().iter().all(|l| l.item_id != pay2));

        // An empty answer removes nothing.
        let (s, gone) = store.import(&sync, Vec::<R>::new(), |_| {}, true).unwrap();
        assert_eq!((s.read, s.removed), (0, 0));
        assert!(gone.is_empty());
        assert_eq!(store.item_count().unwrap(), 3);
    });
}

#[test]
fn an_area_path_is_stored_and_a_new_one_is_a_change() {
    each_db(|db| {
        let mut store = db.open();
        let filed = |area: Option<&str>| WorkItem {
            source: "azure-devops".into(),
            area_path: area.map(str::to_string),
            ..item("Shop-3", "Pay with a saved card")
        };
        store
            .import_items(&meta(), vec![R::Ok(filed(None))], |_| {})
            .unwrap();
        let s = store
            .import_items(&meta(), vec![R::Ok(filed(Some("Shop\\Checkout")))], |_| {})
            .unwrap();
        assert_eq!((s.inserted, s.updated, s.unchanged), (0, 1, 0));
        let s = store
            .import_items(&meta(), vec![R::Ok(filed(Some("Shop\\Checkout")))], |_| {})
            .unwrap();
        assert_eq!((s.inserted, s.updated, s.unchanged), (0, 0, 1));
        let all = store.all_items().unwrap();
        assert_eq!(all[0].item, filed(Some("Shop\\Checkout")));
        let all = store.all_items_at_once().unwrap();
        assert_eq!(all[0].item.area_path.as_deref(), Some("Shop\\Checkout"));
    });
}

#[test]
fn ids_follow_the_input_order_and_re_imports_take_none() {
    each_db(|db| {
        let mut store = db.open();
        let first = vec![R::Ok(item("PAY-1", "a")), R::Ok(item("PAY-2", "b"))];
        store.import_items(&meta(), first, |_| {}).unwrap();
        // An update, a no-op, a new item and a key twice (the later record wins).
        let again = vec![
            R::Ok(item("PAY-2", "b, renamed")),
            R::Ok(item("PAY-1", "a")),
            R::Ok(item("PAY-3", "c")),
            R::Ok(item("PAY-4", "d")),
            R::Ok(item("PAY-3", "c, again")),
        ];
        store.import_items(&meta(), again, |_| {}).unwrap();
        let ids: Vec<(i64, String, String)> = store
            .all_items()
            .unwrap()
            .into_iter()
            .map(|s| (s.id, s.item.key, s.item.title))
            .collect();
        let want = [
            (1, "PAY-1", "a"),
            (2, "PAY-2", "b, renamed"),
            (3, "PAY-3", "c, again"),
            (4, "PAY-4", "d"),
        ]
        .map(|(i, k, t)| (i, k.to_string(), t.to_string()));
        assert_eq!(ids, want);
    });
}
