//! The files have the shapes the importers expect, and every reference resolves.

mod common;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate};
use common::*;

#[test]
fn jira_json_has_the_search_response_shape() {
    let demo = default_demo();
    let pages: serde_json::Value = serde_json::from_str(&demo.jira_json).unwrap();
    let pages = pages.as_array().unwrap();
    assert!(pages.len() > 1, "paged");
    let mut start = 0;
    for p in pages {
        assert_eq!(p["expand"], "names,schema");
        assert_eq!(p["startAt"].as_u64().unwrap() as usize, start);
        assert_eq!(p["maxResults"], 500);
        assert_eq!(p["total"].as_u64().unwrap() as usize, demo.stats.jira_items);
        assert_eq!(p["names"]["customfield_10014"], "Epic Link");
        assert_eq!(p["names"]["customfield_10016"], "Story Points");
        assert_eq!(p["names"]["customfield_10001"], "Team");
        assert_eq!(p["names"]["customfield_10020"], "Sprint");
        start += p["issues"].as_array().unwrap().len();
    }
    assert_eq!(start, demo.stats.jira_items);

    let issues = jira_issues(demo);
    let by_key: HashMap<&str, &serde_json::Value> = issues
        .iter()
        .map(|i| (i["key"].as_str().unwrap(), i))
        .collect();
    assert_eq!(by_key.len(), issues.len(), "keys are unique");
    let ids: HashSet<&str> = issues.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), issues.len(), "ids are unique");
    let types = ["Story", "Bug", "Task", "Epic", "Sub-task", "Spike"];
    let statuses = [
        ("To Do", "new"),
        ("In Progress", "indeterminate"),
        ("In Review", "indeterminate"),
        ("Done", "done"),
    ];
    let mut seen_types = HashSet::new();
    for i in &issues {
        let key = i["key"].as_str().unwrap();
        let f = &i["fields"];
        let project = f["project"]["key"].as_str().unwrap();
        assert!(
            key.starts_with(&format!("{project}-")),
            "{key} in {project}"
        );
        assert_eq!(
            i["self"].as_str().unwrap(),
            format!(
                "https://demo.atlassian.net/rest/api/2/issue/{}",
                i["id"].as_str().unwrap()
            )
        );
        assert!(!f["summary"].as_str().unwrap().is_empty());
        let t = f["issuetype"]["name"].as_str().unwrap();
        assert!(types.contains(&t), "{t}");
        seen_types.insert(t);
        let s = (
            f["status"]["name"].as_str().unwrap(),
            f["status"]["statusCategory"]["key"].as_str().unwrap(),
        );
        assert!(statuses.contains(&s), "{s:?}");
        assert!(f["labels"].is_array());
        assert!(
            f["components"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["name"].is_string())
        );
        assert!(f["assignee"].is_null() || f["assignee"]["displayName"].is_string());
        assert!(f["customfield_10001"]["value"].is_string());
        if let Some(p) = f["customfield_10016"].as_u64() {
            assert!(
                [1, 2, 3, 5, 8, 13].contains(&p),
                "Fibonacci points, got {p}"
            );
        }
        if let Some(sprints) = f["customfield_10020"].as_array() {
            for sp in sprints {
                assert!(
                    sp["name"]
                        .as_str()
                        .unwrap()
                        .starts_with(&format!("{project} Sprint "))
                );
                assert!(["closed", "active", "future"].contains(&sp["state"].as_str().unwrap()));
            }
        }
        let created =
            DateTime::parse_from_str(f["created"].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S%.3f%z")
                .expect("Jira timestamp");
        let resolved = f["resolutiondate"].as_str().map(|r| {
            DateTime::parse_from_str(r, "%Y-%m-%dT%H:%M:%S%.3f%z").expect("Jira timestamp")
        });
        match s.1 {
            "done" => assert!(
                resolved.is_some_and(|r| r >= created),
                "{key} done after created"
            ),
            _ => assert!(resolved.is_none(), "{key} open without resolution"),
        }
        if let Some(epic) = f["customfield_10014"].as_str() {
            let e = by_key
                .get(epic)
                .unwrap_or_else(|| panic!("{key}: epic {epic} exists"));
            assert_eq!(
                e["fields"]["issuetype"]["name"], "Epic",
                "{key}: {epic} is an epic"
            );
        }
        if t == "Sub-task" {
            let parent = f["parent"]["key"]
                .as_str()
                .expect("sub-tasks have a parent");
            let p = by_key
                .get(parent)
                .unwrap_or_else(|| panic!("{key}: parent {parent} exists"));
            assert_ne!(p["fields"]["issuetype"]["name"], "Sub-task");
            assert!(p["fields"]["created"].as_str() <= f["created"].as_str());
        } else {
            assert!(
                f.get("parent").is_none(),
                "{key}: only sub-tasks have a parent"
            );
        }
    }
    assert_eq!(seen_types.len(), types.len(), "every type occurs");
}

