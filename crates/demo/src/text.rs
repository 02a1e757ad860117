//! Templates and slot fillers for titles, descriptions and notes.
//!
//! Titles are built from templates with slots (terms, surfaces, customers, systems,
//! regions) so the demo holds hundreds of distinct titles rather than a handful repeated.

use throughline_model::OffPlanReason;

use crate::org::{InitiativeDef, Team};
use crate::rng::Rng;

/// Fictional customers.
pub const CUSTOMERS: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Hooli",
    "Stark Logistics",
    "Wayne Retail",
    "Soylent Foods",
    "Vandelay Industries",
    "Wonka Confectionery",
    "Tyrell Systems",
    "Cyberdyne Labs",
    "Massive Dynamic",
    "Nakatomi Trading",
    "Oceanic Air",
    "Northwind Traders",
    "Contoso",
    "Fabrikam",
    "Blue Sun Logistics",
    "Prestige Worldwide",
];

/// Customers of the enterprise escalation wave that hits Payments at the end.
pub const WAVE_CUSTOMERS: &[&str] = &["Globex", "Acme Corp", "Umbrella Health", "Initech"];

/// Cloud regions.
pub const REGIONS: &[&str] = &["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"];

const SIZES: &[&str] = &[
    "2M-row",
    "40k-task",
    "3,000-seat",
    "900-project",
    "12-year-old",
    "multi-region",
];

/// The slot values an item's text was built from (notes reuse them).
#[derive(Debug, Clone, Default)]
pub struct Slots {
    /// Customer named in the item, if any.
    pub customer: Option<&'static str>,
    /// System named, if any.
    pub system: Option<&'static str>,
    /// Feature named, if any.
    pub feature: Option<&'static str>,
    /// Region named, if any.
    pub region: Option<&'static str>,
    /// Vocabulary term used, if any.
    pub term: Option<&'static str>,
}

/// A generated title, description and the slots behind them.
#[derive(Debug, Clone)]
pub struct Text {
    /// Title / summary.
    pub title: String,
    /// Body in light Jira wiki markup.
    pub description: String,
    /// Slots used.
    pub slots: Slots,
}

/// Capitalises the first letter.
pub fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in pairs {
        out = out.replace(k, v);
    }
    out
}

const STORY: &[&str] = &[
    "Add {t} to the {s}",
    "{T}: empty and error states",
    "{T}: track analytics events",
    "{T}: API endpoint and schema",
    "{T}: handle retries and idempotency",
    "{T}: design review follow-ups",
    "{T}: accessibility pass on the {s}",
    "Feature flag and staged rollout for {t}",
    "QA {t} end to end on staging",
    "{T}: copy and translations (DE, FR, ES)",
    "Backfill existing workspaces for {t}",
    "Load test {t}",
    "Support docs and macros for {t}",
    "{T}: permission edge cases",
    "Show {t} in the {s}",
    "{T}: narrow-screen layout",
    "Move the {s} onto the new {t} component",
    "{T}: loading skeletons on the {s}",
    "Dogfood {t} internally and collect feedback",
    "{T}: workspaces on legacy plans",
    "Validation rules for {t}",
    "{T}: audit events",
    "Remove the old {s} path once {t} is live",
    "Polish {t} after usability tests",
    "{T}: settings toggle for admins",
    "Persist {t} state across sessions",
    "{T}: keyboard shortcuts on the {s}",
    "Handle timeouts in {t}",
];

const FEATURE_BUG: &[&str] = &[
    "{T} breaks when the {s} is opened twice",
    "{T}: wrong currency shown on the {s}",
    "Regression: {t} not saved after refresh",
    "{T}: race condition on double submit",
    "{T} missing for workspaces created before 2024",
    "{T}: layout shift on the {s} in Safari",
];

const FEATURE_SPIKE: &[&str] = &[
    "Spike: options for {t}",
    "Spike: how should {t} behave on the {s}?",
    "Spike: vendor comparison for {t}",
];

const TERSE: &[&str] = &[
    "Follow-ups from design review",
    "Fix flaky e2e test",
    "Tidy up feature flag",
    "Update API docs",
    "Address review comments from security",
    "Instrument remaining events",
    "Write rollout plan",
    "Clean up TODOs before launch",
    "Prep sprint review demo",
    "Hook up the new endpoint",
    "Handle the edge case Marta found",
    "Second pass on error copy",
    "Add missing integration tests",
    "Kick-off notes and open questions",
];

const STORY_CONTEXT: &[&str] = &[
    "Customers on the {s} keep asking for {t}. This ticket covers the first slice.",
    "Needed so that {t} works for workspaces with more than one admin.",
    "Follow-up from the {t} design review; see the Figma link in the epic.",
    "We want {t} live before the next release train so support can train on it.",
    "Part of the push on {t}. Keep the scope small and behind the flag.",
    "From the {t} usability sessions: three of five participants got stuck on the {s}.",
    "Engineering slice for {t}. Product sign-off needed before rollout.",
];

