//! `throughline digest` and `serve --digest` against real receivers on loopback: a
//! webhook server and an SMTP server started by each test, the demo organisation's data.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Env;
use serde_json::Value;

/// The demo's last day: digests of it are the same on any day they are run.
const AS_OF: &str = "2026-11-20";
const BASE: &str = "http://dash.example:8080";

fn demo() -> Env {
    let env = Env::new();
    env.ok(&["demo", "--quiet", "--dir", "demo"]);
    env
}

/// One request a receiver took.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    body: Value,
}

/// A webhook receiver on 127.0.0.1: answers the n-th request with the n-th status given
/// (the last one from then on) and records every request's path and JSON body.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Request>>>,
}

impl Receiver {
    fn start(statuses: &[u16]) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let got: Arc<Mutex<Vec<Request>>> = Arc::default();
        let (seen, statuses) = (got.clone(), statuses.to_vec());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let n = seen.lock().unwrap().len();
                let status = statuses[n.min(statuses.len() - 1)];
                if let Some(req) = answer(stream, status) {
                    seen.lock().unwrap().push(req);
                }
            }
        });
        Receiver { url, got }
    }

    fn requests(&self) -> Vec<Request> {
        self.got.lock().unwrap().clone()
    }
}

/// Reads one HTTP/1.1 request and answers it with `status`, closing the connection.
fn answer(stream: TcpStream, status: u16) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let path = line.split_whitespace().nth(1)?.to_string();
    let mut len = 0;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        if h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().ok()?;
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    let said = if status < 300 {
        "ok"
    } else {
        "invalid_payload"
    };
    let mut w = stream;
    let _ = write!(
        w,
        "HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{said}",
        said.len()
    );
    Some(Request {
        path,
        body: serde_json::from_slice(&body).ok()?,
    })
}

/// Every person the demo's items are assigned to.
fn assignees(env: &Env) -> Vec<String> {
    let conn = rusqlite::Connection::open(env.db()).expect("db");
    let mut stmt = conn
        .prepare("SELECT DISTINCT assignee FROM items WHERE assignee IS NOT NULL")
        .expect("query");
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("names");
    assert!(names.len() > 10, "the demo assigns work to people");
    names
}

fn assert_no_person(env: &Env, text: &str) {
    for name in assignees(env) {
        assert!(!text.contains(&name), "the digest names {name}");
    }
}

fn digest_sends(env: &Env) -> Vec<(String, i64, Option<String>, String, String)> {
    let conn = rusqlite::Connection::open(env.db()).expect("db");
    let mut stmt = conn
        .prepare("SELECT shown, ok, error, covered_from, covered_to FROM digest_sends ORDER BY id")
        .expect("query");
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("sends")
}

#[test]
fn the_printed_digest_is_markdown_of_the_weeks_changes_with_dashboard_links() {
    let env = demo();
    let md = env.ok(&["digest", "--as-of", AS_OF, "--base-url", BASE]);
    assert!(
        md.starts_with("# Throughline digest — all teams, 2026-11-14..2026-11-20\n"),
        "{md}"
    );
    for heading in [
        "## Drift",
        "## Off-plan themes that grew",
        "## Notes added",
        "## Metrics that moved",
        "## Review queue",
    ] {
        assert!(md.contains(heading), "no {heading} in:\n{md}");
    }
    // Every line links to the page behind it, on the dashboard given.
    // (What a section leaves out says how many, with a link where a page lists them.)
    let lines: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("- ") && !l.starts_with("- … and"))
        .collect();
    assert!(lines.len() >= 5, "{md}");
    for l in &lines {
        assert!(l.contains(&format!("]({BASE}/")), "no link on: {l}");
    }
    assert!(md.contains(&format!("({BASE}/items?origin=inferred&sort=confidence)")));
    // A minute's read, and nobody named.
    assert!(md.len() < 8_000, "{} bytes", md.len());
    assert_no_person(&env, &md);
    // Printing is a preview: nothing is recorded as sent.
    assert!(digest_sends(&env).is_empty());
}

