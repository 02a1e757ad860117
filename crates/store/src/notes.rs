//! Context notes.

use chrono::NaiveDate;
use rusqlite::params;
use throughline_model::{ContextNote, NoteKind, NoteTarget};

use crate::{Result, Store, StoreError};

impl Store {
    /// Stores notes in one transaction; returns how many were added.
    pub fn add_notes(&mut self, notes: &[ContextNote]) -> Result<usize> {
        let tx = self.write()?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO notes (target_kind, target_source, target_id, kind, text, author_team, author_name, date) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for n in notes {
                let (kind, source, id) = match &n.target {
                    NoteTarget::Item { source, key } => ("item", source.as_str(), key.as_str()),
                    NoteTarget::Initiative { id } => ("initiative", "", id.as_str()),
                    NoteTarget::Goal { id } => ("goal", "", id.as_str()),
                };
                stmt.execute(params![
                    kind,
                    source,
                    id,
                    n.kind.as_str(),
                    n.text,
                    n.author_team,
                    n.author_name,
                    n.date.to_string()
                ])?;
            }
        }
        tx.commit()?;
        Ok(notes.len())
    }

    /// Every note, oldest first.
    pub fn notes(&self) -> Result<Vec<ContextNote>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {NOTE_COLUMNS} FROM notes ORDER BY date, id"
        ))?;
        let rows = stmt.query([])?;
        collect_notes(rows)
    }

    /// The notes on one item, oldest first: an indexed lookup, for pages that show one
    /// item (reading every note would grow with the whole organisation's notes).
    pub fn notes_for_item(&self, source: &str, key: &str) -> Result<Vec<ContextNote>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {NOTE_COLUMNS} FROM notes \
             WHERE target_kind = 'item' AND target_id = ?1 AND target_source = ?2 \
             ORDER BY date, id"
        ))?;
        let rows = stmt.query(params![key, source])?;
        collect_notes(rows)
    }
}

const NOTE_COLUMNS: &str =
    "target_kind, target_source, target_id, kind, text, author_team, author_name, date";

fn collect_notes(mut rows: rusqlite::Rows<'_>) -> Result<Vec<ContextNote>> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let tk: String = r.get(0)?;
        let id: String = r.get(2)?;
        let target = match tk.as_str() {
            "item" => NoteTarget::Item {
                source: r.get(1)?,
                key: id,
            },
            "initiative" => NoteTarget::Initiative { id },
            _ => NoteTarget::Goal { id },
        };
        let kind: String = r.get(3)?;
        let date: String = r.get(7)?;
        out.push(ContextNote {
            target,
            kind: NoteKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                what: "note kind",
                detail: kind.clone(),
            })?,
            text: r.get(4)?,
            author_team: r.get(5)?,
            author_name: r.get(6)?,
            date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|e| {
                StoreError::Corrupt {
                    what: "note date",
                    detail: format!("{date}: {e}"),
                }
            })?,
        });
    }
    Ok(out)
}
