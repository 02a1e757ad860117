//! The work items: who created what when, what it serves, and where it stands now.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use throughline_model::OffPlanReason;

use crate::DemoConfig;
use crate::org::{INITIATIVES, PAYMENTS, TEAMS, Tracker, UNPLANNED_EPICS, UNPLANNED_PROJECTS};
use crate::rng::Rng;
use crate::text::{self, Slots, Text};

/// What a generated item really is: the generator's ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    /// An epic: a container of work, counted apart from work items.
    Container,
    /// Serves the initiative and is tied to it by a selector (epic, parent, label,
    /// component or project).
    Linked(&'static str),
    /// Serves the initiative but carries no selector; its words say where it belongs.
    Aligned(&'static str),
    /// Serves no goal, for this reason.
    OffPlan(OffPlanReason),
    /// Could reasonably be read either way.
    Ambiguous,
}

/// Tracker issue type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Epic (Jira only).
    Epic,
    /// Story.
    Story,
    /// Task.
    Task,
    /// Bug.
    Bug,
    /// Sub-task (Jira) or sub-issue (Linear).
    SubTask,
    /// Spike.
    Spike,
}

impl Kind {
    /// The Jira issue type name.
    pub fn jira_name(self) -> &'static str {
        match self {
            Kind::Epic => "Epic",
            Kind::Story => "Story",
            Kind::Task => "Task",
            Kind::Bug => "Bug",
            Kind::SubTask => "Sub-task",
            Kind::Spike => "Spike",
        }
    }
}

/// Workflow state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not started.
    Todo,
    /// Being worked on.
    InProgress,
    /// In code review / QA.
    InReview,
    /// Finished.
    Done,
    /// Dropped (Linear only; Jira shows Done).
    Canceled,
}

/// One generated item.
#[derive(Debug, Clone)]
pub struct Item {
    /// Team index into [`TEAMS`].
    pub team: usize,
    /// Tracker key, e.g. `PAY-12`.
    pub key: String,
    /// Numeric Jira id (also used to derive Linear ids).
    pub id: u64,
    /// Issue type.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Body.
    pub description: String,
    /// Status.
    pub status: Status,
    /// Labels.
    pub labels: Vec<String>,
    /// Components (Jira).
    pub components: Vec<String>,
    /// Index of the epic (Jira Epic Link).
    pub epic: Option<usize>,
    /// Index of the parent (sub-tasks).
    pub parent: Option<usize>,
    /// Story points.
    pub points: Option<u32>,
    /// 0 = urgent .. 3 = low, 4 = none.
    pub priority: u8,
    /// Assignee (fictional).
    pub assignee: Option<&'static str>,
    /// Reporter / creator (fictional).
    pub reporter: &'static str,
    /// Created.
    pub created: NaiveDateTime,
    /// Work started.
    pub started: Option<NaiveDateTime>,
    /// Done or canceled.
    pub resolved: Option<NaiveDateTime>,
    /// Last update.
    pub updated: NaiveDateTime,
    /// Sprint (cycle) numbers the item was in, oldest first.
    pub sprints: Vec<u32>,
    /// Linear project name.
    pub project: Option<String>,
    /// Ground truth.
    pub intent: Intent,
    /// Index of the initiative it serves or whose epic it is.
    pub initiative: Option<usize>,
    /// Slot values used in its text.
    pub slots: Slots,
    /// Part of the Payments end-of-period wave.
    pub wave: bool,
}

impl Item {
    /// The tracker it lives in.
    pub fn tracker(&self) -> Tracker {
        TEAMS[self.team].tracker
    }

    /// `jira` or `linear`.
    pub fn source(&self) -> &'static str {
        match self.tracker() {
            Tracker::Jira => "jira",
            Tracker::Linear => "linear",
        }
    }
}

/// Dates of the demo period.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// First day.
    pub start: NaiveDate,
    /// Last day ("today" for the demo).
    pub end: NaiveDate,
    /// The moment the export was taken: the last day, 18:00 UTC.
    pub now: NaiveDateTime,
}

impl Clock {
    /// The clock for a configuration.
    pub fn new(cfg: &DemoConfig) -> Self {
        let end = cfg.end.max(cfg.start + Duration::days(28));
        Clock {
            start: cfg.start,
            end,
            now: end.and_time(NaiveTime::from_hms_opt(18, 0, 0).expect("valid time")),
        }
    }

