//! Live sync against a fake tracker on loopback: paging, credentials, incremental
//! queries, retries, and errors that say what to check.

use chrono::{TimeZone, Utc};
use serde_json::json;
use throughline_ingest::ImportOptions;
use throughline_sync::fake::{Reply, github_issue, jira_issue, linear_issue, serve};
use throughline_sync::{Credentials, Github, Jira, Linear, Pages, SyncError};

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
