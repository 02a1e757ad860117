//! An item as people read it, through the API and the item page: the description's
//! markup rendered, the people it names masked, cut at a word, and the tracker link.

mod api_common;

use api_common::{client, get, start};
use throughline_ingest::{Format, ImportOptions, read_document};
use throughline_store::{ImportMeta, Store};

/// ALOY-479 and ALOY-1102 of the Appcelerator Jira, as its export has them (no `self`).
fn seed(dir: &std::path::Path) -> std::path::PathBuf {
    let doc = serde_json::json!({"issues": [
        {"key": "ALOY-479", "fields": {
            "summary": "Migration processing bug",
            "project": {"key": "ALOY"},
            "description": "from Ben Hatfield:\r\n\r\nHere is the code:  https://gist.github.com/4589676\r\n\r\n\
                # Make sure line #16 (migration attribute) in models/book.js is commented."}},
        {"key": "ALOY-1102", "fields": {
            "summary": "ListView module fails on 3.2.3.GA",
            "project": {"key": "ALOY"},
            "description": format!("h2. Code\r\nCode as proposed by [~skypanther] is the following:\r\n\r\n\
                {{code}}\r\nvar ListView = function(args) {{}};\r\n{{code}}\r\n{}", "word ".repeat(1200))}},
    ]});
    let opts = ImportOptions {
        base_url: Some("https://jira.appcelerator.org".into()),
        ..ImportOptions::default()
    };
    let items = read_document(
        doc,
        std::path::Path::new("ALOY.json"),
        Format::JiraJson,
        &opts,
    )
    .unwrap();
    let db = dir.join("t.db");
    let mut store = Store::open(&db).unwrap();
    let meta = ImportMeta {
        format: "jira-json".into(),
        path: "ALOY.json".into(),
    };
    store.import_items(&meta, items, |_| {}).unwrap();
    db
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_and_the_item_page_show_text_without_markup_or_names() {
    let dir = tempfile::tempdir().unwrap();
    let s = start(&seed(dir.path()), false).await;

    let (st, v) = get(&s, "/api/items/jira/ALOY-479").await;
    assert_eq!(st, 200, "{v}");
    let text = v["text"]["description"].as_str().unwrap();
    assert_eq!(
        text,
        "from @someone:\n\nHere is the code:  https://gist.github.com/4589676\n\n1. Make sure \
         line #16 (migration attribute) in models/book.js is commented."
    );
    assert_eq!(
        v["text"]["url"],
        "https://jira.appcelerator.org/browse/ALOY-479"
    );
    // The stored text stays the tracker's.
    assert!(
        v["item"]["description"]
            .as_str()
            .unwrap()
            .contains("Ben Hatfield")
    );

    let (_, v) = get(&s, "/api/items/jira/ALOY-1102").await;
    let text = v["text"]["description"].as_str().unwrap();
    assert!(
        text.starts_with("Code\nCode as proposed by @someone is the following:\n\nvar ListView"),
        "{text}"
    );
    assert!(text.ends_with("word…"), "cut at a word: {text}");
    assert!(text.chars().count() <= 4000);

    let page = client()
        .get(s.url("/items/jira/ALOY-479"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("from @someone:"), "{page}");
    assert!(!page.contains("Hatfield"), "{page}");
    // The tracker link, as the template escapes it.
    assert!(
        page.replace("&#x2f;", "/")
            .contains("href=\"https://jira.appcelerator.org/browse/ALOY-479\""),
        "{page}"
    );
    let page = client()
        .get(s.url("/items/jira/ALOY-1102"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("[~skypanther]") && !page.contains("{code}") && !page.contains("h2. "),
        "{page}"
    );
}