    /// Length of the period in days.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days()
    }

    /// The day at a fraction of the period.
    pub fn at(&self, frac: f64) -> NaiveDate {
        self.start + Duration::days((self.days() as f64 * frac).round() as i64)
    }

    /// Fraction of the period a day lies at.
    pub fn frac(&self, d: NaiveDate) -> f64 {
        (d - self.start).num_days() as f64 / self.days() as f64
    }

    /// Start of the Payments wave: the last four weeks.
    pub fn wave_start(&self) -> NaiveDate {
        self.end - Duration::days(27)
    }

    /// Work on stalled initiatives is created before this day (six weeks before the end).
    pub fn stall_cutoff(&self) -> NaiveDate {
        self.end - Duration::days(42)
    }

    /// The sprint (cycle) a team is in on a day.
    pub fn sprint_at(&self, team: usize, d: NaiveDate) -> u32 {
        let t = &TEAMS[team];
        let anchor = self.start + Duration::days(t.sprint_offset_days);
        let k = (d - anchor).num_days().div_euclid(14);
        (i64::from(t.sprint_base) + k).max(1) as u32
    }

    /// First day of a team's sprint.
    pub fn sprint_start(&self, team: usize, n: u32) -> NaiveDate {
        let t = &TEAMS[team];
        let anchor = self.start + Duration::days(t.sprint_offset_days);
        anchor + Duration::days(14 * (i64::from(n) - i64::from(t.sprint_base)))
    }

    /// `closed`, `active` or `future`, as Jira names sprint states.
    pub fn sprint_state(&self, team: usize, n: u32) -> &'static str {
        let s = self.sprint_start(team, n);
        let today = self.now.date();
        if s + Duration::days(14) <= today {
            "closed"
        } else if s <= today {
            "active"
        } else {
            "future"
        }
    }
}

/// Relative amount of new work created on a day, for a team.
fn day_weight(clock: &Clock, team: usize, d: NaiveDate) -> f64 {
    let mut w = match d.weekday() {
        Weekday::Mon => 1.25,
        Weekday::Tue => 1.2,
        Weekday::Wed => 1.1,
        Weekday::Thu => 1.0,
        Weekday::Fri => 0.7,
        Weekday::Sat => 0.04,
        Weekday::Sun => 0.03,
    };
    // Summer holidays thin out August.
    if d.month() == 8 && d.day() <= 23 {
        w *= 0.7;
    }
    // Sprint planning: a burst of new tickets on the sprint's first day.
    if clock.sprint_start(team, clock.sprint_at(team, d)) == d {
        w *= 1.9;
    }
    if team == PAYMENTS && d >= clock.wave_start() {
        w *= 1.6;
    }
    w
}

struct DaySampler {
    days: Vec<NaiveDate>,
    cumulative: Vec<Vec<f64>>,
}

impl DaySampler {
    fn new(clock: &Clock) -> Self {
        let days: Vec<NaiveDate> = (0..=clock.days())
            .map(|i| clock.start + Duration::days(i))
            .collect();
        let cumulative = (0..TEAMS.len())
            .map(|t| {
                let mut acc = 0.0;
                days.iter()
                    .map(|d| {
                        acc += day_weight(clock, t, *d);
                        acc
                    })
                    .collect()
            })
            .collect();
        DaySampler { days, cumulative }
    }

    /// A day for `team` within `[from, to]`.
    fn sample(&self, rng: &mut Rng, team: usize, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let cum = &self.cumulative[team];
        let lo = self.days.iter().position(|d| *d >= from).unwrap_or(0);
        let hi = self
            .days
            .iter()
            .rposition(|d| *d <= to)
            .unwrap_or(self.days.len() - 1)
            .max(lo);
        let base = if lo == 0 { 0.0 } else { cum[lo - 1] };
        let x = base + rng.f64() * (cum[hi] - base);
        let i = cum[lo..=hi].partition_point(|c| *c <= x) + lo;
        self.days[i.min(hi)]
    }
}

fn time_of_day(rng: &mut Rng) -> NaiveTime {
    let hour = [
        8u32, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 17, 18,
    ][rng.below(16)];
    NaiveTime::from_hms_opt(hour, rng.below(60) as u32, rng.below(60) as u32).expect("valid")
}

