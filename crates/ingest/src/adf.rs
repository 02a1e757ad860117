//! Atlassian Document Format (ADF) to plain text.
//!
//! Jira REST v3 returns rich text (descriptions) as an ADF tree instead of wiki markup.
//! Downstream only needs the words (for search and the sense engine), so the tree is
//! flattened to text with one line per block and `- ` in front of list items; marks
//! (bold, links, colours) are dropped, while inline nodes that carry words (mentions,
//! emoji, status lozenges, smart links) keep them.

use serde_json::Value;

/// Flattens an ADF document (or any ADF node) to plain text.
///
/// Unknown node types are walked for their content, so newer ADF nodes degrade to their
/// text rather than disappearing.
pub fn adf_to_text(node: &Value) -> String {
    let mut out = String::new();
    walk(node, &mut out, 0);
    // Blocks end in newlines; the description itself should not.
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    out
}

fn block_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn walk(node: &Value, out: &mut String, depth: usize) {
    // ADF nests shallowly in practice; the cap keeps a hostile file from overflowing the
    // stack (serde_json already limits parse depth to 128, this is belt and braces).
    if depth > 200 {
        return;
    }
    let Some(obj) = node.as_object() else {
        if let Some(items) = node.as_array() {
            for item in items {
                walk(item, out, depth + 1);
            }
        }
        return;
    };
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or("");
    let attr = |name: &str| {
        obj.get("attrs")
            .and_then(|a| a.get(name))
            .and_then(Value::as_str)
    };
    match kind {
        "text" => {
            if let Some(t) = obj.get("text").and_then(Value::as_str) {
                out.push_str(t);
            }
            return;
        }
        "hardBreak" => {
            out.push('\n');
            return;
        }
        "rule" => {
            block_break(out);
            return;
        }
        "mention" | "status" => {
            if let Some(t) = attr("text") {
                out.push_str(t);
            }
            return;
        }
        "emoji" => {
            if let Some(t) = attr("text").or_else(|| attr("shortName")) {
                out.push_str(t);
            }
            return;
        }
        "inlineCard" | "blockCard" | "embedCard" => {
            if let Some(url) = attr("url") {
                out.push_str(url);
            }
            return;
        }
        "listItem" | "taskItem" | "decisionItem" => {
            block_break(out);
            out.push_str("- ");
        }
        "expand" | "nestedExpand" => {
            block_break(out);
            if let Some(title) = attr("title") {
                out.push_str(title);
                out.push('\n');
            }
        }
        "tableCell" | "tableHeader" => {
            // A row reads as one line: cells joined by " | ".
            let mut cell = String::new();
            for child in obj
                .get("content")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(child, &mut cell, depth + 1);
            }
            if !out.is_empty() && !out.ends_with('\n') {
                out.push_str(" | ");
            }
            out.push_str(&cell.trim().replace('\n', " "));
            return;
        }
        _ => {}
    }
    if let Some(content) = obj.get("content").and_then(Value::as_array) {
        for child in content {
            walk(child, out, depth + 1);
        }
    }
    if matches!(
        kind,
        "paragraph"
            | "heading"
            | "codeBlock"
            | "blockquote"
            | "panel"
            | "tableRow"
            | "listItem"
            | "taskItem"
            | "decisionItem"
            | "mediaSingle"
    ) {
        block_break(out);
    }
}
