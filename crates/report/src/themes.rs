//! Themes: off-plan work and the notes about it, grouped into a handful of plain labels
//! such as "bug / incident: flaky ci, build".
//!
//! Deterministic and explainable on purpose: within each off-plan reason, the term that
//! is most frequent in the group and rarest in all work (TF-IDF over titles and notes,
//! unigrams and bigrams) anchors a theme; its items leave the pool and the next anchor
//! is picked, up to a few themes per reason. The rest is "other `<reason>`".

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use throughline_model::OffPlanReason;

use crate::class::WorkClass;
use crate::drift::QuotedNote;
use crate::status::Figure;
use crate::text_index::TextIndex;
use crate::{Scope, Snapshot};

/// How themes are found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeOptions {
    /// At most this many themes per reason (before "other").
    pub per_reason: usize,
    /// A theme needs at least this many items.
    pub min_items: usize,
    /// Also theme work that is not linked yet or unclear (useful before `align` ran).
    pub include_unplaced: bool,
}

impl Default for ThemeOptions {
    fn default() -> Self {
        ThemeOptions {
            per_reason: 3,
            min_items: 3,
            include_unplaced: false,
        }
    }
}

/// An example item: key and title.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    pub key: String,
    pub title: String,
}

/// One theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Theme {
    /// The off-plan reason, or `None` for work not placed yet.
    pub reason: Option<OffPlanReason>,
    /// Plain words: reason and the most distinctive terms.
    pub label: String,
    /// The distinctive terms, most distinctive first.
    pub terms: Vec<String>,
    pub work: Figure,
    pub examples: Vec<Example>,
    pub notes: Vec<QuotedNote>,
}

/// Themes of the off-plan work in a scope, largest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemesReport {
    pub total_off_plan: usize,
    pub themes: Vec<Theme>,
}

/// Groups the scope's off-plan work (and the notes on it) into themes.
pub fn themes(snap: &Snapshot, scope: &Scope, opts: &ThemeOptions) -> ThemesReport {
    // Notes attached to items join the item's text (the index holds both): they often
    // say what the title does not.
    let index = snap.text_index();
    // Documents are the items in scope, by snapshot position; df counts over them.
    let mut docs: Vec<usize> = Vec::new();
    let mut df = vec![0u32; index.vocab_len()];
    let mut buckets: BTreeMap<Option<OffPlanReason>, Vec<usize>> = BTreeMap::new();
    for (idx, s) in snap.items.iter().enumerate() {
        if !scope.includes(&s.item) {
            continue;
        }
        for &t in index.terms_of(idx) {
            df[t as usize] += 1;
        }
        let bucket = match WorkClass::of(snap.links.get(&s.id), &snap.strategy) {
            WorkClass::OffPlan(r) => Some(Some(r)),
            WorkClass::Unclear | WorkClass::Unlinked if opts.include_unplaced => Some(None),
            _ => None,
        };
        if let Some(b) = bucket {
            buckets.entry(b).or_default().push(docs.len());
        }
        docs.push(idx);
    }
    let n_docs = docs.len().max(1) as f64;
    let idf = |t: u32| (n_docs / (1.0 + df[t as usize] as f64)).ln() + 1.0;
    let terms = Terms {
        index: &index,
        docs: &docs,
        idf: &idf,
    };

    let mut out = Vec::new();
    let mut total_off_plan = 0;
    let mut counts = vec![0u32; index.vocab_len()];
    for (reason, members) in buckets {
        if reason.is_some() {
            total_off_plan += members.len();
        }
        let reason_label = reason.map_or("not placed yet", |r| r.label());
        let mut pool: Vec<usize> = members;
        for _ in 0..opts.per_reason {
            let Some(anchor) = terms.best(&pool, opts.min_items, &HashSet::new(), &mut counts)
            else {
                break;
            };
            let (inside, rest): (Vec<usize>, Vec<usize>) = pool
                .iter()
                .partition(|&&d| index.terms_of(docs[d]).binary_search(&anchor).is_ok());
            let anchor = index.term(anchor).to_string();
            // Two more terms that describe the group, distinct from the anchor's words.
            let mut used: HashSet<String> = anchor.split(' ').map(str::to_string).collect();
            used.insert(anchor.clone());
            let mut label_terms = vec![anchor];
            for _ in 0..2 {
                let min = (inside.len() / 3).max(2);
                match terms.best(&inside, min, &used, &mut counts) {
                    Some(t) => {
                        let t = index.term(t).to_string();
                        used.extend(t.split(' ').map(str::to_string));
                        used.insert(t.clone());
                        label_terms.push(t);
                    }
                    None => break,
                }
            }
            out.push(theme(
                snap,
                reason,
                reason_label,
                label_terms,
                &inside,
                &docs,
                &index,
            ));
            pool = rest;
        }
        if !pool.is_empty() {
            out.push(theme(
                snap,
                reason,
                reason_label,
                Vec::new(),
                &pool,
                &docs,
                &index,
            ));
        }
    }
    // Named themes first, largest first; the "other" remainders after them.
    out.sort_by(|a, b| {
        a.terms
            .is_empty()
            .cmp(&b.terms.is_empty())
            .then_with(|| b.work.items.cmp(&a.work.items))
            .then_with(|| a.label.cmp(&b.label))
    });
    ThemesReport {
        total_off_plan,
        themes: out,
    }
}

