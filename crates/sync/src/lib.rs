//! Live sync: work items fetched from a tracker's API, for trackers that are easier
//! to reach than to export from. Optional: nothing else in Throughline needs a network,
//! and every fetched page goes through the same parser as an exported file
//! ([`throughline_ingest::read_document`]), so a synced item is exactly the item an
//! export of the same issue would give.
//!
//! - Jira Cloud: `GET /rest/api/3/search/jql`, paged by `nextPageToken`; Jira Server and
//!   Data Center: `GET /rest/api/2/search`, paged by `startAt` ([`Jira`]).
//! - GitHub: `GET /repos/{owner}/{repo}/issues?state=all`, paged by the `Link` header
//!   ([`Github`]). Pull requests come with the issues, as GitHub lists them.
//! - Linear: the GraphQL `issues` query, paged by cursor ([`Linear`]).
//! - GitLab: `GET /api/v4/groups/:id/issues` (or a project's) and the group's epics,
//!   paged by the `Link` header ([`Gitlab`]).
//! - Azure DevOps: a WIQL query for the ids, then `POST _apis/wit/workitemsbatch` 200
//!   ids at a time ([`AzureDevops`]).
//!
//! A sync can be incremental: given the time of the last one, only work updated since
//! (less a day, see [`OVERLAP`]) is asked for. This crate only fetches: work deleted in
//! the tracker is removed by the store when the caller asks (`Store::import` with
//! `prune` after a full fetch; `sync --full --prune`).
//!
//! Credentials come from the environment ([`Credentials::jira_from_env`],
//! [`Credentials::github_from_env`], [`Credentials::linear_from_env`],
//! [`Credentials::gitlab_from_env`], [`Credentials::azure_devops_from_env`]), never from flags,
//! so they stay out of shell history and process lists. The `fake` feature adds a fake
//! tracker on loopback for tests (`fake.rs`).

mod azure;
mod error;
#[cfg(feature = "fake")]
pub mod fake;
mod github;
mod gitlab;
mod http;
mod jira;
mod linear;

pub use azure::{AZURE_DEVOPS_API, AzureDevops};
pub use error::SyncError;
pub use github::{GITHUB_API, Github};
pub use gitlab::{GITLAB_URL, Gitlab, GitlabScope};
pub use http::Credentials;
pub use jira::Jira;
pub use linear::{LINEAR_API, Linear};

use throughline_model::WorkItem;

/// How far before the last sync an incremental one starts: Jira compares dates in the
/// site's own time zone and to the minute at best, and a sync of a large project takes
/// minutes, during which work changes. Fetching a day twice costs little; items that did
/// not change are counted as unchanged on import.
pub const OVERLAP: chrono::Duration = chrono::Duration::days(1);

/// One fetched page: where it came from, and its items.
#[derive(Debug)]
pub struct Page {
    /// The request's address, without credentials.
    pub url: String,
    pub items: Vec<WorkItem>,
}

/// A tracker query that yields pages of work items, one request each.
pub trait Pages {
    /// The next page, or `None` when there are no more.
    fn next_page(&mut self) -> Result<Option<Page>, SyncError>;

    /// What the fetch left out but did not fail over, for the person syncing (GitLab's
    /// epics on a plan without them), once the pages are fetched.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// Fetches every page, calling `progress` with the items read so far.
    fn fetch_all(&mut self, mut progress: impl FnMut(usize)) -> Result<Vec<WorkItem>, SyncError>
    where
        Self: Sized,
    {
        let mut all = Vec::new();
        while let Some(page) = self.next_page()? {
            tracing::debug!(url = %page.url, items = page.items.len(), "page");
            all.extend(page.items);
            progress(all.len());
        }
        Ok(all)
    }
}

/// So a caller can pick the tracker at run time and fetch the same way from each.
impl<P: Pages + ?Sized> Pages for Box<P> {
    fn next_page(&mut self) -> Result<Option<Page>, SyncError> {
        (**self).next_page()
    }

    fn notes(&self) -> Vec<String> {
        (**self).notes()
    }
}
