//! Format sniffing from a file's extension and its first bytes.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::Format;
use crate::error::IngestError;

/// How much of the file is looked at; enough for a header or the first issue.
const HEAD: u64 = 64 * 1024;

/// Guesses the format of an export from its name and first 64 KiB.
///
/// `.jsonl` / `.ndjson` are JSON Lines. JSON is Azure DevOps when it names fields such as
/// `"System.Title"`, Jira when the first marker key is
/// `"issues"` or `"fields"`, GitHub when it is `"number"`, GitLab when objects have an `"iid"`
/// beside a `"project_id"`, `"group_id"` or `"workItemType"`, or it holds GraphQL
/// `"workItems"` (before the JSON Lines test: pages back to back), Linear when its issues have an
/// `"identifier"`; a `.json` file holding one
/// object per line is JSON Lines. CSV is Jira when the header has `Issue key` and
/// `Summary`, Azure DevOps when it has `ID`, `Work Item Type` and `Title` (or a tree
/// query's `Title 1`), Linear when it has `ID`, `Team` and `Title`, generic otherwise.
pub fn detect_format(path: &Path) -> Result<Format, IngestError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext == "jsonl" || ext == "ndjson" {
        return Ok(Format::Jsonl);
    }
    let mut head = Vec::new();
    File::open(path)
        .and_then(|f| f.take(HEAD).read_to_end(&mut head))
        .map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let unknown = |reason: &str| IngestError::UnknownFormat {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let body = text.trim_ascii_start();
    match body.first() {
        None => Err(unknown("the file is empty")),
        Some(b'{') | Some(b'[') => sniff_json(body).ok_or_else(|| {
            unknown("JSON that is neither a Jira search response (\"issues\" / \"fields\"), GitHub issues (\"number\"), GitLab issues or work items (\"iid\", \"workItems\"), Linear issues (\"identifier\") nor Azure DevOps work items (\"System.Title\")")
        }),
        Some(_) if ext == "json" => Err(unknown("a .json file that does not start with { or [")),
        Some(_) => sniff_csv(text).ok_or_else(|| unknown("no CSV header row")),
    }
}

/// Fields every Azure DevOps work item has, as the REST API names them.
const AZURE_FIELDS: [&str; 4] = [
    "\"System.Title\"",
    "\"System.WorkItemType\"",
    "\"System.Id\"",
    "\"System.State\"",
];

fn sniff_json(body: &[u8]) -> Option<Format> {
    // Azure DevOps work items hold their fields under reference names ("System.Title"),
    // in a "fields" object Jira's issues have too: the names tell, and come first
    // (responses written back to back are objects one after another, not JSON Lines).
    if AZURE_FIELDS
        .iter()
        .any(|k| find_key(body, k.as_bytes()).is_some())
    {
        return Some(Format::AzureJson);
    }
    // GitLab's GraphQL work items (`data.group.workItems.nodes`): its pages written back
    // to back (`glab api graphql --paginate`) are one export, not JSON Lines, so this
    // comes first. Azure DevOps' WIQL answers also hold "workItems", but no "nodes" and
    // no "iid".
    if find_key(body, b"\"workItems\"").is_some()
        && (find_key(body, b"\"nodes\"").is_some() || find_key(body, b"\"iid\"").is_some())
    {
        return Some(Format::GitlabJson);
    }
    if body.first() == Some(&b'{') {
        // One complete object followed by another is JSON Lines, whatever the extension.
        let mut values =
            serde_json::Deserializer::from_slice(body).into_iter::<serde_json::Value>();
        if matches!(values.next(), Some(Ok(_))) {
            let rest = body[values.byte_offset()..].trim_ascii_start();
            if rest.first() == Some(&b'{') {
                return Some(Format::Jsonl);
            }
        }
    }
    // GitLab numbers issues and epics by "iid" within a project or group, beside a
    // "project_id" or "group_id" (REST) or a "workItemType" (GraphQL nodes saved without
    // their page); no other tracker's issues carry "iid".
    if find_key(body, b"\"iid\"").is_some()
        && (find_key(body, b"\"project_id\"").is_some()
            || find_key(body, b"\"group_id\"").is_some()
            || find_key(body, b"\"workItemType\"").is_some())
    {
        return Some(Format::GitlabJson);
    }
    // Linear's GraphQL pages also hold an "issues" key: its nodes' "identifier" tells.
    if find_key(body, b"\"identifier\"").is_some() && find_key(body, b"\"fields\"").is_none() {
        return Some(Format::LinearJson);
    }
    let jira = ["\"issues\"", "\"fields\""]
        .iter()
        .filter_map(|k| find_key(body, k.as_bytes()))
        .min();
    let github = find_key(body, b"\"number\"");
    match (jira, github) {
        (Some(j), Some(g)) if g < j => Some(Format::GithubJson),
        (Some(_), _) => Some(Format::JiraJson),
        (None, Some(_)) => Some(Format::GithubJson),
        (None, None) => None,
    }
}

/// Position of `key` used as an object key (`"key"` then `:`), not inside a string
/// (where its quotes would be escaped).
fn find_key(body: &[u8], key: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = body[from..]
        .windows(key.len())
        .position(|w| w == key)
        .map(|p| p + from)
    {
        let escaped = pos > 0 && body[pos - 1] == b'\\';
        let after = body[pos + key.len()..].trim_ascii_start();
        if !escaped && after.first() == Some(&b':') {
            return Some(pos);
        }
        from = pos + 1;
    }
    None
}

fn sniff_csv(text: &[u8]) -> Option<Format> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut header = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut header).ok()? {
        return None;
    }
    let names: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase())
        .collect();
    let has = |n: &str| names.iter().any(|h| h == n);
    if has("issue key") && has("summary") {
        Some(Format::JiraCsv)
    } else if has("id") && has("work item type") && (has("title") || has("title 1")) {
        Some(Format::AzureCsv)
    } else if has("id") && has("team") && has("title") {
        Some(Format::LinearCsv)
    } else if names.len() >= 2 || names.first().is_some_and(|h| !h.is_empty()) {
        Some(Format::Csv)
    } else {
        None
    }
}
