//! Conversions between SQL rows and model values.

use chrono::{DateTime, Utc};
use throughline_model::{EstimateUnit, LinkTarget, StatusCategory, Timestamp, WorkItem};

use crate::{Result, StoreError, StoredItem};

pub(crate) fn ts_to_sql(t: Option<Timestamp>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

pub(crate) fn ts_from_sql(s: Option<String>) -> Result<Option<Timestamp>> {
    s.map(|s| {
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| StoreError::Corrupt {
                what: "timestamp",
                detail: format!("{s}: {e}"),
            })
    })
    .transpose()
}

pub(crate) fn list_to_sql(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".to_string())
}

pub(crate) fn list_from_sql(s: &str) -> Result<Vec<String>> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt {
        what: "list",
        detail: format!("{s}: {e}"),
    })
}

pub(crate) fn unit_to_sql(u: EstimateUnit) -> &'static str {
    match u {
        EstimateUnit::Points => "points",
        EstimateUnit::Hours => "hours",
    }
}

pub(crate) fn target_to_sql(t: &LinkTarget) -> (&'static str, String) {
    match t {
        LinkTarget::Initiative(id) => ("initiative", id.clone()),
        LinkTarget::Goal(id) => ("goal", id.clone()),
        LinkTarget::OffPlan(r) => ("off_plan", r.as_str().to_string()),
        LinkTarget::Unclear => ("unclear", String::new()),
    }
}

pub(crate) fn target_from_sql(kind: &str, id: String) -> Result<LinkTarget> {
    let corrupt = |detail: String| StoreError::Corrupt {
        what: "link target",
        detail,
    };
    Ok(match kind {
        "initiative" => LinkTarget::Initiative(id),
        "goal" => LinkTarget::Goal(id),
        "off_plan" => LinkTarget::OffPlan(id.parse().map_err(|e| corrupt(format!("{e}")))?),
        "unclear" => LinkTarget::Unclear,
        other => return Err(corrupt(other.to_string())),
    })
}

/// Column list matching [`item_from_row`], starting at index 1 after `id`.
pub(crate) const ITEM_COLUMNS: &str = "id, source, key, url, title, description, item_type, status, \
     status_category, labels, components, parent_key, epic_key, project, team, assignee, \
     estimate, estimate_unit, created, started, resolved, sprint, area_path";

/// [`ITEM_COLUMNS`] with an empty description, for reads that never show one: on real
/// tracker data descriptions are most of an item's bytes.
pub(crate) const ITEM_COLUMNS_WITHOUT_DESCRIPTION: &str = "id, source, key, url, title, '', \
     item_type, status, status_category, labels, components, parent_key, epic_key, project, \
     team, assignee, estimate, estimate_unit, created, started, resolved, sprint, area_path";

/// Every item of a query that selects [`ITEM_COLUMNS`], appended to `out`.
pub(crate) fn read_items(rows: &mut rusqlite::Rows<'_>, out: &mut Vec<StoredItem>) -> Result<()> {
    while let Some(r) = rows.next()? {
        out.push(StoredItem {
            id: r.get(0)?,
            item: item_from_row(r)?,
        });
    }
    Ok(())
}

pub(crate) fn item_from_row(r: &rusqlite::Row<'_>) -> Result<WorkItem> {
    let cat: String = r.get(8)?;
    let labels: String = r.get(9)?;
    let components: String = r.get(10)?;
    let unit: String = r.get(17)?;
    Ok(WorkItem {
        source: r.get(1)?,
        key: r.get(2)?,
        url: r.get(3)?,
        title: r.get(4)?,
        description: r.get(5)?,
        item_type: r.get(6)?,
        status: r.get(7)?,
        status_category: StatusCategory::parse(&cat).unwrap_or_default(),
        labels: list_from_sql(&labels)?,
        components: list_from_sql(&components)?,
        parent_key: r.get(11)?,
        epic_key: r.get(12)?,
        project: r.get(13)?,
        team: r.get(14)?,
        assignee: r.get(15)?,
        estimate: r.get(16)?,
        estimate_unit: if unit == "hours" {
            EstimateUnit::Hours
        } else {
            EstimateUnit::Points
        },
        created: ts_from_sql(r.get(18)?)?,
        started: ts_from_sql(r.get(19)?)?,
        resolved: ts_from_sql(r.get(20)?)?,
        sprint: r.get(21)?,
        area_path: r.get(22)?,
    })
}
