//! Semantic mode with the real model (all-MiniLM-L6-v2), end to end through the binary.
//! Built only with `--features semantic`; skips, saying so, when the model files were not
//! fetched (`crates/embed/scripts/fetch-model.sh crates/embed/models/all-MiniLM-L6-v2`).
//! CI fetches them and runs this.
#![cfg(feature = "semantic")]

mod common;

use common::Env;

/// Whether the model files are where the binary looks by default; says so when not.
fn model_fetched() -> bool {
    let model = throughline_embed::default_model_dir();
    let found = model.join("model.safetensors").is_file();
    if !found {
        eprintln!("skipping: no model in {}", model.display());
    }
    found
}

#[test]
fn align_and_eval_with_the_real_model_embed_each_text_once() {
    if !model_fetched() {
        return;
    }
    let env = Env::new();
    env.ok(&["demo", "--items", "400", "--quiet"]);
    let lexical = env.json(&["align"]);
    assert_eq!(lexical["inferred"]["mode"], "lexical");

    let first = env.json(&["align", "--semantic"]);
    assert_eq!(first["inferred"]["mode"], "semantic");
    let inferred = first["inferred"]["inferred"].as_u64().unwrap();
    let trained_on = first["inferred"]["trained_on"].as_u64().unwrap();
    assert!(inferred > 50, "{first}");
    // Every linked and every inferred item's text, give or take identical texts.
    let embedded = first["inferred"]["embedded"].as_u64().unwrap();
    assert!(embedded > (inferred + trained_on) * 9 / 10, "{first}");

    let second = env.json(&["align", "--semantic"]);
    assert_eq!(second["inferred"]["embedded"], 0, "{second}");
    assert_eq!(second["inferred"]["inferred"], inferred);

    // Held-out accuracy in semantic mode stays in the lexical engine's league.
    let lex = env.json(&["eval"]);
    let sem = env.json(&["eval", "--semantic"]);
    assert_eq!(sem["systems"][0]["mode"], "semantic", "{sem}");
    let top1 = |v: &serde_json::Value| v["systems"][0]["top1"].as_f64().unwrap();
    assert!(top1(&sem) >= top1(&lex) - 0.05, "{sem} vs {lex}");
}

#[test]
fn on_real_iceberg_history_semantic_mode_reaches_the_bar_and_beats_lexical() {
    if !model_fetched() {
        return;
    }
    let Some(data) = common::shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let env = Env::new();
    let commits = data.join("iceberg/commits.jsonl").display().to_string();
    env.ok(&["import", "csv", &commits, "--source", "iceberg", "--quiet"]);
    let eval = |extra: &[&str]| {
        let mut args = vec!["eval", "--truth", "components", "--quiet"];
        args.extend_from_slice(extra);
        let v = env.json(&args);
        let s = &v["systems"][0];
        (
            s["top1"].as_f64().unwrap(),
            s["top3"].as_f64().unwrap(),
            s["ece"].as_f64().unwrap(),
        )
    };
    let (l1, l3, _) = eval(&[]);
    let (s1, s3, ece) = eval(&["--semantic"]);
    // Measured: lexical 0.703 / 0.843, semantic 0.705 / 0.851 (ECE 0.065). Issue 5's
    // bar, on the real data through the real importer and command: top-1 0.70, top-3
    // 0.85, ECE 0.08.
    assert!(s1 >= 0.70 && s3 >= 0.85, "semantic {s1} / {s3}");
    assert!(
        s3 >= l3 && s1 >= l1 - 0.005,
        "semantic {s1} / {s3} vs lexical {l1} / {l3}"
    );
    assert!(ece <= 0.08, "{ece}");
}
