//! Work items: the units of work people track (issues, stories, tasks, bugs, pull requests).

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Where an item comes from and its key there; unique in a database.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemKey {
    /// The tracker or file family, e.g. "jira", "github", "linear", "csv".
    pub source: String,
    /// The tracker's own key, e.g. "PAY-123" or "owner/repo#42".
    pub key: String,
}

/// The coarse state every tracker's statuses map onto.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCategory {
    #[default]
    Todo,
    InProgress,
    Done,
}

impl StatusCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusCategory::Todo => "todo",
            StatusCategory::InProgress => "in_progress",
            StatusCategory::Done => "done",
        }
    }

    /// Maps a tracker status name onto a category. Unknown names are "todo" unless
    /// they read like work in flight or finished work.
    pub fn from_status_name(status: &str) -> Self {
        let s = status.trim().to_ascii_lowercase();
        const DONE: &[&str] = &[
            "done",
            "closed",
            "resolved",
            "complete",
            "completed",
            "merged",
            "released",
            "shipped",
            "fixed",
            "canceled",
            "cancelled",
            "won't fix",
            "wontfix",
            "duplicate",
        ];
        const DOING: &[&str] = &[
            "in progress",
            "in review",
            "review",
            "in development",
            "doing",
            "started",
            "in qa",
            "testing",
            "code review",
            "reopened",
            "in testing",
            "blocked",
        ];
        if DONE.contains(&s.as_str()) {
            StatusCategory::Done
        } else if DOING.contains(&s.as_str()) || s.contains("progress") || s.contains("review") {
            StatusCategory::InProgress
        } else {
            StatusCategory::Todo
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "todo" | "to_do" | "new" | "backlog" | "open" => Some(StatusCategory::Todo),
            "in_progress" | "indeterminate" | "doing" => Some(StatusCategory::InProgress),
            "done" | "closed" | "complete" | "completed" => Some(StatusCategory::Done),
            _ => None,
        }
    }
}

/// The unit an estimate is expressed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateUnit {
    #[default]
    Points,
    Hours,
}

/// One unit of tracked work, normalised across trackers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkItem {
    pub source: String,
    pub key: String,
    #[serde(default)]
    pub url: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Tracker type: "Story", "Bug", "Task", "Epic", "pull_request", ...
    #[serde(default)]
    pub item_type: Option<String>,
    /// The tracker's own status name.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub status_category: StatusCategory,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub components: Vec<String>,
    /// Key of the parent item (for a sub-task its story; for a story its epic when the
    /// tracker models epics as parents).
    #[serde(default)]
    pub parent_key: Option<String>,
    /// Key of the epic when the tracker carries it apart from the parent (Jira's
    /// "Epic Link").
    #[serde(default)]
    pub epic_key: Option<String>,
    /// Tracker project, e.g. the Jira project key or "owner/repo".
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub team: Option<String>,
    /// Kept so one item can be looked up in full; never shown in aggregates.
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub estimate: Option<f64>,
    #[serde(default)]
    pub estimate_unit: EstimateUnit,
    #[serde(default)]
    pub created: Option<Timestamp>,
    #[serde(default)]
    pub started: Option<Timestamp>,
    #[serde(default)]
    pub resolved: Option<Timestamp>,
    /// Sprint or milestone name (Azure DevOps: the iteration path, `Shop\\Sprint 12`).
    #[serde(default)]
    pub sprint: Option<String>,
    /// Where the tracker files the item in its tree of areas (Azure DevOps's area path,
    /// `Shop\\Checkout\\Payments`). Left out of the JSON when absent, so items of trackers
    /// without one serialise as they always did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_path: Option<String>,
}

impl WorkItem {
    pub fn item_key(&self) -> ItemKey {
        ItemKey {
            source: self.source.clone(),
            key: self.key.clone(),
        }
    }

    /// Whether the tracker calls this an epic (epics are containers, not work). An Azure
    /// Boards Feature is one too: the backlog level between Epics and the stories, planned
    /// but never worked on itself. Only items filed under an area path (Azure's, which
    /// every Boards item has) read it so: Jira and GitLab teams name work "Feature".
    pub fn is_epic(&self) -> bool {
        self.item_type.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case("epic")
                || (self.area_path.is_some() && t.eq_ignore_ascii_case("feature"))
        })
    }

    /// Cycle time in days, when the item has both a start (or creation) and a resolution.
    pub fn cycle_days(&self) -> Option<f64> {
        let start = self.started.or(self.created)?;
        let end = self.resolved?;
        let secs = (end - start).num_seconds();
        (secs >= 0).then(|| secs as f64 / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_features_are_containers_and_other_features_work() {
        let typed = |t: &str, area: Option<&str>| WorkItem {
            item_type: Some(t.into()),
            area_path: area.map(str::to_string),
            ..WorkItem::default()
        };
        assert!(typed("Epic", None).is_epic());
        assert!(typed("Feature", Some("Shop\\Checkout")).is_epic());
        assert!(!typed("Feature", None).is_epic(), "a Jira Feature is work");
        assert!(!typed("User Story", Some("Shop")).is_epic());
    }
}
