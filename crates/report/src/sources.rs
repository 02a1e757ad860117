//! Where the data comes from: every file or sync, as last imported.

use throughline_store::ImportRecord;

/// At most this many files are named; the rest are counted.
const NAMED: usize = 8;

/// "Last import: 2026-09-30 10:00 UTC, 492 records from b.csv (linear-csv)." and, when
/// the data comes from several files or syncs, each of the others as last imported,
/// newest first. `None` before any import. (Records: what the file held, not the items
/// a figure counts.)
pub fn data_sources(imports: &[ImportRecord]) -> Option<String> {
    let last = imports.first()?;
    let what = if last.format.ends_with("-sync") {
        "sync"
    } else {
        "import"
    };
    let mut o = format!(
        "Last {what}: {}, {} records from {} ({}).",
        when(&last.at),
        last.items,
        last.path,
        last.format
    );
    if let Some(others) = other_sources(imports) {
        o.push(' ');
        o.push_str(&others);
    }
    Some(o)
}

/// "Also in the data, each as last imported: …": the files and syncs besides the last
/// one, newest first; `None` when the data comes from one.
pub fn other_sources(imports: &[ImportRecord]) -> Option<String> {
    let others = imports.get(1..).filter(|o| !o.is_empty())?;
    let named: Vec<String> = others
        .iter()
        .take(NAMED)
        .map(|r| {
            format!(
                "{} ({}, {} records, {})",
                r.path,
                r.format,
                r.items,
                when(&r.at)
            )
        })
        .collect();
    let mut o = format!(
        "Also in the data, each as last imported: {}",
        named.join("; ")
    );
    match others.len().saturating_sub(NAMED) {
        0 => o.push('.'),
        1 => o.push_str("; and 1 more file."),
        n => o.push_str(&format!("; and {n} more files.")),
    }
    Some(o)
}

fn when(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(path: &str, format: &str, items: u64) -> ImportRecord {
        ImportRecord {
            at: "2026-09-30T10:00:00Z".into(),
            format: format.into(),
            path: path.into(),
            items,
        }
    }

    #[test]
    fn every_file_is_named_newest_first() {
        assert_eq!(data_sources(&[]), None);
        let one = data_sources(&[rec("b.csv", "linear-csv", 5)]).unwrap();
        assert!(
            one.starts_with("Last import: 2026-09-30 10:00 UTC"),
            "{one}"
        );
        assert!(!one.contains("Also"), "{one}");
        assert_eq!(other_sources(&[rec("b.csv", "linear-csv", 5)]), None);
        let all = data_sources(&[
            rec("b.csv", "linear-csv", 5),
            rec("ALOY.json", "jira-json", 1200),
            rec("TIMOB.json", "jira-json", 20000),
        ])
        .unwrap();
        assert!(all.contains("from b.csv (linear-csv)"), "{all}");
        assert!(
            all.contains("ALOY.json (jira-json, 1200 records, 2026-09-30 10:00 UTC); TIMOB.json"),
            "{all}"
        );
        let many: Vec<ImportRecord> = (0..12).map(|i| rec(&format!("f{i}"), "csv", 1)).collect();
        assert!(
            data_sources(&many)
                .unwrap()
                .ends_with("; and 3 more files.")
        );
    }
}
