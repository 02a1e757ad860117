//! Every command-line flag, in one place; help text comes from these doc comments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use throughline_report::item_query::ClassFilter;

/// See how your work lines up with your strategy: goals, key results, initiatives, and
/// the work that is off plan and why.
#[derive(Debug, Parser)]
#[command(name = "throughline", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Database: a file (created if missing), or a PostgreSQL database
    /// (postgres://USER@HOST[:PORT]/DATABASE; its tables are created if missing).
    #[arg(
        long,
        global = true,
        env = "THROUGHLINE_DB",
        default_value = "throughline.db"
    )]
    pub db: throughline_store::DbLocation,

    /// No progress bars or chatter (also off when stderr is not a terminal).
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Print machine-readable JSON instead of text (read commands).
    #[arg(long, global = true)]
    pub json: bool,

    /// With --json, leave out the item keys behind each figure of a report (status,
    /// allocation, drift, themes, brief): on a million items they run to 100 MB, the
    /// numbers to kilobytes. Drill into a figure with `throughline items` instead.
    #[arg(long, global = true, requires = "json")]
    pub no_keys: bool,

    /// Say on stderr how long each phase took (loading, training, inferring, writing);
    /// `-vv` for the engine's inner steps. `THROUGHLINE_LOG=debug` (tracing's filter
    /// syntax) does the same and wins over the flag.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Make reports from the data again, even when the last one made of the same data
    /// was kept (reports are kept until the next import, alignment, link or note).
    #[arg(long, global = true)]
    pub no_cache: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an empty database, and optionally an example strategy file to edit.
    Init(InitArgs),
    /// Import tracker exports (items are updated in place on re-import).
    Import(ImportArgs),
    /// Fetch work from Jira's, GitHub's, Linear's, GitLab's or Azure DevOps' API and
    /// import it (optional; the only command that needs the network).
    #[command(subcommand)]
    Sync(SyncCommand),
    /// Check, apply and show the strategy file (goals, metrics, initiatives).
    #[command(subcommand)]
    Strategy(StrategyCommand),
    /// List work items, filtered: the drill-down behind every figure, and the review queue
    /// (`--sort confidence`, `--csv` for a spreadsheet).
    Items(Box<ItemsArgs>),
    /// How much work serves each goal, what is off plan and why, what is unlinked.
    Status(StatusArgs),
    /// What changed since the last digest, in a minute's read: drift, off-plan themes
    /// that grew, notes added, metrics that moved, stalled initiatives, the review queue;
    /// printed as Markdown or sent to Slack, Teams or email (`--to`).
    Digest(DigestArgs),
    /// Build a realistic demo organisation, import it, and show its status.
    Demo(DemoArgs),
    /// Measure import or alignment speed on generated data (`bench align`).
    Bench(BenchArgs),
    /// Infer how unlinked work aligns (the sense engine), and refresh explicit links.
    Align(AlignArgs),
    /// Measure the sense engine: on the product path (`--product-path`: new work arriving
    /// without the facts the selectors match, aligned as `import` aligns it), or in the
    /// diagnostic harness (a tracker field hidden from held-out work, beside two
    /// baselines).
    Eval(EvalArgs),
    /// Link an item to an initiative, goal or off-plan reason: a person's word, kept forever
    /// (`--file` for a reviewed list).
    Link(LinkArgs),
    /// Remove a person's link from an item (inference and selectors apply again).
    Unlink(ItemArg),
    /// Confirm the link an item has now, so it is kept and learned from.
    Confirm(ItemArg),
    /// Everything known about one item and why it is linked where it is.
    Explain(ItemArg),
    /// Context notes: why, trade-offs, learnings, risks, customer signals.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Impact metric values over time.
    #[command(subcommand)]
    Metrics(MetricsCommand),
    /// The executive brief: what we execute and why, alignment, metrics, off-plan work, signals.
    Brief(BriefArgs),
    /// Ask a question about the work, answered offline with the items and notes behind it.
    Ask(AskArgs),
    /// Material shifts in off-plan and goal shares: the recent weeks against the weeks before.
    Drift(DriftArgs),
    /// Off-plan work grouped into a few plain themes, with examples and notes.
    Themes(ThemesArgs),
    /// Allocation over time (by week, month, quarter or sprint), thin goals and stalled
    /// initiatives.
    Allocation(AllocationArgs),
    /// Serve the JSON API and the web dashboard over this database (and MCP at `/mcp`).
    Serve(ServeArgs),
    /// Serve the Model Context Protocol on stdin/stdout for a local AI assistant: the
    /// reports as tools, and notes and link corrections (the local user counts as a
    /// contributor). Configure the assistant to run `throughline --db PATH mcp`.
    Mcp,
    /// API tokens for `serve`: create (shown once), list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Copy everything from one database into another, empty one: a SQLite file into
    /// PostgreSQL or back (`--from throughline.db --to postgres://USER@HOST/DB`)
    Migrate(MigrateArgs),
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The database to copy: a file, or postgres://USER@HOST[:PORT]/DATABASE.
    #[arg(long)]
    pub from: throughline_store::DbLocation,
    /// The database to copy into (created if missing; it must hold nothing yet).
    #[arg(long)]
    pub to: throughline_store::DbLocation,
}

