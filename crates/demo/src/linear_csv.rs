//! The Linear export: Linear's issue CSV for the Mobile team.

use chrono::NaiveDateTime;

use crate::items::{Clock, Item, Status};
use crate::org::{TEAMS, Tracker};

/// Linear's CSV export columns, in order.
pub const COLUMNS: &[&str] = &[
    "ID",
    "Team",
    "Title",
    "Description",
    "Status",
    "Estimate",
    "Priority",
    "Project ID",
    "Project",
    "Creator",
    "Assignee",
    "Labels",
    "Cycle Number",
    "Cycle Name",
    "Triage",
    "Due Date",
    "Created",
    "Updated",
    "Started",
    "Triaged",
    "Completed",
    "Canceled",
    "Archived",
    "Parent issue",
    "Initiatives",
    "Project Milestone ID",
    "Project Milestone",
    "SLA Status",
    "Roadmaps",
];

/// Linear's timestamp format in the demo: `2026-07-01T10:11:12.000Z`.
pub fn linear_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A stable UUID-shaped id for a project name (FNV-1a, twice).
fn project_id(name: &str) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for byte in name.bytes() {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3 ^ 0x1f);
    }
    let h = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Todo => "Todo",
        Status::InProgress => "In Progress",
        Status::InReview => "In Review",
        Status::Done => "Done",
        Status::Canceled => "Canceled",
    }
}

fn priority(p: u8) -> &'static str {
    ["Urgent", "High", "Medium", "Low", "No priority"][usize::from(p.min(4))]
}

/// Turns the generator's light Jira markup into the Markdown Linear uses.
fn markdown(s: &str) -> String {
    s.lines()
        .map(|l| {
            if let Some(rest) = l.strip_prefix("h3. ") {
                format!("### {rest}")
            } else if let Some(rest) = l.strip_prefix("# ") {
                format!("1. {rest}")
            } else if let Some(rest) = l.strip_prefix("* ") {
                format!("- {rest}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Linear CSV with every Linear item.
pub fn render(clock: &Clock, items: &[Item]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(COLUMNS).expect("in-memory write");
    let opt = |t: Option<NaiveDateTime>| t.map(linear_time).unwrap_or_default();
    for it in items.iter().filter(|i| i.tracker() == Tracker::Linear) {
        let team = &TEAMS[it.team];
        let cycle = it.sprints.last().copied();
        let (completed, canceled) = match it.status {
            Status::Done => (opt(it.resolved), String::new()),
            Status::Canceled => (String::new(), opt(it.resolved)),
            _ => (String::new(), String::new()),
        };
        let in_cycle = cycle.is_some_and(|c| clock.sprint_state(it.team, c) != "future");
        let record: Vec<String> = vec![
            it.key.clone(),
            team.name.to_string(),
            it.title.clone(),
            markdown(&it.description),
            if it.status == Status::Todo && !in_cycle {
                "Backlog".to_string()
            } else {
                status(it.status).to_string()
            },
            it.points.map(|p| p.to_string()).unwrap_or_default(),
            priority(it.priority).to_string(),
            it.project.as_deref().map(project_id).unwrap_or_default(),
            it.project.clone().unwrap_or_default(),
            it.reporter.to_string(),
            it.assignee.unwrap_or_default().to_string(),
            it.labels.join(", "),
            cycle.map(|c| c.to_string()).unwrap_or_default(),
            cycle.map(|c| format!("Cycle {c}")).unwrap_or_default(),
            "false".to_string(),
            String::new(),
            linear_time(it.created),
            linear_time(it.updated),
            opt(it.started),
            String::new(),
            completed,
            canceled,
            String::new(),
            it.parent.map(|p| items[p].key.clone()).unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        w.write_record(&record).expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8 in, UTF-8 out")
}
