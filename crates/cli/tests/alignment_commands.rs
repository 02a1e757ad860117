//! The sense engine through the CLI: align, corrections that persist and teach, explain, eval.

mod common;

use common::Env;

const STRATEGY: &str = r#"
[[goal]]
id = "grow"
title = "Grow self-serve revenue"

[[goal]]
id = "rely"
title = "Reliable platform"

[[initiative]]
id = "checkout"
goals = ["grow"]
title = "Checkout redesign"
description = "One-page checkout, saved cards, wallets like Apple Pay"
labels = ["checkout"]

[[initiative]]
id = "latency"
goals = ["rely"]
title = "API latency budget"
description = "Cache hot reads, trim slow queries, p95 latency budgets per endpoint"
labels = ["latency"]
"#;

fn csv() -> String {
    let mut s = String::from("key,title,labels,team,created\n");
    let checkout = [
        "Saved cards in checkout",
        "Apple Pay button on checkout",
        "Checkout address form",
        "Wallet payments at checkout",
        "Checkout coupon field",
        "One-page checkout layout",
    ];
    let latency = [
        "Cache hot reads for the projects endpoint",
        "Trim slow queries on search endpoint",
        "Latency budget alerts per endpoint",
        "p95 latency dashboard for API",
        "Cache invoice reads",
        "Slow query log for API endpoints",
    ];
    for (i, t) in checkout.iter().enumerate() {
        s.push_str(&format!(
            "PAY-{i},{t},checkout,Payments,2026-07-{:02}\n",
            i + 1
        ));
    }
    for (i, t) in latency.iter().enumerate() {
        s.push_str(&format!(
            "PLAT-{i},{t},latency,Platform,2026-07-{:02}\n",
            i + 1
        ));
    }
    // Unlinked work that reads like each initiative.
    s.push_str("NEW-1,Apple Pay and saved cards for the checkout page,,Payments,2026-08-01\n");
    s.push_str("NEW-2,Cache hot reads to cut p95 latency of the endpoint,,Platform,2026-08-02\n");
    s.push_str("NEW-3,Saved wallets on checkout for returning buyers,,Payments,2026-08-03\n");
    s
}

/// The strategy applied and the work imported (and aligned, as import does).
fn linked_work() -> Env {
    let env = Env::new();
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    env.write("t.csv", &csv());
    env.ok(&["import", "csv", "t.csv"]);
    env
}