const CRITERIA: &[&str] = &[
    "{T} works on the {s}",
    "Events tracked in the analytics pipeline",
    "Behind a feature flag, default off",
    "Error states covered",
    "Works for workspaces on every plan",
    "Copy reviewed by the content designer",
    "p95 under the agreed budget",
    "Unit and integration tests added",
];

/// Text for work that serves `init`. `vocabulary` forces the initiative's terms into the
/// title (for work that is not linked, so an engine can still infer where it belongs).
pub fn initiative_text(rng: &mut Rng, init: &InitiativeDef, kind: &str, vocabulary: bool) -> Text {
    let term = *rng.pick(init.terms);
    let surface = *rng.pick(init.surfaces);
    let pairs = [
        ("{T}", cap(term)),
        ("{t}", term.to_string()),
        ("{s}", surface.to_string()),
    ];
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let terse_ok = !vocabulary && matches!(kind, "Story" | "Task");
    let title = if terse_ok && rng.chance(0.3) {
        rng.pick(TERSE).to_string()
    } else {
        let list = match kind {
            "Bug" => FEATURE_BUG,
            "Spike" => FEATURE_SPIKE,
            _ => STORY,
        };
        fill(rng.pick::<&str>(list), &pairs)
    };
    let mut description = fill(rng.pick::<&str>(STORY_CONTEXT), &pairs);
    if kind == "Bug" {
        description = format!(
            "Found while testing {term}.\n\nSteps to reproduce:\n# Open the {surface}\n# Repeat the last action\n\nExpected: it just works.\nActual: see the screenshot."
        );
    } else if rng.chance(0.7) {
        description.push_str("\n\nh3. Acceptance criteria\n");
        let n = 2 + rng.below(3);
        let start = rng.below(CRITERIA.len());
        for k in 0..n {
            let c = fill(CRITERIA[(start + k) % CRITERIA.len()], &pairs);
            description.push_str(&format!("* {c}\n"));
        }
        description = description.trim_end().to_string();
    }
    Text {
        title,
        description,
        slots: Slots {
            term: Some(term),
            ..Slots::default()
        },
    }
}

const TECH_DEBT: &[&str] = &[
    "Migrate {system} off the legacy cron runner",
    "Remove dead feature flags from {system}",
    "Split {system} into smaller modules",
    "Replace hand-rolled retry logic in {system}",
    "Delete unused v1 endpoints behind {feature}",
    "Add missing tests around {system}",
    "Turn on strict type checks in {system}",
    "Consolidate duplicated config for {system}",
    "Extract {feature} logic out of the monolith",
    "Kill the nightly reconciliation script for {system}",
    "Replace deprecated ORM calls in {system}",
    "Reduce build time of {system} (currently 19 min)",
];

const BUG_INCIDENT: &[&str] = &[
    "P1: {system} delayed by {n} min in {region}",
    "P2: intermittent 502s from {system}",
    "{Feature} shows wrong totals for some workspaces",
    "Crash when {feature} is opened with an empty list",
    "Post-incident: add alert on {system} backlog",
    "Duplicate emails sent by {system} after a retry",
    "Timezone bug in {feature} around the DST change",
    "{Feature} fails silently when the session expires",
    "Memory leak in {system} after the last deploy",
    "Incident follow-up: runbook for {system} failover in {region}",
    "{Feature}: 500 on save for workspaces with emoji in the name",
    "Sev2: {system} dropping events in {region}",
];

const PAYMENTS_WAVE_BUGS: &[&str] = &[
    "P1: payouts delayed by {n} min in {region}",
    "P1: webhooks delayed by {n} min in {region}",
    "Card processor adapter returning timeouts for {n}% of EU cards",
    "Invoices double-charged after the retry job re-ran",
    "P2: dunning emails sent to customers who already paid",
    "Post-incident: idempotency keys on the refund worker",
    "Ledger drift between invoices and payouts ({region})",
    "Incident follow-up: alert on payout scheduler lag",
    "P2: {feature} page 500s for accounts with more than {n} invoices",
    "Payout scheduler skipped {n} connected accounts in {region}",
    "P1: card processor adapter failing over to backup in {region}",
    "Refund worker stuck on {n} partial refunds",
    "Post-incident: replay missed payment webhooks for {region}",
    "Ledger service: reconciliation job OOM on month-end volume",
];

