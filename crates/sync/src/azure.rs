//! Azure DevOps Boards: a WIQL query for the ids, then the work items 200 ids at a time.
//!
//! Each batch is read on its own, as a file of those work items would be: a parent in
//! another batch (or unchanged since the last sync) is keyed by the child's project and
//! not known to be an Epic or Feature, so the child carries its parent but no epic of its
//! own. `epics = ["Shop-1"]` still selects it, through the parent chain the store keeps.

use std::collections::VecDeque;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use throughline_ingest::{Format, ImportOptions, read_document};

use crate::http::{Client, Credentials, encode};
use crate::{OVERLAP, Page, Pages, SyncError};

/// Azure DevOps Services; Azure DevOps Server has its own (`https://HOST/tfs`).
pub const AZURE_DEVOPS_API: &str = "https://dev.azure.com";

/// The most ids one WIQL answer holds: more is refused (VS402337), so the ids are
/// asked for in ranges of this many.
const WIQL_LIMIT: usize = 20_000;

/// The most ids `workitemsbatch` takes at once.
const BATCH: usize = 200;

/// The project's work items, or those a WIQL query finds, fetched 200 at a time.
pub struct AzureDevops {
    client: Client,
    /// `{api}/{org}/{project}/_apis/wit`.
    wit: String,
    /// The query's condition, with the incremental restriction if any.
    condition: String,
    /// Ids fetched so far by WIQL and not yet as work items.
    pending: VecDeque<u64>,
    /// The highest id WIQL gave, from which the next range starts; `None` before the
    /// first query.
    last_id: Option<u64>,
    /// Whether WIQL has given every id.
    ids_done: bool,
    wiql_limit: usize,
    opts: ImportOptions,
}

impl AzureDevops {
    /// `api_url` is `https://dev.azure.com` (or a Server's collection address). `query` is
    /// WIQL, either a whole `SELECT ... FROM WorkItems WHERE ...` or its condition alone;
    /// none means every work item of the project. With `since`, only work changed since
    /// then (less [`OVERLAP`]) is asked for.
    pub fn new(
        api_url: &str,
        org: &str,
        project: &str,
        query: Option<&str>,
        credentials: Credentials,
        since: Option<DateTime<Utc>>,
        opts: ImportOptions,
    ) -> Result<AzureDevops, SyncError> {
        if matches!(credentials, Credentials::None) {
            return Err(SyncError::Config(
                "Azure DevOps needs a personal access token with the Work Items (Read) scope: set AZURE_DEVOPS_TOKEN".into(),
            ));
        }
        let (org, project) = (org.trim(), project.trim());
        if org.is_empty() || project.is_empty() {
            return Err(SyncError::Config(
                "name the organisation and the project, e.g. --org fabrikam --project Shop".into(),
            ));
        }
        let mut condition = match query.map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => condition_of(q)?,
            None => "[System.TeamProject] = @project".to_string(),
        };
        if let Some(t) = since {
            // WIQL compares dates to the day unless asked otherwise: the overlap covers it.
            condition = format!(
                "({condition}) AND [System.ChangedDate] >= '{}'",
                (t - OVERLAP).format("%Y-%m-%d")
            );
        }
        Ok(AzureDevops {
            client: Client::new(credentials, "AZURE_DEVOPS_TOKEN"),
            wit: format!(
                "{}/{}/{}/_apis/wit",
                api_url.trim_end_matches('/'),
                encode(org),
                encode(project)
            ),
            condition,
            pending: VecDeque::new(),
            last_id: None,
            ids_done: false,
            wiql_limit: WIQL_LIMIT,
            opts,
        })
    }

    /// Asks WIQL for at most `n` ids at a time instead of 20,000, so tests can see the
    /// ranges without serving 20,000 work items.
    #[doc(hidden)]
    pub fn with_wiql_limit(mut self, n: usize) -> AzureDevops {
        self.wiql_limit = n.max(1);
        self
    }

    /// The WIQL for the next range of ids: ordered by id, whatever the user's order, as
    /// the next range starts after the highest id of this one.
    pub fn wiql(&self) -> String {
        let range = match self.last_id {
            Some(id) => format!(" AND [System.Id] > {id}"),
            None => String::new(),
        };
        format!(
            "SELECT [System.Id] FROM WorkItems WHERE ({}){range} ORDER BY [System.Id]",
            self.condition
        )
    }

    /// The next range of ids, into `pending`.
    fn next_ids(&mut self) -> Result<(), SyncError> {
        let address = format!("{}/wiql?api-version=7.1&$top={}", self.wit, self.wiql_limit);
        let body = self
            .client
            .post(&address, &json!({"query": self.wiql()}))?
            .body;
        let Some(list) = body["workItems"].as_array() else {
            return Err(SyncError::Shape {
                url: address,
                message: "expected the ids of the query's work items (\"workItems\")".into(),
            });
        };
        let ids: Vec<u64> = list.iter().filter_map(|w| w["id"].as_u64()).collect();
        self.ids_done = ids.len() < self.wiql_limit;
        self.last_id = ids.iter().max().copied().or(self.last_id);
        self.pending.extend(ids);
        Ok(())
    }
}

