//! The demo organisation itself: teams, goals, impact metrics and initiatives.
//!
//! Everything here is fixed data; only the work items are drawn at random. The shape is
//! a mid-sized B2B SaaS company planning its second half of 2026.

/// Which tracker a team works in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracker {
    /// Jira Cloud; exported as a REST API v2 search response.
    Jira,
    /// Linear; exported as Linear's CSV export.
    Linear,
}

/// A product or platform team.
#[derive(Debug)]
pub struct Team {
    /// Team name as trackers show it.
    pub name: &'static str,
    /// Jira project key or Linear team key.
    pub key: &'static str,
    /// Where the team tracks its work.
    pub tracker: Tracker,
    /// Share of the organisation's items this team creates.
    pub weight: f64,
    /// Usual share of off-plan work.
    pub off_plan: f64,
    /// Number of the team's sprint (or cycle) that starts on the demo's first Monday.
    pub sprint_base: u32,
    /// Days after the demo start the team's first sprint starts (0 or 7).
    pub sprint_offset_days: i64,
    /// Fictional people on the team.
    pub members: &'static [&'static str],
    /// Components the team files work under that no initiative selects.
    pub components: &'static [&'static str],
    /// Systems the team runs (slot filler for off-plan work).
    pub systems: &'static [&'static str],
    /// Customer-facing features the team owns (slot filler for bugs and escalations).
    pub features: &'static [&'static str],
}

/// Team index of Payments, the team whose off-plan share jumps at the end.
pub const PAYMENTS: usize = 0;

/// The teams, in a fixed order (indices are used throughout the generator).
pub const TEAMS: &[Team] = &[
    Team {
        name: "Payments",
        key: "PAY",
        tracker: Tracker::Jira,
        weight: 0.20,
        off_plan: 0.25,
        sprint_base: 14,
        sprint_offset_days: 0,
        members: &[
            "Amara Okafor",
            "Jonas Lindqvist",
            "Priya Raman",
            "Tomás Ferreira",
            "Hannah Kowalczyk",
            "Kenji Arakawa",
        ],
        components: &["billing", "payouts", "ledger", "invoicing"],
        systems: &[
            "billing jobs",
            "webhook dispatcher",
            "payout scheduler",
            "invoice renderer",
            "ledger service",
            "card processor adapter",
            "refund worker",
            "dunning emails",
        ],
        features: &[
            "invoices",
            "payouts",
            "refunds",
            "receipts",
            "billing history",
            "payment webhooks",
            "tax IDs",
        ],
    },
    Team {
        name: "Growth",
        key: "GRO",
        tracker: Tracker::Jira,
        weight: 0.15,
        off_plan: 0.20,
        sprint_base: 31,
        sprint_offset_days: 7,
        members: &[
            "Lena Marchetti",
            "Oluwaseun Adeyemi",
            "Felix Brandt",
            "Sofia Mendes",
            "Ravi Chandran",
        ],
        components: &["signup", "marketing-site", "lifecycle-email"],
        systems: &[
            "signup service",
            "experiment framework",
            "lifecycle email sender",
            "marketing site",
            "attribution pipeline",
            "trial scheduler",
        ],
        features: &[
            "signup form",
            "trial banner",
            "welcome emails",
            "plan upgrade modal",
            "team invites",
            "UTM attribution",
        ],
    },
    Team {
        name: "Platform",
        key: "PLAT",
        tracker: Tracker::Jira,
        weight: 0.19,
        off_plan: 0.36,
        sprint_base: 22,
        sprint_offset_days: 0,
        members: &[
            "Mateo Alvarez",
            "Ingrid Solberg",
            "Dev Malhotra",
            "Chloé Dubois",
            "Yusuf Demir",
            "Grace Whitfield",
            "Bram de Vries",
        ],
        components: &["kubernetes", "ci", "postgres", "queue", "auth", "edge"],
        systems: &[
            "job queue",
            "Kubernetes cluster",
            "CI runners",
            "Postgres primary",
            "Redis cache",
            "log pipeline",
            "auth service",
            "CDN config",
            "Terraform modules",
        ],
        features: &[
            "API tokens",
            "rate limits",
            "status page",
            "webhooks",
            "login",
            "file uploads",
        ],
    },
    Team {
        name: "Core Experience",
        key: "CORE",
        tracker: Tracker::Jira,
        weight: 0.16,
        off_plan: 0.28,
        sprint_base: 9,
        sprint_offset_days: 7,
        members: &[
            "Nadia Haddad",
            "Elliot Park",
            "Marta Nowak",
            "Samuel Osei",
            "Aiko Tanaka",
            "Lucas Moreau",
        ],
        components: &["editor", "workspace", "comments", "notifications-web"],
        systems: &[
            "editor",
            "workspace settings",
            "comment threads",
            "notifications service",
            "frontend build",
            "design system",
            "activity feed",
        ],
        features: &[
            "comments",
            "workspace settings",
            "board view",
            "mentions",
            "file previews",
            "activity feed",
            "templates",
        ],
    },
    Team {
        name: "Data",
        key: "DATA",
        tracker: Tracker::Jira,
        weight: 0.13,
        off_plan: 0.30,
        sprint_base: 17,
        sprint_offset_days: 0,
        members: &[
            "Wei Zhang",
            "Fatima Al-Sayed",
            "Oskar Nilsson",
            "Beatriz Costa",
            "Daniel Mbeki",
        ],
        components: &["etl", "analytics-db", "event-collector"],
        systems: &[
            "ETL scheduler",
            "ClickHouse cluster",
            "Airflow DAGs",
            "event collector",
            "dbt models",
            "metrics API",
        ],
        features: &[
            "dashboards",
            "scheduled reports",
            "usage analytics",
            "audit log",
            "data retention",
            "charts",
        ],
    },
    Team {
        name: "Mobile",
        key: "MOB",
        tracker: Tracker::Linear,
        weight: 0.17,
        off_plan: 0.27,
        sprint_base: 40,
        sprint_offset_days: 0,
        members: &[
            "Zoe Castellanos",
            "Arjun Bhatt",
            "Mia Johansson",
            "Kwame Mensah",
            "Eva Horvat",
        ],
        components: &[],
        systems: &[
            "iOS app",
            "Android app",
            "React Native bridge",
            "mobile API client",
            "crash reporter",
            "app release pipeline",
        ],
        features: &[
            "task list",
            "image uploads",
            "login on Android",
            "deep links",
            "dark mode",
            "inbox",
            "widgets",
        ],
    },
];