#[test]
fn align_infers_unlinked_work_and_corrections_win_and_persist() {
    let env = linked_work();
    let out = env.json(&["align"]);
    assert_eq!(out["explicit"]["explicit"], 12);
    assert_eq!(out["inferred"]["inferred"], 3);

    let item = |key: &str| {
        let v = env.json(&["explain", key]);
        (
            v["effective"]["target"].clone(),
            v["effective"]["origin"].as_str().unwrap_or("").to_string(),
            v["effective"]["reason"].as_str().unwrap_or("").to_string(),
        )
    };
    let (t1, o1, r1) = item("NEW-1");
    assert_eq!(
        t1,
        serde_json::json!({"kind": "initiative", "id": "checkout"}),
        "{r1}"
    );
    assert_eq!(o1, "inferred");
    assert!(!r1.is_empty());
    // The engine's best candidates are kept with the inference, best first.
    let v = env.json(&["explain", "NEW-1"]);
    let inferred = v["links"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["origin"] == "inferred"))
        .cloned()
        .unwrap_or_default();
    let candidates = inferred["candidates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(candidates.len() >= 2, "{inferred}");
    assert_eq!(candidates[0]["target"], t1);
    let p: Vec<f64> = candidates
        .iter()
        .filter_map(|c| c["probability"].as_f64())
        .collect();
    assert!(p.windows(2).all(|w| w[0] >= w[1]), "{p:?}");
    assert!(
        env.ok(&["explain", "NEW-1"])
            .contains("the engine's best candidates: initiative:checkout")
    );
    // An inference stored before candidates were kept says how to get them.
    rusqlite::Connection::open(env.db())
        .and_then(|c| c.execute("UPDATE links SET candidates = NULL", []))
        .expect("forget the candidates");
    let old = env.ok(&["explain", "NEW-1"]);
    assert!(
        old.contains("run `throughline align` to see the engine's other candidates"),
        "{old}"
    );
    let (t2, _, _) = item("NEW-2");
    assert_eq!(
        t2,
        serde_json::json!({"kind": "initiative", "id": "latency"})
    );

    // A person's word overrides the inference and survives a full re-align.
    env.ok(&[
        "link",
        "NEW-1",
        "off_plan:sales_commitment",
        "--team",
        "Sales",
        "--reason",
        "ACME deal",
    ]);
    env.ok(&["align"]);
    let (t, o, r) = item("NEW-1");
    assert_eq!(
        t,
        serde_json::json!({"kind": "off_plan", "id": "sales_commitment"})
    );
    assert_eq!((o.as_str(), r.as_str()), ("corrected", "ACME deal"));
    let status = env.json(&["status"]);
    assert_eq!(status["aligned_by_origin"]["corrected"]["items"], 0);
    assert_eq!(status["off_plan"]["keys"], serde_json::json!(["NEW-1"]));

    // Confirming keeps the current link as a person's; unlinking hands it back.
    env.ok(&["confirm", "NEW-2", "--team", "Platform"]);
    assert_eq!(item("NEW-2").1, "corrected");
    env.ok(&["unlink", "NEW-1"]);
    env.ok(&["align"]);
    assert_eq!(item("NEW-1").1, "inferred");
    let err = env.fails(&["unlink", "PAY-1"]);
    assert!(err.contains("no link set by a person"), "{err}");
    let err = env.fails(&["link", "PAY-1", "initiative:nope"]);
    assert!(err.contains("no initiative `nope`"), "{err}");
    let err = env.fails(&["link", "PAY-1", "off_plan:feelings"]);
    assert!(err.contains("not a link target"), "{err}");
}

