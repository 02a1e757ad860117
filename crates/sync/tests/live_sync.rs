//! Live sync against a fake tracker on loopback: paging, credentials, incremental
//! queries, retries, and errors that say what to check.

use chrono::{TimeZone, Utc};
use serde_json::json;
use throughline_ingest::ImportOptions;
use throughline_sync::fake::{
    Reply, azure_work_item, github_issue, gitlab_epic, gitlab_issue, jira_issue, linear_issue,
    serve,
};
use throughline_sync::{
    AzureDevops, Credentials, Github, Gitlab, GitlabScope, Jira, Linear, Pages, SyncError,
};

fn names() -> serde_json::Value {
    json!({"customfield_10016": "Story Points", "summary": "Summary"})
}

#[test]
fn jira_cloud_pages_follow_the_next_page_token() {
    let (base, seen) = serve(|req, _| {
        let page = match req.param("nextPageToken").as_deref() {
            None => json!({"issues": [jira_issue("PAY-1", "Saved cards", &["checkout"]),
                                      jira_issue("PAY-2", "Card expiry", &[])],
                           "nextPageToken": "p2", "isLast": false, "names": names()}),
            Some("p2") => json!({"issues": [jira_issue("PAY-3", "Refund flow", &[])],
                                 "nextPageToken": "p3", "isLast": true, "names": names()}),
            Some(other) => panic!("unexpected token {other}"),
        };
        Reply::json(page)
    });
    let creds = Credentials::Basic {
        user: "ana@acme.test".into(),
        token: "tok".into(),
    };
    let mut jira = Jira::new(
        &base,
        "project = PAY",
        false,
        creds,
        None,
        ImportOptions::default(),
    )
    .expect("jira");
    let mut counts = Vec::new();
    let items = jira.fetch_all(|n| counts.push(n)).expect("fetched");

    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["PAY-1", "PAY-2", "PAY-3"]);
    assert_eq!(counts, [2, 3], "progress after each page");
    assert_eq!(items[0].labels, ["checkout"]);
    assert_eq!(
        items[0].estimate,
        Some(3.0),
        "custom fields resolved by their names"
    );
    assert_eq!(items[0].source, "jira");
    assert_eq!(
        items[0].url.as_deref(),
        Some(format!("{base}/browse/PAY-1").as_str()),
        "links point at the site synced"
    );

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for r in seen.iter() {
        assert!(
            r.target.starts_with("/rest/api/3/search/jql?"),
            "{}",
            r.target
        );
        assert_eq!(r.param("jql").as_deref(), Some("project = PAY"));
        assert_eq!(r.param("fields").as_deref(), Some("*all"));
        assert_eq!(r.param("expand").as_deref(), Some("names"));
        assert_eq!(
            r.header("authorization"),
            Some("Basic YW5hQGFjbWUudGVzdDp0b2s=")
        );
    }
}

#[test]
fn jira_server_pages_follow_start_at_until_the_total() {
    let (base, seen) = serve(|req, _| {
        let at: usize = req
            .param("startAt")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let issues: Vec<_> = (at..(at + 2).min(5))
            .map(|i| jira_issue(&format!("OPS-{i}"), "Rotate certificates", &[]))
            .collect();
        Reply::json(json!({"startAt": at, "maxResults": 2, "total": 5, "issues": issues}))
    });
    let mut jira = Jira::new(
        &base,
        "project = OPS",
        true,
        Credentials::Bearer("pat".into()),
        None,
        ImportOptions::default(),
    )
    .expect("jira");
    let items = jira.fetch_all(|_| {}).expect("fetched");
    assert_eq!(items.len(), 5);
    let seen = seen.lock().unwrap();
    let starts: Vec<String> = seen.iter().filter_map(|r| r.param("startAt")).collect();
    assert_eq!(starts, ["0", "2", "4"]);
    assert!(seen[0].target.starts_with("/rest/api/2/search?"));
    assert_eq!(seen[0].header("authorization"), Some("Bearer pat"));
}

#[test]
fn an_incremental_jira_sync_asks_only_for_work_updated_since() {
    let (base, seen) = serve(|_, _| Reply::json(json!({"issues": [], "isLast": true})));
    let last = Utc.with_ymd_and_hms(2026, 6, 10, 8, 0, 0).unwrap();
    let mut jira = Jira::new(
        &base,
        "project = PAY ORDER BY updated",
        false,
        Credentials::None,
        Some(last),
        ImportOptions::default(),
    )
    .expect("jira");
    assert!(jira.fetch_all(|_| {}).expect("fetched").is_empty());
    let jql = seen.lock().unwrap()[0].param("jql");
    assert_eq!(
        jql.as_deref(),
        Some("(project = PAY) AND updated >= \"2026-06-09\" ORDER BY updated")
    );
}

