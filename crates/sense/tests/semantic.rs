//! Semantic mode with a stand-in embedder whose vectors know synonyms the linked work
//! never used: the engine must place such items by meaning, where lexical mode cannot.
mod common;

use std::sync::Arc;

use throughline_model::{LinkOrigin, LinkTarget};
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

/// Where a word points by its first letter: `b` and `c` words are two kinds of checkout
/// work at opposite ends of one axis, `k` and `m` words two kinds of search work at
/// opposite ends of another. Each target's average is nowhere near its work, and no
/// hyperplane parts the two targets (an XOR), so neither the targets' mean embeddings
/// nor the embedding features of the linear model can tell them apart; the nearest
/// linked items can. Other letters mean little.
struct TwoKinds;

impl Embedder for TwoKinds {
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        texts
            .iter()
            .map(|t| {
                let mut v = [0f32; 4];
                for w in t.split_whitespace() {
                    let add: [f32; 4] = match w.as_bytes()[0] {
                        b'b' => [1.0, 0.0, 0.0, 0.0],
                        b'c' => [-1.0, 0.0, 0.0, 0.0],
                        b'k' => [0.0, 1.0, 0.0, 0.0],
                        b'm' => [0.0, -1.0, 0.0, 0.0],
                        _ => [0.0, 0.0, 0.1, 0.0],
                    };
                    v.iter_mut().zip(add).for_each(|(x, a)| *x += a);
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter().map(|x| x / n).collect()
            })
            .collect()
    }
    fn name(&self) -> &str {
        "two kinds"
    }
}

/// Three words no other item uses, starting with `first`: nothing to learn from words.
fn unique_words(rng: &mut common::Rng, first: char) -> String {
    (0..3)
        .map(|_| {
            let rest: String = (0..6)
                .map(|_| (b'd' + rng.below(6) as u8) as char)
                .collect();
            format!("{first}{rest}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_nearest_linked_items_place_work_a_target_s_average_would_not() {
    let strategy = common::strategy();
    let mut rng = common::Rng::new(11);
    let (mut items, mut labels) = (Vec::new(), Vec::new());
    let target = |t: usize| {
        Some((
            LinkTarget::Initiative(common::TOPICS[t].0.into()),
            LinkOrigin::Explicit,
        ))
    };
    for i in 0..360 {
        let (first, t) = [('b', 0), ('c', 0), ('k', 1), ('m', 1)][i % 4];
        items.push(common::plain(
            &format!("L-{i}"),
            &unique_words(&mut rng, first),
            "",
        ));
        labels.push(target(t));
    }
    let first = items.len();
    for i in 0..6 {
        items.push(common::plain(
            &format!("U-{i}"),
            &unique_words(&mut rng, 'b'),
            "",
        ));
        labels.push(None);
    }
    let which: Vec<usize> = (first..items.len()).collect();
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let cfg = EngineConfig {
        mode: Mode::Semantic,
        ..Default::default()
    };
    let model = Model::train(&ts, &cfg, Some(Arc::new(TwoKinds))).unwrap();
    // The held-out fold found the neighbours worth a weight.
    let summary = model.summary();
    assert!(!summary.contains("neighbours weight 0.00"), "{summary}");
    let out = infer_all(&model, &items, &which, &[], &|_| {});
    let checkout = LinkTarget::Initiative(common::TOPICS[0].0.into());
    for inf in &out {
        // The best candidate. (Its confidence stays low: words no linked item used
        // carry little evidence, whatever they mean.)
        assert_eq!(inf.alternatives[0].0, checkout, "{inf:#?}");
        // No linked item shares its words, so the reason names the nearest in meaning:
        // checkout items of the same kind (`b` words, every fourth from L-0).
        let named: Vec<usize> = inf
            .reason
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter_map(|w| w.strip_prefix("L-")?.parse().ok())
            .collect();
        assert!(!named.is_empty(), "{}", inf.reason);
        assert!(named.iter().all(|i| i % 4 == 0), "{}", inf.reason);
    }
}
