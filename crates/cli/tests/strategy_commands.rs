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
    assert!(out.contains("1 goals, 1 metrics, 1 initiatives"), "{out}");
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
