//! Column mappings for generic CSV and JSON Lines files: which column (or JSON key) holds
//! which work-item field, fixed values for fields the file lacks, and how lists are held
//! in one cell.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use throughline_model::EstimateUnit;

use crate::error::IngestError;

/// A work-item field a generic file can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The tracker key (required).
    Key,
    /// The title or summary (required).
    Title,
    /// The long text.
    Description,
    /// The tracker type (story, bug, ...).
    Type,
    /// The tracker status name.
    Status,
    /// todo / in_progress / done, when the file carries it.
    StatusCategory,
    /// Labels or tags (a list).
    Labels,
    /// Components or areas (a list).
    Components,
    /// The parent item key.
    Parent,
    /// The epic key.
    Epic,
    /// The project; the key prefix when absent.
    Project,
    /// The owning team.
    Team,
    /// The assignee.
    Assignee,
    /// The estimate (story points unless the mapping says hours).
    Estimate,
    /// When the item was created.
    Created,
    /// When work started.
    Started,
    /// When the item was finished.
    Resolved,
    /// Sprint, cycle or milestone name.
    Sprint,
    /// A link to the item.
    Url,
}

impl Field {
    /// Every field, in the order they are listed to users.
    pub const ALL: [Field; 19] = [
        Field::Key,
        Field::Title,
        Field::Description,
        Field::Type,
        Field::Status,
        Field::StatusCategory,
        Field::Labels,
        Field::Components,
        Field::Parent,
        Field::Epic,
        Field::Project,
        Field::Team,
        Field::Assignee,
        Field::Estimate,
        Field::Created,
        Field::Started,
        Field::Resolved,
        Field::Sprint,
        Field::Url,
    ];

    /// The name used in mappings, e.g. `status_category`.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Key => "key",
            Field::Title => "title",
            Field::Description => "description",
            Field::Type => "type",
            Field::Status => "status",
            Field::StatusCategory => "status_category",
            Field::Labels => "labels",
            Field::Components => "components",
            Field::Parent => "parent",
            Field::Epic => "epic",
            Field::Project => "project",
            Field::Team => "team",
            Field::Assignee => "assignee",
            Field::Estimate => "estimate",
            Field::Created => "created",
            Field::Started => "started",
            Field::Resolved => "resolved",
            Field::Sprint => "sprint",
            Field::Url => "url",
        }
    }

    /// Whether the field holds several values (labels, components).
    pub fn is_list(self) -> bool {
        matches!(self, Field::Labels | Field::Components)
    }

    /// Column names matched when no mapping names this field, normalised by [`normalise`],
    /// best first.
    pub(crate) fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Key => &["key", "issuekey", "identifier", "ticket", "id", "number"],
            Field::Title => &["title", "summary", "name", "subject"],
            Field::Description => &["description", "body", "details", "text"],
            Field::Type => &["type", "issuetype", "itemtype", "kind"],
            Field::Status => &["status", "state"],
            Field::StatusCategory => &["statuscategory"],
            Field::Labels => &["labels", "label", "tags"],
            Field::Components => &["components", "component"],
            Field::Parent => &["parent", "parentkey", "parentissue", "parentid"],
            Field::Epic => &["epic", "epickey", "epiclink"],
            Field::Project => &["project", "projectkey"],
            Field::Team => &["team"],
            Field::Assignee => &["assignee", "owner"],
            Field::Estimate => &[
                "estimate",
                "storypoints",
                "storypoint",
                "points",
                "storypointestimate",
            ],
            Field::Created => &["created", "createdat", "createddate", "creationdate"],
            Field::Started => &["started", "startedat", "startdate"],
            Field::Resolved => &[
                "resolved",
                "resolvedat",
                "resolutiondate",
                "closedat",
                "completedat",
                "completed",
                "mergedat",
            ],
            Field::Sprint => &["sprint", "iteration", "cycle", "milestone"],
            Field::Url => &["url", "htmlurl", "link", "weburl"],
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = IngestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = normalise(s);
        Field::ALL
            .into_iter()
            .find(|f| normalise(f.as_str()) == norm)
            .or(match norm.as_str() {
                "summary" => Some(Field::Title),
                "body" => Some(Field::Description),
                "issuetype" | "itemtype" => Some(Field::Type),
                "points" | "storypoints" => Some(Field::Estimate),
                "resolution" | "closed" | "completed" => Some(Field::Resolved),
                _ => None,
            })
            .ok_or_else(|| {
                IngestError::Mapping(format!(
                    "unknown field {s:?}; fields are: {}",
                    Field::ALL.map(Field::as_str).join(", ")
                ))
            })
    }
}

