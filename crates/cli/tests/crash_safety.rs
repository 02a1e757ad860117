//! Crash safety at random points: `throughline` is killed with SIGKILL at seeded random
//! moments of every kind of write (import, align, strategy apply, `link --file`, sync, and
//! the server's writes), and then the database must pass `PRAGMA integrity_check`, hold
//! every write the command reported before it died, show each write whole or not at all
//! (every figure a transaction moves is its value before or after, never between), and
//! take the next command, which ends where an uninterrupted run ends.
//!
//! `crash_safety_smoke` kills each write twice in the normal suite; the full campaign
//! (`crash_safety_campaign`, 24 runs of each of the six, 144 in all) is `#[ignore]`d for its time
//! and run by `.ci/run`. `THROUGHLINE_KILL_SEED` and `THROUGHLINE_KILLS` (per write)
//! reproduce or widen a run; every failure names its seed, write and delay.

mod common;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::Env;
use serde_json::json;
use throughline_sync::fake::{Reply, jira_issue, serve};

/// xorshift64*: seeded, so a failing run reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const STRATEGY_V1: &str = r#"
[[goal]]
id = "grow"
title = "Grow self-serve revenue"

[[goal]]
id = "rely"
title = "Reliable platform"

[[initiative]]
id = "checkout"
goals = ["grow"]
title = "Checkout redesign"
labels = ["checkout"]

[[initiative]]
id = "latency"
goals = ["rely"]
title = "Latency budget"
labels = ["latency"]
"#;

/// A second strategy: other selectors and a team mapping, so applying it moves links and
/// teams in the same transaction as the new version.
const STRATEGY_V2: &str = r#"
[[goal]]
id = "grow"
title = "Grow self-serve revenue"

[[goal]]
id = "rely"
title = "Reliable platform"

[[initiative]]
id = "checkout"
goals = ["grow"]
title = "Checkout redesign"
labels = ["checkout", "wallet"]

[[initiative]]
id = "latency"
goals = ["rely"]
title = "Latency budget"
components = ["api"]

[[team]]
name = "Payments"
projects = ["PAY"]
"#;

const WORDS: [&str; 8] = [
    "checkout card form saved cards",
    "latency p95 api gateway budget",
    "upgrade postgres driver",
    "pager outage incident database",
    "wallet apple pay support",
    "flaky test retry build",
    "refactor billing module",
    "customer escalation invoice",
];

/// A generic CSV of `n` items `PREFIX-i`, every third one labelled for an initiative.
fn items_csv(prefix: &str, n: usize) -> String {
    let mut s = String::from("key,title,description,labels,components,created\n");
    for i in 0..n {
        let label = ["checkout", "", "latency", "wallet", "", ""][i % 6];
        let component = if i % 5 == 0 { "api" } else { "" };
        let _ = writeln!(
            s,
            "{prefix}-{i},{} {i},Some words about {} number {i},{label},{component},2026-{:02}-{:02}",
            WORDS[i % 8],
            WORDS[(i + 3) % 8],
            1 + i % 9,
            1 + i % 28
        );
    }
    s
}

/// Every figure a write moves, grouped by the transaction that moves them together.
#[derive(Debug, Clone, PartialEq)]
struct State {
    /// Items and the import log: one import (or sync) transaction.
    import: (i64, f64, i64),
    /// Strategy versions and the teams they mapped: one `strategy apply` transaction.
    strategy: (i64, i64),
    explicit: (i64, i64),
    inferred: i64,
    /// People's links: one `link --file` or one reviewed list sent to the server.
    corrected: i64,
    notes: i64,
}

fn state(db: &Path) -> State {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    State {
        import: (
            one("SELECT count(*) FROM items"),
            conn.query_row("SELECT total(content_hash) FROM items", [], |r| r.get(0))
                .expect("hash"),
            one("SELECT count(*) FROM imports"),
        ),
        strategy: (
            one("SELECT count(*) FROM strategy_versions"),
            one("SELECT count(*) FROM items WHERE team_mapped = 1"),
        ),
        explicit: (
            one("SELECT count(*) FROM links WHERE origin = 'explicit'"),
            one(
                "SELECT coalesce(sum(item_id * length(target_kind || target_id)), 0) FROM links WHERE origin = 'explicit'",
            ),
        ),
        inferred: one("SELECT count(*) FROM links WHERE origin = 'inferred'"),
        corrected: one("SELECT count(*) FROM links WHERE origin = 'corrected'"),
        notes: one("SELECT count(*) FROM notes"),
    }
}

