//! Reports are kept in the database until the data changes: the second `status` is
//! read back, not made again, and any write (a link, a note) makes it stale.

mod common;

use common::Env;

fn demo() -> Env {
    let env = Env::new();
    env.ok(&["demo", "--quiet"]);
    env
}

/// Overwrites every kept report whose name starts with `command`, so a test can tell a
/// kept report from one made again. Returns how many were overwritten.
fn tamper(env: &Env, command: &str, body: &str) -> usize {
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    conn.execute(
        "UPDATE report_cache SET body = ?1 WHERE name LIKE ?2",
        rusqlite::params![body.as_bytes(), format!("{command} %")],
    )
    .expect("update")
}

#[test]
fn a_report_is_kept_until_the_data_changes() {
    let env = demo();
    let made = env.ok(&["status"]);
    assert!(made.contains("Off plan"), "{made}");
    assert_eq!(tamper(&env, "status", "KEPT\n"), 1, "status was kept");
    assert_eq!(
        env.ok(&["status"]),
        "KEPT\n",
        "the second status is read back"
    );

    // Other arguments or another format are other reports; --no-cache makes it again.
    assert_ne!(env.ok(&["status", "--period", "2026-H2"]), "KEPT\n");
    assert!(env.ok(&["--json", "status"]).starts_with('{'));
    assert_eq!(env.ok(&["status", "--no-cache"]), made);

    // A person's link changes the data, so the status is made again, with it.
    let before = env.json(&["status", "--no-cache"]);
    let key = before["off_plan"]["keys"][0]
        .as_str()
        .expect("an off-plan key");
    let initiative = before["goals"][0]["initiatives"][0]["id"]
        .as_str()
        .expect("an initiative");
    env.ok(&["link", key, &format!("initiative:{initiative}")]);
    let after = env.json(&["status"]);
    let corrected = |s: &serde_json::Value| s["aligned_by_origin"]["corrected"]["items"].as_u64();
    assert_eq!(
        corrected(&after).expect("count"),
        corrected(&before).expect("count") + 1
    );
    let made_again = env.ok(&["status"]);
    assert_ne!(made_again, "KEPT\n");
    assert_ne!(made_again, made, "the link moved an item");

    // So does a note: the brief quotes notes.
    let brief = env.ok(&["brief"]);
    assert_eq!(tamper(&env, "brief", "KEPT BRIEF\n"), 1);
    assert_eq!(env.ok(&["brief"]), "KEPT BRIEF\n");
    env.ok(&[
        "note",
        "add",
        "--on",
        &format!("item:{key}"),
        "--kind",
        "learning",
        "Moving this was right.",
    ]);
    let brief_again = env.ok(&["brief"]);
    assert_ne!(brief_again, "KEPT BRIEF\n");
    assert!(brief_again.starts_with("# Strategy brief"), "{brief}");
}

#[test]
fn every_report_command_is_kept_and_read_back() {
    let env = demo();
    for command in ["status", "brief", "drift", "themes", "allocation"] {
        let made = env.ok(&[command]);
        assert!(!made.is_empty(), "{command} said nothing");
        assert_eq!(tamper(&env, command, "KEPT\n"), 1, "{command} was kept");
        assert_eq!(env.ok(&[command]), "KEPT\n", "{command} was made again");
        assert_eq!(env.ok(&[command, "--no-cache"]), made, "{command}");
    }
}

#[test]
fn a_brief_phrased_by_a_model_is_never_read_back() {
    let env = demo();
    env.ok(&["brief"]);
    assert_eq!(tamper(&env, "brief", "KEPT BRIEF\n"), 1);
    let out = env
        .cmd()
        .args(["brief"])
        .env("THROUGHLINE_LLM_URL", common::fake_llm(1))
        .env("THROUGHLINE_LLM_MODEL", "fake-model")
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.contains("## In short"), "{text}");
    assert!(!text.contains("KEPT BRIEF"));
}

#[test]
fn a_brief_written_to_a_file_is_the_one_printed() {
    let env = demo();
    let printed = env.ok(&["brief"]);
    let file = env.path("brief.md");
    env.ok(&["brief", "--out", file.to_str().expect("path"), "--quiet"]);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), printed);
}
