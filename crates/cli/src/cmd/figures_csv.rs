//! Reports as CSV for a spreadsheet: one row per figure, in the long format a pivot
//! table reads. Every row ends with the same four numbers (items, share of items,
//! estimate, share of estimate); what comes before them says which figure it is.

use throughline_report::status::Figure;

use crate::output::inert;

/// The figure columns every row ends with.
const NUMBERS: [&str; 4] = ["items", "share_items", "estimate", "share_estimate"];

pub struct FiguresCsv {
    w: csv::Writer<Vec<u8>>,
}

impl FiguresCsv {
    /// A CSV whose rows begin with `names` (then the four figure columns).
    pub fn new(names: &[&str]) -> anyhow::Result<Self> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(names.iter().chain(&NUMBERS))?;
        Ok(FiguresCsv { w })
    }

    /// One figure. Text cells are kept inert (a title starting with `=` stays text).
    pub fn row(&mut self, cells: &[&str], f: &Figure) -> anyhow::Result<()> {
        self.numbers(
            cells,
            f.items,
            f.share_items,
            Some((f.estimate, f.share_estimate)),
        )
    }

    /// A row of counts without an estimate (teams' mixes carry none).
    pub fn numbers(
        &mut self,
        cells: &[&str],
        items: usize,
        share: f64,
        estimate: Option<(f64, f64)>,
    ) -> anyhow::Result<()> {
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
        self.w.write_record(&record)?;
        Ok(())
    }

    pub fn finish(self) -> anyhow::Result<String> {
        let bytes = self
            .w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("writing CSV: {}", e.error()))?;
        Ok(String::from_utf8(bytes)?)
    }
}
