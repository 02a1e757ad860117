//! `throughline mcp` over stdio, driven by the SDK's own client on a demo database:
//! every tool is listed and called, and its figures are the CLI's (`--json`) with the
//! item keys behind them. The local user is a contributor: a note added through MCP is
//! stored with the team given and shows on the item.

mod common;

use common::Env;
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};

type Client = RunningService<RoleClient, ()>;

const TOOLS: [&str; 13] = [
    "add_note",
    "ask",
    "brief",
    "confirm_link",
    "correct_link",
    "drift",
    "explain",
    "items",
    "metrics",
    "notes",
    "status",
    "strategy",
    "themes",
];

async fn call(client: &Client, tool: &str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("calling {tool}: {e}"))
}

/// The tool's text; fails the test if the tool reported an error.
async fn text(client: &Client, tool: &str, args: Value) -> String {
    let r = call(client, tool, args.clone()).await;
    let t: String = r
        .content
        .iter()
        .filter_map(|c| match c {
            ContentBlock::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect();
    assert_ne!(r.is_error, Some(true), "{tool} {args} failed: {t}");
    t
}

async fn json_of(client: &Client, tool: &str, args: Value) -> Value {
    let t = text(client, tool, args).await;
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("{tool} is not JSON ({e}): {t}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_over_stdio_answers_as_the_cli_does() {
    let env = Env::new();
    env.ok(&["demo", "--quiet", "--items", "600"]);
    let cli_status = env.json(&["status"]);
    let cli_themes = env.json(&["themes"]);
    let cli_metrics = env.json(&["metrics", "show"]);
    let cli_drift = env.json(&["drift"]);
    let cli_brief = env.ok(&["brief", "--offline"]);

    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_throughline"));
    cmd.arg("--db")
        .arg(env.db())
        .arg("mcp")
        .env_remove("RUST_LOG")
        .env_remove("THROUGHLINE_LOG");
    let transport = TokioChildProcess::new(cmd).expect("start throughline mcp");
    let client: Client = ().serve(transport).await.expect("MCP handshake on stdio");

    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|s| s.name.as_str()),
        Some("throughline")
    );

    let mut names: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| {
            let d = t.description.as_deref().unwrap_or_default();
            assert!(d.len() > 60, "{} is described too briefly: {d}", t.name);
            t.name.to_string()
        })
        .collect();
    names.sort();
    assert_eq!(names, TOOLS, "over stdio the local user has every tool");

    // status: the CLI's figures, keys included.
    let status = json_of(&client, "status", json!({})).await;
    assert_eq!(status["total"], cli_status["total"]);
    assert_eq!(status["aligned"], cli_status["aligned"]);
    assert_eq!(status["off_plan"], cli_status["off_plan"]);
    let total = status["total"]["items"].as_u64().unwrap();
    assert!(total >= 500, "the demo's work: {total}");
    assert_eq!(
        status["total"]["keys"].as_array().unwrap().len() as u64,
        total
    );

    // status for one goal, and items behind its figure.
    let goal = &cli_status["goals"][0];
    let goal_id = goal["id"].as_str().unwrap();
    let one = json_of(&client, "status", json!({"goal": goal_id})).await;
    assert_eq!(one["goals"].as_array().unwrap().len(), 1);
    assert_eq!(one["goals"][0], *goal);
    assert_eq!(one["total"], cli_status["total"]);
    let unknown = call(&client, "status", json!({"goal": "no-such-goal"})).await;
    assert_eq!(unknown.is_error, Some(true));
    let items = json_of(&client, "items", json!({"goal": goal_id, "limit": 1000})).await;
    assert_eq!(items["total"], goal["work"]["items"]);
    let mut listed: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    let mut behind: Vec<&str> = goal["work"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    listed.sort_unstable();
    behind.sort_unstable();
    assert_eq!(
        listed, behind,
        "items lists the keys behind the goal's figure"
    );
    let off = json_of(&client, "items", json!({"class": "off_plan", "limit": 1})).await;
    assert_eq!(off["total"], cli_status["off_plan"]["items"]);

    // explain: one item, its links and why.
    let key = behind[0];
    let explained = json_of(&client, "explain", json!({"key": key})).await;
    assert_eq!(explained["item"]["key"], key);
    assert!(!explained["links"].as_array().unwrap().is_empty());
    assert!(explained["effective"].is_object(), "{explained}");
    let missing = call(&client, "explain", json!({"key": "NOPE-0"})).await;
    assert_eq!(missing.is_error, Some(true));

    // ask: an offline answer with its citations.
    let question = "why is Payments off plan?";
    let answer = json_of(&client, "ask", json!({ "question": question })).await;
    assert_eq!(answer["shape"], "why_off_plan", "{answer}");
    assert!(!answer["cited"].as_array().unwrap().is_empty(), "{answer}");
    assert_eq!(answer, env.json(&["ask", question, "--offline"])["answer"]);

    // brief: Markdown naming the goals.
    let brief = text(&client, "brief", json!({})).await;
    assert!(brief.starts_with('#'), "{brief}");
    assert!(brief.contains(goal["title"].as_str().unwrap()), "{brief}");
    // The same brief as the CLI's, except that its evidence lists every key behind each
    // figure (as the API's Markdown does) where the terminal shows the first 25.
    let evidence = "<a id=\"evidence-1\"></a>";
    let head = |md: &str| -> String {
        md.split(evidence)
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with("_Each list shows"))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    };
    assert_eq!(head(&brief), head(&cli_brief));
    let all_work = brief
        .lines()
        .find(|l| l.starts_with(evidence))
        .expect("the brief's evidence");
    assert_eq!(
        all_work.matches(", ").count() as u64 + 1,
        total,
        "{all_work}"
    );

    // drift, themes, metrics, strategy: the CLI's reports.
    let drift = json_of(&client, "drift", json!({})).await;
    assert_eq!(drift, cli_drift);
    let themes = json_of(&client, "themes", json!({})).await;
    assert_eq!(themes, cli_themes);
    let metrics = json_of(&client, "metrics", json!({})).await;
    assert_eq!(metrics, cli_metrics);
    let strategy = json_of(&client, "strategy", json!({})).await;
    assert_eq!(strategy["strategy"]["goals"][0]["id"], goal_id);
    let history = json_of(&client, "strategy", json!({"history": true})).await;
    assert_eq!(history.as_array().unwrap().len(), 1);

    // No aggregate names a person: the demo's assignees appear in none of them.
    let assignees: Vec<String> = {
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        let mut q = conn
            .prepare("SELECT DISTINCT assignee FROM items WHERE assignee IS NOT NULL")
            .unwrap();
        q.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(!assignees.is_empty(), "the demo has assignees to look for");
    for (tool, out) in [
        ("status", status.to_string()),
        ("items", items.to_string()),
        ("brief", brief.clone()),
        ("drift", drift.to_string()),
        ("themes", themes.to_string()),
    ] {
        for name in &assignees {
            assert!(!out.contains(name.as_str()), "{tool} names {name}");
        }
    }

    // Writes, as the local contributor: a note with the team given, then on the item.
    let added = json_of(
        &client,
        "add_note",
        json!({"on": format!("item:{key}"), "text": "Kept for the Q3 launch.", "kind": "trade_off", "team": "Growth"}),
    )
    .await;
    assert_eq!(added["author_team"], "Growth");
    let notes = json_of(&client, "notes", json!({"on": format!("item:{key}")})).await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["text"] == "Kept for the Q3 launch." && n["author_team"] == "Growth"),
        "{notes}"
    );
    let cli_notes = env.ok(&["explain", key]);
    assert!(cli_notes.contains("Kept for the Q3 launch."), "{cli_notes}");

    // Confirm the item's link, then correct it to another goal's first initiative.
    let confirmed = json_of(
        &client,
        "confirm_link",
        json!({"key": key, "team": "Growth"}),
    )
    .await;
    assert_eq!(confirmed["origin"], "corrected");
    assert_eq!(confirmed["by_team"], "Growth");
    // An initiative of another goal, so the correction moves the item.
    let other = strategy["strategy"]["initiatives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| !i["goals"].as_array().unwrap().contains(&json!(goal_id)))
        .and_then(|i| i["id"].as_str())
        .expect("an initiative of another goal");
    let corrected = json_of(
        &client,
        "correct_link",
        json!({"key": key, "target": format!("initiative:{other}"), "reason": "the launch", "team": "Growth"}),
    )
    .await;
    assert_eq!(corrected["target"], format!("initiative:{other}"));
    let after = env.json(&["explain", key]);
    assert_eq!(
        after["effective"]["target"],
        json!({"kind": "initiative", "id": other}),
        "{after}"
    );

    client.cancel().await.unwrap();
}
