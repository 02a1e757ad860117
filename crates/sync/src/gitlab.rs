//! GitLab's REST API: a group's or a project's issues, and a group's epics.
//!
//! REST lists tasks among the issues but gives none its parent issue (only an issue's
//! epic), so synced tasks stand alone; a saved GraphQL work-items response, imported
//! after the sync, gives them their parents (see the ingest crate's GitLab importers).

use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use throughline_ingest::{Format, ImportOptions, read_document};

use crate::http::{Client, Credentials, encode, link_paged, next_link, url};
use crate::{OVERLAP, Page, Pages, SyncError};

/// GitLab.com; a self-managed instance has its own address.
pub const GITLAB_URL: &str = "https://gitlab.com";

/// Whose issues: a group's (its subgroups' projects too, and its epics) or one project's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitlabScope {
    /// A group's full path, e.g. `acme` or `acme/payments`.
    Group(String),
    /// A project's full path, e.g. `acme/shop`.
    Project(String),
}

/// A group's or a project's issues, then the group's epics, fetched page by page.
pub struct Gitlab {
    client: Client,
    /// The next issues page, while there is one.
    next: Option<String>,
    /// The first epics page, until the epics are fetched (a group's only).
    epics: Option<String>,
    opts: ImportOptions,
    notes: Vec<String>,
}

impl Gitlab {
    /// `base_url` is the instance (`https://gitlab.com`). With `since`, only work updated
    /// since then (less [`OVERLAP`]) is asked for.
    pub fn new(
        base_url: &str,
        scope: GitlabScope,
        credentials: Credentials,
        since: Option<DateTime<Utc>>,
        opts: ImportOptions,
    ) -> Result<Gitlab, SyncError> {
        if matches!(credentials, Credentials::None) {
            // GitLab answers an anonymous request with public issues only, and a group's
            // epics not at all: a sync that silently missed the private work would mislead.
            return Err(SyncError::Config(
                "GitLab needs a token: set GITLAB_TOKEN (a personal access token with the read_api scope)".into(),
            ));
        }
        let (kind, path) = match &scope {
            GitlabScope::Group(p) => ("groups", p.trim().trim_matches('/')),
            GitlabScope::Project(p) => ("projects", p.trim().trim_matches('/')),
        };
        if path.is_empty() {
            return Err(SyncError::Config(
                "name the group or project by its path, e.g. --group acme or --project acme/shop"
                    .into(),
            ));
        }
        let base = format!(
            "{}/api/v4/{kind}/{}",
            base_url.trim_end_matches('/'),
            encode(path)
        );
        let since = since.map(|t| (t - OVERLAP).to_rfc3339_opts(SecondsFormat::Secs, true));
        let mut query = vec![("scope", "all"), ("per_page", "100")];
        if let Some(s) = &since {
            query.push(("updated_after", s));
        }
        let issues = url(&base, "/issues", &query);
        let epics =
            matches!(scope, GitlabScope::Group(_)).then(|| url(&base, "/epics", &query[1..]));
        Ok(Gitlab {
            client: Client::new(credentials, "GITLAB_TOKEN"),
            next: Some(issues),
            epics,
            opts,
            notes: Vec::new(),
        })
    }

    /// Every page of the group's epics, read as one document: an epic names its parent
    /// by id, which resolves only when the parent was read with it. `None` when the
    /// group has no epics to give (a plan without them), noted rather than failed.
    fn fetch_epics(&mut self, first: String) -> Result<Option<Page>, SyncError> {
        let mut pages = Vec::new();
        let mut next = Some(first.clone());
        while let Some(address) = next.take() {
            match self.client.get(&address) {
                Ok(answer) => {
                    next = answer.link.as_deref().and_then(next_link);
                    pages.push(answer.body);
                }
                // Epics are a Premium feature: a Free group answers 403 (or 404 on
                // older versions), and its issues are still worth syncing.
                Err(SyncError::Status {
                    status: status @ (403 | 404),
                    ..
                }) => {
                    self.notes.push(format!(
                        "the group's epics were not read: {address} answered {status} \
                         (epics need GitLab Premium or Ultimate, and a token that may see them)"
                    ));
                    return Ok(None);
                }
                Err(e) => return Err(e),
            }
        }
        let items = read_document(
            Value::Array(pages),
            Path::new(&first),
            Format::GitlabJson,
            &self.opts,
        )?
        .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Page { url: first, items }))
    }
}

impl Pages for Gitlab {
    fn next_page(&mut self) -> Result<Option<Page>, SyncError> {
        let Some(address) = self.next.take() else {
            return match self.epics.take() {
                Some(first) => self.fetch_epics(first),
                None => Ok(None),
            };
        };
        let (page, next) = link_paged(&self.client, address, Format::GitlabJson, &self.opts)?;
        self.next = next;
        Ok(Some(page))
    }

    fn notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gitlab(scope: GitlabScope, creds: Credentials) -> Result<Gitlab, SyncError> {
        Gitlab::new(GITLAB_URL, scope, creds, None, ImportOptions::default())
    }

    #[test]
    fn paths_are_encoded_and_only_groups_have_epics() {
        let token = || Credentials::PrivateToken("t".into());
        let g = gitlab(GitlabScope::Group("acme/payments".into()), token()).unwrap();
        assert_eq!(
            g.next.as_deref(),
            Some("https://gitlab.com/api/v4/groups/acme%2Fpayments/issues?scope=all&per_page=100")
        );
        assert_eq!(
            g.epics.as_deref(),
            Some("https://gitlab.com/api/v4/groups/acme%2Fpayments/epics?per_page=100")
        );
        let p = gitlab(GitlabScope::Project("acme/shop".into()), token()).unwrap();
        assert!(p.next.unwrap().contains("/projects/acme%2Fshop/issues?"));
        assert!(p.epics.is_none());
        let e = gitlab(GitlabScope::Group(" / ".into()), token());
        assert!(matches!(e, Err(SyncError::Config(m)) if m.contains("--group")));
    }

    #[test]
    fn a_missing_token_names_the_variable() {
        let e = gitlab(GitlabScope::Group("acme".into()), Credentials::None);
        assert!(matches!(e, Err(SyncError::Config(m)) if m.contains("GITLAB_TOKEN")));
    }
}