/// The terms of the documents in scope, with their idf.
struct Terms<'a> {
    index: &'a TextIndex,
    /// Snapshot position of each document.
    docs: &'a [usize],
    idf: &'a dyn Fn(u32) -> f64,
}

impl Terms<'_> {
    /// The term with the highest count x idf in `pool`, seen in at least `min` items;
    /// ties broken by the term's text so the result never depends on the order terms
    /// were first seen. `counts` is scratch space, one slot per term, left zeroed.
    fn best(
        &self,
        pool: &[usize],
        min: usize,
        exclude: &HashSet<String>,
        counts: &mut [u32],
    ) -> Option<u32> {
        let mut seen: Vec<u32> = Vec::new();
        for &d in pool {
            for &t in self.index.terms_of(self.docs[d]) {
                if counts[t as usize] == 0 {
                    seen.push(t);
                }
                counts[t as usize] += 1;
            }
        }
        let mut best: Option<(f64, &str, u32)> = None;
        for &t in &seen {
            let c = std::mem::take(&mut counts[t as usize]) as usize;
            let text = self.index.term(t);
            if c < min || exclude.contains(text) || text.split(' ').any(|w| exclude.contains(w)) {
                continue;
            }
            // Bigrams read better as labels; a small bonus breaks near-ties their way.
            let score = c as f64 * (self.idf)(t) * if text.contains(' ') { 1.2 } else { 1.0 };
            let better = match best {
                None => true,
                Some((s, b, _)) => score.total_cmp(&s).then_with(|| b.cmp(text)).is_gt(),
            };
            if better {
                best = Some((score, text, t));
            }
        }
        best.map(|(_, _, t)| t)
    }
}

fn theme(
    snap: &Snapshot,
    reason: Option<OffPlanReason>,
    reason_label: &str,
    label_terms: Vec<String>,
    members: &[usize],
    docs: &[usize],
    index: &TextIndex,
) -> Theme {
    let mut work = Figure::default();
    let mut examples = Vec::new();
    let mut notes = Vec::new();
    let mut seen_notes = HashSet::new();
    for &d in members {
        let item = &snap.items[docs[d]].item;
        work.add(item);
        if examples.len() < 5 {
            examples.push(Example {
                key: item.key.clone(),
                title: item.title.clone(),
            });
        }
        for n in index.notes_of(docs[d]) {
            // The same words on several items are quoted once.
            if seen_notes.insert(snap.notes[n].text.as_str()) {
                notes.push(QuotedNote::of(&snap.notes[n]));
            }
        }
    }
    let label_terms = as_written(
        &label_terms,
        members.iter().flat_map(|&d| {
            let s = &snap.items[docs[d]];
            std::iter::once(s.item.title.as_str())
                .chain(index.notes_of(docs[d]).map(|n| snap.notes[n].text.as_str()))
        }),
    );
    let label = if label_terms.is_empty() {
        format!("{reason_label}: other")
    } else {
        format!("{reason_label}: {}", label_terms.join(", "))
    };
    Theme {
        reason,
        label,
        terms: label_terms,
        work,
        examples,
        notes,
    }
}

/// The label's terms as the group's titles and notes write them: each stemmed word
/// becomes its most common written form among them (ties: the shorter, then the first
/// alphabetically), so a theme reads "upgrade kubernetes", not "upgrade kubernete".
fn as_written<'a>(terms: &[String], texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    let wanted: HashSet<&str> = terms.iter().flat_map(|t| t.split(' ')).collect();
    let mut seen: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for text in texts {
        for (stem, word) in crate::words::stems_and_words(text) {
            if wanted.contains(stem.as_str()) {
                *seen.entry(stem).or_default().entry(word).or_default() += 1;
            }
        }
    }
    let written = |stem: &str| -> String {
        seen.get(stem)
            .and_then(|forms| {
                forms.iter().max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then_with(|| b.0.len().cmp(&a.0.len()))
                        .then_with(|| b.0.cmp(a.0))
                })
            })
            .map_or_else(|| stem.to_string(), |(w, _)| w.clone())
    };
    terms
        .iter()
        .map(|t| t.split(' ').map(written).collect::<Vec<_>>().join(" "))
        .collect()
}

impl ThemesReport {
    /// Plain text for the terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        if self.themes.is_empty() {
            return "No off-plan work in this scope yet (run `throughline align` to classify unlinked work).\n".into();
        }
        let _ = writeln!(
            o,
            "Themes in the off-plan work ({})\n",
            crate::text::plural(self.total_off_plan, "item")
        );
        for t in &self.themes {
            let _ = writeln!(o, "{:>5} items  {}", t.work.items, t.label);
            for e in t.examples.iter().take(3) {
                let _ = writeln!(o, "             {}  {}", e.key, e.title);
            }
            for n in t.notes.iter().take(2) {
                let _ = writeln!(o, "             note ({}): \"{}\"", n.kind, n.text);
            }
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_as_the_work_writes_them() {
        let texts = [
            "Upgrade Kubernetes to 1.30",
            "kubernetes node pools",
            "Bump Node images",
            "Upgrades of the node agent",
        ];
        let terms = vec![
            "upgrade kubernete".to_string(),
            "node".into(),
            "gone".into(),
        ];
        assert_eq!(
            as_written(&terms, texts.into_iter()),
            ["upgrade kubernetes", "node", "gone"]
        );
        // The stems themselves still group "upgrade" and "upgrades".
        assert_eq!(crate::words::stem("kubernetes"), "kubernete");
    }
}
