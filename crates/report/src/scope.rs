//! Which items a report speaks about.

use chrono::Utc;
use serde::Serialize;
use throughline_model::{Period, StatusCategory, WorkItem};

/// Which of an item's dates puts it in a period. One meaning per figure, said beside
/// it: a head of product asking about 2017-Q4 may mean the work done then (active), the
/// work taken on then (created) or the work finished then (resolved), and the three
/// differ by a factor of four on a long-lived tracker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodBy {
    /// Worked on at any time in the period, from its start (or creation) to its
    /// resolution.
    #[default]
    Active,
    /// Created in the period.
    Created,
    /// Resolved in the period.
    Resolved,
}

impl PeriodBy {
    /// Every meaning by its name, as the CLI and the API accept it.
    pub const ALL: [(&'static str, PeriodBy); 3] = [
        ("active", PeriodBy::Active),
        ("created", PeriodBy::Created),
        ("resolved", PeriodBy::Resolved),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodBy::Active => "active",
            PeriodBy::Created => "created",
            PeriodBy::Resolved => "resolved",
        }
    }

    /// What "in the period" counts, in words: "active in 2017-Q4 (worked on at any time
    /// in it)".
    pub fn describe(self, period: &Period) -> String {
        match self {
            PeriodBy::Active => format!("active in {period} (worked on at any time in it)"),
            PeriodBy::Created => format!("created in {period}"),
            PeriodBy::Resolved => format!("resolved in {period}"),
        }
    }
}

impl std::str::FromStr for PeriodBy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        PeriodBy::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, b)| *b)
            .ok_or_else(|| format!("bad period meaning `{s}`: use active, created or resolved"))
    }
}

impl std::fmt::Display for PeriodBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The slice of work a report covers.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub period: Option<Period>,
    /// Which date puts an item in `period`.
    pub period_by: PeriodBy,
    pub team: Option<String>,
    /// Groups (teams) with fewer distinct people than this are folded into "other" so
    /// no figure can point at an individual. Default 3.
    pub min_group_size: usize,
}

impl Scope {
    /// Whether an item is work in this scope. Epics are containers, not work, and are
    /// left out.
    pub fn includes(&self, item: &WorkItem) -> bool {
        if item.is_epic() {
            return false;
        }
        if let Some(team) = &self.team
            && !item
                .team
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(team))
        {
            return false;
        }
        self.period
            .as_ref()
            .is_none_or(|p| in_period_by(item, p, self.period_by))
    }

    /// What the scope's period counts, in words ("active in 2017-Q4 (worked on at any
    /// time in it)"); `None` for all time.
    pub fn period_words(&self) -> Option<String> {
        self.period.as_ref().map(|p| self.period_by.describe(p))
    }
}

/// Whether an item is in a period by the given meaning. Work without the date asked for
/// counts only by activity: undated work everywhere, unresolved work in no period of
/// resolutions.
pub fn in_period_by(item: &WorkItem, p: &Period, by: PeriodBy) -> bool {
    match by {
        PeriodBy::Active => in_period(item, p),
        PeriodBy::Created => item.created.is_none_or(|c| p.contains(c)),
        PeriodBy::Resolved => item.resolved.is_some_and(|r| p.contains(r)),
    }
}

/// Work belongs to a period when it was active in it: from its start (or creation) to
/// its resolution, or to now while it is in progress. Work not started counts only in
/// the period it was created in, and work without dates counts everywhere (it cannot be
/// placed, and hiding it would hide it from every report).
pub fn in_period(item: &WorkItem, p: &Period) -> bool {
    let Some(created) = item.created else {
        return true;
    };
    let from = item.started.unwrap_or(created);
    let to = match (item.resolved, item.status_category) {
        (Some(r), _) => r,
        (None, StatusCategory::InProgress) => Utc::now(),
        (None, StatusCategory::Done) => from,
        (None, StatusCategory::Todo) => return p.contains(created),
    };
    from.date_naive() < p.end && to.date_naive() >= p.start
}
