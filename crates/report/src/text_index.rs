//! The words of every item, tokenised once per snapshot.
//!
//! Themes (and the brief, the overview and `ask`, which use them) count terms over the
//! work in a scope. Tokenising 100,000 titles on every such report took most of their
//! time; with each title's terms turned into numbers once, a report only counts.

use std::collections::HashMap;

use throughline_model::NoteTarget;

use crate::Snapshot;
use crate::words::terms;

/// Term ids of every item: the distinct unigrams and bigrams of its title and of the
/// notes written on it (the same text themes group by).
#[derive(Debug, Default)]
pub struct TextIndex {
    vocab: Vec<String>,
    /// Per item, in snapshot order: distinct term ids, ascending.
    item_terms: Vec<Box<[u32]>>,
    /// Per item, in snapshot order: positions of the notes written on it, oldest first.
    item_notes: Vec<Box<[u32]>>,
    /// What the index was built from, to notice a snapshot grown since (tests build
    /// snapshots by hand and add to them).
    built_for: (usize, usize),
}

impl TextIndex {
    /// Tokenises every item's title and the notes on it.
    pub fn build(snap: &Snapshot) -> TextIndex {
        let mut item_notes: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, n) in snap.notes.iter().enumerate() {
            if let NoteTarget::Item { key, .. } = &n.target {
                item_notes.entry(key.as_str()).or_default().push(i);
            }
        }
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut vocab: Vec<String> = Vec::new();
        let mut item_terms = Vec::with_capacity(snap.items.len());
        let mut notes_of = Vec::with_capacity(snap.items.len());
        let mut text = String::new();
        for s in &snap.items {
            text.clear();
            text.push_str(&s.item.title);
            let notes: &[usize] = item_notes.get(s.item.key.as_str()).map_or(&[], |v| v);
            for &n in notes {
                text.push_str(" . ");
                text.push_str(&snap.notes[n].text);
            }
            notes_of.push(notes.iter().map(|&n| n as u32).collect());
            let mut doc: Vec<u32> = terms(&text)
                .into_iter()
                .map(|t| match ids.get(&t) {
                    Some(&id) => id,
                    None => {
                        let id = vocab.len() as u32;
                        vocab.push(t.clone());
                        ids.insert(t, id);
                        id
                    }
                })
                .collect();
            doc.sort_unstable();
            doc.dedup();
            item_terms.push(doc.into_boxed_slice());
        }
        TextIndex {
            vocab,
            item_terms,
            item_notes: notes_of,
            built_for: (snap.items.len(), snap.notes.len()),
        }
    }

    /// Whether this index describes `snap` as it is now.
    pub(crate) fn fits(&self, snap: &Snapshot) -> bool {
        self.built_for == (snap.items.len(), snap.notes.len())
    }

    /// Distinct term ids of the item at snapshot position `i`.
    pub fn terms_of(&self, i: usize) -> &[u32] {
        self.item_terms.get(i).map_or(&[], |t| t)
    }

    /// Positions in the snapshot's notes of the notes on the item at position `i`.
    pub fn notes_of(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.item_notes
            .get(i)
            .into_iter()
            .flatten()
            .map(|&n| n as usize)
    }

    /// The text of term `id`.
    pub fn term(&self, id: u32) -> &str {
        &self.vocab[id as usize]
    }

    /// How many distinct terms there are.
    pub fn vocab_len(&self) -> usize {
        self.vocab.len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use throughline_model::{ContextNote, NoteKind, WorkItem};
    use throughline_store::StoredItem;

    use super::*;

    fn item(id: i64, key: &str, title: &str) -> StoredItem {
        StoredItem {
            id,
            item: WorkItem {
                source: "jira".into(),
                key: key.into(),
                title: title.into(),
                ..Default::default()
            },
        }
    }

    fn texts(ix: &TextIndex, i: usize) -> Vec<&str> {
        let mut t: Vec<&str> = ix.terms_of(i).iter().map(|&id| ix.term(id)).collect();
        t.sort_unstable();
        t
    }

    #[test]
    fn items_get_the_terms_of_their_title_and_notes_and_a_grown_snapshot_a_new_index() {
        let mut snap = Snapshot {
            items: vec![
                item(1, "A-1", "Flaky builds"),
                item(2, "A-2", "Flaky builds again"),
            ],
            notes: vec![ContextNote {
                target: NoteTarget::Item {
                    source: "jira".into(),
                    key: "A-2".into(),
                },
                kind: NoteKind::Why,
                text: "Release blocked".into(),
                author_team: None,
                author_name: None,
                date: "2026-08-01".parse().unwrap(),
            }],
            ..Default::default()
        };
        let ix = snap.text_index();
        assert_eq!(texts(&ix, 0), ["build", "flaky", "flaky build"]);
        // The note's words join the item's; shared terms share one id.
        assert!(texts(&ix, 1).contains(&"release blocked"));
        assert_eq!(ix.notes_of(1).collect::<Vec<_>>(), [0]);
        assert_eq!(ix.notes_of(0).count(), 0);
        assert_eq!(ix.terms_of(0)[0..1], ix.terms_of(1)[0..1]);
        assert!(Arc::ptr_eq(&ix, &snap.text_index()), "built once");

        snap.items.push(item(3, "A-3", "Rotate keys"));
        let grown = snap.text_index();
        assert!(!Arc::ptr_eq(&ix, &grown));
        assert_eq!(texts(&grown, 2), ["keys", "rotate", "rotate keys"]);
    }
}