#[test]
fn strategy_parses_and_references_resolve() {
    let demo = default_demo();
    let t = strategy(demo);
    let goals = ids(&t, "goal");
    let metrics = ids(&t, "metric");
    assert!((4..=6).contains(&goals.len()));
    assert!((12..=18).contains(&ids(&t, "initiative").len()));
    for m in t["metric"].as_array().unwrap() {
        assert!(goals.contains(m["goal"].as_str().unwrap()));
        let (b, tg) = (
            m["baseline"].as_float().unwrap(),
            m["target"].as_float().unwrap(),
        );
        match m["direction"].as_str().unwrap() {
            "increase" => assert!(tg > b),
            "decrease" => assert!(tg < b),
            "maintain" => {}
            other => panic!("direction {other}"),
        }
    }
    for g in &goals {
        let n = t["metric"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["goal"].as_str() == Some(g))
            .count();
        assert!((1..=3).contains(&n), "goal {g} has {n} metrics");
    }
    assert!(!metrics.is_empty());

    let issues = jira_issues(demo);
    let epics: HashSet<&str> = issues
        .iter()
        .filter(|i| i["fields"]["issuetype"]["name"] == "Epic")
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    let linear_projects: HashSet<String> = linear_rows(demo)
        .into_iter()
        .map(|r| r["Project"].clone())
        .collect();
    let mut claimed: HashMap<(String, String), String> = HashMap::new();
    for i in t["initiative"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap().to_string();
        let gs = strs(i, "goals");
        assert!(!gs.is_empty(), "{id} serves a goal");
        assert!(gs.iter().all(|g| goals.contains(g)), "{id}: goals exist");
        for e in strs(i, "epics") {
            assert!(epics.contains(e.as_str()), "{id}: epic {e} exists");
        }
        for p in strs(i, "projects") {
            assert!(
                linear_projects.contains(&p),
                "{id}: Linear project {p} is used"
            );
        }
        let sel: usize = ["epics", "labels", "components", "milestones", "projects"]
            .iter()
            .map(|f| strs(i, f).len())
            .sum();
        assert!(sel > 0, "{id} has selectors");
        for f in ["epics", "labels", "components", "milestones", "projects"] {
            for v in strs(i, f) {
                let prev = claimed.insert((f.to_string(), v.to_lowercase()), id.clone());
                assert!(prev.is_none(), "{f} `{v}` claimed twice");
            }
        }
    }
}

