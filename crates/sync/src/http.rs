//! One blocking HTTP client for every tracker: credentials, JSON, retries when the
//! tracker asks to slow down, and errors that say what to check.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::SyncError;

/// Characters left as they are in a query value (RFC 3986's unreserved ones).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Requests are retried this many times when the tracker says it is busy (429, 503).
const RETRIES: u32 = 5;

/// The longest wait asked by `Retry-After` that is honoured; beyond it the sync fails
/// and says so, rather than hanging for an hour.
const MAX_WAIT: Duration = Duration::from_secs(120);

/// How to authenticate.
#[derive(Clone, Default)]
pub enum Credentials {
    /// Public data only.
    #[default]
    None,
    /// HTTP Basic: Jira Cloud takes an account's email and an API token.
    Basic { user: String, token: String },
    /// A bearer token: GitHub tokens, Jira Server / Data Center personal access tokens.
    Bearer(String),
    /// A key sent as the whole `Authorization` header: Linear's personal API keys.
    ApiKey(String),
    /// A token sent in GitLab's own `PRIVATE-TOKEN` header: personal, group and project
    /// access tokens alike.
    PrivateToken(String),
}

impl std::fmt::Debug for Credentials {
    // Never print a secret, even in a debug log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::None => "None",
            Credentials::Basic { .. } => "Basic(..)",
            Credentials::Bearer(_) => "Bearer(..)",
            Credentials::ApiKey(_) => "ApiKey(..)",
            Credentials::PrivateToken(_) => "PrivateToken(..)",
        })
    }
}

impl Credentials {
    /// Jira's: `JIRA_EMAIL` and `JIRA_API_TOKEN` (Cloud), else `JIRA_TOKEN` (a Server or
    /// Data Center personal access token), else none.
    pub fn jira_from_env() -> Credentials {
        match (var("JIRA_EMAIL"), var("JIRA_API_TOKEN"), var("JIRA_TOKEN")) {
            (Some(user), Some(token), _) => Credentials::Basic { user, token },
            (_, _, Some(token)) => Credentials::Bearer(token),
            _ => Credentials::None,
        }
    }

    /// GitHub's: `GITHUB_TOKEN`, else none (public repositories, at a lower rate limit).
    pub fn github_from_env() -> Credentials {
        var("GITHUB_TOKEN").map_or(Credentials::None, Credentials::Bearer)
    }

    /// Linear's: `LINEAR_API_KEY`, else none (Linear answers nothing without one).
    pub fn linear_from_env() -> Credentials {
        var("LINEAR_API_KEY").map_or(Credentials::None, Credentials::ApiKey)
    }

    /// GitLab's: `GITLAB_TOKEN` (a personal, group or project access token with the
    /// `read_api` scope), else none.
    pub fn gitlab_from_env() -> Credentials {
        var("GITLAB_TOKEN").map_or(Credentials::None, Credentials::PrivateToken)
    }

    /// Azure DevOps': `AZURE_DEVOPS_TOKEN`, a personal access token, sent as HTTP Basic
    /// with an empty user name as Azure DevOps asks; else none.
    pub fn azure_devops_from_env() -> Credentials {
        var("AZURE_DEVOPS_TOKEN").map_or(Credentials::None, |token| Credentials::Basic {
            user: String::new(),
            token,
        })
    }

    /// The header that carries the credentials: its name and value.
    fn header(&self) -> Option<(&'static str, String)> {
        match self {
            Credentials::None => None,
            Credentials::Basic { user, token } => Some((
                "Authorization",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{token}"))
                ),
            )),
            Credentials::Bearer(token) => Some(("Authorization", format!("Bearer {token}"))),
            Credentials::ApiKey(key) => Some(("Authorization", key.clone())),
            Credentials::PrivateToken(token) => Some(("PRIVATE-TOKEN", token.clone())),
        }
    }
}

/// An environment variable, unless unset or blank (an exported empty variable is no token).
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A JSON answer and the headers paging needs.
pub(crate) struct Answer {
    pub body: Value,
    /// The `Link` header (GitHub's paging).
    pub link: Option<String>,
}

pub(crate) struct Client {
    agent: ureq::Agent,
    credentials: Credentials,
    /// What to set when the tracker refuses the credentials.
    credentials_hint: &'static str,
}

