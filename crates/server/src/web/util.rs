//! Small helpers shared by the pages: links, escaping, periods and labels.

use throughline_model::{LinkTarget, Period, Strategy};
use throughline_report::{PeriodBy, Snapshot};

use super::WebError;
use crate::{KeyIndex, View};

/// Percent-encodes one path segment (item sources and keys are user data).
pub(crate) fn seg(s: &str) -> String {
    throughline_report::url_encode(s)
}

/// The page of one item.
pub(crate) fn item_href(source: &str, key: &str) -> String {
    format!("/items/{}/{}", seg(source), seg(key))
}

/// What a page counts: the period it shows (none: all time) and which of an item's
/// dates puts it in that period (`?period_by=`, active by default). Every link a page
/// makes keeps both, so a drill-down lists what the number it came from counted.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shown {
    pub period: Option<Period>,
    pub by: PeriodBy,
}

impl Shown {
    /// What "in the period" means on this page, in words for every card and chart:
    /// "active in 2021-Q4", "created in 2021-Q4", or "all the work".
    pub(crate) fn in_period(&self) -> String {
        match &self.period {
            Some(p) => format!("{} in {}", self.by.as_str(), p.name),
            None => "all the work".into(),
        }
    }

    /// The meanings a page offers beside its period picker, each
    /// `{value, label, selected}`.
    pub(crate) fn choices(&self) -> Vec<serde_json::Value> {
        PeriodBy::ALL
            .iter()
            .map(|(name, by)| {
                let label = match by {
                    PeriodBy::Active => "active in it (worked on at any time in it)",
                    PeriodBy::Created => "created in it",
                    PeriodBy::Resolved => "resolved in it",
                };
                serde_json::json!({ "value": name, "label": label, "selected": *by == self.by })
            })
            .collect()
    }
}

/// The list of the items behind a figure (the drill-down, `/items?...`): `filters` as
/// given, then the period (none: all time, which is also what `/items` shows without one)
/// and, when it is not the default, what puts an item in it.
pub(crate) fn items_href(shown: &Shown, filters: &[(&str, &str)]) -> String {
    let mut p: Vec<String> = filters
        .iter()
        .map(|(k, v)| format!("{k}={}", seg(v)))
        .collect();
    if let Some(period) = &shown.period {
        p.push(format!("period={}", seg(&period.name)));
        if shown.by != PeriodBy::Active {
            p.push(format!("period_by={}", shown.by.as_str()));
        }
    }
    if p.is_empty() {
        "/items".into()
    } else {
        format!("/items?{}", p.join("&"))
    }
}

/// A page's own address for a period: `?period=NAME`, or `?period=all` for all time
/// (without a period a page opens on its default quarter), with `&period_by=` when not
/// the default.
pub(crate) fn period_arg(shown: &Shown) -> String {
    let by = match (&shown.period, shown.by) {
        (Some(_), by) if by != PeriodBy::Active => format!("&period_by={}", by.as_str()),
        _ => String::new(),
    };
    format!(
        "?period={}{by}",
        shown.period.as_ref().map_or("all".into(), |p| seg(&p.name))
    )
}

/// `?period_by=` as a page reads it: empty is the default (active).
pub(crate) fn period_by(asked: Option<&str>) -> Result<PeriodBy, WebError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(PeriodBy::default()),
        Some(s) => s.parse().map_err(WebError::BadRequest),
    }
}

/// The page of the item with `key` (reports carry keys only), if it is known.
pub(crate) fn key_href(snap: &Snapshot, index: &KeyIndex, key: &str) -> Option<String> {
    let i = index.get(key)?;
    let s = &snap.items[i].item;
    Some(item_href(&s.source, &s.key))
}

/// Escapes text for HTML built in Rust (charts); templates escape on their own.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// A count with thousands separators.
pub(crate) fn thousands(v: i64) -> String {
    let s = v.unsigned_abs().to_string();
    let mut o = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            o.push(',');
        }
        o.push(c);
    }
    if v < 0 { format!("-{o}") } else { o }
}

/// The reporting period a page asks for: `?period=`, else the quarter holding the last
/// activity in the data (so a fresh demo opens on its busiest quarter).
pub(crate) fn period_or_default(
    asked: Option<&str>,
    view: &View,
) -> Result<Option<Period>, WebError> {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) if p.eq_ignore_ascii_case("all") => Ok(None),
        Some(p) => p.parse().map(Some).map_err(|_| {
            WebError::BadRequest(format!(
                "`{p}` is not a period. Use a year (2026), a half (2026-H1), a quarter \
                 (2026-Q3), a month (2026-07), a week (2026-W27), FROM..TO dates, or all \
                 for all time."
            ))
        }),
        None => Ok(view.last_activity.map(default_quarter)),
    }
}

