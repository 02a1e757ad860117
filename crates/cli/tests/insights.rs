//! The insight commands (brief, ask, drift, themes, allocation, metrics show) on the demo.

mod common;

use common::Env;

fn demo() -> Env {
    let env = Env::new();
    env.ok(&["demo", "--quiet"]);
    env
}

#[test]
fn insight_commands_on_the_demo() {
    let env = demo();

    // Drift finds the planted Payments off-plan jump, with notes and examples.
    let d = env.json(&["drift"]);
    let shifts = d["shifts"].as_array().unwrap();
    let pay = shifts
        .iter()
        .find(|s| s["group"] == "Payments" && s["measure"]["kind"] == "off_plan")
        .unwrap_or_else(|| panic!("no Payments shift in {d:#}"));
    assert!(
        pay["after"]["share"].as_f64().unwrap() > pay["before"]["share"].as_f64().unwrap() + 0.1
    );
    assert!(!pay["examples"].as_array().unwrap().is_empty());
    assert!(!pay["notes"].as_array().unwrap().is_empty());
    assert!(env.ok(&["drift"]).contains("Payments: off-plan share"));

    // The brief: markdown to stdout, HTML to a file, numbers linked to evidence.
    let md = env.ok(&["brief", "--period", "2026-H2"]);
    assert!(md.starts_with("# Strategy brief — 2026-H2"));
    for h in [
        "What we are executing",
        "How the work aligns",
        "impact metrics",
        "Work off plan",
        "What we learned",
        "Early signals",
        "## Evidence",
    ] {
        assert!(md.contains(h), "{h}");
    }
    assert!(md.contains("](#evidence-1)"));
    assert!(
        md.contains("Local payment methods in Europe has had no new work"),
        "{md}"
    );
    env.ok(&[
        "brief", "--period", "2026-Q4", "--format", "html", "--out", "b.html",
    ]);
    let html = std::fs::read_to_string(env.path("b.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<details id=\"evidence-1\">"));
    let b = env.json(&["brief"]);
    assert!(b["brief"]["evidence"].as_array().unwrap().len() > 10);
    // Evidence lists are shortened for people by default, whole on request; `--json`
    // above has every key.
    let all_work = b["brief"]["evidence"][0]["keys"].as_array().unwrap();
    assert!(all_work.len() > 25, "the demo's whole scope is a long list");
    let keys: Vec<&str> = all_work.iter().map(|k| k.as_str().unwrap()).collect();
    let short = env.ok(&["brief"]);
    assert!(short.contains(&format!("{}, … and {} more", keys[4], keys.len() - 5)));
    assert!(!short.contains(&keys[..6].join(", ")));
    assert!(short.contains("`throughline brief --all-keys`"));
    let full = env.ok(&["brief", "--all-keys"]);
    assert!(full.contains(&keys.join(", ")));
    assert!(full.len() > short.len());
    // No person's name anywhere in an aggregate.
    // Names are only shown for one item asked for by key, so collect them that way.
    let keys: Vec<String> = env.json(&["items", "--limit", "40"])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["key"].as_str().map(str::to_string))
        .collect();
    let names: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            env.json(&["explain", k])["item"]["assignee"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert!(names.len() > 10, "the demo has assignees to look for");
    for n in &names {
        assert!(
            !md.contains(n.as_str()) && !html.contains(n.as_str()),
            "{n}"
        );
    }

    // Themes, allocation, metrics.
    let t = env.json(&["themes", "--period", "2026-Q4"]);
    assert!(!t["themes"].as_array().unwrap().is_empty());
    let a = env.json(&["allocation", "--team", "Payments"]);
    assert!(a["buckets"].as_array().unwrap().len() > 20);
    assert!(
        env.ok(&["allocation", "--by", "sprint"])
            .contains("sprint ")
    );
    // The demo spans half a year: `auto` (the default) keeps weeks and says so.
    let auto = env.json(&["allocation"]);
    assert_eq!(auto["options"]["by"], "week");
    let m = env.json(&["allocation", "--by", "month"]);
    let months = m["buckets"].as_array().unwrap();
    assert!((5..=9).contains(&months.len()), "{m}");
    assert!(
        months
            .iter()
            .all(|b| b["label"].as_str().unwrap().len() == 7)
    );
    assert!(env.ok(&["allocation", "--by", "month"]).contains("month "));
    // The same months as CSV, in the long format: the classes' items add up to each
    // month's, and the goals' rows carry the JSON's figures.
    let csv_text = env.ok(&["allocation", "--by", "month", "--csv"]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "period",
            "kind",
            "id",
            "label",
            "items",
            "share_items",
            "estimate",
            "share_estimate"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    for b in months {
        let label = b["label"].as_str().unwrap();
        let of = |kind: &str| -> Vec<&csv::StringRecord> {
            rows.iter()
                .filter(|r| &r[0] == label && (kind == "class") != (&r[1] == "goal"))
                .collect()
        };
        let items: u64 = of("class")
            .iter()
            .map(|r| r[4].parse::<u64>().unwrap())
            .sum();
        assert_eq!(items, b["total"]["items"].as_u64().unwrap(), "{label}");
        let goals = of("goal");
        assert_eq!(goals.len(), b["goals"].as_array().unwrap().len());
        for (row, g) in goals.iter().zip(b["goals"].as_array().unwrap()) {
            assert_eq!(&row[2], g["id"].as_str().unwrap());
            assert_eq!(
                row[4].parse::<u64>().unwrap(),
                g["work"]["items"].as_u64().unwrap()
            );
        }
    }
    assert!(
        rows.iter()
            .any(|r| &r[1] == "off_plan" && &r[2] == "tech_debt")
    );
    let q = env.json(&["allocation", "--by", "quarter"]);
    assert!(q["buckets"][0]["label"].as_str().unwrap().contains("-Q"));
    let m = env.json(&["metrics", "show"]);
    assert!(m.as_array().unwrap().len() >= 3);
    assert!(m[0]["latest"]["value"].is_number());
    assert!(
        env.ok(&["metrics", "show", "trial-conversion"])
            .contains("Trial-to-paid conversion")
    );
    env.fails(&["metrics", "show", "no-such-metric"]);

    // Ask: a structured answer with citations.
    let ans = env.json(&["ask", "why is Payments off plan?", "--offline"]);
    assert!(ans["phrased_by"].is_null());
    let ans = &ans["answer"];
    assert_eq!(ans["shape"], "why_off_plan");
    assert!(ans["text"].as_str().unwrap().starts_with("Payments:"));
    assert!(!ans["cited"].as_array().unwrap().is_empty());
    let stalled = env.ok(&["ask", "which", "initiatives", "stalled?"]);
    assert!(stalled.contains("Local payment methods"), "{stalled}");
}

/// `throughline items --json | head -c 100`: when the reader stops early, the program
/// ends quietly with success instead of panicking on the closed pipe.
#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let env = demo();
    let mut child = env
        .cmd()
        .args(["items", "--json", "--limit", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let mut first = [0u8; 100];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    // The read end is dropped here, with far more than a pipe's buffer still to come.
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn status_as_csv_holds_the_same_figures_as_its_json() {
    let env = demo();
    let json = env.json(&["status", "--period", "2026-Q4"]);
    let text = env.ok(&["status", "--period", "2026-Q4", "--csv"]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let items = |kind: &str, id: &str| -> u64 {
        let row = rows
            .iter()
            .find(|r| &r[0] == kind && &r[1] == id)
            .unwrap_or_else(|| panic!("no {kind} {id} row in\n{text}"));
        row[4].parse().unwrap()
    };
    assert_eq!(items("total", ""), json["total"]["items"].as_u64().unwrap());
    assert_eq!(
        items("origin", "inferred"),
        json["aligned_by_origin"]["inferred"]["items"]
            .as_u64()
            .unwrap()
    );
    for goal in json["goals"].as_array().unwrap() {
        let id = goal["id"].as_str().unwrap();
        assert_eq!(items("goal", id), goal["work"]["items"].as_u64().unwrap());
        for i in goal["initiatives"].as_array().unwrap() {
            let row = rows
                .iter()
                .find(|r| {
                    &r[0] == "initiative" && &r[1] == i["id"].as_str().unwrap() && &r[3] == id
                })
                .expect("the initiative under its goal");
            assert_eq!(
                row[4].parse::<u64>().unwrap(),
                i["work"]["items"].as_u64().unwrap()
            );
        }
    }
    assert_eq!(
        items("off_plan_reason", "tech_debt"),
        json["off_plan_by_reason"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["reason"] == "tech_debt")
            .unwrap()["work"]["items"]
            .as_u64()
            .unwrap()
    );
    // Each team's three rows add up to its items.
    for t in json["teams"].as_array().unwrap() {
        let team = t["team"].as_str().unwrap();
        let sum: u64 = rows
            .iter()
            .filter(|r| &r[0] == "team" && &r[3] == team)
            .map(|r| r[4].parse::<u64>().unwrap())
            .sum();
        assert_eq!(sum, t["items"].as_u64().unwrap(), "{team}");
    }
    let both = env.fails(&["status", "--csv", "--json"]);
    assert!(both.contains("cannot be used with"), "{both}");
}

/// Every list of item keys in `v`, emptied; how many were not empty.
fn empty_keys(v: &mut serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => {
            let mut n = 0;
            for (k, x) in m.iter_mut() {
                if k == "keys" && x.is_array() {
                    n += usize::from(!x.as_array().unwrap().is_empty());
                    *x = serde_json::json!([]);
                } else {
                    n += empty_keys(x);
                }
            }
            n
        }
        serde_json::Value::Array(a) => a.iter_mut().map(empty_keys).sum(),
        _ => 0,
    }
}

#[test]
fn reports_without_keys_hold_the_same_numbers() {
    let env = demo();
    for cmd in ["status", "allocation", "drift", "themes", "brief"] {
        // Without keys first: its kept output must not be served for the full report.
        let mut bare = env.json(&[cmd, "--no-keys"]);
        let mut full = env.json(&[cmd]);
        assert_eq!(empty_keys(&mut bare), 0, "{cmd}: a key list is left");
        assert!(
            empty_keys(&mut full) > 0,
            "{cmd}: the full report lists keys"
        );
        assert_eq!(bare, full, "{cmd}: the numbers differ");
    }
    let err = env.fails(&["status", "--no-keys"]);
    assert!(err.contains("--json"), "{err}");
}
