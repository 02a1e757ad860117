//! What every fuzz target shares: a scratch file for the importers that read a path, and
//! reading a whole item stream the way `import` does.

use std::path::PathBuf;

use throughline_ingest::{
    Format, ImportOptions, IngestError, ItemStream, Mapping, read_document, read_items, summarise,
};

/// Writes `bytes` to this process's scratch file with extension `ext` and returns its path.
/// One file per process and extension: libFuzzer's `-jobs`/`-fork` workers are processes.
pub fn scratch(ext: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("throughline-fuzz-{}.{ext}", std::process::id()));
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// Reads every item of a file as `import` would (stopping at the first error), then
/// summarises what the importer noted, so the warnings' wording is exercised too.
pub fn import_file(bytes: &[u8], ext: &str, format: Format, mapping: Option<Mapping>) {
    let path = scratch(ext, bytes);
    let opts = ImportOptions {
        mapping,
        ..ImportOptions::default()
    };
    // Sniffing is what `import` does first when no format is named.
    let _ = throughline_ingest::detect_format(&path);
    drain(read_items(&path, format, &opts));
    let _ = summarise(&opts.warnings.take());
}

/// Reads an API response (Jira, GitHub, Linear JSON) as `import` and `sync` would.
pub fn import_document(bytes: &[u8], format: Format) {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let opts = ImportOptions::default();
    drain(read_document(
        doc,
        std::path::Path::new("fuzz.json"),
        format,
        &opts,
    ));
    let _ = summarise(&opts.warnings.take());
}

/// Reads a stream to its first error as `import` does, checking every item and writing
/// every error's message (its formatting is code that runs on bad input too).
fn drain(items: Result<ItemStream, IngestError>) {
    let items = match items {
        Ok(items) => items,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for item in items {
        match item {
            Ok(item) => check_item(&item),
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        }
    }
}

/// What the store relies on of every item an importer gives: a key and a title.
fn check_item(item: &throughline_ingest::WorkItem) {
    assert!(
        !item.key.trim().is_empty(),
        "an item without a key: {item:?}"
    );
    assert!(!item.title.is_empty(), "an item without a title: {item:?}");
    if let Some(e) = item.estimate {
        assert!(e.is_finite(), "a non-finite estimate: {item:?}");
    }
}

/// Splits `mapping TOML \0 file` (the mapping optional) as the generic targets read it.
pub fn mapping_and_file(data: &[u8]) -> (Option<Mapping>, &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => {
            let mapping = std::str::from_utf8(&data[..i])
                .ok()
                .and_then(|t| Mapping::from_toml_str(t).ok());
            (mapping, &data[i + 1..])
        }
        None => (None, data),
    }
}
