//! `throughline sync` against a fake Jira, GitHub, Linear, GitLab and Azure DevOps on
//! loopback: items land and are linked, the next sync asks only for what changed, and a
//! failed page stores nothing.

mod common;

use common::Env;
use serde_json::json;
use throughline_sync::fake::{
    Reply, azure_work_item, github_issue, gitlab_epic, gitlab_issue, jira_issue, linear_issue,
    serve,
};

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

/// The stderr of a run that succeeded, checked to say each of `words`.
fn succeeded_saying(out: &std::process::Output, words: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    for w in words {
        assert!(stderr.contains(w), "no {w:?} in: {stderr}");
    }
    stderr
}

/// The stderr of a run that failed, checked to say each of `words`.
fn failed_saying(out: &std::process::Output, words: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{stderr}");
    for w in words {
        assert!(stderr.contains(w), "no {w:?} in: {stderr}");
    }
    stderr
}

/// That `key` was stored from `source` and is linked, by the strategy's own selector, to
/// the `wallets` initiative (which selects it through its epic).
fn assert_rolled_up(env: &Env, key: &str, source: &str) {
    let found = env.json(&["items", "--text", key]);
    let row = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {found:#}"));
    assert_eq!(row["source"], source, "{row:#}");
    assert_eq!(row["link"]["target"]["id"], "wallets", "{row:#}");
    assert_eq!(row["link"]["origin"], "explicit", "{row:#}");
}

/// A strategy whose one initiative selects work by an epic.
fn epic_strategy(env: &Env, epic: &str) {
    env.write(
        "epics.toml",
        &format!(
            "[[goal]]\nid = \"grow\"\ntitle = \"Grow\"\n\n[[initiative]]\nid = \"wallets\"\n\
             goals = [\"grow\"]\ntitle = \"Wallets\"\nepics = [\"{epic}\"]\n"
        ),
    );
    env.ok(&["strategy", "apply", "epics.toml"]);
}

/// `sync gitlab --group acme` against the fake at `base`, with a token.
fn gitlab(env: &Env, base: &str, extra: &[&str]) -> std::process::Output {
    env.cmd()
        .args(["sync", "gitlab", "--url", base, "--group", "acme"])
        .args(extra)
        .env("GITLAB_TOKEN", "glpat-test")
        .output()
        .expect("run")
}

/// A fake GitLab group `acme`: issues in two pages (the second by the Link header), and
/// its epics.
fn gitlab_group(req: &throughline_sync::fake::Seen) -> Reply {
    let host = req.header("host").unwrap_or("").to_string();
    let path = req.target.split('?').next().unwrap_or("").to_string();
    match (path.as_str(), req.param("page").as_deref()) {
        ("/api/v4/groups/acme/issues", None) => Reply::json(json!([
            gitlab_issue("acme/shop", 1, "Pay by wallet", &[], Some(5)),
            gitlab_issue("acme/shop", 2, "Saved cards", &["checkout"], None)
        ]))
        .with_header(
            "Link",
            // As GitLab does, the next page keeps the query's parameters.
            &format!("<http://{host}{}&page=2>; rel=\"next\"", req.target),
        ),
        ("/api/v4/groups/acme/issues", Some("2")) => Reply::json(json!([gitlab_issue(
            "acme/shop",
            3,
            "Rotate the signing keys",
            &[],
            None
        )])),
        ("/api/v4/groups/acme/epics", _) => {
            Reply::json(json!([gitlab_epic("acme", 5, "Wallets", None)]))
        }
        _ => Reply::status(404, r#"{"message":"404 Not Found"}"#),
    }
}

#[test]
fn a_gitlab_sync_imports_links_epics_and_next_time_asks_only_for_changes() {
    let env = Env::new();
    epic_strategy(&env, "acme&5");
    let (base, seen) = serve(|req, _| gitlab_group(req));

    let out = gitlab(&env, &base, &[]);
    succeeded_saying(&out, &["4 fetched", "4 new"]);
    assert_eq!(count(&env), 3, "the issues: an epic is no work item");
    assert_rolled_up(&env, "acme/shop#1", "gitlab");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3, "two issue pages and the epics");
        assert!(
            seen.iter()
                .all(|r| r.header("private-token") == Some("glpat-test"))
        );
        assert_eq!(seen[0].param("scope").as_deref(), Some("all"));
        assert!(seen.iter().all(|r| r.param("updated_after").is_none()));
    }

    // The next sync asks only for work updated since the last began (less a day).
    let out = gitlab(&env, &base, &["--json"]);
    succeeded_saying(&out, &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report["since"].is_string(), "{report:#}");
    assert_eq!(report["summary"]["unchanged"], 4, "{report:#}");
    let seen = seen.lock().unwrap();
    let after: Vec<Option<String>> = seen[3..].iter().map(|r| r.param("updated_after")).collect();
    assert_eq!(after.len(), 3);
    assert!(after.iter().all(Option::is_some), "{after:?}");
}

