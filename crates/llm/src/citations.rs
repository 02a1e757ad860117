//! Keeping only what is cited.

use std::collections::HashSet;

/// The model's text after the check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checked {
    /// The sentences that cite at least one known source, in order.
    pub text: String,
    /// Known sources cited, in order of first use.
    pub cited: Vec<String>,
    /// Sentences kept and dropped.
    pub kept: usize,
    pub dropped: usize,
}

/// Keeps the sentences of `text` that cite at least one id of `known` in square brackets
/// (`[PAY-12]`, or several: `[PAY-12, note-3]`); citations of unknown ids are removed.
pub fn check_citations(text: &str, known: &[&str]) -> Checked {
    let known: HashSet<&str> = known.iter().copied().collect();
    let mut out = Checked::default();
    let mut seen = HashSet::new();
    for sentence in sentences(text) {
        let mut kept_sentence = String::new();
        let mut cites = 0;
        let mut rest = sentence;
        while let Some(open) = rest.find('[') {
            kept_sentence.push_str(&rest[..open]);
            let Some(close) = rest[open..].find(']') else {
                rest = &rest[open..];
                break;
            };
            let inner = &rest[open + 1..open + close];
            let ids: Vec<&str> = inner
                .split([',', ';'])
                .map(str::trim)
                .filter(|id| known.contains(id))
                .collect();
            if !ids.is_empty() {
                cites += ids.len();
                kept_sentence.push_str(&format!("[{}]", ids.join(", ")));
                for id in ids {
                    if seen.insert(id.to_string()) {
                        out.cited.push(id.to_string());
                    }
                }
            }
            rest = &rest[open + close + 1..];
        }
        kept_sentence.push_str(rest);
        let kept_sentence = kept_sentence
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if cites > 0 {
            if !out.text.is_empty() {
                out.text.push(' ');
            }
            out.text.push_str(&kept_sentence);
            out.kept += 1;
        } else if !kept_sentence.is_empty() {
            out.dropped += 1;
        }
    }
    out
}

/// Splits after `.`, `!` or `?` (and a following citation group) at a space or newline.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' && i + 1 < b.len() && b[i + 1] == b'\n' {
            out.push(&text[start..i]);
            start = i + 2;
            i += 2;
            continue;
        }
        if matches!(c, b'.' | b'!' | b'?') {
            // A citation may follow the full stop: "... grew. [PAY-1]".
            let mut j = i + 1;
            while j < b.len() && b[j] == b' ' {
                j += 1;
            }
            if j < b.len() && b[j] == b'[' {
                if let Some(close) = text[j..].find(']') {
                    j += close + 1;
                }
            } else {
                j = i + 1;
            }
            if j >= b.len() || b[j] == b' ' || b[j] == b'\n' {
                out.push(&text[start..j]);
                start = j;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncited_and_unknown_claims_are_dropped() {
        let text = "Payments spent more time off plan [PAY-1, PAY-9]. Bob is slow. \
                    The ACME renewal explains it. [note-2]\n\nA guess [XYZ-1].";
        let c = check_citations(text, &["PAY-1", "note-2"]);
        assert_eq!(
            c.text,
            "Payments spent more time off plan [PAY-1]. The ACME renewal explains it. [note-2]"
        );
        assert_eq!(c.cited, vec!["PAY-1", "note-2"]);
        assert_eq!((c.kept, c.dropped), (2, 2));
    }

    #[test]
    fn nothing_cited_keeps_nothing() {
        let c = check_citations("All good. Nothing to see.", &["A-1"]);
        assert_eq!((c.kept, c.dropped, c.text.as_str()), (0, 2, ""));
    }
}
