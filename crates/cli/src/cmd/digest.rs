//! `throughline digest`, and the digest `serve --digest` sends on a schedule: made by
//! `report::digest`, sent by `throughline-notify`, each send recorded in the database so
//! the next digest to a destination covers the days since the last one it received.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDate;
use serde::Serialize;
use throughline_notify::{Destination, Sender};
use throughline_report::{Digest, DigestOptions, DigestPeriod, Snapshot, digest, digest_teams};
use throughline_store::{DigestSend, Store, token_hash};

use super::Globals;
use crate::args::DigestArgs;

/// What to make and where to send it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub db: throughline_store::DbLocation,
    pub period: DigestPeriod,
    pub team: Option<String>,
    pub per_team: bool,
    pub as_of: Option<NaiveDate>,
    pub base_url: String,
    pub min_group: usize,
    pub to: Vec<Destination>,
}

/// One digest for one destination (`None`: printed).
pub struct Job {
    pub to: Option<Destination>,
    pub digest: Digest,
}

/// What happened to one digest sent.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// Redacted.
    pub destination: String,
    pub team: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub ok: bool,
    pub error: Option<String>,
}

/// The destinations given. Read here rather than by clap, which repeats a refused value
/// whole: a webhook's address is its secret, and the error must show it redacted.
pub fn destinations(given: &[String]) -> anyhow::Result<Vec<Destination>> {
    given
        .iter()
        .map(|d| d.parse().map_err(anyhow::Error::from))
        .collect()
}