#[derive(Debug, Args)]
pub struct AlignArgs {
    /// Only recompute items that are new or changed since their last inference.
    #[arg(long)]
    pub changed_only: bool,
    #[command(flatten)]
    pub semantic: SemanticArgs,
}

/// The optional semantic mode of the sense engine.
#[derive(Debug, Args)]
pub struct SemanticArgs {
    /// Also use sentence embeddings (all-MiniLM-L6-v2), offline. Needs a build with
    /// `--features semantic` and the model files (crates/embed/scripts/fetch-model.sh).
    /// Slower: 50 to 100 new texts a second on 2 cores; vectors are stored in the
    /// database, so each text is embedded once.
    #[arg(long)]
    pub semantic: bool,
    /// Where the model files are (config.json, tokenizer.json, model.safetensors).
    /// [default: crates/embed/models/all-MiniLM-L6-v2 in the source tree]
    #[arg(long, value_name = "DIR", env = "THROUGHLINE_MODEL_DIR")]
    pub model: Option<PathBuf>,
}

/// Where the evaluation's ground truth comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TruthSource {
    /// The database's explicit and corrected links (selector facts are hidden).
    Links,
    /// Each item's first label that names an area, as if labels were initiatives
    /// (GitHub's kind-of-work labels, such as `bug` or `enhancement`, are passed over).
    Labels,
    /// Each item's first component.
    Components,
    /// Each item's project.
    Project,
    /// Each item's epic (without one, the top of its parent chain); the epic's own
    /// title and description are the initiative's words, as a strategy would give them,
    /// and its life (created to resolved) the initiative's timeframe.
    Epic,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Measure what a user sees: the newest share of the work the strategy's selectors
    /// link is held out and loses the facts the selectors match (selected components,
    /// labels, projects, sprints; its epic or parent when linked through them), then the
    /// work is aligned with the same code as `import` and `align`, and the held-out
    /// items' links are scored against the initiatives their facts named. Without it,
    /// eval runs the diagnostic harness (--truth, --min-items, --label-prefix,
    /// --skip-label, --misses).
    #[arg(long)]
    pub product_path: bool,
    /// With --product-path, the open world: every other initiative (by id) is taken out
    /// of the strategy first, so the work it selected is uncovered and should not be
    /// placed on an initiative.
    #[arg(long, requires = "product_path")]
    pub open: bool,
    /// The diagnostic harness: where the truth comes from.
    #[arg(long, value_enum, default_value_t = TruthSource::Links, conflicts_with = "product_path")]
    pub truth: TruthSource,
    /// Share of the newest items held out for testing (0.01 to 0.9).
    #[arg(long, default_value_t = 0.2, value_parser = test_share)]
    pub test_share: f32,
    /// Values (labels, components, projects, epics) with fewer items are left out
    /// [default: 30; 10 with --truth epic, since epics are smaller].
    #[arg(long, conflicts_with = "product_path")]
    pub min_items: Option<usize>,
    /// With --truth labels: each item's first label starting with this (e.g. `area/`,
    /// `component:`; any case), so that `bug` or `enhancement` are not taken for areas.
    /// The rest of the label is the initiative's words.
    #[arg(long, value_name = "PREFIX", conflicts_with = "product_path")]
    pub label_prefix: Option<String>,
    /// With --truth labels: more labels that say what kind of work an item is rather
    /// than where it belongs, passed over like `bug` and `enhancement` (any case;
    /// repeat the flag or separate with commas).
    #[arg(
        long,
        value_name = "LABEL",
        value_delimiter = ',',
        conflicts_with = "product_path"
    )]
    pub skip_label: Vec<String>,
    /// Also list the held-out items the engine missed at top-1 (the first N; 30 without
    /// a number). `--json` always lists every one.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "30", conflicts_with = "product_path")]
    pub misses: Option<usize>,
    #[command(flatten)]
    pub semantic: SemanticArgs,
}