#[test]
fn a_gitlab_sync_without_a_token_or_with_a_refused_one_names_the_variable() {
    let env = Env::new();
    let (base, seen) = serve(|_, _| Reply::status(401, r#"{"message":"401 Unauthorized"}"#));
    let out = env
        .cmd()
        .args(["sync", "gitlab", "--url", &base, "--project", "acme/shop"])
        .env_remove("GITLAB_TOKEN")
        .output()
        .expect("run");
    failed_saying(&out, &["set GITLAB_TOKEN"]);
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing asked without a token"
    );

    let out = gitlab(&env, &base, &[]);
    failed_saying(&out, &["answered 401", "GITLAB_TOKEN"]);
    let neither = env.fails(&["sync", "gitlab", "--url", &base]);
    assert!(
        neither.contains("--group") && neither.contains("--project"),
        "{neither}"
    );
}

#[test]
fn a_gitlab_sync_waits_out_a_rate_limit_and_notes_missing_epics() {
    let env = Env::new();
    // A reset time already past asks no wait: the test takes no time.
    let (base, seen) = serve(|req, n| match n {
        0 => Reply::status(429, r#"{"message":"Retry later"}"#)
            .with_header("RateLimit-Reset", "1700000000"),
        _ if req.target.contains("/epics") => Reply::status(403, r#"{"message":"403 Forbidden"}"#),
        _ => Reply::json(json!([gitlab_issue(
            "acme/shop",
            1,
            "Saved cards",
            &[],
            None
        )])),
    });
    let out = gitlab(&env, &base, &["--json"]);
    succeeded_saying(&out, &[]);
    assert_eq!(count(&env), 1);
    assert_eq!(seen.lock().unwrap().len(), 3);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let warned = report["warnings"].to_string();
    assert!(
        warned.contains("epics were not read") && warned.contains("403"),
        "{report:#}"
    );
}

#[test]
fn a_gitlab_sync_told_to_come_back_at_a_date_waits_or_fails_saying_how_long() {
    let env = Env::new();
    // `Retry-After` as an HTTP date already past: asked again at once, and stored.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(30);
    let (base, seen) = serve(move |req, n| match n {
        0 => Reply::busy_until(past),
        _ => gitlab_group(req),
    });
    succeeded_saying(&gitlab(&env, &base, &["-q"]), &[]);
    assert_eq!(count(&env), 3);
    assert!(seen.lock().unwrap().len() > 1);

    // An hour away: the sync fails at once, saying so, and stores nothing more.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let (base, seen) = serve(move |_, _| Reply::busy_until(later));
    let out = gitlab(&env, &base, &["--full"]);
    failed_saying(
        &out,
        &["answered 429", "asked to wait 359", "nothing was imported"],
    );
    assert_eq!(seen.lock().unwrap().len(), 1, "not asked again early");
    assert_eq!(count(&env), 3);
}

#[test]
fn a_gitlab_sync_dropped_halfway_stores_nothing_and_keeps_what_was_there() {
    let env = Env::new();
    let (base, _) = serve(|req, n| {
        if n >= 3 && req.param("page").as_deref() == Some("2") {
            Reply::dropped()
        } else {
            gitlab_group(req)
        }
    });
    assert!(gitlab(&env, &base, &["-q"]).status.success());
    assert_eq!(count(&env), 3, "the issues: an epic is no work item");
    let out = gitlab(&env, &base, &["--full", "--prune"]);
    failed_saying(&out, &["nothing was imported", "page=2"]);
    assert_eq!(count(&env), 3, "what the first sync stored is kept");
    let log: i64 = rusqlite::Connection::open(env.db())
        .unwrap()
        .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(log, 1, "the failed sync is no last sync");
}

#[test]
fn a_full_gitlab_sync_with_prune_removes_work_the_tracker_no_longer_returns() {
    let env = Env::new();
    let (base, _) = serve(|req, n| {
        // By the second sync, #3 (on the second page) was deleted.
        if n >= 3 && req.param("page").as_deref() == Some("2") {
            Reply::json(json!([]))
        } else {
            gitlab_group(req)
        }
    });
    assert!(gitlab(&env, &base, &["-q"]).status.success());
    assert_eq!(count(&env), 3, "the issues: an epic is no work item");
    let out = gitlab(&env, &base, &["--full", "--prune"]);
    succeeded_saying(&out, &[", 1 removed", "acme/shop#3"]);
    assert_eq!(count(&env), 2);
}

/// `sync azure-devops --org fabrikam --project Shop` against the fake at `base`.
fn azure(env: &Env, base: &str, extra: &[&str]) -> std::process::Output {
    env.cmd()
        .args([
            "sync",
            "azure-devops",
            "--org",
            "fabrikam",
            "--project",
            "Shop",
            "--api-url",
            base,
        ])
        .args(extra)
        .env("AZURE_DEVOPS_TOKEN", "pat")
        .output()
        .expect("run")
}

/// A fake Azure DevOps project: an Epic (1), a Feature under it (2), a story under that
/// (3) and a story of its own (4), less those in `gone`.
fn azure_project(req: &throughline_sync::fake::Seen, gone: &[u64]) -> Reply {
    if req.target.contains("/_apis/wit/wiql?") {
        let ids: Vec<_> = (1..=4u64)
            .filter(|i| !gone.contains(i))
            .map(|id| json!({"id": id, "url": format!("https://dev.azure.com/fabrikam/_apis/wit/workItems/{id}")}))
            .collect();
        return Reply::json(json!({"queryType": "flat", "workItems": ids}));
    }
    let body: serde_json::Value = serde_json::from_str(&req.body).expect("json body");
    let value: Vec<_> = body["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(serde_json::Value::as_u64)
        .map(|id| match id {
            1 => azure_work_item("Shop", 1, "Epic", "Wallets", None),
            2 => azure_work_item("Shop", 2, "Feature", "Saved wallets", Some(1)),
            3 => azure_work_item("Shop", 3, "User Story", "Pay by wallet", Some(2)),
            _ => azure_work_item("Shop", id, "Bug", "Receipt shows the wrong total", None),
        })
        .collect();
    Reply::json(json!({"count": value.len(), "value": value}))
}

#[test]
fn an_azure_devops_sync_imports_rolls_up_epics_and_next_time_asks_only_for_changes() {
    let env = Env::new();
    epic_strategy(&env, "Shop-1");
    let (base, seen) = serve(|req, _| azure_project(req, &[]));
    let out = azure(&env, &base, &[]);
    succeeded_saying(&out, &["4 fetched", "4 new"]);
    assert_eq!(
        count(&env),
        2,
        "the stories and bugs: an Epic or a Feature is no work item"
    );
    assert_rolled_up(&env, "Shop-3", "azure-devops");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "the ids, then one batch");
        assert!(
            seen[0]
                .target
                .starts_with("/fabrikam/Shop/_apis/wit/wiql?api-version=7.1")
        );
        assert!(
            seen[1]
                .target
                .starts_with("/fabrikam/Shop/_apis/wit/workitemsbatch?api-version=7.1")
        );
        assert!(
            seen.iter()
                .all(|r| r.header("authorization") == Some("Basic OnBhdA=="))
        );
        assert!(!seen[0].body.contains("ChangedDate"), "{}", seen[0].body);
    }

    let out = azure(&env, &base, &["--json"]);
    succeeded_saying(&out, &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["unchanged"], 4, "{report:#}");
    let seen = seen.lock().unwrap();
    let wiql: serde_json::Value = serde_json::from_str(&seen[2].body).expect("wiql");
    let q = wiql["query"].as_str().expect("query");
    assert!(
        q.contains("([System.TeamProject] = @project) AND [System.ChangedDate] >= '"),
        "{q}"
    );

    drop(seen);

    // A story changed alone comes without its Feature: it keeps its place beneath it,
    // and so under the selected Epic, through the parent chain.
    let (only_story, _) = serve(|req, _| azure_project(req, &[1, 2, 4]));
    let out = azure(&env, &only_story, &["--json"]);
    succeeded_saying(&out, &[]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["summary"]["read"], 1, "{report:#}");
    assert_rolled_up(&env, "Shop-3", "azure-devops");
}

#[test]
fn an_azure_devops_sync_names_the_token_and_waits_out_busy_answers() {
    let env = Env::new();
    let (base, seen) = serve(|req, n| match n {
        0 => Reply::status(503, "busy").with_header("Retry-After", "0"),
        1 => Reply::status(429, r#"{"message":"TF400733: slow down"}"#)
            .with_header("Retry-After", "0"),
        _ => azure_project(req, &[]),
    });
    let out = env
        .cmd()
        .args([
            "sync",
            "azure-devops",
            "--org",
            "fabrikam",
            "--project",
            "Shop",
            "--api-url",
            &base,
        ])
        .env_remove("AZURE_DEVOPS_TOKEN")
        .output()
        .expect("run");
    failed_saying(&out, &["AZURE_DEVOPS_TOKEN"]);
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing asked without a token"
    );

    let out = azure(&env, &base, &["-q"]);
    succeeded_saying(&out, &[]);
    assert_eq!(
        count(&env),
        2,
        "the stories and bugs: an Epic or a Feature is no work item"
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        4,
        "two waits, the ids, the batch"
    );

    let (refusing, _) = serve(|_, _| Reply::status(401, ""));
    let out = azure(&env, &refusing, &[]);
    failed_saying(&out, &["answered 401", "AZURE_DEVOPS_TOKEN"]);
}

#[test]
fn an_azure_devops_sync_dropped_halfway_stores_nothing_and_prune_removes_what_went() {
    let env = Env::new();
    // Sync 1 (requests 0-1) stores four; sync 2's batch (request 3) is cut off; by sync
    // 3 (requests 4-5) the Bug was deleted.
    let (base, _) = serve(|req, n| match n {
        0..=2 => azure_project(req, &[]),
        3 => Reply::dropped(),
        _ => azure_project(req, &[4]),
    });
    assert!(azure(&env, &base, &["-q"]).status.success());
    assert_eq!(
        count(&env),
        2,
        "the stories and bugs: an Epic or a Feature is no work item"
    );
    let out = azure(&env, &base, &["--full"]);
    failed_saying(&out, &["nothing was imported", "workitemsbatch"]);
    assert_eq!(count(&env), 2, "what the first sync stored is kept");

    let out = azure(&env, &base, &["--full", "--prune"]);
    succeeded_saying(&out, &[", 1 removed", "Shop-4"]);
    assert_eq!(count(&env), 1);
}
