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

/// A Jira search page of `(key, created, components)` issues, as Jira Server returns it.
fn jira_page(issues: &[(String, &str, Vec<String>)]) -> String {
    let issues: Vec<serde_json::Value> = issues
        .iter()
        .map(|(key, created, components)| {
            let project = key.rsplit_once('-').unwrap().0;
            serde_json::json!({
                "id": "1",
                "key": key,
                "fields": {
                    "summary": format!("work {key}"),
                    "issuetype": {"name": "Bug"},
                    "project": {"key": project, "name": project},
                    "status": {"name": "Closed", "statusCategory": {"key": "done"}},
                    "created": format!("{created}T10:00:00.000+0000"),
                    "components": components.iter().map(|c| serde_json::json!({"name": c})).collect::<Vec<_>>(),
                }
            })
        })
        .collect();
    serde_json::json!({"startAt": 0, "maxResults": issues.len(), "total": issues.len(), "issues": issues})
        .to_string()
}

/// Work that went quiet years ago (its newest item is from 2020), across two projects:
/// big areas busy until a few years before the end, a tiny area holding the last weeks,
/// and a small project of many small components.
#[test]
fn a_draft_of_quiet_work_ranks_by_its_own_recent_years_covers_each_project_and_says_what_it_leaves_out()
 {
    let env = Env::new();
    let mut timob = Vec::new();
    let mut n = 0;
    let mut key = |space: &str| {
        n += 1;
        format!("{space}-{n}")
    };
    for k in 0..120 {
        let c = if k % 2 == 0 { "Android" } else { "MobileWeb" };
        timob.push((key("TIMOB"), "2013-03-01", vec![c.to_string()]));
    }
    for k in 0..60 {
        let c = if k % 3 == 0 { "Runtime" } else { "Android" };
        timob.push((key("TIMOB"), "2017-05-01", vec![c.to_string()]));
    }
    for _ in 0..3 {
        timob.push((key("TIMOB"), "2020-10-01", vec!["ImageFactory".to_string()]));
    }
    let daemon: Vec<_> = (0..24)
        .map(|k| {
            (
                key("DAEMON"),
                "2017-06-01",
                vec![format!("appcd-{}", k / 2)],
            )
        })
        .collect();
    env.write("TIMOB.json", &jira_page(&timob));
    env.write("DAEMON.json", &jira_page(&daemon));
    env.ok(&["import", "jira", "TIMOB.json", "DAEMON.json", "--quiet"]);

    let d = env.json(&["strategy", "draft", "--max", "3"]);
    assert_eq!(d["kind"], "component");
    assert_eq!(d["recent"]["months"], 48, "{d}");
    assert_eq!(d["recent"]["widened_from"], 3);
    let got: Vec<(String, u64)> = d["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["value"].as_str().unwrap().to_string(),
                c["items"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("Android".to_string(), 100),
            ("Runtime".to_string(), 20),
            ("DAEMON".to_string(), 24)
        ]
    );
    assert_eq!(d["left_out"]["items"], 63);
    assert_eq!(d["left_out"]["projects"][0]["project"], "TIMOB");
    assert_eq!(d["left_out"]["candidates"][0]["value"], "MobileWeb");
    assert_eq!(d["left_out"]["candidates"][0]["items"], 60);

    // Written to a file: the person is told what is left out, the file says it too, and
    // applied as drafted, the selectors link what the draft said they reach.
    let out = env
        .cmd()
        .args(["strategy", "draft", "--max", "3", "--out", "draft.toml"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("Left out: 63 items (30%): TIMOB 63 of 183"),
        "{said}"
    );
    let text = std::fs::read_to_string(env.path("draft.toml")).unwrap();
    assert!(text.contains("projects = [\"DAEMON\"]"), "{text}");
    assert!(
        text.contains("#   components = [\"MobileWeb\"]   # 60 items, 0 recent"),
        "{text}"
    );
    env.ok(&["strategy", "apply", "draft.toml", "--quiet"]);
    let status = env.json(&["status"]);
    assert_eq!(
        status["aligned_by_origin"]["explicit"]["items"].as_u64(),
        d["reached"].as_u64()
    );
}

/// On the real Appcelerator Jira (ALOY, DAEMON, MOD, TIMOB): whose newest item is from
/// 2021, the draft ranks by its last active years, covers every project or lists it
/// with its size, and names what it leaves out.
#[test]
fn a_draft_of_the_appcelerator_jira_covers_every_project() {
    let Some(data) = common::shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let env = Env::new();
    let files: Vec<String> = ["ALOY", "DAEMON", "MOD", "TIMOB"]
        .iter()
        .map(|p| {
            data.join(format!("appcelerator/{p}.json"))
                .display()
                .to_string()
        })
        .collect();
    let mut args = vec!["import", "jira", "--no-align", "--quiet"];
    args.extend(files.iter().map(String::as_str));
    env.ok(&args);
    let d = env.json(&["strategy", "draft"]);
    let values: Vec<&str> = d["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    // A component of nine items is no initiative because its items are the last ones.
    assert!(!values.contains(&"ImageFactory"), "{values:?}");
    assert!(
        values.contains(&"Android") && values.contains(&"iOS"),
        "{values:?}"
    );
    assert!(
        d["recent"]["widened_from"].as_u64().is_some(),
        "{}",
        d["recent"]
    );
    // Every project holding 1% of the work is covered; the others are listed.
    let work = d["work_items"].as_f64().unwrap();
    for p in d["projects"].as_array().unwrap() {
        let items = p["items"].as_f64().unwrap();
        if items >= 0.01 * work {
            assert_eq!(p["covered"], true, "{p}");
        }
    }
    assert!(
        values.contains(&"DAEMON"),
        "the daemon's 317 items: {values:?}"
    );
    // What is left out is said, with its size, and the big areas not drafted are named.
    let left = d["left_out"]["items"].as_u64().unwrap();
    assert!(left > 0);
    let listed: u64 = d["left_out"]["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["items"].as_u64().unwrap() - p["reached"].as_u64().unwrap())
        .sum();
    assert_eq!(
        listed, left,
        "every item left out is in some project's count"
    );
    let named: Vec<&str> = d["left_out"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    for big in ["Runtime", "Code Processor", "LiveView"] {
        assert!(
            values.contains(&big) || named.contains(&big),
            "{big}: {values:?} {named:?}"
        );
    }
}
