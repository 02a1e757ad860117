//! Explicit alignment from selectors, with parent chains rolled up.

use throughline_model::{Goal, Initiative, Selectors, Strategy, WorkItem};
use throughline_sense::explicit::resolve;

fn strategy() -> Strategy {
    let init = |id: &str, selectors: Selectors| Initiative {
        id: id.into(),
        goals: vec!["g".into()],
        title: id.into(),
        selectors,
        ..Default::default()
    };
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