/// A strategic goal.
#[derive(Debug)]
pub struct GoalDef {
    /// Goal id.
    pub id: &'static str,
    /// Goal title.
    pub title: &'static str,
    /// One or two sentences.
    pub description: &'static str,
    /// Accountable team.
    pub owner_team: &'static str,
}

/// The goals for 2026-H2.
pub const GOALS: &[GoalDef] = &[
    GoalDef {
        id: "grow-self-serve",
        title: "Grow self-serve revenue",
        description: "More teams start, convert and pay without talking to sales.",
        owner_team: "Growth",
    },
    GoalDef {
        id: "enterprise-ready",
        title: "Win and keep enterprise accounts",
        description: "Give admins and procurement what they need so deals close faster and renew.",
        owner_team: "Core Experience",
    },
    GoalDef {
        id: "reliable-platform",
        title: "Be the platform customers can rely on",
        description: "Fewer incidents, faster pages, no surprises during peak season.",
        owner_team: "Platform",
    },
    GoalDef {
        id: "mobile-habit",
        title: "Make mobile a daily habit",
        description: "People check and update their work from their phone every day, even offline.",
        owner_team: "Mobile",
    },
    GoalDef {
        id: "decide-with-data",
        title: "Help customers decide with their own data",
        description: "Reports and exports that answer the questions customers ask in QBRs.",
        owner_team: "Data",
    },
];

/// The goal horizon written into the strategy file.
pub const HORIZON: &str = "2026-H2";

/// How a metric moves over the demo period.
#[derive(Debug, Clone, Copy)]
pub enum Behaviour {
    /// Moves toward target, starting at an initiative's launch; `reach` is the share of
    /// the baseline-to-target gap covered by the end.
    Improves {
        /// Initiative whose launch moves it.
        initiative: &'static str,
        /// Share of the gap closed by the end of the period.
        reach: f64,
    },
    /// Wobbles around the baseline.
    Flat,
    /// Moves the wrong way from a point in the period (as a 0..1 fraction), by `by` units.
    Regresses {
        /// When the regression starts, as a fraction of the period.
        from: f64,
        /// How far it moves the wrong way by the end.
        by: f64,
    },
}

