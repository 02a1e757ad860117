//! The reference MCP client, the MCP Inspector in its CLI mode (npm
//! `@modelcontextprotocol/inspector`), against `throughline mcp` over stdio and `serve`'s
//! `/mcp` over HTTP on loopback. Set `THROUGHLINE_MCP_INSPECTOR` to its `mcp-inspector`
//! binary (`.ci/run` installs it); without it the test fails when `CI` is set and
//! otherwise skips, saying so, so `cargo test` passes on a laptop without Node.
//!
//! 0.15.0 is the newest release that runs on Node 20; it sends no custom headers, so over
//! HTTP its token travels in the address (`/mcp?access_token=`, RFC 6750 section 2.3),
//! which `serve` accepts on `/mcp` only.

mod common;

use std::process::{Child, Command, Stdio};

use common::Env;
use serde_json::Value;

fn inspector() -> Option<String> {
    match std::env::var("THROUGHLINE_MCP_INSPECTOR") {
        Ok(p) if !p.trim().is_empty() => Some(p),
        _ if std::env::var_os("CI").is_some() => {
            panic!("CI is set but THROUGHLINE_MCP_INSPECTOR is not (see .ci/run)")
        }
        _ => None,
    }
}

/// Runs the Inspector's CLI with `args`: whether it succeeded, and what it printed on
/// stdout and stderr.
fn attempt(bin: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(bin)
        .arg("--cli")
        .args(args)
        .output()
        .expect("run the MCP Inspector");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the Inspector's CLI with `args` and parses what it prints.
fn run(bin: &str, args: &[&str]) -> Value {
    let (ok, stdout, stderr) = attempt(bin, args);
    assert!(ok, "mcp-inspector {args:?} failed:\n{stdout}\n{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// Calls one tool with `key=value` arguments; its answer's text, which must not be an
/// error.
fn call(bin: &str, target: &[&str], tool: &str, args: &[&str]) -> String {
    let answer = run(bin, &call_args(target, tool, args));
    assert_ne!(answer["isError"], true, "{tool} {args:?}: {answer}");
    answer["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{tool}: no text in {answer}"))
        .to_string()
}

fn call_args<'a>(target: &[&'a str], tool: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = target.to_vec();
    all.extend(["--method", "tools/call", "--tool-name", tool]);
    if !args.is_empty() {
        all.push("--tool-arg");
        all.extend(args);
    }
    all
}

/// The ten read tools, with arguments that make each answer on the demo; `item` is
/// `key=KEY`.
fn read_calls(item: &str) -> Vec<(&'static str, Vec<&str>)> {
    vec![
        ("status", vec!["period=all"]),
        ("items", vec!["period=all"]),
        ("explain", vec![item]),
        ("ask", vec!["question=what work is off plan and why?"]),
        ("brief", vec!["period=all"]),
        ("drift", vec!["period=all"]),
        ("themes", vec!["period=all"]),
        ("metrics", vec![]),
        ("strategy", vec![]),
        ("notes", vec![]),
    ]
}

/// Every tool the server offers: the read tools, then the write tools adding a note,
/// confirming an item's link and moving it to another initiative.
fn call_every_tool(bin: &str, target: &[&str], key: &str, initiative: &str) {
    let item = format!("key={key}");
    let on = format!("on=item:{key}");
    let to = format!("target=initiative:{initiative}");
    let mut calls = read_calls(&item);
    calls.extend([
        (
            "add_note",
            vec![on.as_str(), "text=Picked up for the launch review"],
        ),
        ("confirm_link", vec![item.as_str()]),
        (
            "correct_link",
            vec![item.as_str(), to.as_str(), "reason=the review said so"],
        ),
    ]);
    assert_eq!(calls.len(), 13);
    for (tool, args) in &calls {
        let text = call(bin, target, tool, args);
        assert!(!text.trim().is_empty(), "{tool} answered nothing");
    }
    let notes = call(bin, target, "notes", &[&on]);
    assert!(notes.contains("Picked up for the launch review"), "{notes}");
    let explained = call(bin, target, "explain", &[&item]);
    assert!(explained.contains(initiative), "{explained}");
}