fn points(rng: &mut Rng, kind: Kind) -> Option<u32> {
    let missing = match kind {
        Kind::Bug => 0.45,
        Kind::SubTask => 0.7,
        Kind::Spike => 0.3,
        _ => 0.15,
    };
    if rng.chance(missing) {
        return None;
    }
    let fib = [1, 2, 3, 5, 8, 13];
    let w = match kind {
        Kind::Spike => [0.0, 2.0, 5.0, 3.0, 0.0, 0.0],
        Kind::SubTask => [4.0, 4.0, 2.0, 0.5, 0.0, 0.0],
        _ => [1.5, 2.5, 2.5, 2.0, 1.0, 0.3],
    };
    Some(fib[rng.weighted(&w)])
}

fn reason_weights(team: usize, wave: bool) -> [f64; 7] {
    // TechDebt, BugIncident, CustomerEscalation, SalesCommitment, Maintenance, Exploration, Other
    if wave {
        return [0.3, 5.0, 4.0, 0.5, 0.6, 0.1, 0.1];
    }
    match TEAMS[team].key {
        "PAY" => [2.5, 2.5, 1.8, 1.2, 1.5, 0.5, 0.3],
        "GRO" => [1.5, 2.0, 0.8, 0.6, 0.8, 1.6, 0.6],
        "PLAT" => [3.0, 2.5, 0.6, 0.3, 3.0, 0.8, 0.4],
        "CORE" => [1.8, 2.5, 2.2, 1.8, 0.8, 0.8, 0.4],
        "DATA" => [2.0, 2.0, 1.8, 0.8, 1.5, 1.2, 0.3],
        _ => [1.6, 3.0, 1.2, 0.4, 1.6, 0.7, 0.4],
    }
}

