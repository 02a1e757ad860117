//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use throughline_ingest::{Format, ImportOptions, IngestError, WorkItem, read_items};
use throughline_model::Timestamp;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Reads every item of a file, failing the test on the first error.
pub fn read_all(path: &Path, format: Format, opts: &ImportOptions) -> Vec<WorkItem> {
    read_items(path, format, opts)
        .unwrap_or_else(|e| panic!("opening {}: {e}", path.display()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The first error reading a file gives, from opening or from the stream.
pub fn first_error(path: &Path, format: Format, opts: &ImportOptions) -> IngestError {
    match read_items(path, format, opts) {
        Err(e) => e,
        Ok(items) => items
            .filter_map(Result::err)
            .next()
            .unwrap_or_else(|| panic!("{} read without error", path.display())),
    }
}

pub fn ts(s: &str) -> Timestamp {
    chrono::DateTime::parse_from_rfc3339(s)
        .expect("test timestamp")
        .with_timezone(&chrono::Utc)
}

/// Writes `text` to a file named `name` in a fresh temp dir.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write temp file");
    (dir, path)
}
