//! Helpers shared by the CLI tests: run the real binary against a real database file.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("t.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write");
        p
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_throughline"));
        c.current_dir(self.dir.path())
            .env("THROUGHLINE_DB", self.db())
            .env_remove("RUST_LOG")
            .env_remove("THROUGHLINE_LOG");
        c
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run");
        assert!(
            out.status.success(),
            "throughline {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf8")
    }

    /// Runs and asserts failure; returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out: Output = self.cmd().args(args).output().expect("run");
        assert!(!out.status.success(), "throughline {args:?} should fail");
        String::from_utf8(out.stderr).expect("utf8")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).expect("json output")
    }
}

/// `../shared/data` from the workspace root, if present.
pub fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    p.is_dir().then_some(p)
}

/// A chat-completions endpoint on loopback that answers every request by citing the
/// first source it was given, plus one uncited sentence that must be filtered out.
/// Returns its base URL; it serves `n` requests and stops.
pub fn fake_llm(n: usize) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for _ in 0..n {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if line.to_ascii_lowercase().starts_with("content-length:") {
                    len = line[15..].trim().parse().unwrap_or(0);
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).ok();
            let req: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let user = req["messages"][1]["content"].as_str().unwrap_or("");
            let first = user
                .split("Sources:\n")
                .nth(1)
                .and_then(|s| s.lines().next())
                .and_then(|l| l.strip_prefix('['))
                .and_then(|l| l.split(']').next())
                .unwrap_or("none");
            let content =
                format!("The evidence points one way [{first}]. Someone should be blamed.");
            let reply = serde_json::json!({
                "choices": [{ "message": { "role": "assistant", "content": content } }]
            })
            .to_string();
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    url
}
