//! MCP over streamable HTTP at `/mcp`, with the SDK's own client: the same bearer
//! tokens and roles as the API. A viewer sees and calls the read tools but is offered no
//! write tool and is refused one; a contributor adds a note that is then visible, with
//! the token's team; no token at all is a 401 before any MCP is spoken.

mod api_common;

use api_common::{client, seed_demo, start};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};
use throughline_store::{Role, Store};

type Client = RunningService<RoleClient, ()>;

async fn connect(url: &str, token: &str) -> Client {
    // No proxy: the only network in tests is loopback.
    let http = reqwest013::Client::builder().no_proxy().build().unwrap();
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(token);
    let transport = StreamableHttpClientTransport::with_client(http, config);
    ().serve(transport).await.expect("MCP handshake over HTTP")
}

async fn call(client: &Client, tool: &str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("calling {tool}: {e}"))
}

fn text_of(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| match c {
            ContentBlock::Text(t) => Some(t.text.clone()),
            _ => None,
        })
        .collect()
}

async fn tool_names(client: &Client) -> Vec<String> {
    let mut names: Vec<String> = client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_decide_the_write_tools_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 150);
    let (viewer, contributor) = {
        let mut store = Store::open(&db).unwrap();
        let v = store.create_token(Role::Viewer, None, None).unwrap();
        let c = store
            .create_token(Role::Contributor, Some("Payments"), None)
            .unwrap();
        (v.secret, c.secret)
    };
    let server = start(&db, true).await;
    let url = server.url("/mcp");

    // Without a token the endpoint refuses, as every API route does.
    let r = client()
        .post(&url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    let key = {
        let store = Store::open(&db).unwrap();
        let status = throughline_report::status(
            &throughline_report::Snapshot::load(&store).unwrap(),
            &throughline_report::Scope {
                min_group_size: 3,
                ..Default::default()
            },
        );
        status.total.keys[0].clone()
    };

    // A viewer: the read tools, the same figures as the API, no write tool.
    let v = connect(&url, &viewer).await;
    let names = tool_names(&v).await;
    for read in ["status", "items", "explain", "ask", "brief", "strategy"] {
        assert!(names.contains(&read.to_string()), "{read} in {names:?}");
    }
    for write in throughline_server::mcp::WRITE_TOOLS {
        assert!(
            !names.contains(&write.to_string()),
            "a viewer is offered {write}"
        );
    }
    let r = client()
        .get(server.url("/api/status"))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    let (code, api_status) = api_common::body(r).await;
    assert_eq!(code, 200);
    let status: Value =
        serde_json::from_str(&text_of(&call(&v, "status", json!({})).await)).unwrap();
    assert_eq!(status["total"], api_status["total"]);
    assert!(status["total"]["items"].as_u64().unwrap() > 100);

    let refused = call(
        &v,
        "add_note",
        json!({"on": format!("item:{key}"), "text": "from a viewer"}),
    )
    .await;
    assert_eq!(refused.is_error, Some(true));
    assert!(
        text_of(&refused).contains("contributor"),
        "{}",
        text_of(&refused)
    );
    let notes: Value = serde_json::from_str(&text_of(
        &call(&v, "notes", json!({"on": format!("item:{key}")})).await,
    ))
    .unwrap();
    assert!(
        !notes.to_string().contains("from a viewer"),
        "a refused note was stored: {notes}"
    );
    v.cancel().await.unwrap();

    // A contributor: the write tools, and the note is stored with the token's team,
    // whatever team the call names.
    let c = connect(&url, &contributor).await;
    let names = tool_names(&c).await;
    for write in throughline_server::mcp::WRITE_TOOLS {
        assert!(names.contains(&write.to_string()), "{write} in {names:?}");
    }
    let added = call(
        &c,
        "add_note",
        json!({"on": format!("item:{key}"), "text": "Shipped for the renewal call.",
               "kind": "customer_signal", "team": "Somebody else"}),
    )
    .await;
    assert_ne!(added.is_error, Some(true), "{}", text_of(&added));
    let explained: Value =
        serde_json::from_str(&text_of(&call(&c, "explain", json!({"key": key})).await)).unwrap();
    let note = explained["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["text"] == "Shipped for the renewal call.")
        .unwrap_or_else(|| panic!("the note is not on {key}: {explained}"));
    assert_eq!(note["author_team"], "Payments");
    assert_eq!(note["kind"], "customer_signal");
    c.cancel().await.unwrap();
}