#[test]
fn verbose_runs_say_how_long_each_phase_took_and_quiet_ones_say_nothing() {
    let env = Env::new();
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    env.write("t.csv", &csv());
    let stderr = |args: &[&str], log: Option<&str>| {
        let mut c = env.cmd();
        if let Some(l) = log {
            c.env("THROUGHLINE_LOG", l);
        }
        let out = c.args(args).output().expect("run");
        assert!(out.status.success());
        String::from_utf8(out.stderr).expect("utf8")
    };
    let plain = stderr(&["-q", "import", "csv", "t.csv"], None);
    assert!(!plain.contains("time.busy"), "{plain}");
    // `align` retrains and infers the three unlinked items.
    let v = stderr(&["-q", "-v", "align"], None);
    for phase in [
        "read items",
        "explicit links",
        "infer links",
        "train",
        "infer{items=3}",
    ] {
        let line = v
            .lines()
            .find(|l| l.contains(phase) && l.contains("close time.busy="))
            .unwrap_or_else(|| panic!("no timing for {phase:?} in:\n{v}"));
        assert!(line.contains(" INFO "), "{line}");
    }
    // The engine's inner steps only at debug level (`-vv`, or the environment).
    assert!(!v.contains("choose examples"), "{v}");
    let vv = stderr(&["-q", "-vv", "align"], None);
    assert!(vv.contains("choose examples"), "{vv}");
    let env_debug = stderr(&["-q", "align"], Some("throughline_sense=debug"));
    assert!(env_debug.contains("choose examples"), "{env_debug}");
    assert!(!env_debug.contains("explicit links"), "{env_debug}");

    // On a terminal, bars are drawn, except under -v where they would garble the timings.
    // `script` (util-linux, in every Debian) gives the command a pseudo-terminal.
    let on_a_terminal = |flags: &str| {
        let line = format!("'{}' {flags} align", env!("CARGO_BIN_EXE_throughline"));
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .current_dir(env.dir.path())
            .env("THROUGHLINE_DB", env.db())
            .env_remove("THROUGHLINE_LOG")
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    match (on_a_terminal(""), on_a_terminal("-v")) {
        (Some(plain), Some(verbose)) => {
            assert!(plain.contains("learning from the linked work"), "{plain}");
            assert!(verbose.contains("close time.busy="), "{verbose}");
            assert!(
                !verbose.contains("learning from the linked work"),
                "{verbose}"
            );
        }
        _ => eprintln!("skipped the terminal check: no `script` command here"),
    }
}

#[test]
fn import_infers_only_new_or_changed_items() {
    let env = Env::new();
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    env.write("t.csv", &csv());
    let first = env.json(&["import", "csv", "t.csv"]);
    assert_eq!(first["inferred"]["inferred"], 3);
    let again = env.json(&["import", "csv", "t.csv"]);
    assert_eq!(
        again["inferred"]["inferred"], 0,
        "nothing changed, nothing recomputed"
    );
    env.write(
        "t.csv",
        &csv().replace(
            "Saved wallets on checkout",
            "Saved wallets and cards on checkout",
        ),
    );
    let changed = env.json(&["import", "csv", "t.csv"]);
    assert_eq!(changed["inferred"]["inferred"], 1);
    // `align --changed-only` then has nothing to do, and says what would.
    let out = env.ok(&["align", "--changed-only"]);
    assert!(out.contains("no new or changed items to infer"), "{out}");
    assert!(out.contains("`throughline align`"), "{out}");
    assert!(env.ok(&["align"]).contains("3 inferred"));
}

#[test]
fn the_demo_runs_end_to_end_and_eval_reports_every_system() {
    let env = Env::new();
    let out = env.ok(&["demo", "--quiet"]);
    assert!(out.contains("aligned to a goal"), "{out}");
    let status = env.json(&["status", "--period", "2026-Q3"]);
    let total = status["total"]["items"].as_u64().unwrap();
    assert!(total > 1000, "{total}");
    let parts: u64 = ["aligned", "off_plan", "unclear", "unlinked"]
        .iter()
        .map(|k| status[k]["items"].as_u64().unwrap())
        .sum();
    assert_eq!(parts, total, "every item is counted exactly once");
    assert_eq!(status["unlinked"]["items"], 0, "the demo aligns everything");
    let notes = env.json(&["note", "list"]);
    assert_eq!(notes.as_array().map(Vec::len), Some(150));

    let eval = env.json(&["eval"]);
    let systems = eval["systems"].as_array().unwrap();
    assert_eq!(systems.len(), 3);
    let engine_top1 = systems[0]["top1"].as_f64().unwrap();
    let centroid_top1 = systems[1]["top1"].as_f64().unwrap();
    assert!(
        engine_top1 >= centroid_top1,
        "engine {engine_top1} vs centroid {centroid_top1}"
    );
    // Behind the top-1 figure: the items it missed, listed on request.
    let misses = eval["misses"].as_array().unwrap();
    let n_test = eval["n_test"].as_f64().unwrap();
    assert_eq!(
        misses.len(),
        ((1.0 - engine_top1) * n_test).round() as usize
    );
    assert!(misses.len() >= 3, "{eval}");
    let text = env.ok(&["eval", "--misses", "3"]);
    assert!(
        text.contains(&format!("first 3 of {}", misses.len())),
        "{text}"
    );
    for m in &misses[..3] {
        assert!(text.contains(m["key"].as_str().unwrap()), "{text}");
    }
    // The demo again is idempotent.
    env.ok(&["demo", "--quiet"]);
    assert_eq!(
        env.json(&["note", "list"]).as_array().map(Vec::len),
        Some(150)
    );
}

#[test]
fn semantic_mode_without_its_model_says_how_to_get_it_and_changes_nothing() {
    let env = linked_work();
    let before = env.json(&["status"]);
    let missing = env.path("no-model-here");
    for cmd in ["align", "eval"] {
        let err = env.fails(&[cmd, "--semantic", "--model", missing.to_str().unwrap()]);
        assert!(err.contains("no-model-here"), "{err}");
        assert!(err.contains("--features semantic"), "{err}");
        assert!(err.contains("fetch-model.sh"), "{err}");
    }
    assert_eq!(env.json(&["status"]), before);
    // Without --semantic the engine runs, and says in which mode.
    assert!(env.ok(&["align"]).contains("lexical mode"));
}

/// An export whose work hangs under epics: stories by epic link, sub-tasks by parent.
fn epic_export() -> String {
    let mut s = String::from("key,type,title,description,epic,parent,created\n");
    s.push_str(
        "EP-1,Epic,Checkout redesign,\"One-page checkout, saved cards and wallets\",,,2026-01-01\n",
    );
    s.push_str(
        "EP-2,Epic,Search relevance,\"Ranking, synonyms and typo tolerance\",,,2026-01-01\n",
    );
    let checkout = [
        "saved cards",
        "wallet button",
        "address form",
        "coupon field",
        "one-page layout",
    ];
    let search = [
        "ranking weights",
        "synonym lists",
        "typo tolerance",
        "query suggestions",
        "result snippets",
    ];
    for round in 0..3 {
        for (i, (c, q)) in checkout.iter().zip(search).enumerate() {
            let day = round * 5 + i + 2;
            s.push_str(&format!(
                "CO-{round}{i},Story,Checkout {c},Work on checkout {c},EP-1,,2026-02-{day:02}\n"
            ));
            s.push_str(&format!(
                "SE-{round}{i},Story,Search {q},Tune search {q},EP-2,,2026-02-{day:02}\n"
            ));
            // A sub-task reaches its epic through its story.
            s.push_str(&format!(
                "CT-{round}{i},Sub-task,Test checkout {c},,,CO-{round}{i},2026-02-{day:02}\n"
            ));
        }
    }
    s
}

#[test]
fn eval_can_take_each_items_epic_as_its_initiative() {
    let env = Env::new();
    env.write("e.csv", &epic_export());
    env.ok(&["import", "csv", "e.csv"]);
    let eval = env.json(&["eval", "--truth", "epic", "--min-items", "3"]);
    assert_eq!(eval["hidden"], "epic");
    assert_eq!(eval["n_targets"], 2, "{eval}");
    // 45 stories and sub-tasks are evaluated; the epics are the initiatives.
    let n = eval["n_train"].as_u64().unwrap() + eval["n_test"].as_u64().unwrap();
    assert_eq!(n, 45, "{eval}");
    let engine = &eval["systems"][0];
    assert!(engine["top1"].as_f64().unwrap() >= 0.9, "{eval}");
    // Too few items per epic: a clear error, not an empty report.
    let err = env.fails(&["eval", "--truth", "epic", "--min-items", "100"]);
    assert!(err.contains("eval needs at least 20"), "{err}");
    // One epic left (checkout's 30 items; search has 15): nothing to tell apart.
    let err = env.fails(&["eval", "--truth", "epic", "--min-items", "20"]);
    assert!(
        err.contains("the same one (initiative:EP-1)") && err.contains("at least two"),
        "{err}"
    );
    // An export without epics or parents says what --truth epic needs.
    let flat = Env::new();
    flat.write("t.csv", &csv());
    flat.ok(&["import", "csv", "t.csv"]);
    let err = flat.fails(&["eval", "--truth", "epic"]);
    assert!(err.contains("epic or parent"), "{err}");
}

#[test]
fn eval_on_undated_files_holds_out_the_newest_share_of_each_file() {
    // Three projects, one undated file each, imported one after another. Holding out
    // the last third of the database would test only on the third project, which
    // training never saw; each file's own newest third is what a time split means here.
    let env = Env::new();
    let projects = [
        (
            "SRCH",
            ["ranking", "synonyms", "typo", "query", "snippets", "facets"],
        ),
        (
            "PAY",
            ["invoice", "refund", "wallet", "card", "checkout", "receipt"],
        ),
        (
            "OPS",
            [
                "deploy", "rollback", "alerting", "paging", "backup", "failover",
            ],
        ),
    ];
    for (project, words) in projects {
        let mut csv = String::from("key,title,project\n");
        for round in 0..3 {
            for (i, w) in words.iter().enumerate() {
                csv.push_str(&format!(
                    "{project}-{round}{i},Improve {w} handling,{project}\n"
                ));
            }
        }
        let file = format!("{project}.csv");
        env.write(&file, &csv);
        env.ok(&["import", "csv", &file]);
    }
    let args = [
        "eval",
        "--truth",
        "project",
        "--min-items",
        "5",
        "--test-share",
        "0.34",
    ];
    let out = env.cmd().args(args).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no item has a creation date"), "{err}");
    let eval = env.json(&args);
    assert_eq!(eval["n_targets"], 3, "{eval}");
    let top1 = eval["systems"][0]["top1"].as_f64().unwrap();
    assert!(top1 >= 0.9, "every project's newest work is placed: {eval}");
    // A share the split cannot honour is refused, not quietly changed.
    let err = env.fails(&["eval", "--truth", "project", "--test-share", "0.995"]);
    assert!(err.contains("outside 0.01 to 0.9"), "{err}");
}

#[test]
fn eval_by_labels_takes_area_labels_not_the_kind_of_work() {
    // GitHub-style labels: a kind first (`bug`, or a team's own `triaged`), the area
    // after it.
    let env = Env::new();
    let areas = [
        (
            "area/search",
            ["ranking", "synonyms", "typo", "query", "snippets"],
        ),
        (
            "area/payments",
            ["invoice", "refund", "wallet", "card", "receipt"],
        ),
        (
            "area/ops",
            ["deploy", "rollback", "alerting", "paging", "backup"],
        ),
    ];
    let mut csv = String::from("key,title,labels,created\n");
    for round in 0..8 {
        for (a, (area, words)) in areas.iter().enumerate() {
            for (i, w) in words.iter().enumerate() {
                let kind = ["bug", "triaged"][(round + i) % 2];
                csv.push_str(&format!(
                    "K-{round}{a}{i},Improve {w} handling,\"{kind},{area}\",2026-0{}-{:02}T10:00:00Z\n",
                    1 + round / 2,
                    1 + (round % 2) * 14 + a * 4 + i
                ));
            }
        }
    }
    env.write("labels.csv", &csv);
    env.ok(&["import", "csv", "labels.csv", "--map", "labels=labels"]);
    // `bug` is passed over (GitHub's kinds of work are), `triaged` is not: three
    // areas of 20 items each and one "target" of 60 that says nothing of the area.
    let first = env.json(&["eval", "--truth", "labels", "--min-items", "10"]);
    assert_eq!(first["n_targets"], 4, "{first}");
    // ... eval says what it passed over, and which namespace would give the area.
    let out = env
        .cmd()
        .args(["eval", "--truth", "labels"])
        .output()
        .unwrap();
    let hint = String::from_utf8_lossy(&out.stderr);
    assert!(
        hint.contains("passed over labels that say what kind of work an item is")
            && hint.contains("`bug` (60)")
            && hint.contains("(`area/` on 60 of 120 labelled items)")
            && hint.contains("--label-prefix area/"),
        "{hint}"
    );
    // Naming the team's own kind passes over it too.
    let out = env
        .cmd()
        .args([
            "eval",
            "--truth",
            "labels",
            "--skip-label",
            "Triaged",
            "--json",
        ])
        .output()
        .unwrap();
    let hint = String::from_utf8_lossy(&out.stderr);
    assert!(
        hint.contains("`triaged` (60)") && !hint.contains("--label-prefix"),
        "{hint}"
    );
    let skipped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(skipped["n_targets"], 3, "{skipped}");
    let out = env
        .cmd()
        .args(["eval", "--truth", "labels", "--label-prefix", "area/"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("--label-prefix"));
    let eval = env.json(&["eval", "--truth", "labels", "--label-prefix", "Area/"]);
    assert_eq!(eval["n_targets"], 3, "{eval}");
    let targets: Vec<&str> = eval["by_target"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert!(targets.contains(&"initiative:area/search"), "{targets:?}");
    assert!(
        eval["systems"][0]["top1"].as_f64().unwrap() >= 0.9,
        "{eval}"
    );
    // The prefix belongs to labels, and a prefix no label has is said plainly.
    let err = env.fails(&["eval", "--truth", "components", "--label-prefix", "area/"]);
    assert!(err.contains("use them with --truth labels"), "{err}");
    let err = env.fails(&["eval", "--truth", "labels", "--label-prefix", "team/"]);
    assert!(err.contains("with a label starting `team/`"), "{err}");
}

#[test]
fn items_lists_the_least_sure_inferences_first_and_filters_by_tracker_facts() {
    let env = Env::new();
    env.ok(&["demo", "--quiet"]);
    let confidences = |v: &serde_json::Value| -> Vec<f64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["link"]["confidence"].as_f64().unwrap())
            .collect()
    };
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].as_str().unwrap().to_string())
            .collect();
        k.sort();
        k
    };

    // The review queue: the same inferences, least sure first.
    let stored = env.json(&["items", "--origin", "inferred", "--limit", "0"]);
    let queue = env.json(&[
        "items",
        "--origin",
        "inferred",
        "--sort",
        "confidence",
        "--limit",
        "0",
    ]);
    assert_eq!(keys(&queue), keys(&stored));
    let c = confidences(&queue);
    assert!(c.len() > 100, "the demo has inferences to review");
    assert!(c.windows(2).all(|w| w[0] <= w[1]), "{c:?}");
    assert_ne!(c, confidences(&stored), "stored order happens to be sorted");

    // Below a confidence: only the engine's links, all less sure than that.
    let unsure = env.json(&["items", "--below", "0.6", "--limit", "0"]);
    let n = unsure["total"].as_u64().unwrap() as usize;
    assert_eq!(n, c.iter().filter(|&&x| x < 0.6).count());
    assert!(n > 0);
    assert!(
        unsure["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["link"]["origin"] == "inferred")
    );

    // Tracker facts, case-insensitive and whole: every row is a bug.
    let bugs = env.json(&["items", "--type", "bug", "--limit", "0"]);
    assert!(bugs["total"].as_u64().unwrap() > 0);
    assert!(
        bugs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["item_type"].as_str().unwrap().eq_ignore_ascii_case("bug"))
    );
    assert_eq!(
        env.json(&["items", "--type", "BUG"])["total"],
        bugs["total"]
    );
    let latency = env.json(&["items", "--label", "Latency", "--limit", "0"]);
    let first = latency["items"][0]["key"].as_str().expect("a latency item");
    let shown = env.ok(&["explain", first]);
    assert!(
        shown
            .lines()
            .any(|l| l.trim_start().starts_with("labels") && l.contains("latency")),
        "{shown}"
    );
    assert_eq!(env.json(&["items", "--label", "laten"])["total"], 0);

    let err = env.fails(&["items", "--below", "0"]);
    assert!(err.contains("not a confidence"), "{err}");
    let err = env.fails(&["items", "--sort", "sideways"]);
    assert!(err.contains("confidence"), "{err}");

    // A list that comes out empty says where the work is: after align nothing is
    // unlinked, and what the engine could not place is under --unclear.
    let unclear = env.json(&["items", "--unclear", "--limit", "1"])["total"]
        .as_u64()
        .unwrap();
    assert!(unclear > 1, "the demo has work the engine could not place");
    let out = env.ok(&["items", "--unlinked"]);
    assert!(out.starts_with("0 items\n"), "{out}");
    assert!(
        out.contains(&format!(
            "{unclear} items the engine could not place are under `--unclear`"
        )),
        "{out}"
    );
    // A period means the work active in it, and the reports say so; allocation shows
    // the period's weeks only, and counts apart what was created before them.
    let text = env.ok(&["status", "--period", "2026-Q3"]);
    assert!(
        text.contains("Counted: the work active in 2026-Q3 (worked on at any time in it"),
        "{text}"
    );
    assert!(
        text.contains("Also in the data, each as last imported: ")
            && text.contains("jira.json (jira-json"),
        "every file the data comes from: {text}"
    );
    let alloc = env.json(&["allocation", "--period", "2026-Q3"]);
    let weeks: Vec<&str> = alloc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert!(
        weeks.iter().all(|w| ("2026-W27".."2026-W41").contains(w)),
        "{weeks:?}"
    );
    let in_rows: u64 = alloc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["total"]["items"].as_u64().unwrap())
        .sum();
    let before = alloc["created_before"]["items"].as_u64().unwrap();
    assert!(
        before > 0,
        "the demo has work from before the quarter still going"
    );
    assert_eq!(in_rows + before, alloc["total"]["items"].as_u64().unwrap());
    let text = env.ok(&["allocation", "--period", "2026-Q3"]);
    assert!(
        text.contains(&format!("{before} of them were created before the period")),
        "{text}"
    );
    // The headline classes, as status counts them.
    let status = env.json(&["status", "--period", "2026-Q3", "--no-cache"]);
    for (class, key) in [
        ("aligned", "aligned"),
        ("off_plan", "off_plan"),
        ("unclear", "unclear"),
    ] {
        let listed = env.json(&[
            "items", "--class", class, "--period", "2026-Q3", "--limit", "1",
        ]);
        assert_eq!(listed["total"], status[key]["items"], "{class}");
    }
    let placed = env.json(&[
        "items",
        "--class",
        "not_placed",
        "--period",
        "2026-Q3",
        "--limit",
        "1",
    ]);
    assert_eq!(
        placed["total"].as_u64().unwrap(),
        status["unclear"]["items"].as_u64().unwrap()
            + status["unlinked"]["items"].as_u64().unwrap()
    );
    // By when work was created: a week's items are all created in it.
    let week = env.json(&["items", "--created", "2026-W30", "--limit", "0"]);
    assert!(week["total"].as_u64().unwrap() > 0);
    assert!(week["items"].as_array().unwrap().iter().all(|r| {
        let d = r["created"].as_str().unwrap();
        ("2026-07-20".."2026-07-27").contains(&d)
    }));
    let err = env.fails(&["items", "--created", "soon"]);
    assert!(err.contains("--created"), "{err}");
    // An off-plan theme by its label, as `themes` names it.
    let themes = env.json(&["themes", "--period", "2026-Q3", "--no-cache"]);
    let theme = &themes["themes"][0];
    let listed = env.json(&[
        "items",
        "--theme",
        theme["label"].as_str().unwrap(),
        "--period",
        "2026-Q3",
        "--limit",
        "1",
    ]);
    assert_eq!(listed["total"], theme["work"]["items"]);
    let err = env.fails(&["items", "--theme", "no such theme", "--period", "2026-Q3"]);
    assert!(
        err.contains(theme["label"].as_str().unwrap()),
        "names the themes there are: {err}"
    );
}

