//! Short human-readable reasons: the words that decided, the similar linked items, the
//! note that drove it.

use throughline_model::LinkTarget;

/// Words a reader should never be shown as "deciding".
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "this", "to", "was", "with", "we", "should", "when", "if",
    "not", "can", "will", "use", "add", "fix", "all", "into", "also", "do", "does", "but", "so",
    "there", "which", "these", "those", "have", "more", "new", "i",
];

/// Whether a word is worth showing.
pub(crate) fn showable(word: &str) -> bool {
    word.chars().count() > 1
        && !STOPWORDS.contains(&word)
        && !word.chars().all(|c| c.is_ascii_digit())
}

/// How a target reads in a sentence, e.g. `initiative "Table format v3"`.
pub(crate) fn describe(target: &LinkTarget, name: &str) -> String {
    match target {
        LinkTarget::Initiative(_) => format!("initiative \"{name}\""),
        LinkTarget::Goal(_) => format!("goal \"{name}\""),
        LinkTarget::OffPlan(r) => format!("off plan ({})", r.label()),
        LinkTarget::Unclear => "unclear".to_string(),
    }
}

/// Joins quoted words: `"a", "b", "c"`.
pub(crate) fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The sentence for an inferred link.
pub(crate) fn link_reason(
    words: &[String],
    target_text: &str,
    similar: &[String],
    recency: bool,
    confidence: f32,
) -> String {
    let mut s = if words.is_empty() {
        format!("closest to {target_text}")
    } else {
        let verb = if words.len() == 1 { "matches" } else { "match" };
        let noun = if words.len() == 1 { "word" } else { "words" };
        format!("{noun} {} {verb} {target_text}", quoted(words))
    };
    if !similar.is_empty() {
        s.push_str(&format!(" (like {})", similar.join(", ")));
    }
    if recency {
        s.push_str("; much recent work of this kind");
    }
    s.push_str(&format!("; confidence {confidence:.2}"));
    s
}
