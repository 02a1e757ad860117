//! Debug aid: trains on the real-data time split (iceberg or storypoints) and prints
//! per-target accuracy, the most common confusions and some wrong answers with reasons.
//!
//! `cargo run --release -p throughline-sense --example confusion [-- storypoints]`; with
//! `--top3-misses`, every held-out item whose answer is not among the best three instead.
#[path = "support/shared_data.rs"]
mod shared_data;
use std::collections::HashMap;
use throughline_model::LinkOrigin;
use throughline_sense::{EngineConfig, Model, TrainingSet, eval::time_order, infer_all};

fn main() {
    let dir = shared_data::data_dir().expect("data");
    let name = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or("iceberg".into());
    let top3_misses = std::env::args().any(|a| a == "--top3-misses");
    let ds = if name == "iceberg" {
        shared_data::iceberg(&dir)
    } else {
        shared_data::storypoints(&dir)
    };
    let mut items = ds.items.clone();
    for it in items.iter_mut() {
        it.components.clear();
        it.project = None;
    }
    let order = time_order(&items);
    let n_test = (items.len() as f32 * 0.2).round() as usize;
    let (tr, te) = order.split_at(items.len() - n_test);
    let mut labels = vec![None; items.len()];
    for &i in tr {
        labels[i] = Some((ds.truth[i].clone(), LinkOrigin::Explicit));
    }
    let ts = TrainingSet::new(&ds.strategy, &items, &labels, &[]).unwrap();
    // As in `eval::evaluate`: the truth has no off-plan items, so off-plan rules are off.
    let cfg = EngineConfig {
        offplan_rules: false,
        ..Default::default()
    };
    let m = Model::train(&ts, &cfg, None).unwrap();
    println!("{}", m.summary());
    let out = infer_all(&m, &items, te, &[], &|_| {});
    if top3_misses {
        for (k, &i) in te.iter().enumerate() {
            let alts = &out[k].alternatives;
            if alts.iter().any(|a| a.0 == ds.truth[i]) {
                continue;
            }
            let best: Vec<String> = alts.iter().map(|(t, p)| format!("{t}={p:.2}")).collect();
            println!(
                "{:28} [{}] {}",
                ds.truth[i].to_string(),
                best.join(" "),
                items[i].title
            );
        }
        return;
    }
    let mut conf: HashMap<(String, String), usize> = HashMap::new();
    for (k, &i) in te.iter().enumerate() {
        let p = &out[k].alternatives[0].0;
        if *p != ds.truth[i] {
            *conf
                .entry((ds.truth[i].to_string(), p.to_string()))
                .or_default() += 1;
        }
    }
    let mut v: Vec<_> = conf.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    let mut per: HashMap<String, (usize, usize, usize)> = HashMap::new();
    for (k, &i) in te.iter().enumerate() {
        let e = per.entry(ds.truth[i].to_string()).or_default();
        e.0 += 1;
        if out[k].alternatives[0].0 == ds.truth[i] {
            e.1 += 1;
        }
        if out[k].alternatives.iter().any(|a| a.0 == ds.truth[i]) {
            e.2 += 1;
        }
    }
    let mut pv: Vec<_> = per.into_iter().collect();
    pv.sort_by_key(|x| std::cmp::Reverse(x.1.0));
    for (c, (n, a, b)) in &pv {
        println!(
            "{c:30} n={n:4} top1={:.2} top3={:.2} lost1={}",
            *a as f32 / *n as f32,
            *b as f32 / *n as f32,
            n - a
        );
    }
    for ((t, p), n) in v.iter().take(25) {
        println!("{n:4} truth {t:30} pred {p}");
    }
    for (k, &i) in te
        .iter()
        .enumerate()
        .filter(|(k, i)| out[*k].alternatives[0].0 != ds.truth[**i])
        .step_by(7)
        .take(40)
    {
        println!(
            "{} | {} | {:?} {:.2} | {}",
            items[i].title, ds.truth[i], out[k].target, out[k].confidence, out[k].reason
        );
    }
}
