//! Drift finds planted shifts and stays quiet on noise.

mod common;

use common::*;
use throughline_model::{LinkOrigin, NoteKind, NoteTarget, OffPlanReason};
use throughline_report::drift::{Measure, two_proportion_test};
use throughline_report::{DriftOptions, Scope, drift};

fn scope() -> Scope {
    Scope {
        min_group_size: 3,
        ..Default::default()
    }
}

#[test]
fn z_test_matches_textbook_values() {
    // 15/100 vs 40/100: a clear difference.
    let (z, p) = two_proportion_test(15, 100, 40, 100);
    assert!(z > 3.5 && p < 0.001, "z={z} p={p}");
    // Identical proportions: nothing.
    let (z, p) = two_proportion_test(10, 50, 20, 100);
    assert_eq!(z, 0.0);
    assert!((p - 1.0).abs() < 1e-6);
    // Known value: z = 1.96 gives p ~ 0.05 (via the complementary error function).
    let (_, p) = two_proportion_test(50, 100, 64, 100);
    assert!(p > 0.03 && p < 0.08, "p={p}");
}

#[test]
fn planted_off_plan_jump_is_found_with_its_drivers_and_notes() {
    let teams = [("Payments", 12, 6), ("Core", 12, 6), ("Mobile", 10, 5)];
    let mut snap = generate(7, &teams, 12, |team, w| {
        if team == "Payments" && w >= 8 {
            0.55
        } else {
            0.2
        }
    });
    // A note on one of Payments' recent off-plan items explains the jump.
    let recent_off = snap
        .items
        .iter()
        .rev()
        .find(|s| s.item.team.as_deref() == Some("Payments") && s.item.title.starts_with("fix"))
        .map(|s| s.item.key.clone())
        .unwrap();
    let mut b = Builder { snap };
    b.note(
        NoteTarget::Item {
            source: "jira".into(),
            key: recent_off.clone(),
        },
        NoteKind::TradeOff,
        "Paused wallets for two weeks to handle the incident wave.",
        "Payments",
        day("2026-11-10"),
    );
    snap = b.snap;
    let r = drift(&snap, &scope(), &DriftOptions::default());
    let s = r
        .shifts
        .iter()
        .find(|s| s.group == "Payments" && s.measure == Measure::OffPlan)
        .unwrap_or_else(|| panic!("no Payments shift: {}", r.to_text()));
    assert!(s.points > 20.0, "{}", s.headline);
    assert!(s.before.share < 0.3 && s.after.share > 0.4);
    // Evidence: the figures' keys are the items counted.
    assert_eq!(s.after.part.keys.len(), s.after.part.items);
    assert_eq!(s.after.all.keys.len(), s.after.all.items);
    assert!(s.drivers[0].after > s.drivers[0].before);
    assert!(s.notes.iter().any(|n| n.text.contains("incident wave")));
    assert!(!s.examples.is_empty());
    // The other teams did not move.
    assert!(
        r.shifts
            .iter()
            .all(|s| s.group == "Payments" || s.measure != Measure::OffPlan),
        "{}",
        r.to_text()
    );
    // Never a person's name.
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("person") && !json.contains("Secret"));
}

#[test]
fn unchanged_data_raises_no_alert_across_seeds() {
    let teams = [
        ("Payments", 12, 6),
        ("Core", 8, 4),
        ("Mobile", 5, 3),
        ("Tiny", 3, 3),
    ];
    for seed in 1..=25 {
        let snap = generate(seed, &teams, 12, |_, _| 0.25);
        let r = drift(&snap, &scope(), &DriftOptions::default());
        assert!(r.shifts.is_empty(), "seed {seed}: {}", r.to_text());
    }
}

#[test]
fn small_numbers_stay_quiet_even_when_shares_swing() {
    // 3 items a week: 0% -> 50% in raw share is plausible noise at this size.
    let teams = [("Small", 2, 3)];
    let snap = generate(3, &teams, 12, |_, w| if w >= 8 { 0.5 } else { 0.2 });
    let r = drift(&snap, &scope(), &DriftOptions::default());
    assert!(r.shifts.is_empty(), "{}", r.to_text());
    assert_eq!(r.too_small, vec!["Small".to_string()]);
}

