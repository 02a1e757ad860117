//! Context notes: why off-plan work was pulled in, trade-offs, learnings, risks.

use chrono::{Duration, NaiveDate};
use throughline_model::{NoteKind, OffPlanReason};

use crate::items::{Clock, Intent, Item};
use crate::org::{INITIATIVES, PAYMENTS, TEAMS};
use crate::rng::Rng;

/// One note row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// `item:jira:PAY-1`, `item:linear:MOB-2`, `initiative:ID` or `goal:ID`.
    pub target: String,
    /// Kind of context.
    pub kind: NoteKind,
    /// Text.
    pub text: String,
    /// Author's team.
    pub author_team: &'static str,
    /// Author (fictional).
    pub author_name: &'static str,
    /// Date written.
    pub date: NaiveDate,
}

/// Hand-written notes on goals and initiatives: (target, kind, when as a fraction of the
/// period, or days before the end when negative, text).
const NARRATIVE: &[(&str, NoteKind, f64, &str)] = &[
    (
        "goal:grow-self-serve",
        NoteKind::CustomerSignal,
        0.15,
        "Trials from the July webinar churned at the card form: 40% of drop-offs happen on the payment step.",
    ),
    (
        "goal:enterprise-ready",
        NoteKind::CustomerSignal,
        0.3,
        "Three of the five enterprise deals lost in Q2 named admin controls as the reason. Procurement wants roles and an audit trail.",
    ),
    (
        "goal:enterprise-ready",
        NoteKind::Risk,
        0.7,
        "Deal-specific asks are eating the roadmap: Core Experience spent about a fifth of its sprints on them this half.",
    ),
    (
        "goal:reliable-platform",
        NoteKind::Learning,
        0.6,
        "Error budgets changed the conversation: two teams paused feature work on their own when burn-rate alerts fired.",
    ),
    (
        "goal:mobile-habit",
        NoteKind::CustomerSignal,
        0.2,
        "App store reviews: 'useless on the train' is the most common complaint, by far.",
    ),
    (
        "goal:decide-with-data",
        NoteKind::CustomerSignal,
        0.25,
        "CSMs say QBR decks are still built by exporting to Excel; customers ask for pivots in the product.",
    ),
    (
        "initiative:checkout-v2",
        NoteKind::Why,
        0.02,
        "Checkout is where we lose most trials that reach intent to pay. Redesign first, wallets second.",
    ),
    (
        "initiative:checkout-v2",
        NoteKind::TradeOff,
        0.35,
        "Cut promo-code stacking from v2 to hold the launch date; finance handles the two affected coupons by hand.",
    ),
    (
        "initiative:checkout-v2",
        NoteKind::Learning,
        0.58,
        "Two weeks after launch: completion up about 4 points. Saved cards did most of it; Apple Pay is 12% of payments, less than hoped.",
    ),
    (
        "initiative:usage-billing",
        NoteKind::TradeOff,
        0.45,
        "Metering API calls only for v1; seats stay on the current model until pricing decides.",
    ),
    (
        "initiative:usage-billing",
        NoteKind::Risk,
        0.62,
        "The rating engine depends on the ledger service, the same place the payout incidents come from. If incidents keep coming, usage billing slips to Q1.",
    ),
    (
        "initiative:usage-billing",
        NoteKind::Why,
        -20.0,
        "Paused usage billing for two sprints: payout and invoice escalations from enterprise accounts come first.",
    ),
    (
        "initiative:local-payment-methods",
        NoteKind::Why,
        0.1,
        "SEPA Direct Debit is how B2B customers in DE and NL expect to pay; card-only checkout caps EU conversion.",
    ),
    (
        "initiative:local-payment-methods",
        NoteKind::Risk,
        0.66,
        "Stalled: the PSP contract addendum for iDEAL and Bancontact is still with legal. Nothing more we can build until it is signed.",
    ),
    (
        "initiative:local-payment-methods",
        NoteKind::TradeOff,
        -25.0,
        "Moved the two engineers from local payment methods onto the payout incidents while the contract is stuck.",
    ),
    (
        "initiative:guided-onboarding",
        NoteKind::TradeOff,
        0.3,
        "Shipped the checklist without personalisation to catch the August trial cohort.",
    ),
    (
        "initiative:guided-onboarding",
        NoteKind::Learning,
        0.52,
        "Checklist completion goes with conversion (2.3x), but 70% of trials ignore the sample project; we'll drop it.",
    ),
    (
        "initiative:pricing-experiments",
        NoteKind::Risk,
        0.4,
        "Each experiment needs about three weeks at current traffic: four more this half, not ten.",
    ),
    (
        "initiative:pricing-experiments",
        NoteKind::Learning,
        0.7,
        "Defaulting the toggle to annual raised ARPA but lowered conversion; net neutral, reverted.",
    ),
    (
        "initiative:in-product-referrals",
        NoteKind::Why,
        0.56,
        "Word of mouth is the top self-serve source in surveys; referrals make it measurable.",
    ),
    (
        "initiative:latency-budget",
        NoteKind::TradeOff,
        0.4,
        "Read replicas deferred: EU residency needs the same database work, so we do it once, there.",
    ),
    (
        "initiative:latency-budget",
        NoteKind::Learning,
        0.6,
        "Half of the p95 win came from three N+1 queries on list endpoints. The cache helped less than modelled.",
    ),
    (
        "initiative:eu-data-residency",
        NoteKind::CustomerSignal,
        0.3,
        "Umbrella Health and Tyrell Systems both made EU hosting a renewal condition.",
    ),
    (
        "initiative:eu-data-residency",
        NoteKind::Risk,
        0.8,
        "Replication tests show a 4h recovery point; contracts promise 1h. Needs a storage vendor decision.",
    ),
    (
        "initiative:slo-alerting",
        NoteKind::Learning,
        0.42,
        "Burn-rate alerts cut pages by 35% with no missed incident in the first month.",
    ),
    (
        "initiative:roles-permissions",
        NoteKind::Why,
        0.05,
        "Roles are on every enterprise security questionnaire and we answer 'on the roadmap'.",
    ),
    (
        "initiative:roles-permissions",
        NoteKind::TradeOff,
        0.45,
        "SCIM left out of this initiative; sales keeps asking, so it turns up as deal-by-deal work instead.",
    ),
    (
        "initiative:roles-permissions",
        NoteKind::Learning,
        0.66,
        "Design partners build three custom roles on average, mostly to restrict guests.",
    ),
    (
        "initiative:search-revamp",
        NoteKind::Risk,
        0.75,
        "Relevance tuning needs labelled queries we do not have; launch may ship with typeahead only.",
    ),
    (
        "initiative:report-builder",
        NoteKind::TradeOff,
        0.3,
        "Dropped scheduled delivery of reports to ship the builder before QBR season.",
    ),
    (
        "initiative:report-builder",
        NoteKind::Learning,
        0.6,
        "Pivots are used five times more than charts. Next half: more pivot options, fewer chart types.",
    ),
    (
        "initiative:scalable-exports",
        NoteKind::Why,
        0.22,
        "Exports time out above roughly 500k rows; every large customer has escalated it at least once.",
    ),
    (
        "initiative:scalable-exports",
        NoteKind::Learning,
        0.82,
        "Async exports ended the timeout escalations from large workspaces; 6 of 20 enterprise accounts use S3 delivery.",
    ),
    (
        "initiative:warehouse-sync",
        NoteKind::CustomerSignal,
        0.5,
        "Data teams at Contoso and Fabrikam want Snowflake, not CSVs, and say they would pay for it.",
    ),
    (
        "initiative:offline-mode",
        NoteKind::TradeOff,
        0.25,
        "Android offline ships two weeks after iOS: its storage layer needed a rewrite.",
    ),
    (
        "initiative:offline-mode",
        NoteKind::Learning,
        0.6,
        "Sync conflicts are rarer than feared (0.3% of edits); the hard part was migrating the local store.",
    ),
    (
        "initiative:smart-notifications",
        NoteKind::Risk,
        0.7,
        "iOS notification summaries may bury our digest; test on the beta before committing the design.",
    ),
    (
        "goal:grow-self-serve",
        NoteKind::Risk,
        -9.0,
        "Payments spent most of the last four weeks on incidents and an enterprise escalation wave (Globex, Acme Corp, Umbrella Health). Card payment success is down and the checkout gains are at risk.",
    ),
];

