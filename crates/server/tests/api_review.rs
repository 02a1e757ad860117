//! A reviewed list sent back through the API (`POST /api/items/review`), over real HTTP
//! on a real SQLite file: the review queue is downloaded as CSV, filled in as a person
//! would in a spreadsheet, and sent back; a bad row rejects the whole list.

mod api_common;

use api_common::{body, client, get, seed_demo, start};
use serde_json::{Value, json};

/// The queue's CSV with `decision` and `why` set on some rows (`(row, decision, why)`),
/// and the `SOURCE/KEY` of each row set.
fn fill(csv: &str, decisions: &[(usize, &str, &str)]) -> (String, Vec<String>) {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (key, source, decision, why) = (col("key"), col("source"), col("decision"), col("why"));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    let mut keys = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if let Some((_, d, w)) = decisions.iter().find(|(r, _, _)| *r == i) {
            row[decision] = d.to_string();
            row[why] = w.to_string();
            keys.push(format!("{}/{}", row[source], row[key]));
        }
        out.write_record(&row).unwrap();
    }
    (String::from_utf8(out.into_inner().unwrap()).unwrap(), keys)
}

async fn send(s: &api_common::Server, kind: &str, text: impl Into<reqwest::Body>) -> (u16, Value) {
    let r = client()
        .post(s.url("/api/items/review?team=Payments"))
        .header("content-type", kind)
        .body(text)
        .send()
        .await
        .unwrap();
    body(r).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewed_queue_comes_back_as_people_s_links() {
    let dir = tempfile::tempdir().unwrap();
    let db = seed_demo(dir.path(), 400);
    let s = start(&db, false).await;
    let queue = client()
        .get(s.url("/api/items?origin=inferred&sort=confidence&format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (_, strategy) = get(&s, "/api/strategy").await;
    let initiative = strategy["strategy"]["initiatives"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Rows the engine placed (which can be confirmed) and rows it could not.
    let answers: Vec<String> = csv::Reader::from_reader(queue.as_bytes())
        .deserialize::<std::collections::HashMap<String, String>>()
        .map(|r| r.unwrap()["linked_to"].clone())
        .collect();
    let (unclear, placed): (Vec<usize>, Vec<usize>) =
        (0..answers.len()).partition(|&i| answers[i] == "unclear");
    assert!(placed.len() > 3 && !unclear.is_empty(), "{queue}");
    let corrected = || async { get(&s, "/api/items?origin=corrected").await.1["total"].clone() };

    // A row naming an initiative the strategy does not have: 409 with its line (the
    // header is line 1, so row 2 of the queue is line 4), and nothing is stored.
    let (bad, _) = fill(
        &queue,
        &[(0, "off_plan:tech_debt", ""), (2, "initiative:nowhere", "")],
    );
    let (st, v) = send(&s, "text/csv", bad).await;
    assert_eq!(st, 409, "{v}");
    let said = v["error"].as_str().unwrap();
    assert!(
        said.contains("line 4") && said.contains("nowhere"),
        "{said}"
    );
    assert_eq!(corrected().await, json!(0));
    // Confirming what the engine could not place, in words the reviewer can act on.
    let (bad, _) = fill(&queue, &[(unclear[0], "confirm", "")]);
    let (st, v) = send(&s, "text/csv", bad).await;
    assert_eq!(st, 409, "{v}");
    let said = v["error"].as_str().unwrap();
    assert!(
        said.contains("nothing to confirm") && said.contains("`decision`"),
        "{said}"
    );
    // Not a list at all.
    let (st, v) = send(&s, "text/csv", vec![0xff, 0xfe, 0x00]).await;
    assert_eq!(st, 400, "{v}");
    let (st, v) = send(&s, "text/csv", "title,decision\nx,confirm\n").await;
    assert_eq!(st, 400, "{v}");
    assert!(v["error"].as_str().unwrap().contains("key"), "{v}");

    let (good, keys) = fill(
        &queue,
        &[
            (placed[0], "confirm", ""),
            (
                placed[1],
                &format!("initiative:{initiative}"),
                "it is this work",
            ),
            (placed[2], "off_plan:tech_debt", "a refactor, really"),
        ],
    );
    let rows = good.lines().count() - 1;
    let (st, v) = send(&s, "text/csv; charset=utf-8", good).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(
        v,
        json!({ "confirmed": 1, "linked": 2, "undecided": rows - 3 })
    );
    // The snapshot behind the reports sees them at once.
    assert_eq!(corrected().await, json!(3));
    let (_, one) = get(&s, &format!("/api/items/{}", keys[2])).await;
    assert_eq!(one["effective"]["origin"], "corrected", "{one}");
    assert_eq!(one["effective"]["reason"], "a refactor, really", "{one}");

    // JSON, when the content type says so.
    let (source, key) = keys[2].split_once('/').unwrap();
    let list = json!([{ "source": source, "key": key, "decision": "off_plan:maintenance" }]);
    let (st, v) = send(&s, "application/json", list.to_string()).await;
    assert_eq!((st, &v["linked"]), (200, &json!(1)), "{v}");
    let (_, one) = get(&s, &format!("/api/items/{}", keys[2])).await;
    assert_eq!(one["effective"]["target"]["id"], "maintenance", "{one}");
}