/// Generates every item, ordered by creation time, with keys assigned.
pub fn generate(cfg: &DemoConfig, rng: &Rng) -> Vec<Item> {
    let clock = Clock::new(cfg);
    let sampler = DaySampler::new(&clock);
    let mut rng = rng.fork("items");
    let mut items: Vec<Item> = Vec::with_capacity(cfg.items + 8);
    // epic_of[initiative] = indices (into `items`) of its epics, in creation order.
    let mut epic_of: Vec<Vec<usize>> = vec![Vec::new(); INITIATIVES.len()];
    let mut unplanned_epic: Vec<Vec<usize>> = vec![Vec::new(); TEAMS.len()];

    for (i, init) in INITIATIVES.iter().enumerate() {
        for (j, title) in init.epics.iter().enumerate() {
            let day = if j == 0 {
                clock.at(init.window.0) - Duration::days(rng.range(5, 16))
            } else {
                clock.at(init.window.0 + 0.3 * (init.window.1 - init.window.0))
            };
            let created = day.and_time(time_of_day(&mut rng));
            let team = &TEAMS[init.team];
            items.push(Item {
                team: init.team,
                key: String::new(),
                id: 0,
                kind: Kind::Epic,
                title: title.to_string(),
                description: format!(
                    "{}\n\nServes: {}. Owner: {} team.",
                    init.description,
                    init.goals.join(", "),
                    team.name
                ),
                status: Status::InProgress,
                labels: init.labels.iter().map(|s| s.to_string()).collect(),
                components: Vec::new(),
                epic: None,
                parent: None,
                points: None,
                priority: 2,
                assignee: Some(team.members[0]),
                reporter: team.members[0],
                created,
                started: Some(created),
                resolved: None,
                updated: created,
                sprints: Vec::new(),
                project: None,
                intent: Intent::Container,
                initiative: Some(i),
                slots: Slots::default(),
                wave: false,
            });
            epic_of[i].push(items.len() - 1);
        }
    }
    for (team, title) in UNPLANNED_EPICS {
        let created =
            (clock.start - Duration::days(rng.range(3, 20))).and_time(time_of_day(&mut rng));
        let t = &TEAMS[*team];
        items.push(Item {
            team: *team,
            key: String::new(),
            id: 0,
            kind: Kind::Epic,
            title: title.to_string(),
            description: format!(
                "Bucket for {} work that keeps the lights on: upgrades, clean-ups, escalations.",
                t.name
            ),
            status: Status::InProgress,
            labels: Vec::new(),
            components: Vec::new(),
            epic: None,
            parent: None,
            points: None,
            priority: 3,
            assignee: Some(t.members[1]),
            reporter: t.members[0],
            created,
            started: Some(created),
            resolved: None,
            updated: created,
            sprints: Vec::new(),
            project: None,
            intent: Intent::Container,
            initiative: None,
            slots: Slots::default(),
            wave: false,
        });
        unplanned_epic[*team].push(items.len() - 1);
    }

    let team_weights: Vec<f64> = TEAMS.iter().map(|t| t.weight).collect();
    while items.len() < cfg.items {
        let team = rng.weighted(&team_weights);
        let day = sampler.sample(&mut rng, team, clock.start, clock.end);
        let mut created = day.and_time(time_of_day(&mut rng));
        if created > clock.now {
            created = clock.now - Duration::minutes(rng.range(5, 600));
        }
        let wave = team == PAYMENTS && day >= clock.wave_start();
        let f = clock.frac(day);
        let active: Vec<usize> = INITIATIVES
            .iter()
            .enumerate()
            .filter(|(_, init)| {
                init.team == team
                    && f >= init.window.0
                    && f <= init.window.1
                    && !(init.stalls && day >= clock.stall_cutoff() - Duration::days(3))
            })
            .map(|(i, _)| i)
            .collect();
        let p_off = if wave { 0.65 } else { TEAMS[team].off_plan };
        let r = rng.f64();
        let (intent, initiative) = if active.is_empty() || r < p_off {
            let reason = OffPlanReason::ALL[rng.weighted(&reason_weights(team, wave))];
            (Intent::OffPlan(reason), None)
        } else if r < p_off + 0.025 {
            // Ambiguous work borrows the vocabulary of one of the team's initiatives.
            let own: Vec<usize> = (0..INITIATIVES.len())
                .filter(|i| INITIATIVES[*i].team == team)
                .collect();
            (Intent::Ambiguous, Some(*rng.pick(&own)))
        } else {
            let w: Vec<f64> = active.iter().map(|i| INITIATIVES[*i].weight).collect();
            let i = active[rng.weighted(&w)];
            if rng.chance(0.77) {
                (Intent::Linked(INITIATIVES[i].id), Some(i))
            } else {
                (Intent::Aligned(INITIATIVES[i].id), Some(i))
            }
        };
        let item = top_level(
            &mut rng,
            &clock,
            team,
            created,
            intent,
            initiative,
            wave,
            &epic_of,
            &unplanned_epic,
            &items,
        );
        items.push(item);
        let parent = items.len() - 1;
        let splittable = match intent {
            Intent::Linked(_) => items[parent].epic.is_some() || items[parent].project.is_some(),
            Intent::Aligned(_) => true,
            Intent::OffPlan(r) => matches!(
                r,
                OffPlanReason::TechDebt
                    | OffPlanReason::SalesCommitment
                    | OffPlanReason::CustomerEscalation
            ),
            _ => false,
        };
        let can_split = splittable && matches!(items[parent].kind, Kind::Story | Kind::Task);
        let p_split = if TEAMS[team].tracker == Tracker::Jira {
            0.14
        } else {
            0.08
        };
        if can_split && rng.chance(p_split) {
            let n = 1 + rng.below(3);
            for k in 0..n {
                if items.len() >= cfg.items {
                    break;
                }
                let sub = subtask(&mut rng, &clock, &items[parent], parent, k);
                items.push(sub);
            }
        }
    }

    settle_epics(&clock, &mut items);
    assign_keys(items)
}

