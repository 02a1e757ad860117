//! Generic CSV and JSON Lines files, read through a [`Mapping`] or, for fields it does not
//! name, by common column names.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use throughline_model::{EstimateUnit, StatusCategory, Timestamp, WorkItem};

use crate::csv_source::{CsvSource, Row};
use crate::error::{EXPECTED_DATE, EXPECTED_NUMBER, IngestError, Location};
use crate::mapping::{Field, Mapping, normalise};
use crate::warnings::{QuirkKind, Warnings};
use crate::{ItemStream, key_prefix, parse_number, split_list};

const N: usize = Field::ALL.len();

/// A raw value before conversion: a CSV cell or a JSON value.
enum Raw<'a> {
    Text(Cow<'a, str>),
    Json(&'a Value),
}

/// One record of either kind, answering "what does field F hold, and in which column".
trait Record {
    fn raw(&self, field: Field) -> Option<(Raw<'_>, &str)>;
}

/// Where the record is, for error messages.
struct Ctx<'a> {
    path: &'a Path,
    at: Location,
}

impl Ctx<'_> {
    fn bad(&self, key: &str, column: &str, value: &str, expected: &str) -> IngestError {
        IngestError::BadValue {
            path: self.path.to_path_buf(),
            at: self.at.clone().with_key(key),
            field: column.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }
}

/// The text of a JSON value as a person would write it in a cell.
fn json_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::Null => return None,
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => items
            .iter()
            .filter_map(json_text)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => ["name", "key", "title", "login", "displayName", "value"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map_or_else(|| v.to_string(), str::to_string),
    };
    (!s.is_empty()).then_some(s)
}

fn raw_text(raw: Raw<'_>) -> Option<String> {
    match raw {
        Raw::Text(t) => {
            let t = t.trim();
            (!t.is_empty()).then(|| t.to_string())
        }
        Raw::Json(v) => json_text(v),
    }
}

/// Turns a record into a work item; owns what it needs so streams can be `'static`.
struct Assembler {
    mapping: Option<Mapping>,
    source: String,
    separator: String,
    unit: EstimateUnit,
    warnings: Warnings,
}

/// The line each key was first read on. A key read twice is stored once (the later record
/// wins, as a re-import would), so the second is said, with both lines: a repeated key is
/// as often a wrong key column as an export of several snapshots, and a warning that
/// names them lets the person tell which without losing the file.
#[derive(Default)]
struct FirstLines(HashMap<String, u64>);

impl FirstLines {
    /// Notes a kept record's key, warning when the file had it before.
    fn note(&mut self, item: &WorkItem, at: &Location, warnings: &Warnings) {
        let line = at.line.unwrap_or_default();
        match self.0.get(&item.key) {
            Some(&first_line) => warnings.push(
                at.clone().with_key(&item.key),
                QuirkKind::DuplicateKey { first_line },
            ),
            None => {
                self.0.insert(item.key.clone(), line);
            }
        }
    }
}

impl Assembler {
    fn new(mapping: Option<&Mapping>, source: String, warnings: Warnings) -> Self {
        Assembler {
            mapping: mapping.cloned(),
            source,
            separator: mapping.map_or(",", Mapping::separator).to_string(),
            unit: mapping.and_then(|m| m.estimate_unit).unwrap_or_default(),
            warnings,
        }
    }

    fn constant(&self, field: Field) -> Option<&str> {
        self.mapping
            .as_ref()
            .and_then(|m| m.constants.get(&field))
            .map(String::as_str)
    }

    fn text(&self, rec: &impl Record, field: Field) -> Option<String> {
        rec.raw(field)
            .and_then(|(raw, _)| raw_text(raw))
            .or_else(|| self.constant(field).map(str::to_string))
    }

    fn list(&self, rec: &impl Record, field: Field) -> Vec<String> {
        let mut out = Vec::new();
        match rec.raw(field) {
            Some((Raw::Text(t), _)) => split_list(&t, &self.separator, &mut out),
            Some((Raw::Json(Value::String(s)), _)) => split_list(s, &self.separator, &mut out),
            Some((Raw::Json(Value::Array(items)), _)) => {
                for item in items.iter().filter_map(json_text) {
                    if !out.contains(&item) {
                        out.push(item);
                    }
                }
            }
            Some((Raw::Json(v), _)) => out.extend(json_text(v)),
            None => {}
        }
        if out.is_empty()
            && let Some(c) = self.constant(field)
        {
            split_list(c, &self.separator, &mut out);
        }
        out
    }

