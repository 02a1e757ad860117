//! Strategy versions: every apply is kept, the newest is in force.

use rusqlite::{OptionalExtension, params};
use throughline_model::{Strategy, TeamMapping, WorkItem, mapped_team};

use crate::items::now;
use crate::rows::list_from_sql;
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
        Ok(self
            .apply_strategy_with_teams(strategy, &[], source_text, source_path)?
            .0)
    }

    /// Stores `strategy` with the teams its file maps (`[[team]]`) as a new version, and
    /// in the same transaction gives the stored work the tracker gave no team its
    /// mapped team: the teams the last version mapped are taken back first, so work a
    /// team no longer maps has none again. Returns the version and how many items have
    /// a team from the map.
    pub fn apply_strategy_with_teams(
        &mut self,
        strategy: &Strategy,
        teams: &[TeamMapping],
        source_text: &str,
        source_path: Option<&str>,
    ) -> Result<(i64, u64)> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt {
            what: "strategy",
            detail: e.to_string(),
        };
        let json = serde_json::to_string(strategy).map_err(corrupt)?;
        let teams_json = serde_json::to_string(teams).map_err(corrupt)?;
        let conn = crate::sqlite_or_mut!(self, |pg| pg.apply_strategy(
            &json,
            &teams_json,
            teams,
            source_text,
            source_path
        ));
        let tx = crate::report_cache::write(conn)?;
        tx.execute(
            "INSERT INTO strategy_versions (applied_at, source_path, source_text, strategy_json, teams_json) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now(), source_path, source_text, json, teams_json],
        )?;
        let version = tx.last_insert_rowid();
        tx.execute(
            "UPDATE items SET team = NULL, team_mapped = 0 WHERE team_mapped = 1",
            [],
        )?;
        let mapped = map_teams(&tx, teams, None)?;
        tx.commit()?;
        Ok((version, mapped))
    }

    /// The teams the strategy in force maps (`[[team]]`), in file order.
    pub fn teams(&self) -> Result<Vec<TeamMapping>> {
        self.teams_of_version(None)
    }

    /// The teams a given version of the strategy maps, or the newest's when `version`
    /// is `None`.
    pub fn teams_of_version(&self, version: Option<i64>) -> Result<Vec<TeamMapping>> {
        let conn = crate::sqlite_or!(self, |pg| pg.teams_of(version));
        teams_of(conn, version)
    }

    /// The strategy in force (the newest version) and its version number.
    pub fn strategy(&self) -> Result<Option<(i64, Strategy)>> {
        self.strategy_version(None)
    }

    /// A given version of the strategy, or the newest when `version` is `None`.
    pub fn strategy_version(&self, version: Option<i64>) -> Result<Option<(i64, Strategy)>> {
        let conn = crate::sqlite_or!(self, |pg| pg.strategy_version(version));
        let row: Option<(i64, String)> = conn
            .query_row(
                "SELECT version, strategy_json FROM strategy_versions \
                 WHERE ?1 IS NULL OR version = ?1 ORDER BY version DESC LIMIT 1",
                params![version],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        strategy_from_row(row)
    }

    /// Every applied version, oldest first.
    pub fn strategy_history(&self) -> Result<Vec<StrategyVersion>> {
        let conn = crate::sqlite_or!(self, |pg| pg.strategy_history());
        let mut stmt = conn.prepare(
            "SELECT version, applied_at, source_path, strategy_json FROM strategy_versions ORDER BY version",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(version_row(
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                &r.get::<_, String>(3)?,
            )?);
        }
        Ok(out)
    }
}

/// A strategy version read as `(version, strategy_json)`.
pub(crate) fn strategy_from_row(row: Option<(i64, String)>) -> Result<Option<(i64, Strategy)>> {
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

/// One line of [`Store::strategy_history`].
pub(crate) fn version_row(
    version: i64,
    applied_at: String,
    source_path: Option<String>,
    json: &str,
) -> Result<StrategyVersion> {
    let s: Strategy = serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        what: "strategy",
        detail: e.to_string(),
    })?;
    Ok(StrategyVersion {
        version,
        applied_at,
        source_path,
        goals: s.goals.len(),
        metrics: s.metrics.len(),
        initiatives: s.initiatives.len(),
    })
}

/// The teams a version keeps as JSON.
pub(crate) fn teams_from_json(json: Option<String>) -> Result<Vec<TeamMapping>> {
    json.map_or(Ok(Vec::new()), |j| {
        serde_json::from_str(&j).map_err(|e| StoreError::Corrupt {
            what: "strategy teams",
            detail: e.to_string(),
        })
    })
}

/// The teams of the newest strategy version (none without a strategy).
pub(crate) fn teams_in_force(conn: &rusqlite::Connection) -> Result<Vec<TeamMapping>> {
    teams_of(conn, None)
}

fn teams_of(conn: &rusqlite::Connection, version: Option<i64>) -> Result<Vec<TeamMapping>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT teams_json FROM strategy_versions \
             WHERE ?1 IS NULL OR version = ?1 ORDER BY version DESC LIMIT 1",
            [version],
            |r| r.get(0),
        )
        .optional()?;
    teams_from_json(json)
}

/// Gives every item with no team (of one import, or all) the team `teams` map its
/// components or project to (`throughline_model::mapped_team`), marked as mapped.
/// Returns how many items got one.
pub(crate) fn map_teams(
    conn: &rusqlite::Connection,
    teams: &[TeamMapping],
    import_id: Option<i64>,
) -> Result<u64> {
    if teams.is_empty() {
        return Ok(0);
    }
    let mut found = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT id, project, components FROM items \
             WHERE team IS NULL AND (?1 IS NULL OR import_id = ?1)",
        )?;
        let mut rows = stmt.query([import_id])?;
        while let Some(r) = rows.next()? {
            let item = WorkItem {
                project: r.get(1)?,
                components: list_from_sql(&r.get::<_, String>(2)?)?,
                ..WorkItem::default()
            };
            if let Some(team) = mapped_team(teams, &item) {
                found.push((r.get::<_, i64>(0)?, team));
            }
        }
    }
    let mut set = conn.prepare("UPDATE items SET team = ?1, team_mapped = 1 WHERE id = ?2")?;
    for (id, team) in &found {
        set.execute(params![team, id])?;
    }
    Ok(found.len() as u64)
}
