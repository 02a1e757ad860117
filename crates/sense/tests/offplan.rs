//! Off-plan reasons from type, labels, text and notes.
mod common;

use throughline_model::{LinkTarget, OffPlanReason};
use throughline_sense::offplan::{Strength, classify};
use throughline_sense::{EngineConfig, Model, TrainingSet};

fn model() -> Model {
    let strategy = common::strategy();
    let (items, labels) = common::linked_items(240, 13);
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    Model::train(&ts, &EngineConfig::default(), None).unwrap()
}

/// Forty unlinked dependency bumps, which only the off-plan rules flag ("bump").
fn add_unlinked_bumps(
    items: &mut Vec<throughline_model::WorkItem>,
    labels: &mut Vec<Option<(LinkTarget, throughline_model::LinkOrigin)>>,
) {
    for i in 0..40 {
        items.push(common::plain(
            &format!("B-{i}"),
            &format!("Bump libfoo lockfile pin from 1.{i} to 1.{}", i + 1),
            "",
        ));
        labels.push(None);
    }
}

#[test]
fn notes_decide_sales_and_escalations() {
    let m = model();
    let it = common::plain("O-1", "Export reports as CSV for a client", "");
    let n = common::note_on(&it, "pulled in for the ACME renewal");
    let inf = m.infer(&it, &[&n]);
    assert_eq!(
        inf.target,
        LinkTarget::OffPlan(OffPlanReason::SalesCommitment),
        "{inf:?}"
    );
    assert!(
        inf.reason
            .contains("note: \"pulled in for the ACME renewal\""),
        "{}",
        inf.reason
    );
    assert!(inf.reason.contains("sales commitment"), "{}", inf.reason);

    let it = common::plain("O-2", "Bulk user import timeout", "");
    let n = common::note_on(&it, "Customer Globex escalated this twice");
    let inf = m.infer(&it, &[&n]);
    assert_eq!(
        inf.target,
        LinkTarget::OffPlan(OffPlanReason::CustomerEscalation),
        "{inf:?}"
    );
}

#[test]
fn labels_and_types_decide_when_no_initiative_fits() {
    let m = model();
    let mut it = common::plain("O-3", "Rework the legacy cron runner", "");
    it.labels = vec!["tech-debt".into()];
    let inf = m.infer(&it, &[]);
    assert_eq!(
        inf.target,
        LinkTarget::OffPlan(OffPlanReason::TechDebt),
        "{inf:?}"
    );

    let mut it = common::plain("O-4", "Nightly batch crashed with OOM", "");
    it.item_type = Some("Bug".into());
    let inf = m.infer(&it, &[]);
    assert_eq!(
        inf.target,
        LinkTarget::OffPlan(OffPlanReason::BugIncident),
        "{inf:?}"
    );
    assert!(inf.reason.contains("type \"Bug\""), "{}", inf.reason);

    let mut it = common::plain("O-5", "Look into vector databases", "");
    it.labels = vec!["Spike".into()];
    assert_eq!(
        m.infer(&it, &[]).target,
        LinkTarget::OffPlan(OffPlanReason::Exploration)
    );
}

#[test]
fn text_only_hints_are_weak() {
    let it = common::plain("O-6", "Bump jackson from 2.1 to 2.2", "");
    let s = classify(&it, &[]).unwrap();
    assert_eq!(s.reason, OffPlanReason::Maintenance);
    assert_eq!(s.strength, Strength::Text);
    assert!(s.strength.confidence() < Strength::Label.confidence());
    // A bug that is plainly checkout work stays aligned.
    let m = model();
    let mut it = common::plain(
        "O-7",
        "Paypal payment checkout cart coupon fails",
        "checkout cart payment order",
    );
    it.item_type = Some("Bug".into());
    assert_eq!(
        m.infer(&it, &[]).target,
        LinkTarget::Initiative("checkout".into())
    );
}

