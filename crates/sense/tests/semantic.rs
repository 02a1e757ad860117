//! Semantic mode with a stand-in embedder whose vectors know synonyms the linked work
//! never used: the engine must place such items by meaning, where lexical mode cannot.
mod common;

use std::sync::Arc;

use throughline_model::LinkTarget;
use throughline_sense::{Embedder, EngineConfig, Mode, Model, TrainingSet, infer_all};

/// Per topic (`common::TOPICS`, same order): synonyms of its words that no item or
/// strategy text contains.
const SYNONYMS: &[&[&str]] = &[
    &["basket", "purchase", "refund", "billing"],
    &["lookup", "retrieval", "findability", "typeahead"],
    &["iphone", "tablet", "handset", "smartphone"],
];

/// The topic a word means, if any.
fn meaning(w: &str) -> Option<usize> {
    (0..SYNONYMS.len()).find(|&k| common::TOPICS[k].3.contains(&w) || SYNONYMS[k].contains(&w))
}

/// One dimension per topic (the share of the text's words with that meaning) and one
/// for everything else.
struct Thesaurus;

impl Embedder for Thesaurus {
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        texts
            .iter()
            .map(|t| {
                let mut v = vec![0f32; SYNONYMS.len() + 1];
                for w in t
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                {
                    let w = w.to_lowercase();
                    match meaning(&w) {
                        Some(k) => v[k] += 1.0,
                        None => v[SYNONYMS.len()] += 0.3,
                    }
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter().map(|x| x / n).collect()
            })
            .collect()
    }
    fn name(&self) -> &str {
        "thesaurus"
    }
}

#[test]
fn meaning_places_items_whose_words_no_linked_item_used() {
    let strategy = common::strategy();
    let (mut items, mut labels) = common::linked_items(240, 7);
    let unseen = [
        ("U-1", "refund the basket purchase twice", 0),
        ("U-2", "billing purchase refund screen", 0),
        ("U-3", "typeahead lookup retrieval slow", 1),
        ("U-4", "findability of lookup retrieval", 1),
        ("U-5", "iphone tablet handset layout", 2),
        ("U-6", "smartphone handset crash on iphone", 2),
    ];
    let first = items.len();
    for (key, title, _) in unseen {
        items.push(common::plain(key, title, ""));
        labels.push(None);
    }
    let which: Vec<usize> = (first..items.len()).collect();
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let right = |out: &[throughline_sense::Inference]| {
        out.iter()
            .zip(unseen)
            .filter(|(inf, (_, _, t))| {
                inf.alternatives[0].0 == LinkTarget::Initiative(common::TOPICS[*t].0.into())
            })
            .count()
    };

    let lexical = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    let lex_out = infer_all(&lexical, &items, &which, &[], &|_| {});
    assert!(lex_out.iter().all(|i| i.mode == Mode::Lexical));

    let cfg = EngineConfig {
        mode: Mode::Semantic,
        ..Default::default()
    };
    let semantic = Model::train(&ts, &cfg, Some(Arc::new(Thesaurus))).unwrap();
    assert_eq!(semantic.mode(), Mode::Semantic);
    assert!(semantic.summary().starts_with("semantic mode"));
    let sem_out = infer_all(&semantic, &items, &which, &[], &|_| {});
    assert!(sem_out.iter().all(|i| i.mode == Mode::Semantic));
    assert_eq!(right(&sem_out), unseen.len(), "{sem_out:#?}");
    // Their words are unknown to the lexical model, which can only guess.
    assert!(right(&lex_out) < unseen.len(), "{lex_out:#?}");
    // A single item, inferred on its own, gets the same answer as in a batch.
    let one = semantic.infer(&items[first], &[]);
    assert_eq!(one.alternatives[0].0, sem_out[0].alternatives[0].0);
}
