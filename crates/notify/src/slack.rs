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
        // Cut so that any line fits after the heading: a heading never stands alone.
        let room = MAX_SECTION_CHARS - text.chars().count() - 1;
        for l in lines {
            let l = cut(&l, room);
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
    // Always a context line: which days this covers, and what had nothing to say.
    let mut context = if d.from > d.to {
        format!("No new days since {}.", d.to)
    } else {
        format!("Covers {} to {}.", d.from, d.to)
    };
    if !d.quiet.is_empty() {
        context.push_str(&format!(" Quiet: {}.", d.quiet.join(", ")));
    }
    let room = MAX_BLOCKS - 1;
    if blocks.len() > room {
        let left = blocks.len() - (room - 1);
        blocks.truncate(room - 1);
        blocks.push(section(format!(
            "… {left} more part{} on the dashboard: {}",
            if left == 1 { "" } else { "s" },
            link(&d.overview.href, &d.overview.label)
        )));
    }
    blocks.push(json!({ "type": "context", "elements": [ { "type": "mrkdwn", "text": cut(&esc(&context), 2000) } ] }));
    json!({
        "text": esc(&format!("{} — {}", d.title, d.summary)),
        "blocks": blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use throughline_report::digest::{Link, Section};

    fn link() -> Link {
        Link {
            label: "Items".into(),
            href: "http://dash/items?a=1&b=2".into(),
        }
    }

    fn digest(sections: Vec<Section>) -> Digest {
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        Digest {
            title: "T".repeat(200),
            team: None,
            from: day,
            to: day,
            since_last: false,
            summary: "1 item created & <b>0</b> resolved.".into(),
            overview: link(),
            sections,
            quiet: vec!["no metric moved"],
            review_queue: 0,
        }
    }

    fn line(text: &str, quote: Option<String>) -> Line {
        Line {
            text: text.into(),
            quote,
            link: link(),
        }
    }

    #[test]
    fn a_long_part_is_split_and_cut_and_a_long_digest_stops_at_fifty_blocks() {
        let long = Section {
            id: "notes",
            heading: "Notes added",
            lines: vec![
                line("Payments, why note", Some("x".repeat(5000))),
                line("Data, learning note", Some("y".repeat(2500))),
                line("Growth, risk note", Some("short".into())),
            ],
            hidden: 0,
            more: None,
        };
        let msg = slack_message(&digest(vec![long]));
        let blocks = msg["blocks"].as_array().unwrap();
        let texts: Vec<&str> = blocks
            .iter()
            .filter(|b| b["type"] == "section")
            .map(|b| b["text"]["text"].as_str().unwrap())
            .collect();
        assert!(texts.iter().all(|t| t.chars().count() <= MAX_SECTION_CHARS));
        // The summary, then the notes over two sections, none lost.
        assert_eq!(texts.len(), 3, "{texts:#?}");
        assert!(texts[1].starts_with("*Notes added*\n• “xxx") && texts[1].ends_with('…'));
        assert!(texts[2].starts_with("• “yyy") && texts[2].contains("“short”"));
        assert_eq!(
            blocks[0]["text"]["text"].as_str().unwrap().chars().count(),
            150
        );
        // Slack's markup characters are escaped in text, links kept whole.
        assert!(texts[0].starts_with("1 item created &amp; &lt;b&gt;0&lt;/b&gt; resolved."));
        assert!(texts[0].contains("<http://dash/items?a=1&b=2|Items>"));

        let many: Vec<Section> = (0..80)
            .map(|_| Section {
                id: "drift",
                heading: "Drift",
                lines: vec![line("Payments: off-plan share 17% -> 47%.", None)],
                hidden: 2,
                more: Some(link()),
            })
            .collect();
        let msg = slack_message(&digest(many));
        let blocks = msg["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), MAX_BLOCKS);
        assert_eq!(blocks[MAX_BLOCKS - 1]["type"], "context");
        let said = blocks[MAX_BLOCKS - 2]["text"]["text"].as_str().unwrap();
        // 82 blocks: the first 48 shown, the rest named.
        assert!(
            said.starts_with("… 34 more parts on the dashboard"),
            "{said}"
        );
    }
}