pub fn run(g: &Globals, a: DigestArgs) -> anyhow::Result<()> {
    let to = destinations(&a.to)?;
    let plan = Plan {
        db: g.db.clone(),
        period: a.period,
        team: a.team,
        per_team: a.per_team,
        as_of: a.as_of,
        base_url: a.base_url,
        min_group: a.min_group,
        to,
    };
    let jobs = prepare(&plan)?;
    if plan.to.is_empty() {
        if g.json {
            let digests: Vec<&Digest> = jobs.iter().map(|j| &j.digest).collect();
            return crate::output::json(&serde_json::json!({ "digests": digests }));
        }
        let text: Vec<String> = jobs.iter().map(|j| j.digest.to_markdown()).collect();
        out!("{}", text.join("\n---\n\n"));
        return Ok(());
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let deliveries = rt.block_on(deliver(jobs, &Sender::new(None)?));
    record(&plan.db, &deliveries)?;
    let failed: Vec<&(Delivery, DigestSend)> = deliveries.iter().filter(|d| !d.0.ok).collect();
    if g.json {
        let all: Vec<&Delivery> = deliveries.iter().map(|d| &d.0).collect();
        crate::output::json(&serde_json::json!({ "deliveries": all }))?;
    } else if !g.quiet {
        for (d, _) in deliveries.iter().filter(|d| d.0.ok) {
            eprintln!("{}", sent_words(d));
        }
    }
    for (d, _) in &failed {
        eprintln!("error: {}", d.error.as_deref().unwrap_or("not sent"));
    }
    if !failed.is_empty() {
        anyhow::bail!(
            "{} of {} digests were not sent (each is tried again by the next digest to it)",
            failed.len(),
            deliveries.len()
        );
    }
    Ok(())
}

fn sent_words(d: &Delivery) -> String {
    format!(
        "sent the digest{} for {}..{} to {}",
        d.team
            .as_deref()
            .map_or(String::new(), |t| format!(" of {t}")),
        d.from,
        d.to,
        d.destination
    )
}

/// What identifies a destination in the database: a hash of it as given (a webhook's
/// address is its secret).
fn key(to: &Destination) -> String {
    token_hash(&to.full())
}

/// Makes every digest the plan asks for (blocking: it loads the database): per
/// destination, since the last digest that reached it; per team with `per_team`.
pub fn prepare(plan: &Plan) -> anyhow::Result<Vec<Job>> {
    let store = Store::open_at(&plan.db).with_context(|| format!("opening {}", plan.db))?;
    let snap = Snapshot::load(&store)?;
    let teams: Vec<Option<String>> = if plan.per_team {
        let (teams, folded) = digest_teams(&snap, plan.min_group);
        if teams.is_empty() {
            anyhow::bail!(
                "no team has {} people or more, so no team can have a digest of its own; \
                 leave out --per-team for the digest of all teams",
                plan.min_group
            );
        }
        if folded > 0 {
            tracing::info!(
                folded,
                "teams under the minimum size get no digest of their own"
            );
        }
        teams.into_iter().map(Some).collect()
    } else {
        vec![plan.team.clone()]
    };
    let dests: Vec<Option<&Destination>> = if plan.to.is_empty() {
        vec![None]
    } else {
        plan.to.iter().map(Some).collect()
    };
    // Destinations that last received the same days share one digest.
    let mut made: HashMap<(Option<String>, Option<NaiveDate>), Digest> = HashMap::new();
    let mut jobs = Vec::new();
    for team in &teams {
        for to in &dests {
            let last = match to {
                Some(d) => store.last_digest(&key(d), team.as_deref().unwrap_or(""))?,
                None => None,
            };
            let digest = match made.get(&(team.clone(), last)) {
                Some(d) => d.clone(),
                None => {
                    let opts = DigestOptions {
                        period: plan.period.clone(),
                        as_of: plan.as_of,
                        last_covered: last,
                        team: team.clone(),
                        min_group_size: plan.min_group,
                        base_url: plan.base_url.clone(),
                    };
                    let d = digest(&snap, &opts)?;
                    made.insert((team.clone(), last), d.clone());
                    d
                }
            };
            jobs.push(Job {
                to: to.cloned(),
                digest,
            });
        }
    }
    Ok(jobs)
}

/// Sends every job, each on its own: one destination failing never stops the others.
pub async fn deliver(jobs: Vec<Job>, sender: &Sender) -> Vec<(Delivery, DigestSend)> {
    let mut out = Vec::new();
    for job in jobs {
        let Some(to) = job.to else { continue };
        let d = &job.digest;
        let result = sender.send(&to, d).await;
        let error = result.err().map(|e| e.to_string());
        let delivery = Delivery {
            destination: to.redacted(),
            team: d.team.clone(),
            from: d.from,
            to: d.to,
            ok: error.is_none(),
            error: error.clone(),
        };
        let record = DigestSend {
            destination: key(&to),
            shown: to.redacted(),
            team: d.team.clone().unwrap_or_default(),
            sent_at: String::new(),
            covered_from: d.from,
            // An empty window (nothing new) covers no day past the last one.
            covered_to: d.to.max(d.from - chrono::Duration::days(1)),
            ok: error.is_none(),
            error,
        };
        out.push((delivery, record));
    }
    out
}

/// Records every send, failed ones too (blocking).
pub fn record(
    db: &throughline_store::DbLocation,
    deliveries: &[(Delivery, DigestSend)],
) -> anyhow::Result<()> {
    let mut store = Store::open_at(db).with_context(|| format!("opening {db}"))?;
    for (_, send) in deliveries {
        store.record_digest(send)?;
    }
    Ok(())
}

/// The schedule's loop, beside the server: waits for each send time, then makes, sends
/// and records the digests. A failure is logged and recorded; the destination's next
/// digest covers the days this one missed.
pub async fn scheduled(plan: Plan, schedule: throughline_notify::Schedule, sender: Sender) {
    loop {
        tokio::time::sleep(schedule.wait_from(&chrono::Local::now())).await;
        let p = plan.clone();
        let jobs = match tokio::task::spawn_blocking(move || prepare(&p)).await {
            Ok(Ok(jobs)) => jobs,
            Ok(Err(e)) => {
                tracing::error!("the scheduled digest could not be made: {e:#}");
                eprintln!("error: the scheduled digest could not be made: {e:#}");
                continue;
            }
            Err(e) => {
                tracing::error!("the scheduled digest stopped: {e}");
                continue;
            }
        };
        let deliveries = deliver(jobs, &sender).await;
        for (d, _) in &deliveries {
            match &d.error {
                None => {
                    tracing::info!(destination = %d.destination, "{}", sent_words(d));
                    eprintln!("{}", sent_words(d));
                }
                Some(e) => {
                    tracing::error!(destination = %d.destination, "{e}");
                    eprintln!("error: {e}");
                }
            }
        }
        let db = plan.db.clone();
        match tokio::task::spawn_blocking(move || record(&db, &deliveries)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("the digest sends could not be recorded: {e:#}"),
            Err(e) => tracing::error!("recording the digest sends stopped: {e}"),
        }
    }
}

/// `serve --digest`: the plan for the scheduled digest.
pub fn serve_plan(g: &Globals, a: &crate::args::ServeArgs, addr: &str) -> anyhow::Result<Plan> {
    Ok(Plan {
        db: g.db.clone(),
        // The first digest covers one interval of the schedule.
        period: DigestPeriod::LastDays(match a.digest {
            Some(throughline_notify::Schedule::Daily(_)) => 1,
            _ => 7,
        }),
        team: None,
        per_team: a.digest_per_team,
        as_of: None,
        base_url: a
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
        min_group: 3,
        to: destinations(&a.digest_to)?,
    })
}
