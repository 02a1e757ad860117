//! The strategy file: goals, impact metrics and initiatives in a TOML file a person edits.
//!
//! TOML was chosen over YAML because it has one obvious way to write each thing, needs no
//! indentation discipline, and its parser reports exact positions, so every problem can
//! name its line. The format is documented in `docs/strategy-file.md` at the repository
//! root; [`EXAMPLE`] is a complete example that `throughline strategy init` writes out.
//!
//! [`parse`] turns text into a [`Strategy`] after checking it as a whole; every problem
//! found is returned at once (not just the first), each with its line.

mod check;
mod raw;

use std::fmt;

pub use check::{parse, parse_file};
use throughline_model::{Strategy, TeamMapping};

/// A complete, commented example strategy file.
pub const EXAMPLE: &str = include_str!("example.toml");

/// Everything a strategy file holds: the strategy, and the teams its `[[team]]` tables
/// name for work the tracker gives no team.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StrategyFile {
    pub strategy: Strategy,
    pub teams: Vec<TeamMapping>,
}

/// One problem found in a strategy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line the problem is on.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The strategy file could not be accepted; every problem found is listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the strategy file:\n{}", problems.len(), list(problems))]
pub struct StrategyError {
    pub problems: Vec<Problem>,
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}