#[derive(Debug, Args)]
pub struct ItemArg {
    /// The item: KEY, or SOURCE:KEY when the key exists in several sources.
    pub item: String,
    /// Your team, recorded with the correction (never your name).
    #[arg(long)]
    pub team: Option<String>,
}

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The item: KEY, or SOURCE:KEY.
    #[arg(required_unless_present = "file")]
    pub item: Option<String>,
    /// initiative:ID, goal:ID or off_plan:REASON (tech_debt, bug_incident,
    /// customer_escalation, sales_commitment, maintenance, exploration, other).
    #[arg(required_unless_present = "file")]
    pub target: Option<String>,
    /// Your team, recorded with the correction (never your name).
    #[arg(long)]
    pub team: Option<String>,
    /// Why, in a few words; kept with the link.
    #[arg(long, conflicts_with = "file")]
    pub reason: Option<String>,
    /// Many decisions at once, from a reviewed list (CSV or JSON): per row a `key` and a
    /// `decision`, which is `confirm` (keep the link the item has now) or where it
    /// belongs; optional `source` and `why`. Rows without a decision are left alone.
    /// `throughline items --csv` writes such a list to fill in. All rows or none.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["item", "target"])]
    pub file: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    /// Attach a note to an item, an initiative or a goal.
    Add(NoteAddArgs),
    /// List notes, optionally for one item, initiative or goal.
    List {
        /// item:KEY, item:SOURCE:KEY, initiative:ID or goal:ID.
        #[arg(long)]
        on: Option<String>,
    },
    /// Import notes from CSV (target,kind,text,author_team,author_name,date), JSON or JSON Lines.
    Import { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct NoteAddArgs {
    /// What the note is about: item:KEY, item:SOURCE:KEY, initiative:ID or goal:ID.
    #[arg(long)]
    pub on: String,
    /// why, trade_off, learning, risk or customer_signal.
    #[arg(long, default_value = "why")]
    pub kind: String,
    /// The note itself.
    pub text: String,
    /// Your team (notes aggregate by team).
    #[arg(long)]
    pub team: Option<String>,
    /// Your name (optional; never shown in aggregates).
    #[arg(long)]
    pub author: Option<String>,
    /// Date of the note (default: today).
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum MetricsCommand {
    /// Import metric values from CSV (metric,date,value); re-importing replaces same-day values.
    Import { file: PathBuf },
    /// Key results against baseline and target, with launches on their timeline.
    Show {
        /// Only this metric.
        id: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Also write a commented example strategy file here.
    #[arg(long, value_name = "FILE")]
    pub strategy_example: Option<PathBuf>,
}

/// Export formats accepted by `import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// Jira: REST search JSON (v2/v3, pages or a list of issues) or issue-navigator CSV.
    Jira,
    /// GitHub: issues / pull requests JSON from the REST API or `gh ... list --json`.
    Github,
    /// GitLab: issues and group epics JSON from the REST API (pages too) or `glab issue
    /// list --output json`, or work items (epics, issues, tasks) from the GraphQL API.
    Gitlab,
    /// Linear: the workspace CSV export, or issues from its GraphQL API (.json).
    Linear,
    /// Azure DevOps Boards: work items JSON from the REST API (`workitemsbatch`,
    /// `workitems?ids=...&$expand=relations`; pages too), or a Boards query's CSV export.
    AzureDevops,
    /// Any CSV or JSON Lines file, read through a column mapping.
    Csv,
    /// Sniff each file.
    Auto,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the files are.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// Export files to import (each is one transaction).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Source name the keys belong to (default: jira, github, gitlab, linear, azure-devops,
    /// csv, jsonl).
    #[arg(long)]
    pub source: Option<String>,
    /// Column mapping for csv: FIELD=COLUMN, repeatable (e.g. --map title=summary).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    pub map: Vec<String>,
    /// Column mapping file (TOML with [columns] and [constants]).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// Tracker base URL used to build item links when the export has none.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Where the team of an item the export gives none comes from: `project`,
    /// `component` (the first), `label:PREFIX` (e.g. label:team- reads team-payments as
    /// payments) or `field:NAME` (a Jira field id or name, a CSV column; it replaces the
    /// detected team field). The strategy's [[team]] tables apply after it.
    #[arg(long, value_name = "SOURCE", value_parser = team_from)]
    pub team_from: Option<throughline_ingest::TeamFrom>,
    /// Skip inferring links for new and changed items (run `align` later).
    #[arg(long)]
    pub no_align: bool,
    /// The file is a complete, fresh export of what an earlier import of the same path
    /// (as written here) and format brought: also remove the items that import brought
    /// in (or changed last) and this file no longer has. Their links go with them (a
    /// person's too); notes stay. An empty file removes nothing.
    #[arg(long)]
    pub prune: bool,
}

/// `--team-from`, checked as the flag is read.
fn team_from(s: &str) -> Result<throughline_ingest::TeamFrom, String> {
    s.parse()
        .map_err(|e: throughline_ingest::ParseTeamFromError| e.to_string())
}

/// How often `sync --every` runs: a duration as people write it, at least a second.
fn every(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration such as 30s, 15m or 1h: {e}"))?;
    if d < std::time::Duration::from_secs(1) {
        return Err(format!("`{s}` is under a second; give 30s, 15m or 1h"));
    }
    Ok(d)
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Jira Cloud, Server or Data Center: the issues a JQL query finds. Credentials come
    /// from JIRA_EMAIL and JIRA_API_TOKEN (Cloud) or JIRA_TOKEN (a Server or Data Center
    /// personal access token).
    Jira(JiraSyncArgs),
    /// GitHub: a repository's issues and pull requests. A token, if any, comes from
    /// GITHUB_TOKEN (public repositories need none, at a lower rate limit).
    Github(GithubSyncArgs),
    /// Linear: the issues an API key can see, or one team's. The key comes from
    /// LINEAR_API_KEY (Settings → Security & access → Personal API keys).
    Linear(LinearSyncArgs),
    /// GitLab: a group's issues (its subgroups' too) and epics, or one project's issues.
    /// The token comes from GITLAB_TOKEN (a personal access token with read_api).
    Gitlab(GitlabSyncArgs),
    /// Azure DevOps Boards: a project's work items, or those a WIQL query finds. The
    /// personal access token comes from AZURE_DEVOPS_TOKEN (Work Items: Read).
    AzureDevops(AzureDevopsSyncArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("whose").required(true).args(["group", "project"])))]
pub struct GitlabSyncArgs {
    /// The group's path (e.g. acme or acme/payments): its issues and its epics (epics
    /// need GitLab Premium; without them the issues are still synced).
    #[arg(long, value_name = "PATH")]
    pub group: Option<String>,
    /// One project's path instead (e.g. acme/shop): its issues, no epics.
    #[arg(long, value_name = "PATH")]
    pub project: Option<String>,
    /// The GitLab instance, for a self-managed one.
    #[arg(long, env = "GITLAB_URL", value_name = "URL", default_value = throughline_sync::GITLAB_URL)]
    pub url: String,
    #[command(flatten)]
    pub common: SyncOptions,
}

#[derive(Debug, Args)]
pub struct AzureDevopsSyncArgs {
    /// The organisation (dev.azure.com/ORG), or on Azure DevOps Server the collection.
    #[arg(long)]
    pub org: String,
    /// The project.
    #[arg(long)]
    pub project: String,
    /// Which work items, in WIQL: a flat query (SELECT ... FROM WorkItems WHERE ...) or
    /// its condition alone, e.g. "[System.AreaPath] UNDER 'Shop\Checkout'" (default:
    /// every work item of the project).
    #[arg(long, value_name = "WIQL")]
    pub query: Option<String>,
    /// The API address: Azure DevOps Server's is https://HOST/tfs.
    #[arg(long, value_name = "URL", default_value = throughline_sync::AZURE_DEVOPS_API)]
    pub api_url: String,
    #[command(flatten)]
    pub common: SyncOptions,
}

#[derive(Debug, Args)]
pub struct LinearSyncArgs {
    /// Only this team's issues, by its key (e.g. ENG).
    #[arg(long, value_name = "KEY")]
    pub team: Option<String>,
    /// The GraphQL API's address.
    #[arg(long, value_name = "URL", default_value = throughline_sync::LINEAR_API)]
    pub api_url: String,
    #[command(flatten)]
    pub common: SyncOptions,
}

#[derive(Debug, Args)]
pub struct JiraSyncArgs {
    /// The Jira site, e.g. https://acme.atlassian.net.
    #[arg(long, env = "JIRA_URL", value_name = "URL")]
    pub url: String,
    /// Which issues, in JQL, e.g. "project = PAY" or "project in (PAY, OPS)".
    #[arg(long)]
    pub jql: String,
    /// Jira Server or Data Center (the /rest/api/2/search API) rather than Cloud.
    #[arg(long)]
    pub server: bool,
    #[command(flatten)]
    pub common: SyncOptions,
}

#[derive(Debug, Args)]
pub struct GithubSyncArgs {
    /// The repository, as OWNER/NAME.
    #[arg(long)]
    pub repo: String,
    /// The API address: GitHub Enterprise Server's is https://HOST/api/v3.
    #[arg(long, env = "GITHUB_API_URL", value_name = "URL", default_value = throughline_sync::GITHUB_API)]
    pub api_url: String,
    #[command(flatten)]
    pub common: SyncOptions,
}

#[derive(Debug, Args)]
pub struct SyncOptions {
    /// Source name the keys belong to (default: jira, github, linear, gitlab or
    /// azure-devops, as for imported files, so a sync updates the items an export
    /// brought in).
    #[arg(long)]
    pub source: Option<String>,
    /// Where the team of an item the tracker gives none comes from, as for `import`:
    /// `project`, `component`, `label:PREFIX` or (Jira) `field:NAME`.
    #[arg(long, value_name = "SOURCE", value_parser = team_from)]
    pub team_from: Option<throughline_ingest::TeamFrom>,
    /// Fetch everything, not only what changed since the last sync of the same query.
    #[arg(long)]
    pub full: bool,
    /// With --full: also remove the work this same sync brought in (or changed last) that
    /// the tracker no longer returns: deleted, or moved out of the query. Their links go
    /// with them (a person's too); notes stay. Work an import file brought is never
    /// removed, and an empty answer removes nothing.
    #[arg(long, requires = "full")]
    pub prune: bool,
    /// Skip inferring links for new and changed items (run `align` later).
    #[arg(long)]
    pub no_align: bool,
    /// Keep running: sync again this long after each sync began (e.g. 15m, 1h). A round
    /// that fails after the first is reported and tried again at the next; `--full` (and
    /// `--prune`) apply to the first round only. Ctrl-C stops (a round cut short stores
    /// nothing).
    #[arg(long, value_name = "DURATION", value_parser = every)]
    pub every: Option<std::time::Duration>,
}

#[derive(Debug, Subcommand)]
pub enum StrategyCommand {
    /// Validate a strategy file; every problem is listed with its line.
    Check { file: PathBuf },
    /// Store a strategy file as a new version and re-link work to it.
    Apply { file: PathBuf },
    /// Show the strategy in force (or a version, or the history).
    Show {
        /// A past version instead of the newest.
        #[arg(long)]
        version: Option<i64>,
        /// List every applied version.
        #[arg(long)]
        history: bool,
    },
    /// Print a complete, commented example strategy file.
    Example,
    /// Draft a first strategy file from the imported work: the epics (or components,
    /// labels, projects) holding the most recent work become initiatives with their
    /// selectors, under a placeholder goal to name. Ranked by size only; edit, then apply.
    Draft {
        /// At most this many initiatives.
        #[arg(long, default_value_t = 12)]
        max: usize,
        /// Write the draft to this new file (an existing file is never overwritten).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Args, Default)]
pub struct ScopeArgs {
    /// Period: 2026-Q3, 2026-H2, 2026-07, 2026-W32, 2026 or 2026-07-01..2026-09-30
    /// (`all`: all time).
    #[arg(long)]
    pub period: Option<String>,
    /// Which date puts work in the period: active (worked on at any time in it),
    /// created or resolved.
    #[arg(long, value_name = "DATE", default_value = "active", value_parser = ["active", "created", "resolved"])]
    pub period_by: String,
    /// Only this team's work.
    #[arg(long)]
    pub team: Option<String>,
}

#[derive(Debug, Args)]
pub struct ItemsArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Only work serving this goal.
    #[arg(long)]
    pub goal: Option<String>,
    /// Only work linked to this initiative.
    #[arg(long)]
    pub initiative: Option<String>,
    /// Only work off plan, for this reason (or `any`).
    #[arg(long, value_name = "REASON")]
    pub off_plan: Option<String>,
    /// Only work the sense engine could not place.
    #[arg(long)]
    pub unclear: bool,
    /// Only work with no link at all.
    #[arg(long)]
    pub unlinked: bool,
    /// Only work in this class, as the reports count it: aligned (serving a goal),
    /// off_plan, not_placed (unclear or not linked), unclear, unlinked.
    #[arg(long, value_parser = class_filter)]
    pub class: Option<ClassFilter>,
    /// Only links of this origin (several with commas: `explicit,corrected`).
    #[arg(long, value_delimiter = ',', value_parser = ["explicit", "inferred", "corrected"])]
    pub origin: Vec<String>,
    /// Only work created in this period (2026-W27, 2026-07, 2026-Q3...; `none`: work
    /// without a creation date), as `allocation` buckets it.
    #[arg(long, value_name = "PERIOD")]
    pub created: Option<String>,
    /// Only the off-plan theme with this label, as `throughline themes` names it over
    /// the same period and team.
    #[arg(long, value_name = "LABEL")]
    pub theme: Option<String>,
    /// Title or key contains this text.
    #[arg(long)]
    pub text: Option<String>,
    /// Only work with this label (case-insensitive).
    #[arg(long)]
    pub label: Option<String>,
    /// Only work filed under this component (case-insensitive).
    #[arg(long)]
    pub component: Option<String>,
    /// Only work of this type: Bug, Story, Task... (case-insensitive).
    #[arg(long = "type", value_name = "TYPE")]
    pub item_type: Option<String>,
    /// Only the engine's links (and "unclear" answers) less sure than this, e.g. 0.6.
    #[arg(long, value_name = "CONFIDENCE", value_parser = confidence)]
    pub below: Option<f32>,
    /// `confidence`: the engine's least sure inferences first, the queue to review with
    /// `confirm` and `link`; `stored`: import order.
    #[arg(long, value_parser = ["stored", "confidence"], default_value = "stored")]
    pub sort: String,
    /// Print CSV for a spreadsheet, with empty `decision` and `why` columns: fill them
    /// in and give the file to `throughline link --file` to confirm or correct in bulk.
    #[arg(long)]
    pub csv: bool,
    /// At most this many rows (0 for all).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

fn class_filter(s: &str) -> Result<ClassFilter, String> {
    ClassFilter::parse(s)
}

/// A confidence threshold: above 0, at most 1.
fn confidence(s: &str) -> Result<f32, String> {
    let v: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(format!(
            "{v} is not a confidence: use a number above 0 and at most 1"
        ))
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Teams with fewer people than this are folded into "other".
    #[arg(long, default_value_t = 3)]
    pub min_group: usize,
    /// Print CSV for a spreadsheet: one row per figure (the whole, aligned by origin,
    /// each goal and initiative, off plan by reason, not placed, each team's mix).
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the demo's export files.
    #[arg(long, default_value = "throughline-demo")]
    pub dir: PathBuf,
    /// Generator seed (same seed, same organisation).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Number of work items to generate.
    #[arg(long, default_value_t = 3000)]
    pub items: usize,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[arg(value_enum, default_value_t = BenchTarget::Import)]
    pub target: BenchTarget,
    /// Number of generated work items.
    #[arg(long, default_value_t = 1_000_000)]
    pub items: usize,
    /// Input format of the generated export.
    #[arg(long, value_parser = ["csv", "jsonl"], default_value = "csv")]
    pub format: String,
    /// Keep the generated database at `--db` (which must not exist yet) instead of a
    /// temporary file, to try the reports at that scale: `throughline --db big.db bench
    /// align --keep`, then `throughline --db big.db status`.
    #[arg(long)]
    pub keep: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchTarget {
    /// Generate an export, then import it end to end into a fresh database file.
    Import,
    /// Import a generated export with a strategy, then time a full `align` (inference).
    Align,
    /// Import and align generated work, then time loading it for a report, making each
    /// report from it, and reading a kept report back.
    Reports,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Output format.
    #[arg(long, value_parser = ["md", "html"], default_value = "md")]
    pub format: String,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Teams with fewer people than this are folded into "other".
    #[arg(long, default_value_t = 3)]
    pub min_group: usize,
    /// Never call a language model, even when THROUGHLINE_LLM_URL is set.
    #[arg(long)]
    pub offline: bool,
    /// Keys shown of each evidence list behind a number (`--json` always has them all).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 5,
        conflicts_with = "all_keys"
    )]
    pub evidence_keys: usize,
    /// List every key behind every number (large for a large organisation).
    #[arg(long)]
    pub all_keys: bool,
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The question, e.g. "why is Payments off plan?"
    #[arg(required = true)]
    pub question: Vec<String>,
    /// Never call a language model, even when THROUGHLINE_LLM_URL is set.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Compare only the last this many weeks with the weeks before them, instead of
    /// scanning the whole period for shifts.
    #[arg(long)]
    pub recent_weeks: Option<i64>,
    /// Weeks in the window compared against (with `--recent-weeks`; default 8).
    #[arg(long)]
    pub baseline_weeks: Option<i64>,
    /// Teams with fewer people than this are folded into "other".
    #[arg(long, default_value_t = 3)]
    pub min_group: usize,
}

#[derive(Debug, Args)]
pub struct ThemesArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Also theme work not placed yet (unclear or unlinked).
    #[arg(long)]
    pub unplaced: bool,
}

#[derive(Debug, Args)]
pub struct AllocationArgs {
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Bucket by ISO week, month, quarter or sprint name; `auto` picks weeks, months or
    /// quarters by the span of the work (up to 26 weeks, up to three years, longer).
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(throughline_report::BucketBy::names()), default_value = "auto")]
    pub by: String,
    /// Print CSV for a spreadsheet: one row per period and class of work (aligned by
    /// origin, off plan by reason, not placed), then per period and goal.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Off loopback, tokens are always required.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: String,
    /// Require tokens on loopback too.
    #[arg(long)]
    pub auth: bool,
    /// Send the digest on a schedule, in this machine's local time: "mon 09:00" (weekly),
    /// "daily 09:00", or "every 30s" to try a setup out. A failed send is logged, recorded
    /// and caught up by the next one.
    #[arg(long, value_name = "WHEN", requires = "digest_to", value_parser = schedule)]
    pub digest: Option<throughline_notify::Schedule>,
    /// Where the scheduled digest goes (repeatable): slack:WEBHOOK_URL,
    /// teams:WEBHOOK_URL or email:ADDRESS (SMTP from THROUGHLINE_SMTP_*).
    #[arg(long, value_name = "DEST", requires = "digest")]
    pub digest_to: Vec<String>,
    /// With --digest: one digest per team (teams under three people are folded into
    /// "other" and covered by the digest for all teams only).
    #[arg(long, requires = "digest")]
    pub digest_per_team: bool,
    /// With --digest: the dashboard address the digest links to; default: this server's
    /// own (http://ADDR).
    // Not `requires = "digest"`: clap would then refuse a plain `serve` wherever
    // THROUGHLINE_BASE_URL is set for `throughline digest`.
    #[arg(long, value_name = "URL", env = "THROUGHLINE_BASE_URL")]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub oidc: OidcArgs,
}