#[test]
fn rules_cover_every_source_and_odd_input() {
    let mut it = common::plain("O-8", "", "");
    assert!(classify(&it, &[]).is_none());
    it.labels = vec!["KTLO".into()];
    assert_eq!(
        classify(&it, &[]).unwrap().reason,
        OffPlanReason::Maintenance
    );
    it.labels = vec!["customer_escalation".into()];
    assert_eq!(
        classify(&it, &[]).unwrap().reason,
        OffPlanReason::CustomerEscalation
    );
    let it = common::plain("O-9", "Prototype ✨ für Kunden", "");
    assert_eq!(
        classify(&it, &[]).unwrap().reason,
        OffPlanReason::Exploration
    );
}

#[test]
fn reasons_the_rules_taught_are_no_surer_than_a_word_hint() {
    // Linked work, plus unlinked dependency bumps that only the rules flag ("bump"):
    // the model learns a maintenance target from those weak labels alone.
    let strategy = common::strategy();
    let (mut items, mut labels) = common::linked_items(240, 13);
    add_unlinked_bumps(&mut items, &mut labels);
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();

    // No rule fires on this one; the model places it by the words it learned.
    let it = common::plain("B-new", "Move the libfoo lockfile pin to 2.0", "");
    assert!(classify(&it, &[]).is_none());
    let inf = m.infer(&it, &[]);
    assert_eq!(
        inf.target,
        LinkTarget::OffPlan(OffPlanReason::Maintenance),
        "{inf:?}"
    );
    assert!(
        inf.confidence <= Strength::Text.confidence(),
        "a reason no person taught cannot be surer than a word hint: {inf:?}"
    );
    assert!(
        inf.reason.contains("learned from the off-plan rules"),
        "{}",
        inf.reason
    );
    assert!(inf.alternatives[0].1 <= Strength::Text.confidence());

    // A label on the item itself is a stronger source, and says so; a label naming
    // another reason outranks what the rules' words taught.
    for (label, reason) in [
        ("maintenance", OffPlanReason::Maintenance),
        ("escalation", OffPlanReason::CustomerEscalation),
    ] {
        let mut it = common::plain("B-lab", "Move the libfoo lockfile pin to 2.1", "");
        it.labels = vec![label.into()];
        let inf = m.infer(&it, &[]);
        assert_eq!(inf.target, LinkTarget::OffPlan(reason), "{inf:?}");
        assert_eq!(inf.confidence, Strength::Label.confidence(), "{inf:?}");
        // The reason states the answer's confidence, not the capped one it was raised from.
        let stated = format!("confidence {:.2}", inf.confidence);
        assert!(inf.reason.contains(&stated), "{}", inf.reason);
        assert!(!inf.reason.contains("confidence 0.50"), "{}", inf.reason);
    }

    // Once a person links such work, the reason is theirs too and is calibrated as usual.
    for l in labels.iter_mut().skip(240).take(10) {
        *l = Some((
            LinkTarget::OffPlan(OffPlanReason::Maintenance),
            throughline_model::LinkOrigin::Corrected,
        ));
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    let inf = m.infer(
        &common::plain("B-new", "Move the libfoo lockfile pin to 2.0", ""),
        &[],
    );
    assert!(
        !inf.reason.contains("learned from the off-plan rules"),
        "{}",
        inf.reason
    );
}

#[test]
fn a_component_the_strategy_does_not_cover_is_not_taken_for_a_reason() {
    // Linked work, plus unlinked work of a component no initiative covers (`hive`): a
    // few clean-ups the rules flag as tech debt, beside new features the rules do not
    // flag. The component only says where the strategy has a gap; the clean-ups' words
    // are what make them tech debt, so the features must not inherit the reason.
    let strategy = common::strategy();
    let (mut items, mut labels) = common::linked_items(240, 13);
    let cleanups = [
        "Remove unused metastore client code",
        "Refactor the serde test helpers",
        "Clean up deprecated storage handler options",
        "Remove dead code in the input format",
        "Refactor lock retries into one helper",
    ];
    for (i, title) in cleanups.iter().cycle().take(30).enumerate() {
        let mut it = common::plain(&format!("H-{i}"), title, "");
        it.components = vec!["hive".into()];
        items.push(it);
        labels.push(None);
    }
    for (i, title) in [
        "Add vectorized Parquet reads",
        "Support bucketed table writes",
    ]
    .iter()
    .enumerate()
    {
        assert!(classify(&common::plain("x", title, ""), &[]).is_none());
        let mut it = common::plain(&format!("F-{i}"), title, "");
        it.components = vec!["hive".into()];
        items.push(it);
        labels.push(None);
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();

    let tech_debt = LinkTarget::OffPlan(OffPlanReason::TechDebt);
    for title in [
        "Add vectorized Parquet reads",
        "Support bucketed table writes",
    ] {
        let mut it = common::plain("F-new", title, "");
        it.components = vec!["hive".into()];
        let inf = m.infer(&it, &[]);
        assert_ne!(inf.target, tech_debt, "{title}: {inf:?}");
        assert!(!inf.reason.contains("component \"hive\""), "{}", inf.reason);
    }
    // The clean-ups' own words still teach the reason, to work the rules do not flag.
    let mut it = common::plain(
        "H-new",
        "Metastore client lock retries in serde test helpers",
        "",
    );
    assert!(classify(&it, &[]).is_none());
    it.components = vec!["hive".into()];
    let inf = m.infer(&it, &[]);
    assert_eq!(inf.target, tech_debt, "{inf:?}");
}

#[test]
fn a_reason_whose_rules_fire_on_planned_work_too_counts_mostly_as_aligned() {
    // Unlinked dependency bumps teach a maintenance reason from the rules' hits. Where
    // linked (planned) work is full of the same words, the rule says little about this
    // organisation: mass on that reason is mostly planned work, and the expected
    // aligned share must say so.
    let strategy = common::strategy();
    let aligned_of = |bumps_in_linked: usize| {
        let (mut items, mut labels) = common::linked_items(240, 13);
        for it in items.iter_mut().take(bumps_in_linked) {
            it.title = format!("{} and bump the lockfile pin", it.title);
        }
        add_unlinked_bumps(&mut items, &mut labels);
        let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
        let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();
        let inf = m.infer(
            &common::plain("B-new", "Move the libfoo lockfile pin to 2.0", ""),
            &[],
        );
        let taught: f32 = inf
            .alternatives
            .iter()
            .filter(|(t, _)| *t == LinkTarget::OffPlan(OffPlanReason::Maintenance))
            .map(|(_, p)| p)
            .sum();
        (inf.aligned, taught)
    };
    let (only_unlinked, taught_high) = aligned_of(0);
    let (also_planned, _) = aligned_of(200);
    assert!(
        taught_high > 0.2,
        "the rules taught a maintenance reason: {taught_high}"
    );
    assert!(
        also_planned > only_unlinked + 0.05,
        "aligned {also_planned} where the rule fires on planned work too, {only_unlinked} where it does not"
    );
}

#[test]
fn new_work_types_are_not_bugs_by_their_words_alone() {
    let m = model();
    let mut feature = common::plain(
        "F-1",
        "Crash reporter: error and crash screens for the hook system",
        "",
    );
    feature.item_type = Some("New Feature".into());
    assert!(
        classify(&feature, &[]).is_none(),
        "{:?}",
        classify(&feature, &[])
    );
    let inf = m.infer(&feature, &[]);
    assert_ne!(
        inf.target,
        LinkTarget::OffPlan(OffPlanReason::BugIncident),
        "{inf:?}"
    );

    // The same words on a Bug still say bug; a person's label on the feature does too.
    let mut bug = feature.clone();
    bug.item_type = Some("Bug".into());
    assert_eq!(
        m.infer(&bug, &[]).target,
        LinkTarget::OffPlan(OffPlanReason::BugIncident)
    );
    let mut labelled = feature.clone();
    labelled.labels = vec!["bug".into()];
    let inf = m.infer(&labelled, &[]);
    assert_eq!(
        inf.target,
        LinkTarget::OffPlan(OffPlanReason::BugIncident),
        "{inf:?}"
    );
}
