//! A fake tracker on loopback, for tests here and in the command line's (feature
//! `fake`): a real HTTP server (std's TcpListener) that answers each request from a
//! closure and records what it was asked.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Path and query, e.g. `/rest/api/3/search/jql?jql=...`.
    pub target: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The request's body (GraphQL's query and variables), empty for a GET.
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        let (_, query) = self.target.split_once('?')?;
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| {
                percent_encoding::percent_decode_str(v)
                    .decode_utf8_lossy()
                    .into_owned()
            })
        })
    }
}

/// What the fake answers: status, extra headers, body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Close the connection halfway through the answer instead, as a dropped network
    /// does: the headers promise a body that never comes.
    pub drop: bool,
}

impl Reply {
    pub fn json(value: serde_json::Value) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: value.to_string(),
            drop: false,
        }
    }

    pub fn status(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.to_string(),
            drop: false,
        }
    }

    /// A connection dropped mid-answer: a 200 whose body stops short.
    pub fn dropped() -> Reply {
        Reply {
            drop: true,
            ..Reply::json(serde_json::json!([]))
        }
    }

    /// A 429 that names when to come back as an HTTP date (`Retry-After: Wed, 21 Oct
    /// 2015 07:28:00 GMT`), the other form RFC 9110 allows beside seconds.
    pub fn busy_until(when: std::time::SystemTime) -> Reply {
        Reply::status(429, r#"{"message":"Retry later"}"#)
            .with_header("Retry-After", &httpdate::fmt_http_date(when))
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// Starts the fake; returns its base URL (`http://127.0.0.1:PORT`) and the requests seen.
pub fn serve(
    answer: impl Fn(&Seen, usize) -> Reply + Send + 'static,
) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                continue;
            }
            let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; len];
            if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
                continue;
            }
            let req = Seen {
                target,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            };
            let n = {
                let mut l = log.lock().expect("log");
                l.push(req.clone());
                l.len() - 1
            };
            let reply = answer(&req, n);
            let mut out = stream;
            let mut head = format!(
                "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                reply.status,
                reply.body.len()
            );
            for (k, v) in &reply.headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = out.write_all(head.as_bytes());
            if reply.drop {
                // Content-Length promised more: the client reads a truncated body.
                let _ = out.write_all(&reply.body.as_bytes()[..reply.body.len() / 2]);
                let _ = out.shutdown(std::net::Shutdown::Both);
                continue;
            }
            let _ = out.write_all(reply.body.as_bytes());
        }
    });
    (base, seen)
}

/// A Jira issue as the search API returns it with `fields=*all`.
pub fn jira_issue(key: &str, summary: &str, labels: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "id": "10001",
        "key": key,
        "fields": {
            "summary": summary,
            "description": "Some words about it.",
            "issuetype": {"name": "Story"},
            "status": {"name": "In Progress", "statusCategory": {"key": "indeterminate"}},
            "labels": labels,
            "components": [],
            "project": {"key": key.split('-').next().unwrap_or("X")},
            "created": "2026-05-20T07:30:00.000+0000",
            "updated": "2026-06-20T07:30:00.000+0000",
            "customfield_10016": 3.0
        }
    })
}

/// A Linear issue node as the GraphQL `issues` query returns it.
pub fn linear_issue(identifier: &str, title: &str, labels: &[&str]) -> serde_json::Value {
    let labels: Vec<_> = labels
        .iter()
        .map(|l| serde_json::json!({"name": l}))
        .collect();
    serde_json::json!({
        "identifier": identifier,
        "title": title,
        "description": "Some words about it.",
        "url": format!("https://linear.app/acme/issue/{identifier}"),
        "state": {"name": "In Progress", "type": "started"},
        "labels": {"nodes": labels},
        "team": {"name": "Payments", "key": "ENG"},
        "createdAt": "2026-05-20T07:30:00.000Z",
        "updatedAt": "2026-06-20T07:30:00.000Z",
        "estimate": 2
    })
}

