mod common;
use throughline_sense::{EngineConfig, Model, TrainingSet};
#[test]
fn dbg() {
    let strategy = common::strategy();
    let (items, labels) = common::linked_items(240, 13);
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    eprintln!("{}", m.summary());
    for t in [
        "",
        "crashed",
        "Nightly batch crashed with OOM",
        "nightly",
        "batch",
        "oom",
        "with",
        "Export reports as CSV for a client",
    ] {
        eprintln!(
            "{t:?} -> {:?}",
            m.infer(&common::plain("D", t, ""), &[]).alternatives
        );
    }
    eprintln!("{:?}", &items[..3]);
}
