//! Teams for Jira JSON, which names none: `import --team-from` and the strategy's
//! `[[team]]` tables, through the real binary and a real database file.

mod common;

use common::Env;

/// A Jira Server search page: `(key, components, labels)`, no team field.
fn jira_page(issues: &[(&str, &[&str], &[&str])]) -> String {
    let issues: Vec<serde_json::Value> = issues
        .iter()
        .map(|(key, components, labels)| {
            let project = key.rsplit_once('-').unwrap().0;
            serde_json::json!({
                "id": "1",
                "key": key,
                "fields": {
                    "summary": format!("work {key}"),
                    "issuetype": {"name": "Bug"},
                    "project": {"key": project, "name": project},
                    "status": {"name": "Open", "statusCategory": {"key": "new"}},
                    "created": "2017-05-01T10:00:00.000+0000",
                    "labels": labels,
                    "components": components.iter().map(|c| serde_json::json!({"name": c})).collect::<Vec<_>>(),
                }
            })
        })
        .collect();
    serde_json::json!({"startAt": 0, "maxResults": issues.len(), "total": issues.len(), "issues": issues})
        .to_string()
}

fn teams(env: &Env) -> Vec<(String, u64)> {
    let status = env.json(&["status", "--no-keys"]);
    let mut v: Vec<(String, u64)> = status["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["team"].as_str().unwrap().to_string(),
                t["items"].as_u64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn pairs(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

const STRATEGY: &str = r#"
[[goal]]
id = "g"
title = "Ship the SDK"

[[initiative]]
id = "android"
goals = ["g"]
title = "Android"
components = ["Android"]
"#;

#[test]
fn the_strategys_teams_map_projects_and_components_of_work_with_none() {
    let env = Env::new();
    let mut timob: Vec<(String, Vec<&str>)> = (1..=6)
        .map(|n| (format!("TIMOB-{n}"), vec!["Android"]))
        .collect();
    timob.extend((7..=10).map(|n| (format!("TIMOB-{n}"), vec!["Windows"])));
    let timob: Vec<(&str, &[&str], &[&str])> = timob
        .iter()
        .map(|(k, c)| (k.as_str(), c.as_slice(), &[][..]))
        .collect();
    env.write("TIMOB.json", &jira_page(&timob));
    let aloy: Vec<String> = (1..=5).map(|n| format!("ALOY-{n}")).collect();
    let aloy: Vec<(&str, &[&str], &[&str])> = aloy
        .iter()
        .map(|k| (k.as_str(), &["XML"][..], &[][..]))
        .collect();
    env.write("ALOY.json", &jira_page(&aloy));
    env.ok(&["import", "jira", "TIMOB.json", "ALOY.json", "--quiet"]);
    // No team anywhere: every item is "(no team)".
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml", "--quiet"]);
    assert_eq!(teams(&env), pairs(&[("(no team)", 15)]));

    // Teams in the strategy: applied to the work already stored.
    let with_teams = format!(
        "{STRATEGY}\n[[team]]\nname = \"Alloy\"\nprojects = [\"ALOY\"]\n\n\
         [[team]]\nname = \"Mobile\"\ncomponents = [\"android\"]\nprojects = [\"TIMOB\"]\n"
    );
    env.write("s2.toml", &with_teams);
    let checked = env.ok(&["strategy", "check", "s2.toml"]);
    assert!(checked.contains("1 initiative, 2 teams"), "{checked}");
    let applied = env.json(&["strategy", "apply", "s2.toml", "--quiet"]);
    assert_eq!(applied["items_given_a_team"], 15);
    assert_eq!(teams(&env), pairs(&[("Alloy", 5), ("Mobile", 10)]));
    let shown = env.ok(&["strategy", "show"]);
    assert!(
        shown.contains("Team Mobile: projects TIMOB; components android"),
        "{shown}"
    );
    // The items list filters by the mapped team.
    let alloy = env.json(&["items", "--team", "Alloy"]);
    assert_eq!(alloy["total"], 5, "{alloy}");

    // New work gets its team as it is imported.
    env.write(
        "MORE.json",
        &jira_page(&[("ALOY-6", &[], &[]), ("MOD-1", &["Android"], &[])]),
    );
    env.ok(&["import", "jira", "MORE.json", "--quiet"]);
    assert_eq!(teams(&env), pairs(&[("Alloy", 6), ("Mobile", 11)]));

    // A strategy without the teams takes them back.
    env.ok(&["strategy", "apply", "s.toml", "--quiet"]);
    assert_eq!(teams(&env), pairs(&[("(no team)", 17)]));
}

#[test]
fn import_team_from_gives_jira_json_teams_and_the_strategy_fills_the_rest() {
    let env = Env::new();
    env.write(
        "MOD.json",
        &jira_page(&[
            ("MOD-1", &["Map"], &["team-maps"]),
            ("MOD-2", &["Map"], &["team-maps", "ios"]),
            ("MOD-3", &["Facebook"], &["team-social"]),
            ("MOD-4", &["BLE"], &[]),
        ]),
    );
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml", "--quiet"]);
    env.ok(&[
        "import",
        "jira",
        "MOD.json",
        "--team-from",
        "label:team-",
        "--quiet",
    ]);
    // The label's rest is the team; an item without such a label has none.
    assert_eq!(
        teams(&env),
        pairs(&[("(no team)", 1), ("maps", 2), ("social", 1)])
    );
    // The strategy's teams fill only what the import left without one.
    env.write(
        "s2.toml",
        &format!("{STRATEGY}\n[[team]]\nname = \"Modules\"\nprojects = [\"MOD\"]\n"),
    );
    env.ok(&["strategy", "apply", "s2.toml", "--quiet"]);
    assert_eq!(
        teams(&env),
        pairs(&[("Modules", 1), ("maps", 2), ("social", 1)])
    );
    // From the project, on a fresh database.
    let env2 = Env::new();
    env2.write(
        "MOD.json",
        &std::fs::read_to_string(env.path("MOD.json")).unwrap(),
    );
    env2.ok(&[
        "import",
        "jira",
        "MOD.json",
        "--team-from",
        "project",
        "--quiet",
    ]);
    env2.write("s.toml", STRATEGY);
    env2.ok(&["strategy", "apply", "s.toml", "--quiet"]);
    assert_eq!(teams(&env2), pairs(&[("MOD", 4)]));
    // A bad source is refused before anything is read.
    let err = env2.fails(&["import", "jira", "MOD.json", "--team-from", "reporter"]);
    assert!(err.contains("label:PREFIX"), "{err}");
}
