//! The drill-down behind every figure: which items match a set of filters. Shared by the
//! CLI's `items` and the API's `/api/items`, so both always mean the same thing.

use std::collections::HashSet;

use serde::Serialize;
use throughline_model::{LinkOrigin, LinkTarget, OffPlanReason, Period};
use throughline_store::StoredItem;

use crate::class::{WorkClass, goals_of, initiatives_of};
use crate::{EffectiveLink, Scope, Snapshot, ThemeOptions, themes};

/// Filters over the items of a snapshot. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    pub scope: Scope,
    /// Work serving this goal (through an initiative or directly).
    pub goal: Option<String>,
    /// Work serving this initiative: its link's, or one more the selectors select for it
    /// (as `status` counts it under each).
    pub initiative: Option<String>,
    /// `Some(None)`: off plan for any reason; `Some(Some(r))`: for reason `r`.
    pub off_plan: Option<Option<OffPlanReason>>,
    /// Work the engine could not place, or linked to an initiative the strategy in force
    /// no longer has (as `status` counts "unclear").
    pub unclear: bool,
    pub unlinked: bool,
    /// Work in this class, as every report classes it ([`WorkClass::of`]).
    pub class: Option<ClassFilter>,
    /// Links of any of these origins; empty: any link or none.
    pub origins: Vec<LinkOrigin>,
    /// Work created in this period (`Some(None)`: work without a creation date): the
    /// weeks, months or quarters of `allocation` and the dashboard's charts.
    pub created: Option<Option<Period>>,
    /// The off-plan theme with this label, as `themes` finds them over the same scope
    /// (case-insensitive).
    pub theme: Option<String>,
    /// Case-insensitive substring of the title or key.
    pub text: Option<String>,
    /// Work with this label (case-insensitive, whole label).
    pub label: Option<String>,
    /// Work filed under this component (case-insensitive, whole name).
    pub component: Option<String>,
    /// Work of this type (`Bug`, `Story`...; case-insensitive).
    pub item_type: Option<String>,
    /// Only inferences (the engine's links, "unclear" included) less sure than this.
    pub below: Option<f32>,
    pub order: ItemOrder,
}

/// A class of work as the reports count it: the headline figures of `status` and the
/// dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassFilter {
    /// Serving a goal (through an initiative that serves one, or directly).
    Aligned,
    OffPlan,
    /// Unclear or not linked yet.
    NotPlaced,
    Unclear,
    Unlinked,
}

impl ClassFilter {
    /// Every class by the name the CLI and the API accept.
    pub const ALL: [(&'static str, ClassFilter); 5] = [
        ("aligned", ClassFilter::Aligned),
        ("off_plan", ClassFilter::OffPlan),
        ("not_placed", ClassFilter::NotPlaced),
        ("unclear", ClassFilter::Unclear),
        ("unlinked", ClassFilter::Unlinked),
    ];

    /// `aligned`, `off_plan`, `not_placed`, `unclear` or `unlinked`; an error names them.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, c)| *c)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
                format!("`{s}` is not a class: use {}", names.join(", "))
            })
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(n, _)| n)
    }

    /// Plain words, for a list's description.
    pub fn words(self) -> &'static str {
        match self {
            ClassFilter::Aligned => "aligned to a goal",
            ClassFilter::OffPlan => "off plan",
            ClassFilter::NotPlaced => "not placed (unclear or not linked)",
            ClassFilter::Unclear => "unclear",
            ClassFilter::Unlinked => "not linked yet",
        }
    }

    pub fn matches(self, c: WorkClass) -> bool {
        match self {
            ClassFilter::Aligned => c.is_aligned(),
            ClassFilter::OffPlan => c.is_off_plan(),
            ClassFilter::NotPlaced => matches!(c, WorkClass::Unclear | WorkClass::Unlinked),
            ClassFilter::Unclear => c == WorkClass::Unclear,
            ClassFilter::Unlinked => c == WorkClass::Unlinked,
        }
    }
}

/// A `created` filter from its text: a period (`2026-W27`, `2026-07`, `2026-Q3`, ...) or
/// `none` for work without a creation date.
pub fn parse_created(s: &str) -> Result<Option<Period>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("none") || s == "(no date)" {
        return Ok(None);
    }
    s.parse::<Period>().map(Some).map_err(|e| e.to_string())
}

/// The keys of the off-plan theme labelled `label` in `scope`, or the labels there are.
pub fn theme_keys(
    snap: &Snapshot,
    scope: &Scope,
    label: &str,
) -> Result<HashSet<String>, Vec<String>> {
    let report = themes(snap, scope, &ThemeOptions::default());
    let label = label.trim();
    match report
        .themes
        .iter()
        .find(|t| t.label.eq_ignore_ascii_case(label))
    {
        Some(t) => Ok(t.work.keys.iter().cloned().collect()),
        None => Err(report.themes.into_iter().map(|t| t.label).collect()),
    }
}

/// The order items are listed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ItemOrder {
    /// As stored (import order), so pages stay put between requests.
    #[default]
    Stored,
    /// The engine's least sure inferences first, then everything else as stored: the
    /// queue to review, where a person's confirmation or correction teaches the most.
    LeastSure,
}

