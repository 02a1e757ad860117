//! With an OpenAI-compatible endpoint configured, `ask` and `brief` are phrased by the
//! model, and only claims citing the evidence survive. The endpoint is a fake on loopback.

mod common;

use common::{Env, fake_llm};

#[test]
fn ask_and_brief_are_phrased_with_citations_when_an_endpoint_is_set() {
    let env = Env::new();
    env.ok(&["demo", "--quiet"]);
    let url = fake_llm(2);

    let out = env
        .cmd()
        .args(["ask", "why is payments off plan?"])
        .env("THROUGHLINE_LLM_URL", &url)
        .env("THROUGHLINE_LLM_MODEL", "fake-model")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("The evidence points one way ["), "{text}");
    assert!(
        !text.contains("blamed"),
        "uncited sentences are dropped:\n{text}"
    );
    assert!(text.contains("phrased by fake-model"), "{text}");

    let out = env
        .cmd()
        .args(["brief", "--period", "2026-Q3"])
        .env("THROUGHLINE_LLM_URL", &url)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(md.contains("## In short"), "{md}");
    assert!(md.contains("[[evidence-1](#evidence-1)]"), "{md}");
    assert!(
        md.contains("## What we are executing"),
        "the extractive brief follows:\n{md}"
    );
}

#[test]
fn offline_is_the_default_and_a_dead_endpoint_falls_back() {
    let env = Env::new();
    env.ok(&["demo", "--quiet"]);
    let offline = env.ok(&["ask", "what are we executing?"]);
    assert!(!offline.contains("phrased by"));
    // Nothing listens on this port: a warning, then the offline answer.
    let out = env
        .cmd()
        .args(["ask", "what are we executing?"])
        .env("THROUGHLINE_LLM_URL", "http://127.0.0.1:9/v1")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), offline);
}