fn owner_team(target: &str) -> usize {
    if let Some(id) = target.strip_prefix("initiative:") {
        return INITIATIVES
            .iter()
            .find(|i| i.id == id)
            .map_or(0, |i| i.team);
    }
    let id = target.trim_start_matches("goal:");
    let team = crate::org::GOALS
        .iter()
        .find(|g| g.id == id)
        .map_or("Payments", |g| g.owner_team);
    TEAMS.iter().position(|t| t.name == team).unwrap_or(0)
}

fn fill(t: &str, it: &Item, init_title: &str) -> String {
    t.replace("{Customer}", it.slots.customer.unwrap_or("the customer"))
        .replace(
            "{system}",
            &it.slots
                .system
                .map_or("the service".to_string(), |s| format!("the {s}")),
        )
        .replace("{feature}", it.slots.feature.unwrap_or("this area"))
        .replace("{region}", it.slots.region.unwrap_or("one region"))
        .replace("{term}", it.slots.term.unwrap_or("this"))
        .replace("{initiative}", init_title)
}

fn templates(it: &Item) -> &'static [(NoteKind, &'static str)] {
    let has_customer = it.slots.customer.is_some();
    match it.intent {
        Intent::OffPlan(OffPlanReason::CustomerEscalation) if it.wave => &[
            (
                NoteKind::Why,
                "Escalated by {Customer}'s CFO. Their month-end close depends on this; CSM asked us to drop everything.",
            ),
            (
                NoteKind::CustomerSignal,
                "{Customer} is the third enterprise account this month with a billing escalation. Renewal is in six weeks.",
            ),
            (
                NoteKind::Risk,
                "If {Customer} escalates again they want a credit. Sales is nervous about the renewal.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::BugIncident) if it.wave => &[
            (
                NoteKind::Why,
                "Pulled in mid-sprint: customers noticed before our alerts did.",
            ),
            (
                NoteKind::Learning,
                "Root cause: the retry job re-ran after the ledger deploy and nobody owned the alert. Added an owner and a runbook.",
            ),
            (
                NoteKind::Risk,
                "Third payments incident in four weeks. The ledger service needs real investment, not more patches.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::CustomerEscalation) if has_customer => &[
            (
                NoteKind::Why,
                "Escalated by {Customer}: their admins hit this daily and the renewal is next quarter.",
            ),
            (
                NoteKind::Why,
                "Pulled in because {Customer}'s CSM flagged it as a churn risk. Not on our plan, but cheap compared to losing them.",
            ),
            (
                NoteKind::CustomerSignal,
                "{Customer} is the second large account to hit this; we may need a real fix for {feature}.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::CustomerEscalation) => &[
            (
                NoteKind::Why,
                "Escalated through support; three enterprise accounts affected.",
            ),
            (
                NoteKind::CustomerSignal,
                "Large workspaces keep hitting limits in {feature}; worth a look next planning.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::SalesCommitment) => &[
            (
                NoteKind::Why,
                "Pulled in for the {Customer} deal; sales asked for it before signature.",
            ),
            (
                NoteKind::Why,
                "Committed by sales to close {Customer} this quarter. Roughly a sprint for one engineer.",
            ),
            (
                NoteKind::TradeOff,
                "Took this for {Customer} instead of the next planned story; agreed with the product lead.",
            ),
            (
                NoteKind::CustomerSignal,
                "Fourth deal this half asking for something like this. Maybe it belongs in the plan, not in side deals.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::BugIncident) => &[
            (NoteKind::Why, "Customer-visible, so it jumped the queue."),
            (
                NoteKind::Learning,
                "Root cause: retry storm after a deploy of {system}. Added backoff and an alert.",
            ),
            (
                NoteKind::Learning,
                "Only {region} was affected; the failover runbook was out of date. Fixed the runbook too.",
            ),
            (
                NoteKind::Risk,
                "This will come back unless {system} gets a proper owner.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::TechDebt) => &[
            (
                NoteKind::TradeOff,
                "Took this instead of a planned story: every change to {system} costs us a day of manual testing.",
            ),
            (
                NoteKind::Why,
                "Blocks the next two planned items; cheaper to fix now than to work around again.",
            ),
            (
                NoteKind::Risk,
                "Nobody who wrote {system} is still on the team. The longer we wait, the worse it gets.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::Maintenance) => &[
            (
                NoteKind::Why,
                "Not optional: the current version goes out of support next month.",
            ),
            (
                NoteKind::Risk,
                "Expires in nine days. Calendar reminder added for next year.",
            ),
            (
                NoteKind::TradeOff,
                "Half a sprint for one engineer; we skipped it last quarter and paid for it.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::Exploration) => &[
            (
                NoteKind::Learning,
                "Findings: promising, but not this half. Write-up in the team space.",
            ),
            (
                NoteKind::Learning,
                "Answer: no. The managed option costs three times as much at our volume.",
            ),
            (
                NoteKind::Why,
                "Timeboxed so we can make an informed call in next half's planning.",
            ),
        ],
        Intent::OffPlan(OffPlanReason::Other | OffPlanReason::NotCovered) => {
            &[(NoteKind::Why, "Team housekeeping; small.")]
        }
        Intent::Aligned(_) => &[
            (
                NoteKind::Why,
                "Part of {initiative}; forgot to put it under the epic.",
            ),
            (
                NoteKind::Why,
                "Needed for {initiative}: came out of the last design review.",
            ),
        ],
        Intent::Linked(_) => &[
            (
                NoteKind::Learning,
                "Took twice as long as estimated: {term} had more edge cases than the spec listed.",
            ),
            (
                NoteKind::Learning,
                "Dogfooding caught most of the issues here before customers did.",
            ),
        ],
        Intent::Ambiguous => &[
            (
                NoteKind::Why,
                "Half a customer ask, half clean-up; not sure it counts toward the plan.",
            ),
            (
                NoteKind::Why,
                "Sales raised it, but it overlaps with planned work. Leaving it unlinked until we decide.",
            ),
        ],
        Intent::Container => &[],
    }
}

/// Which items a pool of note candidates takes.
type Pred = Box<dyn Fn(&Item) -> bool>;

/// Picks `n` distinct indices from `pool`.
fn take(rng: &mut Rng, mut pool: Vec<usize>, n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while out.len() < n && !pool.is_empty() {
        let i = rng.below(pool.len());
        out.push(pool.swap_remove(i));
    }
    out.sort_unstable();
    out
}

/// Generates the notes; `items` must be the final, keyed items.
pub fn generate(rng: &Rng, clock: &Clock, items: &[Item]) -> Vec<Note> {
    let mut rng = rng.fork("notes");
    let mut notes = Vec::new();
    for (target, kind, when, text) in NARRATIVE {
        let date = if *when < 0.0 {
            clock.end + Duration::days(*when as i64)
        } else {
            clock.at(*when)
        };
        let team = &TEAMS[owner_team(target)];
        notes.push(Note {
            target: target.to_string(),
            kind: *kind,
            text: text.to_string(),
            author_team: team.name,
            author_name: team.members[0],
            date: date.clamp(clock.start, clock.end),
        });
    }
    // Quotas per kind of item: scaled down for small demos.
    let scale = (items.len() as f64 / 3000.0).min(1.0);
    let quota = |n: f64| (n * scale).round() as usize;
    let pools: Vec<(Pred, usize)> = vec![
        (
            Box::new(|i: &Item| {
                i.wave
                    && i.team == PAYMENTS
                    && matches!(i.intent, Intent::OffPlan(_))
                    && i.parent.is_none()
            }),
            quota(24.0),
        ),
        (
            Box::new(|i: &Item| {
                !i.wave && i.intent == Intent::OffPlan(OffPlanReason::CustomerEscalation)
            }),
            quota(18.0),
        ),
        (
            Box::new(|i: &Item| {
                i.intent == Intent::OffPlan(OffPlanReason::SalesCommitment) && i.parent.is_none()
            }),
            quota(16.0),
        ),
        (
            Box::new(|i: &Item| {
                !i.wave
                    && i.intent == Intent::OffPlan(OffPlanReason::BugIncident)
                    && i.parent.is_none()
            }),
            quota(14.0),
        ),
        (
            Box::new(|i: &Item| {
                i.intent == Intent::OffPlan(OffPlanReason::TechDebt) && i.parent.is_none()
            }),
            quota(10.0),
        ),
        (
            Box::new(|i: &Item| i.intent == Intent::OffPlan(OffPlanReason::Maintenance)),
            quota(7.0),
        ),
        (
            Box::new(|i: &Item| i.intent == Intent::OffPlan(OffPlanReason::Exploration)),
            quota(6.0),
        ),
        (
            Box::new(|i: &Item| matches!(i.intent, Intent::Aligned(_)) && i.parent.is_none()),
            quota(8.0),
        ),
        (
            Box::new(|i: &Item| {
                matches!(i.intent, Intent::Linked(_)) && i.resolved.is_some() && i.parent.is_none()
            }),
            quota(5.0),
        ),
        (
            Box::new(|i: &Item| i.intent == Intent::Ambiguous),
            quota(4.0),
        ),
    ];
    let mut used = vec![false; items.len()];
    for (pred, n) in &pools {
        let pool: Vec<usize> = (0..items.len())
            .filter(|i| !used[*i] && pred(&items[*i]))
            .collect();
        for i in take(&mut rng, pool, *n) {
            used[i] = true;
            let it = &items[i];
            let options = templates(it);
            if options.is_empty() {
                continue;
            }
            let (kind, template) = *rng.pick(options);
            let init_title = it.initiative.map_or("", |k| INITIATIVES[k].title);
            let team = &TEAMS[it.team];
            let span = (clock.now - it.created).num_days().clamp(0, 10);
            let date = (it.created.date() + Duration::days(rng.range(0, span))).min(clock.end);
            notes.push(Note {
                target: format!("item:{}:{}", it.source(), it.key),
                kind,
                text: fill(template, it, init_title),
                author_team: team.name,
                author_name: it.assignee.unwrap_or(it.reporter),
                date,
            });
        }
    }
    notes.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.target.cmp(&b.target)));
    notes
}

/// The notes CSV: `target,kind,text,author_team,author_name,date`.
pub fn render(notes: &[Note]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record([
        "target",
        "kind",
        "text",
        "author_team",
        "author_name",
        "date",
    ])
    .expect("in-memory write");
    for n in notes {
        w.write_record([
            n.target.as_str(),
            n.kind.as_str(),
            n.text.as_str(),
            n.author_team,
            n.author_name,
            &n.date.format("%Y-%m-%d").to_string(),
        ])
        .expect("in-memory write");
    }
    String::from_utf8(w.into_inner().expect("in-memory flush")).expect("UTF-8")
}
