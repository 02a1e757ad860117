//! Throughline's demo organisation: a deterministic generator of a realistic strategy and
//! tracker exports.
//!
//! [`generate`] draws a fictional mid-sized B2B SaaS company (six teams, five goals for
//! 2026-H2, eleven impact metrics, sixteen initiatives) and about 3,000 work items, and
//! renders them in the formats users bring: a strategy file, a Jira REST search export,
//! a Linear CSV export, a context-notes CSV and a metric-values CSV.
//! [`Demo::write_to_dir`] writes them to a folder so `throughline demo` can import them
//! through the ordinary importers.
//!
//! The same [`DemoConfig`] always gives byte-identical output: randomness comes from a
//! fixed SplitMix64 generator ([`rng`]), never from the platform or a crate's version.
//!
//! The generator also keeps its ground truth ([`Demo::truth`]): what each item really
//! serves, so tests and evaluations can check what an engine infers against it. Planted
//! on purpose: about half the work linked explicitly, a sixth serving an initiative with
//! no link, the rest off plan; the Payments team's off-plan share jumping in the last four
//! weeks (incidents and an enterprise escalation wave); and one initiative
//! (`local-payment-methods`) with no new work in the last six weeks.

#![warn(missing_docs)]

pub mod items;
pub mod jira_json;
pub mod linear_csv;
pub mod metrics;
pub mod notes;
pub mod org;
pub mod rng;
pub mod text;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use throughline_model::OffPlanReason;

pub use items::Intent;

use items::{Clock, Kind};
use org::{INITIATIVES, PAYMENTS, TEAMS};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// Number of tracker items, epics and sub-tasks included.
    pub items: usize,
    /// First day of the period.
    pub start: NaiveDate,
    /// Last day of the period: the demo's "today", when the exports were taken.
    pub end: NaiveDate,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 2026,
            items: 3000,
            start: NaiveDate::from_ymd_opt(2026, 5, 25).expect("valid date"),
            end: NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date"),
        }
    }
}

/// The ground truth for one generated item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// `jira` or `linear`.
    pub source: &'static str,
    /// Tracker key.
    pub key: String,
    /// Team name.
    pub team: &'static str,
    /// Day created.
    pub created: NaiveDate,
    /// What it really is.
    pub intent: Intent,
    /// Whether it is an epic (a container, not counted as work).
    pub is_epic: bool,
}

/// Counts describing a generated demo.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoStats {
    /// All tracker items, epics included.
    pub items: usize,
    /// Items in Jira.
    pub jira_items: usize,
    /// Items in Linear.
    pub linear_items: usize,
    /// Items per team, in team order.
    pub per_team: Vec<(String, usize)>,
    /// Epics.
    pub epics: usize,
    /// Sub-tasks and sub-issues.
    pub subtasks: usize,
    /// Work items (everything but epics): the base of the shares below.
    pub work_items: usize,
    /// Work tied to an initiative by a selector.
    pub linked: usize,
    /// Work serving an initiative with no selector (planted for inference).
    pub unlinked_aligned: usize,
    /// Work serving no goal.
    pub off_plan: usize,
    /// Off-plan work by reason.
    pub off_plan_by_reason: Vec<(OffPlanReason, usize)>,
    /// Work that could be read either way.
    pub ambiguous: usize,
    /// Payments' off-plan share of work created before the last four weeks.
    pub payments_off_plan_before: f64,
    /// Payments' off-plan share of work created in the last four weeks.
    pub payments_off_plan_last_4w: f64,
    /// The initiative with no new work in the last six weeks.
    pub stalled_initiative: String,
    /// Context notes.
    pub notes: usize,
    /// Metric observations.
    pub metric_values: usize,
}

impl DemoStats {
    /// `part` as a percentage of work items.
    pub fn share(&self, part: usize) -> f64 {
        if self.work_items == 0 {
            0.0
        } else {
            100.0 * part as f64 / self.work_items as f64
        }
    }
}

