//! Explicit alignment from selectors, with parent chains rolled up.

use throughline_model::{Goal, Initiative, Selectors, Strategy, WorkItem};
use throughline_sense::explicit::resolve;

fn init(id: &str, selectors: Selectors) -> Initiative {
    Initiative {
        id: id.into(),
        goals: vec!["g".into()],
        title: id.into(),
        selectors,
        ..Default::default()
    }
}

fn strategy() -> Strategy {
    Strategy {
        goals: vec![Goal {
            id: "g".into(),
            title: "G".into(),
            ..Default::default()
        }],
        metrics: vec![],
        initiatives: vec![
            init(
                "checkout",
                Selectors {
                    epics: vec!["PAY-1".into()],
                    ..Default::default()
                },
            ),
            init(
                "search",
                Selectors {
                    labels: vec!["Search".into()],
                    components: vec!["indexer".into()],
                    ..Default::default()
                },
            ),
            init(
                "mobile",
                Selectors {
                    projects: vec!["MOB".into()],
                    milestones: vec!["Launch week".into()],
                    ..Default::default()
                },
            ),
        ],
    }
}

fn item(key: &str) -> WorkItem {
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: key.into(),
        ..Default::default()
    }
}

#[test]
fn selectors_and_parent_chains_link_work() {
    let epic = item("PAY-1");
    let story = WorkItem {
        epic_key: Some("PAY-1".into()),
        ..item("PAY-2")
    };
    let subtask = WorkItem {
        parent_key: Some("PAY-2".into()),
        ..item("PAY-3")
    };
    let sub_sub = WorkItem {
        parent_key: Some("PAY-3".into()),
        ..item("PAY-4")
    };
    let labelled = WorkItem {
        labels: vec!["search".into()],
        ..item("WEB-1")
    };
    let component = WorkItem {
        components: vec!["Indexer".into()],
        ..item("WEB-2")
    };
    let project_only = WorkItem {
        project: Some("MOB".into()),
        ..item("MOB-7")
    };
    let project_but_labelled = WorkItem {
        project: Some("MOB".into()),
        labels: vec!["search".into()],
        ..item("MOB-8")
    };
    let sprint = WorkItem {
        sprint: Some("launch week".into()),
        ..item("X-1")
    };
    let orphan = WorkItem {
        parent_key: Some("NOPE-1".into()),
        ..item("X-2")
    };
    let items = vec![
        sub_sub,
        subtask,
        story,
        epic,
        labelled,
        component,
        project_only,
        project_but_labelled,
        sprint,
        orphan,
    ];
    let links = resolve(&strategy(), &items);
    let got: Vec<Option<&str>> = links
        .iter()
        .map(|l| l.as_ref().map(|l| l.initiative.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            Some("checkout"),
            Some("checkout"),
            Some("checkout"),
            Some("checkout"),
            Some("search"),
            Some("search"),
            Some("mobile"),
            Some("search"),
            Some("mobile"),
            None
        ]
    );
    let reason = |i: usize| links[i].as_ref().unwrap().reason.clone();
    assert_eq!(reason(2), "epic PAY-1 is selected by initiative `checkout`");
    assert_eq!(
        reason(1),
        "via PAY-2: epic PAY-1 is selected by initiative `checkout`"
    );
    assert_eq!(
        reason(0),
        "via PAY-3: epic PAY-1 is selected by initiative `checkout`"
    );
    assert_eq!(reason(4), "label search is selected by initiative `search`");
    assert_eq!(reason(6), "project MOB is selected by initiative `mobile`");
}

#[test]
fn parent_cycles_do_not_hang() {
    let a = WorkItem {
        parent_key: Some("B".into()),
        ..item("A")
    };
    let b = WorkItem {
        parent_key: Some("A".into()),
        ..item("B")
    };
    let links = resolve(&strategy(), &[a, b]);
    assert_eq!(links, vec![None, None]);
}

#[test]
fn a_parent_in_the_same_source_wins_over_a_namesake() {
    let jira_epic = item("E-1");
    let gh_epic = WorkItem {
        source: "github".into(),
        labels: vec!["search".into()],
        ..item("E-1")
    };
    let gh_child = WorkItem {
        source: "github".into(),
        parent_key: Some("E-1".into()),
        ..item("C-1")
    };
    let links = resolve(&strategy(), &[jira_epic, gh_epic, gh_child]);
    assert_eq!(
        links[2].as_ref().map(|l| l.initiative.as_str()),
        Some("search")
    );
}

