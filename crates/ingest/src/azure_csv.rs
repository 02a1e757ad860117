//! The CSV an Azure DevOps Boards query exports (Queries > Export to CSV), its headers the
//! fields' display names: `ID, Work Item Type, Title, Assigned To, State, Tags` by
//! default, plus whichever columns the query shows (`Area Path`, `Iteration Path`,
//! `Team Project`, `Description`, `Created Date`, `Activated Date`, `Closed Date`,
//! `Story Points`, `Effort`, `Size`, `Parent`).
//!
//! Items are read as the REST importer reads them (see `azure_json`): keys `PROJECT-ID`,
//! the project from `Team Project` or the root of the area or iteration path, so the
//! query must show one of those columns (Area Path best: only an item with an area path
//! reads as Azure's, and so a Feature as a container; see `WorkItem::is_epic`). A tree query ("Tree of work items") writes each
//! level's title in its own column (`Title 1`, `Title 2`, ...): a row's parent is then
//! the row above it one level up, and a `Parent` column says it for flat queries. Dates
//! are read as the export writes them in an English (US) locale, `1/12/2026 1:25:00 PM`.

use std::path::Path;

use throughline_model::{EstimateUnit, WorkItem};

use crate::azure_json::{display_name, is_container, path_root, sprint_of, state_category};
use crate::csv_source::{CsvSource, Row};
use crate::error::IngestError;
use crate::warnings::{QuirkKind, Warnings};
use crate::{ImportOptions, ItemStream, split_list};

struct Columns {
    id: usize,
    /// `Title`, or a tree query's `Title 1`, `Title 2`, ... in level order.
    titles: Vec<usize>,
    kind: Option<usize>,
    state: Option<usize>,
    area: Option<usize>,
    iteration: Option<usize>,
    project: Option<usize>,
    tags: Option<usize>,
    description: Option<usize>,
    assignee: Option<usize>,
    created: Option<usize>,
    activated: Option<usize>,
    closed: Option<usize>,
    /// Story Points, Effort, Size: the first one with a value is the estimate.
    estimates: Vec<(usize, &'static str)>,
    parent: Option<usize>,
}

/// Reads a Boards query's CSV export.
pub(crate) fn read(
    path: &Path,
    source: String,
    opts: &ImportOptions,
) -> Result<ItemStream, IngestError> {
    let src = CsvSource::open(path)?;
    let mut titles: Vec<usize> = (1..)
        .map_while(|level| src.column(&format!("Title {level}")))
        .collect();
    if titles.is_empty() {
        titles.extend(src.column("Title"));
    }
    if titles.is_empty() {
        return Err(src.missing_column("Title", "required for the title"));
    }
    let cols = Columns {
        id: src
            .column("ID")
            .ok_or_else(|| src.missing_column("ID", "required for the item key"))?,
        titles,
        kind: src.column("Work Item Type"),
        state: src.column("State"),
        area: src.column("Area Path"),
        iteration: src.column("Iteration Path"),
        project: src.column("Team Project"),
        tags: src.column("Tags"),
        description: src.column("Description"),
        assignee: src.column("Assigned To"),
        created: src.column("Created Date"),
        activated: src.column("Activated Date"),
        closed: src.column("Closed Date"),
        estimates: ["Story Points", "Effort", "Size"]
            .into_iter()
            .filter_map(|name| Some((src.column(name)?, name)))
            .collect(),
        parent: src.column("Parent"),
    };
    if cols.project.is_none() && cols.area.is_none() && cols.iteration.is_none() {
        return Err(src.missing_column(
            "Area Path",
            "required for the key's project: add Area Path, Iteration Path or Team Project \
             to the query's columns",
        ));
    }
    let base_url = opts.base_url();
    let warnings = opts.warnings.clone();
    // The last row seen at each tree level, with whether it is an Epic or a Feature.
    let mut levels: Vec<Option<(String, bool)>> = Vec::new();
    Ok(src.into_stream(move |row| {
        convert(
            row,
            &cols,
            &source,
            base_url.as_deref(),
            &warnings,
            &mut levels,
        )
    }))
}

fn convert(
    row: &Row<'_>,
    cols: &Columns,
    source: &str,
    base_url: Option<&str>,
    warnings: &Warnings,
    levels: &mut Vec<Option<(String, bool)>>,
) -> Result<WorkItem, IngestError> {
    let id_text = row
        .string(Some(cols.id))
        .ok_or_else(|| row.missing("ID", ""))?;
    let id: u64 = id_text
        .parse()
        .map_err(|_| row.bad_value("", "ID", &id_text, "a work item id (a number)"))?;
    let area_path = row.string(cols.area);
    let iteration = row.string(cols.iteration);
    let project = row
        .string(cols.project)
        .or_else(|| area_path.as_deref().and_then(path_root))
        .or_else(|| iteration.as_deref().and_then(path_root))
        .ok_or_else(|| row.missing("Area Path", &id_text))?;
    let key = format!("{project}-{id}");

    let description = row
        .get(cols.description)
        .map(|html| crate::html_to_text(&html))
        .unwrap_or_default();
    // In a tree query the level of the row is the column its title is in.
    let (level, title) = cols
        .titles
        .iter()
        .enumerate()
        .find_map(|(level, &c)| Some((level, row.string(Some(c))?)))
        .map_or((0, None), |(level, t)| (level, Some(t)));
    let title = match title {
        Some(title) => title,
        None => {
            warnings.push(row.at(&key), QuirkKind::EmptyTitle);
            crate::untitled(&description)
        }
    };
    let item_type = row.string(cols.kind);
    let tree_parent = if cols.titles.len() > 1 {
        // Rows below this level belong to earlier parents; a level skipped has none.
        levels.resize(level, None);
        let parent = level.checked_sub(1).and_then(|l| levels[l].clone());
        levels.push(Some((
            key.clone(),
            item_type.as_deref().is_some_and(is_container),
        )));
        parent
    } else {
        None
    };
    let parent = match (tree_parent, row.get(cols.parent)) {
        (Some(p), _) => Some(p),
        // The Parent column holds the parent's id (newer Boards add its title after it).
        (None, Some(cell)) => {
            let digits: String = cell.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return Err(row.bad_value(&key, "Parent", &cell, "a work item id"));
            }
            Some((format!("{project}-{digits}"), false))
        }
        (None, None) => None,
    };