#[test]
fn a_slack_digest_is_block_kit_within_slacks_limits_and_the_next_covers_only_new_days() {
    let env = demo();
    let hook = Receiver::start(&[200]);
    let to = format!("slack:{}/services/T0/B0/SECRET", hook.url);
    let out = env
        .cmd()
        .args(["digest", "--as-of", AS_OF, "--base-url", BASE, "--to", &to])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("to slack:{}/…", hook.url)),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET"), "{stderr}");

    let got = hook.requests();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].path, "/services/T0/B0/SECRET");
    let msg = &got[0].body;
    assert!(
        msg["text"]
            .as_str()
            .unwrap()
            .starts_with("Throughline digest")
    );
    let blocks = msg["blocks"].as_array().expect("blocks");
    assert!(blocks.len() <= 50);
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks[0]["text"]["type"], "plain_text");
    assert_eq!(
        blocks[0]["text"]["text"],
        "Throughline digest — all teams, 2026-11-14..2026-11-20"
    );
    let sections: Vec<&str> = blocks
        .iter()
        .filter(|b| b["type"] == "section")
        .map(|b| {
            assert_eq!(b["text"]["type"], "mrkdwn");
            b["text"]["text"].as_str().unwrap()
        })
        .collect();
    assert!(sections.iter().all(|t| t.chars().count() <= 3000));
    for heading in [
        "*Drift*",
        "*Notes added*",
        "*Metrics that moved*",
        "*Review queue*",
    ] {
        assert!(
            sections.iter().any(|t| t.starts_with(heading)),
            "no {heading} section: {sections:#?}"
        );
    }
    // The demo's notes, quoted, and the review queue linked in Slack's own syntax.
    assert!(sections.iter().any(|t| {
        t.contains("“Not optional: the current version goes out of support next month.”")
    }));
    let review = sections
        .iter()
        .find(|t| t.starts_with("*Review queue*"))
        .unwrap();
    assert!(
        review.contains(&format!(
            "<{BASE}/items?origin=inferred&sort=confidence|Review queue>"
        )),
        "{review}"
    );
    assert_eq!(blocks.last().unwrap()["type"], "context");
    assert_no_person(&env, &msg.to_string());

    // Recorded, the secret not kept; the next digest to it covers no day already sent.
    let sends = digest_sends(&env);
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].0, format!("slack:{}/…", hook.url));
    assert_eq!(
        (sends[0].1, sends[0].3.as_str(), sends[0].4.as_str()),
        (1, "2026-11-14", AS_OF)
    );
    let raw = std::fs::read(env.db()).expect("db");
    assert!(
        !raw.windows(6).any(|w| w == b"SECRET"),
        "the webhook's secret is stored"
    );
    env.ok(&[
        "digest",
        "--as-of",
        AS_OF,
        "--base-url",
        BASE,
        "--to",
        &to,
        "--quiet",
    ]);
    let again = &hook.requests()[1].body;
    let summary = again["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(
        summary.starts_with("Nothing new since the last digest"),
        "{summary}"
    );
}

#[test]
fn a_failing_webhook_is_tried_again_until_it_accepts() {
    let env = demo();
    let hook = Receiver::start(&[500, 503, 200]);
    let to = format!("slack:{}/hook", hook.url);
    env.ok(&["digest", "--as-of", AS_OF, "--to", &to, "--quiet"]);
    assert_eq!(hook.requests().len(), 3);
    let sends = digest_sends(&env);
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].1, 1);
}

