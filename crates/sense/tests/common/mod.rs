//! A small synthetic organisation for behaviour tests.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use throughline_model::{
    ContextNote, Goal, Initiative, LinkOrigin, LinkTarget, NoteKind, NoteTarget, Strategy, WorkItem,
};

pub const TOPICS: &[(&str, &str, &str, &[&str])] = &[
    (
        "checkout",
        "Checkout redesign",
        "A faster checkout: cart, payment page and order confirmation",
        &[
            "checkout", "cart", "payment", "order", "coupon", "invoice", "paypal",
        ],
    ),
    (
        "search",
        "Search relevance",
        "Better search ranking: query parsing, index freshness and synonyms",
        &[
            "search",
            "ranking",
            "query",
            "index",
            "synonym",
            "relevance",
            "autocomplete",
        ],
    ),
    (
        "mobile",
        "Mobile app",
        "The iOS and Android apps: onboarding, push notifications, offline mode",
        &[
            "mobile",
            "ios",
            "android",
            "push",
            "notification",
            "offline",
            "onboarding",
        ],
    ),
];

const FILLER: &[&str] = &[
    "update", "handle", "improve", "support", "page", "flow", "error", "user", "screen", "data",
    "service", "config", "value", "state", "logic", "view",
];

/// Deterministic pseudo-random numbers.
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

pub fn strategy() -> Strategy {
    Strategy {
        goals: vec![Goal {
            id: "grow".into(),
            title: "Grow revenue".into(),
            ..Default::default()
        }],
        initiatives: TOPICS
            .iter()
            .map(|(id, title, desc, _)| Initiative {
                id: id.to_string(),
                goals: vec!["grow".into()],
                title: title.to_string(),
                description: desc.to_string(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// An item about topic `t` with `k` topic words and some filler, created on day `day`.
pub fn item(rng: &mut Rng, key: &str, t: usize, k: usize, day: i64) -> WorkItem {
    let mut words = Vec::new();
    for _ in 0..k {
        words.push(rng.pick(TOPICS[t].3));
    }
    for _ in 0..3 {
        words.push(rng.pick(FILLER));
    }
    // Shuffle a little so titles are not all alike.
    let n = words.len();
    for i in (1..n).rev() {
        words.swap(i, rng.below(i + 1));
    }
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: words[..n.min(5)].join(" "),
        description: words.join(" "),
        item_type: Some("Story".into()),
        created: Some(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::days(day),
        ),
        ..Default::default()
    }
}

/// `n` items spread over the topics, all linked explicitly.
pub fn linked_items(n: usize, seed: u64) -> (Vec<WorkItem>, Vec<Option<(LinkTarget, LinkOrigin)>>) {
    let mut rng = Rng::new(seed);
    let mut items = Vec::new();
    let mut labels = Vec::new();
    for i in 0..n {
        let t = i % TOPICS.len();
        items.push(item(&mut rng, &format!("L-{i}"), t, 2, i as i64 / 5));
        labels.push(Some((
            LinkTarget::Initiative(TOPICS[t].0.into()),
            LinkOrigin::Explicit,
        )));
    }
    (items, labels)
}

pub fn note_on(item: &WorkItem, text: &str) -> ContextNote {
    ContextNote {
        target: NoteTarget::Item {
            source: item.source.clone(),
            key: item.key.clone(),
        },
        kind: NoteKind::Why,
        text: text.into(),
        author_team: None,
        author_name: None,
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
    }
}

pub fn plain(key: &str, title: &str, description: &str) -> WorkItem {
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: title.into(),
        description: description.into(),
        ..Default::default()
    }
}
