//! The drill-down behind every figure: which items match a set of filters. Shared by the
//! CLI's `items` and the API's `/api/items`, so both always mean the same thing.

use serde::Serialize;
use throughline_model::{LinkOrigin, LinkTarget, OffPlanReason};
use throughline_store::StoredItem;

use crate::{EffectiveLink, Scope, Snapshot};

/// Filters over the items of a snapshot. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    pub scope: Scope,
    /// Work serving this goal (through an initiative or directly).
    pub goal: Option<String>,
    pub initiative: Option<String>,
    /// `Some(None)`: off plan for any reason; `Some(Some(r))`: for reason `r`.
    pub off_plan: Option<Option<OffPlanReason>>,
    pub unclear: bool,
    pub unlinked: bool,
    pub origin: Option<LinkOrigin>,
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
    let goal_inits: Vec<&str> = q
        .goal
        .as_deref()
        .map(|g| {
            snap.strategy
                .initiatives_of(g)
                .map(|i| i.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    let text = q.text.as_deref().map(str::to_lowercase);
    snap.items.iter().filter_map(move |s| {
        let it = &s.item;
        if !q.scope.includes(it) {
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
        let keep = !(q.unlinked && link.is_some())
            && (!q.unclear || target == Some(&LinkTarget::Unclear))
            && q.origin.is_none_or(|o| link.map(|l| l.origin) == Some(o))
            && match q.off_plan {
                None => true,
                Some(want) => {
                    matches!(target, Some(LinkTarget::OffPlan(r)) if want.is_none_or(|w| w == *r))
                }
            }
            && q.initiative
                .as_ref()
                .is_none_or(|i| matches!(target, Some(LinkTarget::Initiative(t)) if t == i))
            && q.goal.as_ref().is_none_or(|goal| match target {
                Some(LinkTarget::Goal(g)) => g == goal,
                Some(LinkTarget::Initiative(i)) => goal_inits.contains(&i.as_str()),
                _ => false,
            });
        keep.then(|| ItemRow::new(s, link))
    })
}