    fn number(
        &self,
        rec: &impl Record,
        field: Field,
        ctx: &Ctx<'_>,
        key: &str,
    ) -> Result<Option<f64>, IngestError> {
        let Some((raw, column)) = rec.raw(field) else {
            return Ok(self.constant(field).and_then(parse_number));
        };
        match raw {
            Raw::Json(Value::Null) => Ok(None),
            Raw::Json(Value::Number(n)) => Ok(n.as_f64()),
            Raw::Json(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Raw::Json(Value::String(s)) => parse_number(s)
                .map(Some)
                .ok_or_else(|| ctx.bad(key, column, s, EXPECTED_NUMBER)),
            Raw::Json(v) => Err(ctx.bad(key, column, &v.to_string(), EXPECTED_NUMBER)),
            Raw::Text(t) if t.trim().is_empty() => Ok(None),
            Raw::Text(t) => parse_number(&t)
                .map(Some)
                .ok_or_else(|| ctx.bad(key, column, &t, EXPECTED_NUMBER)),
        }
    }

    fn date(
        &self,
        rec: &impl Record,
        field: Field,
        ctx: &Ctx<'_>,
        key: &str,
    ) -> Result<Option<Timestamp>, IngestError> {
        let Some((raw, column)) = rec.raw(field) else {
            return Ok(self.constant(field).and_then(crate::parse_timestamp));
        };
        let text = match raw {
            Raw::Json(Value::Null) => return Ok(None),
            // Epoch numbers: seconds, or milliseconds when too large to be seconds.
            Raw::Json(Value::Number(n)) => {
                let secs = n.as_f64().map(|v| if v > 1e11 { v / 1000.0 } else { v });
                return secs
                    .and_then(|s| chrono::DateTime::from_timestamp(s as i64, 0))
                    .map(Some)
                    .ok_or_else(|| ctx.bad(key, column, &n.to_string(), EXPECTED_DATE));
            }
            Raw::Json(Value::String(s)) => Cow::Borrowed(s.as_str()),
            Raw::Json(v) => Cow::Owned(v.to_string()),
            Raw::Text(t) => t,
        };
        if text.trim().is_empty() {
            return Ok(None);
        }
        crate::parse_timestamp(&text)
            .map(Some)
            .ok_or_else(|| ctx.bad(key, column, &text, EXPECTED_DATE))
    }

    fn assemble(&self, rec: &impl Record, ctx: &Ctx<'_>) -> Result<WorkItem, IngestError> {
        let column_of = |f: Field| {
            rec.raw(f)
                .map_or_else(|| f.as_str().to_string(), |(_, c)| c.to_string())
        };
        let missing = |f: Field, key: &str| IngestError::MissingField {
            path: ctx.path.to_path_buf(),
            at: ctx.at.clone().with_key(key),
            field: column_of(f),
        };
        let key = self
            .text(rec, Field::Key)
            .ok_or_else(|| missing(Field::Key, ""))?;
        // An empty title is kept (trackers allow it): the description stands in. A
        // record with no title field at all is more likely a wrong mapping.
        let description = self.text(rec, Field::Description).unwrap_or_default();
        let title = match self.text(rec, Field::Title) {
            Some(t) => t,
            None if rec.raw(Field::Title).is_some() => {
                self.warnings
                    .push(ctx.at.clone().with_key(&key), QuirkKind::EmptyTitle);
                crate::untitled(&description)
            }
            None => return Err(missing(Field::Title, &key)),
        };
        let status = self.text(rec, Field::Status);
        let created = self.date(rec, Field::Created, ctx, &key)?;
        let started = self.date(rec, Field::Started, ctx, &key)?;
        let resolved = self.date(rec, Field::Resolved, ctx, &key)?;
        let status_category = match (self.text(rec, Field::StatusCategory), &status) {
            (Some(c), _) => {
                StatusCategory::parse(&c).unwrap_or_else(|| StatusCategory::from_status_name(&c))
            }
            (None, Some(s)) => StatusCategory::from_status_name(s),
            (None, None) if resolved.is_some() => StatusCategory::Done,
            (None, None) if started.is_some() => StatusCategory::InProgress,
            (None, None) => StatusCategory::Todo,
        };
        let project = self
            .text(rec, Field::Project)
            .or_else(|| key_prefix(&key).map(str::to_string));
        Ok(WorkItem {
            area_path: None,
            source: self.source.clone(),
            url: self.text(rec, Field::Url),
            description,
            item_type: self.text(rec, Field::Type),
            status,
            status_category,
            labels: self.list(rec, Field::Labels),
            components: self.list(rec, Field::Components),
            parent_key: self.text(rec, Field::Parent),
            epic_key: self.text(rec, Field::Epic),
            project,
            team: self.text(rec, Field::Team),
            assignee: self.text(rec, Field::Assignee),
            estimate: self.number(rec, Field::Estimate, ctx, &key)?,
            estimate_unit: self.unit,
            created,
            started,
            resolved,
            sprint: self.text(rec, Field::Sprint),
            title,
            key,
        })
    }
}

/// Chooses a column for every field from the names available: the mapping's explicit
/// columns first, then the best-ranked synonym among the columns not claimed explicitly.
/// Returns, per field, the index into `names`.
fn resolve<'a>(
    names: impl Iterator<Item = &'a str> + Clone,
    mapping: Option<&Mapping>,
) -> ([Option<usize>; N], Vec<(Field, String)>) {
    let mut chosen = [None; N];
    let mut unknown = Vec::new();
    let mut claimed = Vec::new();
    if let Some(m) = mapping {
        for (field, column) in &m.columns {
            let exact = names.clone().position(|n| n == column);
            let loose = || {
                let want = normalise(column);
                names.clone().position(|n| normalise(n) == want)
            };
            match exact.or_else(loose) {
                Some(i) => {
                    chosen[*field as usize] = Some(i);
                    claimed.push(i);
                }
                None => unknown.push((*field, column.clone())),
            }
        }
    }
    for field in Field::ALL {
        let explicit = mapping.is_some_and(|m| m.columns.contains_key(&field));
        if explicit {
            continue;
        }
        let mut best: Option<(usize, usize)> = None; // (rank, index)
        for (i, name) in names.clone().enumerate() {
            if claimed.contains(&i) {
                continue;
            }
            let norm = normalise(name);
            if let Some(rank) = field.synonyms().iter().position(|s| *s == norm)
                && best.is_none_or(|(r, _)| rank < r)
            {
                best = Some((rank, i));
            }
        }
        chosen[field as usize] = best.map(|(_, i)| i);
    }
    (chosen, unknown)
}