impl Client {
    pub fn new(credentials: Credentials, credentials_hint: &'static str) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(120)))
            .http_status_as_error(false)
            .user_agent(concat!("throughline/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Client {
            agent,
            credentials,
            credentials_hint,
        }
    }

    /// `GET url` as JSON, retried while the tracker says it is busy.
    pub fn get(&self, url: &str) -> Result<Answer, SyncError> {
        self.request(url, None)
    }

    /// `POST url` with a JSON body (GraphQL), as JSON, retried while the tracker says it is busy.
    pub fn post(&self, url: &str, body: &Value) -> Result<Answer, SyncError> {
        self.request(url, Some(body))
    }

    fn request(&self, url: &str, body: Option<&Value>) -> Result<Answer, SyncError> {
        let mut attempt = 0;
        loop {
            let auth = self.credentials.header();
            let sent = match body {
                None => {
                    let mut req = self.agent.get(url).header("Accept", "application/json");
                    if let Some((name, value)) = &auth {
                        req = req.header(*name, value);
                    }
                    req.call()
                }
                Some(body) => {
                    let mut req = self.agent.post(url).header("Accept", "application/json");
                    if let Some((name, value)) = &auth {
                        req = req.header(*name, value);
                    }
                    req.send_json(body)
                }
            };
            let mut resp = sent.map_err(|e| SyncError::Network {
                url: url.to_string(),
                message: e.to_string(),
            })?;
            let status = resp.status().as_u16();
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let (retry_after, reset, link) = (
                header("retry-after"),
                header("ratelimit-reset"),
                header("link"),
            );
            let text = resp
                .body_mut()
                .with_config()
                .limit(256 << 20)
                .read_to_string()
                .map_err(|e| SyncError::Network {
                    url: url.to_string(),
                    message: format!("reading the answer: {e}"),
                })?;
            // A wait asked beyond MAX_WAIT is said in the error, so the person knows
            // when trying again is worth it.
            let mut too_long = None;
            if matches!(status, 429 | 503) && attempt < RETRIES {
                let wait = wait_asked(retry_after.as_deref(), reset.as_deref(), SystemTime::now())
                    .unwrap_or(Duration::from_secs(1 << attempt));
                if wait <= MAX_WAIT {
                    tracing::info!(url, status, ?wait, "the tracker asked to wait");
                    std::thread::sleep(wait);
                    attempt += 1;
                    continue;
                }
                too_long = Some(wait);
            }
            // Azure DevOps answers a request it could not authenticate with 203 and its
            // sign-in page, not 401: said as the refusal it is, not as unreadable JSON.
            let refused = status == 203;
            if refused || !(200..300).contains(&status) {
                return Err(SyncError::Status {
                    url: url.to_string(),
                    status,
                    message: if refused {
                        "the sign-in page instead of an answer".into()
                    } else {
                        error_message(&text)
                    },
                    hint: match too_long {
                        Some(wait) => format!(
                            " (the tracker asked to wait {}s, longer than the {}s a sync \
                             waits; try again then)",
                            wait.as_secs(),
                            MAX_WAIT.as_secs()
                        ),
                        None => self.hint(if refused { 401 } else { status }),
                    },
                });
            }
            let body = serde_json::from_str(&text).map_err(|e| SyncError::Shape {
                url: url.to_string(),
                message: e.to_string(),
            })?;
            return Ok(Answer { body, link });
        }
    }

    fn hint(&self, status: u16) -> String {
        match status {
            401 | 403 => match self.credentials {
                Credentials::None => {
                    format!(" (no credentials were sent: set {})", self.credentials_hint)
                }
                _ => format!(" (check the credentials in {})", self.credentials_hint),
            },
            404 => " (check the address, and that the credentials may see it)".into(),
            429 | 503 => " (the tracker is busy or limiting requests; try again later)".into(),
            _ => String::new(),
        }
    }
}

/// How long the tracker asked to wait, as of `now`: `Retry-After` in seconds or as an
/// HTTP date (RFC 9110 §10.2.3 allows either; a date already past asks no wait), else
/// GitLab's `RateLimit-Reset`, the epoch second its limit resets (likewise).
fn wait_asked(retry_after: Option<&str>, reset: Option<&str>, now: SystemTime) -> Option<Duration> {
    if let Some(value) = retry_after.map(str::trim) {
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        // httpdate reads the three forms RFC 9110 says a recipient must accept
        // (IMF-fixdate, RFC 850, asctime), as hyper does.
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
        // Neither: fall through to the reset time or the caller's backoff, as if absent.
        tracing::debug!(value, "Retry-After is neither seconds nor an HTTP date");
    }
    let reset = reset?.trim().parse::<u64>().ok()?;
    // Checked: a header of absurd size must not overflow the clock (and panic).
    let at = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(reset))?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The `rel="next"` address of a `Link` header (GitHub's and GitLab's paging), verbatim:
/// GitLab's keyset pages carry a cursor that only the link knows.
pub(crate) fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"")
            .then(|| {
                target
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

/// One page of a REST API that answers an array and names the next page in its `Link`
/// header (GitHub's issues, GitLab's): its items, read as `format`, and the next page's
/// address.
pub(crate) fn link_paged(
    client: &Client,
    address: String,
    format: throughline_ingest::Format,
    opts: &throughline_ingest::ImportOptions,
) -> Result<(crate::Page, Option<String>), SyncError> {
    let answer = client.get(&address)?;
    if !answer.body.is_array() {
        return Err(SyncError::Shape {
            url: address,
            message: "expected an array of issues".into(),
        });
    }
    let next = answer.link.as_deref().and_then(next_link);
    let items = throughline_ingest::read_document(
        answer.body,
        std::path::Path::new(&address),
        format,
        opts,
    )?
    .collect::<Result<Vec<_>, _>>()?;
    Ok((
        crate::Page {
            url: address,
            items,
        },
        next,
    ))
}

/// `s` percent-encoded as one path segment or query value (`/` too: GitLab names a
/// group or project by its encoded path, `acme%2Fshop`).
pub(crate) fn encode(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// The tracker's own words for an error: Jira's `errorMessages`, GitHub's `message`, or
/// the start of the body.
fn error_message(text: &str) -> String {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        if let Some(list) = v["errorMessages"].as_array().filter(|l| !l.is_empty()) {
            return list
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ");
        }
        if let Some(m) = v["message"].as_str() {
            return m.to_string();
        }
        // GraphQL's (Linear's).
        if let Some(list) = v["errors"].as_array().filter(|l| !l.is_empty()) {
            return list
                .iter()
                .filter_map(|e| e["message"].as_str())
                .collect::<Vec<_>>()
                .join("; ");
        }
    }
    let t = text.trim();
    match t.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None if t.is_empty() => "(no message)".into(),
        None => t.to_string(),
    }
}

/// `base/path?k=v&...`, each value percent-encoded.
pub(crate) fn url(base: &str, path: &str, query: &[(&str, &str)]) -> String {
    let mut u = format!("{}{path}", base.trim_end_matches('/'));
    for (i, (k, v)) in query.iter().enumerate() {
        u.push(if i == 0 { '?' } else { '&' });
        u.push_str(k);
        u.push('=');
        u.extend(utf8_percent_encode(v, QUERY_VALUE));
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded_and_keys_kept() {
        assert_eq!(
            url(
                "https://x.test/",
                "/rest/api/2/search",
                &[
                    ("jql", "project = PAY AND updated >= \"2026-01-02\""),
                    ("startAt", "0")
                ]
            ),
            "https://x.test/rest/api/2/search?jql=project%20%3D%20PAY%20AND%20updated%20%3E%3D%20%222026-01-02%22&startAt=0"
        );
    }

    #[test]
    fn errors_quote_the_tracker() {
        assert_eq!(
            error_message(r#"{"errorMessages":["Field 'x' does not exist"],"errors":{}}"#),
            "Field 'x' does not exist"
        );
        assert_eq!(
            error_message(r#"{"message":"Bad credentials"}"#),
            "Bad credentials"
        );
        assert_eq!(error_message(""), "(no message)");
        assert_eq!(error_message(&"x".repeat(300)).chars().count(), 201);
    }

    #[test]
    fn secrets_are_not_printed() {
        let c = Credentials::Basic {
            user: "a@b.c".into(),
            token: "s3cret".into(),
        };
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(
            c.header().unwrap(),
            ("Authorization", "Basic YUBiLmM6czNjcmV0".to_string())
        );
        let gitlab = Credentials::PrivateToken("glpat-s3cret".into());
        assert!(!format!("{gitlab:?}").contains("s3cret"));
        assert_eq!(
            gitlab.header().unwrap(),
            ("PRIVATE-TOKEN", "glpat-s3cret".to_string())
        );
    }

    #[test]
    fn waits_are_read_from_retry_after_or_the_reset_time() {
        let now = SystemTime::now();
        assert_eq!(
            wait_asked(Some("7"), None, now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(wait_asked(None, Some("1000"), now), Some(Duration::ZERO));
        let epoch = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let soon = (epoch + 30).to_string();
        let w = wait_asked(None, Some(&soon), now).unwrap();
        assert!(
            w <= Duration::from_secs(30) && w >= Duration::from_secs(29),
            "{w:?}"
        );
        assert_eq!(wait_asked(None, None, now), None);
    }

    #[test]
    fn retry_after_may_be_an_http_date() {
        // RFC 9110's own example, 2015-10-21 07:28:00 UTC, as each form it allows.
        let asked = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let before = asked - Duration::from_secs(90);
        for form in [
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Wednesday, 21-Oct-15 07:28:00 GMT",
            "Wed Oct 21 07:28:00 2015",
        ] {
            assert_eq!(
                wait_asked(Some(form), None, before),
                Some(Duration::from_secs(90)),
                "{form}"
            );
        }
        // A date already past asks no wait, not a negative one.
        let after = asked + Duration::from_secs(5);
        assert_eq!(
            wait_asked(Some("Wed, 21 Oct 2015 07:28:00 GMT"), None, after),
            Some(Duration::ZERO)
        );
        // A date an hour away is read as an hour: longer than MAX_WAIT, so the request
        // fails rather than hangs, as the same wait in seconds does.
        let hour = wait_asked(Some("Wed, 21 Oct 2015 08:28:00 GMT"), None, asked).unwrap();
        assert_eq!(hour, Duration::from_secs(3600));
        assert!(hour > MAX_WAIT);
        // Neither seconds nor a date: the reset time, else nothing (the caller backs off).
        assert_eq!(
            wait_asked(Some("soon"), Some("1000"), after),
            Some(Duration::ZERO)
        );
        assert_eq!(wait_asked(Some("soon"), None, after), None);
        assert_eq!(wait_asked(Some("-5"), None, after), None);
        // A reset beyond what the clock can hold is no wait read, not a panic.
        assert_eq!(wait_asked(None, Some(&u64::MAX.to_string()), after), None);
    }
}
