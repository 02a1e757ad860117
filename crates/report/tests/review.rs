//! A reviewed list stored as people's links (`report::apply_review`), against a real
//! SQLite file: every row checked before any is written, rows found by key, by
//! `SOURCE:KEY` or by their `source` column, and the team recorded with each link.

mod common;

use throughline_ingest::read_review_text;
use throughline_model::{LinkOrigin, LinkTarget, OffPlanReason};
use throughline_report::relink::{Work, explicit_links};
use throughline_report::{ReviewError, apply_review};
use throughline_store::Store;

fn store_with_two_sources(dir: &tempfile::TempDir) -> Store {
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    store
        .apply_strategy(&common::two_labelled_initiatives(), "test", None)
        .unwrap();
    let mut github = common::labelled("DUP-1", "same key elsewhere", &[]);
    github.source = "github".into();
    let items = vec![
        common::labelled("PAY-1", "card form", &["pay"]),
        common::labelled("PAY-2", "refund flow", &["pay"]),
        common::labelled("DUP-1", "same key in jira", &[]),
        github,
    ];
    common::import(&mut store, items);
    explicit_links(&mut store, &Work::new()).unwrap();
    store
}

fn corrected(
    store: &Store,
    source: &str,
    key: &str,
) -> Option<(LinkTarget, String, Option<String>)> {
    let item = store.find_item(Some(source), key).unwrap().unwrap();
    store
        .links_of(item.id)
        .unwrap()
        .into_iter()
        .find(|l| l.origin == LinkOrigin::Corrected)
        .map(|l| (l.target, l.reason, l.by_team))
}

#[test]
fn a_bad_row_stores_nothing_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with_two_sources(&dir);
    for (text, says) in [
        // Line 3 names an initiative the strategy does not have.
        (
            "key,decision\nPAY-1,confirm\nPAY-2,initiative:nowhere\n",
            "reviewed.csv line 3 (PAY-2): ",
        ),
        // Line 3 names no item.
        (
            "key,decision\nPAY-1,confirm\nPAY-9,initiative:search\n",
            "reviewed.csv line 3 (PAY-9): no item `PAY-9`",
        ),
        // A key two sources share, without a source.
        (
            "key,decision\nPAY-1,confirm\nDUP-1,initiative:search\n",
            "SOURCE:KEY",
        ),
        // An item with no link has nothing to confirm.
        (
            "key,decision\nPAY-1,confirm\njira:DUP-1,confirm\n",
            "no link to confirm",
        ),
    ] {
        let review = read_review_text("reviewed.csv", text).unwrap();
        let err = apply_review(&mut store, "reviewed.csv", &review, None).unwrap_err();
        assert!(
            matches!(err, ReviewError::Item { .. } | ReviewError::Decision { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains(says), "{err} lacks {says}");
        // PAY-1's confirmation, on the line before, was not stored either.
        assert_eq!(corrected(&store, "jira", "PAY-1"), None);
    }
}

#[test]
fn decisions_are_stored_with_the_team_and_the_reviewer_s_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_with_two_sources(&dir);
    let review = read_review_text(
        "reviewed.csv",
        "source,key,decision,why\n\
         ,PAY-1,confirm,\n\
         ,PAY-2,off_plan:tech_debt,a refactor really\n\
         github,DUP-1,initiative:search,\n\
         ,jira:DUP-1,initiative:checkout,\n\
         ,PAY-3,,\n",
    )
    .unwrap();
    let done = apply_review(&mut store, "reviewed.csv", &review, Some("Payments")).unwrap();
    assert_eq!(
        (done.confirmed, done.linked, done.undecided),
        (1, 3, 1),
        "{done:?}"
    );
    let team = Some("Payments".to_string());
    let (target, reason, by) = corrected(&store, "jira", "PAY-1").unwrap();
    assert_eq!(target, LinkTarget::Initiative("checkout".into()));
    assert!(reason.starts_with("confirmed by a person"), "{reason}");
    assert_eq!(by, team);
    assert_eq!(
        corrected(&store, "jira", "PAY-2"),
        Some((
            LinkTarget::OffPlan(OffPlanReason::TechDebt),
            "a refactor really".into(),
            team.clone()
        ))
    );
    assert_eq!(
        corrected(&store, "github", "DUP-1").map(|c| c.0),
        Some(LinkTarget::Initiative("search".into()))
    );
    assert_eq!(
        corrected(&store, "jira", "DUP-1").map(|c| c.0),
        Some(LinkTarget::Initiative("checkout".into()))
    );
}
