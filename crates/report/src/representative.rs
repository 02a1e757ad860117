//! The items that stand for a group: what a reader should open first to see what the
//! group is made of. Key order shows the oldest tickets; the group's most common words
//! show what most of its work is about.

use std::collections::{HashMap, HashSet};

use throughline_store::StoredItem;

use crate::Snapshot;
use crate::words::tokens;

/// Every item by its key, for lookups of many keys.
pub(crate) fn by_key(snap: &Snapshot) -> HashMap<&str, &StoredItem> {
    snap.items
        .iter()
        .map(|s| (s.item.key.as_str(), s))
        .collect()
}

/// Up to `n` of `keys`, most representative first: items whose title words are the
/// group's common words (each word weighed by how many of the group's items share it),
/// no two alike (an item sharing most of its words with one already chosen is passed
/// over), ties to the surer link, then the newer item.
pub(crate) fn representative(
    snap: &Snapshot,
    index: &HashMap<&str, &StoredItem>,
    keys: &[String],
    n: usize,
) -> Vec<String> {
    if keys.len() <= n {
        return keys.to_vec();
    }
    let items: Vec<(&StoredItem, HashSet<String>)> = keys
        .iter()
        .filter_map(|k| index.get(k.as_str()))
        .map(|s| (*s, tokens(&s.item.title).into_iter().collect()))
        .collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for (_, words) in &items {
        for w in words {
            *df.entry(w.as_str()).or_default() += 1;
        }
    }
    let size = items.len().max(1) as f64;
    // (typicality, link confidence, created, key, title words)
    type Scored<'a> = (f64, f32, Option<i64>, &'a str, &'a HashSet<String>);
    let mut scored: Vec<Scored> = items
        .iter()
        .map(|(s, words)| {
            // Words only this item has say nothing of the group; a title of one word
            // says little of the item.
            // Summed as integers: a float sum in the hash set's order differs from run
            // to run in its last bits, and items of the same title then swap places.
            let shared_count: usize = words
                .iter()
                .map(|w| df[w.as_str()])
                .filter(|&c| c >= 2)
                .sum();
            let shared = shared_count as f64 / size;
            let score = shared / (words.len() as f64 + 1.0).sqrt();
            let confidence = snap.links.get(&s.id).map_or(0.0, |l| l.confidence);
            let created = s.item.created.map(|t| t.timestamp());
            (score, confidence, created, s.item.key.as_str(), words)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| b.2.cmp(&a.2))
            .then_with(|| a.3.cmp(b.3))
    });
    let mut chosen: Vec<(&str, &HashSet<String>)> = Vec::new();
    for &(_, _, _, key, words) in &scored {
        if chosen.len() == n {
            break;
        }
        let alike = chosen.iter().any(|(_, c)| {
            let common = c.intersection(words).count();
            common * 3 > c.len().max(words.len()) * 2
        });
        if !alike {
            chosen.push((key, words));
        }
    }
    // Groups of near-identical titles still give `n` items.
    for &(_, _, _, key, words) in &scored {
        if chosen.len() == n {
            break;
        }
        if !chosen.iter().any(|(k, _)| *k == key) {
            chosen.push((key, words));
        }
    }
    chosen.into_iter().map(|(k, _)| k.to_string()).collect()
}

/// The words most of `keys`' titles share, most common first (each with its count).
pub(crate) fn common_words(
    index: &HashMap<&str, &StoredItem>,
    keys: &[String],
    n: usize,
) -> Vec<(String, usize)> {
    let mut df: HashMap<String, usize> = HashMap::new();
    for k in keys {
        if let Some(s) = index.get(k.as_str()) {
            let words: HashSet<String> = tokens(&s.item.title).into_iter().collect();
            for w in words {
                *df.entry(w).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(String, usize)> = df.into_iter().filter(|(_, c)| *c >= 2).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

/// The areas (first component, else project) the items are filed under, largest first,
/// at most `n`: where work the strategy does not cover sits.
pub(crate) fn areas_of(snap: &Snapshot, keys: &[String], n: usize) -> Vec<(String, usize)> {
    let keys: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for s in snap
        .items
        .iter()
        .filter(|s| keys.contains(s.item.key.as_str()))
    {
        if let Some(a) = s
            .item
            .components
            .first()
            .cloned()
            .or_else(|| s.item.project.clone())
        {
            *counts.entry(a).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}
