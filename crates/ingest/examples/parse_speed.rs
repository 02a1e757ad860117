//! Measures parse throughput on generated files: `cargo run --release -p
//! throughline-ingest --example parse_speed [ROWS]` (default 200,000 rows).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use throughline_ingest::{Format, ImportOptions, read_items};

fn generic_csv(rows: usize) -> String {
    let mut s = String::from("issuekey,title,description,storypoint,labels,created\n");
    for i in 0..rows {
        let _ = writeln!(
            s,
            "PAY-{i},\"Let customers pay with card #{i}\",\"Customers re-enter their card, \
             every time. {{code}}token{{code}}\",{},\"checkout,mobile\",2026-05-{:02}T09:30:00Z",
            i % 13,
            i % 28 + 1
        );
    }
    s
}

fn jira_csv(rows: usize) -> String {
    let mut s = String::from(
        "Summary,Issue key,Issue id,Parent id,Issue Type,Status,Project key,Created,Resolved,\
         Labels,Labels,Sprint,Sprint,Custom field (Story Points),Description\n",
    );
    for i in 0..rows {
        let parent = if i % 10 == 0 {
            String::new()
        } else {
            (10_000 + i / 10 * 10).to_string()
        };
        let _ = writeln!(
            s,
            "Saved card {i},PAY-{i},{},{parent},Story,In Progress,PAY,12/Jan/26 1:25 PM,,\
             checkout,mobile,Sprint 1,Sprint 2,3,\"Customers re-enter their card, every time.\"",
            10_000 + i
        );
    }
    s
}

fn jsonl(rows: usize) -> String {
    let mut s = String::new();
    for i in 0..rows {
        let _ = writeln!(
            s,
            "{{\"key\": \"c{i:08x}\", \"title\": \"Handle identity partition data {i}\", \
             \"body\": \"This commit adds support for identity partitions.\", \
             \"created\": \"2018-01-12T13:25:58-08:00\", \"components\": [\"spark\", \"core\"], \"pr\": {i}}}"
        );
    }
    s
}

fn measure(path: &Path, format: Format, rows: usize) -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut n = 0;
    for item in read_items(path, format, &ImportOptions::default())? {
        item?;
        n += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(n, rows);
    println!(
        "{:<10} {n} rows in {:.3} s = {:.0} rows/s ({:.1} MB)",
        format.as_str(),
        secs,
        n as f64 / secs,
        std::fs::metadata(path)?.len() as f64 / 1e6
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(200_000);
    let dir = tempfile::tempdir()?;
    for (name, format, text) in [
        ("generic.csv", Format::Csv, generic_csv(rows)),
        ("jira.csv", Format::JiraCsv, jira_csv(rows)),
        ("commits.jsonl", Format::Jsonl, jsonl(rows)),
    ] {
        let path = dir.path().join(name);
        std::fs::File::create(&path)?.write_all(text.as_bytes())?;
        measure(&path, format, rows)?;
    }
    Ok(())
}