/// The same data, whatever the import log says: a rerun of a write that was committed
/// before its kill logs itself again.
fn same_work(a: &State, b: &State) -> bool {
    let mut a = a.clone();
    a.import.2 = b.import.2;
    &a == b
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

/// Copies a database whose last writer has exited (its WAL checkpointed into the file).
fn copy_db(from: &Path, to: &Path) {
    {
        let conn = rusqlite::Connection::open(from).expect("open");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint");
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).expect("copy the database");
}

/// What a figure group of [`State`] is, to compare before, after and what a kill left.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Group {
    Import,
    Strategy,
    Explicit,
    Inferred,
    Corrected,
}

fn group(s: &State, g: Group) -> String {
    match g {
        Group::Import => format!("{:?}", s.import),
        Group::Strategy => format!("{:?}", s.strategy),
        Group::Explicit => format!("{:?}", s.explicit),
        Group::Inferred => format!("{:?}", s.inferred),
        Group::Corrected => format!("{:?}", s.corrected),
    }
}

const ALL_GROUPS: [Group; 5] = [
    Group::Import,
    Group::Strategy,
    Group::Explicit,
    Group::Inferred,
    Group::Corrected,
];

/// One kind of write run by the CLI.
struct CliWrite {
    name: &'static str,
    args: Vec<String>,
    /// Output that says a write was committed, and the groups it vouches for.
    reports: Vec<(&'static str, Vec<Group>)>,
    /// Whether running it again reproduces the uninterrupted state exactly (applying a
    /// strategy again stores another version, so that one is only checked to succeed).
    rerun_reaches_after: bool,
}

/// A running `throughline` with its output collected as it comes.
struct Running {
    child: Child,
    out: Vec<JoinHandle<String>>,
}

fn collect(mut from: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = from.read_to_string(&mut s);
        s
    })
}

fn start(cmd: &mut Command) -> Running {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start throughline");
    let out = vec![
        collect(child.stdout.take().expect("stdout")),
        collect(child.stderr.take().expect("stderr")),
    ];
    Running { child, out }
}

/// SIGKILLs it after `delay` unless it ended first; returns whether it was killed and
/// everything it wrote.
fn kill_after(mut r: Running, delay: Duration) -> (bool, String) {
    let deadline = Instant::now() + delay;
    let killed = loop {
        if r.child.try_wait().expect("wait").is_some() {
            break false;
        }
        let now = Instant::now();
        if now >= deadline {
            // Child::kill is SIGKILL on Unix: no handler, no flush, no rollback.
            r.child.kill().expect("kill");
            break true;
        }
        std::thread::sleep((deadline - now).min(Duration::from_millis(2)));
    };
    r.child.wait().expect("reap");
    let out = r
        .out
        .into_iter()
        .map(|h| h.join().expect("output"))
        .collect();
    (killed, out)
}

/// What a campaign found.
#[derive(Debug, Default)]
struct Tally {
    kills: usize,
    finished_first: usize,
    integrity_failures: usize,
    lost_writes: usize,
    half_written: usize,
    next_command_failures: usize,
    failures: Vec<String>,
}

impl Tally {
    fn fail(&mut self, what: String) {
        self.failures.push(what);
    }
}

/// The organisation every CLI write starts from: a strategy, 600 items (imported without
/// aligning, so `align` has work to do), and the files the writes read.
fn base(env: &Env, fake_jira: &str) -> Vec<CliWrite> {
    env.write("strategy.toml", STRATEGY_V1);
    env.write("strategy_v2.toml", STRATEGY_V2);
    env.write("base.csv", &items_csv("PAY", 600));
    env.write("more.csv", &items_csv("OPS", 800));
    let mut review = String::from("key,source,decision,why\n");
    for i in (0..600).step_by(3) {
        let target = ["initiative:checkout", "goal:rely", "off_plan:tech_debt"][i % 3];
        let _ = writeln!(review, "PAY-{i},csv,{target},reviewed");
    }
    env.write("review.csv", &review);
    env.ok(&["strategy", "apply", "strategy.toml", "--quiet"]);
    env.ok(&["import", "csv", "base.csv", "--no-align", "--quiet"]);
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        CliWrite {
            name: "import",
            args: s(&["import", "csv", "more.csv"]),
            reports: vec![
                ("more.csv: 800 read", vec![Group::Import]),
                ("linked explicitly", vec![Group::Import, Group::Explicit]),
            ],
            rerun_reaches_after: true,
        },
        CliWrite {
            name: "align",
            args: s(&["align"]),
            reports: vec![("inferred in", vec![Group::Explicit, Group::Inferred])],
            rerun_reaches_after: true,
        },
        CliWrite {
            name: "strategy apply",
            args: s(&["strategy", "apply", "strategy_v2.toml"]),
            reports: vec![(
                "as strategy version 2",
                vec![Group::Strategy, Group::Explicit, Group::Inferred],
            )],
            rerun_reaches_after: false,
        },
        CliWrite {
            name: "link --file",
            args: s(&["link", "--file", "review.csv"]),
            reports: vec![("review.csv: ", vec![Group::Corrected])],
            rerun_reaches_after: true,
        },
        CliWrite {
            name: "sync",
            args: vec![
                "sync".into(),
                "jira".into(),
                "--url".into(),
                fake_jira.to_string(),
                "--jql".into(),
                "project = SYN".into(),
                "--full".into(),
            ],
            reports: vec![
                ("fetched in", vec![Group::Import]),
                ("linked explicitly", vec![Group::Import, Group::Explicit]),
            ],
            rerun_reaches_after: true,
        },
    ]
}