/// Lower-cases and drops spaces, `_`, `-`, `/` and dots, so `Created At`, `created_at`
/// and `createdAt` all compare equal.
pub(crate) fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '/' | '.' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// How the columns of a generic CSV or JSON Lines file map onto work-item fields.
///
/// Fields not named here are still matched by common column names (`summary` for the
/// title, `storypoint` for the estimate, `created_at` for the creation date, ...), so a
/// mapping only needs the columns whose names are not obvious. A column named explicitly
/// is never also matched by name to another field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mapping {
    /// Field -> column header (CSV) or key (JSON Lines; `a.b` reaches into objects).
    pub columns: BTreeMap<Field, String>,
    /// Field -> fixed value for every record, used where the column is absent or empty.
    pub constants: BTreeMap<Field, String>,
    /// Separator of list fields held in one cell; `,` when not set.
    pub list_separator: Option<String>,
    /// The unit of the estimate column; points when not set.
    pub estimate_unit: Option<EstimateUnit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    constants: BTreeMap<String, String>,
    list_separator: Option<String>,
    estimate_unit: Option<String>,
}

impl Mapping {
    /// Builds a mapping from command-line pairs `field=column`, e.g.
    /// `["key=issuekey", "estimate=storypoint"]`. The settings `list_separator=;` and
    /// `estimate_unit=hours` are accepted as pairs too.
    pub fn parse_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<Mapping, IngestError> {
        let mut mapping = Mapping::default();
        for pair in pairs {
            let pair = pair.as_ref();
            let (field, column) = pair.split_once('=').ok_or_else(|| {
                IngestError::Mapping(format!(
                    "{pair:?} is not a field=column pair (e.g. title=summary)"
                ))
            })?;
            let (field, column) = (field.trim(), column.trim());
            match normalise(field).as_str() {
                "listseparator" => mapping.list_separator = Some(column.to_string()),
                "estimateunit" => mapping.estimate_unit = Some(parse_unit(column)?),
                _ => {
                    if column.is_empty() {
                        return Err(IngestError::Mapping(format!(
                            "{pair:?} names no column after '='"
                        )));
                    }
                    mapping.columns.insert(field.parse()?, column.to_string());
                }
            }
        }
        Ok(mapping)
    }

    /// Reads a TOML mapping file:
    ///
    /// ```toml
    /// list_separator = ";"        # optional, for list fields held in one cell
    /// estimate_unit = "points"    # optional: points or hours
    /// [columns]
    /// key = "issuekey"
    /// title = "summary"
    /// [constants]
    /// project = "mesos"
    /// ```
    pub fn from_toml_str(text: &str) -> Result<Mapping, IngestError> {
        let file: MappingFile =
            toml::from_str(text).map_err(|e| IngestError::Mapping(e.to_string()))?;
        let mut mapping = Mapping {
            list_separator: file.list_separator.filter(|s| !s.is_empty()),
            estimate_unit: file.estimate_unit.as_deref().map(parse_unit).transpose()?,
            ..Mapping::default()
        };
        for (field, column) in file.columns {
            mapping.columns.insert(field.parse()?, column);
        }
        for (field, value) in file.constants {
            mapping.constants.insert(field.parse()?, value);
        }
        Ok(mapping)
    }

    /// The separator for list fields held in one cell.
    pub fn separator(&self) -> &str {
        self.list_separator.as_deref().unwrap_or(",")
    }
}

fn parse_unit(s: &str) -> Result<EstimateUnit, IngestError> {
    match normalise(s).as_str() {
        "points" | "point" | "storypoints" | "sp" => Ok(EstimateUnit::Points),
        "hours" | "hour" | "h" => Ok(EstimateUnit::Hours),
        _ => Err(IngestError::Mapping(format!(
            "estimate_unit {s:?} is neither \"points\" nor \"hours\""
        ))),
    }
}
