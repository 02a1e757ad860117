//! Concurrent writers do not lose data: N notes posted at once all land.

mod api_common;

use api_common::{client, get, seed_demo, start};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_notes_all_land() {
    const N: usize = 64;
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 100);
    let s = start(&db, false).await;
    let (_, before) = get(&s, "/api/notes").await;
    let before = before.as_array().unwrap().len();
    let (_, items) = get(&s, "/api/items?limit=1").await;
    let key = items["items"][0]["key"].as_str().unwrap().to_string();

    let c = client();
    let mut tasks = Vec::new();
    for i in 0..N {
        let c = c.clone();
        let url = s.url("/api/notes");
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            c.post(url)
                .json(&json!({ "on": format!("item:{key}"), "text": format!("note {i}") }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    // Reads in between must not fail either.
    for _ in 0..10 {
        assert_eq!(get(&s, "/api/status").await.0, 200);
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let (_, after) = get(&s, "/api/notes").await;
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), before + N);
    for i in 0..N {
        assert!(
            after.iter().any(|n| n["text"] == format!("note {i}")),
            "note {i}"
        );
    }
}