#[allow(clippy::too_many_arguments)]
fn top_level(
    rng: &mut Rng,
    clock: &Clock,
    team: usize,
    created: NaiveDateTime,
    intent: Intent,
    initiative: Option<usize>,
    wave: bool,
    epic_of: &[Vec<usize>],
    unplanned_epic: &[Vec<usize>],
    items: &[Item],
) -> Item {
    let t = &TEAMS[team];
    let linear = t.tracker == Tracker::Linear;
    let mut labels: Vec<String> = Vec::new();
    let mut components: Vec<String> = Vec::new();
    let mut epic = None;
    let mut project = None;
    let (kind, txt): (Kind, Text) = match intent {
        Intent::Linked(_) | Intent::Aligned(_) => {
            let init = &INITIATIVES[initiative.expect("initiative work has an initiative")];
            let kind = [Kind::Story, Kind::Task, Kind::Bug, Kind::Spike]
                [rng.weighted(&[0.68, 0.2, 0.09, 0.03])];
            let aligned = matches!(intent, Intent::Aligned(_));
            let txt = text::initiative_text(rng, init, kind.jira_name(), aligned);
            if aligned {
                if !linear && !t.components.is_empty() && rng.chance(0.35) {
                    components.push(rng.pick(t.components).to_string());
                }
            } else if linear {
                let p = init.project.expect("Linear initiatives have a project");
                if rng.chance(0.86) || init.labels.is_empty() {
                    project = Some(p.to_string());
                    if rng.chance(0.3) && !init.labels.is_empty() {
                        labels.push(init.labels[0].to_string());
                    }
                } else {
                    labels.push(init.labels[0].to_string());
                }
            } else {
                let epics: Vec<usize> = epic_of[initiative.expect("has initiative")]
                    .iter()
                    .copied()
                    .filter(|e| items[*e].created < created)
                    .collect();
                let by_label = !init.labels.is_empty() && rng.chance(0.12);
                let by_component = !init.components.is_empty() && rng.chance(0.1);
                if (epics.is_empty() || (!by_label && !by_component))
                    && let Some(e) = epics.last()
                {
                    // Newer epics (phase two) take most of the later work.
                    epic = Some(if epics.len() > 1 && rng.chance(0.35) {
                        epics[0]
                    } else {
                        *e
                    });
                }
                if !init.labels.is_empty() && (by_label || rng.chance(0.25) || epic.is_none()) {
                    labels.push(init.labels[0].to_string());
                }
                if !init.components.is_empty() && (by_component || rng.chance(0.3)) {
                    components.push(init.components[0].to_string());
                }
                if epic.is_none() && labels.is_empty() && components.is_empty() {
                    match init.components.first() {
                        Some(c) => components.push(c.to_string()),
                        None => labels.push(init.labels[0].to_string()),
                    }
                }
            }
            (kind, txt)
        }
        Intent::OffPlan(reason) => {
            let kind = match reason {
                OffPlanReason::BugIncident => Kind::Bug,
                OffPlanReason::CustomerEscalation => {
                    if rng.chance(0.6) {
                        Kind::Bug
                    } else {
                        Kind::Task
                    }
                }
                OffPlanReason::SalesCommitment => Kind::Story,
                OffPlanReason::Exploration => Kind::Spike,
                OffPlanReason::TechDebt => {
                    if rng.chance(0.6) {
                        Kind::Task
                    } else {
                        Kind::Story
                    }
                }
                _ => Kind::Task,
            };
            let txt = text::off_plan_text(rng, t, reason, wave);
            let label = match reason {
                OffPlanReason::TechDebt => Some("tech-debt"),
                OffPlanReason::BugIncident
                    if txt.title.starts_with('P') || txt.title.starts_with("Sev") =>
                {
                    Some("incident")
                }
                OffPlanReason::CustomerEscalation => Some("customer-escalation"),
                OffPlanReason::SalesCommitment => Some("sales-request"),
                OffPlanReason::Maintenance => Some("ktlo"),
                OffPlanReason::Exploration => Some("spike"),
                _ => None,
            };
            if let Some(l) = label {
                let p = if reason == OffPlanReason::BugIncident {
                    0.9
                } else {
                    0.45
                };
                if rng.chance(p) {
                    labels.push(l.to_string());
                }
            }
            if !linear {
                if !t.components.is_empty() && rng.chance(0.4) {
                    components.push(rng.pick(t.components).to_string());
                }
                if !unplanned_epic[team].is_empty() && rng.chance(0.3) {
                    epic = Some(*rng.pick(&unplanned_epic[team]));
                }
            } else if matches!(reason, OffPlanReason::Maintenance | OffPlanReason::TechDebt)
                && rng.chance(0.35)
            {
                // Tech debt goes to the maintenance project; upkeep to either.
                let k = if reason == OffPlanReason::TechDebt {
                    1
                } else {
                    rng.below(2)
                };
                project = Some(UNPLANNED_PROJECTS[k].to_string());
            }
            (kind, txt)
        }
        Intent::Ambiguous | Intent::Container => {
            let init = &INITIATIVES[initiative.expect("ambiguous work borrows an initiative")];
            (Kind::Task, text::ambiguous_text(rng, init))
        }
    };
    if linear {
        if kind == Kind::Bug {
            labels.push("Bug".to_string());
        } else if rng.chance(0.5) {
            labels.push(
                if rng.chance(0.6) {
                    "Feature"
                } else {
                    "Improvement"
                }
                .to_string(),
            );
        }
        if rng.chance(0.45) {
            labels.push(if rng.chance(0.5) { "iOS" } else { "Android" }.to_string());
        }
    }
    let urgent = txt.title.starts_with("P1") || txt.title.starts_with("Sev") || wave;
    let priority = if urgent {
        rng.below(2) as u8
    } else {
        [1u8, 2, 2, 2, 3, 3, 4][rng.below(7)]
    };
    let mut item = Item {
        team,
        key: String::new(),
        id: 0,
        kind,
        title: txt.title,
        description: txt.description,
        status: Status::Todo,
        labels,
        components,
        epic,
        parent: None,
        points: points(rng, kind),
        priority,
        assignee: None,
        reporter: rng.pick::<&str>(t.members),
        created,
        started: None,
        resolved: None,
        updated: created,
        sprints: Vec::new(),
        project,
        intent,
        initiative,
        slots: txt.slots,
        wave,
    };
    schedule(rng, clock, &mut item, urgent);
    item
}

