//! Words of titles and notes, for grouping (themes) and retrieval (ask).

/// Words too common to tell one piece of work from another.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "our", "so", "that", "the", "their", "this", "to", "was",
    "we", "were", "with", "when", "what", "which", "why", "how", "who", "not", "no", "all", "any",
    "can", "do", "does", "did", "after", "before", "out", "up", "new", "add", "fix", "update",
    "make", "use", "via", "per", "vs", "about", "much", "many", "more", "most", "there", "they",
    "them", "these", "those", "than", "then", "but", "if", "two", "three", "one", "off", "plan",
    "work", "going", "goes", "are", "is", "us", "you", "without", "within", "while", "should",
    "will", "would", "could", "also", "only", "just", "some", "other", "between", "over", "under",
    "through", "because", "been", "being", "instead",
];

/// Lower-case word tokens of at least two letters, without stop words or numbers.
pub fn tokens(text: &str) -> Vec<String> {
    stems_and_words(text).map(|(s, _)| s).collect()
}

/// Each token (see [`tokens`]) with the lower-case word it was stemmed from, so that a
/// label can read as people wrote it ("kubernetes", not the stem "kubernete").
pub fn stems_and_words(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter_map(word)
        .map(|w| (stem(&w), w))
}

/// A piece of text as a lower-case word worth keeping, or `None` (too short, a number or
/// a stop word).
fn word(piece: &str) -> Option<String> {
    if piece.len() < 2 || piece.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let w = piece.to_lowercase();
    (!STOP.contains(&w.as_str())).then_some(w)
}

/// A very light stemmer for plurals only, so "escalations" meets "escalation" and a
/// label still reads as a word.
pub fn stem(w: &str) -> String {
    if w.len() > 4
        && let Some(base) = w.strip_suffix("ies")
    {
        return format!("{base}y");
    }
    if w.len() > 4
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// Unigrams and bigrams of words next to each other in the text ("flaky ci",
/// "post incident" from "post-incident"). A dropped word or a punctuation mark breaks the
/// pair: "totals differ from billing" gives no "differ billing", "A, B" no "a b".
pub fn terms(text: &str) -> Vec<String> {
    let mut unigrams = Vec::new();
    let mut bigrams = Vec::new();
    let mut prev: Option<String> = None;
    let breaks = |c: char| ",.;:!?()[]{}\"|".contains(c);
    for piece in text.split_inclusive(|c: char| !c.is_alphanumeric()) {
        let (piece, sep) = match piece.char_indices().last() {
            Some((i, c)) if !c.is_alphanumeric() => (&piece[..i], Some(c)),
            _ => (piece, None),
        };
        if !piece.is_empty() {
            match word(piece) {
                Some(w) => {
                    let t = stem(&w);
                    if let Some(p) = &prev {
                        bigrams.push(format!("{p} {t}"));
                    }
                    unigrams.push(t.clone());
                    prev = Some(t);
                }
                None => prev = None,
            }
        }
        if sep.is_some_and(breaks) {
            prev = None;
        }
    }
    unigrams.extend(bigrams);
    unigrams
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_of_words_next_to_each_other() {
        let t = terms("Invoice totals differ from billing, see flaky CI");
        assert!(t.contains(&"invoice total".to_string()), "{t:?}");
        assert!(t.contains(&"flaky ci".to_string()), "{t:?}");
        // "from" is dropped, so nothing pairs across it.
        assert!(!t.contains(&"differ billing".to_string()), "{t:?}");
        assert!(!t.contains(&"billing see".to_string()), "{t:?}");
        assert!(terms("Post-incident alert").contains(&"post incident".to_string()));
    }

    #[test]
    fn function_words_never_name_a_theme() {
        // A real Iceberg title whose theme was once named "count without".
        assert_eq!(
            tokens("Test geometry and geography metrics keep counts without bounds"),
            [
                "test",
                "geometry",
                "geography",
                "metric",
                "keep",
                "count",
                "bound"
            ]
        );
        assert_eq!(tokens("Escalations: 3 of them"), ["escalation"]);
    }
}
