//! Reports on real public data (../shared/data/iceberg) with the example strategy in
//! examples/iceberg: skipped, saying so, where the data is absent.

mod common;

use common::{Env, shared_data};

#[test]
fn iceberg_history_reads_sensibly() {
    let Some(data) = shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let env = Env::new();
    let strategy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/iceberg/strategy.toml"
    );
    env.ok(&["strategy", "apply", strategy, "--quiet"]);
    let commits = data.join("iceberg/commits.jsonl").display().to_string();
    let import = env.json(&["import", "csv", &commits, "--source", "iceberg", "--quiet"]);
    assert_eq!(import["files"][0]["inserted"], 7_881);
    assert_eq!(
        import["links"]["explicit"], 5_279,
        "items whose component an initiative selects"
    );

    let status = env.json(&["status", "--period", "2024"]);
    let total = status["total"]["items"].as_f64().unwrap();
    let share = |k: &str| status[k]["items"].as_f64().unwrap() / total;
    assert!(total > 1000.0);
    assert!(
        (0.5..0.95).contains(&share("aligned")),
        "{}",
        share("aligned")
    );
    // Build, docs and CI work is selected by no initiative; some of it must read as
    // keeping the lights on rather than being forced onto a goal.
    let reasons = status["off_plan_by_reason"].as_array().unwrap();
    let maintenance = reasons.iter().find(|r| r["reason"] == "maintenance");
    assert!(
        maintenance.is_some_and(|r| r["work"]["items"].as_u64().unwrap() > 20),
        "{reasons:?}"
    );

    let brief = env.ok(&["brief", "--period", "2024"]);
    assert!(brief.contains("What we are executing"), "{brief}");
    assert!(brief.contains("Spark integration"), "{brief}");
    let answer = env.json(&["ask", "how much work goes to the table format?"]);
    assert!(
        !answer["answer"]["cited"].as_array().unwrap().is_empty(),
        "{answer}"
    );
}
