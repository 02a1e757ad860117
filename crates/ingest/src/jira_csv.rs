//! Jira's issue navigator CSV export ("Export CSV (all fields)" or current fields).
//!
//! Jira repeats a header once per value for multi-valued fields (`Labels`, `Component/s`,
//! `Sprint`, `Fix Version/s`), names custom fields `Custom field (Name)`, writes dates in
//! the exporting user's locale (`12/Jan/26 1:25 PM`), and refers to parents either by key
//! (`Parent key`, sometimes `Parent`) or by numeric issue id (`Parent`, `Parent id`).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

use crate::csv_source::{CsvSource, Row};
use crate::error::IngestError;
use crate::warnings::{QuirkKind, Warnings};
use crate::{ImportOptions, ItemStream, key_prefix};

/// Column indexes, resolved once from the header.
struct Columns {
    key: usize,
    title: usize,
    issue_type: Option<usize>,
    status: Option<usize>,
    status_category: Option<usize>,
    status_category_changed: Option<usize>,
    project: Option<usize>,
    assignee: Option<usize>,
    created: Option<usize>,
    resolved: Option<usize>,
    description: Option<usize>,
    labels: Vec<usize>,
    components: Vec<usize>,
    sprints: Vec<usize>,
    fix_versions: Vec<usize>,
    /// Story point columns, best first, with their header for error messages.
    points: Vec<(usize, String)>,
    original_estimate: Option<usize>,
    epic_link: Option<usize>,
    team: Option<usize>,
    parent_key: Option<usize>,
    /// `Parent` holds a key on some sites and the numeric id on others.
    parent: Option<usize>,
    parent_id: Option<usize>,
    issue_id: Option<usize>,
}

/// A custom field column: the exact header, or `Custom field (NAME)`.
fn custom(src: &CsvSource, name: &str) -> Option<usize> {
    src.column(name)
        .or_else(|| src.column(&format!("Custom field ({name})")))
}

/// The column an option names; naming a column that is not there is an error, because the
/// user asked for it.
fn chosen(
    src: &CsvSource,
    option: Option<&str>,
    purpose: &str,
) -> Result<Option<Option<usize>>, IngestError> {
    match option.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(name) => custom(src, name)
            .map(|i| Some(Some(i)))
            .ok_or_else(|| src.missing_column(name, purpose)),
    }
}

impl Columns {
    fn resolve(src: &CsvSource, opts: &ImportOptions) -> Result<Self, IngestError> {
        let key = src
            .column("Issue key")
            .or_else(|| src.column("Key"))
            .ok_or_else(|| src.missing_column("Issue key", "required for the item key"))?;
        let title = src
            .column("Summary")
            .ok_or_else(|| src.missing_column("Summary", "required for the title"))?;
        let points = match chosen(src, opts.jira.story_points.as_deref(), "story points")? {
            Some(i) => i.into_iter().collect(),
            None => ["Story Points", "Story point estimate"]
                .iter()
                .filter_map(|n| custom(src, n))
                .collect::<Vec<_>>(),
        };
        let points = points
            .into_iter()
            .map(|i| (i, src.headers[i].clone()))
            .collect();
        let sprints = match chosen(src, opts.jira.sprint.as_deref(), "sprint")? {
            Some(i) => i.into_iter().collect(),
            None => src.columns("Sprint"),
        };
        let mut components = src.columns("Component/s");
        components.extend(src.columns("Components"));
        Ok(Columns {
            key,
            title,
            issue_type: src.column("Issue Type"),
            status: src.column("Status"),
            status_category: src.column("Status Category"),
            status_category_changed: src.column("Status Category Changed"),
            project: src.column("Project key"),
            assignee: src.column("Assignee"),
            created: src.column("Created"),
            resolved: src.column("Resolved"),
            description: src.column("Description"),
            labels: src.columns("Labels"),
            components,
            sprints,
            fix_versions: src.columns("Fix Version/s"),
            points,
            original_estimate: src.column("Original Estimate"),
            epic_link: chosen(src, opts.jira.epic_link.as_deref(), "epic link")?
                .unwrap_or_else(|| custom(src, "Epic Link")),
            team: chosen(src, opts.jira.team.as_deref(), "team")?
                .unwrap_or_else(|| custom(src, "Team")),
            parent_key: src.column("Parent key"),
            parent: src.column("Parent"),
            parent_id: src.column("Parent id"),
            issue_id: src.column("Issue id"),
        })
    }
}

fn numeric_id(text: &str) -> Option<u64> {
    text.trim().parse().ok()
}

/// Numeric parent ids resolved to keys. Two cheap pre-passes keep memory to the parents
/// actually referenced: first the ids used as parents, then the keys of those ids.
fn parent_ids(path: &Path, cols: &Columns) -> Result<HashMap<u64, String>, IngestError> {
    let mut keys = HashMap::new();
    let Some(id_col) = cols.issue_id else {
        return Ok(keys);
    };
    let ref_cols: Vec<usize> = [cols.parent, cols.parent_id]
        .into_iter()
        .flatten()
        .collect();
    if ref_cols.is_empty() {
        return Ok(keys);
    }
    let mut wanted = HashSet::new();
    CsvSource::open(path)?.for_each_record(|rec| {
        for &c in &ref_cols {
            if let Some(id) = rec
                .get(c)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(numeric_id)
            {
                wanted.insert(id);
            }
        }
    })?;
    if wanted.is_empty() {
        return Ok(keys);
    }
    let key_col = cols.key;
    CsvSource::open(path)?.for_each_record(|rec| {
        let id = rec
            .get(id_col)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(numeric_id);
        if let Some(id) = id.filter(|id| wanted.contains(id))
            && let Some(key) = rec.get(key_col)
        {
            keys.insert(id, String::from_utf8_lossy(key).trim().to_string());
        }
    })?;
    Ok(keys)
}

