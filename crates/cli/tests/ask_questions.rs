//! `ask` over real-shaped questions: each names (or not) a period, a team, an
//! initiative or a kind of off-plan work, and the answer must cover exactly that scope,
//! say it, give the figures `status` gives for it, and cite only items of it. On the
//! demo and on the real Appcelerator Jira (imported, drafted strategy applied unchanged;
//! skipped, saying so, without ../shared/data).

mod common;

use chrono::{Datelike, Duration, NaiveDate};
use common::{Env, shared_data};
use throughline_model::{LinkTarget, OffPlanReason, Period};
use throughline_report::ask::CitationKind;
use throughline_report::{PeriodBy, Scope, Snapshot, WorkClass, ask, status};
use throughline_store::Store;

/// What the answer must be about.
#[derive(Clone, Copy)]
enum About {
    /// The off-plan work, or one reason of it.
    OffPlan(Option<OffPlanReason>),
    /// One initiative's work, by title.
    Initiative(&'static str),
    /// Everything in scope.
    Executing,
    /// A goal's work, by id.
    Goal(&'static str),
    /// Items whose titles hold one of these words.
    Search(&'static [&'static str]),
    Unclear,
    Stalled,
    Trend,
}

/// The period a question names: written out, or relative to the data's last day.
#[derive(Clone, Copy)]
enum When {
    All,
    Named(&'static str),
    /// `Named`, shown under another name in the answer ("2016 to 2018").
    Range(&'static str, &'static str, &'static str),
    LastQuarter,
    ThisQuarter,
    ThisYear,
    LastMonths(i32),
    Since(&'static str),
}

struct Question {
    text: &'static str,
    shape: &'static str,
    when: When,
    by: PeriodBy,
    team: Option<&'static str>,
    about: About,
}

const fn q(
    text: &'static str,
    shape: &'static str,
    when: When,
    by: PeriodBy,
    about: About,
) -> Question {
    Question {
        text,
        shape,
        when,
        by,
        team: None,
        about,
    }
}

fn quarter_of(d: NaiveDate, back: i32) -> Period {
    let q = d.year() * 4 + (d.month0() / 3) as i32 - back;
    format!("{}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
        .parse()
        .unwrap()
}

fn period(when: When, as_of: NaiveDate) -> Option<Period> {
    let end = as_of + Duration::days(1);
    match when {
        When::All => None,
        When::Named(p) => Some(p.parse().unwrap()),
        When::Range(name, a, b) => Some(Period {
            name: name.into(),
            start: a.parse().unwrap(),
            end: b.parse().unwrap(),
        }),
        When::LastQuarter => Some(quarter_of(as_of, 1)),
        When::ThisQuarter => Some(quarter_of(as_of, 0)),
        When::ThisYear => Some(as_of.year().to_string().parse().unwrap()),
        When::LastMonths(n) => Some(Period {
            name: format!("the {n} months to {as_of}"),
            start: end
                .checked_sub_months(chrono::Months::new(n as u32))
                .unwrap(),
            end,
        }),
        When::Since(p) => {
            let p: Period = p.parse().unwrap();
            Some(Period {
                name: format!("since {}", p.name),
                start: p.start,
                end,
            })
        }
    }
}

/// Checks one answer; returns what is wrong with it.
fn check(snap: &Snapshot, today: NaiveDate, q: &Question) -> Result<(), String> {
    let a = ask(snap, q.text, today);
    let as_of = snap.last_activity().unwrap().min(today);
    let p = period(q.when, as_of);
    let scope = Scope {
        period: p.clone(),
        period_by: if p.is_some() { q.by } else { PeriodBy::Active },
        team: q.team.map(str::to_string),
        min_group_size: 3,
    };
    let fail = |why: String| Err(format!("{:?}: {why}\n  answer: {}", q.text, a.text));
    if a.shape != q.shape {
        return fail(format!("shape {} (want {})", a.shape, q.shape));
    }
    // The scope is said where the answer starts.
    let who = q.team.unwrap_or("all teams");
    let lead = match &p {
        Some(p) if p.name.starts_with("since ") || p.name.starts_with("the ") => {
            format!("{who} {}:", p.name)
        }
        Some(p) => format!("{who} in {}:", p.name),
        None => format!("{who}:"),
    };
    let scoped = matches!(q.about, About::Stalled | About::Trend);
    if !scoped && !a.text.starts_with(&lead) && !matches!(q.about, About::Goal(_)) {
        return fail(format!("does not start with {lead:?}"));
    }
    if let (Some(p), false) = (&p, scoped) {
        let said = q.by.describe(p);
        if !a.text.contains(&said) {
            return fail(format!("does not say what it counts ({said:?})"));
        }
    }
    let st = status(snap, &scope);
    let items: std::collections::HashMap<&str, &throughline_store::StoredItem> = snap
        .items
        .iter()
        .map(|s| (s.item.key.as_str(), s))
        .collect();
    let cited: Vec<&throughline_store::StoredItem> = a
        .cited
        .iter()
        .filter(|c| c.kind == CitationKind::Item)
        .filter_map(|c| items.get(c.key.as_str()).copied())
        .collect();
    if !scoped {
        for s in &cited {
            if !scope.includes(&s.item) {
                return fail(format!("cites {} from outside the scope", s.item.key));
            }
        }
    }
    let class =
        |s: &throughline_store::StoredItem| WorkClass::of(snap.links.get(&s.id), &snap.strategy);
    match q.about {
        About::OffPlan(reason) => {
            let want = format!("{} of {} items", st.off_plan.items, st.total.items);
            if !a.text.contains(&want) {
                return fail(format!("lacks status's figure {want:?}"));
            }
            let asked_for = st
                .off_plan_by_reason
                .iter()
                .filter(|r| reason.is_none_or(|want| r.reason == want))
                .map(|r| r.work.items)
                .sum::<usize>();
            if asked_for > 0 && cited.is_empty() {
                return fail("cites no item".into());
            }
            if asked_for == 0 && reason.is_some() && !a.text.contains("None of it is") {
                return fail("does not say there is none".into());
            }
            for s in &cited {
                match (class(s), reason) {
                    (WorkClass::OffPlan(r), Some(want)) if r != want => {
                        return fail(format!("cites {} ({r:?}, not {want:?})", s.item.key));
                    }
                    (WorkClass::OffPlan(_), _) => {}
                    (c, _) => return fail(format!("cites {} ({c:?}, not off plan)", s.item.key)),
                }
            }
            // A why needs its evidence where there is off-plan work to explain.
            if q.shape == "why_off_plan" && asked_for > 0 {
                let notes = a.cited.iter().any(|c| c.kind == CitationKind::Note);
                if !notes && !a.text.contains("because of") {
                    return fail("a why without notes or the evidence behind the reasons".into());
                }
            }
            let gap = st
                .off_plan_by_reason
                .iter()
                .any(|r| r.reason == OffPlanReason::NotCovered);
            let top3: Vec<OffPlanReason> = {
                let mut r = st.off_plan_by_reason.clone();
                r.sort_by_key(|r| std::cmp::Reverse(r.work.items));
                r.iter().take(3).map(|r| r.reason).collect()
            };
            if gap
                && top3.contains(&OffPlanReason::NotCovered)
                && reason.is_none_or(|r| r == OffPlanReason::NotCovered)
                && !a.text.contains("a gap in the strategy")
            {
                return fail("uncovered work is not named a gap in the strategy".into());
            }
        }
        About::Initiative(title) => {
            let Some(init) = snap.strategy.initiatives.iter().find(|i| i.title == title) else {
                return fail(format!("no initiative {title:?} in the strategy"));
            };
            let n = st
                .goals
                .iter()
                .flat_map(|g| g.initiatives.iter())
                .find(|i| i.id == init.id)
                .map_or(0, |i| i.work.items);
            let want = format!("{n} of {} work items", st.total.items);
            if !a.text.contains(&want) || !a.text.contains(&format!("\"{title}\"")) {
                return fail(format!("lacks {want:?} for {title:?}"));
            }
            if n > 0 && cited.is_empty() {
                return fail("cites no item".into());
            }
            for s in &cited {
                let link = snap.links.get(&s.id).map(|l| &l.target);
                if link != Some(&LinkTarget::Initiative(init.id.clone())) {
                    return fail(format!("cites {}, not linked to {title}", s.item.key));
                }
            }
            if q.text.starts_with("why")
                && !init.description.is_empty()
                && !a.text.contains(init.description.trim())
            {
                return fail("a why without the strategy's words".into());
            }
        }
        About::Executing => {
            let want = format!("{} work items", st.total.items);
            if !a.text.contains(&want) {
                return fail(format!("lacks {want:?}"));
            }
        }
        About::Goal(id) => {
            let g = st.goals.iter().find(|g| g.id == id).unwrap();
            let want = format!("{} work items", g.work.items);
            if !a.text.starts_with(&want) || !a.text.contains(&lead.replace(':', ")")) {
                return fail(format!("lacks {want:?} in {lead:?}"));
            }
        }
        About::Search(words) => {
            if cited.is_empty() {
                return fail("cites no item".into());
            }
            for s in &cited {
                let t = s.item.title.to_lowercase();
                if !words.iter().any(|w| t.contains(w)) {
                    return fail(format!("cites {} \"{}\"", s.item.key, s.item.title));
                }
            }
        }
        About::Unclear => {
            let want = format!(
                "{} of {} items are unclear",
                st.unclear.items, st.total.items
            );
            if !a.text.contains(&want) {
                return fail(format!("lacks {want:?}"));
            }
            for s in &cited {
                if !matches!(class(s), WorkClass::Unclear | WorkClass::Unlinked) {
                    return fail(format!("cites {}, which is placed", s.item.key));
                }
            }
        }
        About::Stalled | About::Trend => {}
    }
    Ok(())
}

fn run(snap: &Snapshot, today: NaiveDate, questions: &[Question]) {
    let failures: Vec<String> = questions
        .iter()
        .filter_map(|q| check(snap, today, q).err())
        .collect();
    eprintln!(
        "ask: {} of {} questions answered with the right scope and facts",
        questions.len() - failures.len(),
        questions.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn load(env: &Env) -> Snapshot {
    let store = Store::open(env.db()).expect("open the database");
    Snapshot::load(&store).expect("load")
}

use About::*;
use PeriodBy::{Active, Created, Resolved};
use When::*;

#[test]
fn demo_questions_get_their_scope_and_facts() {
    let env = Env::new();
    env.ok(&["demo", "--quiet", "--dir", "demo"]);
    let snap = load(&env);
    let today = chrono::Utc::now().date_naive();
    let payments = Question {
        team: Some("Payments"),
        ..q(
            "why is payments off plan last quarter?",
            "why_off_plan",
            LastQuarter,
            Active,
            OffPlan(None),
        )
    };
    let mobile = Question {
        team: Some("Mobile"),
        ..q(
            "what did the mobile team work on between 2026-04 and 2026-09?",
            "executing",
            Range("2026-04 to 2026-09", "2026-04-01", "2026-10-01"),
            Active,
            Executing,
        )
    };
    let questions = [
        q(
            "What are we executing?",
            "executing",
            All,
            Active,
            Executing,
        ),
        q(
            "what are we working on in 2026-Q3?",
            "executing",
            Named("2026-Q3"),
            Active,
            Executing,
        ),
        q(
            "what off plan work happened in 2026?",
            "off_plan",
            Named("2026"),
            Active,
            OffPlan(None),
        ),
        q(
            "why is work off plan in 2026-Q3?",
            "why_off_plan",
            Named("2026-Q3"),
            Active,
            OffPlan(None),
        ),
        q(
            "what work is off plan and why?",
            "why_off_plan",
            All,
            Active,
            OffPlan(None),
        ),
        payments,
        q(
            "how much tech debt did we take on in 2026-Q2?",
            "off_plan",
            Named("2026-Q2"),
            Active,
            OffPlan(Some(OffPlanReason::TechDebt)),
        ),
        q(
            "what did we work on for checkout redesign in 2026-Q3?",
            "initiative_work",
            Named("2026-Q3"),
            Active,
            Initiative("Checkout redesign"),
        ),
        q(
            "why are we doing usage-based billing?",
            "initiative_work",
            All,
            Active,
            Initiative("Usage-based billing"),
        ),
        q(
            "how much work goes to Be the platform customers can rely on in Q3 2026?",
            "goal_work",
            Named("2026-Q3"),
            Active,
            Goal("reliable-platform"),
        ),
        q(
            "which initiatives stalled?",
            "stalled",
            All,
            Active,
            Stalled,
        ),
        q(
            "what bugs did we fix in 2026-Q3?",
            "off_plan",
            Named("2026-Q3"),
            Resolved,
            OffPlan(Some(OffPlanReason::BugIncident)),
        ),
        q(
            "what off plan work was opened this quarter?",
            "off_plan",
            ThisQuarter,
            Created,
            OffPlan(None),
        ),
        q(
            "what is unclear in 2026-Q3?",
            "not_placed",
            Named("2026-Q3"),
            Active,
            Unclear,
        ),
        q(
            "anything on warehouse sync in the first half of 2026?",
            "initiative_work",
            Named("2026-H1"),
            Active,
            Initiative("Warehouse sync"),
        ),
        q(
            "checkout latency timeouts",
            "search",
            All,
            Active,
            Search(&["checkout", "latency", "timeout"]),
        ),
        q(
            "off plan trend for Payments",
            "off_plan_trend",
            All,
            Active,
            Trend,
        ),
        mobile,
        q(
            "what off plan work happened since 2026-07?",
            "off_plan",
            Since("2026-07"),
            Active,
            OffPlan(None),
        ),
        q(
            "which escalations came in during the last 3 months?",
            "off_plan",
            LastMonths(3),
            Created,
            OffPlan(Some(OffPlanReason::CustomerEscalation)),
        ),
        q(
            "maintenance work in March 2026",
            "off_plan",
            Named("2026-03"),
            Active,
            OffPlan(Some(OffPlanReason::Maintenance)),
        ),
        q(
            "what did we ship for guided onboarding in 2026?",
            "initiative_work",
            Named("2026"),
            Resolved,
            Initiative("Guided onboarding"),
        ),
    ];
    run(&snap, today, &questions);
}

#[test]
fn appcelerator_questions_get_their_scope_and_facts() {
    let Some(data) = shared_data() else {
        eprintln!("skipping: ../shared/data not found");
        return;
    };
    let env = Env::new();
    for p in ["ALOY", "DAEMON", "MOD", "TIMOB"] {
        let f = data.join(format!("appcelerator/{p}.json"));
        env.ok(&[
            "import",
            "jira",
            &f.display().to_string(),
            "--no-align",
            "--quiet",
        ]);
    }
    let draft = env.path("strategy.toml");
    env.ok(&[
        "strategy",
        "draft",
        "--out",
        &draft.display().to_string(),
        "--quiet",
    ]);
    env.ok(&["strategy", "apply", &draft.display().to_string(), "--quiet"]);
    let snap = load(&env);
    let today = chrono::Utc::now().date_naive();
    let questions = [
        q(
            "what off plan work happened in 2020?",
            "off_plan",
            Named("2020"),
            Active,
            OffPlan(None),
        ),
        q(
            "what did we work on for android in 2020?",
            "initiative_work",
            Named("2020"),
            Active,
            Initiative("Android"),
        ),
        q(
            "what work is off plan and why?",
            "why_off_plan",
            All,
            Active,
            OffPlan(None),
        ),
        q(
            "why was work off plan in 2017-Q4?",
            "why_off_plan",
            Named("2017-Q4"),
            Active,
            OffPlan(None),
        ),
        q(
            "what did we work on last quarter?",
            "executing",
            LastQuarter,
            Active,
            Executing,
        ),
        q(
            "what happened in Q4 2017?",
            "executing",
            Named("2017-Q4"),
            Active,
            Executing,
        ),
        q(
            "what bugs did we fix in 2019?",
            "off_plan",
            Named("2019"),
            Resolved,
            OffPlan(Some(OffPlanReason::BugIncident)),
        ),
        q(
            "what did we work on for iOS in the first half of 2016?",
            "initiative_work",
            Named("2016-H1"),
            Active,
            Initiative("iOS"),
        ),
        q(
            "what work on Windows was closed in 2018?",
            "initiative_work",
            Named("2018"),
            Resolved,
            Initiative("Windows"),
        ),
        q(
            "what is not covered by the strategy in 2015?",
            "off_plan",
            Named("2015"),
            Active,
            OffPlan(Some(OffPlanReason::NotCovered)),
        ),
        q(
            "what was unclear in 2021?",
            "not_placed",
            Named("2021"),
            Active,
            Unclear,
        ),
        q(
            "what tech debt did we take on between 2016 and 2018?",
            "off_plan",
            Range("2016 to 2018", "2016-01-01", "2019-01-01"),
            Active,
            OffPlan(Some(OffPlanReason::TechDebt)),
        ),
        q(
            "which initiatives stalled?",
            "stalled",
            All,
            Active,
            Stalled,
        ),
        q(
            "what did we close in March 2019?",
            "executing",
            Named("2019-03"),
            Resolved,
            Executing,
        ),
        q(
            "anything about memory leaks in 2014?",
            "search",
            Named("2014"),
            Active,
            Search(&["memory", "leak"]),
        ),
        q(
            "what off plan work was opened since 2020?",
            "off_plan",
            Since("2020"),
            Created,
            OffPlan(None),
        ),
        q(
            "why did we work on windows in 2015?",
            "initiative_work",
            Named("2015"),
            Active,
            Initiative("Windows"),
        ),
        q(
            "hyperloop crashes in 2017",
            "initiative_work",
            Named("2017"),
            Active,
            Initiative("Hyperloop"),
        ),
        q(
            "crashes on launch in 2017",
            "search",
            Named("2017"),
            Active,
            Search(&["crash", "launch"]),
        ),
        q(
            "what maintenance happened this year?",
            "off_plan",
            ThisYear,
            Active,
            OffPlan(Some(OffPlanReason::Maintenance)),
        ),
        q(
            "what did we work on in 2012?",
            "executing",
            Named("2012"),
            Active,
            Executing,
        ),
        q(
            "how much off plan work was there in 2013-2014?",
            "off_plan",
            Range("2013 to 2014", "2013-01-01", "2015-01-01"),
            Active,
            OffPlan(None),
        ),
        q(
            "what off plan work happened in the last 6 months?",
            "off_plan",
            LastMonths(6),
            Active,
            OffPlan(None),
        ),
        q(
            "why was off plan work up in the fourth quarter of 2017?",
            "why_off_plan",
            Named("2017-Q4"),
            Active,
            OffPlan(None),
        ),
    ];
    run(&snap, today, &questions);
}
