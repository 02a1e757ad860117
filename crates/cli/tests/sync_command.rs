//! `throughline sync` against a fake Jira and a fake GitHub on loopback: items land and
//! are linked, the next sync asks only for what changed, and a failed page stores nothing.

mod common;

use common::Env;
use serde_json::json;
use throughline_sync::fake::{Reply, github_issue, jira_issue, linear_issue, serve};

const STRATEGY: &str = r#"
[[goal]]
id = "grow"
title = "Grow self-serve revenue"

[[initiative]]
id = "checkout"
goals = ["grow"]
title = "Checkout redesign"
labels = ["checkout"]
"#;

fn count(env: &Env) -> u64 {
    env.json(&["items", "--limit", "1"])["total"]
        .as_u64()
        .expect("total")
}

fn sync(env: &Env, base: &str, extra: &[&str]) -> std::process::Output {
    env.cmd()
        .args(["sync", "jira", "--url", base, "--jql", "project = PAY"])
        .args(extra)
        .env("JIRA_EMAIL", "ana@acme.test")
        .env("JIRA_API_TOKEN", "tok")
        .env_remove("JIRA_TOKEN")
        .output()
        .expect("run")
}

/// `sync github` of `repo` against the fake at `base`.
fn github(env: &Env, base: &str, repo: &str) -> std::process::Command {
    let mut c = env.cmd();
    c.args(["sync", "github", "--repo", repo, "--api-url", base]);
    c
}

#[test]
fn a_jira_sync_imports_links_and_next_time_asks_only_for_changes() {
    let env = Env::new();
    env.write("strategy.toml", STRATEGY);
    env.ok(&["strategy", "apply", "strategy.toml"]);
    let (base, seen) = serve(|req, _| match req.param("nextPageToken").as_deref() {
        None => Reply::json(json!({
            "issues": [jira_issue("PAY-1", "Saved cards", &["checkout"]),
                       jira_issue("PAY-2", "Card expiry reminder", &["checkout"])],
            "nextPageToken": "p2", "isLast": false})),
        _ => Reply::json(json!({
            "issues": [jira_issue("PAY-3", "Rotate the signing keys", &[])],
            "isLast": true})),
    });

    let out = sync(&env, &base, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("3 fetched"), "{stderr}");
    assert!(stderr.contains("3 new"), "{stderr}");
    assert_eq!(count(&env), 3);
    let status = env.json(&["status"]);
    assert_eq!(
        status["aligned_by_origin"]["explicit"]["items"], 2,
        "{status:#}"
    );
    let text = env.ok(&["status"]);
    assert!(
        text.contains("Last sync: ")
            && text.contains(&format!("3 items from {base} project = PAY (jira-sync)")),
        "{text}"
    );
    let pay1 = env.json(&["explain", "PAY-1"]);
    assert_eq!(pay1["item"]["source"], "jira", "{pay1:#}");

    // The next sync asks only for work updated since the last (less a day).
    let out = sync(&env, &base, &["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report["since"].is_string(), "{report:#}");
    assert_eq!(report["summary"]["unchanged"], 3, "{report:#}");
    let jqls: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .filter_map(|r| r.param("jql"))
        .collect();
    assert_eq!(jqls[0], "project = PAY");
    assert!(
        jqls[2].starts_with("(project = PAY) AND updated >= \""),
        "{jqls:?}"
    );
    // --full asks for everything again.
    let out = sync(&env, &base, &["--full", "-q"]);
    assert!(out.status.success());
    let last = seen.lock().unwrap().last().and_then(|r| r.param("jql"));
    assert_eq!(last.as_deref(), Some("project = PAY"));
}

#[test]
fn a_sync_that_fails_halfway_stores_nothing() {
    let env = Env::new();
    let (base, _) = serve(|req, _| match req.param("nextPageToken").as_deref() {
        None => Reply::json(json!({
            "issues": [jira_issue("PAY-1", "Saved cards", &[])],
            "nextPageToken": "p2", "isLast": false})),
        _ => Reply::status(500, r#"{"errorMessages":["Internal server error"]}"#),
    });
    let out = sync(&env, &base, &[]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert!(stderr.contains("answered 500"), "{stderr}");
    assert!(stderr.contains("Internal server error"), "{stderr}");
    assert!(
        stderr.contains("nextPageToken=p2"),
        "the page is named: {stderr}"
    );
    assert_eq!(count(&env), 0);
    // And nothing counts as a last sync: the next one asks for everything.
    let log: i64 = rusqlite::Connection::open(env.db())
        .unwrap()
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(log, 0);
}

#[test]
fn a_github_sync_reads_issues_with_the_token_from_the_environment() {
    let env = Env::new();
    let (base, seen) = serve(|_, _| {
        Reply::json(json!([
            github_issue("acme/shop", 1, "Checkout button does nothing"),
            github_issue("acme/shop", 2, "Saved addresses")
        ]))
    });
    let out = github(&env, &base, "acme/shop")
        .arg("-q")
        .env("GITHUB_TOKEN", "ghp_test")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&env), 2);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].header("authorization"), Some("Bearer ghp_test"));
    let bad = env
        .cmd()
        .args(["sync", "github", "--repo", "shop", "--api-url", &base])
        .output()
        .expect("run");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("OWNER/NAME"));
}