#[test]
fn a_refused_webhook_is_named_not_retried_and_the_others_are_still_sent() {
    let env = demo();
    let slack = Receiver::start(&[400]);
    let teams = Receiver::start(&[200]);
    let out = env
        .cmd()
        .args([
            "digest",
            "--as-of",
            AS_OF,
            "--base-url",
            BASE,
            "--to",
            &format!("slack:{}/services/T0/B0/SECRET", slack.url),
            "--to",
            &format!("teams:{}/webhookb2/SECRET2", teams.url),
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a failed destination fails the command"
    );
    assert!(
        stderr.contains(&format!(
            "sending the digest to slack:{}/… failed after 1 attempt: refused: HTTP 400 Bad Request: invalid_payload",
            slack.url
        )),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 2 digests were not sent"), "{stderr}");
    assert!(!stderr.contains("SECRET"), "{stderr}");
    assert_eq!(slack.requests().len(), 1, "a 4xx is not tried again");

    // Teams got its Adaptive Card all the same.
    let got = teams.requests();
    assert_eq!(got.len(), 1);
    let msg = &got[0].body;
    assert_eq!(msg["type"], "message");
    let att = &msg["attachments"][0];
    assert_eq!(
        att["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(att["content"]["type"], "AdaptiveCard");
    let body = att["content"]["body"].as_array().expect("card body");
    assert_eq!(
        body[0]["text"],
        "Throughline digest — all teams, 2026-11-14..2026-11-20"
    );
    assert!(body.iter().any(|b| b["text"] == "Review queue"));
    assert_eq!(
        att["content"]["actions"][0]["url"],
        format!("{BASE}/?period=2026-08-22..2026-11-20")
    );
    assert_no_person(&env, &msg.to_string());

    // Both recorded: the failure with its reason, so the next digest to Slack catches up.
    let sends = digest_sends(&env);
    assert_eq!(sends.len(), 2);
    let failed = sends
        .iter()
        .find(|s| s.1 == 0)
        .expect("the failure is recorded");
    assert!(failed.2.as_deref().unwrap().contains("HTTP 400"));
}

#[test]
fn an_unreachable_webhook_is_tried_three_times_and_named() {
    let env = demo();
    let closed = format!("http://127.0.0.1:{}/services/SECRET", free_port());
    let out = env
        .cmd()
        .args([
            "digest",
            "--as-of",
            AS_OF,
            "--to",
            &format!("slack:{closed}"),
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("failed after 3 attempts: could not connect"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET"), "{stderr}");
    assert_eq!(digest_sends(&env)[0].1, 0, "the failure is recorded");
}

/// What an SMTP server on loopback received: the envelope and the message.
#[derive(Debug, Default, Clone)]
struct Mail {
    rcpt: Vec<String>,
    data: String,
    connections: usize,
}

/// A minimal SMTP server on 127.0.0.1: plain text, no authentication; refuses (550) any
/// recipient in `refuse`.
fn smtp_sink(refuse: &'static [&'static str]) -> (u16, Arc<Mutex<Mail>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mail: Arc<Mutex<Mail>> = Arc::default();
    let seen = mail.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            seen.lock().unwrap().connections += 1;
            let _ = converse(stream, refuse, &seen);
        }
    });
    (port, mail)
}

fn converse(stream: TcpStream, refuse: &[&str], seen: &Mutex<Mail>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut w = stream;
    w.write_all(b"220 sink.test ESMTP\r\n")?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            w.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?;
        } else if upper.starts_with("MAIL FROM")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            w.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO") {
            let addr = cmd[8..]
                .trim()
                .trim_matches(|c| c == '<' || c == '>')
                .to_string();
            if refuse.iter().any(|r| addr.contains(r)) {
                w.write_all(b"550 5.1.1 no such mailbox here\r\n")?;
            } else {
                seen.lock().unwrap().rcpt.push(addr);
                w.write_all(b"250 OK\r\n")?;
            }
        } else if upper == "DATA" {
            w.write_all(b"354 go ahead\r\n")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l)? == 0 || l == ".\r\n" {
                    break;
                }
                data.push_str(&l);
            }
            seen.lock().unwrap().data = data;
            w.write_all(b"250 queued\r\n")?;
        } else if upper == "QUIT" {
            w.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            w.write_all(b"502 not implemented\r\n")?;
        }
    }
}

fn smtp_env(env: &Env, port: u16) -> std::process::Command {
    let mut c = env.cmd();
    c.env("THROUGHLINE_SMTP_HOST", "127.0.0.1")
        .env("THROUGHLINE_SMTP_PORT", port.to_string())
        .env("THROUGHLINE_SMTP_TLS", "none")
        .env("THROUGHLINE_SMTP_FROM", "throughline@example.org")
        .env_remove("THROUGHLINE_SMTP_USER")
        .env_remove("THROUGHLINE_SMTP_PASSWORD");
    c
}

