//! Every API route works over real HTTP on a real SQLite file seeded with the demo.

mod api_common;

use api_common::{body, client, get, seed_demo, seed_demo_with, start};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_on_a_demo_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 400);
    let s = start(&db, false).await;

    let (st, v) = get(&s, "/api/health").await;
    assert_eq!((st, v), (200, Value::String("ok".into())));

    let (st, v) = get(&s, "/api/strategy").await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["version"], 1);
    let goal = v["strategy"]["goals"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let initiative = v["strategy"]["initiatives"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, v) = get(&s, "/api/strategy/history").await;
    assert_eq!((st, v.as_array().unwrap().len()), (200, 1));

    // Items: lists never carry a person; the single item may.
    let (st, v) = get(&s, "/api/items?limit=5").await;
    assert_eq!(st, 200, "{v}");
    let total = v["total"].as_u64().unwrap();
    assert!(total > 300, "{total}");
    assert_eq!(v["items"].as_array().unwrap().len(), 5);
    assert!(!v.to_string().contains("assignee"));
    let (_, page2) = get(&s, "/api/items?limit=5&offset=5").await;
    assert_ne!(page2["items"][0]["key"], v["items"][0]["key"]);
    let (st, by_goal) = get(&s, &format!("/api/items?goal={goal}&limit=1000")).await;
    assert_eq!(st, 200);
    assert!(by_goal["total"].as_u64().unwrap() > 0);
    for q in [
        "period=2026-Q3",
        "team=Payments",
        &format!("initiative={initiative}"),
        "off_plan=any",
        "off_plan=tech_debt",
        "unclear=true",
        "unlinked=true",
        "origin=explicit",
        "text=the",
    ] {
        let (st, v) = get(&s, &format!("/api/items?{q}")).await;
        assert_eq!(st, 200, "{q}: {v}");
        assert!(v["total"].is_u64(), "{q}");
    }
    let first = &v["items"][0];
    let (src, key) = (
        first["source"].as_str().unwrap().to_string(),
        first["key"].as_str().unwrap().to_string(),
    );
    let (st, one) = get(&s, &format!("/api/items/{src}/{key}")).await;
    assert_eq!(st, 200, "{one}");
    assert_eq!(one["item"]["key"], key.as_str());
    assert!(one["links"].is_array() && one["notes"].is_array());

    // Links: link, confirm, unlink; the report sees the correction at once.
    let c = client();
    let target = format!("initiative:{initiative}");
    let r = c
        .post(s.url(&format!("/api/items/{src}/{key}/link")))
        .json(&json!({ "target": target, "reason": "test", "team": "Payments" }))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["origin"], "corrected");
    assert_eq!(v["by_team"], "Payments");
    let (_, one) = get(&s, &format!("/api/items/{src}/{key}")).await;
    assert_eq!(one["effective"]["origin"], "corrected");
    let (_, corrected) = get(&s, "/api/items?origin=corrected").await;
    assert_eq!(corrected["total"], 1, "the cached snapshot was refreshed");
    let r = c
        .post(s.url(&format!("/api/items/{src}/{key}/confirm")))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 200, "{v}");
    let r = c
        .delete(s.url(&format!("/api/items/{src}/{key}/link")))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!((st, &v["unlinked"]), (200, &json!(true)), "{v}");

    // Notes: add, then list by target; names never appear.
    let r = c
        .post(s.url("/api/notes"))
        .json(&json!({ "on": format!("item:{src}:{key}"), "kind": "risk", "text": "watch this", "team": "Data" }))
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["author_team"], "Data");
    let (st, v) = get(&s, &format!("/api/notes?on=item:{key}")).await;
    assert_eq!(st, 200, "{v}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|n| n["text"] == "watch this")
    );
    let (st, all) = get(&s, "/api/notes").await;
    assert_eq!(st, 200);
    assert!(!all.to_string().contains("author_name"));

    // Reports.
    for path in [
        "/api/status",
        "/api/status?period=2026-Q3&team=Payments",
        "/api/allocation?by=sprint",
        "/api/drift?period=2026-Q3",
        "/api/themes?unplaced=true",
        "/api/metrics",
        "/api/brief?period=2026-Q3",
        "/api/ask?q=why+is+Payments+off+plan",
    ] {
        let (st, v) = get(&s, path).await;
        assert_eq!(st, 200, "{path}: {v}");
        assert!(v.is_object() || v.is_array(), "{path}: {v}");
        assert!(!v.to_string().contains("assignee"), "{path}");
    }
    // Allocation buckets as the CLI does by default: by the span of the work (the demo's
    // half year of work comes in weeks), and the report says which it chose.
    let (st, plain) = get(&s, "/api/allocation").await;
    assert_eq!(st, 200, "{plain}");
    let (_, auto) = get(&s, "/api/allocation?by=auto").await;
    assert_eq!(plain, auto);
    assert!(
        ["week", "month", "quarter"].contains(&plain["options"]["by"].as_str().unwrap()),
        "{}",
        plain["options"]
    );
    let (_, quarters) = get(&s, "/api/allocation?by=quarter").await;
    assert_eq!(quarters["options"]["by"], "quarter");
    assert_eq!(quarters["total"]["items"], plain["total"]["items"]);
    let (_, status) = get(&s, "/api/status?period=2026-Q3").await;
    assert!(status["total"]["items"].as_u64().unwrap() > 0);
    // The same report as CSV, for a spreadsheet: the total row holds the JSON's count.
    let r = client()
        .get(s.url("/api/status?period=2026-Q3&format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("kind,id,label,parent,items,"), "{csv}");
    let total = format!("\ntotal,,all work in scope,,{},", status["total"]["items"]);
    assert!(csv.contains(&total), "{csv}");
    let (st, csv) = get(&s, "/api/allocation?by=month&format=csv").await;
    assert_eq!(st, 200);
    assert!(csv.as_str().unwrap().contains(",goal,"), "{csv}");
    // The review queue as a spreadsheet: the same items in the same order as the JSON,
    // with the engine's confidence and empty decision columns.
    let (_, queue) = get(&s, "/api/items?origin=inferred&sort=confidence&limit=1000").await;
    let r = client()
        .get(s.url("/api/items?origin=inferred&sort=confidence&format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("key,source,title,team,status,type,linked_to,origin,confidence,because,decision,why")
    );
    let keys: Vec<&str> = lines.map(|l| l.split(',').next().unwrap()).collect();
    let json_keys: Vec<&str> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap())
        .collect();
    assert!(!json_keys.is_empty());
    assert_eq!(keys, json_keys);
    let (st, v) = get(&s, "/api/status?format=xml").await;
    assert_eq!(st, 400);
    assert!(v.to_string().contains("use json or csv"), "{v}");
    // How fresh the data is: the demo's last file was Linear's CSV.
    assert_eq!(status["last_import"]["format"], "linear-csv", "{status:#}");
    assert!(status["last_import"]["items"].as_u64().unwrap() > 0);
    // The same figures without the keys behind them: equal numbers, no keys anywhere.
    let (st, bare) = get(&s, "/api/status?period=2026-Q3&keys=false").await;
    assert_eq!(st, 200);
    let mut stripped = status.clone();
    fn clear_keys(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(k) = m.get_mut("keys") {
                    *k = json!([]);
                }
                m.values_mut().for_each(clear_keys);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(clear_keys),
            _ => {}
        }
    }
    clear_keys(&mut stripped);
    assert_eq!(bare, stripped);
    assert!(!status["total"]["keys"].as_array().unwrap().is_empty());
    // The other reports the same way: equal numbers, no keys. (Drift scans the whole
    // data and shows its closest moves even when none passes, so it lists keys too.)
    for (path, listed) in [
        ("/api/allocation?by=month", true),
        ("/api/drift", true),
        ("/api/themes", true),
        ("/api/brief", true),
    ] {
        let (_, mut full) = get(&s, path).await;
        let sep = if path.contains('?') { '&' } else { '?' };
        let (st, bare) = get(&s, &format!("{path}{sep}keys=false")).await;
        assert_eq!(st, 200, "{path}: {bare}");
        assert_eq!(bare != full, listed, "{path}: the full report lists keys");
        clear_keys(&mut full);
        assert_eq!(bare, full, "{path}");
    }
    let (st, bad) = get(&s, "/api/status?keys=maybe").await;
    assert_eq!(st, 400, "{bad}");
    for (format, starts) in [("md", "# "), ("html", "<")] {
        let r = c
            .get(s.url(&format!("/api/brief?format={format}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().trim_start().starts_with(starts));
    }

    // Tokens (admin; the local user is admin without --auth).
    let r = c
        .post(s.url("/api/tokens"))
        .json(&json!({ "role": "viewer", "team": "Growth", "name": "wall screen" }))
        .send()
        .await
        .unwrap();
    let (st, created) = body(r).await;
    assert_eq!(st, 201, "{created}");
    assert!(created["token"].as_str().unwrap().starts_with("tl_"));
    let (st, list) = get(&s, "/api/tokens").await;
    assert_eq!(st, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        !list
            .to_string()
            .contains(created["token"].as_str().unwrap())
    );
    let id = created["info"]["id"].as_i64().unwrap();
    let r = c
        .delete(s.url(&format!("/api/tokens/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // Strategy upload (last: it re-links everything).
    let text = std::fs::read_to_string(dir.path().join("demo/strategy.toml")).unwrap();
    let r = c
        .put(s.url("/api/strategy"))
        .header("content-type", "application/toml")
        .body(text)
        .send()
        .await
        .unwrap();
    let (st, v) = body(r).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["version"], 2);
    let (_, v) = get(&s, "/api/strategy").await;
    assert_eq!(v["version"], 2, "the new version is served at once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allocation_buckets_by_the_span_of_the_work_unless_asked() {
    // Two years of work: by week that is a hundred rows, so the default is by month.
    let dir = tempfile::tempdir().unwrap();
    let cfg = throughline_demo::DemoConfig {
        items: 400,
        start: chrono::NaiveDate::from_ymd_opt(2024, 11, 1).unwrap(),
        ..Default::default()
    };
    let s = start(&seed_demo_with(dir.path(), &cfg), false).await;
    let (st, plain) = get(&s, "/api/allocation").await;
    assert_eq!(st, 200, "{plain}");
    assert_eq!(plain["options"]["by"], "month", "{}", plain["options"]);
    assert!(plain["buckets"].as_array().unwrap().len() <= 25);
    let (_, weeks) = get(&s, "/api/allocation?by=week").await;
    assert_eq!(weeks["options"]["by"], "week");
    assert!(weeks["buckets"].as_array().unwrap().len() > 60);
}
