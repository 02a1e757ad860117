//! Turning a work item's text and tracker facts into hashed sparse features.
//!
//! Features are hashed straight into a fixed bucket space (the "hashing trick") so that
//! extraction needs no allocation per token and no vocabulary look-up in a hash map;
//! [`crate::tfidf`] later maps the buckets seen in training onto compact indices.
//!
//! Three blocks are kept apart because they behave differently and are weighted and
//! normalised separately (like a scikit-learn `FeatureUnion`):
//! * words: word unigrams and bigrams of title, description, parent title and notes,
//!   plus title words once more under their own namespace (titles are denser in meaning);
//!   English inflections share a light stem (`blogs`, `blog`), identifiers are kept;
//! * chars: character 3..=5-grams of identifier-like tokens (`SparkCatalog`, `v3.5`,
//!   `FlinkSink`), where organisations' own vocabulary hides;
//! * meta: labels, components, type, team, the parent's link, epic and project, and the
//!   scope a line of the title or description opens with ([`line_scope`]); a target's
//!   own name is read as a scope too, so `Kafka Connect: ...` speaks for `kafka connect`.

use crate::explain::Decider;

/// Number of bits of the bucket space features are hashed into.
pub(crate) const BUCKET_BITS: u32 = 22;
/// Size of the bucket space.
pub(crate) const BUCKETS: usize = 1 << BUCKET_BITS;

/// Which block a feature belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Block {
    Word = 0,
    Char = 1,
    Meta = 2,
}

/// Number of blocks.
pub(crate) const BLOCKS: usize = 3;

// Namespaces keep the same string apart when it appears in different roles.
const NS_WORD: u64 = 0x9e37_79b9_7f4a_7c15;
const NS_TITLE: u64 = 0xc2b2_ae3d_27d4_eb4f;
const NS_BIGRAM: u64 = 0x1656_67b1_9e37_79f9;
const NS_CHAR: u64 = 0x85eb_ca77_c2b2_ae63;
const NS_LABEL: u64 = 0x27d4_eb2f_1656_67c5;
const NS_COMPONENT: u64 = 0x94d0_49bb_1331_11eb;
const NS_TYPE: u64 = 0xbf58_476d_1ce4_e5b9;
const NS_TEAM: u64 = 0x2545_f491_4f6c_dd1d;
const NS_PARENT_LINK: u64 = 0x5851_f42d_4c95_7f2d;
const NS_EPIC: u64 = 0x1405_7b7e_f767_814f;
const NS_PROJECT: u64 = 0x7a6d_76e9_e3b1_c2a5;
const NS_SCOPE: u64 = 0x3c6e_f372_fe94_f82b;

/// Maximum number of characters of a description (or a note) that is read; long
/// descriptions are mostly logs and stack traces, and reading them costs throughput.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 2000;

#[inline]
fn mix(mut h: u64) -> u64 {
    // SplitMix64 finaliser: cheap and well distributed.
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// Streaming FNV-1a over lower-cased characters.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    #[inline]
    fn new(seed: u64) -> Self {
        Fnv(0xcbf2_9ce4_8422_2325 ^ seed)
    }
    #[inline]
    fn push(&mut self, c: char) {
        // Lower-casing per character keeps extraction allocation-free; multi-char
        // lower-case forms (rare) are folded to their first char.
        let c = c.to_lowercase().next().unwrap_or(c);
        let mut v = c as u32;
        loop {
            self.0 ^= u64::from(v & 0xff);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
            v >>= 8;
            if v == 0 {
                break;
            }
        }
    }
    #[inline]
    fn finish(self) -> u64 {
        mix(self.0)
    }
}

/// Hash of a string under a namespace (case-insensitive).
pub(crate) fn hash_str(ns: u64, s: &str) -> u64 {
    let mut h = Fnv::new(ns);
    for c in s.trim().chars() {
        h.push(c);
    }
    h.finish()
}

/// The bucket a hash falls into.
#[inline]
pub(crate) fn bucket(h: u64) -> u32 {
    (h >> (64 - BUCKET_BITS)) as u32
}

/// A token: a span of the original text, and the word parts it splits into.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
}

