//! Reports as CSV for a spreadsheet (the CLI's `--csv`, the API's `format=csv`): one row
//! per figure, in the long format a pivot table reads. Every row ends with the same four
//! numbers (items, share of items, estimate, share of estimate); the cells before them
//! say which figure it is.

use std::borrow::Cow;

use throughline_model::LinkOrigin;

use crate::item_query::ItemRow;
use crate::status::Figure;
use crate::{AllocationReport, StatusReport};

/// The figure columns every row ends with.
const NUMBERS: [&str; 4] = ["items", "share_items", "estimate", "share_estimate"];

/// The status report: the whole, aligned by origin, each goal and its initiatives
/// (`parent` is the goal), off plan by reason, not placed, and each team's mix (`parent`
/// is the team; a team row's share is of that team's items, with no estimate).
pub fn status_csv(r: &StatusReport) -> Result<String, csv::Error> {
    let mut w = Rows::new(&["kind", "id", "label", "parent"])?;
    w.figure(&["total", "", "all work in scope", ""], &r.total)?;
    w.figure(&["aligned", "", "aligned to a goal", ""], &r.aligned)?;
    let o = &r.aligned_by_origin;
    for (id, f) in [
        ("explicit", &o.explicit),
        ("corrected", &o.corrected),
        ("inferred", &o.inferred),
    ] {
        w.figure(&["origin", id, id, ""], f)?;
    }
    for goal in &r.goals {
        w.figure(&["goal", &goal.id, &goal.title, ""], &goal.work)?;
        for i in &goal.initiatives {
            w.figure(&["initiative", &i.id, &i.title, &goal.id], &i.work)?;
        }
    }
    w.figure(&["off_plan", "", "off plan", ""], &r.off_plan)?;
    for reason in &r.off_plan_by_reason {
        w.figure(
            &["off_plan_reason", reason.reason.as_str(), &reason.label, ""],
            &reason.work,
        )?;
    }
    w.figure(&["not_placed", "unclear", "unclear", ""], &r.unclear)?;
    w.figure(
        &["not_placed", "unlinked", "not linked yet", ""],
        &r.unlinked,
    )?;
    // The engine's expected shares: an expected count of items, rounded.
    let e = &r.expected;
    for (id, label, share) in [
        (
            "aligned",
            "expected aligned (the engine's probabilities)",
            e.aligned,
        ),
        (
            "aligned_low",
            "aligned, low end of the range",
            e.aligned_low,
        ),
        (
            "aligned_high",
            "aligned, high end of the range",
            e.aligned_high,
        ),
        ("off_plan", "expected off plan", e.off_plan),
    ] {
        let items = (share * r.total.items as f64).round() as usize;
        w.numbers(&["expected", id, label, ""], items, share, None)?;
    }
    for t in &r.teams {
        for (id, label, share) in [
            ("aligned", "aligned to a goal", t.aligned),
            ("off_plan", "off plan", t.off_plan),
            ("not_placed", "unclear or not linked", t.unclear_or_unlinked),
        ] {
            // Shares come from whole counts: rounding gives the count back.
            let items = (share * t.items as f64).round() as usize;
            w.numbers(&["team", id, label, &t.team], items, share, None)?;
        }
    }
    w.finish()
}

/// The allocation report: per period, one row per class of work, then one per goal.
/// Shares are fractions of the period's items (and estimate).
pub fn allocation_csv(r: &AllocationReport) -> Result<String, csv::Error> {
    let mut w = Rows::new(&["period", "kind", "id", "label"])?;
    for b in &r.buckets {
        for c in &b.classes {
            let (kind, id) = c.class.kind_and_id();
            w.figure(&[&b.label, kind, id, &c.label], &c.work)?;
        }
        for goal in &b.goals {
            w.figure(&[&b.label, "goal", &goal.id, &goal.title], &goal.work)?;
        }
    }
    w.finish()
}

/// Columns of a list of items to review in a spreadsheet (`items --csv`,
/// `/api/items?format=csv`): the item, its link and why, then empty `decision` and `why`
/// for a reviewer to fill in; `throughline link --file` reads the file back.
pub const REVIEW_HEADER: [&str; 12] = [
    "key",
    "source",
    "title",
    "team",
    "status",
    "type",
    "linked_to",
    "origin",
    "confidence",
    "because",
    "decision",
    "why",
];

/// One item's row under [`REVIEW_HEADER`]; the confidence is the engine's, so only
/// inferred links carry one.
pub fn review_record(r: &ItemRow<'_>) -> [String; 12] {
    let link = r.link;
    let confidence = link
        .filter(|l| l.origin == LinkOrigin::Inferred)
        .map(|l| format!("{:.2}", l.confidence))
        .unwrap_or_default();
    [
        r.key.to_string(),
        r.source.to_string(),
        inert(r.title).into_owned(),
        inert(r.team.unwrap_or("")).into_owned(),
        r.status.to_string(),
        inert(r.item_type.unwrap_or("")).into_owned(),
        link.map(|l| l.target.to_string()).unwrap_or_default(),
        link.map_or("", |l| l.origin.as_str()).to_string(),
        confidence,
        inert(link.map_or("", |l| l.reason.as_str())).into_owned(),
        String::new(),
        String::new(),
    ]
}

/// Free text as a spreadsheet will not run it: a cell starting with `=`, `+`, `-` or
/// `@` is a formula to Excel and LibreOffice, and tracker titles are written by anyone
/// (OWASP's "CSV injection"). A leading `'` keeps it text.
pub fn inert(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// A CSV being written: the naming cells, then the four numbers.
struct Rows {
    w: csv::Writer<Vec<u8>>,
}

impl Rows {
    fn new(names: &[&str]) -> Result<Self, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(names.iter().chain(&NUMBERS))?;
        Ok(Rows { w })
    }

    fn figure(&mut self, cells: &[&str], f: &Figure) -> Result<(), csv::Error> {
        self.numbers(
            cells,
            f.items,
            f.share_items,
            Some((f.estimate, f.share_estimate)),
        )
    }

    fn numbers(
        &mut self,
        cells: &[&str],
        items: usize,
        share: f64,
        estimate: Option<(f64, f64)>,
    ) -> Result<(), csv::Error> {
        let mut record: Vec<String> = cells.iter().map(|c| inert(c).into_owned()).collect();
        record.push(items.to_string());
        record.push(format!("{share:.4}"));
        match estimate {
            Some((e, s)) => {
                record.push(e.to_string());
                record.push(format!("{s:.4}"));
            }
            None => record.extend([String::new(), String::new()]),
        }
        self.w.write_record(&record)
    }

    fn finish(self) -> Result<String, csv::Error> {
        let bytes = self.w.into_inner().map_err(|e| e.into_error())?;
        // Every cell came from a `&str`.
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn cells_a_spreadsheet_would_run_stay_text() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+1 for this"), "'+1 for this");
        assert_eq!(inert("@here ping"), "'@here ping");
        assert_eq!(inert("- fix typo"), "'- fix typo");
        assert_eq!(inert("Fix = in parser"), "Fix = in parser");
        assert_eq!(inert(""), "");
    }
}