const ESCALATION: &[&str] = &[
    "{Customer}: {feature} times out",
    "{Customer}: cannot open {feature} after the last release",
    "Escalated by {Customer}: {feature} slow for their {size} workspace",
    "{Customer} reports missing data in {feature}",
    "{Customer}: bulk update of {feature} fails halfway",
    "Hotfix for {Customer}: {feature} ignores their SSO domain",
    "{Customer}: {feature} page times out for their admins",
    "{Customer} renewal blocker: {feature} permissions wrong",
];

const PAYMENTS_WAVE_ESCALATIONS: &[&str] = &[
    "Escalated by {Customer}: invoices missing usage lines for October",
    "{Customer}: payouts stuck in pending since Monday",
    "{Customer}: refunds not reaching cardholders",
    "{Customer}: invoice PDF totals differ from the billing page",
    "{Customer}: VAT charged twice on annual renewal",
    "Escalated by {Customer}: card payments declined for their EU entity",
];

const SALES: &[&str] = &[
    "SSO via Okta for the {Customer} deal",
    "Custom data retention policy for {Customer}",
    "Audit log export to Splunk for {Customer}",
    "IP allow-listing for {Customer} security review",
    "Invoice in EUR with VAT breakdown for {Customer}",
    "SAML group mapping for the {Customer} pilot",
    "Answer {Customer} security questionnaire (SOC 2 items)",
    "Custom MSA terms: 99.99% uptime report for {Customer}",
    "Sandbox workspace for {Customer} procurement",
    "Dedicated support channel integration for {Customer}",
];

const MAINTENANCE: &[&str] = &[
    "Upgrade Postgres 14 → 16 on {system}",
    "Rotate TLS certificates for {system}",
    "Bump Node 18 → 20 in {system}",
    "Renew Apple push certificate",
    "Patch OpenSSL CVE in base images",
    "Upgrade Kubernetes node pools to 1.31",
    "Monthly dependency updates for {system}",
    "Clean up stale S3 buckets in {region}",
    "Rotate database credentials for {system}",
    "Resize disks on {system} (85% full)",
    "Renew the signing key for {system}",
    "Upgrade Kafka client in {system}",
];

const EXPLORATION: &[&str] = &[
    "Spike: evaluate vector search for help centre",
    "Spike: can we replace {system} with a managed service?",
    "Prototype: AI summary of {feature}",
    "Research: interview {n} admins about {feature}",
    "Spike: benchmark ClickHouse vs Postgres for {feature}",
    "Spike: what would it take to run {system} in {region}?",
    "Explore: usage patterns of {feature} from the event logs",
];

const OTHER: &[&str] = &[
    "Prepare demo environment for the offsite",
    "Hackathon: {feature} keyboard-only mode",
    "Update team onboarding docs",
    "Move the team board to the new workflow",
    "Quarterly access review for {system}",
    "Interview loop tasks: take-home review tooling",
];

const MOBILE_MAINT: &[&str] = &[
    "Raise Android target SDK to 35 for Play Store deadline",
    "Privacy manifest for App Store review",
    "Upgrade React Native to 0.76",
    "Renew Apple push certificate",
    "Bump Xcode to 16 on the {system}",
    "Replace deprecated Firebase SDK calls in {system}",
];