#[test]
fn an_unknown_initiative_or_goal_says_which_there_are_and_counts_read_right() {
    let env = linked_work();
    let err = env.fails(&["items", "--initiative", "alloy"]);
    assert!(
        err.contains("no initiative `alloy` in the strategy in force"),
        "{err}"
    );
    assert!(
        err.contains("`checkout`, `latency`"),
        "the few there are: {err}"
    );
    let err = env.fails(&["items", "--initiative", "check"]);
    assert!(err.contains("did you mean `checkout`?"), "{err}");
    let err = env.fails(&["items", "--goal", "growth"]);
    assert!(err.contains("no goal `growth`"), "{err}");
    assert!(err.contains("did you mean `grow`?"), "{err}");
    // One is singular.
    let one = env.ok(&["items", "--text", "NEW-1"]);
    assert!(one.trim_end().ends_with("\n1 item"), "{one}");
    env.write(
        "one.toml",
        "[[goal]]\nid = \"g\"\ntitle = \"G\"\n\n[[initiative]]\nid = \"i\"\ngoals = [\"g\"]\ntitle = \"I\"\nlabels = [\"checkout\"]\n",
    );
    let checked = env.ok(&["strategy", "check", "one.toml"]);
    assert!(
        checked.contains("(1 goal, 0 metrics, 1 initiative)"),
        "{checked}"
    );
}