    let created = row.date(cols.created, "Created Date", &key)?;
    if created.is_none() {
        warnings.push(row.at(&key), QuirkKind::NoCreatedDate);
    }
    let resolved = row.date(cols.closed, "Closed Date", &key)?;
    let status = row.string(cols.state);
    let status_category = state_category(status.as_deref(), resolved.is_some(), || {
        warnings.push(row.at(&key), QuirkKind::UnknownStatus(status.clone()));
    });
    let mut estimate = None;
    for &(c, name) in &cols.estimates {
        if let Some(n) = row.number(Some(c), name, &key)? {
            estimate = Some(n);
            break;
        }
    }
    let mut labels = Vec::new();
    if let Some(tags) = row.get(cols.tags) {
        split_list(&tags, ";", &mut labels);
    }
    Ok(WorkItem {
        source: source.to_string(),
        // The export has no links; `--base-url https://dev.azure.com/ORG` makes them.
        url: base_url.map(|b| format!("{b}/{}/_workitems/edit/{id}", project.replace(' ', "%20"))),
        title,
        description,
        item_type,
        status,
        status_category,
        labels,
        components: Vec::new(),
        epic_key: parent
            .as_ref()
            .filter(|(_, container)| *container)
            .map(|(k, _)| k.clone()),
        parent_key: parent.map(|(k, _)| k),
        team: None,
        assignee: row.get(cols.assignee).and_then(|a| display_name(&a)),
        estimate,
        estimate_unit: EstimateUnit::Points,
        created,
        started: row.date(cols.activated, "Activated Date", &key)?,
        resolved,
        sprint: sprint_of(iteration, &project),
        area_path,
        project: Some(project),
        key,
    })
}
