//! Which reporting group (team, or "other") each team's work is shown under.

use std::collections::{HashMap, HashSet};

use crate::status::{TeamAcc, fold_small_teams};
use crate::{Scope, Snapshot};

/// The name used for work without a team.
pub const NO_TEAM: &str = "(no team)";

/// Maps every team in scope to the group it is reported under: itself, or "other" when
/// it has fewer distinct people than `scope.min_group_size`. Delegates the decision to
/// `status`'s folding so every report folds the same way.
pub fn team_groups(snap: &Snapshot, scope: &Scope) -> HashMap<String, String> {
    let mut accs: HashMap<&str, TeamAcc<'_>> = HashMap::new();
    for s in &snap.items {
        if !scope.includes(&s.item) {
            continue;
        }
        let acc = accs
            .entry(team_name(&s.item))
            .or_insert_with(|| (0, 0, 0, HashSet::new()));
        acc.0 += 1;
        if let Some(a) = s.item.assignee.as_deref() {
            acc.3.insert(a);
        }
    }
    let names: Vec<String> = accs.keys().map(|n| n.to_string()).collect();
    let kept: HashSet<String> = fold_small_teams(accs, scope.min_group_size)
        .into_iter()
        .map(|t| t.team)
        .collect();
    names
        .into_iter()
        .map(|n| {
            let g = if kept.contains(&n) {
                n.clone()
            } else {
                "other".to_string()
            };
            (n, g)
        })
        .collect()
}

/// The team an item is counted under before folding.
pub fn team_name(item: &throughline_model::WorkItem) -> &str {
    item.team.as_deref().unwrap_or(NO_TEAM)
}
