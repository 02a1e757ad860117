//! `throughline bench import|align|reports`: end-to-end speed on generated data.
//!
//! Speed is proven by running this, not by timed tests. It writes an export of N
//! generated items to a temporary directory, imports it through the same importer and
//! store as `throughline import` into a fresh database file, and reports items/s and
//! the process's peak memory. With `--keep` the database is written to `--db` and
//! kept, so the reports can be tried on a million items.

use std::io::{BufWriter, Write};
use std::time::Instant;

use anyhow::Context;
use throughline_ingest::Format;
use throughline_report::relink::Work;
use throughline_store::Store;

use super::{Globals, align, import};
use crate::args::{BenchArgs, BenchTarget};
use crate::output;

#[derive(serde::Serialize)]
struct BenchResult {
    items: usize,
    format: String,
    generate_seconds: f64,
    import_seconds: f64,
    items_per_second: f64,
    file_megabytes: f64,
    peak_rss_megabytes: Option<f64>,
}

pub fn run(g: &Globals, a: BenchArgs) -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("creating a temporary directory")?;
    let jsonl = a.format == "jsonl";
    let path = dir
        .path()
        .join(if jsonl { "bench.jsonl" } else { "bench.csv" });
    let t = Instant::now();
    write_export(&path, a.items, jsonl)?;
    let generate_seconds = t.elapsed().as_secs_f64();
    let file_megabytes = std::fs::metadata(&path)?.len() as f64 / 1e6;

    let db = if a.keep {
        // A bench never writes into a database someone already has; whether a PostgreSQL
        // database holds anything is not known before connecting, so it keeps a file.
        anyhow::ensure!(
            !g.db.is_postgres(),
            "`bench --keep` writes a new SQLite file: name one with --db (then `throughline \
             migrate` copies it into PostgreSQL)"
        );
        anyhow::ensure!(
            !g.db.exists(),
            "{} already exists; `bench --keep` writes a new database, so name one that does not exist with --db",
            g.db
        );
        g.db.clone()
    } else {
        throughline_store::DbLocation::File(dir.path().join("bench.db"))
    };
    let mut store = Store::open_at(&db).with_context(|| format!("opening {db}"))?;
    let t = Instant::now();
    let format = if jsonl { Format::Jsonl } else { Format::Csv };
    let summary = import::import_path(&mut store, &path, format, Some("bench"), g.quiet)?;
    let import_seconds = t.elapsed().as_secs_f64();
    match a.target {
        BenchTarget::Align => {
            bench_align(g, &mut store, a.items, true)?;
            return say_kept(g, a.keep);
        }
        BenchTarget::Reports => {
            bench_align(g, &mut store, a.items, false)?;
            bench_reports(g, &mut store, a.items)?;
            return say_kept(g, a.keep);
        }
        BenchTarget::Import => {}
    }
    anyhow::ensure!(
        summary.inserted as usize == a.items,
        "imported {} of {} items",
        summary.inserted,
        a.items
    );
    let r = BenchResult {
        items: a.items,
        format: a.format.clone(),
        generate_seconds,
        import_seconds,
        items_per_second: a.items as f64 / import_seconds.max(1e-9),
        file_megabytes,
        peak_rss_megabytes: peak_rss_mb(),
    };
    if g.json {
        return output::json(&r);
    }
    outln!(
        "import: {} items ({:.0} MB {}) in {:.2}s = {:.0} items/s end to end into SQLite; peak memory {}",
        r.items,
        r.file_megabytes,
        r.format,
        r.import_seconds,
        r.items_per_second,
        r.peak_rss_megabytes
            .map(|m| format!("{m:.0} MB"))
            .unwrap_or_else(|| "unknown".into())
    );
    say_kept(g, a.keep)
}

