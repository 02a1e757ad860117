//! An item's text as people read it: tracker markup rendered to plain text, people
//! masked, cut at a word with an ellipsis. The CLI's `explain`, the API's item and the
//! dashboard's item page all show a description through [`display_description`]; the
//! stored text stays as the tracker wrote it.
//!
//! Jira's wiki markup (`h2.`, `*bold*`, `{{code}}`, `{code}` and `{noformat}` blocks,
//! `{html}` from old imports, `[text|url]` links, `!image.png!`, tables, lists) and
//! Markdown (GitHub, Linear: fences, `**bold**`, `[text](url)`, headings, HTML comments)
//! are recognised by their marks; text with neither is left as written.

use throughline_ingest::html_to_text;
use throughline_model::{WorkItem, mask_people};

/// An item's description for display: plain text in the markup of its tracker (Jira's
/// for Jira work, else as its marks say), people masked, at most `max_chars`
/// characters (cut at a word, with "…").
pub fn item_description(item: &WorkItem, max_chars: usize) -> String {
    let jira = item.source.to_ascii_lowercase().starts_with("jira")
        || item.url.as_deref().is_some_and(|u| u.contains("/browse/"));
    let text = if jira {
        render(&item.description, Some(Dialect::Jira))
    } else {
        plain_text(&item.description)
    };
    excerpt(&mask_people(&text), max_chars)
}

/// A description for display, its markup recognised by its marks: plain text, people
/// masked, at most `max_chars` characters (cut at a word, with "…").
pub fn display_description(raw: &str, max_chars: usize) -> String {
    excerpt(&mask_people(&plain_text(raw)), max_chars)
}

/// `text` cut to at most `max_chars` characters at the end of a word, with "…" when
/// cut. Where the last half of the room holds no space (a URL, a JSON blob), the cut
/// falls after a punctuation mark instead, and only inside a run of letters and digits
/// longer than that as a last resort.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let keep = max_chars.saturating_sub(1);
    let chars: Vec<char> = text.chars().take(keep + 1).collect();
    // The last place in the second half of the room where cutting before chars[i]
    // is clean by `boundary(chars[i - 1], chars[i])`.
    let last_clean = |boundary: &dyn Fn(char, char) -> bool| {
        (keep / 2..=keep)
            .rev()
            .find(|&i| i > 0 && boundary(chars[i - 1], chars[i]))
    };
    let space = |_: char, next: char| next.is_whitespace();
    let mark = |prev: char, next: char| !(prev.is_alphanumeric() && next.is_alphanumeric());
    let at = last_clean(&space)
        .or_else(|| last_clean(&mark))
        .unwrap_or(keep);
    let cut: String = chars[..at].iter().collect();
    let cut = cut.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '(' | '[' | '{')
    });
    format!("{cut}…")
}

/// Which markup a text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Jira,
    Markdown,
    Plain,
}

fn dialect(text: &str) -> Dialect {
    const JIRA: &[&str] = &[
        "{code",
        "{noformat",
        "{quote}",
        "{html}",
        "{panel",
        "{color",
        "{{",
        "[~",
        "||",
    ];
    let jira_line = |l: &str| {
        let l = l.trim_start();
        (l.len() > 3
            && l.starts_with('h')
            && l.as_bytes()[1].is_ascii_digit()
            && l[2..].starts_with(". "))
            || l.starts_with("bq. ")
    };
    if JIRA.iter().any(|m| text.contains(m)) || text.lines().any(jira_line) {
        return Dialect::Jira;
    }
    let md_line = |l: &str| {
        let l = l.trim_start();
        l.starts_with("```") || l.starts_with("## ") || l.starts_with("### ")
    };
    if text.contains("](")
        || text.contains("**")
        || text.contains("<!--")
        || text.lines().any(md_line)
    {
        return Dialect::Markdown;
    }
    Dialect::Plain
}

/// `raw` rendered to plain text: markup marks dropped, links as their text, code kept
/// as written, runs of blank lines made one.
pub fn plain_text(raw: &str) -> String {
    render(raw, None)
}

fn render(raw: &str, known: Option<Dialect>) -> String {
    let text = raw.replace("\r\n", "\n").replace('\r', "\n");
    let out = match known.unwrap_or_else(|| dialect(&text)) {
        Dialect::Jira => jira(&text),
        Dialect::Markdown => markdown(&text),
        Dialect::Plain => text,
    };
    tidy(&out)
}

