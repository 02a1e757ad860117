use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;
use throughline_model::{Strategy, TeamMapping};
use throughline_report::plural;
use throughline_report::relink::Work;
use throughline_strategy::StrategyFile;

use super::{Globals, align};
use crate::args::StrategyCommand;
use crate::output;

pub fn run(g: &Globals, c: StrategyCommand) -> anyhow::Result<()> {
    match c {
        StrategyCommand::Check { file } => {
            let f = parse(&file, &read(&file)?)?;
            let s = &f.strategy;
            if g.json {
                return output::json(s);
            }
            outln!(
                "{}: ok ({}, {}, {}{})",
                file.display(),
                plural(s.goals.len(), "goal"),
                plural(s.metrics.len(), "metric"),
                plural(s.initiatives.len(), "initiative"),
                teams_count(&f.teams)
            );
            Ok(())
        }
        StrategyCommand::Apply { file } => {
            let text = read(&file)?;
            let f = parse(&file, &text)?;
            let s = &f.strategy;
            let mut store = g.open()?;
            let (version, teamed) = store.apply_strategy_with_teams(
                s,
                &f.teams,
                &text,
                Some(&file.display().to_string()),
            )?;
            let work = Work::new();
            let relinked = align::explicit_links(&mut store, &work, g.quiet)?;
            // A new strategy changes what every item could serve: infer all again.
            let inferred = align::infer_links(&mut store, &work, true, g.quiet)?;
            if g.json {
                return output::json(&serde_json::json!({
                    "version": version, "links": relinked, "inferred": inferred,
                    "teams": f.teams.len(), "items_given_a_team": teamed,
                }));
            }
            outln!(
                "applied {} as strategy version {version}: {}, {}, {}{}; \
                 {} of {} linked explicitly{}",
                file.display(),
                plural(s.goals.len(), "goal"),
                plural(s.metrics.len(), "metric"),
                plural(s.initiatives.len(), "initiative"),
                teams_count(&f.teams),
                relinked.explicit,
                plural(relinked.items, "work item"),
                align::several_note(&relinked)
            );
            if !f.teams.is_empty() {
                outln!(
                    "{teamed} items without a team of their own have one from its [[team]] tables"
                );
            }
            Ok(())
        }
        StrategyCommand::Show { version, history } => {
            let store = g.open()?;
            if history {
                let h = store.strategy_history()?;
                if g.json {
                    return output::json(&h);
                }
                for v in h {
                    outln!(
                        "version {:>3}  {}  {:>2} goals {:>2} metrics {:>3} initiatives  {}",
                        v.version,
                        v.applied_at,
                        v.goals,
                        v.metrics,
                        v.initiatives,
                        v.source_path.unwrap_or_default()
                    );
                }
                return Ok(());
            }
            let Some((v, s)) = store.strategy_version(version)? else {
                anyhow::bail!(
                    "no strategy stored{}; apply one with `throughline strategy apply FILE` \
                     (`throughline strategy example` prints a template)",
                    version
                        .map(|v| format!(" with version {v}"))
                        .unwrap_or_default()
                );
            };
            let teams = store.teams_of_version(Some(v))?;
            if g.json {
                return output::json(
                    &serde_json::json!({ "version": v, "strategy": s, "teams": teams }),
                );
            }
            out!("{}", render(v, &s, &teams));
            Ok(())
        }
        StrategyCommand::Example => {
            out!("{}", throughline_strategy::EXAMPLE);
            Ok(())
        }
        StrategyCommand::Draft { max, out } => draft(g, max, out.as_deref()),
    }
}

/// `strategy draft`: a first strategy file from the imported work.
fn draft(g: &Globals, max: usize, out: Option<&Path>) -> anyhow::Result<()> {
    anyhow::ensure!(max > 0, "--max must be at least 1");
    let store = g.open()?;
    let items = store.items_without_descriptions()?;
    anyhow::ensure!(
        !items.is_empty(),
        "no work in {} yet: import an export first (`throughline import ...`)",
        &g.db
    );
    let d = throughline_report::draft::draft(&items, max);
    if g.json {
        return output::json(&d);
    }
    // Printed, it is most often redirected to a file; strategy.toml is the usual name.
    let file = out.map_or("strategy.toml".into(), |p| p.display().to_string());
    let text = d.to_toml(&file);
    let Some(path) = out else {
        out!("{text}");
        // The file goes to stdout, most often into a file: what it leaves out is said
        // where a person reads it too.
        if !g.quiet {
            eprintln!("{}", d.summary());
        }
        return Ok(());
    };
    // A strategy file is someone's work: never replace one.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    std::io::Write::write_all(&mut f, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    if !g.quiet {
        eprintln!(
            "{}: {} drafted; edit it, then `throughline strategy check {}` and `apply`\n{}",
            path.display(),
            plural(d.initiatives.len(), "initiative"),
            path.display(),
            d.summary()
        );
    }
    Ok(())
}

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
}

fn parse(file: &Path, text: &str) -> anyhow::Result<StrategyFile> {
    throughline_strategy::parse_file(text)
        .with_context(|| format!("{} is not valid", file.display()))
}

/// ", 2 teams" when the file maps any.
fn teams_count(teams: &[TeamMapping]) -> String {
    match teams.len() {
        0 => String::new(),
        1 => ", 1 team".into(),
        n => format!(", {n} teams"),
    }
}

fn render(version: i64, s: &Strategy, teams: &[TeamMapping]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Strategy version {version}\n");
    for g in &s.goals {
        let horizon = g
            .horizon
            .as_deref()
            .map(|h| format!(" [{h}]"))
            .unwrap_or_default();
        let _ = writeln!(o, "Goal {}: {}{horizon}", g.id, g.title);
        for m in s.metrics_of(&g.id) {
            let unit = m.unit.as_deref().unwrap_or("");
            let num = |x: Option<f64>| {
                x.map(|x| format!("{x}{unit}"))
                    .unwrap_or_else(|| "?".into())
            };
            let _ = writeln!(
                o,
                "  metric {}: {} ({} {} -> {})",
                m.id,
                m.name,
                m.direction.as_str(),
                num(m.baseline),
                num(m.target)
            );
        }
        for i in s.initiatives_of(&g.id) {
            let sel = &i.selectors;
            let mut parts = Vec::new();
            for (what, v) in [
                ("epics", &sel.epics),
                ("labels", &sel.labels),
                ("components", &sel.components),
                ("milestones", &sel.milestones),
                ("projects", &sel.projects),
                ("area_paths", &sel.area_paths),
                ("iterations", &sel.iterations),
            ] {
                if !v.is_empty() {
                    parts.push(format!("{what} {}", v.join(", ")));
                }
            }
            let sel = if parts.is_empty() {
                "no selectors: inferred only".to_string()
            } else {
                parts.join("; ")
            };
            let when = match (i.starts, i.ends) {
                (Some(a), Some(b)) => format!(", {a} to {b}"),
                (Some(a), None) => format!(", from {a}"),
                (None, Some(b)) => format!(", until {b}"),
                (None, None) => String::new(),
            };
            let _ = writeln!(o, "  initiative {}: {} ({sel}{when})", i.id, i.title);
        }
        o.push('\n');
    }
    for t in teams {
        let mut parts = Vec::new();
        for (what, v) in [("projects", &t.projects), ("components", &t.components)] {
            if !v.is_empty() {
                parts.push(format!("{what} {}", v.join(", ")));
            }
        }
        let _ = writeln!(o, "Team {}: {}", t.name, parts.join("; "));
    }
    o
}
