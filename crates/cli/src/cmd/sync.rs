//! `throughline sync`: work fetched from Jira's, GitHub's or Linear's API, imported as a file of
//! the same issues would be. Every page is fetched before anything is stored, and then
//! stored in one transaction, so a sync that fails halfway (a refused page, a dropped
//! connection, a kill) leaves the database as it was, and the write lock is held for
//! the import's seconds, not for the fetch's minutes.

use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use throughline_ingest::{ImportOptions, Warnings};
use throughline_store::{ImportMeta, Store};
use throughline_sync::{Credentials, Github, Jira, Linear, Pages};

use super::{Globals, import};
use crate::args::{SyncCommand, SyncOptions};
use crate::progress;

pub fn run(g: &Globals, c: SyncCommand) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let o = c.options();
    let Some(every) = o.every else {
        return once(g, &mut store, &c, o.full);
    };
    // The first round fails as a single sync would: a wrong address, query or
    // credential stops the command at once rather than failing quietly every round.
    let mut began = Instant::now();
    once(g, &mut store, &c, o.full)?;
    loop {
        let next = began + every;
        if !g.quiet && !g.json {
            let at = Utc::now() + next.saturating_duration_since(Instant::now());
            eprintln!(
                "the next sync begins at {} (every {}); Ctrl-C stops",
                at.format("%H:%M:%S UTC"),
                humantime::format_duration(every)
            );
        }
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        began = Instant::now();
        // Later failures are mostly the network's or the tracker's and pass; nothing
        // of a failed round was stored, and the next round asks for the same changes.
        if let Err(e) = once(g, &mut store, &c, false) {
            eprintln!(
                "{}: this sync failed and stored nothing; the next one tries again: {e:#}",
                Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
            );
        }
    }
}

impl SyncCommand {
    fn options(&self) -> &SyncOptions {
        match self {
            SyncCommand::Jira(a) => &a.common,
            SyncCommand::Github(a) => &a.common,
            SyncCommand::Linear(a) => &a.common,
        }
    }
}

/// One sync: the pages asked for (only what changed since the last sync of the same
/// query, unless `full`), stored, then linked.
fn once(g: &Globals, store: &mut Store, c: &SyncCommand, full: bool) -> anyhow::Result<()> {
    // What the parsers assumed about the pages' records (an empty summary, ...).
    let warnings = Warnings::new();
    match c {
        SyncCommand::Jira(a) => {
            let base = a.url.trim_end_matches('/');
            let name = format!("{base} {}", a.jql.trim());
            let format = if a.server {
                "jira-server-sync"
            } else {
                "jira-sync"
            };
            let since = since(store, format, &name, full)?;
            let pages = Jira::new(
                base,
                &a.jql,
                a.server,
                Credentials::jira_from_env(),
                since,
                options(&a.common, &warnings),
            )?;
            if !g.quiet {
                eprintln!("asking {base} for: {}", pages.jql());
            }
            sync(
                g,
                store,
                pages,
                meta(format, name),
                since,
                &a.common,
                full,
                &warnings,
            )
        }
        SyncCommand::Github(a) => {
            let name = format!("{} {}", a.api_url.trim_end_matches('/'), a.repo);
            let since = since(store, "github-sync", &name, full)?;
            let pages = Github::new(
                &a.api_url,
                &a.repo,
                Credentials::github_from_env(),
                since,
                options(&a.common, &warnings),
            )?;
            sync(
                g,
                store,
                pages,
                meta("github-sync", name),
                since,
                &a.common,
                full,
                &warnings,
            )
        }
        SyncCommand::Linear(a) => {
            let team = a.team.as_deref().map(str::trim);
            let name = format!("{} team {}", a.api_url, team.unwrap_or("(all)"));
            let since = since(store, "linear-sync", &name, full)?;
            let pages = Linear::new(
                &a.api_url,
                team,
                Credentials::linear_from_env(),
                since,
                options(&a.common, &warnings),
            )?;
            sync(
                g,
                store,
                pages,
                meta("linear-sync", name),
                since,
                &a.common,
                full,
                &warnings,
            )
        }
    }
}

fn meta(format: &str, name: String) -> ImportMeta {
    ImportMeta {
        format: format.to_string(),
        path: name,
    }
}

fn options(o: &SyncOptions, warnings: &Warnings) -> ImportOptions {
    ImportOptions {
        source: o.source.clone(),
        team_from: o.team_from.clone(),
        warnings: warnings.clone(),
        ..ImportOptions::default()
    }
}

/// When the last sync of the same query began, unless `full`.
fn since(
    store: &Store,
    format: &str,
    name: &str,
    full: bool,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    if full {
        return Ok(None);
    }
    let Some(at) = store.last_import_at(format, name)? else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(&at)
        .with_context(|| format!("the last sync's time {at:?} in the import log"))?;
    Ok(Some(at.with_timezone(&Utc)))
}

/// Fetches every page, stores them in one transaction (pruning, on a full round with
/// `--prune`), then links the new work. `meta` names the sync: its format and query;
/// `warnings` is where the pages' parsers noted what they assumed.
#[allow(
    clippy::too_many_arguments,
    reason = "one round's inputs, each from a different place: the command, the store, the pages"
)]
fn sync(
    g: &Globals,
    store: &mut Store,
    mut pages: impl Pages,
    meta: ImportMeta,
    since: Option<DateTime<Utc>>,
    o: &SyncOptions,
    full: bool,
    warnings: &Warnings,
) -> anyhow::Result<()> {
    let name = meta.path.as_str();
    let prune = full && o.prune;
    if let Some(t) = since.filter(|_| !g.quiet && !g.json) {
        eprintln!(
            "asking only for work updated since the last sync ({}, less a day); --full asks for all",
            t.format("%Y-%m-%d %H:%M UTC")
        );
    }
    let started = Instant::now();
    let bar = progress::counter(g.quiet, "fetching");
    let items = pages
        .fetch_all(|n| bar.set_position(n as u64))
        .with_context(|| format!("nothing was imported from {name}"))?;
    bar.finish_and_clear();
    let warned = throughline_ingest::summarise(&warnings.take());
    let fetched = started.elapsed().as_secs_f64();
    let items = items.into_iter().map(Ok::<_, std::convert::Infallible>);
    let (summary, removed) = store
        .import(&meta, items, |_| {}, prune)
        .with_context(|| format!("nothing was imported from {name}"))?;
    if !g.json {
        eprintln!(
            "{name}: {} fetched in {fetched:.1} s, {} new, {} updated, {} unchanged{}",
            summary.read,
            summary.inserted,
            summary.updated,
            summary.unchanged,
            import::removed_count(prune, &summary),
        );
        import::say_removed(&removed, "the tracker no longer returns them");
        for w in &warned {
            eprintln!("warning: {name}: {w}");
        }
    }
    let report = serde_json::json!({
        "sync": name,
        // The last sync this one continues from, if it is incremental.
        "since": since.map(|t| t.to_rfc3339()),
        "summary": summary,
        "removed_keys": removed,
        "warnings": warned,
        "seconds_fetching": fetched,
    });
    import::link_imported(g, store, o.no_align, report)
}
