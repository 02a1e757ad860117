//! What an importer assumed about records it kept.
//!
//! Trackers allow data an importer cannot take at face value: Jira stored issues with an
//! empty summary, issues without a created date, statuses of workflows long deleted. Such
//! a record is kept (refusing a user's real export over it helps no one), and the
//! importer notes here which items it was and what it assumed, so the person importing is
//! told. Malformed data (a date that is no date, a number that is no number) is still an
//! [`IngestError`](crate::IngestError) and stops the file.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use crate::error::Location;

/// What was odd about one record, and so what the importer assumed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuirkKind {
    /// The title (Jira's summary) is empty: the first line of the description (or
    /// "(no title)") stands in.
    EmptyTitle,
    /// No created date: the item is kept undated, so reports by creation week leave it
    /// out.
    NoCreatedDate,
    /// A status (named, or `None` when absent) that says nothing of whether the work is
    /// started or done: it is counted as to do.
    UnknownStatus(Option<String>),
    /// The same key again in one file (generic CSV / JSON Lines): the later record
    /// replaces the earlier one, as a re-import would. `first_line` is where the key
    /// first appeared.
    DuplicateKey {
        /// The line the key was first seen on.
        first_line: u64,
    },
}

/// One record's quirk: where it is (line or record, and key) and what it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quirk {
    /// The record (its key is in `at.key`).
    pub at: Location,
    /// What was assumed.
    pub kind: QuirkKind,
}

/// Where an import's [`Quirk`]s are collected while its stream is read; cloning shares
/// the collection, so the caller keeps one handle and the importer another.
#[derive(Debug, Clone, Default)]
pub struct Warnings(Arc<Mutex<Vec<Quirk>>>);

impl Warnings {
    /// A new, empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&self, at: Location, kind: QuirkKind) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Quirk { at, kind });
    }

    /// Everything noted so far, emptying the collection (one file's worth, when called
    /// after each file's stream ends).
    pub fn take(&self) -> Vec<Quirk> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// How many items one summary line names before saying "and N more".
const NAMED: usize = 10;

/// One line per kind of quirk: how many items, which ones (the first ten, with where they
/// are), and what was assumed. Unknown statuses get a line per status name.
pub fn summarise(quirks: &[Quirk]) -> Vec<String> {
    let mut kinds: Vec<&QuirkKind> = Vec::new();
    for q in quirks {
        let kind = match &q.kind {
            QuirkKind::DuplicateKey { .. } => &QuirkKind::DuplicateKey { first_line: 0 },
            other => other,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds.sort();
    kinds
        .into_iter()
        .map(|kind| {
            let same: Vec<&Quirk> = quirks
                .iter()
                .filter(|q| match (&q.kind, kind) {
                    (QuirkKind::DuplicateKey { .. }, QuirkKind::DuplicateKey { .. }) => true,
                    (a, b) => a == b,
                })
                .collect();
            let named: Vec<String> = same.iter().take(NAMED).map(|q| describe(q)).collect();
            let more = same.len().saturating_sub(NAMED);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let n = same.len();
            let items = if n == 1 { "item" } else { "items" };
            match kind {
                QuirkKind::EmptyTitle => format!(
                    "{n} {items} with an empty title (summary), kept with the first line of \
                     the description as title, or \"(no title)\": {}{more}",
                    named.join(", ")
                ),
                QuirkKind::NoCreatedDate => format!(
                    "{n} {items} with no created date, kept undated (reports by creation \
                     week leave them out): {}{more}",
                    named.join(", ")
                ),
                QuirkKind::UnknownStatus(status) => format!(
                    "{n} {items} with {}, counted as to do: {}{more}",
                    match status {
                        Some(s) => format!("the unknown status {s:?}"),
                        None => "no status".to_string(),
                    },
                    named.join(", ")
                ),
                QuirkKind::DuplicateKey { .. } => format!(
                    "{n} {items} {} a key already read in this file; the later record \
                     replaces the earlier one: {}{more}",
                    if n == 1 { "repeats" } else { "repeat" },
                    named.join(", ")
                ),
            }
        })
        .collect()
}

/// `AC-523 (record 523)`, `PAY-7 (line 9, first on line 3)`.
fn describe(q: &Quirk) -> String {
    let key = q.at.key.as_deref().unwrap_or("(no key)");
    let place = Location {
        key: None,
        ..q.at.clone()
    }
    .to_string();
    match &q.kind {
        QuirkKind::DuplicateKey { first_line } => {
            format!("{key} (line {}, first on line {first_line})", lineno(&q.at))
        }
        _ if place.is_empty() => key.to_string(),
        _ => format!("{key} ({})", place.trim()),
    }
}

fn lineno(at: &Location) -> String {
    at.line.map_or_else(|| "?".to_string(), |l| l.to_string())
}

impl fmt::Display for Quirk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&summarise(std::slice::from_ref(self))[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(key: &str, line: u64) -> Location {
        Location::line(line).with_key(key)
    }

    #[test]
    fn one_line_per_kind_naming_the_items() {
        let w = Warnings::new();
        w.push(
            Location::record(522).with_key("AC-523"),
            QuirkKind::EmptyTitle,
        );
        w.push(at("X-1", 5), QuirkKind::DuplicateKey { first_line: 2 });
        w.push(at("X-9", 7), QuirkKind::UnknownStatus(Some("Limbo".into())));
        w.push(at("X-8", 8), QuirkKind::UnknownStatus(None));
        let lines = summarise(&w.take());
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert!(
            lines[0].starts_with("1 item with an empty title"),
            "{}",
            lines[0]
        );
        assert!(lines[0].ends_with("AC-523 (record 523)"), "{}", lines[0]);
        assert!(
            lines
                .iter()
                .any(|l| l.contains("\"Limbo\"") && l.contains("X-9 (line 7)"))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("no status") && l.contains("X-8"))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("X-1 (line 5, first on line 2)")),
            "{lines:#?}"
        );
        assert!(w.take().is_empty(), "take empties the collection");
    }

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let quirks: Vec<Quirk> = (0..25)
            .map(|i| Quirk {
                at: at(&format!("K-{i}"), i + 2),
                kind: QuirkKind::NoCreatedDate,
            })
            .collect();
        let lines = summarise(&quirks);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("25 items with no created date"));
        assert!(lines[0].contains("K-9 (line 11)") && !lines[0].contains("K-10 "));
        assert!(lines[0].ends_with(" and 15 more"), "{}", lines[0]);
    }
}
