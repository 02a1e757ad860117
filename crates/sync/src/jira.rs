//! Jira's search API, Cloud and Server / Data Center.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::Value;
use throughline_ingest::{Format, ImportOptions, read_document};

use crate::http::{Client, Credentials, url};
use crate::{OVERLAP, Page, Pages, SyncError};

/// Issues per request: the most either API returns with every field.
const PAGE_SIZE: usize = 100;

/// Where the next page starts.
enum Cursor {
    First,
    /// Cloud's `nextPageToken`.
    Token(String),
    /// Server's `startAt`.
    At(usize),
    Done,
}

/// A JQL query on a Jira site, fetched page by page.
pub struct Jira {
    client: Client,
    base_url: String,
    jql: String,
    server: bool,
    opts: ImportOptions,
    cursor: Cursor,
}

impl Jira {
    /// `base_url` is the site (`https://acme.atlassian.net`); `server` asks for the
    /// Server / Data Center API (`/rest/api/2/search`) instead of Cloud's. With `since`,
    /// only issues updated since then (less [`OVERLAP`]) are asked for.
    pub fn new(
        base_url: &str,
        jql: &str,
        server: bool,
        credentials: Credentials,
        since: Option<DateTime<Utc>>,
        mut opts: ImportOptions,
    ) -> Result<Jira, SyncError> {
        if jql.trim().is_empty() {
            // Jira Cloud refuses a query with no restriction, and a whole site is rarely
            // what anyone means.
            return Err(SyncError::Config(
                "give a JQL query that names the work, e.g. --jql 'project = PAY'".into(),
            ));
        }
        let base_url = base_url.trim_end_matches('/').to_string();
        opts.base_url.get_or_insert_with(|| base_url.clone());
        Ok(Jira {
            client: Client::new(
                credentials,
                "JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_TOKEN (Server, Data Center)",
            ),
            jql: match since {
                Some(t) => updated_since(jql, t - OVERLAP),
                None => jql.trim().to_string(),
            },
            base_url,
            server,
            opts,
            cursor: Cursor::First,
        })
    }

    /// The query as sent (with the incremental restriction, if any).
    pub fn jql(&self) -> &str {
        &self.jql
    }
}

impl Pages for Jira {
    fn next_page(&mut self) -> Result<Option<Page>, SyncError> {
        let size = PAGE_SIZE.to_string();
        let mut query = vec![
            ("jql", self.jql.as_str()),
            ("fields", "*all"),
            ("expand", "names"),
            ("maxResults", size.as_str()),
        ];
        // Where this page starts: Server counts issues, Cloud hands out a token.
        let (path, start) = match (&self.cursor, self.server) {
            (Cursor::Done, _) => return Ok(None),
            (Cursor::At(n), true) => ("/rest/api/2/search", Some(("startAt", n.to_string()))),
            (_, true) => ("/rest/api/2/search", Some(("startAt", "0".to_string()))),
            (Cursor::Token(t), false) => {
                ("/rest/api/3/search/jql", Some(("nextPageToken", t.clone())))
            }
            (_, false) => ("/rest/api/3/search/jql", None),
        };
        if let Some((k, v)) = &start {
            query.push((k, v.as_str()));
        }
        let address = url(&self.base_url, path, &query);
        let body = self.client.get(&address)?.body;
        let issues = body["issues"].as_array().map_or(0, Vec::len);
        self.cursor = next_cursor(&body, self.server, issues);
        let items = read_document(body, Path::new(&address), Format::JiraJson, &self.opts)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Page {
            url: address,
            items,
        }))
    }
}

/// Where the page after `body` starts, if there is one.
fn next_cursor(body: &Value, server: bool, issues: usize) -> Cursor {
    if issues == 0 {
        return Cursor::Done;
    }
    if server {
        let start = body["startAt"].as_u64().unwrap_or(0) as usize;
        let next = start + issues;
        match body["total"].as_u64() {
            Some(total) if next as u64 >= total => Cursor::Done,
            _ => Cursor::At(next),
        }
    } else {
        match body["nextPageToken"].as_str() {
            Some(t) if !body["isLast"].as_bool().unwrap_or(false) => Cursor::Token(t.to_string()),
            _ => Cursor::Done,
        }
    }
}

/// `jql` restricted to issues updated on or after `t`'s day, its `ORDER BY` kept last.
fn updated_since(jql: &str, t: DateTime<Utc>) -> String {
    let jql = jql.trim();
    let lower = jql.to_ascii_lowercase();
    let (filter, order) = match lower.rfind("order by") {
        Some(i) => (jql[..i].trim(), Some(jql[i..].trim())),
        None => (jql, None),
    };
    let since = format!("updated >= \"{}\"", t.format("%Y-%m-%d"));
    let mut out = if filter.is_empty() {
        since
    } else {
        format!("({filter}) AND {since}")
    };
    if let Some(o) = order {
        out.push(' ');
        out.push_str(o);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_incremental_query_keeps_its_order_last() {
        let t = Utc.with_ymd_and_hms(2026, 3, 4, 10, 0, 0).unwrap();
        assert_eq!(
            updated_since("project = PAY ORDER BY created DESC", t),
            "(project = PAY) AND updated >= \"2026-03-04\" ORDER BY created DESC"
        );
        assert_eq!(
            updated_since("project = PAY OR labels = x", t),
            "(project = PAY OR labels = x) AND updated >= \"2026-03-04\""
        );
        assert_eq!(
            updated_since("order by rank", t),
            "updated >= \"2026-03-04\" order by rank"
        );
    }

    #[test]
    fn the_overlap_reaches_a_day_back() {
        let t = Utc.with_ymd_and_hms(2026, 3, 4, 0, 30, 0).unwrap();
        let j = Jira::new(
            "https://acme.test/",
            "project = PAY",
            false,
            Credentials::None,
            Some(t),
            ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(j.jql(), "(project = PAY) AND updated >= \"2026-03-03\"");
    }

    #[test]
    fn an_empty_query_is_refused() {
        let e = Jira::new(
            "https://a.test",
            " ",
            false,
            Credentials::None,
            None,
            ImportOptions::default(),
        );
        assert!(matches!(e, Err(SyncError::Config(m)) if m.contains("--jql")));
    }

    #[test]
    fn pages_end_where_each_api_says() {
        let cloud = serde_json::json!({"issues": [{}], "nextPageToken": "t2", "isLast": false});
        assert!(matches!(next_cursor(&cloud, false, 1), Cursor::Token(t) if t == "t2"));
        let last = serde_json::json!({"issues": [{}], "nextPageToken": "t3", "isLast": true});
        assert!(matches!(next_cursor(&last, false, 1), Cursor::Done));
        let server = serde_json::json!({"startAt": 100, "total": 250, "issues": []});
        assert!(matches!(next_cursor(&server, true, 100), Cursor::At(200)));
        assert!(matches!(next_cursor(&server, true, 0), Cursor::Done));
        let end = serde_json::json!({"startAt": 200, "total": 250});
        assert!(matches!(next_cursor(&end, true, 50), Cursor::Done));
    }
}
