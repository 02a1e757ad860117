//! The OpenAPI document and the router agree: every documented operation reaches a
//! handler, every route is documented, and nothing is added to the router behind the
//! document's back.

mod api_common;

use std::collections::BTreeSet;

use api_common::{client, get, seed_demo, start};

/// Every route of the API, as `METHOD path`. Adding a route means adding it here, and
/// the test below fails until the document has it too (and the other way round).
const ROUTES: &[&str] = &[
    "GET /api/health",
    "GET /api/ready",
    "GET /api/openapi.json",
    "GET /api/strategy",
    "PUT /api/strategy",
    "GET /api/strategy/history",
    "GET /api/items",
    "GET /api/items/{source}/{key}",
    "POST /api/items/{source}/{key}/link",
    "DELETE /api/items/{source}/{key}/link",
    "POST /api/items/{source}/{key}/confirm",
    "POST /api/items/review",
    "GET /api/notes",
    "POST /api/notes",
    "GET /api/status",
    "GET /api/allocation",
    "GET /api/drift",
    "GET /api/themes",
    "GET /api/metrics",
    "GET /api/brief",
    "GET /api/ask",
    "GET /api/tokens",
    "POST /api/tokens",
    "DELETE /api/tokens/{id}",
];

fn documented(doc: &serde_json::Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                out.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_documented_and_every_documented_route_exists() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 50);
    let s = start(&db, false).await;
    let (st, doc) = get(&s, "/api/openapi.json").await;
    assert_eq!(st, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());

    let want: BTreeSet<String> = ROUTES.iter().map(|s| s.to_string()).collect();
    assert_eq!(documented(&doc), want, "document and route list differ");

    // Each documented operation reaches its handler: an unrouted request would get the
    // API's "no API route" 404 or a 405, whatever the handler does with the input.
    let c = client();
    for op in ROUTES {
        let (method, path) = op.split_once(' ').unwrap();
        let concrete = path
            .replace("{source}", "jira")
            .replace("{key}", "NOPE-1")
            .replace("{id}", "999");
        let r = c
            .request(method.parse().unwrap(), s.url(&concrete))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_ne!(status, 405, "{op}: {text}");
        assert!(!text.contains("no API route"), "{op}: {text}");
        assert!(status < 500, "{op}: {status} {text}");
    }
}

/// Routes reach the router only through `routes!` (which documents them): a plain
/// `.route(` in the API's modules would bypass the document. The catch-all 404 in
/// `api/mod.rs` is the one deliberate exception.
#[test]
fn api_modules_add_no_undocumented_routes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let plain: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.contains(".route(") || l.contains(".route_service(") || l.contains(".nest(")
            })
            .filter(|l| !l.contains("unknown_route") && !l.trim_start().starts_with("//"))
            .collect();
        assert!(plain.is_empty(), "{}: {plain:?}", path.display());
    }
}
