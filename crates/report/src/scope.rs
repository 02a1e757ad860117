//! Which items a report speaks about.

use chrono::Utc;
use throughline_model::{Period, StatusCategory, WorkItem};

/// The slice of work a report covers.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub period: Option<Period>,
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
        self.period.as_ref().is_none_or(|p| in_period(item, p))
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
