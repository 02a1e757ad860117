//! Importing through the real binary: counts, idempotence, rollback, and a kill mid-import.

mod common;

use std::io::Write;
use std::time::Duration;

use common::{Env, shared_data};

const CSV: &str = "key,title,description,labels,team,estimate,created\n\
PAY-1,Saved cards,Store cards for reuse,checkout,Payments,3,2026-07-01\n\
PAY-2,Apple Pay,Wallet support,checkout,Payments,5,2026-07-02\n\
CORE-1,Upgrade Postgres,Maintenance,,Core,2,2026-07-03\n";

const STRATEGY: &str = "[[goal]]\nid = \"grow\"\ntitle = \"Grow\"\n\n[[initiative]]\nid = \"checkout\"\ngoals = [\"grow\"]\ntitle = \"Checkout\"\nlabels = [\"checkout\"]\n";

/// The importers' own test files.
fn ingest_fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures")
}

/// The effective link of the item `key`, listed with `items --text` and checked to come
/// from `source`.
fn link_of(env: &Env, source: &str, key: &str) -> serde_json::Value {
    let found = env.json(&["items", "--text", key]);
    let row = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("{key} not listed: {found}"))
        .clone();
    assert_eq!(row["source"], source, "{row}");
    row["link"].clone()
}

/// Items an `import --json` answer says it inserted, over all its files.
fn inserted(r: &serde_json::Value) -> u64 {
    r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["inserted"].as_u64().unwrap())
        .sum()
}

/// The paths of the importers' fixtures named, as arguments.
fn fixture_args(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|f| ingest_fixtures().join(f).display().to_string())
        .collect()
}

fn count(env: &Env) -> u64 {
    env.json(&["items", "--limit", "0"])["total"]
        .as_u64()
        .unwrap()
}

