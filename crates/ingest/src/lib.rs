//! Throughline's importers: Jira, GitHub, GitLab, Linear, Azure DevOps and generic CSV / JSON Lines exports into
//! work items.
//!
//! The entry points are [`detect_format`], which sniffs what a file is, and [`read_items`],
//! which turns a file into a stream of [`WorkItem`]s. CSV and JSON Lines are streamed record
//! by record so that exports with millions of rows never need to fit in memory; Jira and
//! GitHub JSON are API responses (pages of at most a few thousand issues) and are parsed
//! whole.
//!
//! The stream stops after the first error: importers are all-or-nothing, and the error says
//! where the file is wrong (see [`IngestError`]).
//!
//! ```no_run
//! use std::path::Path;
//! use throughline_ingest::{detect_format, read_items, ImportOptions};
//!
//! let path = Path::new("export.csv");
//! let format = detect_format(path)?;
//! for item in read_items(path, format, &ImportOptions::default())? {
//!     let item = item?;
//!     println!("{} {}", item.key, item.title);
//! }
//! # Ok::<(), throughline_ingest::IngestError>(())
//! ```

#![warn(missing_docs)]
#![allow(
    clippy::result_large_err,
    reason = "errors carry file, location, field and value so people can act on them; an \
              import stops at the first one, and the Ok side (a WorkItem) is larger anyway"
)]

mod adf;
mod azure_csv;
mod azure_json;
mod csv_source;
mod dates;
mod detect;
mod error;
mod generic;
mod github_json;
mod gitlab_json;
mod gitlab_work_items;
mod html;
mod jira_csv;
mod jira_json;
mod json_doc;
mod linear_csv;
mod linear_json;
mod mapping;
mod notes_file;
mod review_file;
mod team_from;
mod warnings;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

pub use throughline_model::WorkItem;

pub use adf::adf_to_text;
pub use dates::parse_timestamp;
pub use detect::detect_format;
pub use error::{IngestError, Location};
pub use html::html_to_text;
pub use mapping::{Field, Mapping};
pub use notes_file::{parse_note_target, read_metric_values, read_notes};
pub use review_file::{Decision, Review, Reviewed, read_review, read_review_text};
pub use team_from::{ParseTeamFromError, TeamFrom};
pub use warnings::{Quirk, QuirkKind, Warnings, summarise};

/// The work items of one file, in file order. Each item is a `Result` because CSV and JSON
/// Lines are parsed lazily; the stream ends after the first error.
pub type ItemStream = Box<dyn Iterator<Item = Result<WorkItem, IngestError>> + Send>;

/// The export formats Throughline can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Jira REST search results (`/rest/api/2/search`, `/rest/api/3/search`,
    /// `/rest/api/3/search/jql`): one page, an array of pages, or an array of issues.
    JiraJson,
    /// Jira's issue navigator "Export CSV (all fields)" (or current fields).
    JiraCsv,
    /// GitHub issues / pull requests from the REST API or `gh issue|pr list --json`.
    GithubJson,
    /// GitLab issues and group epics from the REST API (pages too) or `glab issue list
    /// --output json`, and work items (epics too) from the GraphQL API
    /// (`data.group.workItems.nodes`, pages too).
    GitlabJson,
    /// Linear's workspace CSV export.
    LinearCsv,
    /// Linear's GraphQL API: `issues` pages (`{"data": {"issues": {"nodes": [...]}}}`), an
    /// array of such pages, or an array of issue nodes.
    LinearJson,
    /// Azure DevOps Boards work items from the REST API (`workitemsbatch`, `workitems?ids=`),
    /// one response, an array of them, or responses back to back.
    AzureJson,
    /// The CSV an Azure DevOps Boards query exports.
    AzureCsv,
    /// Any CSV with a header row, read through a [`Mapping`] (or default column names).
    Csv,
    /// JSON Lines (one object per line), read through a [`Mapping`] (or default key names).
    Jsonl,
}