#[test]
fn github_pages_follow_the_link_header_and_send_the_token() {
    let (base, seen) = serve(move |req, _| {
        let host = req.header("host").unwrap_or("").to_string();
        if req.param("page").as_deref() == Some("2") {
            Reply::json(json!([github_issue("acme/shop", 3, "Coupons")]))
        } else {
            let next = format!(
                "<http://{host}/repositories/9/issues?page=2>; rel=\"next\", \
                 <http://{host}/repositories/9/issues?page=2>; rel=\"last\""
            );
            Reply::json(json!([
                github_issue("acme/shop", 1, "Checkout button does nothing"),
                github_issue("acme/shop", 2, "Saved addresses")
            ]))
            .with_header("Link", &next)
        }
    });
    let since = Utc.with_ymd_and_hms(2026, 6, 10, 8, 0, 0).unwrap();
    let mut gh = Github::new(
        &base,
        "acme/shop",
        Credentials::Bearer("ghp_x".into()),
        Some(since),
        ImportOptions::default(),
    )
    .expect("github");
    let items = gh.fetch_all(|_| {}).expect("fetched");
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["acme/shop#1", "acme/shop#2", "acme/shop#3"]);
    assert_eq!(items[0].labels, ["checkout"]);

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].target.starts_with("/repos/acme/shop/issues?"));
    assert_eq!(seen[0].param("state").as_deref(), Some("all"));
    assert_eq!(
        seen[0].param("since").as_deref(),
        Some("2026-06-09T08:00:00Z")
    );
    assert_eq!(seen[1].target, "/repositories/9/issues?page=2");
    assert!(
        seen.iter()
            .all(|r| r.header("authorization") == Some("Bearer ghp_x"))
    );
    assert!(seen.iter().all(|r| {
        r.header("user-agent")
            .is_some_and(|u| u.starts_with("throughline/"))
    }));
}