/// Splits text into tokens: runs of alphanumerics, keeping `_` inside identifiers and
/// `.` between digits (`3.5`, `v1.14`) because versions are meaningful here.
pub(crate) fn tokens(text: &str, out: &mut Vec<Span>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut iter = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((i, c)) = iter.next() {
        let keep = if c.is_alphanumeric() {
            true
        } else if (c == '_' || c == '.') && start.is_some() {
            let next = iter.peek().map(|&(_, n)| n);
            match c {
                '_' => next.is_some_and(|n| n.is_alphanumeric()),
                _ => {
                    prev.is_some_and(|p| p.is_ascii_digit())
                        && next.is_some_and(|n| n.is_ascii_digit())
                }
            }
        } else {
            false
        };
        if keep {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push(Span { start: s, end: i });
        }
        prev = Some(c);
    }
    if let Some(s) = start {
        out.push(Span {
            start: s,
            end: bytes.len(),
        });
    }
}

/// Splits one token into word parts: at `_`, at lower->upper case changes
/// (`SparkCatalog` -> `Spark`, `Catalog`) and at letter<->digit changes (`v3.5` -> `v`,
/// `3.5`).
pub(crate) fn parts(token: &str, out: &mut Vec<Span>) {
    out.clear();
    let mut start = 0usize;
    let mut prev: Option<char> = None;
    let mut iter = token.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == '_' {
            if i > start {
                out.push(Span { start, end: i });
            }
            start = i + 1;
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let digitish = |x: char| x.is_ascii_digit() || x == '.';
            let next_lower = iter.peek().is_some_and(|&(_, n)| n.is_lowercase());
            let split = (p.is_lowercase() && c.is_uppercase())
                // `HTTPServer` -> `HTTP`, `Server`
                || (p.is_uppercase() && c.is_uppercase() && next_lower)
                || (digitish(p) != digitish(c) && (p.is_alphabetic() || c.is_alphabetic()));
            if split && i > start {
                out.push(Span { start, end: i });
                start = i;
            }
        }
        prev = Some(c);
    }
    if token.len() > start {
        out.push(Span {
            start,
            end: token.len(),
        });
    }
}

/// `4.1` of a version token `4.1.2` (or `v4.1.2`), if it has a patch part.
fn minor_version(tok: &str) -> Option<&str> {
    let start = tok.find(|c: char| c.is_ascii_digit())?;
    let v = &tok[start..];
    let mut dots = v.match_indices('.').map(|(i, _)| i);
    let _first = dots.next()?;
    let second = dots.next()?;
    v[..second]
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
        .then(|| &v[..second])
}

/// The version of an area a token names, when it is written otherwise: `4.1` of a
/// release `4.1.2` or `v4.1.2`, `3.4` of `v3.4` (as in a path `spark/v3.4`).
fn area_version(tok: &str) -> Option<&str> {
    if let Some(mm) = minor_version(tok) {
        return Some(mm);
    }
    let bare = tok.strip_prefix(['v', 'V'])?;
    (bare.starts_with(|c: char| c.is_ascii_digit())
        && bare.contains('.')
        && bare.chars().all(|c| c.is_ascii_digit() || c == '.'))
    .then_some(bare)
}

/// Whether a token looks like a code identifier or a version, where character n-grams
/// carry meaning beyond the words.
fn code_like(token: &str) -> bool {
    let mut upper_after_lower = false;
    let mut prev_lower = false;
    for c in token.chars() {
        if c.is_ascii_digit() || c == '_' || c == '.' {
            return true;
        }
        if c.is_uppercase() && prev_lower {
            upper_after_lower = true;
        }
        prev_lower = c.is_lowercase();
    }
    upper_after_lower || token.chars().count() >= 12
}

/// What feature extraction reads from one item. Fields are borrowed so that callers can
/// blank any of them (evaluation hides the field the ground truth came from).
#[derive(Debug, Default, Clone)]
pub(crate) struct Doc<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub labels: &'a [String],
    pub components: &'a [String],
    pub item_type: Option<&'a str>,
    pub team: Option<&'a str>,
    pub parent_title: Option<&'a str>,
    pub parent_target: Option<&'a str>,
    pub epic: Option<&'a str>,
    pub project: Option<&'a str>,
    pub notes: Vec<&'a str>,
    /// The name of the area this document describes (a target's own name, for the
    /// strategy's documents): it reads as the scope an item would be filed under.
    pub area: Option<&'a str>,
}

