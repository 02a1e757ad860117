//! Context notes and metric values through the CLI.

mod common;

use common::Env;

const STRATEGY: &str = "[[goal]]\nid = \"grow\"\ntitle = \"Grow\"\n\n[[metric]]\nid = \"conv\"\ngoal = \"grow\"\nname = \"Conversion\"\n";

#[test]
fn notes_attach_to_items_and_list_without_names() {
    let env = Env::new();
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    env.write("t.csv", "key,title\nPAY-1,SSO for Initech\n");
    env.ok(&["import", "csv", "t.csv"]);
    env.ok(&[
        "note",
        "add",
        "--on",
        "item:PAY-1",
        "--kind",
        "why",
        "--team",
        "Sales",
        "--author",
        "Dana Q",
        "Pulled in for the Initech deal",
    ]);
    env.write("notes.csv", "target,kind,text,author_team,author_name,date\ngoal:grow,learning,Wallets lifted conversion,Payments,,2026-08-01\n");
    env.ok(&["note", "import", "notes.csv"]);
    let listed = env.ok(&["note", "list"]);
    assert!(
        listed.contains("Pulled in for the Initech deal") && listed.contains("[Sales]"),
        "{listed}"
    );
    assert!(
        !listed.contains("Dana Q"),
        "names stay out of lists:\n{listed}"
    );
    let on_item = env.json(&["note", "list", "--on", "item:PAY-1"]);
    assert_eq!(on_item.as_array().map(Vec::len), Some(1));
    let explained = env.ok(&["explain", "PAY-1"]);
    assert!(
        explained.contains("Pulled in for the Initech deal"),
        "{explained}"
    );

    env.write(
        "bad.csv",
        "target,kind,text,author_team,author_name,date\nitem:PAY-1,gossip,x,,,2026-08-01\n",
    );
    let err = env.fails(&["note", "import", "bad.csv"]);
    assert!(err.contains("line 2") && err.contains("kind"), "{err}");
    let err = env.fails(&["note", "add", "--on", "item:NOPE-9", "x"]);
    assert!(err.contains("no item `NOPE-9`"), "{err}");
}

#[test]
fn metric_values_must_name_known_metrics() {
    let env = Env::new();
    env.write("s.toml", STRATEGY);
    env.ok(&["strategy", "apply", "s.toml"]);
    env.write(
        "m.csv",
        "metric,date,value\nconv,2026-07-01,3.1\nconv,2026-07-08,3.3\n",
    );
    assert_eq!(env.json(&["metrics", "import", "m.csv"])["values"], 2);
    env.write(
        "bad.csv",
        "metric,date,value\nconv,2026-07-15,3.4\nrevenue,2026-07-15,9\n",
    );
    let err = env.fails(&["metrics", "import", "bad.csv"]);
    assert!(err.contains("`revenue` is not in the strategy"), "{err}");
    env.write("bad2.csv", "metric,date,value\nconv,2026-07-15,lots\n");
    let err = env.fails(&["metrics", "import", "bad2.csv"]);
    assert!(err.contains("line 2") && err.contains("value"), "{err}");
}