/// A GitHub issue as `GET /repos/{o}/{r}/issues` returns it.
pub fn github_issue(repo: &str, number: u64, title: &str) -> serde_json::Value {
    serde_json::json!({
        "number": number,
        "html_url": format!("https://github.com/{repo}/issues/{number}"),
        "title": title,
        "body": "Steps to reproduce.",
        "state": "open",
        "labels": [{"name": "checkout"}],
        "created_at": "2026-05-01T10:00:00Z",
        "updated_at": "2026-05-02T10:00:00Z",
        "closed_at": null
    })
}

/// A GitLab issue as `GET /api/v4/groups/:id/issues` returns it; `epic` is the iid of
/// the group's epic it belongs to, if any.
pub fn gitlab_issue(
    project: &str,
    iid: u64,
    title: &str,
    labels: &[&str],
    epic: Option<u64>,
) -> serde_json::Value {
    let group = project.split('/').next().unwrap_or(project);
    let epic = epic.map(|e| {
        serde_json::json!({"id": 4200 + e, "iid": e, "title": "An epic",
                           "url": format!("/groups/{group}/-/epics/{e}"), "group_id": 7})
    });
    serde_json::json!({
        "id": 7600 + iid,
        "iid": iid,
        "project_id": 8,
        "title": title,
        "description": "Some words about it.",
        "state": "opened",
        "created_at": "2026-05-20T07:30:00.000Z",
        "updated_at": "2026-06-20T07:30:00.000Z",
        "closed_at": null,
        "labels": labels,
        "milestone": null,
        "assignees": [],
        "type": "ISSUE",
        "issue_type": "issue",
        "web_url": format!("https://gitlab.example.com/{project}/-/issues/{iid}"),
        "weight": 3,
        "epic_iid": epic.as_ref().map(|e| e["iid"].clone()),
        "epic": epic,
        "references": {
            "short": format!("#{iid}"),
            "relative": format!("#{iid}"),
            "full": format!("{project}#{iid}")
        }
    })
}

/// A group's epic as `GET /api/v4/groups/:id/epics` returns it (`id` is its global id,
/// which a child epic's `parent_id` names).
pub fn gitlab_epic(
    group: &str,
    iid: u64,
    title: &str,
    parent_id: Option<u64>,
) -> serde_json::Value {
    serde_json::json!({
        "id": 4200 + iid,
        "iid": iid,
        "group_id": 7,
        "parent_id": parent_id,
        "title": title,
        "description": "Why it matters.",
        "state": "opened",
        "web_url": format!("https://gitlab.example.com/groups/{group}/-/epics/{iid}"),
        "reference": format!("&{iid}"),
        "references": {"short": format!("&{iid}"), "relative": format!("&{iid}"),
                       "full": format!("{group}&{iid}")},
        "created_at": "2026-05-01T06:21:13.165Z",
        "updated_at": "2026-06-01T12:41:41.166Z",
        "closed_at": null,
        "labels": []
    })
}

/// An Azure DevOps work item as `POST _apis/wit/workitemsbatch` with `"$expand":
/// "relations"` returns it; `parent` is its parent's id, if any.
pub fn azure_work_item(
    project: &str,
    id: u64,
    kind: &str,
    title: &str,
    parent: Option<u64>,
) -> serde_json::Value {
    let api = "https://dev.azure.com/fabrikam/_apis/wit/workItems";
    let relations: Vec<_> = parent
        .map(|p| {
            serde_json::json!({"rel": "System.LinkTypes.Hierarchy-Reverse",
                               "url": format!("{api}/{p}"),
                               "attributes": {"isLocked": false, "name": "Parent"}})
        })
        .into_iter()
        .collect();
    serde_json::json!({
        "id": id,
        "rev": 3,
        "fields": {
            "System.Id": id,
            "System.AreaPath": format!("{project}\\Checkout"),
            "System.TeamProject": project,
            "System.IterationPath": format!("{project}\\Sprint 2"),
            "System.WorkItemType": kind,
            "System.State": "Active",
            "System.CreatedDate": "2026-05-20T07:30:00.96Z",
            "System.ChangedDate": "2026-06-20T07:30:00.74Z",
            "System.Title": title,
            "System.Description": "<div>Some words about it.</div>",
            "System.Tags": "checkout; web",
            "Microsoft.VSTS.Scheduling.StoryPoints": 3
        },
        "relations": relations,
        "_links": {"self": {"href": format!("{api}/{id}")}},
        "url": format!("{api}/{id}")
    })
}