#[test]
fn teams_with_too_few_people_are_folded_into_other() {
    let teams = [("Payments", 12, 6), ("Solo", 12, 1)];
    let snap = generate(11, &teams, 12, |team, w| {
        if team == "Solo" && w >= 8 { 0.7 } else { 0.2 }
    });
    let r = drift(&snap, &scope(), &DriftOptions::default());
    assert!(r.shifts.iter().all(|s| s.group != "Solo"));
    assert!(
        r.shifts.iter().any(|s| s.group == "other"),
        "{}",
        r.to_text()
    );
    let _ = LinkOrigin::Explicit;
    let _ = OffPlanReason::TechDebt;
}

/// A two-week spike in the middle of the period, long over by its end, is found where
/// it happened; the last weeks against the weeks before would see nothing.
#[test]
fn a_spike_mid_period_is_found_where_it_happened() {
    let teams = [("Payments", 20, 6), ("Core", 12, 6)];
    let snap = generate(5, &teams, 26, |team, w| {
        if team == "Payments" && (10..12).contains(&w) {
            0.7
        } else {
            0.15
        }
    });
    let r = drift(&snap, &scope(), &DriftOptions::default());
    let s = r
        .shifts
        .iter()
        .find(|s| s.group == "Payments" && s.measure == Measure::OffPlan && s.points > 0.0)
        .unwrap_or_else(|| panic!("no Payments spike: {}", r.to_text()));
    // The spike's weeks, not the period's end.
    let end = r.as_of.unwrap();
    assert!(
        s.after.to < end - chrono::Duration::weeks(8),
        "{}",
        s.headline
    );
    // Half a year is charted by month: the spike is found in its month.
    assert_eq!(r.unit, throughline_report::BucketBy::Month);
    assert!(s.after.share > s.before.share + 0.15, "{}", s.headline);
    // Drivers a reader can see: never "0% -> 0%".
    for d in &s.drivers {
        assert_ne!(
            (d.before * 100.0).round(),
            (d.after * 100.0).round(),
            "{}",
            d.label
        );
    }
    // The old comparison (the last 4 weeks against the 8 before) misses it.
    let fixed = drift(
        &snap,
        &scope(),
        &DriftOptions {
            scan: false,
            ..Default::default()
        },
    );
    assert!(
        fixed.shifts.iter().all(|s| s.group != "Payments"),
        "{}",
        fixed.to_text()
    );
}

/// When nothing passes, the closest moves are still shown with their shares, as within
/// noise.
#[test]
fn quiet_data_still_shows_its_closest_moves() {
    let teams = [("Payments", 12, 6), ("Core", 8, 4)];
    let snap = generate(3, &teams, 12, |_, _| 0.25);
    let r = drift(&snap, &scope(), &DriftOptions::default());
    assert!(r.shifts.is_empty(), "{}", r.to_text());
    // Moves of 10 points or more between small windows happen by chance; they are named
    // as within noise, or there is none to name.
    for s in &r.within_noise {
        assert!(s.p_value >= 0.01 / r.windows_tried as f64);
    }
    assert!(
        r.to_text().contains("No material shifts"),
        "{}",
        r.to_text()
    );
}

/// A rise of work no initiative covers is named as new work outside the strategy's
/// areas, with the areas, not as firefighting.
#[test]
fn a_rise_of_uncovered_work_is_named_a_gap_in_the_strategy() {
    let teams = [("Payments", 20, 6)];
    let mut snap = generate(9, &teams, 12, |_, _| 0.1);
    // From week 8, a third of the new work is filed under an area no selector links.
    let cut = day("2026-11-20") - chrono::Duration::weeks(4);
    for (n, s) in snap.items.iter_mut().enumerate() {
        let recent = s.item.created.is_some_and(|c| c.date_naive() > cut);
        if recent && n % 3 == 0 {
            s.item.components = vec!["Daemon".into()];
            snap.links.insert(
                s.id,
                throughline_report::EffectiveLink {
                    target: throughline_model::LinkTarget::OffPlan(OffPlanReason::NotCovered),
                    origin: LinkOrigin::Inferred,
                    confidence: 0.8,
                    reason: "not covered".into(),
                    aligned_p: Some(0.1),
                    also: Vec::new(),
                },
            );
        }
    }
    let r = drift(&snap, &scope(), &DriftOptions::default());
    let s = r
        .shifts
        .iter()
        .find(|s| s.measure == Measure::OffPlan && s.points > 0.0)
        .unwrap_or_else(|| panic!("no rise: {}", r.to_text()));
    assert!(
        s.headline
            .contains("new work outside the strategy's areas (Daemon"),
        "{}",
        s.headline
    );
    assert_eq!(s.gap_areas[0].0, "Daemon");
}
