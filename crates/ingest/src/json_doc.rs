//! Loading whole JSON documents (API responses) and reading values out of them.

use std::path::Path;

use serde_json::Value;
use throughline_model::Timestamp;

use crate::error::{EXPECTED_DATE, IngestError, Location};

/// Reads and parses a JSON file; syntax errors carry serde_json's line and column.
pub(crate) fn load(path: &Path) -> Result<Value, IngestError> {
    let bytes = read(path)?;
    serde_json::from_slice(&bytes).map_err(|e| syntax(path, &e))
}

/// Reads a JSON file that may hold several documents back to back, as paginating API
/// clients write them (`glab api --paginate`, `gh api --paginate` without `--slurp`): one
/// document is returned as it is, several as an array of them.
pub(crate) fn load_concatenated(path: &Path) -> Result<Value, IngestError> {
    let bytes = read(path)?;
    let mut docs = serde_json::Deserializer::from_slice(&bytes)
        .into_iter::<Value>()
        .collect::<Result<Vec<Value>, _>>()
        .map_err(|e| syntax(path, &e))?;
    match docs.len() {
        // Nothing but white space: the parser's own "EOF" error, with its place.
        0 => serde_json::from_slice(&bytes).map_err(|e| syntax(path, &e)),
        1 => Ok(docs.remove(0)),
        _ => Ok(Value::Array(docs)),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, IngestError> {
    std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn syntax(path: &Path, e: &serde_json::Error) -> IngestError {
    IngestError::Syntax {
        path: path.to_path_buf(),
        at: Location {
            line: Some(e.line() as u64),
            column: Some(e.column() as u64),
            ..Location::default()
        },
        message: crate::generic::json_message(e),
    }
}

/// Where an importer's records sit in a document: what one record looks like, and the key
/// of a page object that holds them in an array (GitHub's search `items`, Azure DevOps'
/// `value`). Arrays, arrays of pages and pages back to back are walked alike.
pub(crate) struct Shape<'a> {
    pub is_record: fn(&serde_json::Map<String, Value>) -> bool,
    pub page_key: Option<&'a str>,
    /// What a record or page should have been, for the error.
    pub expected: &'a str,
}

/// Every record of `doc`, in order. A value that is neither a record, a page nor an array
/// is refused, naming its place in the outermost array.
pub(crate) fn flatten(
    doc: Value,
    path: &Path,
    shape: &Shape<'_>,
) -> Result<Vec<Value>, IngestError> {
    let mut into = Vec::new();
    walk(doc, &mut into, path, shape, None)?;
    Ok(into)
}

fn walk(
    doc: Value,
    into: &mut Vec<Value>,
    path: &Path,
    shape: &Shape<'_>,
    index: Option<usize>,
) -> Result<(), IngestError> {
    match doc {
        Value::Array(list) => {
            for (i, item) in list.into_iter().enumerate() {
                walk(item, into, path, shape, Some(index.unwrap_or(i)))?;
            }
            Ok(())
        }
        Value::Object(obj) if (shape.is_record)(&obj) => {
            into.push(Value::Object(obj));
            Ok(())
        }
        Value::Object(mut obj)
            if shape
                .page_key
                .is_some_and(|k| obj.get(k).is_some_and(Value::is_array)) =>
        {
            let page = shape
                .page_key
                .and_then(|k| obj.remove(k))
                .unwrap_or_default();
            walk(page, into, path, shape, index)
        }
        _ => Err(IngestError::Shape {
            path: path.to_path_buf(),
            at: Location {
                record: index,
                ..Location::default()
            },
            message: shape.expected.to_string(),
        }),
    }
}

/// The items of a document's records, converted one by one as the stream is read; each
/// record's errors name `path` and its index (the converter adds its key once known).
pub(crate) fn records<F>(records: Vec<Value>, path: &Path, convert: F) -> crate::ItemStream
where
    F: Fn(&Value, RecordCtx<'_>) -> Result<throughline_model::WorkItem, IngestError>
        + Send
        + 'static,
{
    let path = path.to_path_buf();
    let stream = records.into_iter().enumerate().map(move |(index, record)| {
        let ctx = RecordCtx {
            path: &path,
            index,
            key: String::new(),
        };
        convert(&record, ctx)
    });
    crate::fuse_on_error(stream)
}

/// The value at a path of object keys, treating `null` as absent.
pub(crate) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// Non-empty trimmed string at a path.
pub(crate) fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Names of the objects (or strings) of an array, e.g. Jira `components[].name`.
pub(crate) fn names(v: Option<&Value>, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in v.and_then(Value::as_array).into_iter().flatten() {
        let name = match item {
            Value::String(s) => Some(s.as_str()),
            other => other.get(key).and_then(Value::as_str),
        };
        if let Some(name) = name.map(str::trim).filter(|s| !s.is_empty())
            && !out.iter().any(|x| x == name)
        {
            out.push(name.to_string());
        }
    }
    out
}

/// Builds the errors of one record of a parsed document.
pub(crate) struct RecordCtx<'a> {
    pub path: &'a Path,
    pub index: usize,
    pub key: String,
}

impl RecordCtx<'_> {
    pub fn at(&self) -> Location {
        Location::record(self.index).with_key(self.key.clone())
    }

    pub fn missing(&self, field: &str) -> IngestError {
        IngestError::MissingField {
            path: self.path.to_path_buf(),
            at: self.at(),
            field: field.to_string(),
        }
    }

    pub fn bad(&self, field: &str, value: &Value, expected: &str) -> IngestError {
        IngestError::BadValue {
            path: self.path.to_path_buf(),
            at: self.at(),
            field: field.to_string(),
            value: value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string),
            expected: expected.to_string(),
        }
    }

    /// A date at `path` (named `field` in errors): `None` when absent or null.
    pub fn date(
        &self,
        v: &Value,
        path: &[&str],
        field: &str,
    ) -> Result<Option<Timestamp>, IngestError> {
        match at(v, path) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(d) => d
                .as_str()
                .and_then(crate::parse_timestamp)
                .map(Some)
                .ok_or_else(|| self.bad(field, d, EXPECTED_DATE)),
        }
    }
}