#[test]
fn linear_csv_has_the_export_columns() {
    let demo = default_demo();
    let header = demo.linear_csv.lines().next().unwrap();
    assert_eq!(
        header,
        "ID,Team,Title,Description,Status,Estimate,Priority,Project ID,Project,Creator,Assignee,Labels,Cycle Number,Cycle Name,Triage,Due Date,Created,Updated,Started,Triaged,Completed,Canceled,Archived,Parent issue,Initiatives,Project Milestone ID,Project Milestone,SLA Status,Roadmaps"
    );
    let rows = linear_rows(demo);
    assert_eq!(rows.len(), demo.stats.linear_items);
    let keys: HashSet<&str> = rows.iter().map(|r| r["ID"].as_str()).collect();
    assert_eq!(keys.len(), rows.len());
    for r in &rows {
        assert!(r["ID"].starts_with("MOB-"));
        assert_eq!(r["Team"], "Mobile");
        assert!(
            [
                "Backlog",
                "Todo",
                "In Progress",
                "In Review",
                "Done",
                "Canceled"
            ]
            .contains(&r["Status"].as_str())
        );
        DateTime::parse_from_rfc3339(&r["Created"]).expect("ISO timestamp");
        assert!(r["Created"].ends_with(".000Z"));
        if r["Status"] == "Done" {
            assert!(!r["Completed"].is_empty());
        }
        if !r["Parent issue"].is_empty() {
            assert!(keys.contains(r["Parent issue"].as_str()));
        }
        assert_eq!(r["Project"].is_empty(), r["Project ID"].is_empty());
    }
    assert!(
        rows.iter().any(|r| r["Labels"].contains(", ")),
        "multi-label cells"
    );
}

#[test]
fn notes_reference_things_that_exist() {
    let demo = default_demo();
    let t = strategy(demo);
    let goals = ids(&t, "goal");
    let initiatives = ids(&t, "initiative");
    let items: HashSet<String> = demo
        .truth
        .iter()
        .map(|p| format!("item:{}:{}", p.source, p.key))
        .collect();
    let mut r = csv::Reader::from_reader(demo.notes_csv.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "target",
            "kind",
            "text",
            "author_team",
            "author_name",
            "date"
        ]
    );
    let mut n = 0;
    let mut kinds = HashSet::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        n += 1;
        let target = &rec[0];
        let ok = match target.split_once(':') {
            Some(("goal", id)) => goals.contains(id),
            Some(("initiative", id)) => initiatives.contains(id),
            Some(("item", _)) => items.contains(target),
            _ => false,
        };
        assert!(ok, "note target {target} exists");
        assert!(
            throughline_model::NoteKind::parse(&rec[1]).is_some(),
            "kind {}",
            &rec[1]
        );
        kinds.insert(rec[1].to_string());
        assert!(!rec[2].is_empty());
        let date = NaiveDate::parse_from_str(&rec[5], "%Y-%m-%d").unwrap();
        assert!(date >= NaiveDate::from_ymd_opt(2026, 5, 25).unwrap());
        assert!(date <= NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
    }
    assert_eq!(n, demo.stats.notes);
    assert!((120..=180).contains(&n), "about 150 notes, got {n}");
    assert_eq!(kinds.len(), 5, "every kind of note occurs");
}

#[test]
fn metrics_reference_strategy_metrics_and_move() {
    let demo = default_demo();
    let metrics = ids(&strategy(demo), "metric");
    let mut series: HashMap<String, Vec<(NaiveDate, f64)>> = HashMap::new();
    let mut lines = demo.metrics_csv.lines();
    assert_eq!(lines.next(), Some("metric,date,value"));
    for l in lines {
        let mut p = l.split(',');
        let (m, d, v) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap());
        assert!(metrics.contains(m), "metric {m} is in the strategy");
        let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        series
            .entry(m.to_string())
            .or_default()
            .push((d, v.parse().unwrap()));
    }
    assert_eq!(series.len(), metrics.len(), "every metric has values");
    let head_tail = |id: &str| {
        let s = &series[id];
        let avg = |w: &[(NaiveDate, f64)]| w.iter().map(|x| x.1).sum::<f64>() / w.len() as f64;
        (avg(&s[..4]), avg(&s[s.len() - 3..]))
    };
    let (a, b) = head_tail("api-p95-latency");
    assert!(
        b < a - 50.0,
        "latency improves after the latency work: {a} -> {b}"
    );
    let (a, b) = head_tail("payment-success");
    assert!(b < a - 0.5, "payment success regresses: {a} -> {b}");
    let (a, b) = head_tail("enterprise-nrr");
    assert!((b - a).abs() < 2.0, "NRR stays flat: {a} -> {b}");
}