/// Sign-in with an identity provider (OpenID Connect) for `serve`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Sign in with an identity provider (OpenID Connect)")]
pub struct OidcArgs {
    /// The provider's issuer URL (its discovery document is at
    /// ISSUER/.well-known/openid-configuration). People then sign in there, the dashboard
    /// sends them to it, and every request needs a session or a token, on loopback too.
    /// The client secret, if the client has one, is read from
    /// THROUGHLINE_OIDC_CLIENT_SECRET. Register BASE_URL/auth/callback (--base-url) as
    /// the client's redirect URI.
    #[arg(long, value_name = "URL", requires = "oidc_client_id")]
    pub oidc_issuer: Option<String>,
    /// The client id registered with the provider; ID tokens must name it as audience.
    #[arg(long, value_name = "ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// The ID-token claim listing a person's groups or roles (a dotted path reaches into
    /// objects, e.g. realm_access.roles).
    #[arg(long, value_name = "CLAIM", default_value = "groups")]
    pub oidc_roles_claim: String,
    /// Members of this group are admins (repeatable).
    #[arg(long, value_name = "GROUP")]
    pub oidc_admin_group: Vec<String>,
    /// Members of this group are contributors (repeatable). Everyone else who signs in
    /// is a viewer.
    #[arg(long, value_name = "GROUP")]
    pub oidc_contributor_group: Vec<String>,
    /// The ID-token claim naming a person's team, recorded with their notes and
    /// corrections (default: none).
    #[arg(long, value_name = "CLAIM")]
    pub oidc_team_claim: Option<String>,
    /// How long a sign-in lasts.
    #[arg(long, value_name = "DURATION", default_value = "8h", value_parser = humantime::parse_duration)]
    pub oidc_session: std::time::Duration,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// The first digest's days, when none reached the destination before: last-week (the
    /// last 7 complete days), last-day, last-2-weeks, last-month, last-N-days, or a
    /// period (2026-W46). Later digests cover the days since the last one.
    #[arg(long, default_value = "last-week", value_parser = digest_period)]
    pub period: throughline_report::DigestPeriod,
    /// Only this team's work (a team under three people cannot have a digest of its own).
    #[arg(long, conflicts_with = "per_team")]
    pub team: Option<String>,
    /// One digest per team, each with that team's figures only.
    #[arg(long)]
    pub per_team: bool,
    /// The dashboard address every line links to (`throughline serve`'s).
    #[arg(
        long,
        value_name = "URL",
        env = "THROUGHLINE_BASE_URL",
        default_value = "http://localhost:7878"
    )]
    pub base_url: String,
    /// Send it here instead of printing Markdown (repeatable): slack:WEBHOOK_URL,
    /// teams:WEBHOOK_URL, or email:ADDRESS through the SMTP server in THROUGHLINE_SMTP_HOST,
    /// _PORT, _USER, _PASSWORD, _FROM and _TLS (none, starttls or tls). Each destination
    /// gets the days since the last digest it received; a failed one is tried three times
    /// and named, the others are still sent, and the exit code says so.
    #[arg(long, value_name = "DEST")]
    pub to: Vec<String>,
    /// The last day covered (default: yesterday, or the data's last day when it ends
    /// earlier).
    #[arg(long, value_name = "DATE", value_parser = day)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Teams with fewer people than this are folded into "other".
    #[arg(long, default_value_t = 3)]
    pub min_group: usize,
}

fn schedule(s: &str) -> Result<throughline_notify::Schedule, String> {
    s.parse()
        .map_err(|e: throughline_notify::ScheduleError| e.to_string())
}

fn digest_period(s: &str) -> Result<throughline_report::DigestPeriod, String> {
    s.parse()
        .map_err(|e: throughline_report::DigestError| e.to_string())
}

fn day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a day like 2026-11-20"))
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (once; only a hash is stored).
    Create {
        /// viewer (read), contributor (notes, corrections) or admin (strategy, tokens).
        #[arg(long)]
        role: String,
        /// Team recorded with the notes and corrections made with this token.
        #[arg(long)]
        team: Option<String>,
        /// What the token is for, e.g. "dashboard" or "ci".
        #[arg(long)]
        name: Option<String>,
    },
    /// List tokens (never their secrets).
    List,
    /// Revoke a token by id; it stops working at once.
    Revoke { id: i64 },
}

/// A held-out share the evaluation can use: some items must be tested, and some trained on.
fn test_share(s: &str) -> Result<f32, String> {
    let v: f32 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a share such as 0.2"))?;
    if (0.01..=0.9).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "{v} is outside 0.01 to 0.9: at least 1% must be tested and 10% trained on"
        ))
    }
}
