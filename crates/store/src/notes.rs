//! Context notes.

use chrono::NaiveDate;
use rusqlite::params;
use throughline_model::{ContextNote, NoteKind, NoteTarget};

use crate::{Result, Store, StoreError};

impl Store {
    /// Stores notes in one transaction; returns how many were added.
    pub fn add_notes(&mut self, notes: &[ContextNote]) -> Result<usize> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.add_notes(notes));
        let tx = crate::report_cache::write(conn)?;
        {
            let mut stmt = tx.prepare(
                "INSERT INTO notes (target_kind, target_source, target_id, kind, text, author_team, author_name, date) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for n in notes {
                let (kind, source, id) = note_target(n);
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
        let conn = crate::sqlite_or!(self, |pg| pg.notes(None));
        let mut stmt = conn.prepare(&format!(
            "SELECT {NOTE_COLUMNS} FROM notes ORDER BY date, id"
        ))?;
        let rows = stmt.query([])?;
        collect_notes(rows)
    }

    /// The notes on one item, oldest first: an indexed lookup, for pages that show one
    /// item (reading every note would grow with the whole organisation's notes).
    pub fn notes_for_item(&self, source: &str, key: &str) -> Result<Vec<ContextNote>> {
        let conn = crate::sqlite_or!(self, |pg| pg.notes(Some((source, key))));
        let mut stmt = conn.prepare(&format!(
            "SELECT {NOTE_COLUMNS} FROM notes \
             WHERE target_kind = 'item' AND target_id = ?1 AND target_source = ?2 \
             ORDER BY date, id"
        ))?;
        let rows = stmt.query(params![key, source])?;
        collect_notes(rows)
    }
}

/// Where a note is kept: target kind, source (items only) and id.
pub(crate) fn note_target(n: &ContextNote) -> (&'static str, &str, &str) {
    match &n.target {
        NoteTarget::Item { source, key } => ("item", source.as_str(), key.as_str()),
        NoteTarget::Initiative { id } => ("initiative", "", id.as_str()),
        NoteTarget::Goal { id } => ("goal", "", id.as_str()),
    }
}

pub(crate) const NOTE_COLUMNS: &str =
    "target_kind, target_source, target_id, kind, text, author_team, author_name, date";

fn collect_notes(mut rows: rusqlite::Rows<'_>) -> Result<Vec<ContextNote>> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(note_from_columns(
            &r.get::<_, String>(0)?,
            r.get(1)?,
            r.get(2)?,
            &r.get::<_, String>(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            &r.get::<_, String>(7)?,
        )?);
    }
    Ok(out)
}

/// A note from its columns ([`NOTE_COLUMNS`], in order).
#[allow(clippy::too_many_arguments)]
pub(crate) fn note_from_columns(
    target_kind: &str,
    source: String,
    id: String,
    kind: &str,
    text: String,
    author_team: Option<String>,
    author_name: Option<String>,
    date: &str,
) -> Result<ContextNote> {
    let target = match target_kind {
        "item" => NoteTarget::Item { source, key: id },
        "initiative" => NoteTarget::Initiative { id },
        _ => NoteTarget::Goal { id },
    };
    Ok(ContextNote {
        target,
        kind: NoteKind::parse(kind).ok_or_else(|| StoreError::Corrupt {
            what: "note kind",
            detail: kind.to_string(),
        })?,
        text,
        author_team,
        author_name,
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|e| StoreError::Corrupt {
            what: "note date",
            detail: format!("{date}: {e}"),
        })?,
    })
}