impl fmt::Display for DemoStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} tracker items ({} in Jira, {} in Linear): {} epics, {} sub-tasks",
            self.items, self.jira_items, self.linear_items, self.epics, self.subtasks
        )?;
        let teams: Vec<String> = self
            .per_team
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        writeln!(f, "per team: {}", teams.join(", "))?;
        writeln!(
            f,
            "planted: {} linked ({:.0}%), {} unlinked but aligned ({:.0}%), {} off plan ({:.0}%), {} ambiguous",
            self.linked,
            self.share(self.linked),
            self.unlinked_aligned,
            self.share(self.unlinked_aligned),
            self.off_plan,
            self.share(self.off_plan),
            self.ambiguous
        )?;
        let reasons: Vec<String> = self
            .off_plan_by_reason
            .iter()
            .map(|(r, n)| format!("{} {n}", r.label()))
            .collect();
        writeln!(f, "off plan by reason: {}", reasons.join(", "))?;
        writeln!(
            f,
            "early signals: Payments off plan {:.0}% -> {:.0}% in the last 4 weeks; `{}` has no new work in 6 weeks",
            100.0 * self.payments_off_plan_before,
            100.0 * self.payments_off_plan_last_4w,
            self.stalled_initiative
        )?;
        write!(
            f,
            "{} context notes, {} metric values",
            self.notes, self.metric_values
        )
    }
}

/// A generated demo: file contents, ground truth and counts.
#[derive(Debug, Clone)]
pub struct Demo {
    /// The strategy file.
    pub strategy_toml: String,
    /// Jira REST API v2 search response pages (a JSON array).
    pub jira_json: String,
    /// Linear CSV export.
    pub linear_csv: String,
    /// Context notes CSV.
    pub notes_csv: String,
    /// Metric values CSV.
    pub metrics_csv: String,
    /// Counts.
    pub stats: DemoStats,
    /// What every item really is, in creation order.
    pub truth: Vec<Planted>,
}

/// Where [`Demo::write_to_dir`] put each file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFiles {
    /// `strategy.toml`.
    pub strategy: PathBuf,
    /// `jira.json`.
    pub jira: PathBuf,
    /// `linear.csv`.
    pub linear: PathBuf,
    /// `notes.csv`.
    pub notes: PathBuf,
    /// `metrics.csv`.
    pub metrics: PathBuf,
}

impl Demo {
    /// Writes the five files into `dir` (created if missing), replacing earlier ones.
    pub fn write_to_dir(&self, dir: &Path) -> io::Result<DemoFiles> {
        std::fs::create_dir_all(dir)?;
        let files = DemoFiles {
            strategy: dir.join("strategy.toml"),
            jira: dir.join("jira.json"),
            linear: dir.join("linear.csv"),
            notes: dir.join("notes.csv"),
            metrics: dir.join("metrics.csv"),
        };
        std::fs::write(&files.strategy, &self.strategy_toml)?;
        std::fs::write(&files.jira, &self.jira_json)?;
        std::fs::write(&files.linear, &self.linear_csv)?;
        std::fs::write(&files.notes, &self.notes_csv)?;
        std::fs::write(&files.metrics, &self.metrics_csv)?;
        Ok(files)
    }

    /// The ground truth as CSV (`source,key,team,created,truth,initiative_or_reason`), for
    /// scoring an engine's inferences. Not written by [`Demo::write_to_dir`].
    pub fn truth_csv(&self) -> String {
        let mut s = String::from("source,key,team,created,truth,target\n");
        for p in &self.truth {
            let (truth, target) = match p.intent {
                Intent::Container => ("epic", String::new()),
                Intent::Linked(i) => ("linked", i.to_string()),
                Intent::Aligned(i) => ("unlinked_aligned", i.to_string()),
                Intent::OffPlan(r) => ("off_plan", r.as_str().to_string()),
                Intent::Ambiguous => ("ambiguous", String::new()),
            };
            s.push_str(&format!(
                "{},{},{},{},{truth},{target}\n",
                p.source, p.key, p.team, p.created
            ));
        }
        s
    }
}