#[test]
fn a_busy_tracker_is_asked_again_after_the_wait_it_names() {
    let (base, seen) = serve(|_, n| {
        if n < 2 {
            Reply::status(429, r#"{"message":"slow down"}"#).with_header("Retry-After", "0")
        } else {
            Reply::json(json!([github_issue("acme/shop", 1, "Checkout")]))
        }
    });
    let mut gh = Github::new(
        &base,
        "acme/shop",
        Credentials::None,
        None,
        ImportOptions::default(),
    )
    .expect("github");
    assert_eq!(gh.fetch_all(|_| {}).expect("fetched").len(), 1);
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn refused_credentials_say_which_to_set() {
    let (base, _) =
        serve(|_, _| Reply::status(401, r#"{"errorMessages":["You are not authenticated"]}"#));
    let mut jira = Jira::new(
        &base,
        "project = PAY",
        false,
        Credentials::None,
        None,
        ImportOptions::default(),
    )
    .expect("jira");
    let e = jira.fetch_all(|_| {}).expect_err("refused");
    let text = e.to_string();
    assert!(matches!(e, SyncError::Status { status: 401, .. }), "{e:?}");
    assert!(text.contains("You are not authenticated"), "{text}");
    assert!(text.contains("JIRA_EMAIL and JIRA_API_TOKEN"), "{text}");
    assert!(text.contains(&base), "the address asked is named: {text}");
}

#[test]
fn an_issue_that_cannot_be_read_names_its_page_and_key() {
    let (base, _) = serve(|_, _| {
        let mut bad = jira_issue("PAY-9", "Broken", &[]);
        bad["fields"]["created"] = json!("last tuesday");
        Reply::json(json!({"issues": [bad], "isLast": true}))
    });
    let mut jira = Jira::new(
        &base,
        "project = PAY",
        false,
        Credentials::None,
        None,
        ImportOptions::default(),
    )
    .expect("jira");
    let text = jira.fetch_all(|_| {}).expect_err("bad date").to_string();
    assert!(text.contains("PAY-9"), "{text}");
    assert!(text.contains("/rest/api/3/search/jql"), "{text}");
    assert!(text.contains("created"), "{text}");
}

#[test]
fn an_unreachable_tracker_is_a_network_error() {
    // Bind, learn the port, close: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut gh = Github::new(
        &format!("http://127.0.0.1:{port}"),
        "acme/shop",
        Credentials::None,
        None,
        ImportOptions::default(),
    )
    .expect("github");
    let e = gh.fetch_all(|_| {}).expect_err("unreachable");
    assert!(matches!(e, SyncError::Network { .. }), "{e:?}");
    assert!(e.to_string().contains("could not reach"), "{e}");
}

#[test]
fn linear_pages_follow_the_cursor_with_the_key_as_sent() {
    let (base, seen) = serve(|req, _| {
        let vars: serde_json::Value = serde_json::from_str(&req.body).expect("json body");
        let (nodes, more) = match vars["variables"]["after"].as_str() {
            None => (
                vec![
                    linear_issue("ENG-1", "Saved cards", &["checkout"]),
                    linear_issue("ENG-2", "Card expiry", &[]),
                ],
                true,
            ),
            Some("c2") => (vec![linear_issue("ENG-3", "Refunds", &[])], false),
            Some(other) => panic!("unexpected cursor {other}"),
        };
        Reply::json(json!({"data": {"issues": {
            "nodes": nodes,
            "pageInfo": {"hasNextPage": more, "endCursor": if more { "c2" } else { "c3" }}}}}))
    });
    let since = Utc.with_ymd_and_hms(2026, 6, 10, 8, 0, 0).unwrap();
    let mut linear = Linear::new(
        &format!("{base}/graphql"),
        Some("ENG"),
        Credentials::ApiKey("lin_api_x".into()),
        Some(since),
        ImportOptions::default(),
    )
    .expect("linear");
    let items = linear.fetch_all(|_| {}).expect("fetched");
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["ENG-1", "ENG-2", "ENG-3"]);
    assert_eq!(items[0].labels, ["checkout"]);
    assert_eq!(items[0].team.as_deref(), Some("Payments"));
    assert_eq!(items[0].source, "linear");

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.target == "/graphql"));
    assert!(
        seen.iter()
            .all(|r| r.header("authorization") == Some("lin_api_x"))
    );
    let first: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert!(
        first["query"]
            .as_str()
            .unwrap()
            .contains("issues(first: $first")
    );
    assert_eq!(first["variables"]["filter"]["team"]["key"]["eq"], "ENG");
    assert_eq!(
        first["variables"]["filter"]["updatedAt"]["gte"],
        "2026-06-09T08:00:00Z"
    );
}

#[test]
fn linear_errors_in_a_successful_answer_are_errors() {
    let (base, _) = serve(|_, _| {
        Reply::json(json!({"errors": [{"message": "Query too complex"}], "data": null}))
    });
    let mut linear = Linear::new(
        &base,
        None,
        Credentials::ApiKey("k".into()),
        None,
        ImportOptions::default(),
    )
    .expect("linear");
    let text = linear
        .fetch_all(|_| {})
        .expect_err("graphql error")
        .to_string();
    assert!(text.contains("Query too complex"), "{text}");

    let e = Linear::new(
        &base,
        None,
        Credentials::None,
        None,
        ImportOptions::default(),
    );
    assert!(matches!(e, Err(SyncError::Config(m)) if m.contains("LINEAR_API_KEY")));
}

/// A GitLab sync of `scope` against the fake at `base`, with the token `glpat-x`.
fn gitlab_at(base: &str, scope: GitlabScope, since: Option<chrono::DateTime<Utc>>) -> Gitlab {
    let token = Credentials::PrivateToken("glpat-x".into());
    Gitlab::new(base, scope, token, since, ImportOptions::default()).expect("gitlab")
}