impl Format {
    /// Every format, in the order they are listed to users.
    pub const ALL: [Format; 10] = [
        Format::JiraJson,
        Format::JiraCsv,
        Format::GithubJson,
        Format::GitlabJson,
        Format::LinearCsv,
        Format::LinearJson,
        Format::AzureJson,
        Format::AzureCsv,
        Format::Csv,
        Format::Jsonl,
    ];

    /// The name used on the command line and in messages, e.g. `jira-json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::JiraJson => "jira-json",
            Format::JiraCsv => "jira-csv",
            Format::GithubJson => "github-json",
            Format::GitlabJson => "gitlab-json",
            Format::LinearCsv => "linear-csv",
            Format::LinearJson => "linear-json",
            Format::AzureJson => "azure-json",
            Format::AzureCsv => "azure-csv",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    /// The item source name used when [`ImportOptions::source`] does not override it.
    pub fn default_source(self) -> &'static str {
        match self {
            Format::JiraJson | Format::JiraCsv => "jira",
            Format::GithubJson => "github",
            Format::GitlabJson => "gitlab",
            Format::LinearCsv | Format::LinearJson => "linear",
            Format::AzureJson | Format::AzureCsv => "azure-devops",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown format {0:?}: use one of jira-json, jira-csv, github-json, gitlab-json, linear-csv, linear-json, azure-json, azure-csv, csv, jsonl"
)]
pub struct ParseFormatError(pub String);

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Accepts the names of [`Format::as_str`], with `_` for `-` and any case, plus a few
    /// obvious aliases (`github`, `linear`, `azure-devops`, `ndjson`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "jira-json" | "jira" => Ok(Format::JiraJson),
            "jira-csv" => Ok(Format::JiraCsv),
            "github-json" | "github" | "gh" => Ok(Format::GithubJson),
            "gitlab-json" | "gitlab" | "glab" => Ok(Format::GitlabJson),
            "linear-csv" | "linear" => Ok(Format::LinearCsv),
            "linear-json" => Ok(Format::LinearJson),
            "azure-json" | "azure-devops" | "azure" | "ado" => Ok(Format::AzureJson),
            "azure-csv" => Ok(Format::AzureCsv),
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" | "json-lines" => Ok(Format::Jsonl),
            _ => Err(ParseFormatError(s.to_string())),
        }
    }
}

/// Which Jira custom fields hold story points, the epic link, the team and the sprint.
///
/// Custom field ids differ between Jira sites. Leave these empty to detect them: by the
/// `names` map a search returns with `expand=names`, then by the ids Jira Cloud uses by
/// default. Each value may be a field id (`customfield_10016`), a field name
/// (`Story Points`, looked up in the `names` map) or, for Jira CSV, a column header
/// (`Custom field (Story Points)`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JiraFields {
    /// The story points field.
    pub story_points: Option<String>,
    /// The "Epic Link" field of company-managed projects.
    pub epic_link: Option<String>,
    /// The team field (Atlassian Team or a custom select).
    pub team: Option<String>,
    /// The sprint field.
    pub sprint: Option<String>,
}

/// Options for [`read_items`]. `Default` suits most exports.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The item source name (e.g. `jira-payments`); defaults to [`Format::default_source`].
    /// Keys are unique per source, so two Jira sites need two source names.
    pub source: Option<String>,
    /// The column mapping for [`Format::Csv`] and [`Format::Jsonl`]; without it columns are
    /// matched by name (see [`Mapping`]).
    pub mapping: Option<Mapping>,
    /// Jira custom field overrides.
    pub jira: JiraFields,
    /// The tracker's base URL, e.g. `https://acme.atlassian.net`, used to build item links
    /// where the export carries none (Jira CSV).
    pub base_url: Option<String>,
    /// Where the team of an item the export gives none comes from (`--team-from`).
    pub team_from: Option<TeamFrom>,
    /// Where the importer notes what it assumed about records it kept (an empty
    /// summary, no created date, an unknown status, a repeated key); read it with
    /// [`Warnings::take`] once the stream has ended.
    pub warnings: Warnings,
}

