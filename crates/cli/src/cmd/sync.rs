//! `throughline sync`: work fetched from Jira's, GitHub's, Linear's, GitLab's or Azure
//! DevOps' API, imported as a file of
//! the same issues would be. Every page is fetched before anything is stored, and then
//! stored in one transaction, so a sync that fails halfway (a refused page, a dropped
//! connection, a kill) leaves the database as it was, and the write lock is held for
//! the import's seconds, not for the fetch's minutes.

use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use throughline_ingest::{ImportOptions, Warnings};
use throughline_store::{ImportMeta, Store};
use throughline_sync::{
    AzureDevops, Credentials, Github, Gitlab, GitlabScope, Jira, Linear, Pages,
};

use super::{Globals, import};
use crate::args::{GitlabSyncArgs, SyncCommand, SyncOptions};
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
            SyncCommand::Gitlab(a) => &a.common,
            SyncCommand::AzureDevops(a) => &a.common,
        }
    }

    /// What the import log calls this sync: its format, and the query as a name. The
    /// next sync of the same query continues from the last one's time.
    fn name(&self) -> (&'static str, String) {
        match self {
            SyncCommand::Jira(a) => {
                let base = a.url.trim_end_matches('/');
                let format = if a.server {
                    "jira-server-sync"
                } else {
                    "jira-sync"
                };
                (format, format!("{base} {}", a.jql.trim()))
            }
            SyncCommand::Github(a) => (
                "github-sync",
                format!("{} {}", a.api_url.trim_end_matches('/'), a.repo),
            ),
            SyncCommand::Linear(a) => {
                let team = a.team.as_deref().map(str::trim);
                (
                    "linear-sync",
                    format!("{} team {}", a.api_url, team.unwrap_or("(all)")),
                )
            }
            SyncCommand::Gitlab(a) => {
                let whose = match gitlab_scope(a) {
                    GitlabScope::Group(p) => format!("group {p}"),
                    GitlabScope::Project(p) => format!("project {p}"),
                };
                (
                    "gitlab-sync",
                    format!("{} {whose}", a.url.trim_end_matches('/')),
                )
            }
            SyncCommand::AzureDevops(a) => (
                "azure-devops-sync",
                format!(
                    "{}/{}/{} {}",
                    a.api_url.trim_end_matches('/'),
                    a.org.trim(),
                    a.project.trim(),
                    a.query.as_deref().map_or("(all)", str::trim)
                ),
            ),
        }
    }
}

fn gitlab_scope(a: &GitlabSyncArgs) -> GitlabScope {
    // clap's group requires exactly one of the two.
    match (&a.group, &a.project) {
        (Some(g), _) => GitlabScope::Group(g.trim().to_string()),
        (None, p) => GitlabScope::Project(p.as_deref().unwrap_or_default().trim().to_string()),
    }
}

/// One sync: the pages asked for (only what changed since the last sync of the same
/// query, unless `full`), stored, then linked.
fn once(g: &Globals, store: &mut Store, c: &SyncCommand, full: bool) -> anyhow::Result<()> {
    // What the parsers assumed about the pages' records (an empty summary, ...).
    let warnings = Warnings::new();
    let (format, name) = c.name();
    let since = since(store, format, &name, full)?;
    let o = options(c.options(), &warnings);
    let pages: Box<dyn Pages> = match c {
        SyncCommand::Jira(a) => {
            let base = a.url.trim_end_matches('/');
            let jira = Jira::new(
                base,
                &a.jql,
                a.server,
                Credentials::jira_from_env(),
                since,
                o,
            )?;
            if !g.quiet {
                eprintln!("asking {base} for: {}", jira.jql());
            }
            Box::new(jira)
        }
        SyncCommand::Github(a) => Box::new(Github::new(
            &a.api_url,
            &a.repo,
            Credentials::github_from_env(),
            since,
            o,
        )?),
        SyncCommand::Linear(a) => Box::new(Linear::new(
            &a.api_url,
            a.team.as_deref().map(str::trim),
            Credentials::linear_from_env(),
            since,
            o,
        )?),
        SyncCommand::Gitlab(a) => Box::new(Gitlab::new(
            &a.url,
            gitlab_scope(a),
            Credentials::gitlab_from_env(),
            since,
            o,
        )?),
        SyncCommand::AzureDevops(a) => {
            let azure = AzureDevops::new(
                &a.api_url,
                &a.org,
                &a.project,
                a.query.as_deref(),
                Credentials::azure_devops_from_env(),
                since,
                o,
            )?;
            if !g.quiet {
                eprintln!("asking {} for: {}", a.api_url, azure.wiql());
            }
            Box::new(azure)
        }
    };
    sync(
        g,
        store,
        pages,
        meta(format, name),
        since,
        c.options(),
        full,
        &warnings,
    )
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
    let mut warned = throughline_ingest::summarise(&warnings.take());
    warned.extend(pages.notes());
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