/// A fake Jira on loopback that answers every search with the same 600 issues in three
/// pages.
fn fake_jira() -> String {
    let page = |p: usize| -> Vec<serde_json::Value> {
        (p * 200..(p + 1) * 200)
            .map(|i| {
                let label = ["checkout", "latency", "", "wallet"][i % 4];
                let labels: &[&str] = if label.is_empty() { &[] } else { &[label] };
                jira_issue(&format!("SYN-{i}"), WORDS[i % 8], labels)
            })
            .collect()
    };
    let (base, _seen) = serve(move |req, _| {
        let p: usize = req
            .param("nextPageToken")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let last = p >= 2;
        let mut body = json!({ "issues": page(p.min(2)), "isLast": last });
        if !last {
            body["nextPageToken"] = json!((p + 1).to_string());
        }
        Reply::json(body)
    });
    base
}

fn cli(env: &Env, db: &Path, args: &[String]) -> Command {
    let mut c = env.cmd();
    c.env("THROUGHLINE_DB", db)
        .env("JIRA_EMAIL", "ana@acme.test")
        .env("JIRA_API_TOKEN", "tok")
        .env_remove("JIRA_TOKEN")
        .args(args);
    c
}

/// Kills each CLI write `per_write` times at random moments and checks what is left.
fn cli_writes(seed: u64, per_write: usize, tally: &mut Tally) {
    let env = Env::new();
    let jira = fake_jira();
    let writes = base(&env, &jira);
    let base_db = env.db();
    let mut rng = Rng(seed | 1);
    for w in &writes {
        // An uninterrupted run gives the state after, and how long the write takes.
        let full_db = env.path(&format!("full-{}.db", w.name.replace(' ', "_")));
        copy_db(&base_db, &full_db);
        let before = state(&full_db);
        let started = Instant::now();
        let out = cli(&env, &full_db, &w.args).output().expect("run");
        let took = started.elapsed();
        assert!(
            out.status.success(),
            "{}: {}",
            w.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let after = state(&full_db);
        let moved: Vec<Group> = ALL_GROUPS
            .into_iter()
            .filter(|&g| group(&before, g) != group(&after, g))
            .collect();
        assert!(!moved.is_empty(), "{} changed nothing", w.name);
        eprintln!(
            "{}: {:.2} s uninterrupted; moves {moved:?}",
            w.name,
            took.as_secs_f64()
        );

        for trial in 0..per_write {
            let delay = took.mul_f64(rng.unit() * 0.7);
            let place = format!("seed {seed}, {} #{trial}, killed after {delay:?}", w.name);
            let db = env.path("trial.db");
            copy_db(&base_db, &db);
            let (killed, said) = kill_after(start(&mut cli(&env, &db, &w.args)), delay);
            if killed {
                tally.kills += 1;
            } else {
                tally.finished_first += 1;
            }
            check_left(&db, &before, &after, &said, &w.reports, &place, tally);
            // The next command: the same write again, which must end where an
            // uninterrupted run ends.
            let again = cli(&env, &db, &w.args).output().expect("run again");
            if !again.status.success() {
                tally.next_command_failures += 1;
                tally.fail(format!(
                    "{place}: the next run failed: {}",
                    String::from_utf8_lossy(&again.stderr)
                ));
            } else if w.rerun_reaches_after && !same_work(&state(&db), &after) {
                tally.next_command_failures += 1;
                tally.fail(format!(
                    "{place}: the next run left {:?}, an uninterrupted one {after:?}",
                    state(&db)
                ));
            }
        }
    }
}

/// Checks what a kill left against the states before and after the write, and against
/// what the command said before it died.
fn check_left(
    db: &Path,
    before: &State,
    after: &State,
    said: &str,
    reports: &[(&str, Vec<Group>)],
    place: &str,
    tally: &mut Tally,
) {
    let ok = integrity(db);
    if ok != "ok" {
        tally.integrity_failures += 1;
        tally.fail(format!("{place}: integrity_check says {ok}"));
        return;
    }
    let left = state(db);
    for g in ALL_GROUPS {
        let now = group(&left, g);
        if now != group(before, g) && now != group(after, g) {
            tally.half_written += 1;
            tally.fail(format!(
                "{place}: {g:?} is {now}, neither before ({}) nor after ({})",
                group(before, g),
                group(after, g)
            ));
        }
    }
    for (marker, groups) in reports {
        if !said.contains(marker) {
            continue;
        }
        for &g in groups {
            if group(&left, g) != group(after, g) {
                tally.lost_writes += 1;
                tally.fail(format!(
                    "{place}: it said {marker:?}, yet {g:?} is {} where the write makes it {}",
                    group(&left, g),
                    group(after, g)
                ));
            }
        }
    }
}

/// One HTTP/1.1 request on loopback; the status code, or `None` when the connection
/// broke (the server was killed).
fn http(addr: &str, method: &str, path: &str, content_type: &str, body: &str) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).ok()?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn free_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").to_string()
}