impl Pages for AzureDevops {
    fn next_page(&mut self) -> Result<Option<Page>, SyncError> {
        if self.pending.is_empty() && !self.ids_done {
            self.next_ids()?;
        }
        if self.pending.is_empty() {
            return Ok(None);
        }
        let n = self.pending.len().min(BATCH);
        let ids: Vec<u64> = self.pending.drain(..n).collect();
        let address = format!("{}/workitemsbatch?api-version=7.1", self.wit);
        // `omit`: a work item deleted since the query is left out rather than failing
        // the whole batch; its place in the answer is null.
        let request = json!({"ids": ids, "$expand": "relations", "errorPolicy": "omit"});
        let mut body = self.client.post(&address, &request)?.body;
        // Name the page by its ids: the address is the same for every batch.
        let origin = format!(
            "{address} (ids {}..{})",
            ids.first().copied().unwrap_or_default(),
            ids.last().copied().unwrap_or_default()
        );
        let Some(list) = body.get_mut("value").and_then(Value::as_array_mut) else {
            return Err(SyncError::Shape {
                url: origin,
                message: "expected work items ({\"count\": N, \"value\": [...]})".into(),
            });
        };
        list.retain(|w| !w.is_null());
        let items = read_document(body, Path::new(&origin), Format::AzureJson, &self.opts)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Page { url: origin, items }))
    }
}

/// The condition of a WIQL query: what follows `WHERE` and precedes `ORDER BY`, or the
/// whole text when it is a condition alone.
fn condition_of(query: &str) -> Result<String, SyncError> {
    // Spaces for line breaks and tabs, so ` where ` is found however the query is laid
    // out; one byte for one, so its positions are the query's.
    let lower: String = query
        .chars()
        .map(|c| {
            if c.is_ascii_whitespace() {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    let q = match lower.find("order by") {
        Some(i) => &query[..i],
        None => query,
    };
    if !lower.trim_start().starts_with("select") {
        return Ok(q.trim().to_string());
    }
    if lower.contains("workitemlinks") {
        return Err(SyncError::Config(
            "a tree or links query (FROM WorkItemLinks) lists links, not work items: give a flat query (FROM WorkItems)".into(),
        ));
    }
    match lower[..q.len()].find(" where ") {
        Some(i) => Ok(q[i + " where ".len()..].trim().to_string()),
        // A query with no condition at all: the project's work, as the default.
        None => Ok("[System.TeamProject] = @project".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn azure(query: Option<&str>, since: Option<DateTime<Utc>>) -> AzureDevops {
        AzureDevops::new(
            AZURE_DEVOPS_API,
            "fabrikam",
            "Fabrikam Fiber",
            query,
            Credentials::Basic {
                user: String::new(),
                token: "pat".into(),
            },
            since,
            ImportOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn a_query_keeps_its_condition_and_ranges_by_id() {
        let mut a = azure(
            Some(
                "SELECT [System.Title] FROM WorkItems WHERE [System.WorkItemType] = 'Bug' ORDER BY [System.ChangedDate] DESC",
            ),
            None,
        );
        assert_eq!(
            a.wiql(),
            "SELECT [System.Id] FROM WorkItems WHERE ([System.WorkItemType] = 'Bug') ORDER BY [System.Id]"
        );
        a.last_id = Some(40);
        assert!(
            a.wiql().contains("'Bug') AND [System.Id] > 40 ORDER"),
            "{}",
            a.wiql()
        );
        assert_eq!(
            a.wit,
            "https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_apis/wit"
        );
        let bare = azure(Some("[System.State] = 'Active'"), None);
        assert!(
            bare.wiql()
                .contains("WHERE ([System.State] = 'Active') ORDER")
        );
    }

    #[test]
    fn an_incremental_query_asks_for_changes_a_day_back() {
        let t = Utc.with_ymd_and_hms(2026, 6, 10, 0, 30, 0).unwrap();
        assert_eq!(
            azure(None, Some(t)).wiql(),
            "SELECT [System.Id] FROM WorkItems WHERE (([System.TeamProject] = @project) AND [System.ChangedDate] >= '2026-06-09') ORDER BY [System.Id]"
        );
    }

    #[test]
    fn link_queries_and_a_missing_token_are_refused() {
        assert!(matches!(
            condition_of("SELECT [System.Id] FROM WorkItemLinks WHERE [Source].[System.Id] > 0"),
            Err(SyncError::Config(m)) if m.contains("FROM WorkItems")
        ));
        let e = AzureDevops::new(
            AZURE_DEVOPS_API,
            "o",
            "p",
            None,
            Credentials::None,
            None,
            ImportOptions::default(),
        );
        assert!(matches!(e, Err(SyncError::Config(m)) if m.contains("AZURE_DEVOPS_TOKEN")));
    }
}
