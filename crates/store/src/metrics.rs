//! Impact metric values over time.

use chrono::NaiveDate;
use rusqlite::params;
use throughline_model::MetricValue;

use crate::{Result, Store, StoreError};

impl Store {
    /// Stores metric values in one transaction; a value for an existing (metric, date)
    /// replaces it, so re-importing a series is idempotent.
    pub fn add_metric_values(&mut self, values: &[(String, MetricValue)]) -> Result<usize> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.add_metric_values(values));
        let tx = crate::report_cache::write(conn)?;
        {
            let mut stmt = tx.prepare(
                "INSERT OR REPLACE INTO metric_values (metric_id, date, value) VALUES (?1, ?2, ?3)",
            )?;
            for (metric, v) in values {
                stmt.execute(params![metric, v.date.to_string(), v.value])?;
            }
        }
        tx.commit()?;
        Ok(values.len())
    }

    /// The stored series of one metric, oldest first.
    pub fn metric_values(&self, metric_id: &str) -> Result<Vec<MetricValue>> {
        let conn = crate::sqlite_or!(self, |pg| pg.metric_values(metric_id));
        let mut stmt = conn
            .prepare("SELECT date, value FROM metric_values WHERE metric_id = ?1 ORDER BY date")?;
        let mut rows = stmt.query([metric_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(metric_value(&r.get::<_, String>(0)?, r.get(1)?)?);
        }
        Ok(out)
    }
}

pub(crate) fn metric_value(date: &str, value: f64) -> Result<MetricValue> {
    Ok(MetricValue {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|e| StoreError::Corrupt {
            what: "metric date",
            detail: format!("{date}: {e}"),
        })?,
        value,
    })
}