/// The server's writes: reviewed lists of 20 items each and notes, sent one after another
/// while the server is killed at a random moment. Every list or note answered 2xx must be
/// stored, every list whole or not at all.
fn server_writes(seed: u64, kills: usize, tally: &mut Tally) {
    let env = Env::new();
    env.write("strategy.toml", STRATEGY_V1);
    env.write("base.csv", &items_csv("PAY", 600));
    env.ok(&["strategy", "apply", "strategy.toml", "--quiet"]);
    env.ok(&["import", "csv", "base.csv", "--quiet"]);
    let base_db = env.db();
    let mut rng = Rng((seed ^ 0x5e4e_e4e5) | 1);
    // Trial 0 is not killed until its 60 writes are answered: how long they take.
    let mut took = Duration::ZERO;
    for trial in 0..=kills {
        let db = env.path("served.db");
        copy_db(&base_db, &db);
        let addr = free_port();
        let mut server = start(
            env.cmd()
                .env("THROUGHLINE_DB", &db)
                .args(["serve", "--addr", &addr]),
        );
        // Ready when it answers; it computes its first pages before accepting.
        let ready = Instant::now();
        while http(&addr, "GET", "/api/health", "text/plain", "").is_none() {
            assert!(
                ready.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            if server.child.try_wait().expect("wait").is_some() {
                panic!("the server exited before answering");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let acked = Arc::new(Mutex::new((Vec::<usize>::new(), Vec::<usize>::new())));
        let client = {
            let acked = acked.clone();
            let addr = addr.clone();
            std::thread::spawn(move || {
                for batch in 0..30 {
                    let mut csv = String::from("key,source,decision\n");
                    for i in batch * 20..(batch + 1) * 20 {
                        let _ = writeln!(csv, "PAY-{i},csv,initiative:latency");
                    }
                    match http(&addr, "POST", "/api/items/review", "text/csv", &csv) {
                        Some(200) => acked.lock().expect("lock").0.push(batch),
                        Some(code) => panic!("a reviewed list was refused with {code}"),
                        None => return,
                    }
                    let note = json!({"on": format!("item:csv:PAY-{batch}"),
                        "kind": "why", "text": format!("note {batch}")})
                    .to_string();
                    match http(&addr, "POST", "/api/notes", "application/json", &note) {
                        Some(201) => acked.lock().expect("lock").1.push(batch),
                        Some(code) => panic!("a note was refused with {code}"),
                        None => return,
                    }
                }
            })
        };
        let delay = took.mul_f64(rng.unit() * 0.7);
        let place = format!("seed {seed}, server writes #{trial}, killed after {delay:?}");
        let began = Instant::now();
        let mut client = Some(client);
        if trial == 0 {
            client
                .take()
                .map(JoinHandle::join)
                .expect("client")
                .expect("client");
            took = began.elapsed();
            eprintln!("server writes: {:.2} s uninterrupted", took.as_secs_f64());
        } else {
            std::thread::sleep(delay);
        }
        let killed = trial > 0 && server.child.try_wait().expect("wait").is_none();
        server.child.kill().ok();
        server.child.wait().expect("reap");
        if let Some(client) = client {
            client.join().expect("client");
        }
        for h in server.out.drain(..) {
            let _ = h.join();
        }
        if killed {
            tally.kills += 1;
        } else if trial > 0 {
            tally.finished_first += 1;
        }
        let ok = integrity(&db);
        if ok != "ok" {
            tally.integrity_failures += 1;
            tally.fail(format!("{place}: integrity_check says {ok}"));
            continue;
        }
        let (lists, notes) = acked.lock().expect("lock").clone();
        let conn = rusqlite::Connection::open(&db).expect("open");
        let corrected: Vec<usize> = conn
            .prepare(
                "SELECT i.key FROM links l JOIN items i ON i.id = l.item_id \
                 WHERE l.origin = 'corrected'",
            )
            .expect("prepare")
            .query_map([], |r| r.get::<_, String>(0))
            .expect("query")
            .map(|k| {
                k.expect("key")
                    .trim_start_matches("PAY-")
                    .parse()
                    .expect("a PAY key")
            })
            .collect();
        let mut per_batch = [0usize; 30];
        for i in &corrected {
            per_batch[i / 20] += 1;
        }
        for (batch, &n) in per_batch.iter().enumerate() {
            if n != 0 && n != 20 {
                tally.half_written += 1;
                tally.fail(format!("{place}: list {batch} is stored {n} of 20 rows"));
            }
            if lists.contains(&batch) && n != 20 {
                tally.lost_writes += 1;
                tally.fail(format!(
                    "{place}: list {batch} was answered 200 and is gone"
                ));
            }
        }
        let stored_notes: Vec<String> = conn
            .prepare("SELECT text FROM notes")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .map(|t| t.expect("text"))
            .collect();
        for batch in notes {
            if !stored_notes.contains(&format!("note {batch}")) {
                tally.lost_writes += 1;
                tally.fail(format!(
                    "{place}: note {batch} was answered 201 and is gone"
                ));
            }
        }
        drop(conn);
        // The next command: a reviewed list through the CLI.
        env.write("one.csv", "key,source,decision\nPAY-599,csv,goal:grow\n");
        let next = env
            .cmd()
            .env("THROUGHLINE_DB", &db)
            .args(["link", "--file", "one.csv"])
            .output()
            .expect("run");
        if !next.status.success() {
            tally.next_command_failures += 1;
            tally.fail(format!(
                "{place}: the next command failed: {}",
                String::from_utf8_lossy(&next.stderr)
            ));
        }
    }
}

/// Kills every write `default_per_write` times (`THROUGHLINE_KILLS` overrides) and
/// fails with every problem found.
fn campaign(default_per_write: usize) {
    let seed = std::env::var("THROUGHLINE_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_207);
    let per_write = std::env::var("THROUGHLINE_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_per_write);
    let started = Instant::now();
    let mut tally = Tally::default();
    cli_writes(seed, per_write, &mut tally);
    server_writes(seed, per_write, &mut tally);
    eprintln!(
        "crash safety, seed {seed}: {} kills ({} runs ended before their kill), {} integrity \
         failures, {} committed writes lost, {} half-written, {} next commands failed, in {:.0} s",
        tally.kills,
        tally.finished_first,
        tally.integrity_failures,
        tally.lost_writes,
        tally.half_written,
        tally.next_command_failures,
        started.elapsed().as_secs_f64()
    );
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
    // Kills that all came too late would test nothing: at least four in five must land
    // (issue 24 asks for 100 or more in the campaign: 144 runs make that). The suite's
    // dozen runs share the machine with the other tests, whose load moves how long a run
    // takes after its delay was drawn (9 of 12 landed once beside a release build): half
    // of them is enough to know the kills still land.
    let runs = tally.kills + tally.finished_first;
    let tenths = if runs < 50 { 5 } else { 8 };
    assert!(
        tally.kills * 10 >= runs * tenths,
        "only {} of {runs} runs were killed before they ended",
        tally.kills,
    );
}

#[test]
fn crash_safety_smoke() {
    campaign(2);
}

#[test]
#[ignore = "144 kills take minutes; run by .ci/run with --ignored"]
fn crash_safety_campaign() {
    campaign(24);
}