/// Where a kept database is, on stderr (stdout is the measurement, or its JSON).
fn say_kept(g: &Globals, keep: bool) -> anyhow::Result<()> {
    if keep && !g.quiet {
        let db = &g.db;
        eprintln!("kept the database at {db}: try `throughline --db {db} status`");
    }
    Ok(())
}

/// Half the generated labels are initiative selectors, so about half the items are
/// linked explicitly and the engine infers the other half.
const BENCH_STRATEGY: &str = r#"
[[goal]]
id = "grow"
title = "Grow revenue"
[[goal]]
id = "rely"
title = "Reliable platform"
[[initiative]]
id = "checkout"
goals = ["grow"]
title = "Checkout flow"
description = "checkout flow, invoice export and billing"
labels = ["checkout"]
[[initiative]]
id = "perf"
goals = ["rely"]
title = "Performance"
description = "API rate limits, search index and webhook retries"
labels = ["performance"]
[[initiative]]
id = "security"
goals = ["rely"]
title = "Security"
description = "login page, audit log"
labels = ["security"]
"#;

/// Links the generated work (selectors, then inference) and, when `say`, prints how
/// fast the inference ran.
fn bench_align(g: &Globals, store: &mut Store, n: usize, say: bool) -> anyhow::Result<()> {
    let strategy = throughline_strategy::parse(BENCH_STRATEGY)?;
    store.apply_strategy(&strategy, BENCH_STRATEGY, None)?;
    let work = Work::new();
    align::explicit_links(store, &work, g.quiet)?;
    let r = align::infer_links(store, &work, true, g.quiet)?
        .ok_or_else(|| anyhow::anyhow!("nothing to infer against"))?;
    if !say {
        return Ok(());
    }
    let peak = peak_rss_mb();
    if g.json {
        return output::json(
            &serde_json::json!({ "items": n, "align": r, "peak_rss_megabytes": peak }),
        );
    }
    outln!(
        "align: {} items in the database, {} inferred in {} mode (learned from {} of the {} \
         linked) in {:.2}s = {:.0} items/s (training and inference, excluding loading and \
         writing); peak memory {}",
        n,
        r.inferred,
        r.mode,
        r.learned_from,
        r.trained_on,
        r.seconds,
        r.items_per_second,
        peak.map(|m| format!("{m:.0} MB"))
            .unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

/// How long a report takes on the aligned database: loading everything it reads (the
/// snapshot), making each report from it as text, and reading a kept one back, which is
/// what a report asked for again before the data changes costs (see `cached.rs`).
fn bench_reports(g: &Globals, store: &mut Store, n: usize) -> anyhow::Result<()> {
    use throughline_report::{
        AllocationOptions, DriftOptions, Scope, Snapshot, ThemeOptions, allocation, brief, drift,
        status, themes,
    };
    let generation = store.generation()?;
    let t = Instant::now();
    let snap = Snapshot::load(store)?;
    let load_seconds = t.elapsed().as_secs_f64();
    let scope = Scope {
        min_group_size: 3,
        ..Scope::default()
    };
    let reports: [(&str, &dyn Fn() -> String); 5] = [
        ("status", &|| status(&snap, &scope).to_text()),
        ("brief", &|| brief(&snap, &scope).to_markdown_with(None)),
        ("drift", &|| {
            drift(&snap, &scope, &DriftOptions::default()).to_text()
        }),
        ("themes", &|| {
            themes(&snap, &scope, &ThemeOptions::default()).to_text()
        }),
        ("allocation", &|| {
            allocation(&snap, &scope, &AllocationOptions::default()).to_text()
        }),
    ];
    let made: Vec<(&str, f64, String)> = reports
        .into_iter()
        .map(|(name, make)| {
            let t = Instant::now();
            let text = make();
            (name, t.elapsed().as_secs_f64(), text)
        })
        .collect();
    // The status (listed first) is the report kept and read back.
    let status_text = &made[0].2;
    anyhow::ensure!(
        store.put_cached_report("bench status", generation, status_text.as_bytes())?,
        "the status could not be kept"
    );
    let t = Instant::now();
    let kept = store.cached_report("bench status")?;
    let kept_seconds = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        kept.as_deref() == Some(status_text.as_bytes()),
        "the kept status is not the one made"
    );
    let peak = peak_rss_mb();
    if g.json {
        let made: serde_json::Map<String, serde_json::Value> = made
            .iter()
            .map(|(k, v, _)| (k.to_string(), serde_json::json!(v)))
            .collect();
        return output::json(&serde_json::json!({
            "items": n,
            "load_seconds": load_seconds,
            "make_seconds": made,
            "kept_read_seconds": kept_seconds,
            "peak_rss_megabytes": peak,
        }));
    }
    outln!("reports on {n} items (the first time after a change):");
    outln!(
        "  {:<12} {:>8.2} s  (read once, shared by every report of a run)",
        "load",
        load_seconds
    );
    for (name, s, _) in &made {
        outln!("  {name:<12} {s:>8.2} s");
    }
    outln!(
        "asked again before the data changes: {:.1} ms to read the kept text; peak memory {}",
        kept_seconds * 1e3,
        peak.map(|m| format!("{m:.0} MB"))
            .unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

/// Peak resident memory of this process (Linux), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

const TEAMS: [&str; 6] = ["Payments", "Growth", "Platform", "Mobile", "Data", "Core"];
const VERBS: [&str; 8] = [
    "Add",
    "Fix",
    "Refactor",
    "Migrate",
    "Improve",
    "Remove",
    "Investigate",
    "Support",
];
const THINGS: [&str; 10] = [
    "checkout flow",
    "invoice export",
    "search index",
    "login page",
    "webhook retries",
    "billing cron",
    "mobile onboarding",
    "audit log",
    "API rate limits",
    "dashboard charts",
];
const LABELS: [&str; 6] = [
    "tech-debt",
    "customer",
    "checkout",
    "performance",
    "security",
    "ux",
];
const TYPES: [&str; 4] = ["Story", "Bug", "Task", "Spike"];

/// Writes `n` plausible items; a fixed linear congruential sequence keeps it repeatable.
fn write_export(path: &std::path::Path, n: usize, jsonl: bool) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |m: usize| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((x >> 33) as usize) % m
    };
    if !jsonl {
        writeln!(
            w,
            "key,title,description,type,status,labels,team,estimate,created"
        )?;
    }
    for i in 0..n {
        let team = TEAMS[next(TEAMS.len())];
        let title = format!(
            "{} {} for {}",
            VERBS[next(VERBS.len())],
            THINGS[next(THINGS.len())],
            team
        );
        let desc = format!(
            "As part of the {} work, {} the {} so that customers see fewer errors. Ticket {i}.",
            THINGS[next(THINGS.len())],
            VERBS[next(VERBS.len())].to_lowercase(),
            THINGS[next(THINGS.len())]
        );
        let label = LABELS[next(LABELS.len())];
        let ty = TYPES[next(TYPES.len())];
        let status = ["To Do", "In Progress", "Done"][next(3)];
        let est = [1, 2, 3, 5, 8][next(5)];
        let day = 1 + next(28);
        let month = 1 + next(12);
        let key = format!("{}-{}", &team[..3].to_uppercase(), i + 1);
        if jsonl {
            let v = serde_json::json!({
                "key": key, "title": title, "description": desc, "type": ty, "status": status,
                "labels": [label], "team": team, "estimate": est,
                "created": format!("2026-{month:02}-{day:02}T10:00:00Z"),
            });
            serde_json::to_writer(&mut w, &v)?;
            w.write_all(b"\n")?;
        } else {
            writeln!(
                w,
                "{key},{title},\"{desc}\",{ty},{status},{label},{team},{est},2026-{month:02}-{day:02}T10:00:00Z"
            )?;
        }
    }
    w.flush()?;
    Ok(())
}
