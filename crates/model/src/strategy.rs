//! Strategy: what the organisation says it is trying to achieve.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::LinkTarget;

/// A whole strategy as declared in a strategy file: goals, their impact metrics and
/// the initiatives that serve them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Strategy {
    pub goals: Vec<Goal>,
    pub metrics: Vec<Metric>,
    pub initiatives: Vec<Initiative>,
}

impl Strategy {
    pub fn goal(&self, id: &str) -> Option<&Goal> {
        self.goals.iter().find(|g| g.id == id)
    }

    pub fn initiative(&self, id: &str) -> Option<&Initiative> {
        self.initiatives.iter().find(|i| i.id == id)
    }

    pub fn metric(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// Whether a person may link work to `target` under this strategy: it must name an
    /// initiative or goal that exists, or an off-plan reason. The one rule behind the
    /// CLI's `link`, the API and the dashboard's correction form.
    pub fn check_correction(&self, target: &LinkTarget) -> Result<(), CorrectionError> {
        match target {
            LinkTarget::Initiative(id) if self.initiative(id).is_none() => {
                Err(CorrectionError::UnknownInitiative(id.clone()))
            }
            LinkTarget::Goal(id) if self.goal(id).is_none() => {
                Err(CorrectionError::UnknownGoal(id.clone()))
            }
            LinkTarget::Unclear => Err(CorrectionError::Unclear),
            _ => Ok(()),
        }
    }

    /// Metrics (key results) that measure the given goal.
    pub fn metrics_of<'a>(&'a self, goal_id: &'a str) -> impl Iterator<Item = &'a Metric> + 'a {
        self.metrics.iter().filter(move |m| m.goal == goal_id)
    }

    /// Initiatives that serve the given goal.
    pub fn initiatives_of<'a>(
        &'a self,
        goal_id: &'a str,
    ) -> impl Iterator<Item = &'a Initiative> + 'a {
        self.initiatives
            .iter()
            .filter(move |i| i.goals.iter().any(|g| g == goal_id))
    }
}

/// A strategic goal, e.g. "Grow self-serve revenue".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The team accountable for the goal, if any.
    #[serde(default)]
    pub owner_team: Option<String>,
    /// The period the goal is set for, e.g. "2026-H2" or "2026-Q3".
    #[serde(default)]
    pub horizon: Option<String>,
}

/// Which way a metric should move to count as progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    Increase,
    Decrease,
    /// Hold the metric at or around its target (e.g. an SLO).
    Maintain,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increase => "increase",
            Direction::Decrease => "decrease",
            Direction::Maintain => "maintain",
        }
    }
}

/// A key result or impact metric that measures a goal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub id: String,
    /// Id of the goal this metric measures.
    pub goal: String,
    pub name: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default)]
    pub target: Option<f64>,
    #[serde(default)]
    pub direction: Direction,
    /// Observed values over time, oldest first.
    #[serde(default)]
    pub values: Vec<MetricValue>,
}

/// One observation of a metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    pub date: NaiveDate,
    pub value: f64,
}

/// A body of work that serves one or more goals, e.g. "Checkout redesign".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Initiative {
    pub id: String,
    /// Ids of the goals this initiative serves (at least one).
    pub goals: Vec<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// How tracker work is tied to this initiative explicitly.
    #[serde(default)]
    pub selectors: Selectors,
    /// The first day of its timeframe, if it has one (an epic's creation date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts: Option<NaiveDate>,
    /// The last day of its timeframe, if it has one (the day an epic was resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<NaiveDate>,
}

/// The tracker facts that tie work explicitly to an initiative. A work item matches if
/// any one selector matches (case-insensitive).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selectors {
    /// Epic or parent keys: the item itself, its parent, or any ancestor.
    #[serde(default)]
    pub epics: Vec<String>,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub components: Vec<String>,
    /// Sprints or milestones.
    #[serde(default)]
    pub milestones: Vec<String>,
    /// Tracker projects (e.g. the Jira project key or the GitHub repository).
    #[serde(default)]
    pub projects: Vec<String>,
    /// Area paths (Azure Boards, `Shop\\Checkout`): the area and every area beneath it.
    /// Left out of the JSON when empty, so stored strategies read as they were written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub area_paths: Vec<String>,
    /// Iteration paths (Azure Boards, `Shop\\2026\\Sprint 12`), matched against the
    /// item's sprint: the iteration and every iteration beneath it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub iterations: Vec<String>,
}

impl Selectors {
    pub fn is_empty(&self) -> bool {
        self.epics.is_empty()
            && self.labels.is_empty()
            && self.components.is_empty()
            && self.milestones.is_empty()
            && self.projects.is_empty()
            && self.area_paths.is_empty()
            && self.iterations.is_empty()
    }
}

/// Whether `path` is `prefix` or lies beneath it in a tree of `\\`-separated names (an
/// Azure Boards area or iteration path), any case: `Shop\\Checkout` takes
/// `Shop\\Checkout\\Payments`, never `Shop\\CheckoutOld`. Spaces around the separators
/// are ignored, as Boards ignores them.
pub fn path_within(path: &str, prefix: &str) -> bool {
    let mut path = path.split('\\').map(str::trim);
    let prefix = prefix.trim().trim_end_matches('\\');
    if prefix.is_empty() {
        return false;
    }
    prefix.split('\\').map(str::trim).all(|p| {
        path.next()
            .is_some_and(|q| q.to_lowercase() == p.to_lowercase())
    })
}

/// Why a person's link cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CorrectionError {
    #[error("no initiative `{0}` in the strategy in force")]
    UnknownInitiative(String),
    #[error("no goal `{0}` in the strategy in force")]
    UnknownGoal(String),
    #[error("a person's link must say where the item belongs (unclear is the engine's answer)")]
    Unclear,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OffPlanReason;

    #[test]
    fn paths_are_within_their_prefix_on_backslash_boundaries() {
        assert!(path_within("Shop\\Checkout", "Shop\\Checkout"));
        assert!(path_within("Shop\\Checkout\\Payments", "shop\\checkout"));
        assert!(path_within("Shop \\ Checkout", "Shop\\Checkout\\"));
        assert!(!path_within("Shop\\CheckoutOld", "Shop\\Checkout"));
        assert!(!path_within("Shop", "Shop\\Checkout"));
        assert!(!path_within("Shop\\Checkout", ""));
    }

    #[test]
    fn a_person_may_link_only_to_what_exists() {
        let s = Strategy {
            goals: vec![Goal {
                id: "g".into(),
                title: "G".into(),
                ..Default::default()
            }],
            metrics: vec![],
            initiatives: vec![Initiative {
                id: "i".into(),
                goals: vec!["g".into()],
                title: "I".into(),
                ..Default::default()
            }],
        };
        assert!(
            s.check_correction(&LinkTarget::Initiative("i".into()))
                .is_ok()
        );
        assert!(s.check_correction(&LinkTarget::Goal("g".into())).is_ok());
        assert!(
            s.check_correction(&LinkTarget::OffPlan(OffPlanReason::TechDebt))
                .is_ok()
        );
        assert_eq!(
            s.check_correction(&LinkTarget::Initiative("x".into())),
            Err(CorrectionError::UnknownInitiative("x".into()))
        );
        assert_eq!(
            s.check_correction(&LinkTarget::Goal("x".into())),
            Err(CorrectionError::UnknownGoal("x".into()))
        );
        assert_eq!(
            s.check_correction(&LinkTarget::Unclear),
            Err(CorrectionError::Unclear)
        );
    }
}