#[test]
fn gitlab_pages_follow_the_link_header_then_read_the_epics() {
    let (base, seen) = serve(|req, _| {
        let host = req.header("host").unwrap_or("").to_string();
        let path = req.target.split('?').next().unwrap_or("");
        match (path, req.param("cursor").as_deref()) {
            ("/api/v4/groups/acme%2Fpay/issues", None) => Reply::json(json!([
                gitlab_issue("acme/shop", 1, "Saved cards", &["checkout"], Some(5)),
                gitlab_issue("acme/shop", 2, "Card expiry", &[], None)
            ]))
            // A keyset page: the cursor is only in the link, followed as given.
            .with_header(
                "Link",
                &format!(
                    "<http://{host}/api/v4/groups/acme%2Fpay/issues?cursor=eyJpZCI6Mn0&per_page=100&scope=all>; rel=\"next\""
                ),
            ),
            ("/api/v4/groups/acme%2Fpay/issues", Some("eyJpZCI6Mn0")) => Reply::json(json!([
                gitlab_issue("acme/shop", 3, "Refunds", &[], Some(6))
            ])),
            ("/api/v4/groups/acme%2Fpay/epics", _) => Reply::json(json!([
                gitlab_epic("acme", 5, "Wallets", None),
                gitlab_epic("acme", 6, "Saved wallets", Some(4205))
            ])),
            other => panic!("unexpected request {other:?}"),
        }
    });
    let since = Utc.with_ymd_and_hms(2026, 6, 10, 8, 0, 0).unwrap();
    let mut gitlab = gitlab_at(&base, GitlabScope::Group("acme/pay".into()), Some(since));
    let mut counts = Vec::new();
    let items = gitlab.fetch_all(|n| counts.push(n)).expect("fetched");
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "acme/shop#1",
            "acme/shop#2",
            "acme/shop#3",
            "acme&5",
            "acme&6"
        ]
    );
    assert_eq!(counts, [2, 3, 5], "progress after each page");
    assert_eq!(items[0].epic_key.as_deref(), Some("acme&5"));
    assert_eq!(items[0].labels, ["checkout"]);
    assert_eq!(items[0].source, "gitlab");
    assert_eq!(
        items[4].epic_key.as_deref(),
        Some("acme&5"),
        "an epic's parent, read with it"
    );
    assert!(gitlab.notes().is_empty());

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].param("scope").as_deref(), Some("all"));
    assert_eq!(seen[0].param("per_page").as_deref(), Some("100"));
    assert_eq!(
        seen[0].param("updated_after").as_deref(),
        Some("2026-06-09T08:00:00Z")
    );
    assert_eq!(
        seen[1].target,
        "/api/v4/groups/acme%2Fpay/issues?cursor=eyJpZCI6Mn0&per_page=100&scope=all"
    );
    assert_eq!(
        seen[2].param("updated_after").as_deref(),
        Some("2026-06-09T08:00:00Z")
    );
    assert!(
        seen.iter()
            .all(|r| r.header("private-token") == Some("glpat-x"))
    );
    assert!(seen.iter().all(|r| r.header("authorization").is_none()));
}

#[test]
fn gitlab_epics_refused_are_a_note_not_a_failure() {
    let (base, seen) = serve(|req, _| {
        if req.target.contains("/epics") {
            Reply::status(403, r#"{"message":"403 Forbidden"}"#)
        } else {
            Reply::json(json!([gitlab_issue(
                "acme/shop",
                1,
                "Saved cards",
                &[],
                None
            )]))
        }
    });
    let mut gitlab = gitlab_at(&base, GitlabScope::Group("acme".into()), None);
    let items = gitlab.fetch_all(|_| {}).expect("fetched");
    assert_eq!(items.len(), 1);
    let notes = gitlab.notes();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("epics") && notes[0].contains("403"),
        "{notes:?}"
    );
    assert!(seen.lock().unwrap()[0].param("updated_after").is_none());
}

