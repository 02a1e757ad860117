//! The evaluation report as people read it: the figures stay under their headings.
mod common;

use throughline_model::LinkTarget;
use throughline_sense::eval::{EvalConfig, evaluate};

#[test]
fn every_figure_sits_under_its_heading() {
    let strategy = common::strategy();
    let mut rng = common::Rng::new(11);
    let (mut items, mut truth) = (Vec::new(), Vec::new());
    for i in 0..300 {
        let t = rng.below(3);
        items.push(common::item(&mut rng, &format!("K-{i}"), t, 3, i as i64));
        truth.push(LinkTarget::Initiative(common::TOPICS[t].0.into()));
    }
    let cfg = EvalConfig::default();
    let r = evaluate(&strategy, &items, &truth, &[], &cfg, None).unwrap();
    let text = r.to_string();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("top1   top3"))
        .unwrap();
    // Where the "top1" heading ends: each system's top-1 figure ends there too.
    let end = lines[header].find("top1").unwrap() + 4;
    let rows = &lines[header + 1..=header + r.systems.len()];
    assert_eq!(rows.len(), 3, "the engine and two baselines\n{text}");
    for row in rows {
        let figure = &row[..end];
        assert!(
            figure.ends_with(|c: char| c.is_ascii_digit()) && row[end..].starts_with(' '),
            "a figure out of its column:\n{text}"
        );
    }
}