/// Generates the demo described by `cfg`, and writes it into `dir`.
pub fn write_demo(cfg: &DemoConfig, dir: &Path) -> io::Result<(Demo, DemoFiles)> {
    let demo = generate(cfg);
    let files = demo.write_to_dir(dir)?;
    Ok((demo, files))
}

/// Generates the demo described by `cfg`. Same config, same bytes.
pub fn generate(cfg: &DemoConfig) -> Demo {
    let root = rng::Rng::new(cfg.seed);
    let clock = Clock::new(cfg);
    let items = items::generate(cfg, &root);

    let epic_keys: Vec<Vec<String>> = (0..INITIATIVES.len())
        .map(|i| {
            items
                .iter()
                .filter(|it| it.kind == Kind::Epic && it.initiative == Some(i))
                .map(|it| it.key.clone())
                .collect()
        })
        .collect();
    let notes = notes::generate(&root, &clock, &items);
    let values = metrics::generate(&root, &clock);

    let truth: Vec<Planted> = items
        .iter()
        .map(|it| Planted {
            source: it.source(),
            key: it.key.clone(),
            team: TEAMS[it.team].name,
            created: it.created.date(),
            intent: it.intent,
            is_epic: it.kind == Kind::Epic,
        })
        .collect();
    let stats = stats(&clock, &items, notes.len(), values.len());

    Demo {
        strategy_toml: org::strategy_toml(&epic_keys),
        jira_json: jira_json::render(&clock, &items),
        linear_csv: linear_csv::render(&clock, &items),
        notes_csv: notes::render(&notes),
        metrics_csv: metrics::render(&values),
        stats,
        truth,
    }
}

fn stats(clock: &Clock, items: &[items::Item], notes: usize, metric_values: usize) -> DemoStats {
    let work: Vec<&items::Item> = items.iter().filter(|i| i.kind != Kind::Epic).collect();
    let count = |f: &dyn Fn(&items::Item) -> bool| work.iter().filter(|i| f(i)).count();
    let payments_share = |late: bool| {
        let p: Vec<&&items::Item> = work
            .iter()
            .filter(|i| i.team == PAYMENTS && (i.created.date() >= clock.wave_start()) == late)
            .collect();
        let off = p
            .iter()
            .filter(|i| matches!(i.intent, Intent::OffPlan(_)))
            .count();
        if p.is_empty() {
            0.0
        } else {
            off as f64 / p.len() as f64
        }
    };
    let stalled = INITIATIVES
        .iter()
        .find(|i| i.stalls)
        .map_or(String::new(), |i| i.id.to_string());
    debug_assert!(items.iter().all(|i| {
        !(i.initiative.is_some_and(|k| INITIATIVES[k].stalls)
            && i.kind != Kind::Epic
            && matches!(i.intent, Intent::Linked(_) | Intent::Aligned(_))
            && i.created.date() > clock.end - Duration::days(42))
    }));
    DemoStats {
        items: items.len(),
        jira_items: items.iter().filter(|i| i.source() == "jira").count(),
        linear_items: items.iter().filter(|i| i.source() == "linear").count(),
        per_team: TEAMS
            .iter()
            .enumerate()
            .map(|(t, team)| {
                (
                    team.name.to_string(),
                    items.iter().filter(|i| i.team == t).count(),
                )
            })
            .collect(),
        epics: items.len() - work.len(),
        subtasks: count(&|i| i.kind == Kind::SubTask),
        work_items: work.len(),
        linked: count(&|i| matches!(i.intent, Intent::Linked(_))),
        unlinked_aligned: count(&|i| matches!(i.intent, Intent::Aligned(_))),
        off_plan: count(&|i| matches!(i.intent, Intent::OffPlan(_))),
        off_plan_by_reason: OffPlanReason::ALL
            .iter()
            .map(|r| (*r, count(&|i| i.intent == Intent::OffPlan(*r))))
            .collect(),
        ambiguous: count(&|i| i.intent == Intent::Ambiguous),
        payments_off_plan_before: payments_share(false),
        payments_off_plan_last_4w: payments_share(true),
        stalled_initiative: stalled,
        notes,
        metric_values,
    }
}
