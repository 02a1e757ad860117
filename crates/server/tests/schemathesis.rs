//! The OpenAPI document is the contract: schemathesis (pinned, from PyPI) generates
//! requests from `/api/openapi.json` against a server on loopback with tokens required,
//! once with a token of each role, with every check and every phase (examples, coverage,
//! fuzzing, stateful through the document's links), and the run must end with no failure,
//! no error and no server error.
//!
//! schemathesis is Python, installed by `.ci/run`. Where it is missing the test fails
//! under CI (`CI` set, as CI runs) with the command to install it, and otherwise skips,
//! saying so, so a plain `cargo test` passes on a laptop without Python;
//! `THROUGHLINE_SKIP_SCHEMATHESIS=1` skips it anywhere, on purpose.

mod api_common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use api_common::{seed_demo, start};
use throughline_store::{Role, Store};

/// The version the document is checked with; 3.x and other 4.x releases differ in flags
/// and checks.
const VERSION: &str = "4.32.5";

/// Generated cases per operation and phase: about 1,000 requests per role,
/// two minutes in all on two shared cores.
const MAX_EXAMPLES: &str = "15";

fn install_hint() -> String {
    format!(
        "install it with `python3 -m pip install schemathesis=={VERSION}` (or set \
         THROUGHLINE_SCHEMATHESIS to its executable, as .ci/run does), or set \
         THROUGHLINE_SKIP_SCHEMATHESIS=1 to skip this test"
    )
}

/// The schemathesis executable of the pinned version, or why there is none.
fn schemathesis() -> Result<PathBuf, String> {
    let exe = std::env::var_os("THROUGHLINE_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("schemathesis"));
    let out = Command::new(&exe)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", exe.display()))?;
    let said = String::from_utf8_lossy(&out.stdout);
    if !said.contains(VERSION) {
        return Err(format!(
            "`{}` is {}, not schemathesis {VERSION}",
            exe.display(),
            said.trim()
        ));
    }
    Ok(exe)
}

/// One run's outcome, from schemathesis's JSON report.
struct Run {
    role: &'static str,
    generated: u64,
    seconds: f64,
}

fn run_schemathesis(exe: &Path, base: &str, role: &'static str, token: &str) -> Run {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis");
    let reports = tempfile::tempdir().unwrap();
    let report = reports.path().join("report.json");
    let started = Instant::now();
    let out = Command::new(exe)
        .current_dir(reports.path())
        .env("SCHEMATHESIS_HOOKS", here.join("hooks.py"))
        .arg("--config-file")
        .arg(here.join("schemathesis.toml"))
        .args(["run", &format!("{base}/api/openapi.json")])
        .args(["-H", &format!("Authorization: Bearer {token}")])
        // No `--checks`: every built-in check is on by default, and a check named on the
        // command line would override the one exception in schemathesis.toml.
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--max-examples", MAX_EXAMPLES])
        // A fixed seed: the same cases on every run, so a failure reproduces.
        .args(["--seed", "24"])
        // One worker: hypothesis describes strategies by parsing source with `ast`, which
        // is not thread-safe on CPython 3.11 ("AST constructor recursion depth mismatch").
        .args(["--workers", "1"])
        .args(["--report", "json", "--report-json-path"])
        .arg(&report)
        .output()
        .expect("run schemathesis");
    let seconds = started.elapsed().as_secs_f64();
    let said = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&report)
        .unwrap_or_else(|e| panic!("{role}: no report ({e}):\n{said}"));
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(
        out.status.success(),
        "{role}: schemathesis found problems:\n{said}"
    );
    assert_eq!(r["failures"], serde_json::json!([]), "{role}:\n{said}");
    assert_eq!(r["errors"], serde_json::json!([]), "{role}:\n{said}");
    assert_eq!(r["complete"], true, "{role}:\n{said}");
    assert_eq!(r["operations"]["errored"], 0, "{role}:\n{said}");
    // Every phase ran (none was skipped for want of data or errored).
    for phase in ["examples", "coverage", "fuzzing", "stateful"] {
        assert_eq!(
            r["phases"][phase]["status"], "success",
            "{role}: phase {phase}: {}\n{said}",
            r["phases"][phase]
        );
    }
    let generated = r["test_cases"]["generated"].as_u64().unwrap_or(0);
    assert!(generated > 100, "{role}: only {generated} cases:\n{said}");
    Run {
        role,
        generated,
        seconds,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_does_what_its_document_says_for_every_role() {
    let exe = match schemathesis() {
        Ok(exe) => exe,
        Err(why) if std::env::var_os("THROUGHLINE_SKIP_SCHEMATHESIS").is_some() => {
            eprintln!("skipped (THROUGHLINE_SKIP_SCHEMATHESIS is set): {why}");
            return;
        }
        Err(why) if std::env::var_os("CI").is_some() => {
            panic!("schemathesis is needed under CI: {why}; {}", install_hint())
        }
        Err(why) => {
            eprintln!(
                "SKIPPED the API contract test (CI is not set): {why}; {}",
                install_hint()
            );
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 300);
    let tokens: Vec<(&'static str, String)> = {
        let mut store = Store::open(&db).unwrap();
        [
            ("viewer", Role::Viewer),
            ("contributor", Role::Contributor),
            ("admin", Role::Admin),
        ]
        .into_iter()
        .map(|(name, role)| {
            let t = store
                .create_token(role, Some("Payments"), Some(name))
                .unwrap();
            (name, t.secret)
        })
        .collect()
    };
    let server = start(&db, true).await;
    let base = server.url("");
    // Lowest role first: the admin's run revokes tokens, and may revoke the others'.
    let runs = tokio::task::spawn_blocking(move || {
        tokens
            .iter()
            .map(|(role, token)| run_schemathesis(&exe, &base, role, token))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for r in &runs {
        eprintln!(
            "schemathesis {VERSION}, {}: {} cases, {:.0} s, 0 failures",
            r.role, r.generated, r.seconds
        );
    }
}