/// The quarter a page opens on: the one holding the last activity, unless that quarter
/// is under half over, when a fuller picture is the quarter before (the data of a
/// quarter's first weeks is mostly work not finished yet).
fn default_quarter(last: chrono::NaiveDate) -> Period {
    let q = Period::quarter_of(last);
    if (last - q.start).num_days() < 45 {
        Period::quarter_of(q.start - chrono::Duration::days(1))
    } else {
        q
    }
}

/// The choices of the period picker: quarters from the last activity back to the first
/// (at most 40), then the years, newest first, then all time. Each is `(value, label)`.
pub(crate) fn periods(snap: &Snapshot) -> Vec<(String, String)> {
    let first = snap
        .items
        .iter()
        .filter_map(|s| s.item.created)
        .map(|t| t.date_naive())
        .min();
    let (Some(first), Some(last)) = (first, snap.last_activity()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut p = Period::quarter_of(last);
    // Bounded: a decade of quarters is more than any picker needs.
    for _ in 0..40 {
        out.push((p.name.clone(), p.name.clone()));
        if p.start <= first {
            break;
        }
        p = Period::quarter_of(p.start - chrono::Duration::days(1));
    }
    use chrono::Datelike;
    for y in (first.year()..=last.year()).rev() {
        out.push((y.to_string(), y.to_string()));
    }
    out.push(("all".into(), "All time".into()));
    out
}

/// The period picker's options for a page showing `period` (none: all time): the
/// choices of [`periods`], plus the shown period when it is none of them (a month, a
/// range), each `{value, label, selected}`.
pub(crate) fn picker(snap: &Snapshot, period: &Option<Period>) -> Vec<serde_json::Value> {
    let shown = period.as_ref().map_or("all", |p| p.name.as_str());
    let mut choices = periods(snap);
    if !choices.iter().any(|(v, _)| v == shown) {
        choices.insert(0, (shown.to_string(), shown.to_string()));
    }
    choices
        .into_iter()
        .map(|(value, label)| {
            serde_json::json!({ "selected": value == shown, "value": value, "label": label })
        })
        .collect()
}

/// Plain words for a link target, with the strategy's titles.
pub(crate) fn target_label(t: &LinkTarget, strategy: &Strategy) -> String {
    match t {
        LinkTarget::Initiative(id) => strategy.initiative(id).map_or_else(
            || format!("initiative {id} (no longer in the strategy)"),
            |i| format!("initiative: {}", i.title),
        ),
        LinkTarget::Goal(id) => strategy
            .goal(id)
            .map_or_else(|| format!("goal {id}"), |g| format!("goal: {}", g.title)),
        LinkTarget::OffPlan(r) => format!("off plan: {}", r.label()),
        LinkTarget::Unclear => "unclear (the engine could not tell)".into(),
    }
}

/// Words for who said a link is so.
pub(crate) fn origin_label(o: throughline_model::LinkOrigin) -> &'static str {
    match o {
        throughline_model::LinkOrigin::Explicit => "explicit (tracker facts)",
        throughline_model::LinkOrigin::Inferred => "inferred (sense engine)",
        throughline_model::LinkOrigin::Corrected => "set by a person",
    }
}

/// `back` when it is the address of an item list of this dashboard: a form sent from a
/// list returns only there, never to an address the form could smuggle in.
pub(crate) fn list_address(back: &str) -> Option<&str> {
    let back = back.trim();
    let local =
        back.starts_with("/items?") && !back.contains(['\\', '\n', '\r']) && !back.contains("//");
    local.then_some(back)
}

/// Back to the item list `back` (see [`list_address`]) with `said` (`name=value`) added
/// for the list to show, at its table.
pub(crate) fn back_to_list(back: &str, said: &str) -> Option<axum::response::Redirect> {
    list_address(back).map(|b| axum::response::Redirect::to(&format!("{b}&{said}#queue")))
}

/// A form's free-text field: trimmed, at most 200 characters, `None` when empty.
pub(crate) fn form_text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.chars().take(200).collect())
}

/// The team a dashboard write is recorded with: a token's team wins over what the form
/// says, since it is who the server knows you are.
pub(crate) fn team_of(caller: &crate::auth::Caller, given: &str) -> Option<String> {
    caller
        .team()
        .map(str::to_string)
        .or_else(|| form_text(given))
}
