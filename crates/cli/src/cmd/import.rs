use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use throughline_ingest::{Format, ImportOptions, Mapping, detect_format, read_items};
use throughline_report::relink::Work;
use throughline_store::{ImportMeta, ImportSummary, Store};

use super::{Globals, align};
use crate::args::{ImportArgs, ImportFormat};
use crate::{output, progress};

#[derive(serde::Serialize)]
struct FileResult {
    path: String,
    format: String,
    #[serde(flatten)]
    summary: ImportSummary,
    /// With `--prune`: the `source:key`s removed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    removed_keys: Vec<String>,
    /// What the importer assumed about records it kept (an empty summary, no created
    /// date, an unknown status, a repeated key), one line per kind naming the items.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
    seconds: f64,
}

pub fn run(g: &Globals, a: ImportArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let mapping = build_mapping(&a)?;
    let opts = ImportOptions {
        source: a.source.clone(),
        mapping,
        base_url: a.base_url.clone(),
        team_from: a.team_from.clone(),
        ..ImportOptions::default()
    };
    let mut results = Vec::new();
    for path in &a.paths {
        let format = resolve_format(a.format, path)?;
        let r = import_file(&mut store, path, format, &opts, g.quiet, a.prune)?;
        if !g.json {
            eprintln!(
                "{}: {} read, {} new, {} updated, {} unchanged{} ({:.0} items/s)",
                path.display(),
                r.summary.read,
                r.summary.inserted,
                r.summary.updated,
                r.summary.unchanged,
                removed_count(a.prune, &r.summary),
                r.summary.read as f64 / r.seconds.max(1e-9)
            );
            say_removed(&r.removed_keys, "the file no longer has them");
            for w in &r.warnings {
                eprintln!("warning: {}: {w}", path.display());
            }
        }
        results.push(r);
    }
    link_imported(
        g,
        &mut store,
        a.no_align,
        serde_json::json!({ "files": results }),
    )
}

/// After new work is stored: the strategy's selectors link it, the engine infers the
/// rest (unless `no_align`), and what happened is said (`--json`: `report` with `links`
/// and `inferred` added).
pub fn link_imported(
    g: &Globals,
    store: &mut Store,
    no_align: bool,
    mut report: serde_json::Value,
) -> anyhow::Result<()> {
    let work = Work::new();
    let relinked = align::explicit_links(store, &work, g.quiet)?;
    let inferred = if no_align {
        None
    } else {
        align::infer_links(store, &work, false, g.quiet)?
    };
    if g.json {
        report["links"] = serde_json::to_value(&relinked)?;
        report["inferred"] = serde_json::to_value(&inferred)?;
        output::json(&report)
    } else {
        if relinked.items > 0 {
            eprintln!(
                "{} of {} linked explicitly by the strategy's selectors{}",
                relinked.explicit,
                throughline_report::plural(relinked.items, "work item"),
                align::several_note(&relinked)
            );
        } else if store.strategy()?.is_none() {
            // Nothing was relinked because there is nothing to link to yet.
            eprintln!(
                "note: no strategy applied yet, so the work is stored but not aligned; \
                 draft one from it with `throughline strategy draft`, or see `throughline strategy example`"
            );
        }
        Ok(())
    }
}

fn build_mapping(a: &ImportArgs) -> anyhow::Result<Option<Mapping>> {
    let mut mapping = match &a.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading mapping file {}", path.display()))?;
            Some(
                Mapping::from_toml_str(&text)
                    .with_context(|| format!("mapping file {}", path.display()))?,
            )
        }
        None => None,
    };
    if !a.map.is_empty() {
        let pairs = Mapping::parse_pairs(&a.map)?;
        let m = mapping.get_or_insert_with(Mapping::default);
        m.columns.extend(pairs.columns);
        m.constants.extend(pairs.constants);
        if pairs.list_separator.is_some() {
            m.list_separator = pairs.list_separator;
        }
        if pairs.estimate_unit.is_some() {
            m.estimate_unit = pairs.estimate_unit;
        }
    }
    Ok(mapping)
}

