//! Bad input gets a 4xx with a JSON `{"error": ...}` saying what is wrong; never a 500.

mod api_common;

use api_common::{body, client, get, seed_demo, start};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_json_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 200);
    let s = start(&db, false).await;
    let (_, items) = get(&s, "/api/items?limit=1").await;
    let key = items["items"][0]["key"].as_str().unwrap().to_string();
    let src = items["items"][0]["source"].as_str().unwrap().to_string();
    let link = s.url(&format!("/api/items/{src}/{key}/link"));
    let c = client();

    // (request, expected status, words the message must contain)
    let gets = [
        ("/api/status?period=2026-Q9", 400, "period"),
        // Well formed, but no week of the calendar: a name of nothing, like a goal.
        ("/api/status?period=2025-W53", 404, "period"),
        ("/api/status?period=2026-09-30..2026-07-01", 404, "period"),
        ("/api/items?period=yesterday", 400, "period"),
        ("/api/items?limit=-1", 400, "limit"),
        ("/api/items?limit=100000", 400, "limit"),
        ("/api/items?unclear=maybe", 400, "unclear"),
        ("/api/items?off_plan=laziness", 400, "off_plan"),
        ("/api/items?origin=rumour", 400, "origin"),
        ("/api/items?goal=world-peace", 404, "world-peace"),
        ("/api/items?format=pdf", 400, "format"),
        ("/api/status?format=", 400, "format"),
        ("/api/allocation?by=", 400, "by"),
        ("/api/status?min_group=2000000", 400, "min_group"),
        ("/api/ask?q=%20%20", 400, "q"),
        ("/api/items?offset=2000000000", 400, "offset"),
        ("/api/items/jira/NOPE-999999", 404, "NOPE-999999"),
        ("/api/notes?on=planet:mars", 400, "note target"),
        ("/api/notes?on=item:NOPE-1", 404, "NOPE-1"),
        ("/api/allocation?by=moon", 400, "by"),
        ("/api/drift?recent_weeks=0", 400, "recent_weeks"),
        ("/api/status?min_group=1", 400, "min_group"),
        ("/api/brief?format=pdf", 400, "format"),
        ("/api/ask", 400, "q"),
        ("/api/metrics?id=nope", 404, "nope"),
        ("/api/no-such-route", 404, "no API route"),
    ];
    for (path, want, words) in gets {
        let (st, v) = get(&s, path).await;
        assert_eq!(st, want, "{path}: {v}");
        let msg = v["error"].as_str().unwrap_or_else(|| panic!("{path}: {v}"));
        assert!(msg.contains(words), "{path}: {msg}");
    }

    let posts: Vec<(&str, reqwest::RequestBuilder, u16, &str)> = vec![
        (
            "broken JSON",
            c.post(&link)
                .header("content-type", "application/json")
                .body("{\"target\": "),
            400,
            "",
        ),
        (
            "missing field",
            c.post(&link).json(&json!({ "reason": "x" })),
            400,
            "target",
        ),
        (
            "wrong type",
            c.post(&link).json(&json!({ "target": 7 })),
            400,
            "target",
        ),
        (
            "unknown field",
            c.post(&link)
                .json(&json!({ "target": "off_plan:tech_debt", "who": "me" })),
            400,
            "who",
        ),
        (
            "no content type",
            c.post(&link).body("{\"target\": \"off_plan:tech_debt\"}"),
            400,
            "Content-Type",
        ),
        (
            "bad target syntax",
            c.post(&link).json(&json!({ "target": "somewhere" })),
            400,
            "target",
        ),
        (
            "target not in strategy",
            c.post(&link).json(&json!({ "target": "initiative:nope" })),
            404,
            "nope",
        ),
        (
            "unclear by a person",
            c.post(&link).json(&json!({ "target": "unclear" })),
            400,
            "target",
        ),
        (
            "unknown item",
            c.post(s.url("/api/items/jira/NOPE-1/link"))
                .json(&json!({ "target": "off_plan:tech_debt" })),
            404,
            "NOPE-1",
        ),
        (
            "unlink without a correction",
            c.delete(&link),
            404,
            "no link set by a person",
        ),
        (
            "confirm with bad JSON",
            c.post(s.url(&format!("/api/items/{src}/{key}/confirm")))
                .body("nope"),
            400,
            "JSON",
        ),
        (
            "empty note",
            c.post(s.url("/api/notes"))
                .json(&json!({ "on": format!("item:{key}"), "text": "  " })),
            400,
            "text",
        ),
        (
            "bad note kind",
            c.post(s.url("/api/notes"))
                .json(&json!({ "on": format!("item:{key}"), "text": "x", "kind": "gossip" })),
            400,
            "gossip",
        ),
        (
            "bad note date",
            c.post(s.url("/api/notes"))
                .json(&json!({ "on": format!("item:{key}"), "text": "x", "date": "soon" })),
            400,
            "date",
        ),
        (
            "bad role",
            c.post(s.url("/api/tokens"))
                .json(&json!({ "role": "root" })),
            400,
            "root",
        ),
        (
            "revoke unknown token",
            c.delete(s.url("/api/tokens/999")),
            404,
            "999",
        ),
        (
            "token id not a number",
            c.delete(s.url("/api/tokens/abc")),
            400,
            "",
        ),
        (
            "strategy with problems",
            c.put(s.url("/api/strategy"))
                .body("[[goals]]\nid = \"a\"\n[[goals]]\nid = \"a\"\n"),
            400,
            "problem",
        ),
        (
            "empty strategy",
            c.put(s.url("/api/strategy")).body(""),
            400,
            "empty",
        ),
        ("wrong method", c.patch(s.url("/api/status")), 405, "PATCH"),
    ];
    for (what, req, want, words) in posts {
        let r = req.send().await.unwrap();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        let (st, v) = body(r).await;
        assert_eq!(st, want, "{what}: {v}");
        assert_eq!(ct.as_deref(), Some("application/json"), "{what}");
        let msg = v["error"].as_str().unwrap_or_else(|| panic!("{what}: {v}"));
        assert!(msg.contains(words), "{what}: {msg}");
    }

    // A strategy with problems names their lines.
    let r = c
        .put(s.url("/api/strategy"))
        .body("[[goals]]\nid = \"a\"\ntitle = \"A\"\n[[goals]]\nid = \"a\"\ntitle = \"B\"\n")
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 400, "{v}");
    assert!(v["problems"][0]["line"].as_u64().unwrap() >= 1, "{v}");
    // And the database is unchanged by any of it.
    let (_, h) = get(&s, "/api/strategy/history").await;
    assert_eq!(h.as_array().unwrap().len(), 1);
}