/// An impact metric (key result).
#[derive(Debug)]
pub struct MetricDef {
    /// Metric id.
    pub id: &'static str,
    /// Goal id it measures.
    pub goal: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// Value at the start of the period.
    pub baseline: f64,
    /// Value wanted by the end of the horizon.
    pub target: f64,
    /// increase | decrease | maintain.
    pub direction: &'static str,
    /// Decimal places values are written with.
    pub decimals: usize,
    /// Week-to-week noise, in units.
    pub noise: f64,
    /// How it moves.
    pub behaviour: Behaviour,
}

/// The metrics.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        id: "trial-conversion",
        goal: "grow-self-serve",
        name: "Trial-to-paid conversion",
        unit: "%",
        baseline: 3.1,
        target: 4.5,
        direction: "increase",
        decimals: 2,
        noise: 0.08,
        behaviour: Behaviour::Improves {
            initiative: "guided-onboarding",
            reach: 0.55,
        },
    },
    MetricDef {
        id: "checkout-completion",
        goal: "grow-self-serve",
        name: "Checkout completion rate",
        unit: "%",
        baseline: 61.0,
        target: 70.0,
        direction: "increase",
        decimals: 1,
        noise: 0.6,
        behaviour: Behaviour::Improves {
            initiative: "checkout-v2",
            reach: 0.6,
        },
    },
    MetricDef {
        id: "payment-success",
        goal: "grow-self-serve",
        name: "Card payment success rate",
        unit: "%",
        baseline: 97.2,
        target: 98.0,
        direction: "increase",
        decimals: 2,
        noise: 0.07,
        behaviour: Behaviour::Regresses {
            from: 0.82,
            by: 1.3,
        },
    },
    MetricDef {
        id: "enterprise-nrr",
        goal: "enterprise-ready",
        name: "Enterprise net revenue retention",
        unit: "%",
        baseline: 104.0,
        target: 110.0,
        direction: "increase",
        decimals: 1,
        noise: 0.4,
        behaviour: Behaviour::Flat,
    },
    MetricDef {
        id: "enterprise-sales-cycle",
        goal: "enterprise-ready",
        name: "Median enterprise sales cycle",
        unit: "days",
        baseline: 74.0,
        target: 60.0,
        direction: "decrease",
        decimals: 0,
        noise: 1.5,
        behaviour: Behaviour::Improves {
            initiative: "roles-permissions",
            reach: 0.45,
        },
    },
    MetricDef {
        id: "api-p95-latency",
        goal: "reliable-platform",
        name: "API p95 latency",
        unit: "ms",
        baseline: 420.0,
        target: 250.0,
        direction: "decrease",
        decimals: 0,
        noise: 9.0,
        behaviour: Behaviour::Improves {
            initiative: "latency-budget",
            reach: 0.75,
        },
    },
    MetricDef {
        id: "availability",
        goal: "reliable-platform",
        name: "Monthly availability",
        unit: "%",
        baseline: 99.95,
        target: 99.95,
        direction: "maintain",
        decimals: 3,
        noise: 0.015,
        behaviour: Behaviour::Flat,
    },
    MetricDef {
        id: "mobile-wau",
        goal: "mobile-habit",
        name: "Mobile weekly active users",
        unit: "k",
        baseline: 182.0,
        target: 230.0,
        direction: "increase",
        decimals: 1,
        noise: 2.5,
        behaviour: Behaviour::Improves {
            initiative: "offline-mode",
            reach: 0.5,
        },
    },
    MetricDef {
        id: "crash-free-sessions",
        goal: "mobile-habit",
        name: "Crash-free sessions",
        unit: "%",
        baseline: 99.1,
        target: 99.7,
        direction: "increase",
        decimals: 2,
        noise: 0.05,
        behaviour: Behaviour::Flat,
    },
    MetricDef {
        id: "reports-weekly-active",
        goal: "decide-with-data",
        name: "Workspaces using reports weekly",
        unit: "%",
        baseline: 18.0,
        target: 28.0,
        direction: "increase",
        decimals: 1,
        noise: 0.35,
        behaviour: Behaviour::Improves {
            initiative: "report-builder",
            reach: 0.5,
        },
    },
    MetricDef {
        id: "export-success",
        goal: "decide-with-data",
        name: "Exports completing under 5 minutes",
        unit: "%",
        baseline: 93.5,
        target: 99.0,
        direction: "increase",
        decimals: 1,
        noise: 0.4,
        behaviour: Behaviour::Improves {
            initiative: "scalable-exports",
            reach: 0.7,
        },
    },
];

