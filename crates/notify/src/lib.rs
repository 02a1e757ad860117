//! Delivering a digest: Slack (Block Kit) and Teams (an Adaptive Card) incoming webhooks,
//! email over SMTP (text and HTML), with retries, and the weekly or daily schedule of
//! `throughline serve --digest`.
//!
//! A crate of its own rather than part of `report` or `server`: `report` never knows
//! HTTP, and both the CLI (`throughline digest`) and the server's schedule send, so the
//! HTTP and SMTP clients (reqwest, lettre) live in one place that neither the report
//! logic nor the API has to carry. It shapes a [`throughline_report::Digest`] and sends
//! it; what goes in a digest is decided in `report::digest`.

mod email;
mod schedule;
mod slack;
mod teams;

use std::fmt;
use std::time::Duration;

use throughline_report::Digest;

pub use email::{SmtpSettings, TlsMode, to_html};
pub use schedule::{Schedule, ScheduleError};
pub use slack::{MAX_BLOCKS, MAX_SECTION_CHARS, slack_message};
pub use teams::teams_message;

/// Where a digest goes.
#[derive(Clone, PartialEq, Eq)]
pub enum Destination {
    /// A Slack incoming webhook.
    Slack(reqwest::Url),
    /// A Microsoft Teams incoming webhook (or a Workflows webhook taking the same card).
    Teams(reqwest::Url),
    /// An email address, sent through the SMTP server the environment names.
    Email(String),
}

/// A destination that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a destination: {why} (use slack:URL, teams:URL or email:ADDRESS)")]
pub struct BadDestination {
    /// As given, its secret redacted.
    pub given: String,
    pub why: String,
}

impl std::str::FromStr for Destination {
    type Err = BadDestination;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |why: &str| BadDestination {
            given: redact_given(s),
            why: why.into(),
        };
        let (kind, rest) = s.trim().split_once(':').ok_or_else(|| bad("no kind"))?;
        let url = || -> Result<reqwest::Url, BadDestination> {
            let u = reqwest::Url::parse(rest.trim()).map_err(|e| bad(&e.to_string()))?;
            match u.scheme() {
                "http" | "https" if u.host().is_some() => Ok(u),
                _ => Err(bad("a webhook is an http or https address")),
            }
        };
        match kind.trim().to_ascii_lowercase().as_str() {
            "slack" => Ok(Destination::Slack(url()?)),
            "teams" => Ok(Destination::Teams(url()?)),
            "email" | "mailto" => {
                let a = rest.trim();
                a.parse::<lettre::Address>()
                    .map_err(|e| bad(&format!("not an email address ({e})")))?;
                Ok(Destination::Email(a.to_string()))
            }
            _ => Err(bad("unknown kind")),
        }
    }
}

/// A webhook address without its secret: scheme, host and port, the path (which holds
/// the secret in Slack's and Teams' hooks) and any query cut off.
fn redact_url(u: &reqwest::Url) -> String {
    let host = u.host_str().unwrap_or("?");
    let port = u.port().map_or(String::new(), |p| format!(":{p}"));
    let rest = if u.path().len() > 1 || u.query().is_some() {
        "/…"
    } else {
        ""
    };
    format!("{}://{host}{port}{rest}", u.scheme())
}

/// What an unreadable destination is shown as: its kind and host at most.
fn redact_given(s: &str) -> String {
    match s.split_once(':') {
        Some((kind, rest)) => match reqwest::Url::parse(rest.trim()) {
            Ok(u) => format!("{kind}:{}", redact_url(&u)),
            Err(_) if kind.trim().eq_ignore_ascii_case("email") => s.to_string(),
            Err(_) => format!("{kind}:…"),
        },
        None => "…".into(),
    }
}

impl Destination {
    /// The kind, as written before the colon.
    pub fn kind(&self) -> &'static str {
        match self {
            Destination::Slack(_) => "slack",
            Destination::Teams(_) => "teams",
            Destination::Email(_) => "email",
        }
    }

    /// The destination as it may be shown and logged: a webhook's secret path redacted.
    pub fn redacted(&self) -> String {
        match self {
            Destination::Slack(u) | Destination::Teams(u) => {
                format!("{}:{}", self.kind(), redact_url(u))
            }
            Destination::Email(a) => format!("email:{a}"),
        }
    }

    /// The destination in full, secret included: what identifies it (hash it before
    /// storing it).
    pub fn full(&self) -> String {
        match self {
            Destination::Slack(u) | Destination::Teams(u) => format!("{}:{u}", self.kind()),
            Destination::Email(a) => format!("email:{a}"),
        }
    }
}

/// Never the secret, even in debug output.
impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// A digest that did not reach its destination.
#[derive(Debug, thiserror::Error)]
#[error("sending the digest to {destination} failed after {attempts} attempt{}: {problem}", if *.attempts == 1 { "" } else { "s" })]
pub struct SendError {
    /// The destination, redacted.
    pub destination: String,
    pub attempts: u32,
    pub problem: Problem,
}

