//! Context notes: what the people doing the work say about it, carried upward unfiltered.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What a note is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoteTarget {
    Item { source: String, key: String },
    Initiative { id: String },
    Goal { id: String },
}

/// What kind of context a note gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Why,
    TradeOff,
    Learning,
    Risk,
    CustomerSignal,
}

impl NoteKind {
    pub const ALL: [NoteKind; 5] = [
        NoteKind::Why,
        NoteKind::TradeOff,
        NoteKind::Learning,
        NoteKind::Risk,
        NoteKind::CustomerSignal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Why => "why",
            NoteKind::TradeOff => "trade_off",
            NoteKind::Learning => "learning",
            NoteKind::Risk => "risk",
            NoteKind::CustomerSignal => "customer_signal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        NoteKind::ALL.into_iter().find(|k| k.as_str() == norm)
    }
}

/// A piece of context from someone close to the work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextNote {
    pub target: NoteTarget,
    pub kind: NoteKind,
    pub text: String,
    /// The author's team; notes are aggregated by team, never by person.
    #[serde(default)]
    pub author_team: Option<String>,
    /// Optional, and never shown in aggregates.
    #[serde(default)]
    pub author_name: Option<String>,
    pub date: NaiveDate,
}
