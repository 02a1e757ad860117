//! The digest as a Microsoft Teams incoming-webhook message: one Adaptive Card (the shape
//! both the classic connectors and Workflows webhooks accept).

use serde_json::{Value, json};
use throughline_report::Digest;

/// Adaptive Card text is a Markdown subset: brackets and emphasis marks are escaped so
/// a team's words cannot become a link or markup.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '*' | '_' | '`' | '<' | '>' | '#') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

fn text(t: String) -> Value {
    json!({ "type": "TextBlock", "text": t, "wrap": true })
}

/// The Teams message for a digest.
pub fn teams_message(d: &Digest) -> Value {
    let mut body = vec![
        json!({ "type": "TextBlock", "text": esc(&d.title), "size": "Large", "weight": "Bolder", "wrap": true }),
        text(esc(&d.summary)),
    ];
    for s in &d.sections {
        body.push(json!({ "type": "TextBlock", "text": s.heading, "weight": "Bolder", "spacing": "Medium", "wrap": true }));
        let mut lines: Vec<String> = s
            .lines
            .iter()
            .map(|l| {
                let what = match &l.quote {
                    Some(q) => format!("“{}” — {}", esc(q), esc(&l.text)),
                    None => esc(&l.text),
                };
                format!("- {what} [{}]({})", esc(&l.link.label), l.link.href)
            })
            .collect();
        if s.hidden > 0 {
            lines.push(match &s.more {
                Some(m) => format!("- … and {} more [{}]({})", s.hidden, esc(&m.label), m.href),
                None => format!("- … and {} more", s.hidden),
            });
        }
        body.push(text(lines.join("\n")));
    }
    if !d.quiet.is_empty() {
        body.push(json!({ "type": "TextBlock", "text": format!("Quiet: {}.", d.quiet.join(", ")), "isSubtle": true, "size": "Small", "wrap": true }));
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": body,
                "actions": [{ "type": "Action.OpenUrl", "title": "Open the dashboard", "url": d.overview.href }],
            },
        }],
    })
}