/// One raw feature occurrence: its bucket, its block, and (for explanations) the
/// word it stems from, as a byte span into the text it was read from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Raw {
    pub bucket: u32,
    pub block: Block,
}

/// A feature occurrence with provenance, for explanations. Borrowed from the item's
/// text so that tracing allocates nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Traced<'a> {
    pub bucket: u32,
    /// Features of the same word (title and body namespaces) share a group.
    pub group: u32,
    /// The word as written.
    pub word: &'a str,
    /// What kind of fact a tracker-fact feature is ("label", ...); empty for words.
    pub what: &'static str,
}

impl Traced<'_> {
    /// How the feature reads in a reason: a tracker fact (label, component, type,
    /// team...) by its kind (`label "tech-debt"`), a word lower-cased, and a scope as
    /// written at the start of a line (`Expected:`, `Spark 3.5:`): "scope Expected"
    /// meant nothing to readers.
    pub fn decider(&self) -> Decider {
        match self.what {
            "" => Decider::Word(self.word.to_lowercase()),
            "scope" => Decider::Word(format!("{}:", self.word.trim())),
            what => Decider::Fact(what, self.word.trim().to_string()),
        }
    }
}

/// Reusable buffers, so that extraction allocates nothing per item in steady state.
#[derive(Default)]
pub(crate) struct Scratch {
    toks: Vec<Span>,
    parts: Vec<Span>,
    chars: Vec<char>,
    prev_word: Option<u64>,
}

/// Truncates text to at most `max` characters, on a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Options of extraction that evaluation and tuning vary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExtractOptions {
    /// Character n-grams of identifier-like tokens in descriptions too, not only titles.
    pub body_char_ngrams: bool,
}

/// Extracts all features of a document into `out` (cleared first). When `trace` is
/// given, every word-level feature is also recorded with the word it stands for.
pub(crate) fn extract<'a>(
    doc: &Doc<'a>,
    opts: ExtractOptions,
    scratch: &mut Scratch,
    out: &mut Vec<Raw>,
    mut trace: Option<&mut Vec<Traced<'a>>>,
) {
    out.clear();
    text_features(doc.title, true, true, scratch, out, trace.as_deref_mut());
    if let Some(sc) = line_scope(doc.title) {
        scope_features(sc, out, trace.as_deref_mut());
    }
    // The description line by line, so that no bigram spans two lines. Trailers that
    // name people (`Co-authored-by: ...`) are skipped: who worked on an item is not
    // what it is about, and the engine never reads the assignee either.
    for line in truncate(doc.description, MAX_DESCRIPTION_CHARS).lines() {
        let scope = line_scope(line);
        if scope.is_some_and(names_a_person) {
            continue;
        }
        if let Some(sc) = scope {
            scope_features(sc, out, trace.as_deref_mut());
        }
        text_features(
            line,
            false,
            opts.body_char_ngrams,
            scratch,
            out,
            trace.as_deref_mut(),
        );
    }
    if let Some(a) = doc.area {
        scope_features(a, out, trace.as_deref_mut());
    }
    if let Some(p) = doc.parent_title {
        text_features(p, false, true, scratch, out, trace.as_deref_mut());
    }
    for n in &doc.notes {
        let n = truncate(n, MAX_DESCRIPTION_CHARS);
        text_features(n, false, false, scratch, out, trace.as_deref_mut());
    }
    let mut meta = |v: &'a str, what: &'static str| {
        if v.trim().is_empty() {
            return;
        }
        push_meta(meta_bucket(what, v), v, what, out, trace.as_deref_mut());
    };
    for l in doc.labels {
        meta(l, "label");
    }
    for c in doc.components {
        meta(c, "component");
    }
    if let Some(t) = doc.item_type {
        meta(t, "type");
    }
    if let Some(t) = doc.team {
        meta(t, "team");
    }
    if let Some(t) = doc.parent_target {
        meta(t, "parent linked to");
    }
    if let Some(t) = doc.epic {
        meta(t, "epic");
    }
    if let Some(t) = doc.project {
        meta(t, "project");
    }
}

