//! One module per command. Each takes its parsed flags and the global options.

mod align;
mod allocation;
mod ask;
mod bench;
mod brief;
mod cached;
mod correct;
mod demo;
mod digest;
mod drift;
mod eval;
mod import;
mod init;
mod items;
mod mcp;
mod metrics;
mod metrics_show;
mod migrate;
mod note;
mod phrasing;
mod semantic;
mod serve;
mod status;
mod strategy;
mod sync;
mod themes;
mod token;

use anyhow::Context;
use throughline_model::Period;
use throughline_report::{PeriodBy, Scope, Snapshot};
use throughline_store::Store;

use crate::args::{Cli, Command, ScopeArgs};

/// Options every command sees.
pub struct Globals {
    pub db: throughline_store::DbLocation,
    pub quiet: bool,
    pub json: bool,
    /// With `json`: reports without the item keys behind their figures.
    pub no_keys: bool,
    pub no_cache: bool,
}

impl Globals {
    pub fn open(&self) -> anyhow::Result<Store> {
        Store::open_at(&self.db).with_context(|| format!("opening {}", self.db))
    }

    /// The report snapshot of `store`, kept until the process ends and never freed: a
    /// command reads it to the end anyway, and freeing a million items' strings one by
    /// one took 0.3 to 0.6 s after the report was already printed.
    pub fn snapshot(&self, store: &Store) -> anyhow::Result<&'static Snapshot> {
        Ok(Box::leak(Box::new(Snapshot::load(store)?)))
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    let g = Globals {
        db: cli.db,
        quiet: cli.quiet,
        json: cli.json,
        no_keys: cli.no_keys,
        no_cache: cli.no_cache,
    };
    match cli.command {
        Command::Init(a) => init::run(&g, a),
        Command::Import(a) => import::run(&g, a),
        Command::Sync(c) => sync::run(&g, c),
        Command::Strategy(c) => strategy::run(&g, c),
        Command::Items(a) => items::run(&g, *a),
        Command::Status(a) => status::run(&g, a),
        Command::Digest(a) => digest::run(&g, a),
        Command::Demo(a) => demo::run(&g, a),
        Command::Bench(a) => bench::run(&g, a),
        Command::Align(a) => align::run(&g, a),
        Command::Eval(a) => eval::run(&g, a),
        Command::Link(a) => correct::link(&g, a),
        Command::Unlink(a) => correct::unlink(&g, a),
        Command::Confirm(a) => correct::confirm(&g, a),
        Command::Explain(a) => correct::explain(&g, a),
        Command::Note(c) => note::run(&g, c),
        Command::Metrics(c) => metrics::run(&g, c),
        Command::Brief(a) => brief::run(&g, a),
        Command::Ask(a) => ask::run(&g, a),
        Command::Drift(a) => drift::run(&g, a),
        Command::Themes(a) => themes::run(&g, a),
        Command::Allocation(a) => allocation::run(&g, a),
        Command::Serve(a) => serve::run(&g, a),
        Command::Mcp => mcp::run(&g),
        Command::Token(c) => token::run(&g, c),
        Command::Migrate(a) => migrate::run(&g, a),
    }
}

pub fn scope(args: &ScopeArgs, min_group_size: usize) -> anyhow::Result<Scope> {
    // `all` (or nothing) is all time.
    let period = args
        .period
        .as_deref()
        .filter(|p| !p.trim().eq_ignore_ascii_case("all"))
        .map(str::parse::<Period>)
        .transpose()?;
    Ok(Scope {
        period,
        // Empty only where a command builds its arguments itself: the default meaning.
        period_by: match args.period_by.trim() {
            "" => PeriodBy::default(),
            by => by.parse().map_err(anyhow::Error::msg)?,
        },
        team: args.team.clone(),
        min_group_size,
    })
}