impl ItemOrder {
    /// `stored` or `confidence`, as the CLI and the API spell them.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "stored" => Some(ItemOrder::Stored),
            "confidence" => Some(ItemOrder::LeastSure),
            _ => None,
        }
    }
}

/// One item as listed: never the assignee (lists are aggregates).
#[derive(Debug, Clone, Serialize)]
pub struct ItemRow<'a> {
    pub id: i64,
    pub source: &'a str,
    pub key: &'a str,
    pub title: &'a str,
    pub item_type: Option<&'a str>,
    pub status: &'a str,
    pub team: Option<&'a str>,
    pub estimate: Option<f64>,
    pub created: Option<String>,
    pub url: Option<&'a str>,
    pub link: Option<&'a EffectiveLink>,
}

impl<'a> ItemRow<'a> {
    pub fn new(s: &'a StoredItem, link: Option<&'a EffectiveLink>) -> Self {
        let it = &s.item;
        ItemRow {
            id: s.id,
            source: &it.source,
            key: &it.key,
            title: &it.title,
            item_type: it.item_type.as_deref(),
            status: it.status_category.as_str(),
            team: it.team.as_deref(),
            estimate: it.estimate,
            created: it.created.map(|c| c.date_naive().to_string()),
            url: it.url.as_deref(),
            link,
        }
    }
}

/// The items of `snap` matching `q`, as rows, in the query's order. Stored order
/// streams; ordering by confidence collects the matching rows first.
pub fn select<'a>(
    snap: &'a Snapshot,
    q: &'a ItemQuery,
) -> Box<dyn Iterator<Item = ItemRow<'a>> + 'a> {
    let rows = matching(snap, q);
    match q.order {
        ItemOrder::Stored => Box::new(rows),
        ItemOrder::LeastSure => {
            let mut v: Vec<ItemRow<'a>> = rows.collect();
            // Stable: equally sure items, and all links not inferred, stay as stored.
            v.sort_by(|a, b| inferred_confidence(a).total_cmp(&inferred_confidence(b)));
            Box::new(v.into_iter())
        }
    }
}

/// How sure the engine was of a row's link; past every inference (2) when the link is
/// not the engine's or there is none.
fn inferred_confidence(r: &ItemRow<'_>) -> f32 {
    r.link
        .filter(|l| l.origin == LinkOrigin::Inferred)
        .map_or(2.0, |l| l.confidence)
}

/// Whether `want` is one of `values`, ignoring case.
fn has(values: &[String], want: &str) -> bool {
    values.iter().any(|v| v.trim().eq_ignore_ascii_case(want))
}

fn matching<'a>(snap: &'a Snapshot, q: &'a ItemQuery) -> impl Iterator<Item = ItemRow<'a>> + 'a {
    let text = q.text.as_deref().map(str::to_lowercase);
    // A theme no longer there (the data changed since the link was made) matches nothing.
    let theme: Option<HashSet<String>> = q
        .theme
        .as_deref()
        .map(|t| theme_keys(snap, &q.scope, t).unwrap_or_default());
    snap.items.iter().filter_map(move |s| {
        let it = &s.item;
        if !q.scope.includes(it) {
            return None;
        }
        if let Some(c) = &q.created {
            let created = it.created;
            let keep = match c {
                Some(p) => created.is_some_and(|t| p.contains(t)),
                None => created.is_none(),
            };
            if !keep {
                return None;
            }
        }
        if theme.as_ref().is_some_and(|keys| !keys.contains(&it.key)) {
            return None;
        }
        if let Some(t) = &text
            && !it.title.to_lowercase().contains(t)
            && !it.key.to_lowercase().contains(t)
        {
            return None;
        }
        if q.label
            .as_deref()
            .is_some_and(|l| !has(&it.labels, l.trim()))
            || q.component
                .as_deref()
                .is_some_and(|c| !has(&it.components, c.trim()))
            || q.item_type.as_deref().is_some_and(|t| {
                !it.item_type
                    .as_deref()
                    .is_some_and(|ty| ty.trim().eq_ignore_ascii_case(t.trim()))
            })
        {
            return None;
        }
        let link = snap.links.get(&s.id);
        if let Some(below) = q.below
            && !link.is_some_and(|l| l.origin == LinkOrigin::Inferred && l.confidence < below)
        {
            return None;
        }
        let target = link.map(|l| &l.target);
        let class = WorkClass::of(link, &snap.strategy);
        let keep = !(q.unlinked && link.is_some())
            && (!q.unclear || class == WorkClass::Unclear)
            && q.class.is_none_or(|c| c.matches(class))
            && (q.origins.is_empty() || link.is_some_and(|l| q.origins.contains(&l.origin)))
            && match q.off_plan {
                None => true,
                Some(want) => {
                    matches!(target, Some(LinkTarget::OffPlan(r)) if want.is_none_or(|w| w == *r))
                }
            }
            && q.initiative
                .as_ref()
                .is_none_or(|i| initiatives_of(link).any(|t| t == i))
            && q.goal
                .as_ref()
                .is_none_or(|goal| goals_of(link, &snap.strategy).contains(&goal.as_str()));
        keep.then(|| ItemRow::new(s, link))
    })
}