#[test]
fn a_reviewed_csv_confirms_and_corrects_in_bulk_or_not_at_all() {
    let env = Env::new();
    env.ok(&["demo", "--quiet"]);
    // The review queue as a spreadsheet: the least sure answers that name a target.
    let text = env.ok(&[
        "items",
        "--origin",
        "inferred",
        "--sort",
        "confidence",
        "--csv",
        "--limit",
        "0",
    ]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (key, linked_to, decision, why) =
        (col("key"), col("linked_to"), col("decision"), col("why"));
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        rows.iter()
            .all(|r| r[decision].is_empty() && r[why].is_empty())
    );
    let placed: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i][linked_to].starts_with("initiative:"))
        .take(2)
        .collect();
    let unclear = (0..rows.len())
        .find(|&i| &rows[i][linked_to] == "unclear")
        .expect("an unclear answer");
    let set = |r: &mut csv::StringRecord, d: &str, w: &str| {
        let mut v: Vec<String> = r.iter().map(str::to_string).collect();
        v[decision] = d.into();
        v[why] = w.into();
        *r = csv::StringRecord::from(v);
    };
    set(&mut rows[placed[0]], "confirm", "");
    set(
        &mut rows[placed[1]],
        "off_plan:tech_debt",
        "a refactor, really",
    );
    let write = |rows: &[csv::StringRecord]| {
        let mut w = csv::Writer::from_path(env.path("review.csv")).unwrap();
        w.write_record(&header).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
    };

    // Confirming what the engine could not place is refused with the row's line, and
    // nothing of the file is stored.
    let mut bad = rows.clone();
    set(&mut bad[unclear], "confirm", "");
    write(&bad);
    let err = env.fails(&["link", "--file", "review.csv"]);
    assert!(err.contains(&format!("line {}", unclear + 2)), "{err}");
    assert!(err.contains("nothing to confirm"), "{err}");
    assert_eq!(env.json(&["items", "--origin", "corrected"])["total"], 0);

    write(&rows);
    let out = env.json(&["link", "--file", "review.csv", "--team", "Platform"]);
    assert_eq!(
        (out["confirmed"].as_u64(), out["linked"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(out["undecided"].as_u64(), Some(rows.len() as u64 - 2));
    let explained = env.json(&["explain", &rows[placed[0]][key]]);
    assert_eq!(explained["effective"]["origin"], "corrected");
    assert_eq!(
        explained["effective"]["target"]["id"]
            .as_str()
            .map(|id| format!("initiative:{id}")),
        Some(rows[placed[0]][linked_to].to_string())
    );
    let moved = env.json(&["explain", &rows[placed[1]][key]]);
    assert_eq!(moved["effective"]["origin"], "corrected");
    assert_eq!(moved["effective"]["reason"], "a refactor, really");
    assert_eq!(moved["effective"]["target"]["id"], "tech_debt");
    assert_eq!(env.json(&["items", "--origin", "corrected"])["total"], 2);
}