/// Trailing spaces off every line, at most one blank line in a row, no blank ends.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Jira's block macros: `{name}` or `{name:params}`.
const MACROS: &[&str] = &[
    "code", "noformat", "html", "quote", "panel", "color", "anchor", "toc", "info", "note", "tip",
    "warning", "expand", "section", "column", "status",
];

/// The macro at the start of `s` (`{code:java}` -> ("code", its length)).
fn macro_at(s: &str) -> Option<(&'static str, usize)> {
    let body = s.strip_prefix('{')?;
    let end = body.find('}')?;
    let inner = &body[..end];
    // `{code:java}`, and the `{code.js}` people type for it.
    let name = inner.split([':', '.']).next()?.trim().to_ascii_lowercase();
    if inner.contains('\n') {
        return None;
    }
    MACROS.iter().find(|m| **m == name).map(|m| (*m, end + 2))
}

fn jira(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut prose = String::new();
    while let Some(at) = rest.find('{') {
        let Some((name, len)) = macro_at(&rest[at..]) else {
            prose.push_str(&rest[..=at]);
            rest = &rest[at + 1..];
            continue;
        };
        prose.push_str(&rest[..at]);
        rest = &rest[at + len..];
        match name {
            "code" | "noformat" | "html" => {
                // Everything up to the closing macro of the same name is kept apart.
                let close = find_macro(rest, name);
                let (body, after) = match close {
                    Some((i, l)) => (&rest[..i], &rest[i + l..]),
                    None => (rest, ""),
                };
                out.push_str(&jira_prose(&prose));
                prose.clear();
                out.push('\n');
                if name == "html" {
                    out.push_str(&html_to_text(body));
                } else {
                    out.push_str(body.trim_matches('\n'));
                }
                out.push('\n');
                rest = after;
            }
            // Other macros are frames: the text inside stays, on its own lines for a
            // quote or a panel.
            "quote" | "panel" | "info" | "note" | "tip" | "warning" | "expand" => prose.push('\n'),
            _ => {}
        }
    }
    prose.push_str(rest);
    out.push_str(&jira_prose(&prose));
    out
}

/// The next `{name}` or `{name:...}` in `s`: its offset and length.
fn find_macro(s: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = s[from..].find('{') {
        let at = from + i;
        if let Some((n, len)) = macro_at(&s[at..])
            && n == name
        {
            return Some((at, len));
        }
        from = at + 1;
    }
    None
}

/// Jira prose, line by line: headings, lists, tables, rules, then inline marks.
fn jira_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut numbers: Vec<usize> = Vec::new();
    for line in text.split('\n') {
        let t = line.trim();
        let mut line_out = String::new();
        // Lists: `* a`, `** b`, `# one`, `#* mixed`, `- dash`.
        let marks: String = t
            .chars()
            .take_while(|c| matches!(c, '*' | '#' | '-'))
            .collect();
        let is_list = !marks.is_empty()
            && t[marks.len()..].starts_with(' ')
            && (marks.len() == 1 || !marks.contains('-'))
            && !(marks.chars().all(|c| c == '-') && marks.len() > 1);
        if t.len() >= 4 && t.chars().all(|c| c == '-') {
            numbers.clear();
            out.push('\n');
            continue;
        }
        if is_list {
            let depth = marks.chars().count();
            numbers.truncate(depth);
            numbers.resize(depth, 0);
            line_out.push_str(&"  ".repeat(depth - 1));
            if marks.ends_with('#') {
                numbers[depth - 1] += 1;
                line_out.push_str(&format!("{}. ", numbers[depth - 1]));
            } else {
                line_out.push_str("- ");
            }
            line_out.push_str(&inline(t[marks.len()..].trim()));
        } else {
            numbers.clear();
            let body = strip_heading(t);
            if body.starts_with('|') {
                let cells: Vec<String> = body
                    .split('|')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(inline)
                    .collect();
                line_out.push_str(&cells.join(" | "));
            } else {
                line_out.push_str(&inline(body));
            }
        }
        out.push_str(&line_out);
        out.push('\n');
    }
    out
}

/// `h2. Title` -> `Title`; `bq. text` -> `text`.
fn strip_heading(t: &str) -> &str {
    let b = t.as_bytes();
    if b.len() >= 3 && b[0] == b'h' && (b'1'..=b'6').contains(&b[1]) && b[2] == b'.' {
        return t[3..].trim_start();
    }
    t.strip_prefix("bq.").map_or(t, str::trim_start)
}

