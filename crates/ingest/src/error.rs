//! Import errors, shaped so the person running the import can find and fix the offending
//! record: every error names the file, and record-level errors say where in it and which
//! field was wrong.

use std::fmt;
use std::path::PathBuf;

/// Where in a file a problem was found. Every part is optional because each format knows
/// different things: CSV and JSON Lines know the line, JSON syntax errors know line and
/// column, and problems found after a JSON document was parsed know the record's index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number (for CSV, the line the record starts on).
    pub line: Option<u64>,
    /// 1-based column, when the parser reports one (JSON syntax errors).
    pub column: Option<u64>,
    /// 0-based index of the record among the records of the file, when lines do not
    /// identify it (records of a parsed JSON document).
    pub record: Option<usize>,
    /// The record's key (e.g. `PAY-77`), when it was read before the problem was found.
    pub key: Option<String>,
}

impl Location {
    /// A location that knows only a line.
    pub fn line(line: u64) -> Self {
        Location {
            line: Some(line),
            ..Location::default()
        }
    }

    /// A location that knows only the record's index in a parsed document.
    pub fn record(index: usize) -> Self {
        Location {
            record: Some(index),
            ..Location::default()
        }
    }

    /// The same location, tagged with the record's key.
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        if !key.is_empty() {
            self.key = Some(key);
        }
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
            if let Some(col) = self.column {
                write!(f, " column {col}")?;
            }
        }
        if let Some(rec) = self.record {
            // People count records from one; the index stays 0-based in the struct.
            write!(f, " record {}", rec + 1)?;
        }
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong while detecting or reading an export.
///
/// The importer stops at the first error, so each variant carries enough for a person to
/// fix the file or the mapping without a debugger.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{}: cannot read file: {source}", path.display())]
    Io {
        /// The file being read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The file is not well-formed CSV or JSON at the given place (truncated JSON, a
    /// broken quote, a record with the wrong number of fields, ...).
    #[error("{}{at}: {message}", path.display())]
    Syntax {
        /// The file being read.
        path: PathBuf,
        /// Where in the file.
        at: Location,
        /// What is wrong, in words.
        message: String,
    },

    /// The document is valid JSON but not shaped like the chosen format.
    #[error("{}{at}: {message}", path.display())]
    Shape {
        /// The file being read.
        path: PathBuf,
        /// Where in the file.
        at: Location,
        /// What is wrong, in words.
        message: String,
    },

    /// A field holds a value of the wrong kind, e.g. a date that is not a date.
    #[error("{}{at}, field \"{field}\": {value:?} is not {expected}", path.display())]
    BadValue {
        /// The file being read.
        path: PathBuf,
        /// Where in the file.
        at: Location,
        /// The field (CSV column header, JSON key path) as the file names it.
        field: String,
        /// The offending text.
        value: String,
        /// What the field should hold, with an example, e.g. `a number (e.g. 3 or 0.5)`.
        expected: String,
    },

    /// A required field (key or title) is absent or empty in a record.
    #[error("{}{at}: required field \"{field}\" is missing or empty", path.display())]
    MissingField {
        /// The file being read.
        path: PathBuf,
        /// Where in the file.
        at: Location,
        /// The field (CSV column header, JSON key path) as the file names it.
        field: String,
    },

    /// A column the format needs, or the mapping names, is not in the file's header.
    #[error(
        "{}: no column {column:?} ({purpose}); the file has: {}",
        path.display(),
        quote_list(available)
    )]
    MissingColumn {
        /// The file being read.
        path: PathBuf,
        /// The column that was looked for.
        column: String,
        /// Why the column was wanted, e.g. `mapped to "estimate"` or `required for the key`.
        purpose: String,
        /// The columns the file does have.
        available: Vec<String>,
    },

    /// The format of a file could not be recognised.
    #[error("{}: cannot tell the format: {reason}; name it explicitly (jira-json, jira-csv, github-json, gitlab-json, linear-csv, linear-json, azure-json, azure-csv, csv, jsonl)", path.display())]
    UnknownFormat {
        /// The file being sniffed.
        path: PathBuf,
        /// What was seen instead of a known format.
        reason: String,
    },

    /// A column mapping (command-line pairs or TOML) is invalid.
    #[error("invalid mapping: {0}")]
    Mapping(String),
}

fn quote_list(items: &[String]) -> String {
    if items.is_empty() {
        return "no columns".to_string();
    }
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a date field should look like; shared so every importer says the same thing.
pub(crate) const EXPECTED_DATE: &str =
    "a date (expected e.g. 2026-07-01, 2026-07-01T10:00:00Z or 12/Jan/26 1:25 PM)";

/// What a number field should look like.
pub(crate) const EXPECTED_NUMBER: &str = "a number (expected e.g. 3 or 0.5)";
