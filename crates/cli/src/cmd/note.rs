//! `throughline note`: context from the people doing the work, carried upward unfiltered.

use anyhow::Context;
use throughline_ingest::{parse_note_target, read_notes};
use throughline_model::{ContextNote, NoteKind, NoteTarget};
use throughline_store::Store;

use super::Globals;
use crate::args::NoteCommand;
use crate::output;

pub fn run(g: &Globals, c: NoteCommand) -> anyhow::Result<()> {
    let mut store = g.open()?;
    match c {
        NoteCommand::Add(a) => {
            let kind = NoteKind::parse(&a.kind).with_context(|| {
                format!("`{}` is not a note kind: use why, trade_off, learning, risk or customer_signal", a.kind)
            })?;
            let target = resolve(&store, parse_target(&a.on)?)?;
            let note = ContextNote {
                target,
                kind,
                text: a.text,
                author_team: a.team,
                author_name: a.author,
                date: a.date.unwrap_or_else(|| chrono::Utc::now().date_naive()),
            };
            store.add_notes(std::slice::from_ref(&note))?;
            if g.json {
                return output::json(&note);
            }
            outln!("note added to {}", a.on);
            Ok(())
        }
        NoteCommand::List { on } => {
            let want = on.as_deref().map(parse_target).transpose()?;
            let want = want.map(|t| resolve(&store, t)).transpose()?;
            let notes: Vec<ContextNote> = store
                .notes()?
                .into_iter()
                .filter(|n| want.as_ref().is_none_or(|w| &n.target == w))
                .collect();
            if g.json {
                return output::json(&notes);
            }
            for n in &notes {
                // Notes are listed with the author's team, never their name.
                outln!(
                    "{}  {:<16} {:<15} [{}] {}",
                    n.date,
                    target_text(&n.target),
                    n.kind.as_str(),
                    n.author_team.as_deref().unwrap_or("-"),
                    n.text
                );
            }
            outln!("{} notes", notes.len());
            Ok(())
        }
        NoteCommand::Import { file } => {
            let notes = read_notes(&file)?;
            let notes = notes
                .into_iter()
                .map(|mut n| {
                    n.target = resolve(&store, n.target)?;
                    Ok(n)
                })
                .collect::<anyhow::Result<Vec<_>>>()
                .with_context(|| format!("nothing was imported from {}", file.display()))?;
            let n = store.add_notes(&notes)?;
            if g.json {
                return output::json(&serde_json::json!({ "notes": n }));
            }
            eprintln!("{}: {n} notes imported", file.display());
            Ok(())
        }
    }
}

fn parse_target(s: &str) -> anyhow::Result<NoteTarget> {
    parse_note_target(s).with_context(|| {
        format!(
            "`{s}` is not a note target: use item:KEY, item:SOURCE:KEY, initiative:ID or goal:ID"
        )
    })
}

/// Fills in an item's source when the note named only its key, and checks it exists.
pub fn resolve(store: &Store, t: NoteTarget) -> anyhow::Result<NoteTarget> {
    match t {
        NoteTarget::Item { source, key } => {
            let src = (!source.is_empty()).then_some(source.as_str());
            let found = store
                .find_item(src, &key)?
                .with_context(|| format!("no item `{key}` in the database"))?;
            Ok(NoteTarget::Item {
                source: found.item.source,
                key,
            })
        }
        other => Ok(other),
    }
}

fn target_text(t: &NoteTarget) -> String {
    match t {
        NoteTarget::Item { key, .. } => key.clone(),
        NoteTarget::Initiative { id } => format!("initiative:{id}"),
        NoteTarget::Goal { id } => format!("goal:{id}"),
    }
}
