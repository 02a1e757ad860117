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
    assert!(inf.reason.contains("type Bug"), "{}", inf.reason);

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