#[test]
fn a_linear_sync_needs_a_key_and_reads_one_team() {
    let env = Env::new();
    let (base, seen) = serve(|_, _| {
        Reply::json(json!({"data": {"issues": {
            "nodes": [linear_issue("ENG-1", "Saved cards", &["checkout"])],
            "pageInfo": {"hasNextPage": false, "endCursor": "c1"}}}}))
    });
    let url = format!("{base}/graphql");
    let run = |key: Option<&str>| {
        let mut c = env.cmd();
        c.args(["sync", "linear", "--team", "ENG", "--api-url", &url, "-q"]);
        match key {
            Some(k) => c.env("LINEAR_API_KEY", k),
            None => c.env_remove("LINEAR_API_KEY"),
        };
        c.output().expect("run")
    };
    let out = run(None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("LINEAR_API_KEY"));
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing asked without a key"
    );

    let out = run(Some("lin_api_test"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&env), 1);
    let item = env.json(&["explain", "ENG-1"]);
    assert_eq!(item["item"]["team"], "Payments", "{item:#}");
    // The second sync of the same team asks only for what changed.
    assert!(run(Some("lin_api_test")).status.success());
    let seen = seen.lock().unwrap();
    let second: serde_json::Value = serde_json::from_str(&seen[1].body).expect("body");
    assert!(
        second["variables"]["filter"]["updatedAt"]["gte"].is_string(),
        "{second:#}"
    );
    assert_eq!(second["variables"]["filter"]["team"]["key"]["eq"], "ENG");
}

#[test]
fn sync_every_keeps_syncing_and_outlives_a_failed_round() {
    let env = Env::new();
    // Round 1 finds one issue, round 2 is refused, round 3 finds a second one.
    let (base, seen) = serve(|_, n| match n {
        0 => Reply::json(json!([github_issue("acme/shop", 1, "Saved addresses")])),
        1 => Reply::status(500, r#"{"message":"Server Error"}"#),
        _ => Reply::json(json!([
            github_issue("acme/shop", 1, "Saved addresses"),
            github_issue("acme/shop", 2, "Checkout button does nothing")
        ])),
    });
    let mut child = github(&env, &base, "acme/shop")
        .args(["--every", "1s"])
        .env_remove("GITHUB_TOKEN")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // It never ends by itself: wait (at most a minute) for the third round to be asked.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while seen.lock().unwrap().len() < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // And for the third round's items to be stored.
    while count(&env) < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(
        child.try_wait().expect("wait"),
        None,
        "a failed round does not stop it"
    );
    child.kill().expect("kill");
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(count(&env), 2, "{stderr}");
    assert!(
        stderr.contains("this sync failed and stored nothing") && stderr.contains("500"),
        "{stderr}"
    );
    // Rounds after the first ask only for what changed.
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].param("since"), None);
    assert!(seen[2].param("since").is_some(), "{:?}", seen[2].target);
}

#[test]
fn sync_every_stops_at_once_when_the_first_round_fails() {
    let env = Env::new();
    let (base, seen) = serve(|_, _| Reply::status(404, r#"{"message":"Not Found"}"#));
    let out = github(&env, &base, "acme/gone")
        .args(["--every", "1s"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Not Found"));
    assert_eq!(seen.lock().unwrap().len(), 1, "no second round");
    let bad = env.fails(&["sync", "github", "--repo", "a/b", "--every", "soon"]);
    assert!(bad.contains("not a duration such as 30s"), "{bad}");
}

#[test]
fn a_full_sync_with_prune_removes_work_the_tracker_no_longer_returns() {
    let env = Env::new();
    // The first sync finds three issues; by the second, #2 was deleted.
    let (base, _) = serve(|_, n| {
        let mut issues = vec![
            github_issue("acme/shop", 1, "Saved addresses"),
            github_issue("acme/shop", 3, "Checkout button does nothing"),
        ];
        if n == 0 {
            issues.push(github_issue("acme/shop", 2, "Wallets"));
        }
        Reply::json(json!(issues))
    });
    let run = |extra: &[&str]| {
        let out = github(&env, &base, "acme/shop")
            .args(extra)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        stderr
    };
    run(&[]);
    assert_eq!(count(&env), 3);
    let stderr = run(&["--full", "--prune"]);
    assert!(stderr.contains(", 1 removed"), "{stderr}");
    assert!(stderr.contains("acme/shop#2"), "names what went: {stderr}");
    assert_eq!(count(&env), 2);
    let gone = env.fails(&["explain", "acme/shop#2"]);
    assert!(gone.contains("no item `acme/shop#2`"), "{gone}");
    // Pruning needs everything the tracker has: an incremental answer is only part.
    let err = env.fails(&["sync", "github", "--repo", "acme/shop", "--prune"]);
    assert!(err.contains("--full"), "{err}");
}

#[test]
fn a_synced_issue_with_an_empty_summary_is_kept_and_named() {
    let env = Env::new();
    let mut untitled = jira_issue("PAY-9", "", &[]);
    untitled["fields"]["description"] = json!("Crash when the card is expired\nmore");
    let (base, _seen) = serve(move |_, _| {
        Reply::json(json!({
            "issues": [jira_issue("PAY-1", "Saved cards", &[]), untitled.clone()],
            "isLast": true}))
    });
    let out = sync(&env, &base, &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("1 item with an empty title") && err.contains("PAY-9 (record 2)"),
        "{err}"
    );
    assert_eq!(count(&env), 2);
    let item = env.json(&["items", "--limit", "5"]);
    assert!(
        item.to_string().contains("Crash when the card is expired"),
        "{item}"
    );
}