/// An Azure Boards shape: areas and iterations as `\`-separated trees.
fn boards_strategy() -> Strategy {
    Strategy {
        initiatives: vec![
            init(
                "shop",
                Selectors {
                    area_paths: vec!["Shop".into()],
                    ..Default::default()
                },
            ),
            init(
                "checkout",
                Selectors {
                    area_paths: vec!["Shop\\Checkout".into()],
                    ..Default::default()
                },
            ),
            init(
                "launch",
                Selectors {
                    iterations: vec!["Shop\\2026\\Launch".into()],
                    epics: vec!["Shop-1".into()],
                    ..Default::default()
                },
            ),
        ],
        ..Default::default()
    }
}

fn in_area(key: &str, area: &str) -> WorkItem {
    WorkItem {
        source: "azure-devops".into(),
        area_path: Some(area.into()),
        ..item(key)
    }
}

#[test]
fn area_paths_select_their_area_and_every_area_beneath_it() {
    let items = vec![
        in_area("Shop-10", "Shop\\Checkout"),
        in_area("Shop-11", "shop\\checkout\\Payments"),
        in_area("Shop-12", "Shop\\CheckoutOld"),
        in_area("Shop-13", "Shop"),
        in_area("Other-1", "Warehouse\\Checkout"),
    ];
    let links = resolve(&boards_strategy(), &items);
    let got: Vec<Option<&str>> = links
        .iter()
        .map(|l| l.as_ref().map(|l| l.initiative.as_str()))
        .collect();
    // The deepest selected area wins; `CheckoutOld` is a sibling, not a child.
    assert_eq!(
        got,
        vec![
            Some("checkout"),
            Some("checkout"),
            Some("shop"),
            Some("shop"),
            None
        ]
    );
    let reason = &links[1].as_ref().unwrap().reason;
    assert_eq!(
        reason,
        "area path shop\\checkout\\Payments is under Shop\\Checkout, selected by initiative `checkout`"
    );
    assert_eq!(
        links[0].as_ref().unwrap().reason,
        "area path Shop\\Checkout is selected by initiative `checkout`"
    );
}

#[test]
fn iterations_select_the_sprint_and_the_sprints_beneath_it() {
    let sprint = |key: &str, path: &str| WorkItem {
        sprint: Some(path.into()),
        ..in_area(key, "Warehouse")
    };
    let items = vec![
        sprint("W-1", "Shop\\2026\\Launch"),
        sprint("W-2", "Shop\\2026\\Launch\\Sprint 12"),
        sprint("W-3", "Shop\\2026\\Launched"),
    ];
    let got: Vec<Option<String>> = resolve(&boards_strategy(), &items)
        .into_iter()
        .map(|l| l.map(|l| l.initiative))
        .collect();
    assert_eq!(
        got,
        vec![Some("launch".into()), Some("launch".into()), None]
    );
}

#[test]
fn a_selected_epic_takes_its_features_stories_and_tasks_unless_their_own_area_says_otherwise() {
    let child = |key: &str, parent: &str, area: &str| WorkItem {
        parent_key: Some(parent.into()),
        ..in_area(key, area)
    };
    let items = vec![
        WorkItem {
            item_type: Some("Epic".into()),
            ..in_area("Shop-1", "Warehouse")
        },
        child("Shop-2", "Shop-1", "Warehouse"),
        child("Shop-3", "Shop-2", "Warehouse\\Picking"),
        child("Shop-4", "Shop-3", "Warehouse\\Picking"),
        // Its own fact is nearer than its parent's link.
        child("Shop-5", "Shop-3", "Shop\\Checkout"),
    ];
    let links = resolve(&boards_strategy(), &items);
    let got: Vec<Option<&str>> = links
        .iter()
        .map(|l| l.as_ref().map(|l| l.initiative.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            Some("launch"),
            Some("launch"),
            Some("launch"),
            Some("launch"),
            Some("checkout")
        ]
    );
    assert_eq!(
        links[3].as_ref().unwrap().reason,
        "via Shop-3: parent Shop-1 is selected by initiative `launch`"
    );
}
