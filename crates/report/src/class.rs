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
            // Aligned when any initiative it serves serves a goal, as `status` counts it.
            LinkTarget::Initiative(_) => {
                let serves = initiatives_of(Some(link))
                    .any(|id| strategy.initiative(id).is_some_and(|i| !i.goals.is_empty()));
                if serves {
                    WorkClass::Aligned(link.origin.into())
                } else {
                    WorkClass::Unclear
                }
            }
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

/// Goal ids an effective link serves (through its initiatives or directly), each once:
/// an explicit link's other initiatives ([`EffectiveLink::also`]) bring their goals too,
/// so work serving two goals counts in both, whichever initiative reached them.
pub fn goals_of<'a>(link: Option<&'a EffectiveLink>, strategy: &'a Strategy) -> Vec<&'a str> {
    match link.map(|l| &l.target) {
        Some(LinkTarget::Initiative(_)) => {
            let mut out: Vec<&str> = Vec::new();
            for id in initiatives_of(link) {
                for g in strategy
                    .initiative(id)
                    .map(|i| i.goals.as_slice())
                    .unwrap_or_default()
                {
                    if !out.contains(&g.as_str()) {
                        out.push(g.as_str());
                    }
                }
            }
            out
        }
        Some(LinkTarget::Goal(g)) => vec![g.as_str()],
        _ => Vec::new(),
    }
}

/// The initiative an effective link names, if any: the one that counts the item once.
pub fn initiative_of(link: Option<&EffectiveLink>) -> Option<&str> {
    match link.map(|l| &l.target) {
        Some(LinkTarget::Initiative(id)) => Some(id.as_str()),
        _ => None,
    }
}

/// Every initiative an item serves: its link's, then the others the selectors also
/// select ([`EffectiveLink::also`]). What per-initiative figures count the item under.
pub fn initiatives_of(link: Option<&EffectiveLink>) -> impl Iterator<Item = &str> {
    initiative_of(link).into_iter().chain(
        link.into_iter()
            .flat_map(|l| l.also.iter().map(String::as_str)),
    )
}