/// An initiative and everything the generator needs to draw its work.
#[derive(Debug)]
pub struct InitiativeDef {
    /// Initiative id.
    pub id: &'static str,
    /// Index into [`TEAMS`] of the team doing the work.
    pub team: usize,
    /// Goal ids served.
    pub goals: &'static [&'static str],
    /// Title.
    pub title: &'static str,
    /// Description.
    pub description: &'static str,
    /// Active window as fractions of the demo period (work is created inside it).
    pub window: (f64, f64),
    /// Launch as a fraction of the period, if it launches within the period.
    pub launch: Option<f64>,
    /// Titles of the Jira epics that hold its work (empty for Linear teams).
    pub epics: &'static [&'static str],
    /// Labels that select it.
    pub labels: &'static [&'static str],
    /// Components that select it.
    pub components: &'static [&'static str],
    /// Linear project that selects it (Linear teams only).
    pub project: Option<&'static str>,
    /// Vocabulary: phrases work for this initiative uses.
    pub terms: &'static [&'static str],
    /// Where in the product the work shows up.
    pub surfaces: &'static [&'static str],
    /// Relative amount of work.
    pub weight: f64,
    /// Work stops six weeks before the end.
    pub stalls: bool,
}

/// The initiatives.
pub const INITIATIVES: &[InitiativeDef] = &[
    InitiativeDef {
        id: "checkout-v2",
        team: 0,
        goals: &["grow-self-serve"],
        title: "Checkout redesign",
        description: "One-page checkout with saved cards, wallets and clearer errors.",
        window: (0.0, 0.62),
        launch: Some(0.5),
        epics: &[
            "Checkout v2",
            "Checkout v2: wallets (Apple Pay / Google Pay)",
        ],
        labels: &["checkout"],
        components: &[],
        project: None,
        terms: &[
            "checkout",
            "saved cards",
            "card form",
            "Apple Pay",
            "Google Pay",
            "payment sheet",
            "3DS challenge",
            "order summary",
            "promo codes at checkout",
        ],
        surfaces: &["checkout page", "payment sheet", "plan upgrade flow"],
        weight: 1.3,
        stalls: false,
    },
    InitiativeDef {
        id: "usage-billing",
        team: 0,
        goals: &["grow-self-serve", "enterprise-ready"],
        title: "Usage-based billing",
        description: "Meter API calls and seats so customers pay for what they use.",
        window: (0.3, 1.0),
        launch: None,
        epics: &["Usage-based billing"],
        labels: &["usage-billing"],
        components: &["metering"],
        project: None,
        terms: &[
            "usage metering",
            "usage records",
            "overage charges",
            "rating engine",
            "usage-based invoice lines",
            "metered plans",
            "usage dashboard",
            "billing thresholds",
        ],
        surfaces: &["billing page", "invoice PDF", "admin console"],
        weight: 1.1,
        stalls: false,
    },
    InitiativeDef {
        id: "local-payment-methods",
        team: 0,
        goals: &["grow-self-serve"],
        title: "Local payment methods in Europe",
        description: "SEPA Direct Debit, iDEAL and Bancontact for EU self-serve customers.",
        window: (0.08, 0.7),
        launch: None,
        epics: &["Local payment methods (EU)"],
        labels: &["lpm"],
        components: &[],
        project: None,
        terms: &[
            "SEPA Direct Debit",
            "iDEAL",
            "Bancontact",
            "SEPA mandate",
            "local payment methods",
            "bank redirect flow",
        ],
        surfaces: &["checkout page", "billing settings"],
        weight: 0.8,
        stalls: true,
    },
    InitiativeDef {
        id: "guided-onboarding",
        team: 1,
        goals: &["grow-self-serve"],
        title: "Guided onboarding",
        description: "A first-run checklist, sample project and useful empty states so trials reach value on day one.",
        window: (0.0, 0.58),
        launch: Some(0.45),
        epics: &["Guided onboarding"],
        labels: &["onboarding"],
        components: &[],
        project: None,
        terms: &[
            "onboarding checklist",
            "first-run experience",
            "sample project",
            "activation milestone",
            "empty states",
            "welcome tour",
            "setup progress",
        ],
        surfaces: &["first-run screen", "sidebar", "welcome email"],
        weight: 1.2,
        stalls: false,
    },
    InitiativeDef {
        id: "pricing-experiments",
        team: 1,
        goals: &["grow-self-serve"],
        title: "Pricing page experiments",
        description: "Test plan packaging, annual discounts and the plan comparison table.",
        window: (0.2, 1.0),
        launch: Some(0.6),
        epics: &["Pricing page experiments"],
        labels: &["pricing-exp"],
        components: &[],
        project: None,
        terms: &[
            "pricing page",
            "plan comparison table",
            "annual billing toggle",
            "pricing experiment",
            "plan packaging",
            "upgrade prompt",
        ],
        surfaces: &["pricing page", "upgrade modal"],
        weight: 0.9,
        stalls: false,
    },
    InitiativeDef {
        id: "in-product-referrals",
        team: 1,
        goals: &["grow-self-serve"],
        title: "In-product referrals",
        description: "Let happy users invite other teams and earn credit.",
        window: (0.55, 1.0),
        launch: None,
        epics: &["In-product referrals"],
        labels: &["referrals"],
        components: &[],
        project: None,
        terms: &[
            "referral program",
            "referral link",
            "invite credits",
            "referral reward",
            "share-to-invite",
        ],
        surfaces: &["share dialog", "account page"],
        weight: 0.7,
        stalls: false,
    },
    InitiativeDef {
        id: "latency-budget",
        team: 2,
        goals: &["reliable-platform"],
        title: "Latency budget for the public API",
        description: "Cache hot reads, remove N+1 queries and set per-endpoint latency budgets.",
        window: (0.0, 0.75),
        launch: Some(0.55),
        epics: &["API latency budget"],
        labels: &["latency"],
        components: &["api-gateway"],
        project: None,
        terms: &[
            "p95 latency",
            "latency budget",
            "read-through cache",
            "N+1 queries",
            "read replica",
            "slow endpoints",
            "query plan",
            "connection pooling",
        ],
        surfaces: &["public API", "GraphQL gateway", "list endpoints"],
        weight: 1.1,
        stalls: false,
    },
    InitiativeDef {
        id: "eu-data-residency",
        team: 2,
        goals: &["reliable-platform", "enterprise-ready"],
        title: "EU data residency",
        description: "Host EU workspaces end to end in eu-central-1, for customers whose contracts require it.",
        window: (0.15, 1.0),
        launch: None,
        epics: &["EU data residency"],
        labels: &["eu-residency"],
        components: &[],
        project: None,
        terms: &[
            "data residency",
            "eu-central-1 cell",
            "region pinning",
            "tenant routing",
            "EU region",
            "cross-region replication",
        ],
        surfaces: &["workspace provisioning", "storage layer", "backups"],
        weight: 1.0,
        stalls: false,
    },
    InitiativeDef {
        id: "slo-alerting",
        team: 2,
        goals: &["reliable-platform"],
        title: "SLOs and burn-rate alerting",
        description: "Every customer-facing service has an SLO, an error budget and a runbook.",
        window: (0.0, 0.45),
        launch: Some(0.35),
        epics: &["SLOs and alerting"],
        labels: &["slo"],
        components: &[],
        project: None,
        terms: &[
            "SLO",
            "error budget",
            "burn-rate alert",
            "runbook",
            "on-call dashboard",
            "synthetic checks",
        ],
        surfaces: &["Grafana", "PagerDuty", "status page"],
        weight: 0.8,
        stalls: false,
    },
    InitiativeDef {
        id: "roles-permissions",
        team: 3,
        goals: &["enterprise-ready"],
        title: "Custom roles and permissions",
        description: "Admins define roles, restrict guests and see who can do what.",
        window: (0.0, 0.7),
        launch: Some(0.6),
        epics: &["Custom roles & permissions"],
        labels: &["rbac"],
        components: &["permissions"],
        project: None,
        terms: &[
            "custom roles",
            "permission sets",
            "guest access",
            "role editor",
            "workspace admins",
            "permission checks",
            "access review",
        ],
        surfaces: &["admin console", "share dialog", "workspace settings"],
        weight: 1.2,
        stalls: false,
    },
    InitiativeDef {
        id: "search-revamp",
        team: 3,
        goals: &["grow-self-serve"],
        title: "Search that finds things",
        description: "A new search index with typeahead, filters and better relevance.",
        window: (0.3, 1.0),
        launch: Some(0.9),
        epics: &["Search revamp"],
        labels: &["search"],
        components: &[],
        project: None,
        terms: &[
            "search index",
            "typeahead",
            "search filters",
            "search relevance",
            "recent searches",
            "search results page",
        ],
        surfaces: &["command bar", "search results page", "sidebar"],
        weight: 1.0,
        stalls: false,
    },
    InitiativeDef {
        id: "report-builder",
        team: 4,
        goals: &["decide-with-data"],
        title: "Custom report builder",
        description: "Drag-and-drop reports with pivots, chart widgets and saved views.",
        window: (0.0, 0.65),
        launch: Some(0.55),
        epics: &["Report builder"],
        labels: &["reports"],
        components: &[],
        project: None,
        terms: &[
            "report builder",
            "pivot table",
            "chart widgets",
            "saved views",
            "report sharing",
            "calculated fields",
        ],
        surfaces: &["reports page", "dashboard", "report editor"],
        weight: 1.2,
        stalls: false,
    },
    InitiativeDef {
        id: "scalable-exports",
        team: 4,
        goals: &["decide-with-data", "enterprise-ready"],
        title: "Exports that scale",
        description: "Async, chunked exports delivered to S3 so large workspaces stop timing out.",
        window: (0.22, 0.88),
        launch: Some(0.75),
        epics: &["Scalable exports"],
        labels: &["exports"],
        components: &[],
        project: None,
        terms: &[
            "async export",
            "export queue",
            "chunked CSV",
            "S3 delivery",
            "export status page",
            "export job",
        ],
        surfaces: &["export dialog", "export workers"],
        weight: 0.9,
        stalls: false,
    },
    InitiativeDef {
        id: "warehouse-sync",
        team: 4,
        goals: &["decide-with-data"],
        title: "Warehouse sync",
        description: "Sync workspace data to Snowflake and BigQuery on a schedule.",
        window: (0.5, 1.0),
        launch: None,
        epics: &["Warehouse sync"],
        labels: &[],
        components: &["connectors"],
        project: None,
        terms: &[
            "warehouse sync",
            "Snowflake connector",
            "BigQuery connector",
            "sync schedule",
            "schema mapping",
            "incremental sync",
        ],
        surfaces: &["integrations page", "connector settings"],
        weight: 0.8,
        stalls: false,
    },
    InitiativeDef {
        id: "offline-mode",
        team: 5,
        goals: &["mobile-habit"],
        title: "Offline mode",
        description: "Read and edit tasks without a connection; sync when back online.",
        window: (0.0, 0.66),
        launch: Some(0.55),
        epics: &[],
        labels: &["offline"],
        components: &[],
        project: Some("Offline mode"),
        terms: &[
            "offline mode",
            "offline cache",
            "sync conflicts",
            "local store",
            "background sync",
            "offline edits",
        ],
        surfaces: &["task list", "task detail", "sync engine"],
        weight: 1.3,
        stalls: false,
    },
    InitiativeDef {
        id: "smart-notifications",
        team: 5,
        goals: &["mobile-habit"],
        title: "Smart notifications",
        description: "Fewer, better push notifications: daily digest, quiet hours, per-project settings.",
        window: (0.35, 1.0),
        launch: Some(0.8),
        epics: &[],
        labels: &["notifications"],
        components: &[],
        project: Some("Smart notifications"),
        terms: &[
            "push notifications",
            "daily digest",
            "quiet hours",
            "notification preferences",
            "notification grouping",
            "badge counts",
        ],
        surfaces: &["settings screen", "inbox", "lock screen"],
        weight: 1.0,
        stalls: false,
    },
];