/// What went wrong with the last attempt.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The receiver refused the message (a 4xx, or an SMTP 5xx such as 550): sending it
    /// again would be refused again.
    #[error("refused: {0}")]
    Refused(String),
    /// The receiver failed (5xx, SMTP 4xx) or could not be reached.
    #[error("{0}")]
    Failed(String),
    /// The SMTP settings in the environment are missing or wrong.
    #[error("{0}")]
    Settings(String),
}

impl Problem {
    fn retried(&self) -> bool {
        matches!(self, Problem::Failed(_))
    }
}

/// The HTTP client could not be started.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the HTTP client could not start: {0}")]
pub struct ClientError(pub String);

/// How often, and how long apart, a send is tried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    /// The wait after the first failure; each next wait is twice the last.
    pub first_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            first_delay: Duration::from_millis(500),
        }
    }
}

/// Sends digests. One client for every webhook; SMTP settings read when an email is sent.
#[derive(Debug, Clone)]
pub struct Sender {
    http: reqwest::Client,
    pub retry: RetryPolicy,
    smtp: Option<SmtpSettings>,
}

impl Sender {
    /// A sender with SMTP settings (`None`: read from the environment when an email is
    /// sent, so a digest to webhooks needs none). Fails only when the HTTP client's TLS
    /// cannot start.
    pub fn new(smtp: Option<SmtpSettings>) -> Result<Sender, ClientError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("throughline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError(e.to_string()))?;
        Ok(Sender {
            http,
            retry: RetryPolicy::default(),
            smtp,
        })
    }

    /// Sends `digest` to `to`, retrying failures that may pass (a 5xx, a lost
    /// connection, a 429, an SMTP 4xx) and not refusals.
    pub async fn send(&self, to: &Destination, digest: &Digest) -> Result<(), SendError> {
        let mut delay = self.retry.first_delay;
        let attempts = self.retry.attempts.max(1);
        let mut n = 0;
        loop {
            n += 1;
            let result = match to {
                Destination::Slack(u) => self.post(u, &slack_message(digest)).await,
                Destination::Teams(u) => self.post(u, &teams_message(digest)).await,
                Destination::Email(a) => self.email(a, digest).await,
            };
            let problem = match result {
                Ok(()) => return Ok(()),
                Err(p) => p,
            };
            if !problem.retried() || n >= attempts {
                return Err(SendError {
                    destination: to.redacted(),
                    attempts: n,
                    problem,
                });
            }
            tracing::warn!(destination = %to, attempt = n, "digest not sent, trying again: {problem}");
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
    }

    async fn post(&self, url: &reqwest::Url, body: &serde_json::Value) -> Result<(), Problem> {
        // reqwest's errors name the address, secret and all: say only what happened.
        let r = self
            .http
            .post(url.clone())
            .json(body)
            .send()
            .await
            .map_err(|e| Problem::Failed(http_problem(e)))?;
        let status = r.status();
        if status.is_success() {
            return Ok(());
        }
        let text = r.text().await.unwrap_or_default();
        let said: String = text.trim().chars().take(200).collect();
        let what = if said.is_empty() {
            format!("HTTP {status}")
        } else {
            format!("HTTP {status}: {said}")
        };
        if status.is_client_error() && status != reqwest::StatusCode::TOO_MANY_REQUESTS {
            Err(Problem::Refused(what))
        } else {
            Err(Problem::Failed(what))
        }
    }

    async fn email(&self, to: &str, digest: &Digest) -> Result<(), Problem> {
        let settings = match &self.smtp {
            Some(s) => s.clone(),
            None => SmtpSettings::from_env().map_err(Problem::Settings)?,
        };
        email::send(&settings, to, digest).await
    }
}

/// A reqwest error in words, without its URL (which holds the webhook's secret).
fn http_problem(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut words = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        e.to_string()
    };
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        words.push_str(&format!(": {s}"));
        source = s.source();
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhooks_secret_path_is_never_shown() {
        let d: Destination = "slack:https://hooks.slack.com/services/T00/B00/XXXXSECRET"
            .parse()
            .unwrap();
        assert_eq!(d.redacted(), "slack:https://hooks.slack.com/…");
        assert_eq!(format!("{d:?}"), "slack:https://hooks.slack.com/…");
        assert!(d.full().contains("XXXXSECRET"));
        let t: Destination = "teams:http://127.0.0.1:9000/hook?sig=abc".parse().unwrap();
        assert_eq!(t.to_string(), "teams:http://127.0.0.1:9000/…");
        let e: Destination = "email:team-leads@example.org".parse().unwrap();
        assert_eq!(e.redacted(), "email:team-leads@example.org");
    }

    #[test]
    fn a_bad_destination_is_named_without_its_secret() {
        let err = "slack:ftp://hooks.example/SECRET"
            .parse::<Destination>()
            .unwrap_err();
        assert!(!err.to_string().contains("SECRET"), "{err}");
        assert!(err.to_string().contains("http or https"), "{err}");
        assert!("pager:x".parse::<Destination>().is_err());
        assert!("email:not an address".parse::<Destination>().is_err());
    }
}
