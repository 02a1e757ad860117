//! `throughline eval --product-path` on a real database made through the CLI: a strategy
//! of three component-selected initiatives and work in clearly separate words.

mod common;

use common::Env;
use serde_json::Value;

const STRATEGY: &str = r#"
[[goal]]
id = "grow"
title = "Grow revenue"

[[goal]]
id = "rely"
title = "Reliable platform"

[[initiative]]
id = "payments"
goals = ["grow"]
title = "Payments"
description = "Cards, invoices and refunds"
components = ["Payments"]
epics = ["PAY-KEY"]

[[initiative]]
id = "search"
goals = ["grow"]
title = "Search"
description = "Queries, ranking and the index"
components = ["Search"]

[[initiative]]
id = "storage"
goals = ["rely"]
title = "Storage"
description = "Disks, replication and backups"
components = ["Storage"]
"#;

const AREAS: [(&str, [&str; 8]); 3] = [
    (
        "Payments",
        [
            "card", "invoice", "refund", "checkout", "billing", "wallet", "charge", "receipt",
        ],
    ),
    (
        "Search",
        [
            "query",
            "ranking",
            "index",
            "synonym",
            "typeahead",
            "relevance",
            "facet",
            "tokenizer",
        ],
    ),
    (
        "Storage",
        [
            "disk",
            "replica",
            "backup",
            "snapshot",
            "volume",
            "compaction",
            "shard",
            "raid",
        ],
    ),
];

fn date(day: usize) -> String {
    let d = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Days::new(day as u64);
    format!("{d}T10:00:00Z")
}

/// 120 items, 40 of each area, oldest first, each with its area's component; an epic of
/// payments (linked by its component) with two newer children that have no component of
/// their own (linked through it); and the newest item, whose own key is selected as an
/// epic, so that removing facts cannot unlink it.
fn work() -> String {
    let mut lines = Vec::new();
    let mut push = |v: Value| lines.push(v.to_string());
    push(serde_json::json!({
        "key": "PAY-EPIC", "title": "Card and invoice epic", "type": "Epic",
        "description": "", "created": date(0), "components": ["Payments"], "epic_key": null,
    }));
    for i in 0..120 {
        let (component, words) = AREAS[i % 3];
        let title = format!(
            "{} {} and {} {i}",
            words[i % 8],
            words[(i / 3 + 1) % 8],
            words[(i / 5 + 3) % 8]
        );
        push(serde_json::json!({
            "key": format!("W-{i}"), "title": title, "type": "Task",
            "description": format!("Work on the {} {}", words[(i + 2) % 8], words[(i + 5) % 8]),
            "created": date(1 + i), "components": [component], "epic_key": null,
        }));
    }
    for (k, t) in ["refund receipt wallet", "invoice charge card"]
        .iter()
        .enumerate()
    {
        push(serde_json::json!({
            "key": format!("CHILD-{k}"), "title": t, "type": "Task", "description": "",
            "created": date(200 + k), "components": [], "epic_key": "PAY-EPIC",
        }));
    }
    push(serde_json::json!({
        "key": "PAY-KEY", "title": "billing checkout card", "type": "Task",
        "description": "", "created": date(300), "components": [], "epic_key": null,
    }));
    lines.join("\n") + "\n"
}

fn env_with_work() -> Env {
    let env = Env::new();
    env.write("strategy.toml", STRATEGY);
    env.write("work.jsonl", &work());
    env.ok(&["-q", "strategy", "apply", "strategy.toml"]);
    env.ok(&[
        "-q",
        "import",
        "csv",
        "work.jsonl",
        "--source",
        "t",
        "--map",
        "epic=epic_key",
    ]);
    env
}

fn count(v: &Value, k: &str) -> u64 {
    v["counts"][k]
        .as_u64()
        .unwrap_or_else(|| panic!("{k}: {v}"))
}

