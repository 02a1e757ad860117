//! HTML to plain text, for trackers that store descriptions as HTML (Azure Boards) and
//! for the HTML that old Jira imports wrapped in `{html}` blocks.

/// HTML as text: tags dropped, blocks on their own lines, entities decoded, runs of
/// white space made one, at most one blank line in a row and none at the ends. Azure
/// Boards stores descriptions as HTML; the report renders Jira's old `{html}` blocks
/// through the same function.
pub fn html_to_text(html: &str) -> String {
    const BLOCK: &[&str] = &[
        "p",
        "/p",
        "br",
        "br/",
        "div",
        "/div",
        "ul",
        "/ul",
        "ol",
        "/ol",
        "tr",
        "/tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "/h1",
        "/h2",
        "/h3",
        "/h4",
        "/h5",
        "/h6",
        "pre",
        "/pre",
        "blockquote",
        "/blockquote",
        "table",
        "/table",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut pre = false;
    while let Some(lt) = rest.find('<') {
        push_html_text(&mut out, &rest[..lt], pre);
        let Some(gt) = rest[lt..].find('>') else {
            push_html_text(&mut out, &rest[lt..], pre);
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '>')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if tag.starts_with("!--") {
            // A comment: skip to its end.
            let end = rest[lt..].find("-->").map_or(rest.len(), |e| lt + e + 3);
            rest = &rest[end..];
            continue;
        }
        match name.trim_end_matches('/') {
            "li" => out.push_str("\n- "),
            "pre" => {
                pre = true;
                out.push('\n');
            }
            "/pre" => {
                pre = false;
                out.push('\n');
            }
            "td" | "th" => out.push_str(" | "),
            n if BLOCK.contains(&n) || BLOCK.contains(&name.as_str()) => out.push('\n'),
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    push_html_text(&mut out, rest, pre);
    let mut text = String::with_capacity(out.len());
    let mut blank = false;
    for line in out.lines() {
        let line = line.trim().trim_start_matches("| ").trim_end_matches(" |");
        if line.is_empty() {
            // Editors wrap every line in its own block (`<div>..</div><div><br></div>`):
            // one blank line stands for any number.
            blank = !text.is_empty();
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        text.push_str(line);
    }
    text
}

fn push_html_text(out: &mut String, text: &str, pre: bool) {
    let decoded = decode_entities(text);
    if pre {
        out.push_str(&decoded);
        return;
    }
    for (i, w) in decoded.split_whitespace().enumerate() {
        let glue =
            i > 0 || (decoded.starts_with(char::is_whitespace) && !out.ends_with([' ', '\n']));
        if glue && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if decoded.ends_with(char::is_whitespace) && !decoded.trim().is_empty() {
        out.push(' ');
    }
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_lines_entities_and_lists() {
        let html = "<div>Pay with a <b>saved</b>&nbsp;card &amp; more</div><div><br></div>\
                    <div><br></div><ul><li>one</li><li>two</li></ul><!-- hidden -->";
        assert_eq!(
            html_to_text(html),
            "Pay with a saved card & more\n\n- one\n- two"
        );
        assert_eq!(html_to_text("plain &lt;text&gt;"), "plain <text>");
        assert_eq!(html_to_text(""), "");
    }
}
