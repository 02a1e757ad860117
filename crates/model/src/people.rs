//! People named in tracker text, masked wherever text is shown or sent on.
//!
//! Throughline never names a person in what it shows about work (reports aggregate by
//! team). Tracker text still names people: Jira mentions (`[~jdoe]`), `@handles`, email
//! addresses, and attributions such as "from Ben Hatfield:" or "Jane Doe wrote:". The
//! stored text keeps them (it is the tracker's record); [`mask_people`] is applied to
//! any text displayed (an item's description) and to anything handed to a language model.
//!
//! It recognises the forms trackers and people use, not every name in free prose: a name
//! in the middle of a sentence ("as Ben suggested") is not found.

/// What a person's name or handle becomes.
pub const SOMEONE: &str = "@someone";

/// `text` with every recognised mention of a person replaced by [`SOMEONE`] (an email
/// address by "(email)").
pub fn mask_people(text: &str) -> String {
    let text = mask_bracketed(text);
    let text = mask_emails(&text);
    let text = mask_handles(&text);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = mask_from_line(line).unwrap_or_else(|| line.to_string());
        out.push_str(&mask_wrote(&line));
    }
    out
}

/// `[~jdoe]`, `[~accountid:5b10...]` and `[Jane Doe|mailto:jane@x.org]`.
fn mask_bracketed(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let close = tail[1..]
            .find([']', '\n', '['])
            .map(|i| i + 1)
            .filter(|&i| tail.as_bytes()[i] == b']');
        match close {
            Some(end) => {
                let inner = &tail[1..end];
                let mention = inner.starts_with('~')
                    || inner
                        .split_once('|')
                        .is_some_and(|(_, link)| link.trim_start().starts_with("mailto:"));
                if mention {
                    out.push_str(SOMEONE);
                } else {
                    out.push_str(&tail[..=end]);
                }
                rest = &tail[end + 1..];
            }
            None => {
                out.push('[');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

/// Endings of file names, which an address's domain never has.
const FILE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "js", "mjs", "ts", "json", "css", "scss", "html",
    "htm", "xml", "java", "kt", "swift", "h", "m", "mm", "c", "cpp", "txt", "md", "zip", "gz",
    "tgz", "jar", "aar", "apk", "ipa", "py", "rb", "sh", "yml", "yaml", "log",
];

/// `jane.doe@example.org` -> "(email)".
fn mask_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' && i > 0 && is_local_char(chars[i - 1]) {
            // The local part, back to where it starts.
            let mut start = i;
            while start > 0 && is_local_char(chars[start - 1]) {
                start -= 1;
            }
            // The domain: labels joined by dots, the last one letters.
            let mut end = i + 1;
            while end < chars.len()
                && (chars[end].is_ascii_alphanumeric() || chars[end] == '-' || chars[end] == '.')
            {
                end += 1;
            }
            while end > i + 1 && chars[end - 1] == '.' {
                end -= 1;
            }
            let domain: String = chars[i + 1..end].iter().collect();
            // Not a file name (`icon@2x.png`, `lib@1.2.js`).
            let tld_ok = domain.starts_with(|c: char| c.is_ascii_alphabetic())
                && domain.rsplit_once('.').is_some_and(|(head, tld)| {
                    !head.is_empty()
                        && tld.len() >= 2
                        && tld.chars().all(|c| c.is_ascii_alphabetic())
                        && !FILE_EXTENSIONS.contains(&tld.to_ascii_lowercase().as_str())
                });
            let local: String = chars[start..i].iter().collect();
            if tld_ok && local.chars().any(|c| c.is_ascii_alphanumeric()) {
                // Drop the local part already written.
                for _ in start..i {
                    out.pop();
                }
                out.push_str("(email)");
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Words after `@` that are code, not people: doc tags, Objective-C keywords, CSS
/// at-rules, common annotations.
const NOT_HANDLES: &[&str] = &[
    "param",
    "params",
    "return",
    "returns",
    "type",
    "typedef",
    "since",
    "deprecated",
    "see",
    "throws",
    "throw",
    "example",
    "default",
    "property",
    "event",
    "platform",
    "private",
    "public",
    "protected",
    "static",
    "module",
    "class",
    "constructor",
    "function",
    "method",
    "member",
    "namespace",
    "override",
    "author",
    "version",
    "todo",
    "fixme",
    "link",
    "code",
    "interface",
    "implementation",
    "end",
    "synthesize",
    "selector",
    "protocol",
    "autoreleasepool",
    "try",
    "catch",
    "finally",
    "dynamic",
    "optional",
    "required",
    "import",
    "media",
    "font-face",
    "keyframes",
    "charset",
    "supports",
    "page",
    "mixin",
    "include",
    "extend",
    "each",
    "if",
    "else",
    "for",
    "while",
    "test",
    "before",
    "after",
    "suppresswarnings",
    "suppresslint",
    "targetapi",
    "nullable",
    "nonnull",
    "functionalinterface",
    "inject",
    "component",
    "input",
    "output",
    "directive",
    "injectable",
    "ngmodule",
    "observable",
    "action",
    "computed",
    "api",
    "apiversion",
    "file",
    "fileoverview",
    "license",
    "alias",
    "memberof",
    "name",
    "async",
    "readonly",
    "abstract",
    "enum",
    "global",
    "ignore",
    "inheritdoc",
    "lends",
    "summary",
    "description",
    "kroll",
    "all",
    "here",
    "channel",
    "everyone",
];

/// `@jdoe`, `@Jane_Doe` (not an email, an npm scope `@scope/pkg`, an annotation
/// `@Kroll.method` or `@SuppressLint(...)`, `@2x`, or a word of [`NOT_HANDLES`]).
fn mask_handles(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = c == '@'
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic());
        if starts {
            let mut end = i + 1;
            while end < chars.len()
                && (chars[end].is_ascii_alphanumeric() || matches!(chars[end], '_' | '-'))
            {
                end += 1;
            }
            // A handle does not end with a hyphen.
            while end > i + 1 && chars[end - 1] == '-' {
                end -= 1;
            }
            let word: String = chars[i + 1..end].iter().collect();
            let next = chars.get(end).copied();
            let after = chars.get(end + 1).copied();
            let code = matches!(next, Some('/' | '(' | '=' | '"' | '{'))
                || (next == Some('.') && after.is_some_and(char::is_alphanumeric))
                || NOT_HANDLES.contains(&word.to_ascii_lowercase().as_str());
            if !code {
                out.push_str(SOMEONE);
                i = end;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Words that begin a "from ...:" line naming a source, not a person.
const NOT_A_NAME: &[&str] = &[
    "the",
    "a",
    "an",
    "our",
    "my",
    "your",
    "their",
    "his",
    "her",
    "this",
    "that",
    "these",
    "those",
    "here",
    "there",
    "above",
    "below",
    "previous",
    "original",
    "internal",
    "external",
    "customer",
    "customers",
    "client",
    "clients",
    "community",
    "user",
    "users",
    "partner",
    "partners",
    "email",
    "emails",
    "mail",
    "e-mail",
    "github",
    "git",
    "jira",
    "doc",
    "docs",
    "documentation",
    "support",
    "forum",
    "forums",
    "mailing",
    "ticket",
    "tickets",
    "issue",
    "issues",
    "comment",
    "comments",
    "engineering",
    "qa",
    "slack",
    "twitter",
    "stack",
    "stackoverflow",
    "google",
    "studio",
    "appcelerator",
    "titanium",
    "ios",
    "android",
    "apple",
    "sales",
    "marketing",
    "product",
    "dev",
    "devs",
    "developer",
    "developers",
    "team",
    "teams",
    "release",
    "notes",
    "spec",
    "specs",
    "wiki",
    "code",
    "log",
    "logs",
    "console",
    "build",
    "crash",
    "report",
    "reports",
    "source",
    "version",
    "versions",
    "sdk",
    "api",
    "apis",
    "q&a",
    "meeting",
    "call",
    "chat",
    "conversation",
    "discussion",
    "thread",
    "post",
    "blog",
    "pr",
    "pull",
    "commit",
    "commits",
    "master",
    "main",
    "branch",
    "test",
    "tests",
    "testing",
    "now",
    "then",
    "today",
    "yesterday",
    "now",
    "what",
    "which",
    "where",
    "when",
    "how",
    "why",
    "it",
    "its",
    "all",
    "each",
    "every",
    "both",
    "some",
    "any",
    "one",
    "two",
    "first",
    "last",
    "next",
    "line",
    "lines",
    "file",
    "files",
    "step",
    "steps",
    "page",
    "section",
    "chapter",
    "item",
    "items",
    "point",
    "here's",
    "i",
    "we",
    "you",
    "he",
    "she",
    "they",
    "them",
    "us",
    "me",
];

/// Words that end the name in "from Jane Doe in the forums:".
const AFTER_NAME: &[&str] = &[
    "in",
    "on",
    "at",
    "via",
    "from",
    "through",
    "during",
    "regarding",
    "about",
    "re",
    "for",
    "of",
    "to",
    "and",
    "after",
    "before",
    "while",
    "with",
    "by",
];

fn is_name_word(w: &str) -> bool {
    let w = w.trim_end_matches([',', '\'', '’']);
    !w.is_empty()
        && w.chars().next().is_some_and(char::is_alphabetic)
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
        && !NOT_A_NAME.contains(&w.to_lowercase().as_str())
        && !AFTER_NAME.contains(&w.to_lowercase().as_str())
}

/// A line "from Ben Hatfield:" or "From email conversation with Jeff Haynie:", with the
/// name masked; `None` when the line is no such attribution.
fn mask_from_line(line: &str) -> Option<String> {
    let body = line.trim_start();
    let lead = &line[..line.len() - body.len()];
    let (first, rest) = body.split_once(char::is_whitespace)?;
    if !first.eq_ignore_ascii_case("from") {
        return None;
    }
    let colon = rest.find(':')?;
    let head = &rest[..colon];
    if colon > 80 || head.contains("//") || head.contains('[') {
        return None;
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    if words.is_empty() || words.len() > 8 {
        return None;
    }
    // Where the name starts: at once, or after "with" / "by" ("conversation with ...").
    let start = if is_name_word(words[0]) {
        0
    } else {
        words
            .iter()
            .position(|w| w.eq_ignore_ascii_case("with") || w.eq_ignore_ascii_case("by"))?
            + 1
    };
    let len = words[start..]
        .iter()
        .take_while(|w| is_name_word(w))
        .count();
    if len == 0 || len > 4 {
        return None;
    }
    let next = words.get(start + len);
    if next.is_some_and(|w| !AFTER_NAME.contains(&w.to_lowercase().as_str())) {
        return None;
    }
    let mut masked: Vec<&str> = words[..start].to_vec();
    masked.push(SOMEONE);
    masked.extend(&words[start + len..]);
    Some(format!(
        "{lead}{first} {}{}",
        masked.join(" "),
        &rest[colon..]
    ))
}

/// "Jason David Miller wrote:" and "..., Don Thorp wrote:" with the name masked.
fn mask_wrote(line: &str) -> String {
    let lower = line.to_lowercase();
    let Some(at) = lower.find(" wrote:").filter(|_| lower.len() == line.len()) else {
        return line.to_string();
    };
    let before = &line[..at];
    // Up to four capitalised words right before "wrote", back to a comma or the start.
    let mut start = at;
    let mut words = 0;
    for w in before.rsplit(' ') {
        let capital = w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''));
        let pronoun = matches!(
            w,
            "I" | "You" | "He" | "She" | "They" | "We" | "It" | "Someone"
        );
        if !capital || pronoun || words == 4 {
            break;
        }
        start -= w.len() + usize::from(start != w.len());
        words += 1;
        if start == 0 {
            break;
        }
    }
    if words == 0 {
        return line.to_string();
    }
    let start = if start == 0 { 0 } else { start + 1 };
    format!("{}{SOMEONE}{}", &line[..start], &line[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jira_mentions_and_mail_links() {
        // ALOY-1102, ALOY-1244, ALOY-859.
        assert_eq!(
            mask_people("Code as proposed by [~skypanther] is the following:"),
            "Code as proposed by @someone is the following:"
        );
        assert_eq!(
            mask_people("As per [~sfeather]'s suggestion this might be improved"),
            "As per @someone's suggestion this might be improved"
        );
        assert_eq!(
            mask_people("A correlation between [~jamesdraper] and [~core13] shows"),
            "A correlation between @someone and @someone shows"
        );
        assert_eq!(
            mask_people(
                "cc [~accountid:5b10a2844c20165700ede21g], see [TIMOB-1] and [docs|http://x.org]"
            ),
            "cc @someone, see [TIMOB-1] and [docs|http://x.org]"
        );
        assert_eq!(
            mask_people("ask [Jeff Haynie|mailto:jhaynie@appcelerator.com] first"),
            "ask @someone first"
        );
        // An unclosed bracket is text.
        assert_eq!(mask_people("a [~b c\nd] e ["), "a [~b c\nd] e [");
    }

    #[test]
    fn emails_and_handles_but_not_code() {
        assert_eq!(
            mask_people("Mail jane.doe+jira@appcelerator.com or @jdoe (thanks @Hidayet_D)."),
            "Mail (email) or @someone (thanks @someone)."
        );
        for code in [
            "@Kroll.method public void show()",
            "@SuppressLint(\"NewApi\")",
            "* @param {String} name",
            "@property (nonatomic, retain) UIView *view;",
            "npm i -g @appcelerator/cli",
            "icon@2x.png",
            "@media screen and (max-width: 100px)",
            "\"@babel/core\": \"7\"",
            "NSString *s = @\"hello\";",
            "git clone git@github",
        ] {
            assert_eq!(mask_people(code), code, "{code}");
        }
        assert_eq!(
            mask_people("git@github.com:appcelerator/alloy.git"),
            "(email):appcelerator/alloy.git"
        );
    }

    #[test]
    fn attributions_at_the_start_of_a_line() {
        // ALOY-479, ALOY-81, ALOY-409, ALOY-129, ALOY-196, TIMOB-3909.
        assert_eq!(
            mask_people("from Ben Hatfield:\n\nHere is the code:  https://gist.github.com/4589676"),
            "from @someone:\n\nHere is the code:  https://gist.github.com/4589676"
        );
        assert_eq!(
            mask_people("from Rick Blalock:\n\n{quote}"),
            "from @someone:\n\n{quote}"
        );
        assert_eq!(
            mask_people("From email conversation with Jeff Haynie:\n\nLet's make it"),
            "From email conversation with @someone:\n\nLet's make it"
        );
        assert_eq!(
            mask_people("from aaron saunders in google groups:"),
            "from @someone in google groups:"
        );
        assert_eq!(
            mask_people("From KS:\n\n* Control->Button"),
            "From @someone:\n\n* Control->Button"
        );
        // Sources that are no person stay.
        for kept in [
            "From github issue: https://github.com/appcelerator/alloy/issues/1",
            "From customer: Unless the application's cache is manually flushed",
            "From the Titans mailing list:",
            "From doc: ",
            "From Git ticket: https://github.com/x",
            "From the community on Github:",
            "From [documentation|https://docs.appcelerator.com/platform/latest]:",
            "From the original iOS issue:",
            "from here: step 1",
        ] {
            assert_eq!(mask_people(kept), kept, "{kept}");
        }
    }

    #[test]
    fn who_wrote_what() {
        // TIMOB-28532, TIMOB-71.
        assert_eq!(
            mask_people("suggested a (working) fix.\n\nJason David Miller wrote:\n{quote}I can"),
            "suggested a (working) fix.\n\n@someone wrote:\n{quote}I can"
        );
        assert_eq!(
            mask_people("On Jul 28, 2009, at 9:26 PM, Don Thorp wrote:"),
            "On Jul 28, 2009, at 9:26 PM, @someone wrote:"
        );
        for kept in [
            "You wrote: ",
            "If instead of $.UI.create you wrote:",
            "In the API documentation you wrote: \"one",
        ] {
            assert_eq!(mask_people(kept), kept, "{kept}");
        }
    }
}
