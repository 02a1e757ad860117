//! Linear's CSV export (Settings > Import / Export > Export CSV).
//!
//! The header is `ID, Team, Title, Description, Status, Estimate, Priority, Project ID,
//! Project, Creator, Assignee, Labels, Cycle Number, Cycle Name, Cycle Start, Cycle End,
//! Created, Updated, Started, Triaged, Completed, Canceled, Archived, Due Date,
//! Parent issue, Initiatives, Project Milestone ID, Project Milestone, SLA Status,
//! Roadmaps`; newer exports add columns such as `UUID` or relation columns, which are
//! ignored. Labels share one cell, comma separated. Linear has no issue types.

use std::path::Path;

use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

use crate::csv_source::{CsvSource, Row};
use crate::error::IngestError;
use crate::{ItemStream, split_list};

struct Columns {
    id: usize,
    title: usize,
    team: Option<usize>,
    description: Option<usize>,
    status: Option<usize>,
    estimate: Option<usize>,
    project: Option<usize>,
    assignee: Option<usize>,
    labels: Option<usize>,
    cycle_number: Option<usize>,
    cycle_name: Option<usize>,
    created: Option<usize>,
    started: Option<usize>,
    completed: Option<usize>,
    canceled: Option<usize>,
    parent: Option<usize>,
}

/// Reads a Linear CSV export.
pub(crate) fn read(path: &Path, source: String) -> Result<ItemStream, IngestError> {
    let src = CsvSource::open(path)?;
    let cols = Columns {
        id: src
            .column("ID")
            .ok_or_else(|| src.missing_column("ID", "required for the item key"))?,
        title: src
            .column("Title")
            .ok_or_else(|| src.missing_column("Title", "required for the title"))?,
        team: src.column("Team"),
        description: src.column("Description"),
        status: src.column("Status"),
        estimate: src.column("Estimate"),
        project: src.column("Project"),
        assignee: src.column("Assignee"),
        labels: src.column("Labels"),
        cycle_number: src.column("Cycle Number"),
        cycle_name: src.column("Cycle Name"),
        created: src.column("Created"),
        started: src.column("Started"),
        completed: src.column("Completed"),
        canceled: src.column("Canceled"),
        parent: src.column("Parent issue"),
    };
    Ok(src.into_stream(move |row| convert(row, &cols, &source)))
}

fn convert(row: &Row<'_>, cols: &Columns, source: &str) -> Result<WorkItem, IngestError> {
    let key = row
        .string(Some(cols.id))
        .ok_or_else(|| row.missing("ID", ""))?;
    let title = row
        .string(Some(cols.title))
        .ok_or_else(|| row.missing("Title", &key))?;
    let status = row.string(cols.status);
    let started = row.date(cols.started, "Started", &key)?;
    let completed = row.date(cols.completed, "Completed", &key)?;
    let canceled = row.date(cols.canceled, "Canceled", &key)?;
    let resolved = completed.or(canceled);
    // Status names are per team and free text; the timestamps say which state type the
    // status belongs to, so they decide.
    let status_category = if resolved.is_some() {
        StatusCategory::Done
    } else if started.is_some() {
        StatusCategory::InProgress
    } else {
        status
            .as_deref()
            .map(StatusCategory::from_status_name)
            .unwrap_or_default()
    };
    let mut labels = Vec::new();
    if let Some(cell) = row.get(cols.labels) {
        split_list(&cell, ",", &mut labels);
    }
    // Unnamed cycles are common; their number is what people call them.
    let sprint = row.string(cols.cycle_name).or_else(|| {
        row.get(cols.cycle_number)
            .map(|n| format!("Cycle {}", n.trim()))
    });
    Ok(WorkItem {
        area_path: None,
        source: source.to_string(),
        url: None,
        title,
        description: row.text(cols.description),
        item_type: None,
        status,
        status_category,
        labels,
        components: Vec::new(),
        parent_key: row.string(cols.parent),
        epic_key: None,
        project: row.string(cols.project),
        team: row.string(cols.team),
        assignee: row.string(cols.assignee),
        estimate: row.number(cols.estimate, "Estimate", &key)?,
        estimate_unit: EstimateUnit::Points,
        created: row.date(cols.created, "Created", &key)?,
        started,
        resolved,
        sprint,
        key,
    })
}
