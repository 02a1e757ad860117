//! The Jira export: REST API v2 search responses, paged.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::items::{Clock, Item, Kind, Status};
use crate::org::{TEAMS, Tracker};

/// Issues per page, as `maxResults` on the search endpoint.
pub const PAGE_SIZE: usize = 500;

/// The site the demo pretends to be exported from.
pub const SITE: &str = "https://demo.atlassian.net";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    expand: &'static str,
    start_at: usize,
    max_results: usize,
    total: usize,
    issues: Vec<Issue<'a>>,
    names: Names,
}

#[derive(Serialize)]
struct Names {
    customfield_10014: &'static str,
    customfield_10016: &'static str,
    customfield_10001: &'static str,
    customfield_10020: &'static str,
}

#[derive(Serialize)]
struct Issue<'a> {
    id: String,
    key: &'a str,
    #[serde(rename = "self")]
    self_url: String,
    fields: Fields<'a>,
}

#[derive(Serialize)]
struct Name<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Key<'a> {
    key: &'a str,
}

#[derive(Serialize)]
struct StatusField {
    name: &'static str,
    #[serde(rename = "statusCategory")]
    status_category: Key<'static>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Person {
    display_name: &'static str,
}

#[derive(Serialize)]
struct TeamValue {
    value: &'static str,
}

#[derive(Serialize)]
struct Sprint {
    id: u32,
    name: String,
    state: &'static str,
}

#[derive(Serialize)]
struct Fields<'a> {
    summary: &'a str,
    description: Option<&'a str>,
    issuetype: Name<'static>,
    status: StatusField,
    priority: Name<'static>,
    labels: &'a [String],
    components: Vec<Name<'a>>,
    project: Key<'static>,
    assignee: Option<Person>,
    reporter: Person,
    customfield_10014: Option<&'a str>,
    customfield_10016: Option<u32>,
    customfield_10001: TeamValue,
    customfield_10020: Option<Vec<Sprint>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<Key<'a>>,
    created: String,
    updated: String,
    resolutiondate: Option<String>,
}

/// Jira's timestamp format: `2026-07-01T10:11:12.000+0000`.
pub fn jira_time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

fn status(s: Status) -> StatusField {
    let (name, cat) = match s {
        Status::Todo => ("To Do", "new"),
        Status::InProgress => ("In Progress", "indeterminate"),
        Status::InReview => ("In Review", "indeterminate"),
        Status::Done | Status::Canceled => ("Done", "done"),
    };
    StatusField {
        name,
        status_category: Key { key: cat },
    }
}

fn priority(p: u8) -> &'static str {
    ["Highest", "High", "Medium", "Low", "Lowest"][usize::from(p.min(4))]
}

fn issue<'a>(clock: &Clock, items: &'a [Item], it: &'a Item) -> Issue<'a> {
    let team = &TEAMS[it.team];
    let sprints = (!it.sprints.is_empty()).then(|| {
        it.sprints
            .iter()
            .map(|n| Sprint {
                id: 100 * (it.team as u32 + 1) + n,
                name: format!("{} Sprint {n}", team.key),
                state: clock.sprint_state(it.team, *n),
            })
            .collect()
    });
    Issue {
        id: it.id.to_string(),
        key: &it.key,
        self_url: format!("{SITE}/rest/api/2/issue/{}", it.id),
        fields: Fields {
            summary: &it.title,
            description: (!it.description.is_empty()).then_some(it.description.as_str()),
            issuetype: Name {
                name: it.kind.jira_name(),
            },
            status: status(it.status),
            priority: Name {
                name: priority(it.priority),
            },
            labels: &it.labels,
            components: it.components.iter().map(|c| Name { name: c }).collect(),
            project: Key { key: team.key },
            assignee: it.assignee.map(|a| Person { display_name: a }),
            reporter: Person {
                display_name: it.reporter,
            },
            customfield_10014: it.epic.map(|e| items[e].key.as_str()),
            customfield_10016: it.points,
            customfield_10001: TeamValue { value: team.name },
            customfield_10020: sprints,
            parent: match (it.kind, it.parent) {
                (Kind::SubTask, Some(p)) => Some(Key { key: &items[p].key }),
                _ => None,
            },
            created: jira_time(it.created),
            updated: jira_time(it.updated),
            resolutiondate: it.resolved.map(jira_time),
        },
    }
}

/// The Jira export: a JSON array of search-response pages of [`PAGE_SIZE`] issues.
pub fn render(clock: &Clock, items: &[Item]) -> String {
    let jira: Vec<&Item> = items
        .iter()
        .filter(|i| i.tracker() == Tracker::Jira)
        .collect();
    let total = jira.len();
    let pages: Vec<Page> = jira
        .chunks(PAGE_SIZE)
        .enumerate()
        .map(|(n, chunk)| Page {
            expand: "names,schema",
            start_at: n * PAGE_SIZE,
            max_results: PAGE_SIZE,
            total,
            issues: chunk.iter().map(|it| issue(clock, items, it)).collect(),
            names: Names {
                customfield_10014: "Epic Link",
                customfield_10016: "Story Points",
                customfield_10001: "Team",
                customfield_10020: "Sprint",
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&pages).expect("plain data serialises");
    out.push('\n');
    out
}
