//! `explain` shows an item as people read it: markup rendered, people masked, cut at a
//! word, with its tracker link; an export without links says how to get them.

mod common;

use common::Env;

fn aloy() -> String {
    serde_json::json!({"startAt": 0, "maxResults": 2, "total": 2, "issues": [
        {"id": "1", "key": "ALOY-479", "fields": {
            "summary": "Migration processing bug",
            "project": {"key": "ALOY", "name": "Alloy"},
            "issuetype": {"name": "Bug"},
            "status": {"name": "Closed", "statusCategory": {"key": "done"}},
            "created": "2013-01-21T18:30:00.000+0000",
            "description": format!(
                "from Ben Hatfield:\r\n\r\nh6. Steps\r\n# Make sure line #16 in {{{{models/book.js}}}} \
                 is commented.\r\n\r\n{{code}}\r\nmigration: '2013'\r\n{{code}}\r\n{}",
                "Table version should be at version two. ".repeat(30)
            )}},
        {"id": "2", "key": "ALOY-1244", "fields": {
            "summary": "Empty the Resources folder, as [~sfeather] asked",
            "project": {"key": "ALOY", "name": "Alloy"},
            "created": "2014-01-21T18:30:00.000+0000",
            "description": ""}},
    ]})
    .to_string()
}

#[test]
fn explain_renders_masks_cuts_and_links() {
    let env = Env::new();
    env.write("ALOY.json", &aloy());
    // Without `self` in the export, the import says how to link items to the tracker.
    let out = env
        .cmd()
        .args(["import", "jira", "ALOY.json", "--no-align"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("2 of 2 items of ALOY.json carry no link to the tracker")
            && said.contains("--base-url"),
        "{said}"
    );
    let shown = env.ok(&["explain", "ALOY-479"]);
    assert!(!shown.contains("  url "), "{shown}");

    env.ok(&[
        "import",
        "jira",
        "ALOY.json",
        "--no-align",
        "--quiet",
        "--base-url",
        "https://jira.appcelerator.org",
    ]);
    let shown = env.ok(&["explain", "ALOY-479"]);
    assert!(
        shown.contains("  url         https://jira.appcelerator.org/browse/ALOY-479"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "\nfrom @someone:\n\nSteps\n1. Make sure line #16 in models/book.js is commented.\n\n\
             migration: '2013'\n\nTable version should be at version two."
        ),
        "{shown}"
    );
    assert!(!shown.contains("Hatfield"), "{shown}");
    // Cut at 600 characters, at a word, with an ellipsis.
    let description = format!(
        "from @someone:{}",
        shown.split("\nfrom @someone:").nth(1).unwrap().trim_end()
    );
    assert!(description.chars().count() <= 600, "{description}");
    let last_word = description
        .strip_suffix('…')
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap();
    assert!(
        ["Table", "version", "should", "be", "at", "two."].contains(&last_word),
        "cut inside a word: {last_word}"
    );
    // A name in a title is masked too.
    let shown = env.ok(&["explain", "ALOY-1244"]);
    assert!(
        shown.starts_with("ALOY-1244 Empty the Resources folder, as @someone asked"),
        "{shown}"
    );
}