#[test]
fn an_email_digest_is_text_and_html_through_the_smtp_server_in_the_environment() {
    let env = demo();
    let (port, mail) = smtp_sink(&[]);
    let out = smtp_env(&env, port)
        .args([
            "digest",
            "--as-of",
            AS_OF,
            "--base-url",
            BASE,
            "--to",
            "email:leads@example.org",
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = mail.lock().unwrap().clone();
    assert_eq!(m.rcpt, ["leads@example.org"]);
    let data = &m.data;
    assert!(data.contains("From: throughline@example.org"), "{data}");
    assert!(data.contains("To: leads@example.org"), "{data}");
    assert!(data.contains("Subject: "), "{data}");
    assert!(
        data.contains("Content-Type: multipart/alternative"),
        "{data}"
    );
    assert!(
        data.contains("Content-Type: text/plain; charset=utf-8"),
        "{data}"
    );
    assert!(
        data.contains("Content-Type: text/html; charset=utf-8"),
        "{data}"
    );
    // The words survive the transfer encoding: quoted-printable keeps ASCII readable.
    let unfolded = data.replace("=\r\n", "");
    assert!(unfolded.contains("Review queue"), "{data}");
    assert!(
        unfolded.contains(&format!("{BASE}/items?origin=3Dinferred&sort=3Dconfidence"))
            || unfolded.contains(&format!("{BASE}/items?origin=inferred&sort=confidence")),
        "{data}"
    );
    assert_no_person(&env, &unfolded);
    assert_eq!(digest_sends(&env)[0].1, 1);
}

#[test]
fn a_refused_recipient_is_reported_and_not_tried_again() {
    let env = demo();
    let (port, mail) = smtp_sink(&["nobody@"]);
    let out = smtp_env(&env, port)
        .args([
            "digest",
            "--as-of",
            AS_OF,
            "--to",
            "email:nobody@example.org",
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(
            "sending the digest to email:nobody@example.org failed after 1 attempt: refused: SMTP"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("550"), "{stderr}");
    assert_eq!(mail.lock().unwrap().connections, 1);
    assert!(mail.lock().unwrap().data.is_empty());
}

#[test]
fn missing_smtp_settings_are_named() {
    let env = demo();
    let out = env
        .cmd()
        .env_remove("THROUGHLINE_SMTP_HOST")
        .args([
            "digest",
            "--as-of",
            AS_OF,
            "--to",
            "email:leads@example.org",
        ])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("THROUGHLINE_SMTP_HOST is not set"));
}

#[test]
fn per_team_digests_have_team_figures_and_small_teams_are_folded() {
    let env = demo();
    let all = env.json(&["digest", "--as-of", AS_OF, "--per-team"]);
    let digests = all["digests"].as_array().unwrap();
    let teams: Vec<&str> = digests
        .iter()
        .map(|d| d["team"].as_str().unwrap())
        .collect();
    assert_eq!(
        teams,
        [
            "Core Experience",
            "Data",
            "Growth",
            "Mobile",
            "Payments",
            "Platform"
        ]
    );
    // A team's review queue is its own share of the whole.
    let whole = env.json(&["digest", "--as-of", AS_OF]);
    let whole_queue = whole["digests"][0]["review_queue"].as_u64().unwrap();
    let sum: u64 = digests
        .iter()
        .map(|d| d["review_queue"].as_u64().unwrap())
        .sum();
    assert!(sum <= whole_queue && sum > 0);
    let payments = digests.iter().find(|d| d["team"] == "Payments").unwrap();
    let text = payments.to_string();
    assert!(text.contains("team=Payments"), "team links keep the team");

    // With seven people the smallest group, only Platform stands alone.
    let big = env.json(&["digest", "--as-of", AS_OF, "--per-team", "--min-group", "7"]);
    let teams: Vec<&str> = big["digests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["team"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["Platform"]);
    let err = env.fails(&[
        "digest",
        "--as-of",
        AS_OF,
        "--team",
        "Data",
        "--min-group",
        "7",
    ]);
    assert!(err.contains("team `Data` has fewer than 7 people"), "{err}");
}

#[test]
fn bad_destinations_and_periods_are_refused_before_anything_is_sent() {
    let env = demo();
    let err = env.fails(&["digest", "--to", "slack:ftp://hooks.example/SECRET"]);
    assert!(
        err.contains("http or https") && !err.contains("SECRET"),
        "{err}"
    );
    let err = env.fails(&["digest", "--period", "last-fortnight"]);
    assert!(err.contains("not a digest period"), "{err}");
    let err = env.fails(&[
        "serve",
        "--digest",
        "someday",
        "--digest-to",
        "email:a@b.org",
    ]);
    assert!(err.contains("not a digest schedule"), "{err}");
}

#[test]
fn a_base_url_in_the_environment_does_not_stop_a_plain_serve() {
    let env = demo();
    let addr = format!("127.0.0.1:{}", free_port());
    let _server = Child(
        env.cmd()
            .env("THROUGHLINE_BASE_URL", "https://throughline.example.org")
            .args(["serve", "--addr", &addr])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serve"),
    );
    let start = Instant::now();
    while TcpStream::connect(&addr).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(get(&addr, "/api/status?keys=false").0, 200);
}

/// A free port on loopback (bound and released: the server binds it next).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// Ends the server however the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_sends_the_digest_on_its_schedule_and_records_it() {
    let env = demo();
    let hook = Receiver::start(&[200]);
    let addr = format!("127.0.0.1:{}", free_port());
    let _server = Child(
        env.cmd()
            .args([
                "serve",
                "--addr",
                &addr,
                "--digest",
                "every 1s",
                "--digest-to",
                &format!("slack:{}/scheduled", hook.url),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serve"),
    );
    let start = Instant::now();
    while hook.requests().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "no digest was sent"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let got = hook.requests();
    assert_eq!(got[0].path, "/scheduled");
    let title = got[0].body["blocks"][0]["text"]["text"].as_str().unwrap();
    assert!(
        title.starts_with("Throughline digest — all teams"),
        "{title}"
    );
    // Links go to this server unless told otherwise.
    assert!(
        got[0]
            .body
            .to_string()
            .contains(&format!("http://{addr}/items?origin=inferred"))
    );
    // Every page the digest links to is one this server serves.
    let body = got[0].body.to_string();
    let prefix = format!("<http://{addr}");
    let paths: Vec<&str> = body
        .split(prefix.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('|').next())
        .collect();
    assert!(paths.len() >= 5, "{body}");
    assert!(paths.iter().any(|p| p.contains("theme=")), "{body}");
    for path in &paths {
        let (status, page) = get(&addr, path);
        assert_eq!(status, 200, "GET {path}");
        // An item list behind a line holds the work it speaks of: a theme that grew has
        // items, and the review queue as many as the digest says wait.
        if path.contains("theme=") {
            assert!(strong_number(&page) > 0, "GET {path}: an empty theme");
        }
        if path.contains("origin=inferred") {
            let said = body[..body.find(" inferred link").expect("queue line")]
                .rsplit(['•', ' '])
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .expect("the queue's size");
            assert_eq!(strong_number(&page), said, "GET {path}");
        }
    }
    // Recorded, once the send has been written down.
    let start = Instant::now();
    while digest_sends(&env).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the scheduled send was not recorded"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(digest_sends(&env)[0].1, 1);
}

/// The status and body of a GET on the server at `addr` (plain HTTP/1.1, one request
/// per connection).
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut all = Vec::new();
    stream.read_to_end(&mut all).expect("response");
    let text = String::from_utf8_lossy(&all).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// The total an item list shows first, in bold.
fn strong_number(html: &str) -> usize {
    let at = html.find("<strong>").expect("a <strong> total") + "<strong>".len();
    let rest = &html[at..];
    rest[..rest.find("</strong>").expect("its end")]
        .replace(',', "")
        .parse()
        .expect("a number")
}
