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

/// Something that decided an answer: a word of the item's text, or a tracker fact
/// (`("label", "tech-debt")`), which a reason names as such rather than as a word.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decider {
    Word(String),
    Fact(&'static str, String),
}

/// Joins quoted words: `"a", "b", "c"`.
pub(crate) fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `words "a", "b" and label "x"`: the words first, then each fact by its kind.
fn deciders(d: &[Decider]) -> String {
    let words: Vec<String> = d
        .iter()
        .filter_map(|x| match x {
            Decider::Word(w) => Some(w.clone()),
            Decider::Fact(..) => None,
        })
        .collect();
    let mut parts: Vec<String> = Vec::new();
    if !words.is_empty() {
        let noun = if words.len() == 1 { "word" } else { "words" };
        parts.push(format!("{noun} {}", quoted(&words)));
    }
    parts.extend(d.iter().filter_map(|x| match x {
        Decider::Fact(what, v) => Some(format!("{what} \"{v}\"")),
        Decider::Word(_) => None,
    }));
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.concat(),
    }
}

/// The sentence for an inferred link.
pub(crate) fn link_reason(
    words: &[Decider],
    target_text: &str,
    similar: &[String],
    recency: bool,
    confidence: f32,
) -> String {
    let mut s = if words.is_empty() {
        format!("closest to {target_text}")
    } else {
        let verb = if words.len() == 1 { "matches" } else { "match" };
        format!("{} {verb} {target_text}", deciders(words))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracker_facts_are_named_as_facts_not_as_words() {
        let target = describe(&LinkTarget::Initiative("c".into()), "Checkout");
        let word = |w: &str| Decider::Word(w.into());
        let fact = |what, v: &str| Decider::Fact(what, v.into());
        assert_eq!(
            link_reason(&[fact("label", "tech-debt")], &target, &[], false, 0.5),
            "label \"tech-debt\" matches initiative \"Checkout\"; confidence 0.50"
        );
        assert_eq!(
            link_reason(
                &[word("wallet"), fact("team", "Payments"), word("cards")],
                &target,
                &["PAY-1".into()],
                false,
                0.81
            ),
            "words \"wallet\", \"cards\" and team \"Payments\" match initiative \"Checkout\" \
             (like PAY-1); confidence 0.81"
        );
        assert_eq!(
            link_reason(&[word("wallet")], &target, &[], true, 0.7),
            "word \"wallet\" matches initiative \"Checkout\"; much recent work of this kind; \
             confidence 0.70"
        );
    }
}