/// Decides status, start, resolution, sprints and assignee from the dates.
fn schedule(rng: &mut Rng, clock: &Clock, item: &mut Item, urgent: bool) {
    let t = &TEAMS[item.team];
    let wait_h = if urgent {
        rng.f64() * 6.0
    } else {
        // Most work starts within days; some waits in the backlog for weeks.
        let u = rng.f64();
        u * u * u * 40.0 * 24.0
    };
    let start = item.created + Duration::minutes((wait_h * 60.0) as i64);
    let size = f64::from(item.points.unwrap_or(3));
    // Calendar hours from start to done: a 3-point story takes about four days.
    let dur_h = if urgent {
        2.0 + rng.f64() * 30.0
    } else {
        24.0 * (0.5 + size * 0.9) * (0.5 + rng.f64() * 1.5)
    };
    let end = start + Duration::minutes((dur_h * 60.0) as i64);
    let stalled = item.initiative.is_some_and(|i| {
        INITIATIVES[i].stalls && matches!(item.intent, Intent::Linked(_) | Intent::Aligned(_))
    }) && item.created.date() >= clock.stall_cutoff() - Duration::days(24);
    let rot = !urgent && rng.chance(0.09);
    if rot || start > clock.now {
        item.status = Status::Todo;
    } else if end > clock.now || (stalled && rng.chance(0.6)) {
        item.started = Some(start);
        let in_review = (clock.now - start).num_hours() > 20 && rng.chance(0.35);
        item.status = if in_review {
            Status::InReview
        } else {
            Status::InProgress
        };
    } else {
        item.started = Some(start);
        item.resolved = Some(end);
        item.status = if item.tracker() == Tracker::Linear && rng.chance(0.04) {
            Status::Canceled
        } else {
            Status::Done
        };
    }
    item.updated = item
        .resolved
        .or(item.started)
        .unwrap_or(item.created)
        .max(item.created);
    if item.status != Status::Done && item.status != Status::Canceled {
        let bump = Duration::hours(rng.range(0, 24 * 6));
        item.updated = (item.updated + bump).min(clock.now);
    }
    item.assignee = if item.started.is_some() || rng.chance(0.35) {
        Some(*rng.pick(t.members))
    } else {
        None
    };
    // Sprints: from the one work started in to the one it finished in (spill-over).
    let today = clock.now.date();
    item.sprints = match (item.started, item.resolved) {
        (Some(s), r) => {
            let a = clock.sprint_at(item.team, s.date());
            let b = clock.sprint_at(item.team, r.map_or(today, |r| r.date()));
            (a.max(b.saturating_sub(2))..=b).collect()
        }
        (None, _) => {
            let current = clock.sprint_at(item.team, today);
            let recent = (clock.now - item.created).num_days() < 12;
            if recent && rng.chance(0.5) {
                vec![current]
            } else if recent && rng.chance(0.2) {
                vec![current + 1]
            } else {
                Vec::new()
            }
        }
    };
}