/// The namespace of a tracker fact's feature, by its kind as [`Traced::what`] names it
/// ("label", "component", "type", "team", "parent linked to", "epic", "project").
fn fact_ns(what: &str) -> u64 {
    match what {
        "label" => NS_LABEL,
        "component" => NS_COMPONENT,
        "type" => NS_TYPE,
        "team" => NS_TEAM,
        "parent linked to" => NS_PARENT_LINK,
        "epic" => NS_EPIC,
        "project" => NS_PROJECT,
        _ => unreachable!("no tracker fact is called {what}"),
    }
}

/// The full hash of a tracker fact (any case, trimmed), as [`extract`] reads it.
pub(crate) fn fact_hash(what: &str, value: &str) -> u64 {
    hash_str(fact_ns(what), value)
}

/// The bucket of a tracker fact's feature, as [`extract`] hashes it.
pub(crate) fn meta_bucket(what: &str, value: &str) -> u32 {
    bucket(fact_hash(what, value))
}

/// The area a line says it is filed under, when it opens with one: `[Search] ...`,
/// `feat(api): ...`, `Kafka Connect: ...`, or `* Spark 3.5: ...` (the commit list of a
/// squash merge). Authors write these scopes themselves, so they name areas in the
/// organisation's own words.
pub(crate) fn line_scope(line: &str) -> Option<&str> {
    let l = line.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '*' | '-' | '+' | '#' | '>')
    });
    let head = if let Some(rest) = l.strip_prefix('[') {
        &rest[..rest.find(']')?]
    } else {
        let colon = l.find(':')?;
        // A scope prefixes a subject (`Spark: fix ...`); a line ending in a colon is a
        // heading, and `a:b` or `http://` are no scopes.
        if !l[colon + 1..].starts_with(' ') || l[colon + 1..].trim().is_empty() {
            return None;
        }
        let head = &l[..colon];
        // Conventional commits: `type(scope)`.
        match (head.find('('), head.strip_suffix(')')) {
            (Some(open), Some(h)) if open < h.len() => &h[open + 1..],
            _ => head,
        }
    };
    let head = head.trim();
    let ok = head.chars().next().is_some_and(|c| c.is_alphabetic())
        && head.chars().count() <= 30
        && head.split_whitespace().count() <= 3
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-' | ',' | '/'));
    ok.then_some(head)
}

/// The opening of a description as prose for a sentence model: at most `max` characters,
/// lines joined by spaces, without trailers that name people (`Co-authored-by: ...`:
/// who did the work is not what it is about) and without lines that have no word at all
/// (`---------` rules).
pub(crate) fn description_prose(description: &str, max: usize) -> String {
    let mut out = String::new();
    for line in truncate(description, MAX_DESCRIPTION_CHARS).lines() {
        let line = line.trim();
        if !line.chars().any(char::is_alphanumeric) || line_scope(line).is_some_and(names_a_person)
        {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
        if out.chars().count() >= max {
            break;
        }
    }
    truncate(&out, max).to_string()
}

/// Whether a line scope is a trailer naming a person (`Co-authored-by`, `Signed-off-by`,
/// `Reviewed-by`, ...).
fn names_a_person(scope: &str) -> bool {
    !scope.contains(' ')
        && scope.len() > 3
        && scope.as_bytes()[scope.len() - 3..].eq_ignore_ascii_case(b"-by")
}

/// Adds one tracker-fact feature, and when tracing, what it stands for (`word` read as a
/// `what`).
fn push_meta<'a>(
    bucket: u32,
    word: &'a str,
    what: &'static str,
    out: &mut Vec<Raw>,
    trace: Option<&mut Vec<Traced<'a>>>,
) {
    out.push(Raw {
        bucket,
        block: Block::Meta,
    });
    if let Some(t) = trace {
        t.push(Traced {
            bucket,
            group: bucket,
            word,
            what,
        });
    }
}