#[test]
fn csv_import_links_and_reimport_is_idempotent() {
    // Before any strategy, an import stores the work and says why nothing is aligned.
    let bare = Env::new();
    bare.write("t.csv", CSV);
    let out = bare
        .cmd()
        .args(["import", "csv", "t.csv"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("no strategy applied yet"), "{said}");
    assert!(!said.contains("0 of 0"), "{said}");
    assert_eq!(count(&bare), 3);

    let env = Env::new();
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    env.write("t.csv", CSV);
    let r = env.json(&["import", "csv", "t.csv", "--no-align"]);
    assert_eq!(r["files"][0]["inserted"], 3);
    assert!(r["inferred"].is_null());
    assert_eq!(r["links"]["explicit"], 2);
    let r = env.json(&["import", "csv", "t.csv", "--no-align"]);
    assert_eq!(r["files"][0]["unchanged"], 3);
    assert_eq!(count(&env), 3);

    env.write(
        "t.csv",
        &CSV.replace("Apple Pay", "Apple Pay and Google Pay"),
    );
    let r = env.json(&["import", "csv", "t.csv", "--no-align"]);
    assert_eq!(r["files"][0]["updated"], 1);
    assert_eq!(count(&env), 3);

    let status = env.json(&["status"]);
    assert_eq!(
        status["aligned"]["keys"],
        serde_json::json!(["PAY-1", "PAY-2"])
    );
    assert_eq!(status["unlinked"]["keys"], serde_json::json!(["CORE-1"]));
    let listed = env.json(&["items", "--goal", "grow"]);
    assert_eq!(listed["total"], 2);
}

#[test]
fn a_fresh_export_with_prune_removes_what_the_last_one_had_and_this_one_lacks() {
    let env = Env::new();
    env.write("t.csv", CSV);
    env.write("other.csv", "key,title\nOPS-1,Rotate keys\n");
    env.ok(&["import", "csv", "t.csv", "other.csv"]);
    assert_eq!(count(&env), 4);
    // The next export of the same file lost PAY-2 (deleted in the tracker).
    env.write(
        "t.csv",
        &CSV.lines()
            .filter(|l| !l.starts_with("PAY-2"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    // Without --prune nothing goes.
    env.ok(&["import", "csv", "t.csv"]);
    assert_eq!(count(&env), 4);
    let r = env.json(&["import", "csv", "t.csv", "--prune"]);
    assert_eq!(r["files"][0]["removed"], 1, "{r:#}");
    assert_eq!(
        r["files"][0]["removed_keys"],
        serde_json::json!(["csv:PAY-2"])
    );
    // Another file's items stay, and so does everything else of this one.
    assert_eq!(count(&env), 3);
    let said = env.fails(&["explain", "PAY-2"]);
    assert!(said.contains("no item `PAY-2`"), "{said}");
    env.ok(&["explain", "OPS-1"]);
}

#[test]
fn a_bad_record_names_file_line_and_field_and_stores_nothing() {
    let env = Env::new();
    env.write("good.csv", CSV);
    env.ok(&["import", "csv", "good.csv"]);
    let bad = format!(
        "{CSV}PAY-3,Refunds,x,checkout,Payments,3,2026-07-04\nPAY-4,Broken,x,,Payments,2,not-a-date\n"
    );
    env.write("bad.csv", &bad);
    let err = env.fails(&["import", "csv", "bad.csv"]);
    assert!(err.contains("bad.csv"), "{err}");
    assert!(err.contains("line 6"), "{err}");
    assert!(err.contains("created"), "{err}");
    assert_eq!(count(&env), 3, "PAY-3 from the bad file must not be stored");

    env.write(
        "trunc.json",
        "{\"issues\": [{\"key\": \"X-1\", \"fields\": {\"summary\": \"a\"",
    );
    let err = env.fails(&["import", "jira", "trunc.json"]);
    assert!(err.contains("trunc.json"), "{err}");
    assert_eq!(count(&env), 3);
}

#[test]
fn killing_an_import_midway_leaves_the_database_as_it_was() {
    let env = Env::new();
    env.write("good.csv", CSV);
    env.ok(&["import", "csv", "good.csv"]);
    // A file big enough that the import is still running when it is killed.
    let path = env.path("big.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "key,title,description,team").unwrap();
    for i in 0..400_000 {
        writeln!(f, "BIG-{i},Item {i},Some words about item {i},Data").unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let mut child = env
        .cmd()
        .args(["import", "csv", "big.csv", "--quiet"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let finished_early = child.try_wait().unwrap().is_some();
    child.kill().ok();
    child.wait().unwrap();
    let n = count(&env);
    if finished_early {
        // A very fast machine finished first; then everything must be there.
        assert_eq!(n, 400_003);
    } else {
        assert_eq!(n, 3, "a killed import must leave exactly the earlier state");
    }
    // And the database still takes writes.
    env.write("more.csv", "key,title\nNEW-1,After the crash\n");
    env.ok(&["import", "csv", "more.csv"]);
}

#[test]
fn real_storypoints_and_iceberg_exports_import_with_exact_counts() {
    let Some(data) = shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let env = Env::new();
    let dir = data.join("storypoints");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "csv").then(|| p.display().to_string())
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 16);
    let mut args = vec!["import", "csv", "--quiet"];
    args.extend(files.iter().map(String::as_str));
    let r = env.json(&args);
    assert_eq!(inserted(&r), 23_313);

    let iceberg = data.join("iceberg/commits.jsonl").display().to_string();
    let r = env.json(&[
        "import",
        "csv",
        &iceberg,
        "--source",
        "iceberg",
        "--map",
        "labels=components",
        "--quiet",
    ]);
    assert_eq!(r["files"][0]["inserted"], 7_881);
    assert_eq!(count(&env), 23_313 + 7_881);
    // Re-import changes nothing.
    let r = env.json(&[
        "import",
        "csv",
        &iceberg,
        "--source",
        "iceberg",
        "--map",
        "labels=components",
        "--quiet",
    ]);
    assert_eq!(r["files"][0]["unchanged"], 7_881);
}

#[test]
fn a_key_twice_in_one_csv_is_stored_once_and_said() {
    let env = Env::new();
    env.write("dup.csv", "key,title\nA-1,first\nA-2,other\nA-1,second\n");
    let out = env
        .cmd()
        .args(["import", "csv", "dup.csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "warning: dup.csv: 1 item repeats a key already read in this file; the later \
             record replaces the earlier one: A-1 (line 4, first on line 2)"
        ),
        "{err}"
    );
    assert_eq!(count(&env), 2);
    let title = env.json(&["items", "--limit", "5"]);
    assert!(title.to_string().contains("second"), "{title}");
    assert!(!title.to_string().contains("\"first\""), "{title}");
}

#[test]
fn every_appcelerator_jira_file_imports_with_a_warning_for_empty_summaries() {
    let Some(data) = shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let env = Env::new();
    let files: Vec<String> = ["AC", "ALOY", "DAEMON", "MOD", "TIMOB"]
        .iter()
        .map(|p| {
            data.join(format!("appcelerator/{p}.json"))
                .display()
                .to_string()
        })
        .collect();
    let mut args = vec!["import", "jira", "--no-align", "--quiet"];
    args.extend(files.iter().map(String::as_str));
    let r = env.json(&args);
    let per_file: Vec<u64> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["inserted"].as_u64().unwrap())
        .collect();
    assert_eq!(per_file, [4503, 1499, 317, 367, 22371]);
    // `items` lists work, not the 134 epics that hold it (counted with Python).
    assert_eq!(count(&env), 29_057 - 134);
    let warnings = &r["files"][0]["warnings"];
    assert_eq!(warnings.as_array().map(Vec::len), Some(1), "{warnings}");
    let w = warnings[0].as_str().unwrap();
    assert!(
        w.starts_with("2 items with an empty title")
            && w.contains("AC-523")
            && w.contains("AC-2241"),
        "{w}"
    );
    for f in &r["files"].as_array().unwrap()[1..] {
        assert!(f.get("warnings").is_none(), "{f}");
    }
    // Said on the terminal too, naming the file.
    let out = env
        .cmd()
        .args(["import", "jira", "--no-align", &files[0]])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("AC.json: 2 items with an empty title") && err.contains("AC-523 (record"),
        "{err}"
    );
}

/// One initiative selecting the GitLab fixtures' top epic, `my-group&4`.
const GITLAB_TOP_EPIC_STRATEGY: &str = "[[goal]]\nid = \"grow\"\ntitle = \"Grow\"\n\n\
    [[initiative]]\nid = \"checkout\"\ngoals = [\"grow\"]\ntitle = \"Checkout\"\n\
    epics = [\"my-group&4\"]\n";

#[test]
fn gitlab_epics_and_issues_roll_up_to_the_initiative_that_selects_the_top_epic() {
    let env = Env::new();
    env.write("s.toml", GITLAB_TOP_EPIC_STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    let files = fixture_args(&[
        "gitlab_rest_epics.json",
        "gitlab_rest_issues_pages.json",
        "glab_issue_list.json",
    ]);
    let mut args = vec!["import", "gitlab"];
    args.extend(files.iter().map(String::as_str));
    let r = env.json(&args);
    assert_eq!(inserted(&r), 5, "{r}");
    // The issue sits in epic &5, which sits under &4: the selector of &4 takes it.
    let item = env.json(&["items", "--text", "my-group/my-project#6"]);
    let link = &item["items"][0]["link"];
    assert_eq!(link["target"]["id"], "checkout", "{item}");
    assert_eq!(link["origin"], "explicit", "{item}");
    assert_eq!(item["items"][0]["source"], "gitlab", "{item}");
}

#[test]
fn gitlab_work_items_roll_up_task_issue_and_epic_to_the_initiative_of_the_top_epic() {
    let fixtures = ingest_fixtures();
    let env = Env::new();
    env.write("s.toml", GITLAB_TOP_EPIC_STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    let work_items = fixtures
        .join("gitlab_work_items_pages.json")
        .display()
        .to_string();
    // The format is told from the file: GraphQL work items are GitLab's. Without
    // inference, only the selectors link.
    let r = env.json(&["import", "auto", &work_items, "--no-align"]);
    assert_eq!(r["files"][0]["format"], "gitlab-json", "{r}");
    assert_eq!(r["files"][0]["inserted"], 5, "{r}");

    let link_of = |key: &str| link_of(&env, "gitlab", key);
    // Task under issue under epic &5 under the selected epic &4.
    for key in ["my-group/my-project#6", "my-group/my-project#7"] {
        let link = link_of(key);
        assert_eq!(link["target"]["id"], "checkout", "{key}: {link}");
        assert_eq!(link["origin"], "explicit", "{key}: {link}");
    }
    assert!(link_of("my-group/other#14").is_null());

    // REST exports of the same epics and issues are the same items: nothing new but the
    // one REST has that the work items do not (none), and the links stand.
    let rest = fixture_args(&["gitlab_rest_epics.json", "gitlab_rest_issues_pages.json"]);
    let r = env.json(&["import", "gitlab", &rest[0], &rest[1], "--no-align"]);
    assert_eq!(inserted(&r), 0, "{r}");
    assert_eq!(link_of("my-group/my-project#7")["target"]["id"], "checkout");
}

#[test]
fn azure_devops_work_items_roll_up_through_their_epic_and_by_area_path() {
    let fixtures = ingest_fixtures();
    let env = Env::new();
    env.write(
        "s.toml",
        "[[goal]]\nid = \"grow\"\ntitle = \"Grow\"\n\n[[initiative]]\nid = \"checkout\"\n\
         goals = [\"grow\"]\ntitle = \"Checkout\"\nepics = [\"Shop-1\"]\n\n\
         [[initiative]]\nid = \"payments\"\ngoals = [\"grow\"]\ntitle = \"Payments\"\n\
         area_paths = ['Shop\\Checkout\\Payments']\n",
    );
    env.ok(&["strategy", "apply", "s.toml"]);
    let shown = env.ok(&["strategy", "show"]);
    assert!(
        shown.contains("initiative payments: Payments (area_paths Shop\\Checkout\\Payments)"),
        "{shown}"
    );
    let file = fixtures
        .join("azure_workitems_relations.json")
        .display()
        .to_string();
    let r = env.json(&["import", "azure-devops", &file, "--no-align"]);
    assert_eq!(r["files"][0]["inserted"], 6, "{r}");
    assert_eq!(r["files"][0]["format"], "azure-json", "{r}");
    // The custom state is kept, and said.
    assert_eq!(
        r["files"][0]["warnings"],
        serde_json::json!([
            "1 item with the unknown status \"Parked\", counted as to do: Shop-6 (record 6)"
        ]),
        "{r}"
    );

    let link_of = |key: &str| link_of(&env, "azure-devops", key);
    // Task under story under Feature under the selected Epic.
    let task = link_of("Shop-4");
    assert_eq!(task["target"]["id"], "checkout", "{task}");
    assert_eq!(task["origin"], "explicit", "{task}");
    // Filed beneath the selected area.
    let refund = link_of("Shop-5");
    assert_eq!(refund["target"]["id"], "payments", "{refund}");
    assert_eq!(refund["origin"], "explicit", "{refund}");
    // `Shop\Checkout\PaymentsOld` is a sibling of the selected area, not beneath it.
    assert!(link_of("Shop-6").is_null());

    // The Epic and the Feature are containers: the roll-up counts the story, the task and
    // the refund as aligned work, and the old page as unlinked.
    let status = env.json(&["status"]);
    assert_eq!(
        status["aligned"]["keys"],
        serde_json::json!(["Shop-3", "Shop-4", "Shop-5"]),
        "{status}"
    );
    assert_eq!(
        status["unlinked"]["keys"],
        serde_json::json!(["Shop-6"]),
        "{status}"
    );

    // The item keeps its area, and `explain` shows it with how it was linked.
    let explained = env.ok(&["explain", "Shop-5"]);
    assert!(
        explained.contains("area        Shop\\Checkout\\Payments\\Refunds"),
        "{explained}"
    );
    assert!(
        explained.contains("is under Shop\\Checkout\\Payments, selected by initiative `payments`"),
        "{explained}"
    );

    // A Boards query's CSV export of the same work, under another source name.
    let csv = fixtures
        .join("azure_boards_query.csv")
        .display()
        .to_string();
    let r = env.json(&[
        "import",
        "azure-devops",
        &csv,
        "--source",
        "ado-csv",
        "--no-align",
    ]);
    assert_eq!(r["files"][0]["format"], "azure-csv", "{r}");
    assert_eq!(r["files"][0]["inserted"], 6, "{r}");
    // Work only, as `status` counts it: of the 10 linked, 2 are Features under their
    // area path (containers, as epics are), left out of both figures.
    assert_eq!(r["links"]["explicit"], 6, "{r}");
    assert_eq!(r["links"]["items"], 8, "{r}");
}