#[test]
fn a_project_is_synced_without_epics_and_a_refused_token_names_the_variable() {
    let (base, seen) = serve(|_, _| Reply::status(401, r#"{"message":"401 Unauthorized"}"#));
    let mut gitlab = gitlab_at(&base, GitlabScope::Project("acme/shop".into()), None);
    let e = gitlab.fetch_all(|_| {}).expect_err("refused");
    let text = e.to_string();
    assert!(matches!(e, SyncError::Status { status: 401, .. }), "{e:?}");
    assert!(text.contains("401 Unauthorized"), "{text}");
    assert!(text.contains("GITLAB_TOKEN"), "{text}");
    let seen = seen.lock().unwrap();
    assert!(
        seen[0]
            .target
            .starts_with("/api/v4/projects/acme%2Fshop/issues?")
    );
}

#[test]
fn gitlab_rate_limits_are_waited_out_until_the_reset() {
    // A reset time already past: wait nothing, ask again.
    let (base, seen) = serve(|_, n| match n {
        0 => Reply::status(429, r#"{"message":"Retry later"}"#)
            .with_header("RateLimit-Reset", "1700000000"),
        _ => Reply::json(json!([gitlab_issue(
            "acme/shop",
            1,
            "Saved cards",
            &[],
            None
        )])),
    });
    let mut gitlab = gitlab_at(&base, GitlabScope::Project("acme/shop".into()), None);
    assert_eq!(gitlab.fetch_all(|_| {}).expect("fetched").len(), 1);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn retry_after_as_an_http_date_is_waited_out_or_refused() {
    let issue = || {
        Reply::json(json!([gitlab_issue(
            "acme/shop",
            1,
            "Saved cards",
            &[],
            None
        )]))
    };
    // A date already past: ask again at once. Unread, the date would leave the client to
    // back off a whole second first.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    let (base, seen) = serve(move |_, n| match n {
        0 => Reply::busy_until(past),
        _ => issue(),
    });
    let mut gitlab = gitlab_at(&base, GitlabScope::Project("acme/shop".into()), None);
    let began = std::time::Instant::now();
    assert_eq!(gitlab.fetch_all(|_| {}).expect("fetched").len(), 1);
    assert!(
        began.elapsed() < std::time::Duration::from_millis(900),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(seen.lock().unwrap().len(), 2);

    // An hour away is past the longest wait honoured: the sync fails at once, saying how
    // long it was asked to wait, rather than hanging (or retrying early).
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let (base, seen) = serve(move |_, _| Reply::busy_until(later));
    let mut gitlab = gitlab_at(&base, GitlabScope::Project("acme/shop".into()), None);
    let e = gitlab.fetch_all(|_| {}).expect_err("refused");
    assert!(matches!(e, SyncError::Status { status: 429, .. }), "{e:?}");
    let text = e.to_string();
    // The wait asked is said (an hour, less the second the date's precision loses).
    assert!(
        text.contains("Retry later") && text.contains("asked to wait 359"),
        "{text}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn a_dropped_connection_is_a_network_error_naming_the_page() {
    let (base, _) = serve(|_, _| Reply::dropped());
    let mut gitlab = gitlab_at(&base, GitlabScope::Project("acme/shop".into()), None);
    let e = gitlab.fetch_all(|_| {}).expect_err("dropped");
    assert!(matches!(e, SyncError::Network { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("/api/v4/projects/acme%2Fshop/issues"),
        "{e}"
    );
}

/// A fake Azure DevOps: WIQL answers the ids above the query's `[System.Id] > N` (all
/// of `ids` on the first), at most `$top`; the batch answers each id asked.
fn azure_fake(
    ids: Vec<u64>,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<throughline_sync::fake::Seen>>>,
) {
    serve(move |req, _| {
        let body: serde_json::Value = serde_json::from_str(&req.body).expect("json body");
        if req.target.contains("/_apis/wit/wiql?") {
            let q = body["query"].as_str().expect("query");
            let after: u64 = q
                .split("[System.Id] > ")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let top: usize = req
                .param("$top")
                .and_then(|t| t.parse().ok())
                .unwrap_or(20_000);
            let found: Vec<_> = ids
                .iter()
                .filter(|&&id| id > after)
                .take(top)
                .map(|id| json!({"id": id, "url": format!("https://dev.azure.com/fabrikam/_apis/wit/workItems/{id}")}))
                .collect();
            Reply::json(
                json!({"queryType": "flat", "asOf": "2026-06-20T07:30:00Z", "workItems": found}),
            )
        } else if req.target.contains("/_apis/wit/workitemsbatch?") {
            let value: Vec<_> = body["ids"]
                .as_array()
                .expect("ids")
                .iter()
                .map(|id| {
                    let id = id.as_u64().expect("id");
                    match id {
                        1 => azure_work_item("Shop", 1, "Epic", "Wallets", None),
                        2 => azure_work_item("Shop", 2, "Feature", "Saved wallets", Some(1)),
                        _ => azure_work_item("Shop", id, "User Story", "Pay by wallet", Some(2)),
                    }
                })
                .collect();
            Reply::json(json!({"count": value.len(), "value": value}))
        } else {
            panic!("unexpected request {}", req.target)
        }
    })
}

/// An Azure DevOps sync of project Shop in organisation fabrikam against the fake at
/// `base`, with the token `pat`.
fn azure_at(base: &str, query: Option<&str>, since: Option<chrono::DateTime<Utc>>) -> AzureDevops {
    let token = Credentials::Basic {
        user: String::new(),
        token: "pat".into(),
    };
    AzureDevops::new(
        base,
        "fabrikam",
        "Shop",
        query,
        token,
        since,
        ImportOptions::default(),
    )
    .expect("azure")
}

#[test]
fn azure_ids_come_in_ranges_and_work_items_in_batches_of_200() {
    let ids: Vec<u64> = (1..=450).collect();
    let (base, seen) = azure_fake(ids);
    let mut azure = azure_at(&base, None, None).with_wiql_limit(300);
    let mut counts = Vec::new();
    let items = azure.fetch_all(|n| counts.push(n)).expect("fetched");
    assert_eq!(items.len(), 450);
    assert_eq!(counts, [200, 300, 450], "progress after each batch");
    assert_eq!(items[0].key, "Shop-1");
    assert_eq!(
        items[2].epic_key.as_deref(),
        Some("Shop-2"),
        "a Feature is its story's epic"
    );
    assert_eq!(items[2].parent_key.as_deref(), Some("Shop-2"));
    assert_eq!(items[0].source, "azure-devops");

    let seen = seen.lock().unwrap();
    let targets: Vec<&str> = seen
        .iter()
        .map(|r| r.target.split('?').next().unwrap_or(""))
        .collect();
    let (wiql, batch) = (
        "/fabrikam/Shop/_apis/wit/wiql",
        "/fabrikam/Shop/_apis/wit/workitemsbatch",
    );
    // Ids 1-300, two batches; ids 301-450 (fewer than the limit: the last range), one.
    assert_eq!(targets, [wiql, batch, batch, wiql, batch]);
    let first: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(
        first["query"],
        "SELECT [System.Id] FROM WorkItems WHERE ([System.TeamProject] = @project) ORDER BY [System.Id]"
    );
    assert_eq!(seen[0].param("api-version").as_deref(), Some("7.1"));
    let second: serde_json::Value = serde_json::from_str(&seen[3].body).unwrap();
    assert!(
        second["query"]
            .as_str()
            .unwrap()
            .contains("AND [System.Id] > 300 ORDER BY"),
        "{second}"
    );
    let b: serde_json::Value = serde_json::from_str(&seen[1].body).unwrap();
    assert_eq!(b["ids"].as_array().unwrap().len(), 200);
    assert_eq!(b["$expand"], "relations");
    assert!(
        seen.iter()
            .all(|r| r.header("authorization") == Some("Basic OnBhdA=="))
    );
}

#[test]
fn an_incremental_azure_sync_asks_only_for_changed_work() {
    let (base, seen) = azure_fake(vec![]);
    let since = Utc.with_ymd_and_hms(2026, 6, 10, 8, 0, 0).unwrap();
    let mut azure = azure_at(
        &base,
        Some(
            "SELECT [System.Id] FROM WorkItems WHERE [System.WorkItemType] = 'Bug' ORDER BY [System.ChangedDate] DESC",
        ),
        Some(since),
    );
    assert!(azure.fetch_all(|_| {}).expect("fetched").is_empty());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "no batch for no ids");
    let q: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(
        q["query"],
        "SELECT [System.Id] FROM WorkItems WHERE (([System.WorkItemType] = 'Bug') AND [System.ChangedDate] >= '2026-06-09') ORDER BY [System.Id]"
    );
}

#[test]
fn azure_refusals_name_the_variable_and_busy_answers_are_waited_out() {
    // Azure DevOps answers an unauthenticated request with its sign-in page and 203.
    let (base, _) = serve(|_, _| Reply::status(203, "<html>Sign in</html>"));
    let mut azure = azure_at(&base, None, None);
    let text = azure.fetch_all(|_| {}).expect_err("refused").to_string();
    assert!(
        text.contains("AZURE_DEVOPS_TOKEN") && text.contains("sign-in"),
        "{text}"
    );

    let (base, seen) = serve(|_, n| match n {
        0 => Reply::status(503, "busy").with_header("Retry-After", "0"),
        1 => Reply::status(429, "slow down").with_header("Retry-After", "0"),
        _ => Reply::json(json!({"workItems": []})),
    });
    let mut azure = azure_at(&base, None, None);
    assert!(azure.fetch_all(|_| {}).expect("fetched").is_empty());
    assert_eq!(seen.lock().unwrap().len(), 3);
}
