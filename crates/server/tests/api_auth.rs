//! Tokens: off on loopback by default; when on, 401 without a valid token, 403 with too
//! low a role, 200 with the right one; only hashes are stored; teams come from tokens.

mod api_common;

use api_common::{body, client, get, seed_demo, start};
use serde_json::json;
use throughline_store::{Role, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_without_auth_needs_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 100);
    let s = start(&db, false).await;
    let (st, _) = get(&s, "/api/status").await;
    assert_eq!(st, 200);
    // A token that is presented is still checked.
    let r = client()
        .get(s.url("/api/status"))
        .bearer_auth("tl_forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[test]
fn off_loopback_tokens_are_always_required() {
    use throughline_server::auth_required;
    assert!(!auth_required("127.0.0.1:7878".parse().unwrap(), false));
    assert!(!auth_required("[::1]:7878".parse().unwrap(), false));
    assert!(auth_required("127.0.0.1:7878".parse().unwrap(), true));
    assert!(auth_required("0.0.0.0:7878".parse().unwrap(), false));
    assert!(auth_required("192.168.1.5:7878".parse().unwrap(), false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_enforced_when_auth_is_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 100);
    let (viewer, contributor, admin) = {
        let mut store = Store::open(&db).unwrap();
        let v = store
            .create_token(Role::Viewer, None, Some("wall"))
            .unwrap();
        let c = store
            .create_token(Role::Contributor, Some("Payments"), None)
            .unwrap();
        let a = store.create_token(Role::Admin, None, None).unwrap();
        // Only hashes are stored.
        let dump: Vec<String> = store
            .connection()
            .expect("a SQLite store")
            .prepare("SELECT hash FROM tokens")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for t in [&v, &c, &a] {
            assert!(!dump.iter().any(|h| h.contains(&t.secret[3..])));
            assert!(dump.contains(&throughline_store::token_hash(&t.secret)));
        }
        (v.secret, c.secret, a.secret)
    };
    let s = start(&db, true).await;
    let c = client();
    let (_, items) = {
        let r = c
            .get(s.url("/api/items?limit=1"))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap();
        body(r).await
    };
    let key = items["items"][0]["key"].as_str().unwrap().to_string();

    // Open routes.
    assert_eq!(get(&s, "/api/health").await.0, 200);
    assert_eq!(get(&s, "/api/openapi.json").await.0, 200);
    // A load balancer probes readiness without a token.
    assert_eq!(get(&s, "/api/ready").await.0, 200);

    // No token, a bad token, a revoked token: 401 with a JSON message.
    let (st, v) = get(&s, "/api/status").await;
    assert_eq!(st, 401, "{v}");
    assert!(v["error"].as_str().unwrap().contains("token"));
    for bad in ["tl_0000", "", "Basic abc"] {
        let r = c
            .get(s.url("/api/status"))
            .header("authorization", format!("Bearer {bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{bad}");
    }

    // Viewer: reads, but no writes.
    let as_ = |t: &str, rb: reqwest::RequestBuilder| rb.bearer_auth(t.to_string());
    let r = as_(&viewer, c.get(s.url("/api/status")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The dashboard's cookie works too.
    let r = c
        .get(s.url("/api/status"))
        .header("cookie", format!("other=1; throughline_token={viewer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let note = json!({ "on": format!("item:{key}"), "text": "from the API", "team": "Forged" });
    let r = as_(&viewer, c.post(s.url("/api/notes")).json(&note))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 403, "{v}");
    assert!(v["error"].as_str().unwrap().contains("contributor"));
    // The role is checked before the body is read.
    let r = as_(
        &viewer,
        c.post(s.url("/api/notes"))
            .header("content-type", "application/json")
            .body("{"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 403);
    let review = format!("key,decision\n{key},off_plan:maintenance\n");
    let r = as_(
        &viewer,
        c.post(s.url("/api/items/review"))
            .header("content-type", "text/csv")
            .body(review.clone()),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 403);

    // Contributor: notes and corrections, recorded with the token's team (not the body's).
    let r = as_(&contributor, c.post(s.url("/api/notes")).json(&note))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["author_team"], "Payments");
    let r = as_(
        &contributor,
        c.post(s.url(&format!("/api/items/jira/{key}/link")))
            .json(&json!({ "target": "off_plan:tech_debt", "team": "Forged" })),
    )
    .send()
    .await
    .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["by_team"], "Payments");
    // A reviewed list too, whatever team its query names.
    let r = as_(
        &contributor,
        c.post(s.url("/api/items/review?team=Forged"))
            .header("content-type", "text/csv")
            .body(review),
    )
    .send()
    .await
    .unwrap();
    let (st, v) = body(r).await;
    assert_eq!((st, &v["linked"]), (200, &json!(1)), "{v}");
    let r = as_(
        &contributor,
        c.get(s.url(&format!("/api/items/jira/{key}"))),
    )
    .send()
    .await
    .unwrap();
    let (_, one) = body(r).await;
    let corrected: Vec<&serde_json::Value> = one["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["origin"] == "corrected")
        .collect();
    assert_eq!(corrected.len(), 1, "{one}");
    assert_eq!(corrected[0]["target"]["id"], "maintenance", "{one}");
    assert_eq!(corrected[0]["by_team"], "Payments", "{one}");
    for (method, path) in [
        ("PUT", "/api/strategy"),
        ("GET", "/api/tokens"),
        ("POST", "/api/tokens"),
    ] {
        let rb = c.request(method.parse().unwrap(), s.url(path));
        let r = as_(&contributor, rb).send().await.unwrap();
        assert_eq!(r.status(), 403, "{method} {path}");
    }

    // Admin: tokens; a token revoked through the API stops working at once.
    let r = as_(
        &admin,
        c.post(s.url("/api/tokens"))
            .json(&json!({ "role": "viewer" })),
    )
    .send()
    .await
    .unwrap();
    let (st, created) = body(r).await;
    assert_eq!(st, 201);
    let fresh = created["token"].as_str().unwrap().to_string();
    let r = as_(&fresh, c.get(s.url("/api/status")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let id = created["info"]["id"].as_i64().unwrap();
    let r = as_(&admin, c.delete(s.url(&format!("/api/tokens/{id}"))))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = as_(&fresh, c.get(s.url("/api/status")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // A token revoked by the CLI (another connection) stops working too.
    {
        let mut store = Store::open(&db).unwrap();
        let live = store.tokens().unwrap();
        let v = live
            .iter()
            .find(|t| t.name.as_deref() == Some("wall"))
            .unwrap();
        store.revoke_token(v.id).unwrap();
    }
    let r = as_(&viewer, c.get(s.url("/api/status")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}