/// Reads a Jira CSV export.
pub(crate) fn read(
    path: &Path,
    source: String,
    opts: &ImportOptions,
) -> Result<ItemStream, IngestError> {
    let src = CsvSource::open(path)?;
    let cols = Columns::resolve(&src, opts)?;
    let parents = parent_ids(path, &cols)?;
    let base_url = opts.base_url();
    let warnings = opts.warnings.clone();
    Ok(src.into_stream(move |row| {
        convert(
            row,
            &cols,
            &parents,
            &source,
            base_url.as_deref(),
            &warnings,
        )
    }))
}

fn convert(
    row: &Row<'_>,
    cols: &Columns,
    parents: &HashMap<u64, String>,
    source: &str,
    base_url: Option<&str>,
    warnings: &Warnings,
) -> Result<WorkItem, IngestError> {
    let key = row
        .string(Some(cols.key))
        .ok_or_else(|| row.missing("Issue key", ""))?;
    let description = row.text(cols.description);
    // Old Jira data has issues with an empty summary; Jira allowed it, so it is data to
    // keep, not a reason to refuse the file.
    let title = match row.string(Some(cols.title)) {
        Some(title) => title,
        None => {
            warnings.push(row.at(&key), QuirkKind::EmptyTitle);
            crate::untitled(&description)
        }
    };
    let status = row.string(cols.status);
    let created = row.date(cols.created, "Created", &key)?;
    if created.is_none() {
        warnings.push(row.at(&key), QuirkKind::NoCreatedDate);
    }
    let resolved = row.date(cols.resolved, "Resolved", &key)?;
    let status_category = match row.get(cols.status_category) {
        Some(c) => {
            StatusCategory::parse(&c).unwrap_or_else(|| StatusCategory::from_status_name(&c))
        }
        None => match status.as_deref().filter(|s| crate::status_is_known(s)) {
            // A status that reads as "todo", or a custom one that says nothing, is
            // overruled by a resolution date.
            Some(known) => match StatusCategory::from_status_name(known) {
                StatusCategory::Todo if resolved.is_some() => StatusCategory::Done,
                category => category,
            },
            None if resolved.is_some() => StatusCategory::Done,
            None => {
                warnings.push(row.at(&key), QuirkKind::UnknownStatus(status.clone()));
                StatusCategory::Todo
            }
        },
    };
    let started = if status_category == StatusCategory::InProgress {
        row.date(
            cols.status_category_changed,
            "Status Category Changed",
            &key,
        )?
    } else {
        None
    };

    let mut estimate = None;
    let mut estimate_unit = EstimateUnit::Points;
    for (idx, header) in &cols.points {
        if let Some(points) = row.number(Some(*idx), header, &key)? {
            estimate = Some(points);
            break;
        }
    }
    if estimate.is_none()
        && let Some(secs) = row.number(cols.original_estimate, "Original Estimate", &key)?
    {
        estimate = Some(secs / 3600.0);
        estimate_unit = EstimateUnit::Hours;
    }

    let mut labels = Vec::new();
    for &c in &cols.labels {
        // Jira labels cannot contain spaces, so a cell holding several is split on them.
        if let Some(cell) = row.get(Some(c)) {
            for label in cell.split_whitespace() {
                if !labels.iter().any(|l| l == label) {
                    labels.push(label.to_string());
                }
            }
        }
    }
    let mut components: Vec<String> = Vec::new();
    for &c in &cols.components {
        if let Some(cell) = row.string(Some(c))
            && !components.contains(&cell)
        {
            components.push(cell);
        }
    }
    // Sprints are listed oldest first; the last one is where the issue is (or ended) now.
    let sprint = cols
        .sprints
        .iter()
        .rev()
        .find_map(|&c| row.string(Some(c)))
        .or_else(|| cols.fix_versions.iter().find_map(|&c| row.string(Some(c))));

    let parent_ref = |idx: Option<usize>| {
        let text = row.get(idx)?;
        match numeric_id(&text) {
            // An id that names no issue in this file cannot become a key; dropping it is
            // better than storing a number that looks like a dangling key.
            Some(id) => parents.get(&id).cloned(),
            None => Some(text.into_owned()),
        }
    };
    let parent_key = parent_ref(cols.parent_key)
        .or_else(|| parent_ref(cols.parent))
        .or_else(|| parent_ref(cols.parent_id));

    Ok(WorkItem {
        area_path: None,
        source: source.to_string(),
        url: base_url.map(|b| format!("{b}/browse/{key}")),
        title,
        description,
        item_type: row.string(cols.issue_type),
        status,
        status_category,
        labels,
        components,
        parent_key,
        epic_key: row.string(cols.epic_link),
        project: row
            .string(cols.project)
            .or_else(|| key_prefix(&key).map(str::to_string)),
        team: row.string(cols.team),
        assignee: row.string(cols.assignee),
        estimate,
        estimate_unit,
        created,
        started,
        resolved,
        sprint,
        key,
    })
}
