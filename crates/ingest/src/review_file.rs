//! A reviewed list of links, as a person fills it in a spreadsheet: `throughline items
//! --csv` writes the list with empty `decision` and `why` columns, the reviewer writes
//! `confirm` or the right target into `decision` for the rows they looked at, and
//! `throughline link --file` stores those decisions as people's links.

use std::path::Path;

use serde::Deserialize;
use throughline_model::LinkTarget;

use crate::error::{IngestError, Location};
use crate::notes_file::{records, records_in};

/// One row as written: `key` and `decision`, optionally `source` and `why`; any other
/// column (title, the engine's answer, its reason...) is there for the reader and ignored.
#[derive(Debug, Deserialize)]
struct ReviewRecord {
    key: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    why: Option<String>,
}

/// What the reviewer decided for one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Keep the link the item has now, as a person's.
    Confirm,
    /// Link it here instead.
    Link(LinkTarget),
}

/// One reviewed row.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewed {
    /// Where the row is in the file, with its key.
    pub at: Location,
    /// The item's source, when the file names one.
    pub source: Option<String>,
    /// The item's key as written.
    pub key: String,
    /// `confirm`, or where it belongs.
    pub decision: Decision,
    /// The reviewer's words, kept with the link.
    pub why: Option<String>,
}

/// A reviewed file: the rows with a decision, and how many rows had none (not reviewed,
/// left as they are).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Review {
    /// The rows with a decision, in file order.
    pub rows: Vec<Reviewed>,
    /// Rows with an empty `decision`.
    pub undecided: usize,
}

/// Words that confirm the link an item has now.
const CONFIRM: [&str; 4] = ["confirm", "confirmed", "ok", "yes"];

/// Reads a reviewed list (CSV, JSON array or JSON Lines). All or nothing: the first row
/// without a key, or with a decision that is neither `confirm` nor a target, is an error
/// naming its line and field.
pub fn read_review(path: &Path) -> Result<Review, IngestError> {
    review_of(path, records::<ReviewRecord>(path)?)
}

/// [`read_review`] of a file's text already in memory, such as an upload: `name` is the
/// file's name, used in errors and, by its extension, to tell CSV from JSON.
pub fn read_review_text(name: &str, text: &str) -> Result<Review, IngestError> {
    let path = Path::new(name);
    review_of(path, records_in::<ReviewRecord>(path, text)?)
}

fn review_of(path: &Path, records: Vec<(Location, ReviewRecord)>) -> Result<Review, IngestError> {
    let mut review = Review::default();
    for (at, r) in records {
        let key = r.key.trim();
        if key.is_empty() {
            return Err(IngestError::MissingField {
                path: path.to_path_buf(),
                at,
                field: "key".into(),
            });
        }
        let at = at.with_key(key);
        let Some(said) = r
            .decision
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        else {
            review.undecided += 1;
            continue;
        };
        let decision = if CONFIRM.iter().any(|c| said.eq_ignore_ascii_case(c)) {
            Decision::Confirm
        } else {
            match said.parse::<LinkTarget>() {
                Ok(LinkTarget::Unclear) | Err(_) => {
                    return Err(IngestError::BadValue {
                        path: path.to_path_buf(),
                        at,
                        field: "decision".into(),
                        value: said.into(),
                        expected: "`confirm`, or where the item belongs (initiative:ID, \
                                   goal:ID or off_plan:REASON)"
                            .into(),
                    });
                }
                Ok(t) => Decision::Link(t),
            }
        };
        let blank_none =
            |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        review.rows.push(Reviewed {
            at,
            source: blank_none(r.source),
            key: key.to_string(),
            decision,
            why: blank_none(r.why),
        });
    }
    Ok(review)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Review, IngestError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("review.csv");
        std::fs::write(&p, text).unwrap();
        read_review(&p)
    }

    #[test]
    fn decisions_confirm_or_relink_and_blank_rows_are_left_alone() {
        let r = read(
            "key,title,linked_to,decision,why\n\
             PAY-1,Saved cards,initiative:checkout,confirm,\n\
             PAY-2,\"Apple Pay, again\",initiative:checkout,off_plan:sales_commitment,ACME deal\n\
             PAY-3,Refunds,initiative:checkout,,\n\
             PAY-4,Wallet,unclear, Initiative:wallets ,  \n",
        )
        .unwrap();
        assert_eq!(r.undecided, 1);
        let got: Vec<(&str, &Decision, Option<&str>, Option<u64>)> = r
            .rows
            .iter()
            .map(|x| (x.key.as_str(), &x.decision, x.why.as_deref(), x.at.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("PAY-1", &Decision::Confirm, None, Some(2)),
                (
                    "PAY-2",
                    &Decision::Link(LinkTarget::OffPlan(
                        throughline_model::OffPlanReason::SalesCommitment
                    )),
                    Some("ACME deal"),
                    Some(3)
                ),
                (
                    "PAY-4",
                    &Decision::Link(LinkTarget::Initiative("wallets".into())),
                    None,
                    Some(5)
                ),
            ]
        );
    }

    #[test]
    fn a_bad_decision_or_a_missing_key_names_the_line() {
        let e = read("key,decision\nPAY-1,confirm\nPAY-2,maybe later\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("(PAY-2)"), "{e}");
        assert!(
            e.contains("\"decision\"") && e.contains("maybe later"),
            "{e}"
        );
        let e = read("key,decision\nPAY-1,unclear\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        let e = read("key,decision\n ,confirm\n").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("\"key\""), "{e}");
        let e = read("title,decision\nx,confirm\n").unwrap_err().to_string();
        assert!(e.contains("key"), "{e}");
    }

    #[test]
    fn an_upload_is_read_by_its_name_s_extension() {
        let csv = read_review_text("reviewed.csv", "key,decision\nPAY-1,confirm\n").unwrap();
        assert_eq!(csv.rows[0].decision, Decision::Confirm);
        let json = read_review_text(
            "reviewed.json",
            r#"[{"key":"PAY-1","decision":"goal:growth"},{"key":"PAY-2"}]"#,
        )
        .unwrap();
        assert_eq!(
            (json.rows[0].decision.clone(), json.undecided),
            (Decision::Link(LinkTarget::Goal("growth".into())), 1)
        );
        // Errors name the upload as they would a file.
        let e = read_review_text("reviewed.csv", "key,decision\nPAY-1,perhaps\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("reviewed.csv") && e.contains("line 2"), "{e}");
    }
}