impl ImportOptions {
    fn source_for(&self, format: Format) -> String {
        self.source
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| format.default_source().to_string())
    }

    /// The tracker's base URL without a trailing `/`, for importers that build links.
    fn base_url(&self) -> Option<String> {
        self.base_url
            .as_deref()
            .map(|b| b.trim_end_matches('/').to_string())
    }

    /// The options a format is read with: `--team-from field:NAME` becomes the Jira
    /// team field or the generic team column; formats with no such field refuse it.
    fn for_format(&self, format: Format, origin: &Path) -> Result<ImportOptions, IngestError> {
        let mut opts = self.clone();
        if let Some(TeamFrom::Field(name)) = &self.team_from {
            match format {
                Format::JiraJson | Format::JiraCsv => opts.jira.team = Some(name.clone()),
                Format::Csv | Format::Jsonl => {
                    opts.mapping
                        .get_or_insert_with(Mapping::default)
                        .columns
                        .insert(Field::Team, name.clone());
                }
                other => {
                    return Err(IngestError::Mapping(format!(
                        "{}: --team-from field:{name} reads a Jira field or a CSV / JSON Lines \
                         column; {other} has none (use project, component or label:PREFIX)",
                        origin.display()
                    )));
                }
            }
        }
        Ok(opts)
    }
}

/// The stream with each item's team filled from its own facts where it has none.
fn with_teams(stream: ItemStream, from: Option<TeamFrom>) -> ItemStream {
    match from {
        None | Some(TeamFrom::Field(_)) => stream,
        Some(from) => Box::new(stream.map(move |item| {
            item.map(|mut it| {
                from.fill(&mut it);
                it
            })
        })),
    }
}

/// Opens `path` as `format` and returns its work items as a stream.
///
/// Header problems (a missing required column, a mapped column that does not exist) and,
/// for the JSON formats, syntax and shape errors are returned here, before any item;
/// problems in individual records come out of the stream.
pub fn read_items(
    path: &Path,
    format: Format,
    opts: &ImportOptions,
) -> Result<ItemStream, IngestError> {
    let source = opts.source_for(format);
    let opts = &opts.for_format(format, path)?;
    let stream = match format {
        Format::JiraJson => jira_json::read(path, source, opts),
        Format::JiraCsv => jira_csv::read(path, source, opts),
        Format::GithubJson => github_json::read(path, source),
        Format::GitlabJson => gitlab_json::read(path, source),
        Format::LinearCsv => linear_csv::read(path, source),
        Format::LinearJson => linear_json::read(path, source),
        Format::AzureJson => azure_json::read(path, source, opts.warnings.clone()),
        Format::AzureCsv => azure_csv::read(path, source, opts),
        Format::Csv => {
            generic::read_csv(path, source, opts.mapping.as_ref(), opts.warnings.clone())
        }
        Format::Jsonl => {
            generic::read_jsonl(path, source, opts.mapping.as_ref(), opts.warnings.clone())
        }
    }?;
    Ok(with_teams(stream, opts.team_from.clone()))
}

/// The work items of an API response already read and parsed (a page of Jira's search,
/// of GitHub's issues), as [`read_items`] reads them from a file: live sync fetches pages
/// and imports them through the same parsers as exported files. `origin` (the request's
/// address) stands for the file name in errors. Only the JSON formats are responses.
pub fn read_document(
    doc: serde_json::Value,
    origin: &Path,
    format: Format,
    opts: &ImportOptions,
) -> Result<ItemStream, IngestError> {
    let source = opts.source_for(format);
    let opts = &opts.for_format(format, origin)?;
    let stream = match format {
        Format::JiraJson => jira_json::read_doc(doc, origin, source, opts),
        Format::GithubJson => github_json::read_doc(doc, origin, source),
        Format::GitlabJson => gitlab_json::read_doc(doc, origin, source),
        Format::LinearJson => linear_json::read_doc(doc, origin, source),
        Format::AzureJson => azure_json::read_doc(doc, origin, source, opts.warnings.clone()),
        other => Err(IngestError::Shape {
            path: origin.to_path_buf(),
            at: Location::default(),
            message: format!("{other} is a file format, not an API response"),
        }),
    }?;
    Ok(with_teams(stream, opts.team_from.clone()))
}

