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
        .filter(|w| w.len() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()))
        .map(|w| (stem(&w), w))
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

/// Unigrams and adjacent bigrams ("flaky ci") of a text.
pub fn terms(text: &str) -> Vec<String> {
    let t = tokens(text);
    let mut out = t.clone();
    out.extend(t.windows(2).map(|w| format!("{} {}", w[0], w[1])));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