/// Whether `c` may stand right outside a `*bold*`-style mark.
fn outside(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric())
}

/// Inline Jira marks of one line.
fn inline(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        // Escapes and line breaks.
        if c == '\\' {
            match chars.get(i + 1) {
                Some('\\') => {
                    out.push('\n');
                    i += 2;
                    continue;
                }
                Some(n) if "{}[]*_-+!|^~?#".contains(*n) => {
                    out.push(*n);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        // {{monospace}}
        if c == '{'
            && chars.get(i + 1) == Some(&'{')
            && let Some(end) = find_seq(&chars, i + 2, &['}', '}'])
        {
            out.extend(&chars[i + 2..end]);
            i = end + 2;
            continue;
        }
        // [text|url], [url], [~mention] (kept for masking), [^attachment], [#anchor]
        if c == '['
            && let Some(end) = chars[i + 1..]
                .iter()
                .position(|&x| x == ']' || x == '[')
                .map(|p| p + i + 1)
            && chars[end] == ']'
        {
            let inner: String = chars[i + 1..end].iter().collect();
            out.push_str(&link(&inner));
            i = end + 1;
            continue;
        }
        // !image.png! or !image.png|thumbnail!
        if c == '!'
            && outside(prev)
            && let Some(end) = chars[i + 1..]
                .iter()
                .position(|&x| x == '!' || x.is_whitespace())
                .map(|p| p + i + 1)
            && chars[end] == '!'
            && end > i + 1
            && outside(chars.get(end + 1).copied())
        {
            let inner: String = chars[i + 1..end].iter().collect();
            let name = inner.split('|').next().unwrap_or("");
            if name.contains('.') {
                let name = name.rsplit('/').next().unwrap_or(name);
                out.push_str(&format!("(image: {name})"));
                i = end + 1;
                continue;
            }
        }
        // **bold** (as people type it in Jira too)
        if c == '*'
            && chars.get(i + 1) == Some(&'*')
            && outside(prev)
            && let Some(end) = find_seq(&chars, i + 2, &['*', '*'])
            && end > i + 2
            && !chars[i + 2].is_whitespace()
            && !chars[end - 1].is_whitespace()
            && outside(chars.get(end + 2).copied())
        {
            out.push_str(&inline(&chars[i + 2..end].iter().collect::<String>()));
            i = end + 2;
            continue;
        }
        // *bold*, _emphasis_, +inserted+, ??citation??
        if matches!(c, '*' | '_' | '+' | '?')
            && outside(prev)
            && let Some(end) = closing(&chars, i, c)
        {
            let width = if c == '?' { 2 } else { 1 };
            out.push_str(&inline(&chars[i + width..end].iter().collect::<String>()));
            i = end + width;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Where the mark `m` opened at `i` closes on this line, if it does.
fn closing(chars: &[char], i: usize, m: char) -> Option<usize> {
    let width = if m == '?' { 2 } else { 1 };
    if m == '?' && chars.get(i + 1) != Some(&'?') {
        return None;
    }
    let first = *chars.get(i + width)?;
    if first.is_whitespace() || first == m {
        return None;
    }
    let mut j = i + width + 1;
    while j + width <= chars.len() {
        let here = chars[j] == m && (width == 1 || chars.get(j + 1) == Some(&m));
        if here && !chars[j - 1].is_whitespace() && outside(chars.get(j + width).copied()) {
            return Some(j);
        }
        j += 1;
    }
    None
}

fn find_seq(chars: &[char], from: usize, seq: &[char]) -> Option<usize> {
    (from..chars.len().saturating_sub(seq.len() - 1)).find(|&i| chars[i..].starts_with(seq))
}

/// The inside of `[...]` as text.
fn link(inner: &str) -> String {
    let inner = inner.trim();
    if inner.starts_with('~') {
        return format!("[{inner}]");
    }
    if let Some((text, url)) = inner.split_once('|') {
        let url = url.split('|').next().unwrap_or("").trim();
        if url.starts_with("mailto:") {
            // A person's address: masked as a mention.
            return "[~mail]".into();
        }
        let text = text.trim();
        return if text.is_empty() {
            url.to_string()
        } else {
            inline(text)
        };
    }
    if let Some(rest) = inner.strip_prefix('^').or_else(|| inner.strip_prefix('#')) {
        return rest.to_string();
    }
    if inner.starts_with("mailto:") {
        return "[~mail]".into();
    }
    let is_url = ["http://", "https://", "ftp://", "file:"]
        .iter()
        .any(|p| inner.starts_with(p));
    if is_url || throughline_key(inner) {
        inner.to_string()
    } else {
        format!("[{inner}]")
    }
}

/// `TIMOB-123`: an issue key, which Jira links.
fn throughline_key(s: &str) -> bool {
    s.rsplit_once('-').is_some_and(|(p, n)| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
    })
}

/// Markdown as text: fences and heading marks dropped, `**bold**` and `` `code` ``
/// unmarked, `[text](url)` as its text, HTML comments (issue templates) removed.
fn markdown(text: &str) -> String {
    let mut text = text.to_string();
    while let Some(start) = text.find("<!--") {
        let end = text[start..]
            .find("-->")
            .map_or(text.len(), |e| start + e + 3);
        text.replace_range(start..end, "");
    }
    let mut out = String::with_capacity(text.len());
    let mut fenced = false;
    for line in text.split('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            out.push('\n');
            continue;
        }
        if fenced {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        let body = if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            t[hashes..].trim()
        } else {
            line
        };
        out.push_str(&md_inline(body));
        out.push('\n');
    }
    out
}

fn md_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // ![alt](url) and [text](url)
        let image = c == '!' && chars.get(i + 1) == Some(&'[');
        let open = if image { i + 1 } else { i };
        if chars[open] == '['
            && let Some(close) = chars[open + 1..]
                .iter()
                .position(|&x| x == ']')
                .map(|p| p + open + 1)
            && chars.get(close + 1) == Some(&'(')
            && let Some(end) = chars[close + 2..]
                .iter()
                .position(|&x| x == ')')
                .map(|p| p + close + 2)
        {
            let label: String = chars[open + 1..close].iter().collect();
            if image {
                out.push_str(&format!("(image: {label})"));
            } else if label.trim().is_empty() {
                out.extend(&chars[close + 2..end]);
            } else {
                out.push_str(&md_inline(&label));
            }
            i = end + 1;
            continue;
        }
        if (c == '*' || c == '_') && chars.get(i + 1) == Some(&c) {
            i += 2;
            continue;
        }
        if c == '`' {
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_headings_code_and_mentions_read_as_text() {
        // ALOY-1102, as stored.
        let raw = "h2. Description\r\nFollowing ticket ALOY-1082 I tried to create a module for \
                   ListView. While the code (pasted below) works fine using SDK 3.3.0.GA, an error \
                   is thrown when building with 3.2.3.GA.\r\n\r\nh2. Code\r\nCode as proposed by \
                   [~skypanther] is the following:\r\n\r\nlib/customlist.js\r\n\r\n{code}\r\nvar \
                   ListView = function(args) {\r\n    this.view = Ti.UI.createListView(args);\r\n}\r\n{code}";
        assert_eq!(
            display_description(raw, 4000),
            "Description\nFollowing ticket ALOY-1082 I tried to create a module for ListView. While \
             the code (pasted below) works fine using SDK 3.3.0.GA, an error is thrown when \
             building with 3.2.3.GA.\n\nCode\nCode as proposed by @someone is the following:\n\n\
             lib/customlist.js\n\nvar ListView = function(args) {\n    this.view = \
             Ti.UI.createListView(args);\n}"
        );
    }

    #[test]
    fn old_html_imports_read_as_text() {
        // TIMOB-3 and TIMOB-4.
        let raw = "{html}<div><h2>Description</h2>\n<p>The purpose of this API is to create a native \
                   table view. This\nis a pure native view and it will be treated similar to\n\
                   createWindow (in that it will have the same properties and\nfunctions available to \
                   it).</p></div>{html}";
        assert_eq!(
            plain_text(raw),
            "Description\n\nThe purpose of this API is to create a native table view. This is a pure \
             native view and it will be treated similar to createWindow (in that it will have the \
             same properties and functions available to it)."
        );
        let raw = "{html}<div><p>see <a href=\"/projects/32238/tickets/3\" title=\n\"Ticket #3\">#3</a> \
                   &amp; <b>more</b>&nbsp;here</p><ul><li>one</li><li>two</li></ul></div>{html}";
        assert_eq!(plain_text(raw), "see #3 & more here\n\n- one\n- two");
    }

    #[test]
    fn inline_marks_links_lists_and_tables() {
        let raw = "h6. Steps\n# Run {{appc run -p ios}} on *iOS 13*\n# See _the_ [docs|https://docs.appcelerator.com/x] \
                   and [https://jira.appcelerator.org/browse/TIMOB-1]\n## nested\n* bullet with \
                   !shot.png|thumbnail! and [^log.txt]\n\n||Platform||Result||\n|iOS|fails|\n----\n\
                   Ask [Jeff|mailto:jeff@appcelerator.com] or see [TIMOB-27698] \\{not a macro\\} \
                   2*3*4 snake_case_name a+b+c **Error text;**";
        assert_eq!(
            display_description(raw, 4000),
            "Steps\n1. Run appc run -p ios on iOS 13\n2. See the docs and \
             https://jira.appcelerator.org/browse/TIMOB-1\n  1. nested\n- bullet with (image: \
             shot.png) and log.txt\n\nPlatform | Result\niOS | fails\n\nAsk @someone or see \
             TIMOB-27698 {not a macro} 2*3*4 snake_case_name a+b+c Error text;"
        );
        // A colour and a quote are frames; their text stays.
        assert_eq!(
            plain_text("{color:#ff0000}[ERROR] :  }{color}\n{quote}I can{quote} ok"),
            "[ERROR] :  }\n\nI can\nok"
        );
        // A brace that opens no macro is text (JSON in prose).
        assert_eq!(
            plain_text("h2. x\nsend {a: 1} then {code}"),
            "x\nsend {a: 1} then"
        );
    }

    #[test]
    fn markdown_and_plain_text() {
        let raw = "<!-- Please fill in -->\n## Steps\n1. Run `npm test`\n2. See **bold** and \
                   [the guide](https://x.org/guide) ![img](https://x.org/a.png)\n```js\nconst a = \
                   '**';\n```";
        assert_eq!(
            plain_text(raw),
            "Steps\n1. Run npm test\n2. See bold and the guide (image: img)\n\nconst a = '**';"
        );
        // Text with no markup is left as written (but for blank runs).
        let raw = "Tabs and * stars * stay,\n\n\n\nand so do [brackets].";
        assert_eq!(
            plain_text(raw),
            "Tabs and * stars * stay,\n\nand so do [brackets]."
        );
    }

    #[test]
    fn cuts_fall_between_words_with_an_ellipsis() {
        let text = "Titanium should support the new hook system for plugins";
        assert_eq!(excerpt(text, 100), text);
        assert_eq!(excerpt(text, 24), "Titanium should support…");
        assert_eq!(excerpt(text, 25), "Titanium should support…");
        // A cut right after a word keeps it.
        assert_eq!(excerpt(text, 17), "Titanium should…");
        // One long word (a URL) is cut inside it rather than losing the room.
        let url = "https://github.com/appcelerator/titanium_mobile/commit/00022a41e290";
        assert_eq!(excerpt(url, 20).chars().count(), 20);
        assert!(excerpt(url, 20).ends_with('…'));
        assert_eq!(excerpt("from @someone: hi there", 16), "from @someone…");
    }

    #[test]
    fn aloy_479_reads_without_its_reporter() {
        let raw = "from Ben Hatfield:\r\n\r\nHere is the code:  https://gist.github.com/4589676\r\n\r\n\
                   Here are the step to reproduce the two issues:\r\n\r\n# Make sure line #16 \
                   (migration attribute) in models/book.js is commented.  Run code as is on the iOS \
                   simulator.\r\n# Uncomment line #16 in models/book.js.  Run code.";
        let item = WorkItem {
            source: "jira".into(),
            key: "ALOY-479".into(),
            description: raw.into(),
            ..WorkItem::default()
        };
        // A Jira item's `#` lines are a numbered list (Markdown would call them headings).
        let shown = item_description(&item, 4000);
        assert_eq!(
            shown,
            "from @someone:\n\nHere is the code:  https://gist.github.com/4589676\n\nHere are the \
             step to reproduce the two issues:\n\n1. Make sure line #16 (migration attribute) in \
             models/book.js is commented.  Run code as is on the iOS simulator.\n2. Uncomment line \
             #16 in models/book.js.  Run code."
        );
        assert!(!shown.contains("Hatfield"));
        assert_eq!(
            item_description(&item, 110),
            "from @someone:\n\nHere is the code:  https://gist.github.com/4589676\n\nHere are the \
             step to reproduce the two…"
        );
    }
}