/// Ends a stream after its first error, as every importer promises.
pub(crate) fn fuse_on_error<I>(items: I) -> ItemStream
where
    I: Iterator<Item = Result<WorkItem, IngestError>> + Send + 'static,
{
    Box::new(items.scan(false, |failed, item| {
        if *failed {
            return None;
        }
        *failed = item.is_err();
        Some(item)
    }))
}

/// Whether a status name says where the work is: a category name (`open`, `done`) or a
/// name [`StatusCategory::from_status_name`](throughline_model::StatusCategory) reads.
/// Anything else falls to "to do" by default, which an importer says it assumed.
pub(crate) fn status_is_known(name: &str) -> bool {
    use throughline_model::StatusCategory;
    const TODO: &[&str] = &[
        "to do",
        "todo",
        "open",
        "new",
        "backlog",
        "selected for development",
        "ready",
        "ready for development",
        "triage",
        "needs triage",
        "waiting",
        "on hold",
        "planned",
        "accepted",
        "unconfirmed",
        "confirmed",
    ];
    let lower = name.trim().to_ascii_lowercase();
    StatusCategory::parse(name).is_some()
        || StatusCategory::from_status_name(name) != StatusCategory::Todo
        || TODO.contains(&lower.as_str())
}

/// The project part of a Jira-style key (`PAY` of `PAY-123`), when the key has that shape.
/// The title of an item its tracker gave none: the first line of its description (cut
/// at a word near 100 characters), or "(no title)".
pub(crate) fn untitled(description: &str) -> String {
    let Some(line) = description.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return "(no title)".to_string();
    };
    if line.chars().count() <= 100 {
        return line.to_string();
    }
    let cut: String = line.chars().take(100).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

pub(crate) fn key_prefix(key: &str) -> Option<&str> {
    let (prefix, number) = key.rsplit_once('-')?;
    let mut chars = prefix.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest_ok = chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let number_ok = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
    (first_ok && rest_ok && number_ok).then_some(prefix)
}

/// Splits a one-cell list (`"a, b,c"`) into trimmed, non-empty items.
pub(crate) fn split_list(cell: &str, separator: &str, into: &mut Vec<String>) {
    for part in cell.split(separator) {
        let part = part.trim();
        if !part.is_empty() && !into.iter().any(|x| x == part) {
            into.push(part.to_string());
        }
    }
}

/// Parses an estimate the way people write them in exports: `3`, `0.5`, `3,5`.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    t.parse::<f64>()
        .ok()
        .or_else(|| t.replace(',', ".").parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_round_trip_through_their_names() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
            assert_eq!(f.to_string(), f.as_str());
        }
        assert_eq!("JIRA_CSV".parse::<Format>(), Ok(Format::JiraCsv));
        assert!("xlsx".parse::<Format>().is_err());
    }

    #[test]
    fn key_prefix_only_for_tracker_shaped_keys() {
        assert_eq!(key_prefix("PAY-123"), Some("PAY"));
        assert_eq!(key_prefix("DURACLOUD-4"), Some("DURACLOUD"));
        assert_eq!(key_prefix("A1_B-2"), Some("A1_B"));
        assert_eq!(key_prefix("release-2"), None);
        assert_eq!(key_prefix("PAY-"), None);
        assert_eq!(key_prefix("a1d05326e3e9"), None);
        assert_eq!(key_prefix("-12"), None);
    }

    #[test]
    fn numbers_accept_decimal_commas() {
        assert_eq!(parse_number(" 3 "), Some(3.0));
        assert_eq!(parse_number("0,5"), Some(0.5));
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("three"), None);
    }
}
