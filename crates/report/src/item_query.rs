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

/// The items of `snap` matching `q`, in id order, as rows.
pub fn select<'a>(snap: &'a Snapshot, q: &'a ItemQuery) -> impl Iterator<Item = ItemRow<'a>> + 'a {
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
        let link = snap.links.get(&s.id);
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
