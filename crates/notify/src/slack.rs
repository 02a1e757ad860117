//! The digest as a Slack message: Block Kit blocks (a header, one section per part, a
//! context line), within Slack's limits, and a plain `text` for notifications.

use serde_json::{Value, json};
use throughline_report::Digest;
use throughline_report::digest::Line;

/// Most blocks Slack takes in one message.
pub const MAX_BLOCKS: usize = 50;
/// Most characters in one section block's text.
pub const MAX_SECTION_CHARS: usize = 3000;
/// Most characters in a header block's text.
const MAX_HEADER_CHARS: usize = 150;

/// Slack's mrkdwn reads `&`, `<` and `>` as markup; everything else is shown as written.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `s` cut to at most `max` characters, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut o: String = s.chars().take(max.saturating_sub(1)).collect();
    o.push('…');
    o
}

fn link(href: &str, label: &str) -> String {
    // A link's address cannot hold `|` or `>` unescaped; the label is text.
    format!(
        "<{}|{}>",
        href.replace('|', "%7C").replace('>', "%3E"),
        esc(label)
    )
}

fn line(l: &Line) -> String {
    let text = match &l.quote {
        Some(q) => format!("“{}” — {}", esc(q), esc(&l.text)),
        None => esc(&l.text),
    };
    format!("• {text} {}", link(&l.link.href, &l.link.label))
}

fn section(text: String) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } })
}

/// The Slack message for a digest.
pub fn slack_message(d: &Digest) -> Value {
    let mut blocks = vec![
        json!({ "type": "header", "text": { "type": "plain_text", "text": cut(&d.title, MAX_HEADER_CHARS), "emoji": false } }),
        section(cut(
            &format!(
                "{} {}",
                esc(&d.summary),
                link(&d.overview.href, &d.overview.label)
            ),
            MAX_SECTION_CHARS,
        )),
    ];
    for s in &d.sections {
        let mut lines: Vec<String> = s.lines.iter().map(line).collect();
        if s.hidden > 0 {
            lines.push(match &s.more {
                Some(m) => format!("• … and {} more {}", s.hidden, link(&m.href, &m.label)),
                None => format!("• … and {} more", s.hidden),
            });
        }
        // One section per part while it fits, more when a long note would pass the
        // limit; a single line longer than the limit is cut.
        let mut text = format!("*{}*", esc(s.heading));
        for l in lines {
            let l = cut(&l, MAX_SECTION_CHARS - 1);
            if text.chars().count() + 1 + l.chars().count() > MAX_SECTION_CHARS {
                blocks.push(section(std::mem::take(&mut text)));
                text = l;
            } else {
                text.push('\n');
                text.push_str(&l);
            }
        }
        blocks.push(section(text));
    }
    let quiet = (!d.quiet.is_empty()).then(|| format!("Quiet: {}.", d.quiet.join(", ")));
    let room = MAX_BLOCKS - usize::from(quiet.is_some());
    if blocks.len() > room {
        let left = blocks.len() - (room - 1);
        blocks.truncate(room - 1);
        blocks.push(section(format!(
            "… {left} more part{} on the dashboard: {}",
            if left == 1 { "" } else { "s" },
            link(&d.overview.href, &d.overview.label)
        )));
    }
    if let Some(q) = quiet {
        blocks.push(json!({ "type": "context", "elements": [ { "type": "mrkdwn", "text": cut(&esc(&q), 2000) } ] }));
    }
    json!({
        "text": format!("{} — {}", d.title, d.summary),
        "blocks": blocks,
    })
}
