//! Linear's GraphQL API: the workspace's issues (or one team's), 50 a page.

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use throughline_ingest::{Format, ImportOptions, read_document};

use crate::http::{Client, Credentials};
use crate::{OVERLAP, Page, Pages, SyncError};

/// The API address.
pub const LINEAR_API: &str = "https://api.linear.app/graphql";

/// Issues per request: Linear bounds a query's complexity, and each issue brings its
/// labels; 50 keeps well inside the bound.
const PAGE_SIZE: u32 = 50;

/// The fields the Linear importer reads (`ingest`'s `linear_json.rs`).
const QUERY: &str = "query Issues($first: Int!, $after: String, $filter: IssueFilter) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) {
    nodes {
      identifier title description url createdAt updatedAt startedAt completedAt canceledAt
      estimate state { name type } labels { nodes { name } } team { name key }
      project { name } parent { identifier } cycle { name number } assignee { name }
    }
    pageInfo { hasNextPage endCursor }
  }
}";

/// Linear issues, fetched page by page.
pub struct Linear {
    client: Client,
    api_url: String,
    filter: Value,
    /// `None` before the first page; then the cursor after the last, while there is more.
    after: Option<Option<String>>,
    opts: ImportOptions,
}

impl Linear {
    /// Every issue the key can see, or one team's (`team` is its key, e.g. `ENG`). With
    /// `since`, only issues updated since then (less [`OVERLAP`]).
    pub fn new(
        api_url: &str,
        team: Option<&str>,
        credentials: Credentials,
        since: Option<DateTime<Utc>>,
        opts: ImportOptions,
    ) -> Result<Linear, SyncError> {
        if matches!(credentials, Credentials::None) {
            return Err(SyncError::Config(
                "Linear answers nothing without a key: set LINEAR_API_KEY (Settings → Security & access → Personal API keys)".into(),
            ));
        }
        let mut filter = serde_json::Map::new();
        if let Some(t) = team {
            filter.insert("team".into(), json!({"key": {"eq": t.trim()}}));
        }
        if let Some(t) = since {
            let gte = (t - OVERLAP).to_rfc3339_opts(SecondsFormat::Secs, true);
            filter.insert("updatedAt".into(), json!({"gte": gte}));
        }
        Ok(Linear {
            client: Client::new(credentials, "LINEAR_API_KEY"),
            api_url: api_url.to_string(),
            filter: Value::Object(filter),
            after: None,
            opts,
        })
    }
}

impl Pages for Linear {
    fn next_page(&mut self) -> Result<Option<Page>, SyncError> {
        let after = match &self.after {
            Some(None) => return Ok(None),
            Some(Some(c)) => Some(c.clone()),
            None => None,
        };
        let body = json!({
            "query": QUERY,
            "variables": {"first": PAGE_SIZE, "after": after, "filter": self.filter},
        });
        let answer = self.client.post(&self.api_url, &body)?.body;
        let info = &answer["data"]["issues"]["pageInfo"];
        self.after = Some(
            info["hasNextPage"]
                .as_bool()
                .unwrap_or(false)
                .then(|| info["endCursor"].as_str().map(str::to_string))
                .flatten(),
        );
        // Name the page by its cursor: the address is the same for every page.
        let origin = match &after {
            Some(c) => format!("{} (after {c})", self.api_url),
            None => self.api_url.clone(),
        };
        let items = read_document(answer, Path::new(&origin), Format::LinearJson, &self.opts)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Page { url: origin, items }))
    }
}
