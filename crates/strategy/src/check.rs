//! Parsing plus the whole-file checks: ids, references, numbers, selector clashes.

use std::collections::HashMap;
use std::ops::Range;

use chrono::NaiveDate;
use throughline_model::{
    Direction, Goal, Initiative, Metric, MetricValue, Selectors, Strategy, TeamMapping,
};
use toml::Spanned;

use crate::raw::{RawFile, RawInitiative, RawMetric, RawTeam};
use crate::{Problem, StrategyError, StrategyFile};

/// Parses a strategy file and checks it as a whole: duplicate ids, unknown goal
/// references, invalid numbers and directions, selectors claimed by two initiatives.
/// Returns every problem found, each with its line. (The file's `[[team]]` tables are
/// checked too; [`parse_file`] returns them.)
pub fn parse(text: &str) -> Result<Strategy, StrategyError> {
    parse_file(text).map(|f| f.strategy)
}

/// Parses a strategy file as [`parse`] does, with its `[[team]]` tables: the teams the
/// work of some projects and components belongs to when the tracker names none.
pub fn parse_file(text: &str) -> Result<StrategyFile, StrategyError> {
    let lines = LineIndex::new(text);
    let raw: RawFile = toml::from_str(text).map_err(|e| StrategyError {
        problems: vec![Problem {
            line: e.span().map_or(1, |s| lines.line(s.start)),
            message: e.message().trim().to_string(),
        }],
    })?;
    let mut c = Checker {
        lines,
        problems: Vec::new(),
    };
    let teams = raw.team.into_iter().map(Spanned::into_inner).collect();
    let teams = c.teams(teams);
    let strategy = c.build(raw.goal, raw.metric, raw.initiative);
    if c.problems.is_empty() {
        Ok(StrategyFile { strategy, teams })
    } else {
        c.problems.sort_by_key(|p| p.line);
        Err(StrategyError {
            problems: c.problems,
        })
    }
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

struct Checker {
    lines: LineIndex,
    problems: Vec<Problem>,
}

impl Checker {
    fn problem(&mut self, span: Range<usize>, message: String) {
        let line = self.lines.line(span.start);
        self.problems.push(Problem { line, message });
    }

    fn build(
        &mut self,
        raw_goals: Vec<Spanned<crate::raw::RawGoal>>,
        raw_metrics: Vec<Spanned<RawMetric>>,
        raw_initiatives: Vec<Spanned<RawInitiative>>,
    ) -> Strategy {
        let mut goal_ids: HashMap<String, Range<usize>> = HashMap::new();
        let mut goals = Vec::new();
        for g in raw_goals {
            let g = g.into_inner();
            self.check_id("goal", &g.id, &mut goal_ids);
            self.check_text("goal", "title", &g.title);
            goals.push(Goal {
                id: g.id.into_inner(),
                title: g.title.into_inner(),
                description: g.description,
                owner_team: g.owner_team,
                horizon: g.horizon,
            });
        }

        let mut metric_ids = HashMap::new();
        let metrics = raw_metrics
            .into_iter()
            .map(|m| self.metric(m.into_inner(), &goal_ids, &mut metric_ids))
            .collect();

        let mut initiative_ids = HashMap::new();
        let mut claimed: HashMap<(&'static str, String), String> = HashMap::new();
        let initiatives = raw_initiatives
            .into_iter()
            .map(|i| self.initiative(i.into_inner(), &goal_ids, &mut initiative_ids, &mut claimed))
            .collect();

        Strategy {
            goals,
            metrics,
            initiatives,
        }
    }

    /// `[[team]]` tables: a name, and the projects and components whose work is the
    /// team's; a value mapped to two teams would make an item's team depend on file
    /// order, so it is refused, as a selector claimed twice is.
    fn teams(&mut self, raw: Vec<RawTeam>) -> Vec<TeamMapping> {
        let mut names: HashMap<String, Range<usize>> = HashMap::new();
        let mut mapped: HashMap<(&'static str, String), String> = HashMap::new();
        let mut out = Vec::new();
        for t in raw {
            let name = t.name.get_ref().trim().to_string();
            let owner = format!("team `{name}`");
            if name.is_empty() {
                self.problem(t.name.span(), "team name is empty".into());
            } else if let Some(first) = names.get(&name.to_lowercase()) {
                let first_line = self.lines.line(first.start);
                self.problem(
                    t.name.span(),
                    format!("duplicate team `{name}` (first defined on line {first_line})"),
                );
            } else {
                names.insert(name.to_lowercase(), t.name.span());
            }
            if t.projects.is_empty() && t.components.is_empty() {
                self.problem(
                    t.name.span(),
                    format!("{owner} maps no work: list `projects` or `components`"),
                );
            }
            let mut take = |kind: &'static str, values: Vec<Spanned<String>>, c: &mut Self| {
                values
                    .into_iter()
                    .filter_map(|v| {
                        let span = v.span();
                        let value = v.into_inner().trim().to_string();
                        if value.is_empty() {
                            c.problem(span, format!("{owner}: empty value in `{kind}`"));
                            return None;
                        }
                        match mapped.get(&(kind, value.to_lowercase())) {
                            Some(other) if !other.eq_ignore_ascii_case(&name) => c.problem(
                                span,
                                format!(
                                    "{owner}: {kind} `{value}` is already mapped to team `{other}`"
                                ),
                            ),
                            _ => {
                                mapped.insert((kind, value.to_lowercase()), name.clone());
                            }
                        }
                        Some(value)
                    })
                    .collect()
            };
            let projects = take("projects", t.projects, self);
            let components = take("components", t.components, self);
            out.push(TeamMapping {
                name,
                projects,
                components,
            });
        }
        out
    }

    fn check_id(
        &mut self,
        what: &str,
        id: &Spanned<String>,
        seen: &mut HashMap<String, Range<usize>>,
    ) {
        let value = id.get_ref();
        if value.is_empty() {
            self.problem(id.span(), format!("{what} id is empty"));
        } else if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            self.problem(
                id.span(),
                format!("{what} id `{value}` may only hold letters, digits, `-`, `_` and `.`"),
            );
        }
        if let Some(first) = seen.get(value) {
            let first_line = self.lines.line(first.start);
            self.problem(
                id.span(),
                format!("duplicate {what} id `{value}` (first defined on line {first_line})"),
            );
        } else {
            seen.insert(value.clone(), id.span());
        }
    }

    fn check_text(&mut self, what: &str, field: &str, text: &Spanned<String>) {
        if text.get_ref().trim().is_empty() {
            self.problem(text.span(), format!("{what} {field} is empty"));
        }
    }

    fn check_goal_ref(
        &mut self,
        owner: &str,
        goal: &Spanned<String>,
        goals: &HashMap<String, Range<usize>>,
    ) {
        if !goals.contains_key(goal.get_ref()) {
            let mut known: Vec<_> = goals.keys().map(String::as_str).collect();
            known.sort_unstable();
            self.problem(
                goal.span(),
                format!(
                    "{owner} refers to unknown goal `{}` (known goals: {})",
                    goal.get_ref(),
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            );
        }
    }

    fn metric(
        &mut self,
        m: RawMetric,
        goals: &HashMap<String, Range<usize>>,
        seen: &mut HashMap<String, Range<usize>>,
    ) -> Metric {
        self.check_id("metric", &m.id, seen);
        self.check_text("metric", "name", &m.name);
        let owner = format!("metric `{}`", m.id.get_ref());
        self.check_goal_ref(&owner, &m.goal, goals);
        for n in [&m.baseline, &m.target].into_iter().flatten() {
            if !n.get_ref().is_finite() {
                self.problem(n.span(), format!("{owner}: numbers must be finite"));
            }
        }
        let direction = match &m.direction {
            None => Direction::Increase,
            Some(d) => match d.get_ref().trim().to_ascii_lowercase().as_str() {
                "increase" | "up" => Direction::Increase,
                "decrease" | "down" => Direction::Decrease,
                "maintain" | "hold" => Direction::Maintain,
                other => {
                    self.problem(
                        d.span(),
                        format!("{owner}: direction `{other}` is not one of increase, decrease, maintain"),
                    );
                    Direction::Increase
                }
            },
        };
        if let (Some(b), Some(t)) = (&m.baseline, &m.target) {
            let (b, t) = (*b.get_ref(), *t.get_ref());
            let wrong_way = match direction {
                Direction::Increase => t < b,
                Direction::Decrease => t > b,
                Direction::Maintain => false,
            };
            if wrong_way {
                self.problem(
                    m.target.as_ref().map_or(0..0, Spanned::span),
                    format!(
                        "{owner}: target {t} is on the wrong side of baseline {b} for direction `{}`",
                        direction.as_str()
                    ),
                );
            }
        }
        let mut values = Vec::new();
        for v in m.values {
            let span = v.span();
            let v = v.into_inner();
            match self.date(&owner, &v.date, span.clone()) {
                Some(date) if v.value.is_finite() => values.push(MetricValue {
                    date,
                    value: v.value,
                }),
                Some(_) => self.problem(span, format!("{owner}: value must be a finite number")),
                None => {}
            }
        }
        values.sort_by_key(|v| v.date);
        Metric {
            id: m.id.into_inner(),
            goal: m.goal.into_inner(),
            name: m.name.into_inner(),
            unit: m.unit,
            baseline: m.baseline.map(Spanned::into_inner),
            target: m.target.map(Spanned::into_inner),
            direction,
            values,
        }
    }

    /// A TOML date (`2026-07-01`) or a string holding one; a problem otherwise.
    fn date(&mut self, owner: &str, value: &toml::Value, span: Range<usize>) -> Option<NaiveDate> {
        let text = match value {
            toml::Value::Datetime(d) => d.to_string(),
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        if date.is_none() {
            self.problem(span, format!("{owner}: date `{text}` is not YYYY-MM-DD"));
        }
        date
    }

    fn initiative(
        &mut self,
        i: RawInitiative,
        goals: &HashMap<String, Range<usize>>,
        seen: &mut HashMap<String, Range<usize>>,
        claimed: &mut HashMap<(&'static str, String), String>,
    ) -> Initiative {
        self.check_id("initiative", &i.id, seen);
        self.check_text("initiative", "title", &i.title);
        let id = i.id.get_ref().clone();
        let owner = format!("initiative `{id}`");
        if i.goals.get_ref().is_empty() {
            self.problem(
                i.goals.span(),
                format!("{owner} serves no goal: list at least one in `goals`"),
            );
        }
        for g in i.goals.get_ref() {
            self.check_goal_ref(&owner, g, goals);
        }
        // A selector value claimed by two initiatives would make explicit links depend on
        // file order; refuse it so the person decides.
        let mut take = |kind: &'static str,
                        values: Vec<Spanned<String>>,
                        c: &mut Self|
         -> Vec<String> {
            values
                .into_iter()
                .filter_map(|v| {
                    let span = v.span();
                    let value = v.into_inner().trim().to_string();
                    if value.is_empty() {
                        c.problem(span, format!("{owner}: empty value in `{kind}`"));
                        return None;
                    }
                    let tree = matches!(kind, "area_paths" | "iterations");
                    let levels: Vec<&str> = value
                        .trim_end_matches('\\')
                        .split('\\')
                        .map(str::trim)
                        .collect();
                    if tree && levels.iter().any(|l| l.is_empty()) {
                        // `Shop\\Checkout` in a TOML literal string is two separators.
                        c.problem(
                            span,
                            format!(
                                "{owner}: {kind} `{value}` has an empty level: separate levels \
                                 with one `\\` ('Shop\\Checkout' in single quotes, or \
                                 \"Shop\\\\Checkout\")"
                            ),
                        );
                        return None;
                    }
                    // Paths are claimed as Boards reads them: spaces around `\\` and a
                    // trailing one do not make another area.
                    let claim = if tree { levels.join("\\") } else { value.clone() };
                    let k = (kind, claim.to_lowercase());
                    match claimed.get(&k) {
                        Some(other) if *other != id => c.problem(
                            span,
                            format!("{owner}: {kind} `{value}` is already selected by initiative `{other}`"),
                        ),
                        _ => {
                            claimed.insert(k, id.clone());
                        }
                    }
                    Some(value)
                })
                .collect()
        };
        let day = |v: &Option<Spanned<toml::Value>>, c: &mut Self| {
            v.as_ref()
                .and_then(|v| c.date(&owner, v.get_ref(), v.span()))
        };
        let starts = day(&i.starts, self);
        let ends = day(&i.ends, self);
        if let (Some(s), Some(e), Some(at)) = (starts, ends, &i.ends)
            && e < s
        {
            self.problem(
                at.span(),
                format!("{owner}: `ends` ({e}) is before `starts` ({s})"),
            );
        }
        let selectors = Selectors {
            epics: take("epics", i.epics, self),
            labels: take("labels", i.labels, self),
            components: take("components", i.components, self),
            milestones: take("milestones", i.milestones, self),
            projects: take("projects", i.projects, self),
            area_paths: take("area_paths", i.area_paths, self),
            iterations: take("iterations", i.iterations, self),
        };
        Initiative {
            id,
            goals: i
                .goals
                .into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect(),
            title: i.title.into_inner(),
            description: i.description,
            selectors,
            starts,
            ends,
        }
    }
}
