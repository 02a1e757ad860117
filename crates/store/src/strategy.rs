//! Strategy versions: every apply is kept, the newest is in force.

use rusqlite::{OptionalExtension, params};
use throughline_model::Strategy;

use crate::items::now;
use crate::{Result, Store, StoreError};

/// One applied version of the strategy file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StrategyVersion {
    pub version: i64,
    pub applied_at: String,
    pub source_path: Option<String>,
    pub goals: usize,
    pub metrics: usize,
    pub initiatives: usize,
}

impl Store {
    /// Stores `strategy` as a new version (the file's text is kept as written) and
    /// returns its version number.
    pub fn apply_strategy(
        &mut self,
        strategy: &Strategy,
        source_text: &str,
        source_path: Option<&str>,
    ) -> Result<i64> {
        let json = serde_json::to_string(strategy).map_err(|e| StoreError::Corrupt {
            what: "strategy",
            detail: e.to_string(),
        })?;
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO strategy_versions (applied_at, source_path, source_text, strategy_json) \
             VALUES (?1, ?2, ?3, ?4)",
            params![now(), source_path, source_text, json],
        )?;
        let version = tx.last_insert_rowid();
        tx.commit()?;
        Ok(version)
    }

    /// The strategy in force (the newest version) and its version number.
    pub fn strategy(&self) -> Result<Option<(i64, Strategy)>> {
        self.strategy_version(None)
    }

    /// A given version of the strategy, or the newest when `version` is `None`.
    pub fn strategy_version(&self, version: Option<i64>) -> Result<Option<(i64, Strategy)>> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT version, strategy_json FROM strategy_versions \
                 WHERE ?1 IS NULL OR version = ?1 ORDER BY version DESC LIMIT 1",
                params![version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(v, json)| {
            serde_json::from_str(&json)
                .map(|s| (v, s))
                .map_err(|e| StoreError::Corrupt {
                    what: "strategy",
                    detail: e.to_string(),
                })
        })
        .transpose()
    }

    /// Every applied version, oldest first.
    pub fn strategy_history(&self) -> Result<Vec<StrategyVersion>> {
        let mut stmt = self.conn.prepare(
            "SELECT version, applied_at, source_path, strategy_json FROM strategy_versions ORDER BY version",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let json: String = r.get(3)?;
            let s: Strategy = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
                what: "strategy",
                detail: e.to_string(),
            })?;
            out.push(StrategyVersion {
                version: r.get(0)?,
                applied_at: r.get(1)?,
                source_path: r.get(2)?,
                goals: s.goals.len(),
                metrics: s.metrics.len(),
                initiatives: s.initiatives.len(),
            });
        }
        Ok(out)
    }
}