/// Scope features: the whole scope and, for `Spark 3.4, 3.5`, each listed part.
fn scope_features<'a>(scope: &'a str, out: &mut Vec<Raw>, mut trace: Option<&mut Vec<Traced<'a>>>) {
    let mut push = |s: &'a str| {
        let mut h = Fnv::new(NS_SCOPE);
        // Case and spacing do not make another scope.
        let mut space = false;
        for c in s.trim().chars() {
            if c.is_whitespace() || c == '-' || c == '_' {
                space = true;
                continue;
            }
            if space {
                h.push(' ');
                space = false;
            }
            h.push(c);
        }
        push_meta(bucket(h.finish()), s, "scope", out, trace.as_deref_mut());
    };
    push(scope);
    if scope.contains(',') {
        for part in scope.split(',').filter(|p| !p.trim().is_empty()) {
            push(part);
        }
    }
}

/// A light English stem of a word (`blogs` -> `blog`, `deletes` -> `delete`, `entries`
/// -> `entry`, `reading` -> `read`, `fixed` -> `fix`): the kept prefix and a letter to
/// append. `None` when there is no suffix to strip or the word is not plain ASCII
/// letters (identifiers and other scripts are kept as written).
fn stem(w: &str) -> Option<(&str, Option<char>)> {
    let b = w.as_bytes();
    let n = b.len();
    if n < 4 || !b.iter().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let ends = |suf: &str| b[n - suf.len()..].eq_ignore_ascii_case(suf.as_bytes());
    if n >= 5 && ends("ies") {
        Some((&w[..n - 3], Some('y')))
    } else if ends("sses") {
        Some((&w[..n - 2], None))
    } else if ends("s") && !ends("ss") && !ends("us") && !ends("is") {
        Some((&w[..n - 1], None))
    } else if n >= 6 && ends("ing") {
        Some((&w[..n - 3], None))
    } else if n >= 5 && ends("ed") {
        Some((&w[..n - 2], None))
    } else {
        None
    }
}