// ---------------------------------------------------------------------------------------
// CSV

struct CsvRecord<'a> {
    row: &'a Row<'a>,
    columns: &'a [Option<(usize, String)>; N],
}

impl Record for CsvRecord<'_> {
    fn raw(&self, field: Field) -> Option<(Raw<'_>, &str)> {
        let (idx, name) = self.columns[field as usize].as_ref()?;
        let cell = self.row.record.get(*idx)?;
        Some((Raw::Text(String::from_utf8_lossy(cell)), name.as_str()))
    }
}

/// Reads a generic CSV file.
pub(crate) fn read_csv(
    path: &Path,
    source: String,
    mapping: Option<&Mapping>,
    warnings: Warnings,
) -> Result<ItemStream, IngestError> {
    let src = CsvSource::open(path)?;
    let (chosen, unknown) = resolve(src.headers.iter().map(String::as_str), mapping);
    if let Some((field, column)) = unknown.first() {
        return Err(src.missing_column(column, &format!("mapped to \"{field}\"")));
    }
    for required in [Field::Key, Field::Title] {
        let has_constant = mapping.is_some_and(|m| m.constants.contains_key(&required));
        if chosen[required as usize].is_none() && !has_constant {
            return Err(src.missing_column(
                required.as_str(),
                &format!("no column holds the item {required}; map one with {required}=COLUMN"),
            ));
        }
    }
    let columns: [Option<(usize, String)>; N] =
        chosen.map(|c| c.map(|i| (i, src.headers[i].clone())));
    let assembler = Assembler::new(mapping, source, warnings);
    let mut first_lines = FirstLines::default();
    Ok(src.into_stream(move |row| {
        let rec = CsvRecord {
            row,
            columns: &columns,
        };
        let ctx = Ctx {
            path: row.path,
            at: Location::line(row.line),
        };
        let item = assembler.assemble(&rec, &ctx)?;
        first_lines.note(&item, &ctx.at, &assembler.warnings);
        Ok(item)
    }))
}

// ---------------------------------------------------------------------------------------
// JSON Lines

struct JsonRecord<'a> {
    values: [Option<(&'a Value, &'a str)>; N],
}

impl Record for JsonRecord<'_> {
    fn raw(&self, field: Field) -> Option<(Raw<'_>, &str)> {
        let (v, name) = self.values[field as usize]?;
        Some((Raw::Json(v), name))
    }
}

/// Follows `a.b.c` into nested objects when the key itself is absent.
fn lookup<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if let Some(v) = obj.get(key) {
        return Some(v);
    }
    let mut parts = key.split('.');
    let mut cur = obj.get(parts.next()?)?;
    for part in parts {
        cur = cur.get(part)?;
    }
    Some(cur)
}