/// Jira epics that belong to no initiative: where teams file keep-the-lights-on work.
pub const UNPLANNED_EPICS: &[(usize, &str)] = &[
    (0, "Payments KTLO 2026-H2"),
    (2, "Platform tech debt"),
    (2, "Platform maintenance 2026"),
    (3, "Customer escalations"),
    (4, "Data platform upkeep"),
];

/// Linear projects that belong to no initiative.
pub const UNPLANNED_PROJECTS: &[&str] = &["App Store compliance", "Mobile maintenance"];

/// Index of an initiative by id.
pub fn initiative_index(id: &str) -> Option<usize> {
    INITIATIVES.iter().position(|i| i.id == id)
}

fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(values: &[String]) -> String {
    let inner: Vec<String> = values.iter().map(|v| toml_str(v)).collect();
    format!("[{}]", inner.join(", "))
}

fn toml_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else {
        format!("{x}")
    }
}

/// Renders the strategy file. `epic_keys[i]` holds the Jira keys of initiative `i`'s epics.
pub fn strategy_toml(epic_keys: &[Vec<String>]) -> String {
    let mut s = String::new();
    s.push_str(
        "# Throughline demo organisation: strategy for 2026-H2.\n\
         #\n\
         # A fictional mid-sized B2B SaaS company. Five teams track work in Jira, Mobile\n\
         # tracks in Linear. Generated by `throughline demo`; edit freely and re-apply.\n\n",
    );
    s.push_str("# ---------------------------------------------------------------- goals\n\n");
    for g in GOALS {
        s.push_str("[[goal]]\n");
        s.push_str(&format!("id = {}\n", toml_str(g.id)));
        s.push_str(&format!("title = {}\n", toml_str(g.title)));
        s.push_str(&format!("description = {}\n", toml_str(g.description)));
        s.push_str(&format!("owner_team = {}\n", toml_str(g.owner_team)));
        s.push_str(&format!("horizon = {}\n\n", toml_str(HORIZON)));
    }
    s.push_str("# ------------------------------------------- key results / impact metrics\n\n");
    for m in METRICS {
        s.push_str("[[metric]]\n");
        s.push_str(&format!("id = {}\n", toml_str(m.id)));
        s.push_str(&format!("goal = {}\n", toml_str(m.goal)));
        s.push_str(&format!("name = {}\n", toml_str(m.name)));
        s.push_str(&format!("unit = {}\n", toml_str(m.unit)));
        s.push_str(&format!("baseline = {}\n", toml_num(m.baseline)));
        s.push_str(&format!("target = {}\n", toml_num(m.target)));
        s.push_str(&format!("direction = {}\n\n", toml_str(m.direction)));
    }
    s.push_str("# ---------------------------------------------------------- initiatives\n\n");
    for (i, init) in INITIATIVES.iter().enumerate() {
        s.push_str("[[initiative]]\n");
        s.push_str(&format!("id = {}\n", toml_str(init.id)));
        let goals: Vec<String> = init.goals.iter().map(|g| g.to_string()).collect();
        s.push_str(&format!("goals = {}\n", toml_list(&goals)));
        s.push_str(&format!("title = {}\n", toml_str(init.title)));
        s.push_str(&format!("description = {}\n", toml_str(init.description)));
        s.push_str(&format!("# Team: {}\n", TEAMS[init.team].name));
        let keys = epic_keys.get(i).cloned().unwrap_or_default();
        if !keys.is_empty() {
            s.push_str(&format!("epics = {}\n", toml_list(&keys)));
        }
        let labels: Vec<String> = init.labels.iter().map(|l| l.to_string()).collect();
        if !labels.is_empty() {
            s.push_str(&format!("labels = {}\n", toml_list(&labels)));
        }
        let comps: Vec<String> = init.components.iter().map(|c| c.to_string()).collect();
        if !comps.is_empty() {
            s.push_str(&format!("components = {}\n", toml_list(&comps)));
        }
        if let Some(p) = init.project {
            s.push_str(&format!("projects = {}\n", toml_list(&[p.to_string()])));
        }
        s.push('\n');
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    s
}