fn names(list: &Value) -> Vec<String> {
    let mut n: Vec<String> = list["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
        .collect();
    n.sort();
    n
}

/// Stops the server when the test ends, however it ends.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_reference_inspector_lists_and_calls_every_tool_over_stdio_and_http() {
    let Some(bin) = inspector() else {
        eprintln!("skipped: set THROUGHLINE_MCP_INSPECTOR to the mcp-inspector binary");
        return;
    };
    let env = Env::new();
    env.ok(&["demo", "--quiet", "--items", "300"]);
    let cli_total = env.json(&["status"])["total"].clone();
    let listed = env.json(&["items", "--limit", "2"]);
    let key = listed["items"][0]["key"]
        .as_str()
        .expect("an item")
        .to_string();
    let other = listed["items"][1]["key"]
        .as_str()
        .expect("two items")
        .to_string();
    let strategy = env.json(&["strategy", "show"]);
    let initiatives = strategy["strategy"]["initiatives"]
        .as_array()
        .expect("initiatives");
    let initiative = |n: usize| initiatives[n]["id"].as_str().expect("an id").to_string();
    let exe = env!("CARGO_BIN_EXE_throughline");
    let db = env.db();
    let db = db.to_str().expect("a UTF-8 temp path");

    // Over stdio, as the local user.
    let stdio = [exe, "--db", db, "mcp"];
    let mut list_args = stdio.to_vec();
    list_args.extend(["--method", "tools/list"]);
    let list = run(&bin, &list_args);
    assert_eq!(names(&list).len(), 13, "{list}");
    let status = call(&bin, &stdio, "status", &["period=all"]);
    let report: Value = serde_json::from_str(&status).expect("status is JSON");
    assert_eq!(report["total"], cli_total);
    call_every_tool(&bin, &stdio, &key, &initiative(0));

    // Over HTTP: `serve --auth` on a free loopback port, so every call needs a token.
    let viewer = env
        .ok(&["token", "create", "--role", "viewer"])
        .trim()
        .to_string();
    let contributor = env
        .ok(&[
            "token",
            "create",
            "--role",
            "contributor",
            "--team",
            "Payments",
        ])
        .trim()
        .to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Serving(
        Command::new(exe)
            .args(["--db", db, "serve", "--auth", "--addr", &addr])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve"),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "serve did not listen on {addr}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // No token: refused before any tool is listed.
    let bare = format!("http://{addr}/mcp");
    let (ok, stdout, stderr) = attempt(&bin, &[&bare, "--method", "tools/list"]);
    assert!(!ok, "listed without a token:\n{stdout}");
    assert!(
        format!("{stdout}{stderr}").contains("a token is required"),
        "{stdout}\n{stderr}"
    );

    // A viewer is offered the ten read tools, reads everything and writes nothing.
    let as_viewer = format!("{bare}?access_token={viewer}");
    let other_item = format!("key={other}");
    let list = run(&bin, &[&as_viewer, "--method", "tools/list"]);
    let offered = names(&list);
    assert_eq!(offered.len(), 10, "{list}");
    assert!(!offered.iter().any(|t| t == "add_note"), "{list}");
    let status = call(&bin, &[&as_viewer], "status", &["period=all"]);
    let report: Value = serde_json::from_str(&status).expect("status is JSON");
    assert_eq!(report["total"], cli_total);
    for (tool, args) in read_calls(&other_item) {
        call(&bin, &[&as_viewer], tool, &args);
    }
    let on = format!("on=item:{other}");
    let refused = run(
        &bin,
        &call_args(&[&as_viewer], "add_note", &[&on, "text=A viewer's note"]),
    );
    assert_eq!(refused["isError"], true, "{refused}");

    // A contributor is offered all thirteen and writes, under the token's team.
    let as_contributor = format!("{bare}?access_token={contributor}");
    let list = run(&bin, &[&as_contributor, "--method", "tools/list"]);
    assert_eq!(names(&list).len(), 13, "{list}");
    call_every_tool(&bin, &[&as_contributor], &other, &initiative(1));
    let notes = env.json(&["note", "list", "--on", &format!("item:{other}")]);
    assert!(
        notes.to_string().contains("Payments"),
        "the contributor's team is recorded: {notes}"
    );
}
