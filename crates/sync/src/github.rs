//! GitHub's issues API (pull requests included, as GitHub lists them with the issues).

use chrono::{DateTime, SecondsFormat, Utc};
use throughline_ingest::{Format, ImportOptions};

use crate::http::{Client, Credentials, link_paged, url};
use crate::{OVERLAP, Page, Pages, SyncError};

/// The default API address; GitHub Enterprise Server has its own (`https://HOST/api/v3`).
pub const GITHUB_API: &str = "https://api.github.com";

/// A repository's issues and pull requests, fetched page by page.
pub struct Github {
    client: Client,
    next: Option<String>,
    opts: ImportOptions,
}

impl Github {
    /// `repo` is `owner/name`. With `since`, only work updated since then (less
    /// [`OVERLAP`]) is asked for.
    pub fn new(
        api_url: &str,
        repo: &str,
        credentials: Credentials,
        since: Option<DateTime<Utc>>,
        opts: ImportOptions,
    ) -> Result<Github, SyncError> {
        let valid = repo.split('/').count() == 2
            && repo.split('/').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            });
        if !valid {
            return Err(SyncError::Config(format!(
                "{repo:?} is not a repository: give it as OWNER/NAME, e.g. --repo apache/iceberg"
            )));
        }
        let since = since.map(|t| (t - OVERLAP).to_rfc3339_opts(SecondsFormat::Secs, true));
        let mut query = vec![
            ("state", "all"),
            ("per_page", "100"),
            ("sort", "updated"),
            ("direction", "asc"),
        ];
        if let Some(s) = &since {
            query.push(("since", s));
        }
        let first = url(api_url, &format!("/repos/{repo}/issues"), &query);
        Ok(Github {
            client: Client::new(credentials, "GITHUB_TOKEN"),
            next: Some(first),
            opts,
        })
    }
}

impl Pages for Github {
    fn next_page(&mut self) -> Result<Option<Page>, SyncError> {
        let Some(address) = self.next.take() else {
            return Ok(None);
        };
        let (page, next) = link_paged(&self.client, address, Format::GithubJson, &self.opts)?;
        self.next = next;
        Ok(Some(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::next_link;

    #[test]
    fn the_next_page_is_read_from_the_link_header() {
        let h = "<https://api.github.com/repositories/1/issues?page=2>; rel=\"next\", \
                 <https://api.github.com/repositories/1/issues?page=9>; rel=\"last\"";
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        assert_eq!(next_link("<https://x/issues?page=1>; rel=\"prev\""), None);
    }

    #[test]
    fn a_repository_is_owner_slash_name() {
        for bad in ["iceberg", "a/b/c", "/x", "a b/c"] {
            let e = Github::new(
                GITHUB_API,
                bad,
                Credentials::None,
                None,
                ImportOptions::default(),
            );
            assert!(
                matches!(e, Err(SyncError::Config(m)) if m.contains("OWNER/NAME")),
                "{bad}"
            );
        }
        assert!(
            Github::new(
                GITHUB_API,
                "apache/iceberg",
                Credentials::None,
                None,
                ImportOptions::default()
            )
            .is_ok()
        );
    }
}