/// Narrows a user's family name ("jira") to the concrete format of one file.
fn resolve_format(wanted: ImportFormat, path: &Path) -> anyhow::Result<Format> {
    let sniffed = detect_format(path);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let format = match wanted {
        ImportFormat::Auto => sniffed?,
        ImportFormat::Jira if ext == "csv" => Format::JiraCsv,
        ImportFormat::Jira => Format::JiraJson,
        ImportFormat::Github => Format::GithubJson,
        ImportFormat::Gitlab => Format::GitlabJson,
        ImportFormat::Linear if ext == "json" => Format::LinearJson,
        ImportFormat::Linear => Format::LinearCsv,
        // A query's CSV export, whatever its name; the API's JSON otherwise.
        ImportFormat::AzureDevops if ext == "csv" || matches!(sniffed, Ok(Format::AzureCsv)) => {
            Format::AzureCsv
        }
        ImportFormat::AzureDevops => Format::AzureJson,
        ImportFormat::Csv if matches!(ext.as_str(), "jsonl" | "ndjson") => Format::Jsonl,
        ImportFormat::Csv => match sniffed {
            Ok(Format::Jsonl) => Format::Jsonl,
            _ => Format::Csv,
        },
    };
    Ok(format)
}

/// Imports one file as one transaction.
fn import_file(
    store: &mut Store,
    path: &Path,
    format: Format,
    opts: &ImportOptions,
    quiet: bool,
    prune: bool,
) -> anyhow::Result<FileResult> {
    let started = Instant::now();
    // Items with no link to their tracker, counted as they pass.
    let unlinked = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let counting = unlinked.clone();
    let items = read_items(path, format, opts)?.inspect(move |item| {
        if item.as_ref().is_ok_and(|it| it.url.is_none()) {
            counting.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let bar = progress::counter(quiet, &format!("importing {}", path.display()));
    let meta = ImportMeta {
        format: format.to_string(),
        path: path.display().to_string(),
    };
    let imported = store.import(&meta, items, |n| bar.set_position(n), prune);
    // Taken whether or not the file was stored, so the next file's are its own.
    let warnings = throughline_ingest::summarise(&opts.warnings.take());
    let (summary, removed) =
        imported.with_context(|| format!("nothing was imported from {}", path.display()))?;
    bar.finish_and_clear();
    let unlinked = unlinked.load(std::sync::atomic::Ordering::Relaxed);
    if unlinked > 0 && matches!(format, Format::JiraJson | Format::JiraCsv) && !quiet {
        eprintln!(
            "note: {unlinked} of {} items of {} carry no link to the tracker (no `self` in the \
             export); add --base-url https://your-jira to link each one",
            summary.read,
            path.display()
        );
    }
    Ok(FileResult {
        path: path.display().to_string(),
        format: format.to_string(),
        summary,
        removed_keys: removed,
        warnings,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// ", N removed" after an import's counts, when it pruned.
pub(super) fn removed_count(prune: bool, s: &ImportSummary) -> String {
    if prune {
        format!(", {} removed", s.removed)
    } else {
        String::new()
    }
}

/// Names what a pruning import removed (the first ten; `--json` lists all).
pub(super) fn say_removed(removed: &[String], why: &str) {
    if removed.is_empty() {
        return;
    }
    let more = removed.len().saturating_sub(10);
    eprintln!(
        "removed, as {why}: {}{}",
        removed[..removed.len().min(10)].join(", "),
        if more > 0 {
            format!(" and {more} more (--json lists all)")
        } else {
            String::new()
        }
    );
}

/// Imports a file with default options; used by the demo and the benchmark, which must go
/// through the same path as users.
pub fn import_path(
    store: &mut Store,
    path: &Path,
    format: Format,
    source: Option<&str>,
    quiet: bool,
) -> anyhow::Result<ImportSummary> {
    let opts = ImportOptions {
        source: source.map(str::to_string),
        ..ImportOptions::default()
    };
    Ok(import_file(store, path, format, &opts, quiet, false)?.summary)
}
