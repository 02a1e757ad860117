mod common;

use common::Env;

const STRATEGY: &str = r#"
[[goal]]
id = "grow"
title = "Grow self-serve revenue"

[[metric]]
id = "conv"
goal = "grow"
name = "Trial conversion"
baseline = 3.0
target = 4.0

[[initiative]]
id = "checkout"
goals = ["grow"]
title = "Checkout redesign"
labels = ["checkout"]
"#;

#[test]
fn check_names_each_bad_line_and_fails() {
    let env = Env::new();
    env.write("bad.toml", "[[goal]]\nid = \"g\"\ntitle = \"G\"\n\n[[initiative]]\nid = \"i\"\ngoals = [\"nope\"]\ntitle = \"I\"\n");
    let err = env.fails(&["strategy", "check", "bad.toml"]);
    assert!(err.contains("line 7"), "{err}");
    assert!(err.contains("unknown goal `nope`"), "{err}");
}

#[test]
fn apply_versions_and_show() {
    let env = Env::new();
    env.write("s.toml", STRATEGY);
    let out = env.ok(&["strategy", "check", "s.toml"]);
    assert!(out.contains("1 goal, 1 metric, 1 initiative"), "{out}");
    assert!(
        env.ok(&["strategy", "apply", "s.toml"])
            .contains("version 1")
    );
    assert!(
        env.ok(&["strategy", "apply", "s.toml"])
            .contains("version 2")
    );
    let shown = env.ok(&["strategy", "show"]);
    assert!(
        shown.contains("Goal grow: Grow self-serve revenue"),
        "{shown}"
    );
    assert!(
        shown.contains("initiative checkout: Checkout redesign (labels checkout)"),
        "{shown}"
    );
    let history = env.json(&["strategy", "show", "--history"]);
    assert_eq!(history.as_array().map(Vec::len), Some(2));
}

#[test]
fn the_example_is_valid() {
    let env = Env::new();
    env.ok(&["init", "--strategy-example", "example.toml"]);
    env.ok(&["strategy", "check", "example.toml"]);
    env.ok(&["strategy", "apply", "example.toml"]);
    // Its timeframe is stored and shown with the initiative.
    let shown = env.ok(&["strategy", "show"]);
    assert!(
        shown.contains("(epics PAY-1; labels checkout, 2026-07-01 to 2026-12-31)"),
        "{shown}"
    );
    // init refuses to overwrite.
    env.fails(&["init", "--strategy-example", "example.toml"]);
}

#[test]
fn a_drafted_strategy_checks_applies_and_aligns_the_work() {
    let env = Env::new();
    env.ok(&["demo", "--quiet"]);
    let draft = env.json(&["strategy", "draft", "--max", "5"]);
    assert_eq!(draft["kind"], "epic", "the demo's work sits under epics");
    assert_eq!(draft["initiatives"].as_array().unwrap().len(), 5);
    let out = env
        .cmd()
        .args(["strategy", "draft", "--max", "5", "--out", "draft.toml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 initiatives drafted"));
    // Never over someone's file.
    let err = env.fails(&["strategy", "draft", "--out", "draft.toml"]);
    assert!(err.contains("must not exist"), "{err}");

    let checked = env.ok(&["strategy", "check", "draft.toml"]);
    assert!(
        checked.contains("1 goal, 0 metrics, 5 initiatives"),
        "{checked}"
    );
    env.ok(&["strategy", "apply", "draft.toml", "--quiet"]);
    let status = env.json(&["status"]);
    let goal = &status["goals"][0];
    assert_eq!(goal["id"], "goal-1");
    let reached = draft["reached"].as_u64().unwrap();
    let explicit = status["aligned_by_origin"]["explicit"]["items"]
        .as_u64()
        .unwrap();
    assert_eq!(
        explicit, reached,
        "the epics select what the draft said they reach"
    );
}
