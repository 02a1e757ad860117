//! The CSV reading every CSV importer shares: one reused `ByteRecord`, headers read once,
//! errors converted to located [`IngestError`]s, and the stream fused after the first error.

use std::borrow::Cow;
use std::fs::File;
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use crate::WorkItem;
use crate::error::{IngestError, Location};

/// An open CSV file with its header.
pub(crate) struct CsvSource {
    pub path: PathBuf,
    pub headers: Vec<String>,
    reader: csv::Reader<File>,
}

impl CsvSource {
    pub fn open(path: &Path) -> Result<Self, IngestError> {
        let file = File::open(path).map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            // A row with more or fewer fields than the header almost always means a broken
            // quote swallowed a delimiter or a newline; refusing it is what surfaces that.
            .flexible(false)
            .buffer_capacity(1 << 16)
            .from_reader(file);
        let headers = reader
            .byte_headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_string()
            })
            .collect();
        Ok(CsvSource {
            path: path.to_path_buf(),
            headers,
            reader,
        })
    }

    /// Index of the first header equal to `name`, ignoring case and surrounding spaces.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.trim()))
    }

    /// Indexes of every header equal to `name` (Jira repeats `Labels`, `Sprint`, ...).
    pub fn columns(&self, name: &str) -> Vec<usize> {
        self.headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.eq_ignore_ascii_case(name))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn missing_column(&self, column: &str, purpose: &str) -> IngestError {
        IngestError::MissingColumn {
            path: self.path.clone(),
            column: column.to_string(),
            purpose: purpose.to_string(),
            available: self.headers.clone(),
        }
    }

    /// Turns the file into an item stream, converting each record with `convert`.
    pub fn into_stream<F>(self, convert: F) -> crate::ItemStream
    where
        F: FnMut(&Row<'_>) -> Result<WorkItem, IngestError> + Send + 'static,
    {
        Box::new(CsvItems {
            reader: self.reader,
            path: self.path,
            record: ByteRecord::new(),
            convert,
            done: false,
        })
    }

    /// Reads the remaining records with `visit`, for pre-passes that need the whole file.
    pub fn for_each_record(
        mut self,
        mut visit: impl FnMut(&ByteRecord),
    ) -> Result<(), IngestError> {
        let mut record = ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(true) => visit(&record),
                Ok(false) => return Ok(()),
                Err(e) => return Err(csv_error(&self.path, e)),
            }
        }
    }
}

/// One record being converted, with what an error message needs.
pub(crate) struct Row<'a> {
    pub record: &'a ByteRecord,
    pub line: u64,
    pub path: &'a Path,
}

impl Row<'_> {
    /// The trimmed cell text, or `None` when the column is absent or the cell is empty.
    /// Invalid UTF-8 is replaced rather than refused: real exports contain mis-encoded
    /// bytes in descriptions and one bad byte should not stop an import.
    pub fn get(&self, idx: Option<usize>) -> Option<Cow<'_, str>> {
        let bytes = self.record.get(idx?)?;
        let text = String::from_utf8_lossy(bytes);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return None;
        }
        Some(match text {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
        })
    }

    pub fn string(&self, idx: Option<usize>) -> Option<String> {
        self.get(idx).map(Cow::into_owned)
    }

    /// Description-like text keeps inner whitespace and newlines, only the ends are trimmed.
    pub fn text(&self, idx: Option<usize>) -> String {
        self.get(idx).map(Cow::into_owned).unwrap_or_default()
    }

    pub fn at(&self, key: &str) -> Location {
        Location::line(self.line).with_key(key)
    }

    pub fn missing(&self, field: &str, key: &str) -> IngestError {
        IngestError::MissingField {
            path: self.path.to_path_buf(),
            at: self.at(key),
            field: field.to_string(),
        }
    }

    pub fn bad_value(&self, key: &str, field: &str, value: &str, expected: &str) -> IngestError {
        IngestError::BadValue {
            path: self.path.to_path_buf(),
            at: self.at(key),
            field: field.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }

    /// A date cell, `None` when empty, an error naming the column when unreadable.
    pub fn date(
        &self,
        idx: Option<usize>,
        column: &str,
        key: &str,
    ) -> Result<Option<throughline_model::Timestamp>, IngestError> {
        match self.get(idx) {
            None => Ok(None),
            Some(text) => crate::dates::parse_timestamp(&text)
                .map(Some)
                .ok_or_else(|| self.bad_value(key, column, &text, crate::error::EXPECTED_DATE)),
        }
    }

    /// A number cell, `None` when empty, an error naming the column when unreadable.
    pub fn number(
        &self,
        idx: Option<usize>,
        column: &str,
        key: &str,
    ) -> Result<Option<f64>, IngestError> {
        match self.get(idx) {
            None => Ok(None),
            Some(text) => crate::parse_number(&text)
                .map(Some)
                .ok_or_else(|| self.bad_value(key, column, &text, crate::error::EXPECTED_NUMBER)),
        }
    }
}

struct CsvItems<F> {
    reader: csv::Reader<File>,
    path: PathBuf,
    record: ByteRecord,
    convert: F,
    done: bool,
}

impl<F> Iterator for CsvItems<F>
where
    F: FnMut(&Row<'_>) -> Result<WorkItem, IngestError>,
{
    type Item = Result<WorkItem, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let result = match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => {
                self.done = true;
                return None;
            }
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                let row = Row {
                    record: &self.record,
                    line,
                    path: &self.path,
                };
                (self.convert)(&row)
            }
            Err(e) => Err(csv_error(&self.path, e)),
        };
        if result.is_err() {
            self.done = true;
        }
        Some(result)
    }
}

pub(crate) fn csv_error(path: &Path, e: csv::Error) -> IngestError {
    let line = e.position().map(|p| p.line());
    let at = Location {
        line,
        ..Location::default()
    };
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(source) => IngestError::Io {
            path: path.to_path_buf(),
            source,
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => IngestError::Syntax {
            path: path.to_path_buf(),
            at,
            message: format!(
                "record has {len} fields but the header has {expected_len}; \
                 a quote is probably unbalanced (a field that starts with \" must end with \" \
                 and inner quotes must be doubled) or a delimiter is missing"
            ),
        },
        _ => IngestError::Syntax {
            path: path.to_path_buf(),
            at,
            message: format!("unreadable CSV: {text}"),
        },
    }
}
