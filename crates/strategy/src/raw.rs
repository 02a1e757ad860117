//! The file's shape as written, with positions kept so that checks can name lines.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    #[serde(default)]
    pub goal: Vec<Spanned<RawGoal>>,
    #[serde(default)]
    pub metric: Vec<Spanned<RawMetric>>,
    #[serde(default)]
    pub initiative: Vec<Spanned<RawInitiative>>,
    #[serde(default)]
    pub team: Vec<Spanned<RawTeam>>,
}

/// `[[team]]`: the work of these projects and components is this team's when the
/// tracker names no team.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTeam {
    pub name: Spanned<String>,
    #[serde(default)]
    pub projects: Vec<Spanned<String>>,
    #[serde(default)]
    pub components: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGoal {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub description: String,
    pub owner_team: Option<String>,
    pub horizon: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMetric {
    pub id: Spanned<String>,
    pub goal: Spanned<String>,
    pub name: Spanned<String>,
    pub unit: Option<String>,
    pub baseline: Option<Spanned<f64>>,
    pub target: Option<Spanned<f64>>,
    pub direction: Option<Spanned<String>>,
    #[serde(default)]
    pub values: Vec<Spanned<RawValue>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawValue {
    /// A TOML date (`2026-07-01`) or a string holding one.
    pub date: toml::Value,
    pub value: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInitiative {
    pub id: Spanned<String>,
    pub goals: Spanned<Vec<Spanned<String>>>,
    pub title: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub epics: Vec<Spanned<String>>,
    #[serde(default)]
    pub labels: Vec<Spanned<String>>,
    #[serde(default)]
    pub components: Vec<Spanned<String>>,
    #[serde(default)]
    pub milestones: Vec<Spanned<String>>,
    #[serde(default)]
    pub projects: Vec<Spanned<String>>,
    #[serde(default)]
    pub area_paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub iterations: Vec<Spanned<String>>,
    /// First and last day of the timeframe: TOML dates or strings holding one.
    pub starts: Option<Spanned<toml::Value>>,
    pub ends: Option<Spanned<toml::Value>>,
}
