//! The reference MCP client, the MCP Inspector in its CLI mode (npm
//! `@modelcontextprotocol/inspector`), against `throughline mcp` over stdio and `serve`'s
//! `/mcp` over HTTP on loopback. Set `THROUGHLINE_MCP_INSPECTOR` to its `mcp-inspector`
//! binary (`.ci/run` installs it); without it the test fails when `CI` is set and
//! otherwise skips, saying so, so `cargo test` passes on a laptop without Node.
//!
//! 0.15.0 is the newest release that runs on Node 20; it sends no custom headers, so the
//! HTTP run is without tokens (roles over HTTP are `throughline-server`'s `mcp_http`).

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

/// Runs the Inspector's CLI with `args` and parses what it prints.
fn run(bin: &str, args: &[&str]) -> Value {
    let out = Command::new(bin)
        .arg("--cli")
        .args(args)
        .output()
        .expect("run the MCP Inspector");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mcp-inspector {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
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
fn the_reference_inspector_lists_and_calls_the_tools() {
    let Some(bin) = inspector() else {
        eprintln!("skipped: set THROUGHLINE_MCP_INSPECTOR to the mcp-inspector binary");
        return;
    };
    let env = Env::new();
    env.ok(&["demo", "--quiet", "--items", "300"]);
    let cli_total = env.json(&["status"])["total"].clone();
    let exe = env!("CARGO_BIN_EXE_throughline");
    let db = env.db();
    let db = db.to_str().expect("a UTF-8 temp path");

    let list = run(&bin, &[exe, "--db", db, "mcp", "--method", "tools/list"]);
    assert_eq!(names(&list).len(), 13, "{list}");
    let status = run(
        &bin,
        &[
            exe,
            "--db",
            db,
            "mcp",
            "--method",
            "tools/call",
            "--tool-name",
            "status",
            "--tool-arg",
            "period=all",
        ],
    );
    let text = status["content"][0]["text"]
        .as_str()
        .expect("a text answer");
    let report: Value = serde_json::from_str(text).expect("status is JSON");
    assert_eq!(report["total"], cli_total);

    // `serve` on a free loopback port, without tokens.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Serving(
        Command::new(exe)
            .args(["--db", db, "serve", "--addr", &addr])
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
    let url = format!("http://{addr}/mcp");
    let list = run(&bin, &[&url, "--method", "tools/list"]);
    assert_eq!(names(&list).len(), 13, "{list}");
}