/// Text for off-plan work. `wave` selects the Payments end-of-period escalation wave.
pub fn off_plan_text(rng: &mut Rng, team: &Team, reason: OffPlanReason, wave: bool) -> Text {
    let mut slots = Slots {
        customer: Some(if wave {
            *rng.pick(WAVE_CUSTOMERS)
        } else {
            *rng.pick(CUSTOMERS)
        }),
        system: Some(*rng.pick(team.systems)),
        feature: Some(*rng.pick(team.features)),
        region: Some(*rng.pick(REGIONS)),
        term: None,
    };
    let mobile = team.key == "MOB";
    let list = match reason {
        OffPlanReason::TechDebt => TECH_DEBT,
        OffPlanReason::BugIncident if wave => PAYMENTS_WAVE_BUGS,
        OffPlanReason::BugIncident => BUG_INCIDENT,
        OffPlanReason::CustomerEscalation if wave => PAYMENTS_WAVE_ESCALATIONS,
        OffPlanReason::CustomerEscalation => ESCALATION,
        OffPlanReason::SalesCommitment => SALES,
        OffPlanReason::Maintenance if mobile => MOBILE_MAINT,
        OffPlanReason::Maintenance => MAINTENANCE,
        OffPlanReason::Exploration => EXPLORATION,
        // The demo's strategy covers every area; its off-plan work is trade-offs.
        OffPlanReason::Other | OffPlanReason::NotCovered => OTHER,
    };
    let template = *rng.pick(list);
    let n = match reason {
        OffPlanReason::BugIncident => 15 + rng.below(50),
        _ => 4 + rng.below(8),
    }
    .to_string();
    let size = *rng.pick(SIZES);
    let (s, f, c, r) = (
        slots.system.unwrap_or_default(),
        slots.feature.unwrap_or_default(),
        slots.customer.unwrap_or_default(),
        slots.region.unwrap_or_default(),
    );
    let pairs = [
        ("{system}", s.to_string()),
        ("{Feature}", cap(f)),
        ("{feature}", f.to_string()),
        ("{Customer}", c.to_string()),
        ("{region}", r.to_string()),
        ("{n}", n.clone()),
        ("{size}", size.to_string()),
    ];
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let title = fill(template, &pairs);
    // Forget the slots the template did not use, so notes only repeat what the item says.
    if !template.contains("{Customer}") {
        slots.customer = None;
    }
    if !template.contains("{system}") {
        slots.system = None;
    }
    if !template.contains("{feature}") && !template.contains("{Feature}") {
        slots.feature = None;
    }
    if !template.contains("{region}") {
        slots.region = None;
    }
    let description = match reason {
        OffPlanReason::TechDebt => fill(
            "The {system} has grown by accretion; every change here costs us a day of manual testing.\n\nNot on the roadmap, but it slows down everything else the team touches.",
            &pairs,
        ),
        OffPlanReason::BugIncident => fill(
            "Reported by support ({n} tickets in the last 24h).\n\nSteps to reproduce:\n# Open {feature}\n# Wait for the background job\n\nExpected: data shows up.\nActual: nothing, or an error after {n} seconds. Seen in {region}.",
            &pairs,
        ),
        OffPlanReason::CustomerEscalation => fill(
            "Escalated by the CSM. {Customer} is a strategic account; their admins hit this daily.\n\nSupport ticket linked. Workaround given: none that they accept.",
            &pairs,
        ),
        OffPlanReason::SalesCommitment => fill(
            "Committed during the {Customer} negotiation. Sales needs it before signature; the deal is in the forecast for this quarter.",
            &pairs,
        ),
        OffPlanReason::Maintenance => fill(
            "Routine upkeep. Nothing user-visible if it goes well; an outage if we skip it.",
            &pairs,
        ),
        OffPlanReason::Exploration => fill(
            "Timebox: {n} days. Question to answer: is this worth a proper initiative next half? Write up findings in the team space.",
            &pairs,
        ),
        OffPlanReason::Other | OffPlanReason::NotCovered => "Team housekeeping.".to_string(),
    };
    Text {
        title,
        description,
        slots,
    }
}

const AMBIGUOUS: &[&str] = &[
    "{Customer} asked about {t} before renewal",
    "Look into {t} numbers with finance",
    "Clean up {t} code paths left from last year",
    "{T}: questions from the {Customer} QBR",
    "Investigate odd {t} behaviour reported internally",
    "Quick win: {t} tweak suggested by sales",
];

/// Text for genuinely ambiguous work: an initiative's vocabulary in a customer or
/// clean-up context, no links.
pub fn ambiguous_text(rng: &mut Rng, init: &InitiativeDef) -> Text {
    let term = *rng.pick(init.terms);
    let customer = *rng.pick(CUSTOMERS);
    let template = *rng.pick(AMBIGUOUS);
    let pairs = [
        ("{T}", cap(term)),
        ("{t}", term.to_string()),
        ("{Customer}", customer.to_string()),
    ];
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Text {
        title: fill(template, &pairs),
        description: "Not sure yet whether this belongs to the planned work or is a one-off. Raised in standup.".to_string(),
        slots: Slots {
            customer: template.contains("{Customer}").then_some(customer),
            term: Some(term),
            ..Slots::default()
        },
    }
}

const SUBTASK_PREFIX: &[&str] = &[
    "Backend",
    "Frontend",
    "Tests",
    "Docs",
    "Migration",
    "Analytics events",
    "Copy review",
    "QA",
];

const SUBTASK_BARE: &[&str] = &[
    "Backend changes",
    "Frontend changes",
    "Write tests",
    "Update docs",
    "QA sign-off",
    "Code review fixes",
    "Migration script",
    "Add analytics events",
];

/// Title of a sub-task of `parent_title`; `i` picks a distinct prefix per sibling.
/// Half are bare ("Backend changes"), as people write them; half repeat the parent.
pub fn subtask_title(rng: &mut Rng, parent_title: &str, i: usize) -> String {
    let start = rng.below(SUBTASK_PREFIX.len());
    let k = (start + i * 3) % SUBTASK_PREFIX.len();
    if rng.chance(0.5) {
        SUBTASK_BARE[k].to_string()
    } else {
        format!("{} for \"{parent_title}\"", SUBTASK_PREFIX[k])
    }
}
