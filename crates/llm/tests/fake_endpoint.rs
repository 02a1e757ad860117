//! Talks to a real HTTP server on loopback that speaks the chat-completions protocol.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use throughline_llm::{ChatClient, LlmConfig, LlmError, Source, phrase};

/// Serves one request with `status` and `reply` as the assistant's content; sends the
/// request body it received back through the channel.
fn serve_once(status: u16, reply: &str) -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    let body = if status == 200 {
        serde_json::json!({
            "id": "x", "object": "chat.completion",
            "choices": [{ "index": 0, "message": { "role": "assistant", "content": reply }, "finish_reason": "stop" }]
        })
    } else {
        serde_json::json!({ "error": { "message": reply } })
    }
    .to_string();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.to_ascii_lowercase().starts_with("content-length:") {
                len = line[15..].trim().parse().unwrap();
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let mut req = vec![0; len];
        reader.read_exact(&mut req).unwrap();
        tx.send((head, String::from_utf8(req).unwrap())).unwrap();
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
    });
    (url, rx)
}

fn client(url: String) -> ChatClient {
    ChatClient::new(LlmConfig {
        url,
        model: "test-model".into(),
        api_key: Some("sk-test".into()),
        timeout: Duration::from_secs(10),
    })
}

fn sources() -> Vec<Source> {
    vec![
        Source {
            id: "PAY-7".into(),
            text: "P1: webhooks delayed by 40 min".into(),
        },
        Source {
            id: "note-1".into(),
            text: "Escalated by Globex: exports time out".into(),
        },
    ]
}

#[test]
fn the_model_gets_the_evidence_and_only_cited_claims_come_back() {
    let (url, rx) = serve_once(
        200,
        "Payments took on incident work [PAY-7]. Globex escalated slow exports. [note-1] \
         The team is underperforming.",
    );
    let out = phrase(
        &client(url),
        "why is payments off plan?",
        "2 items off plan",
        &sources(),
    )
    .unwrap();
    assert_eq!(
        out.text,
        "Payments took on incident work [PAY-7]. Globex escalated slow exports. [note-1]"
    );
    assert_eq!(out.dropped, 1, "the uncited judgement is dropped");
    let (head, body) = rx.recv().unwrap();
    assert!(head.starts_with("POST /v1/chat/completions"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("authorization: bearer sk-test"),
        "{head}"
    );
    let req: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(req["model"], "test-model");
    assert_eq!(req["temperature"], 0);
    let user = req["messages"][1]["content"].as_str().unwrap();
    assert!(
        user.contains("[PAY-7] P1: webhooks delayed") && user.contains("why is payments off plan?")
    );
    assert!(
        req["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("never 'violation'")
    );
}

#[test]
fn an_answer_citing_nothing_is_refused() {
    let (url, _rx) = serve_once(200, "Everything is fine. Trust me.");
    let err = phrase(&client(url), "q", "facts", &sources()).unwrap_err();
    assert!(matches!(err, LlmError::Uncited), "{err}");
}

#[test]
fn endpoint_errors_are_reported_with_the_url() {
    let (url, _rx) = serve_once(500, "model not loaded");
    let err = phrase(&client(url.clone()), "q", "facts", &sources()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(&url) && msg.contains("model not loaded"),
        "{msg}"
    );
}

#[test]
fn what_goes_over_the_wire_names_no_person() {
    let (url, rx) = serve_once(200, "A migration bug was reported [ALOY-479].");
    let sources = vec![Source {
        id: "ALOY-479".into(),
        // As the Appcelerator Jira has it.
        text: "Migration processing bug\nfrom Ben Hatfield:\n\nHere is the code, by [~skypanther]"
            .into(),
    }];
    phrase(&client(url), "what did @jdoe report?", "1 item", &sources).unwrap();
    let (_, body) = rx.recv().unwrap();
    let req: serde_json::Value = serde_json::from_str(&body).unwrap();
    let user = req["messages"][1]["content"].as_str().unwrap();
    for name in ["Hatfield", "skypanther", "jdoe"] {
        assert!(!user.contains(name), "{name}:\n{user}");
    }
    assert!(user.contains("from @someone:"), "{user}");
}