struct JsonlItems {
    path: PathBuf,
    reader: BufReader<File>,
    buf: Vec<u8>,
    line: u64,
    assembler: Assembler,
    first_lines: FirstLines,
    /// Whether the first record was checked for the mapping's keys.
    checked: bool,
    /// Raw key -> (field, synonym rank), filled as new keys are seen, so records whose
    /// first line lacks an optional key still get it matched later.
    by_name: HashMap<String, Option<(Field, usize)>>,
    done: bool,
}

impl JsonlItems {
    fn syntax(&self, column: Option<u64>, message: String) -> IngestError {
        IngestError::Syntax {
            path: self.path.clone(),
            at: Location {
                line: Some(self.line),
                column,
                ..Location::default()
            },
            message,
        }
    }

    fn convert(&mut self) -> Result<Option<WorkItem>, IngestError> {
        let text = self.buf.trim_ascii();
        if text.is_empty() {
            return Ok(None);
        }
        let obj: Map<String, Value> = match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(o)) => o,
            Ok(_) => {
                return Err(IngestError::Shape {
                    path: self.path.clone(),
                    at: Location::line(self.line),
                    message: "expected a JSON object on every line".into(),
                });
            }
            Err(e) => {
                return Err(self.syntax(Some(e.column() as u64), json_message(&e)));
            }
        };
        let mut values: [Option<(&Value, &str)>; N] = [None; N];
        let mut explicit = Vec::new();
        let mapping = self.assembler.mapping.as_ref();
        if !self.checked {
            self.checked = true;
            // Without a header, the first record stands in for it: a mapped key it lacks
            // is far more often a typo than an optional key, and a typo should stop the
            // import before a million items land without that field.
            if let Some((field, key)) =
                mapping.and_then(|m| m.columns.iter().find(|(_, k)| lookup(&obj, k).is_none()))
            {
                return Err(IngestError::MissingColumn {
                    path: self.path.clone(),
                    column: key.clone(),
                    purpose: format!("mapped to \"{field}\"; not in the first record"),
                    available: obj.keys().cloned().collect(),
                });
            }
        }
        if let Some(m) = mapping {
            for (field, key) in &m.columns {
                if let Some(v) = lookup(&obj, key) {
                    values[*field as usize] = Some((v, key.as_str()));
                }
                explicit.push(key.as_str());
            }
        }
        let mut ranks = [usize::MAX; N];
        for (name, value) in &obj {
            if explicit.contains(&name.as_str()) {
                continue;
            }
            let hit = match self.by_name.get(name) {
                Some(hit) => *hit,
                None => {
                    let norm = normalise(name);
                    let hit = Field::ALL
                        .into_iter()
                        .find_map(|f| f.synonyms().iter().position(|s| *s == norm).map(|r| (f, r)));
                    self.by_name.insert(name.clone(), hit);
                    hit
                }
            };
            if let Some((field, rank)) = hit {
                let mapped = mapping.is_some_and(|m| m.columns.contains_key(&field));
                if !mapped && rank < ranks[field as usize] {
                    ranks[field as usize] = rank;
                    values[field as usize] = Some((value, name.as_str()));
                }
            }
        }
        let rec = JsonRecord { values };
        let ctx = Ctx {
            path: &self.path,
            at: Location::line(self.line),
        };
        let item = self.assembler.assemble(&rec, &ctx)?;
        self.first_lines
            .note(&item, &ctx.at, &self.assembler.warnings);
        Ok(Some(item))
    }
}

impl Iterator for JsonlItems {
    type Item = Result<WorkItem, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.line += 1;
                    match self.convert() {
                        Ok(Some(item)) => return Some(Ok(item)),
                        Ok(None) => {}
                        Err(e) => {
                            self.done = true;
                            return Some(Err(e));
                        }
                    }
                }
                Err(source) => {
                    self.done = true;
                    return Some(Err(IngestError::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            }
        }
        None
    }
}

/// serde_json's message without its " at line L column C" suffix, which the location
/// already carries.
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let base = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i]);
    match e.classify() {
        serde_json::error::Category::Eof => {
            format!("{base}: the JSON ends too early (is the file truncated?)")
        }
        _ => format!("invalid JSON: {base}"),
    }
}

/// Reads a JSON Lines file.
pub(crate) fn read_jsonl(
    path: &Path,
    source: String,
    mapping: Option<&Mapping>,
    warnings: Warnings,
) -> Result<ItemStream, IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(Box::new(JsonlItems {
        path: path.to_path_buf(),
        reader: BufReader::with_capacity(1 << 16, file),
        buf: Vec::with_capacity(4096),
        line: 0,
        assembler: Assembler::new(mapping, source, warnings),
        first_lines: FirstLines::default(),
        checked: false,
        by_name: HashMap::new(),
        done: false,
    }))
}
