//! The digest by email: a text/plain and a text/html part (multipart/alternative), sent
//! through the SMTP server named by `THROUGHLINE_SMTP_*`.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncTransport, Message, Tokio1Executor};
use throughline_report::Digest;

use crate::Problem;

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text: for a relay on the same machine or network only.
    None,
    /// Plain connection upgraded with STARTTLS, required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// Where and as whom email is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// User and password, when the server asks for them.
    pub login: Option<(String, String)>,
    pub from: String,
}

/// Never the password.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.login.as_ref().map(|l| &l.0))
            .field("from", &self.from)
            .finish()
    }
}

impl SmtpSettings {
    /// From `THROUGHLINE_SMTP_HOST`, `_PORT` (default by TLS mode: 25, 587, 465),
    /// `_USER` and `_PASSWORD` (both or neither), `_FROM` and `_TLS` (`none`,
    /// `starttls`, the default, or `tls`).
    pub fn from_env() -> Result<SmtpSettings, String> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// The same, reading each variable through `get` (tests pass their own).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<SmtpSettings, String> {
        let var = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let host = var("THROUGHLINE_SMTP_HOST").ok_or(
            "THROUGHLINE_SMTP_HOST is not set: it names the SMTP server email is sent through",
        )?;
        let tls = match var("THROUGHLINE_SMTP_TLS")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("starttls") => TlsMode::StartTls,
            Some("none") => TlsMode::None,
            Some("tls") => TlsMode::Tls,
            Some(other) => {
                return Err(format!(
                    "THROUGHLINE_SMTP_TLS is `{other}`: use none, starttls or tls"
                ));
            }
        };
        let port = match var("THROUGHLINE_SMTP_PORT") {
            Some(p) => p
                .parse()
                .map_err(|_| format!("THROUGHLINE_SMTP_PORT is `{p}`, not a port number"))?,
            None => match tls {
                TlsMode::None => 25,
                TlsMode::StartTls => 587,
                TlsMode::Tls => 465,
            },
        };
        let login = match (
            var("THROUGHLINE_SMTP_USER"),
            get("THROUGHLINE_SMTP_PASSWORD"),
        ) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => {
                return Err(
                    "set both THROUGHLINE_SMTP_USER and THROUGHLINE_SMTP_PASSWORD, or neither"
                        .into(),
                );
            }
        };
        let from = var("THROUGHLINE_SMTP_FROM")
            .ok_or("THROUGHLINE_SMTP_FROM is not set: it is the digest's sender address")?;
        from.parse::<Mailbox>()
            .map_err(|e| format!("THROUGHLINE_SMTP_FROM `{from}` is not an address: {e}"))?;
        Ok(SmtpSettings {
            host,
            port,
            tls,
            login,
            from,
        })
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The digest as a small HTML document (inline styles only: mail clients drop the rest).
pub fn to_html(d: &Digest) -> String {
    let a = |href: &str, label: &str| format!("<a href=\"{}\">{}</a>", esc(href), esc(label));
    let mut o = format!(
        "<!DOCTYPE html><html><body style=\"font-family:Helvetica,Arial,sans-serif;max-width:40em\">\
         <h1 style=\"font-size:1.3em\">{}</h1><p>{} {}</p>",
        esc(&d.title),
        esc(&d.summary),
        a(&d.overview.href, &d.overview.label)
    );
    for s in &d.sections {
        o.push_str(&format!(
            "<h2 style=\"font-size:1.1em\">{}</h2><ul>",
            esc(s.heading)
        ));
        for l in &s.lines {
            let what = match &l.quote {
                Some(q) => format!("<q>{}</q> — {}", esc(q), esc(&l.text)),
                None => esc(&l.text),
            };
            o.push_str(&format!(
                "<li>{what} {}</li>",
                a(&l.link.href, &l.link.label)
            ));
        }
        if s.hidden > 0 {
            let more = s
                .more
                .as_ref()
                .map_or(String::new(), |m| format!(" {}", a(&m.href, &m.label)));
            o.push_str(&format!("<li>… and {} more{more}</li>", s.hidden));
        }
        o.push_str("</ul>");
    }
    if !d.quiet.is_empty() {
        o.push_str(&format!(
            "<p style=\"color:#666\">Quiet: {}.</p>",
            esc(&d.quiet.join(", "))
        ));
    }
    o.push_str("</body></html>\n");
    o
}

pub(crate) async fn send(s: &SmtpSettings, to: &str, d: &Digest) -> Result<(), Problem> {
    let settings = |e: String| Problem::Settings(e);
    let from: Mailbox = s
        .from
        .parse()
        .map_err(|e| settings(format!("THROUGHLINE_SMTP_FROM: {e}")))?;
    let to: Mailbox = to
        .parse()
        .map_err(|e| Problem::Refused(format!("`{to}` is not an address: {e}")))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(&d.title)
        .multipart(MultiPart::alternative_plain_html(d.to_text(), to_html(d)))
        .map_err(|e| Problem::Refused(format!("the message could not be built: {e}")))?;
    let tls = |host: &str| {
        TlsParameters::new(host.to_string()).map_err(|e| settings(format!("TLS for {host}: {e}")))
    };
    let tls = match s.tls {
        TlsMode::None => Tls::None,
        TlsMode::StartTls => Tls::Required(tls(&s.host)?),
        TlsMode::Tls => Tls::Wrapper(tls(&s.host)?),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
        .port(s.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(30)));
    if let Some((user, password)) = &s.login {
        b = b.credentials(Credentials::new(user.clone(), password.clone()));
    }
    let mailer = b.build();
    match mailer.send(message).await {
        Ok(_) => Ok(()),
        // A permanent refusal (550 no such user, 554 rejected) would be refused again.
        Err(e) if e.is_permanent() => Err(Problem::Refused(format!("SMTP {e}"))),
        Err(e) => Err(Problem::Failed(format!("SMTP {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn smtp_settings_default_the_port_by_tls_and_want_a_sender() {
        let s = SmtpSettings::from_lookup(env(&[
            ("THROUGHLINE_SMTP_HOST", "mail.example.org"),
            ("THROUGHLINE_SMTP_FROM", "throughline@example.org"),
            ("THROUGHLINE_SMTP_TLS", "tls"),
        ]))
        .unwrap();
        assert_eq!((s.port, s.tls, s.login), (465, TlsMode::Tls, None));
        let missing = SmtpSettings::from_lookup(env(&[("THROUGHLINE_SMTP_HOST", "h")]));
        assert!(missing.unwrap_err().contains("THROUGHLINE_SMTP_FROM"));
        let half = SmtpSettings::from_lookup(env(&[
            ("THROUGHLINE_SMTP_HOST", "h"),
            ("THROUGHLINE_SMTP_FROM", "a@b.c"),
            ("THROUGHLINE_SMTP_USER", "u"),
        ]));
        assert!(half.unwrap_err().contains("both"));
        let bad = SmtpSettings::from_lookup(env(&[
            ("THROUGHLINE_SMTP_HOST", "h"),
            ("THROUGHLINE_SMTP_FROM", "a@b.c"),
            ("THROUGHLINE_SMTP_TLS", "ssl"),
        ]));
        assert!(bad.unwrap_err().contains("none, starttls or tls"));
    }

    #[test]
    fn the_password_is_never_in_debug_output() {
        let s = SmtpSettings {
            host: "h".into(),
            port: 25,
            tls: TlsMode::None,
            login: Some(("user".into(), "hunter2".into())),
            from: "a@b.c".into(),
        };
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