fn text_features<'a>(
    text: &'a str,
    is_title: bool,
    char_ngrams: bool,
    scratch: &mut Scratch,
    out: &mut Vec<Raw>,
    mut trace: Option<&mut Vec<Traced<'a>>>,
) {
    let Scratch {
        toks,
        parts: pbuf,
        chars,
        prev_word,
    } = scratch;
    tokens(text, toks);
    *prev_word = None;
    for t in toks.iter() {
        let tok = &text[t.start..t.end];
        parts(tok, pbuf);
        let push_word =
            |w: &'a str, out: &mut Vec<Raw>, trace: &mut Option<&mut Vec<Traced<'a>>>| {
                // Inflections of a word are one feature: short texts rarely repeat a
                // word in the same form.
                let mut h = Fnv::new(0);
                match stem(w) {
                    Some((prefix, extra)) => prefix.chars().chain(extra).for_each(|c| h.push(c)),
                    None => w.chars().for_each(|c| h.push(c)),
                }
                let base = h.finish();
                let b = bucket(base ^ NS_WORD);
                out.push(Raw {
                    bucket: b,
                    block: Block::Word,
                });
                let tb = bucket(mix(base ^ NS_TITLE));
                if is_title {
                    out.push(Raw {
                        bucket: tb,
                        block: Block::Word,
                    });
                }
                if let Some(tr) = trace.as_deref_mut() {
                    if is_title {
                        tr.push(Traced {
                            bucket: tb,
                            group: b,
                            word: w,
                            what: "",
                        });
                    }
                    tr.push(Traced {
                        bucket: b,
                        group: b,
                        word: w,
                        what: "",
                    });
                }
                base
            };
        let whole = push_word(tok, out, &mut trace);
        // A release `4.1.2` also speaks of `4.1` (initiatives name minor versions).
        if let Some(mm) = minor_version(tok) {
            push_word(mm, out, &mut trace);
        }
        if pbuf.len() > 1 {
            for p in pbuf.iter() {
                let w = &tok[p.start..p.end];
                if w.chars().count() > 1 {
                    push_word(w, out, &mut trace);
                }
            }
        }
        // Bigrams over whole tokens, in order; `Spark 3.5.9` and `spark/v3.5` also
        // read as `spark 3.5`, the way a versioned area is named.
        if let Some(pw) = *prev_word {
            let version = area_version(tok).map(|v| {
                let mut h = Fnv::new(0);
                v.chars().for_each(|c| h.push(c));
                h.finish()
            });
            for w in std::iter::once(whole).chain(version) {
                out.push(Raw {
                    bucket: bucket(mix(pw.rotate_left(17) ^ w ^ NS_BIGRAM)),
                    block: Block::Word,
                });
            }
        }
        *prev_word = Some(whole);
        if char_ngrams && (is_title || code_like(tok)) {
            chars.clear();
            chars.push(' ');
            chars.extend(tok.chars());
            chars.push(' ');
            for s in 0..chars.len() {
                let mut h = Fnv::new(NS_CHAR);
                for (k, &c) in chars[s..].iter().enumerate().take(5) {
                    h.push(c);
                    if k >= 2 {
                        out.push(Raw {
                            bucket: bucket(h.finish()),
                            block: Block::Char,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_prose_drops_people_and_rules() {
        let d = "* Spark: add a flag\n\n---------\nCo-authored-by: Ann Lee <ann@example.com>\nSigned-off-by: Bo\nKeeps the old path.";
        assert_eq!(
            description_prose(d, 300),
            "* Spark: add a flag Keeps the old path."
        );
        assert_eq!(description_prose(d, 10), "* Spark: a");
        assert_eq!(description_prose("", 10), "");
    }

    fn words(text: &str) -> Vec<&str> {
        let mut v = Vec::new();
        tokens(text, &mut v);
        v.iter().map(|s| &text[s.start..s.end]).collect()
    }

    /// The features of one document.
    fn raw(d: &Doc<'_>, body_char_ngrams: bool) -> Vec<Raw> {
        let mut out = Vec::new();
        let o = ExtractOptions { body_char_ngrams };
        extract(d, o, &mut Scratch::default(), &mut out, None);
        out
    }

    /// The buckets of the features of one block (of every block with `None`), in order.
    fn buckets(v: &[Raw], block: Option<Block>) -> Vec<u32> {
        v.iter()
            .filter(|r| block.is_none_or(|b| r.block == b))
            .map(|r| r.bucket)
            .collect()
    }

    fn title(t: &str) -> Doc<'_> {
        Doc {
            title: t,
            ..Default::default()
        }
    }

    #[test]
    fn tokens_keep_versions_and_identifiers() {
        assert_eq!(
            words("Bump spark to 3.5. Fix SparkCatalog_x, naïve café!"),
            vec![
                "Bump",
                "spark",
                "to",
                "3.5",
                "Fix",
                "SparkCatalog_x",
                "naïve",
                "café"
            ]
        );
        assert!(words("").is_empty());
        assert!(words("... --- !!!").is_empty());
    }

    #[test]
    fn parts_split_camel_case_and_digits() {
        let t = "HTTPServerV3.5_sink";
        let mut v = Vec::new();
        parts(t, &mut v);
        let p: Vec<&str> = v.iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(p, vec!["HTTP", "Server", "V", "3.5", "sink"]);
    }

    #[test]
    fn a_scope_reads_in_a_reason_as_it_opens_its_line() {
        let doc = Doc {
            title: "[Search] Synonyms",
            description: "Expected: one result",
            ..Default::default()
        };
        let (mut scratch, mut out, mut trace) = (Scratch::default(), Vec::new(), Vec::new());
        let opts = ExtractOptions {
            body_char_ngrams: false,
        };
        extract(&doc, opts, &mut scratch, &mut out, Some(&mut trace));
        let shown: Vec<String> = trace
            .iter()
            .map(|t| match t.decider() {
                Decider::Word(w) => w,
                Decider::Fact(what, v) => format!("{what} {v}"),
            })
            .collect();
        for want in ["Search:", "Expected:", "synonyms"] {
            assert!(shown.iter().any(|s| s == want), "{want} in {shown:?}");
        }
        assert!(!shown.iter().any(|s| s.starts_with("scope")), "{shown:?}");
    }

    #[test]
    fn scopes_are_read_from_line_openings() {
        assert_eq!(line_scope("Spark 3.5: fix reads"), Some("Spark 3.5"));
        assert_eq!(
            line_scope("* Kafka Connect: validate offsets"),
            Some("Kafka Connect")
        );
        assert_eq!(line_scope("feat(api): add scans"), Some("api"));
        assert_eq!(line_scope("[Search] Synonyms"), Some("Search"));
        assert_eq!(
            line_scope("Spark 3.4, 3.5: backport"),
            Some("Spark 3.4, 3.5")
        );
        // Headings, URLs, key:value and prose are no scopes.
        assert_eq!(line_scope("Steps to reproduce:"), None);
        assert_eq!(line_scope("see https://example.com: it"), None);
        assert_eq!(line_scope("a:b"), None);
        assert_eq!(line_scope("This is a long sentence: with a colon"), None);
        assert_eq!(line_scope("2024-01-01: release"), None);
        assert_eq!(line_scope("[unclosed tag"), None);
    }

    #[test]
    fn releases_and_paths_name_their_area_version() {
        assert_eq!(area_version("3.5.9"), Some("3.5"));
        assert_eq!(area_version("v4.1.2"), Some("4.1"));
        assert_eq!(area_version("v3.4"), Some("3.4"));
        assert_eq!(area_version("3.4"), None);
        assert_eq!(area_version("v2"), None);
        assert_eq!(area_version("version"), None);
        let words = |t: &str| -> std::collections::HashSet<u32> {
            buckets(&raw(&title(t), true), Some(Block::Word))
                .into_iter()
                .collect()
        };
        // Every word feature of the area's name (words and bigram) is in the release.
        assert!(words("Spark 3.5").is_subset(&words("Upgrade to Spark 3.5.9")));
    }

    #[test]
    fn inflections_share_a_stem() {
        let st = |w: &str| {
            stem(w).map(|(p, e)| format!("{p}{}", e.map(String::from).unwrap_or_default()))
        };
        assert_eq!(st("blogs").as_deref(), Some("blog"));
        assert_eq!(st("Entries").as_deref(), Some("Entry"));
        assert_eq!(st("reading").as_deref(), Some("read"));
        assert_eq!(st("classes").as_deref(), Some("class"));
        assert_eq!(st("status"), None);
        assert_eq!(st("class"), None);
        assert_eq!(st("is"), None);
        assert_eq!(st("café"), None);
        assert_eq!(st("row_ids"), None);
        // Word features agree (character n-grams keep the surface form).
        let words = |t: &str| buckets(&raw(&title(t), false), Some(Block::Word));
        assert_eq!(words("fixed blog posts"), words("fixing blog post"));
    }

    #[test]
    fn trailers_naming_people_are_not_read() {
        let d = Doc {
            title: "Fix reads",
            description: "Faster.\n\nCo-authored-by: Ada Lovelace <ada@example.com>\nSigned-off-by: Bob",
            ..Default::default()
        };
        let without = Doc {
            description: "Faster.\n",
            ..d.clone()
        };
        assert_eq!(
            buckets(&raw(&d, true), None),
            buckets(&raw(&without, true), None)
        );
        assert!(names_a_person("Co-authored-by") && !names_a_person("Spark 3.5"));
    }

    #[test]
    fn a_scope_matches_the_area_of_the_same_name() {
        let d = Doc {
            title: "fix reads",
            description: "* Kafka  connect: fix reads",
            ..Default::default()
        };
        let a = Doc {
            area: Some("kafka-connect"),
            ..Default::default()
        };
        let (item, area) = (raw(&d, true), raw(&a, true));
        let meta = |v: &[Raw]| buckets(v, Some(Block::Meta));
        assert_eq!(meta(&area).len(), 1);
        assert!(meta(&item).contains(&meta(&area)[0]));
    }

    #[test]
    fn extraction_is_case_insensitive() {
        let b = |t: &str| buckets(&raw(&title(t), true), None);
        assert_eq!(b("Snapshot Manifest"), b("snapshot manifest"));
    }
}