#[test]
fn product_path_holds_out_the_newest_linked_work_without_its_facts() {
    let env = env_with_work();
    // Everything the selectors link is linked before the replay: nothing to infer yet
    // (the epic is not listed among the work).
    let items = env.json(&["items", "--limit", "1000"]);
    let linked = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["link"]["origin"] == "explicit")
        .count();
    assert_eq!(linked, 123, "{items}");

    let r = env.json(&["eval", "--product-path"]);
    // 123 candidates (the epic is not work): round(80%) = 98 kept, 25 held out.
    assert_eq!(r["candidates"], 123, "{r}");
    assert_eq!(r["held_out"], 25, "{r}");
    // PAY-KEY is still linked by its own key; the epic's children lost their epic.
    assert_eq!(r["still_linked"], 1, "{r}");
    assert_eq!(r["test_items"], 24, "{r}");
    assert_eq!(r["covered_items"], 24, "{r}");
    let keys: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"CHILD-0") && keys.contains(&"CHILD-1"),
        "{keys:?}"
    );
    assert!(!keys.contains(&"PAY-KEY"), "{keys:?}");
    assert!(
        keys.contains(&"W-119") && !keys.contains(&"W-97"),
        "{keys:?}"
    );
    // Held-out items were inferred, so they were unlinked in the replay.
    assert!(r["inferred"].as_u64().unwrap() >= 24, "{r}");
    assert_eq!(
        r["trained_on"],
        123 - 24 + 1,
        "the epic and PAY-KEY too: {r}"
    );

    let parts = ["placed_right", "placed_wrong", "off_plan", "unclear"];
    let sum: u64 = parts.iter().map(|k| count(&r, k)).sum();
    assert_eq!(sum, 24, "{r}");
    let shares: f64 = [
        "placed_right",
        "placed_wrong",
        "wrongly_off_plan",
        "unclear",
    ]
    .iter()
    .map(|k| r[k].as_f64().unwrap())
    .sum();
    assert!((shares - 1.0).abs() < 0.01, "{shares}: {r}");
    // Separate words: the engine places nearly every item right.
    assert!(r["placed_right"].as_f64().unwrap() >= 0.9, "{r}");
    assert!(r["precision_placed"].as_f64().unwrap() >= 0.9, "{r}");
    assert!(r["goal_right"].as_f64().unwrap() >= r["placed_right"].as_f64().unwrap());
    assert_eq!(r["aligned_share"]["truth"], 1.0, "{r}");
    let rc = r["risk_coverage"].as_array().unwrap();
    assert_eq!(rc.len(), 7);
    assert!(
        rc.windows(2)
            .all(|w| w[0]["answered"].as_u64() >= w[1]["answered"].as_u64()),
        "{r}"
    );
    assert!(r.get("uncovered_items").is_none(), "{r}");

    // The database is untouched: the held-out items are still linked by their facts.
    let after = env.json(&["items", "--limit", "1000"]);
    assert_eq!(after, items);

    let text = env.ok(&["eval", "--product-path"]);
    assert!(text.contains("placed right"), "{text}");
    assert!(text.contains("of 24)"), "{text}");
}

#[test]
fn product_path_open_reports_uncovered_work() {
    let env = env_with_work();
    let r = env.json(&["eval", "--product-path", "--open"]);
    // payments and storage kept, search (the second by id) taken out.
    assert_eq!(r["initiatives"], 2, "{r}");
    assert_eq!(r["initiatives_removed"], 1, "{r}");
    assert_eq!(r["test_items"], 24, "{r}");
    // Held out: W-98..W-119 (22 items, 7 of search: i % 3 == 1), the two children.
    assert_eq!(r["uncovered_items"], 7, "{r}");
    assert_eq!(r["covered_items"], 17, "{r}");
    let on_initiative = r["counts"]["uncovered_on_initiative"].as_u64().unwrap();
    let share = r["uncovered_placed_on_initiative"].as_f64().unwrap();
    assert!((share - on_initiative as f64 / 7.0).abs() < 0.001, "{r}");
    assert!((r["aligned_share"]["truth"].as_f64().unwrap() - 17.0 / 24.0).abs() < 0.001);
    let text = env.ok(&["eval", "--product-path", "--open"]);
    assert!(text.contains("no initiative covers"), "{text}");
}

#[test]
fn product_path_says_what_is_missing() {
    let env = Env::new();
    env.write("work.jsonl", &work());
    env.ok(&["-q", "import", "csv", "work.jsonl", "--source", "t"]);
    let err = env.fails(&["eval", "--product-path"]);
    assert!(err.contains("no strategy"), "{err}");

    // A strategy whose selectors link nothing here.
    env.write(
        "other.toml",
        "[[goal]]\nid = \"g\"\ntitle = \"G\"\n\n[[initiative]]\nid = \"i\"\ngoals = [\"g\"]\n\
         title = \"I\"\nlabels = [\"nowhere\"]\n",
    );
    env.ok(&["-q", "strategy", "apply", "other.toml"]);
    let err = env.fails(&["eval", "--product-path"]);
    assert!(err.contains("no work item is linked"), "{err}");

    env.write("strategy.toml", STRATEGY);
    env.ok(&["-q", "strategy", "apply", "strategy.toml"]);
    let err = env.fails(&["eval", "--product-path", "--test-share", "0.1"]);
    assert!(err.contains("needs at least 20"), "{err}");

    let err = env.fails(&["eval", "--product-path", "--truth", "labels"]);
    assert!(err.contains("cannot be used with"), "{err}");
    let err = env.fails(&["eval", "--open"]);
    assert!(err.contains("--product-path"), "{err}");
}
