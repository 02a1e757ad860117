//! Hand-made snapshots and a tiny seeded generator shared by the insight tests.

#![allow(dead_code)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use throughline_model::{
    ContextNote, Goal, Initiative, LinkOrigin, LinkTarget, Metric, NoteKind, NoteTarget,
    OffPlanReason, Selectors, StatusCategory, Strategy, WorkItem,
};
use throughline_report::{EffectiveLink, Snapshot};
use throughline_store::{ImportMeta, Store, StoredItem};

/// A small deterministic generator (xorshift), so every test run sees the same data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub fn strategy() -> Strategy {
    Strategy {
        goals: vec![
            Goal {
                id: "grow".into(),
                title: "Grow self-serve revenue".into(),
                ..Default::default()
            },
            Goal {
                id: "rely".into(),
                title: "Reliable platform".into(),
                ..Default::default()
            },
        ],
        metrics: vec![Metric {
            id: "conv".into(),
            goal: "grow".into(),
            name: "Trial conversion".into(),
            unit: Some("%".into()),
            baseline: Some(10.0),
            target: Some(14.0),
            ..Default::default()
        }],
        initiatives: vec![
            Initiative {
                id: "checkout".into(),
                goals: vec!["grow".into()],
                title: "Checkout redesign".into(),
                description: "A shorter card form so trials convert.".into(),
                ..Default::default()
            },
            Initiative {
                id: "slo".into(),
                goals: vec!["rely".into()],
                title: "Service level objectives".into(),
                description: "Error budgets for every service.".into(),
                ..Default::default()
            },
        ],
    }
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Builds snapshots item by item.
#[derive(Default)]
pub struct Builder {
    pub snap: Snapshot,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            snap: Snapshot {
                strategy_version: Some(1),
                strategy: strategy(),
                ..Default::default()
            },
        }
    }

    /// Adds an item created on `created` (resolved 5 days later) and returns its key.
    #[allow(clippy::too_many_arguments)]
    pub fn item(
        &mut self,
        key: &str,
        title: &str,
        team: &str,
        person: &str,
        created: NaiveDate,
        target: Option<LinkTarget>,
        origin: LinkOrigin,
    ) -> String {
        let id = self.snap.items.len() as i64 + 1;
        let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap());
        self.snap.items.push(StoredItem {
            id,
            item: WorkItem {
                source: "jira".into(),
                key: key.into(),
                title: title.into(),
                team: Some(team.into()),
                assignee: Some(person.into()),
                estimate: Some(3.0),
                created: Some(at(created)),
                resolved: Some(at(created + Duration::days(5))),
                status_category: StatusCategory::Done,
                ..Default::default()
            },
        });
        if let Some(t) = target {
            self.snap.links.insert(
                id,
                EffectiveLink {
                    target: t,
                    origin,
                    confidence: 1.0,
                    reason: String::new(),
                    aligned_p: None,
                    also: Vec::new(),
                },
            );
        }
        key.to_string()
    }

    pub fn note(
        &mut self,
        target: NoteTarget,
        kind: NoteKind,
        text: &str,
        team: &str,
        d: NaiveDate,
    ) {
        self.snap.notes.push(ContextNote {
            target,
            kind,
            text: text.into(),
            author_team: Some(team.into()),
            author_name: Some("Secret Person".into()),
            date: d,
        });
    }
}

pub fn off(r: OffPlanReason) -> Option<LinkTarget> {
    Some(LinkTarget::OffPlan(r))
}

pub fn init(id: &str) -> Option<LinkTarget> {
    Some(LinkTarget::Initiative(id.into()))
}

/// Generates `weeks` weeks ending 2026-11-20 for each team: `per_week` items a week, off
/// plan with probability `off_share(team, week)` (week 0 is the oldest), else aligned.
/// Each team has `people` people.
pub fn generate(
    seed: u64,
    teams: &[(&str, usize, usize)],
    weeks: i64,
    off_share: impl Fn(&str, i64) -> f64,
) -> Snapshot {
    let mut rng = Rng::new(seed);
    let mut b = Builder::new();
    let end = day("2026-11-20");
    let mut n = 0;
    for &(team, per_week, people) in teams {
        for w in 0..weeks {
            for _ in 0..per_week {
                n += 1;
                let created =
                    end - Duration::weeks(weeks - w) + Duration::days(1 + rng.below(7) as i64);
                let person = format!("{team}-person-{}", rng.below(people));
                let (target, title) = if rng.unit() < off_share(team, w) {
                    let r = [OffPlanReason::BugIncident, OffPlanReason::TechDebt][rng.below(2)];
                    (off(r), "fix flaky thing")
                } else {
                    (
                        init(["checkout", "slo"][rng.below(2)]),
                        "build planned thing",
                    )
                };
                b.item(
                    &format!("{}-{n}", &team[..3].to_uppercase()),
                    title,
                    team,
                    &person,
                    created,
                    target,
                    LinkOrigin::Explicit,
                );
            }
        }
    }
    b.snap
}

/// Two initiatives selected by a label each: `checkout` (label `pay`) and `search`
/// (label `find`), for tests that re-link work in a real store.
pub fn two_labelled_initiatives() -> Strategy {
    let initiative = |id: &str, label: &str| Initiative {
        id: id.into(),
        title: id.into(),
        selectors: Selectors {
            labels: vec![label.into()],
            ..Default::default()
        },
        ..Default::default()
    };
    Strategy {
        initiatives: vec![initiative("checkout", "pay"), initiative("search", "find")],
        ..Default::default()
    }
}

/// A Jira item with a title and the given labels.
pub fn labelled(key: &str, title: &str, labels: &[&str]) -> WorkItem {
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: title.into(),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        ..Default::default()
    }
}

/// Imports `items` into `store` in one import, as a test file would be.
pub fn import(store: &mut Store, items: Vec<WorkItem>) {
    let meta = ImportMeta {
        format: "test".into(),
        path: "test".into(),
    };
    let ok = items.into_iter().map(Ok::<_, std::io::Error>);
    store.import_items(&meta, ok, |_| {}).unwrap();
}
