//! Links: how a work item lines up with the strategy, and who or what said so.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Why work that serves no goal was done. Neutral words: off plan is a signal, not a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffPlanReason {
    TechDebt,
    BugIncident,
    CustomerEscalation,
    SalesCommitment,
    Maintenance,
    Exploration,
    Other,
    /// Work in an area the strategy does not cover (its component, epic or project is
    /// in no initiative): a gap in the strategy rather than a trade-off.
    NotCovered,
}

impl OffPlanReason {
    pub const ALL: [OffPlanReason; 8] = [
        OffPlanReason::TechDebt,
        OffPlanReason::BugIncident,
        OffPlanReason::CustomerEscalation,
        OffPlanReason::SalesCommitment,
        OffPlanReason::Maintenance,
        OffPlanReason::Exploration,
        OffPlanReason::Other,
        OffPlanReason::NotCovered,
    ];

    /// Stable machine name, used in storage, JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            OffPlanReason::TechDebt => "tech_debt",
            OffPlanReason::BugIncident => "bug_incident",
            OffPlanReason::CustomerEscalation => "customer_escalation",
            OffPlanReason::SalesCommitment => "sales_commitment",
            OffPlanReason::Maintenance => "maintenance",
            OffPlanReason::Exploration => "exploration",
            OffPlanReason::Other => "other",
            OffPlanReason::NotCovered => "not_covered",
        }
    }

    /// Words a person would read in a report.
    pub fn label(self) -> &'static str {
        match self {
            OffPlanReason::TechDebt => "tech debt",
            OffPlanReason::BugIncident => "bug / incident",
            OffPlanReason::CustomerEscalation => "customer escalation / support",
            OffPlanReason::SalesCommitment => "sales commitment",
            OffPlanReason::Maintenance => "maintenance (keep the lights on)",
            OffPlanReason::Exploration => "exploration / research",
            OffPlanReason::Other => "other",
            OffPlanReason::NotCovered => "not covered by the strategy",
        }
    }
}

impl fmt::Display for OffPlanReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OffPlanReason {
    type Err = ParseTargetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' ', '/'], "_");
        OffPlanReason::ALL
            .into_iter()
            .find(|r| r.as_str() == norm)
            .or(match norm.as_str() {
                "debt" => Some(OffPlanReason::TechDebt),
                "bug" | "incident" => Some(OffPlanReason::BugIncident),
                "escalation" | "support" | "customer" => Some(OffPlanReason::CustomerEscalation),
                "sales" | "deal" => Some(OffPlanReason::SalesCommitment),
                "ktlo" | "keep_the_lights_on" => Some(OffPlanReason::Maintenance),
                "research" | "spike" => Some(OffPlanReason::Exploration),
                "uncovered" | "gap" | "not_in_strategy" => Some(OffPlanReason::NotCovered),
                _ => None,
            })
            .ok_or_else(|| ParseTargetError(s.to_string()))
    }
}

/// What a work item is linked to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum LinkTarget {
    Initiative(String),
    /// Directly to a goal, when no initiative fits but the goal does.
    Goal(String),
    /// Serves no goal, for this reason.
    OffPlan(OffPlanReason),
    /// The sense engine could not tell; never a guess dressed as a fact.
    Unclear,
}

/// A target string did not name a known kind of target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a link target: use initiative:ID, goal:ID, off_plan:REASON or unclear \
     (reasons: tech_debt, bug_incident, customer_escalation, sales_commitment, maintenance, \
     exploration, other, not_covered)"
)]
pub struct ParseTargetError(pub String);

impl fmt::Display for LinkTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkTarget::Initiative(id) => write!(f, "initiative:{id}"),
            LinkTarget::Goal(id) => write!(f, "goal:{id}"),
            LinkTarget::OffPlan(r) => write!(f, "off_plan:{r}"),
            LinkTarget::Unclear => f.write_str("unclear"),
        }
    }
}

impl FromStr for LinkTarget {
    type Err = ParseTargetError;

    /// Parses `initiative:ID`, `goal:ID`, `off_plan:REASON` (also `offplan:`/`off-plan:`)
    /// or `unclear`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseTargetError(s.to_string());
        if s.trim().eq_ignore_ascii_case("unclear") {
            return Ok(LinkTarget::Unclear);
        }
        let (kind, id) = s.split_once(':').ok_or_else(err)?;
        let id = id.trim();
        if id.is_empty() {
            return Err(err());
        }
        match kind.trim().to_ascii_lowercase().as_str() {
            "initiative" | "init" | "i" => Ok(LinkTarget::Initiative(id.to_string())),
            "goal" | "g" => Ok(LinkTarget::Goal(id.to_string())),
            "off_plan" | "offplan" | "off-plan" => id.parse().map(LinkTarget::OffPlan),
            _ => Err(err()),
        }
    }
}

/// Who said a link is so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkOrigin {
    /// Follows from tracker facts matching the strategy's selectors.
    Explicit,
    /// Proposed by the sense engine.
    Inferred,
    /// Set or confirmed by a person; overrides everything else.
    Corrected,
}

impl LinkOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkOrigin::Explicit => "explicit",
            LinkOrigin::Inferred => "inferred",
            LinkOrigin::Corrected => "corrected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "explicit" => Some(LinkOrigin::Explicit),
            "inferred" => Some(LinkOrigin::Inferred),
            "corrected" => Some(LinkOrigin::Corrected),
            _ => None,
        }
    }
}

/// A statement that a work item serves a target, with the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub source: String,
    pub key: String,
    pub target: LinkTarget,
    pub origin: LinkOrigin,
    /// 0..=1; 1.0 for explicit and corrected links.
    pub confidence: f32,
    /// A short human-readable reason: the words, the epic, the note that drove it.
    pub reason: String,
    /// For corrections: the team of the person who made it (never their name).
    #[serde(default)]
    pub by_team: Option<String>,
    #[serde(default)]
    pub at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip_through_text() {
        for t in [
            LinkTarget::Initiative("checkout".into()),
            LinkTarget::Goal("g1".into()),
            LinkTarget::OffPlan(OffPlanReason::SalesCommitment),
            LinkTarget::Unclear,
        ] {
            assert_eq!(t.to_string().parse::<LinkTarget>().unwrap(), t);
        }
        assert_eq!(
            "off-plan:debt".parse::<LinkTarget>().unwrap(),
            LinkTarget::OffPlan(OffPlanReason::TechDebt)
        );
        assert!("nonsense".parse::<LinkTarget>().is_err());
        assert!("off_plan:feelings".parse::<LinkTarget>().is_err());
        assert!("goal:".parse::<LinkTarget>().is_err());
    }
}