fn subtask(rng: &mut Rng, clock: &Clock, parent: &Item, parent_idx: usize, k: usize) -> Item {
    let created = (parent.created + Duration::minutes(rng.range(3, 240))).min(clock.now);
    let mut sub = Item {
        team: parent.team,
        key: String::new(),
        id: 0,
        kind: Kind::SubTask,
        title: text::subtask_title(rng, &parent.title, k),
        description: String::new(),
        status: Status::Todo,
        labels: Vec::new(),
        components: parent.components.clone(),
        epic: None,
        parent: Some(parent_idx),
        points: None,
        priority: parent.priority,
        assignee: None,
        reporter: parent.reporter,
        created,
        started: None,
        resolved: None,
        updated: created,
        sprints: parent.sprints.clone(),
        project: parent.project.clone(),
        intent: parent.intent,
        initiative: parent.initiative,
        slots: parent.slots.clone(),
        wave: parent.wave,
    };
    sub.points = points(rng, Kind::SubTask);
    match (parent.status, parent.started, parent.resolved) {
        (Status::Done | Status::Canceled, Some(ps), Some(pr)) => {
            let s = ps.max(created);
            let span = (pr - s).num_minutes().max(1);
            sub.started = Some(s);
            sub.resolved = Some(s + Duration::minutes(rng.range(span / 3, span)));
            sub.status = Status::Done;
        }
        (Status::InProgress | Status::InReview, Some(ps), _) => {
            let s = ps.max(created);
            sub.started = Some(s);
            if rng.chance(0.5) && s < clock.now {
                let span = (clock.now - s).num_minutes().max(1);
                sub.resolved = Some(s + Duration::minutes(rng.range(span / 4, span)));
                sub.status = Status::Done;
            } else {
                sub.status = Status::InProgress;
            }
        }
        _ => {}
    }
    sub.updated = sub.resolved.or(sub.started).unwrap_or(created).max(created);
    sub.assignee = if sub.started.is_some() {
        parent
            .assignee
            .or(Some(*rng.pick(TEAMS[parent.team].members)))
    } else {
        None
    };
    sub
}

/// Epics finish when their work has, after their initiative launched.
fn settle_epics(clock: &Clock, items: &mut [Item]) {
    for e in 0..items.len() {
        if items[e].kind != Kind::Epic {
            continue;
        }
        let launched = items[e]
            .initiative
            .and_then(|i| INITIATIVES[i].launch)
            .is_some_and(|l| clock.at(l) < clock.end);
        let children: Vec<&Item> = items.iter().filter(|c| c.epic == Some(e)).collect();
        let all_done = !children.is_empty()
            && children
                .iter()
                .all(|c| matches!(c.status, Status::Done | Status::Canceled));
        let last = children
            .iter()
            .map(|c| c.resolved.unwrap_or(c.updated))
            .max();
        let first_start = children.iter().filter_map(|c| c.started).min();
        let epic = &mut items[e];
        epic.started = first_start
            .or(Some(epic.created))
            .map(|s| s.max(epic.created));
        if launched && all_done && last.is_some_and(|l| l + Duration::days(10) < clock.now) {
            epic.status = Status::Done;
            epic.resolved = last.map(|l| l + Duration::days(2));
        } else if first_start.is_none() {
            epic.status = Status::Todo;
            epic.started = None;
        }
        epic.updated = epic
            .resolved
            .or(last)
            .unwrap_or(epic.created)
            .max(epic.created);
    }
}

/// Sorts by creation time and hands out keys per team and global numeric ids.
fn assign_keys(items: Vec<Item>) -> Vec<Item> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|i| (items[*i].created, *i));
    let mut new_index = vec![0usize; items.len()];
    for (new, old) in order.iter().enumerate() {
        new_index[*old] = new;
    }
    let mut counters = vec![0u32; TEAMS.len()];
    let mut slots: Vec<Option<Item>> = items.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(slots.len());
    for (n, old) in order.iter().enumerate() {
        let mut item = slots[*old].take().expect("each item moved once");
        counters[item.team] += 1;
        item.key = format!("{}-{}", TEAMS[item.team].key, counters[item.team]);
        item.id = 10_001 + n as u64;
        item.epic = item.epic.map(|e| new_index[e]);
        item.parent = item.parent.map(|p| new_index[p]);
        out.push(item);
    }
    out
}
