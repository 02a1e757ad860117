//! Where one item stands against the plan, in the words every insight shares.

use serde::Serialize;
use throughline_model::{LinkOrigin, LinkTarget, OffPlanReason, Strategy};

use crate::EffectiveLink;

/// Where an item stands: aligned (and who said so), off plan (and why), unclear, or
/// not linked at all yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "class", content = "detail")]
pub enum WorkClass {
    Aligned(Origin),
    OffPlan(OffPlanReason),
    Unclear,
    Unlinked,
}

/// Who said an aligned item serves a goal (kept apart in every report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Explicit,
    Corrected,
    Inferred,
}

impl From<LinkOrigin> for Origin {
    fn from(o: LinkOrigin) -> Self {
        match o {
            LinkOrigin::Explicit => Origin::Explicit,
            LinkOrigin::Corrected => Origin::Corrected,
            LinkOrigin::Inferred => Origin::Inferred,
        }
    }
}

impl WorkClass {
    /// Classifies an item from its effective link. A link to an initiative the strategy
    /// no longer has is unclear, as in `status`.
    pub fn of(link: Option<&EffectiveLink>, strategy: &Strategy) -> WorkClass {
        let Some(link) = link else {
            return WorkClass::Unlinked;
        };
        match &link.target {
            LinkTarget::Initiative(id) => match strategy.initiative(id) {
                Some(i) if !i.goals.is_empty() => WorkClass::Aligned(link.origin.into()),
                _ => WorkClass::Unclear,
            },
            LinkTarget::Goal(_) => WorkClass::Aligned(link.origin.into()),
            LinkTarget::OffPlan(r) => WorkClass::OffPlan(*r),
            LinkTarget::Unclear => WorkClass::Unclear,
        }
    }

    /// Plain words for a report.
    pub fn label(self) -> String {
        match self {
            WorkClass::Aligned(Origin::Explicit) => "aligned (explicit)".into(),
            WorkClass::Aligned(Origin::Corrected) => "aligned (corrected)".into(),
            WorkClass::Aligned(Origin::Inferred) => "aligned (inferred)".into(),
            WorkClass::OffPlan(r) => format!("off plan: {}", r.label()),
            WorkClass::Unclear => "unclear".into(),
            WorkClass::Unlinked => "not linked yet".into(),
        }
    }

    /// Stable machine names for exports: the kind of class (`aligned`, `off_plan`,
    /// `not_placed`) and which one (`explicit`, `tech_debt`, `unlinked`, ...).
    pub fn kind_and_id(self) -> (&'static str, &'static str) {
        match self {
            WorkClass::Aligned(Origin::Explicit) => ("aligned", "explicit"),
            WorkClass::Aligned(Origin::Corrected) => ("aligned", "corrected"),
            WorkClass::Aligned(Origin::Inferred) => ("aligned", "inferred"),
            WorkClass::OffPlan(r) => ("off_plan", r.as_str()),
            WorkClass::Unclear => ("not_placed", "unclear"),
            WorkClass::Unlinked => ("not_placed", "unlinked"),
        }
    }

    pub fn is_off_plan(self) -> bool {
        matches!(self, WorkClass::OffPlan(_))
    }

    pub fn is_aligned(self) -> bool {
        matches!(self, WorkClass::Aligned(_))
    }
}

/// Goal ids an effective link serves (through its initiative or directly).
pub fn goals_of<'a>(link: Option<&'a EffectiveLink>, strategy: &'a Strategy) -> Vec<&'a str> {
    match link.map(|l| &l.target) {
        Some(LinkTarget::Initiative(id)) => strategy
            .initiative(id)
            .map(|i| i.goals.iter().map(String::as_str).collect())
            .unwrap_or_default(),
        Some(LinkTarget::Goal(g)) => vec![g.as_str()],
        _ => Vec::new(),
    }
}

/// The initiative an effective link names, if any.
pub fn initiative_of(link: Option<&EffectiveLink>) -> Option<&str> {
    match link.map(|l| &l.target) {
        Some(LinkTarget::Initiative(id)) => Some(id.as_str()),
        _ => None,
    }
}
