//! Deciding what an item's answer is and saying why: the words that set the winning
//! target apart from the runners-up, the linked items that share them, the off-plan
//! rules (a note or label outranks the words), conflicts and the "unclear" threshold.

use std::collections::HashMap;

use throughline_model::{ContextNote, LinkTarget, OffPlanReason, WorkItem};

use super::infer::Scored;
use super::{Model, Workspace};
use crate::explain::{self, Decider};
use crate::offplan::{self, Strength};

/// A word is named among the deciding ones when it did at least this share of what the
/// most deciding word did.
const MINOR_WORD: f32 = 0.25;

/// An off-plan signal worth less than this here (its strength's confidence times how much
/// more often its rule fires on unlinked work than on linked work) is no evidence.
const MIN_SIGNAL: f32 = 0.2;

impl Model {
    /// The answer (target, confidence, reason) for a scored item.
    ///
    /// Work the tracker calls new (a feature, a story, an improvement) is not a bug or
    /// an incident because of its words or what the model learned from other items' words:
    /// only a person's label or note on it says so. Such an answer becomes unclear, with
    /// both sides named, so the review queue shows it instead of "bug / incident"
    /// swelling with uncovered product work.
    pub(super) fn decide(
        &self,
        item: &WorkItem,
        notes: &[&ContextNote],
        scored: &Scored<'_>,
        ws: &Workspace,
    ) -> (LinkTarget, f32, String) {
        let (target, conf, reason) = self.decide_by_evidence(item, notes, scored, ws);
        let bug = LinkTarget::OffPlan(OffPlanReason::BugIncident);
        if target != bug {
            return (target, conf, reason);
        }
        let Some(kind) = item
            .item_type
            .as_deref()
            .filter(|t| offplan::is_new_work_type(t))
        else {
            return (target, conf, reason);
        };
        let said_by_person = offplan::classify_strong(item, notes).is_some_and(|s| {
            s.strength >= Strength::Label && s.reason == OffPlanReason::BugIncident
        });
        if said_by_person {
            return (target, conf, reason);
        }
        (
            LinkTarget::Unclear,
            conf,
            format!("unclear: {reason}; but its type \"{kind}\" says new work, not a bug"),
        )
    }

    /// [`Model::decide`] before the tracker's type is weighed against "bug / incident".
    fn decide_by_evidence(
        &self,
        item: &WorkItem,
        notes: &[&ContextNote],
        scored: &Scored<'_>,
        ws: &Workspace,
    ) -> (LinkTarget, f32, String) {
        let Scored {
            probs,
            order,
            conf,
            prior_delta,
            t,
            ..
        } = scored;
        let (conf, t) = (*conf, *t);
        let k = self.classes.len();
        let best = order[0];
        let rule_taught = self.rule_taught[best];
        let (word_list, word_feats) = self.deciding_words(best, scored, ws);
        let mut similar = self.similar(best, &word_feats, &item.key);
        if similar.is_empty() {
            similar = self.nearest_like(best, ws, &item.key);
        }
        let recency = prior_delta.len() == k && {
            let mean = prior_delta.iter().sum::<f32>() / k as f32;
            prior_delta[best] - mean > 1.0
        };
        let target_text = explain::describe(&self.classes[best], &self.class_names[best]);
        let taught = if rule_taught {
            "; a reason learned from the off-plan rules' hits on other items, not from people's links"
        } else {
            ""
        };
        let cold = if self.n_linked == 0 {
            " (cold start: strategy text only)"
        } else {
            ""
        };

        // Off-plan rules, then the threshold.
        let aligned = matches!(
            self.classes[best],
            LinkTarget::Initiative(_) | LinkTarget::Goal(_)
        );
        // Each signal with what it is worth here: a rule that fires on planned work as
        // often as on the rest is no evidence (`RuleLift`). Text hints are only looked
        // at when they could matter (they are the slow part).
        // The tracker's word that the strategy leaves the item's area out comes last: a
        // rule with evidence names a more specific reason (a bug, tech debt).
        let signal = if self.cfg.offplan_rules {
            offplan::classify_strong(item, notes)
                .or_else(|| {
                    if conf < self.cfg.unclear_below || !aligned {
                        offplan::classify_text(item)
                    } else {
                        None
                    }
                })
                .map(|s| {
                    let c = s.strength.confidence() * self.lift.weight(&s);
                    (s, c)
                })
                .filter(|(_, c)| *c >= MIN_SIGNAL)
                .or_else(|| {
                    self.uncovered_area(item).map(|s| {
                        let c = s.strength.confidence();
                        (s, c)
                    })
                })
        } else {
            None
        };
        // Two targets about as likely as each other: a conflict, not an answer.
        let torn = k > 1 && probs[order[1]] >= self.cfg.torn_ratio * probs[best];
        // The reason states the confidence, so it is written once that is final.
        let link_reason_at = |conf: f32| {
            let mut r = explain::link_reason(&word_list, &target_text, &similar, recency, conf);
            if self.combo.family_gap.is_some()
                && let Some(l) = self.families.lender(best, &ws.before)
            {
                r.push_str(&format!(
                    "; new, so scored like its sibling {}",
                    explain::describe(&self.classes[l], &self.class_names[l])
                ));
            }
            if let Some(when) = self.timeframe_reason(best, t) {
                r.push_str(&when);
            }
            r
        };
        let link_reason = link_reason_at(conf);
        // A label or note on the item outranks a reason only the rules' words taught.
        let overruled = |s: &offplan::OffPlanSignal| {
            rule_taught
                && s.strength >= Strength::Label
                && self.classes[best] != LinkTarget::OffPlan(s.reason)
        };
        let not_covered = LinkTarget::OffPlan(OffPlanReason::NotCovered);
        match signal {
            // Work the strategy does not cover, for which a rule names why it was done
            // (a version bump, a clean-up): the rule's reason says more than the gap.
            Some((s, _))
                if self.classes[best] == not_covered
                    && conf >= self.cfg.unclear_below
                    && s.reason != OffPlanReason::NotCovered =>
            {
                (
                    LinkTarget::OffPlan(s.reason),
                    conf,
                    format!(
                        "{}; {} → {}",
                        link_reason_at(conf),
                        s.evidence,
                        s.reason.label()
                    ),
                )
            }
            Some((s, c)) if !aligned && conf >= self.cfg.unclear_below && !overruled(&s) => {
                // The learned model (from corrections, or from the rules' own hits)
                // already says off plan. A label or note on the item itself can make a
                // rule-taught answer as sure as that rule is.
                let raised = match &self.classes[best] {
                    LinkTarget::OffPlan(r) if rule_taught && *r == s.reason => conf.max(c),
                    _ => conf,
                };
                let evidence = if raised > conf {
                    format!("{} on this item", s.evidence)
                } else {
                    s.evidence.clone()
                };
                (
                    self.classes[best].clone(),
                    raised,
                    format!("{}; {evidence}{taught}", link_reason_at(raised)),
                )
            }
            Some((s, c)) if s.strength >= Strength::Label && c >= self.cfg.unclear_below => {
                if aligned && conf >= self.cfg.conflict_above {
                    (
                        LinkTarget::Unclear,
                        conf.min(c),
                        format!(
                            "signals conflict: {link_reason}, but {} → {}",
                            s.evidence,
                            s.reason.label()
                        ),
                    )
                } else {
                    (
                        LinkTarget::OffPlan(s.reason),
                        c,
                        format!("{} → {}; confidence {c:.2}", s.evidence, s.reason.label()),
                    )
                }
            }
            Some((s, c)) if conf < self.cfg.unclear_below => {
                let target = if c >= self.cfg.unclear_below {
                    LinkTarget::OffPlan(s.reason)
                } else {
                    LinkTarget::Unclear
                };
                let lead = if target == LinkTarget::Unclear {
                    "unclear: maybe off plan, "
                } else {
                    "no initiative fits well; "
                };
                (
                    target,
                    c,
                    format!(
                        "{lead}{} → {}; confidence {c:.2}",
                        s.evidence,
                        s.reason.label()
                    ),
                )
            }
            // Torn between two initiatives of one goal: aligned to that goal, which of
            // its initiatives left open.
            _ if torn
                && let Some((g, both)) = self.shared_goal(best, order[1]).and_then(|g| {
                    let both = (conf
                        * (1.0 + probs[order[1]] / probs[best].max(f32::MIN_POSITIVE)))
                    .min(1.0);
                    (both >= self.cfg.unclear_below).then_some((g, both))
                }) =>
            {
                (
                    LinkTarget::Goal(g.to_string()),
                    both,
                    format!(
                        "torn between {target_text} and {}, both serving goal `{g}`; {}",
                        explain::describe(&self.classes[order[1]], &self.class_names[order[1]]),
                        link_reason_at(both)
                    ),
                )
            }
            _ if torn => (
                LinkTarget::Unclear,
                conf,
                format!(
                    "unclear: torn between {target_text} and {}; {link_reason}",
                    explain::describe(&self.classes[order[1]], &self.class_names[order[1]])
                ),
            ),
            _ if conf < self.cfg.unclear_below => (
                LinkTarget::Unclear,
                conf,
                format!("unclear: best guess {target_text}{cold}, {link_reason}"),
            ),
            _ => (
                self.classes[best].clone(),
                conf,
                format!("{link_reason}{cold}{taught}"),
            ),
        }
    }

    /// The one goal both targets serve, when they are initiatives of exactly one and the
    /// same goal (with several, which one is not known either).
    fn shared_goal(&self, a: usize, b: usize) -> Option<&str> {
        match (&self.class_goals[a][..], &self.class_goals[b][..]) {
            ([g], [h]) if g == h => Some(g.as_str()),
            _ => None,
        }
    }

    /// An unlinked item filed under an area no initiative selects: the tracker's word that
    /// the strategy does not cover it.
    fn uncovered_area(&self, item: &WorkItem) -> Option<offplan::OffPlanSignal> {
        let (what, v) = self.areas.uncovered_area(item)?;
        Some(offplan::OffPlanSignal {
            reason: OffPlanReason::NotCovered,
            strength: Strength::Label,
            evidence: format!(
                "{what} \"{}\" is in no initiative of the strategy",
                v.trim()
            ),
        })
    }

    /// Up to three words that pushed target `best` up the most (merged per word, as
    /// shown), with a feature of each.
    fn deciding_words(
        &self,
        best: usize,
        scored: &Scored<'_>,
        ws: &Workspace,
    ) -> (Vec<Decider>, Vec<u32>) {
        let trace = &scored.trace;
        // Why: the words that set the winning target apart from the other likely ones,
        // and linked items sharing them. A word that raises them all alike (the team,
        // the project or the item type, when those initiatives share it) explains
        // nothing about the choice, however much it adds to the score. Each feature
        // counts by its weight for the answer less the mean weight, by probability, of
        // the runners-up among the best three (the gradient of the answer's log-odds
        // against them). (group, contribution, feature, trace index), merged per word.
        let rivals: Vec<(usize, f32)> = {
            let rest = &scored.order[1..];
            let mass: f32 = rest.iter().map(|&c| scored.probs[c]).sum();
            rest.iter()
                .map(|&c| (c, scored.probs[c] / mass.max(f32::MIN_POSITIVE)))
                .collect()
        };
        let mut contrib: Vec<(u32, f32, u32, usize)> = Vec::with_capacity(trace.len());
        for (ti, tr) in trace.iter().enumerate() {
            if let Some(f) = self.vocab.index(tr.bucket)
                && let Ok(pos) = ws.x.idx.binary_search(&f)
            {
                let rival: f32 = rivals
                    .iter()
                    .map(|&(c, q)| q * self.linear.weight(f, c))
                    .sum();
                let apart = self.linear.weight(f, best) - rival;
                contrib.push((tr.group, apart * ws.x.val[pos], f, ti));
            }
        }
        contrib.sort_unstable_by_key(|c| c.0);
        let mut words: Vec<(f32, u32, usize)> = Vec::new();
        let mut g = 0;
        while g < contrib.len() {
            let mut h = g;
            let mut total = 0.0;
            // A repeated word counts once per distinct feature (values are already
            // sublinear in its frequency).
            let mut seen: [u32; 4] = [u32::MAX; 4];
            while h < contrib.len() && contrib[h].0 == contrib[g].0 {
                if !seen.contains(&contrib[h].2) {
                    total += contrib[h].1;
                    if let Some(slot) = seen.iter_mut().find(|s| **s == u32::MAX) {
                        *slot = contrib[h].2;
                    }
                }
                h += 1;
            }
            // Either feature of the word serves to find linked items sharing it.
            let (_, _, f, ti) = contrib[h - 1];
            if total > 0.02 {
                words.push((total, f, ti));
            }
            g = h;
        }
        words.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
        let mut word_list: Vec<Decider> = Vec::with_capacity(3);
        let mut word_feats: Vec<u32> = Vec::with_capacity(3);
        // Words that did a small part of what the first did are not what decided.
        let floor = words.first().map_or(0.0, |w| w.0 * MINOR_WORD);
        for (_, f, ti) in words.iter().filter(|w| w.0 >= floor) {
            let w = trace[*ti].decider();
            let showable = match &w {
                Decider::Word(t) => explain::showable(t),
                Decider::Fact(_, v) => !v.is_empty(),
            };
            if showable && !word_list.contains(&w) {
                word_list.push(w);
                word_feats.push(*f);
                if word_list.len() == 3 {
                    break;
                }
            }
        }
        (word_list, word_feats)
    }

    /// "; its timeframe, from ... to ..., covers ..." when target `c`'s timeframe raised
    /// its score for an item created on day `t`.
    fn timeframe_reason(&self, c: usize, t: Option<f64>) -> Option<String> {
        if self.timeframes.term(c, t?, self.combo.timeframe) <= 0.0 {
            return None;
        }
        let span = self.timeframes.describe(c)?;
        Some(format!(
            "; its timeframe, {span}, covers when this item was created"
        ))
    }

    /// Up to two of the item's nearest linked items in meaning (semantic mode) that
    /// serve `class`: the examples to name when no linked item shares its words.
    fn nearest_like(&self, class: usize, ws: &Workspace, key: &str) -> Vec<String> {
        ws.near
            .iter()
            .filter(|&&(_, c)| c as usize == class)
            .filter_map(|&(i, _)| self.linked_keys.get(i as usize))
            .filter(|k| k.as_str() != key)
            .take(2)
            .cloned()
            .collect()
    }

    /// Up to two linked items of `class` sharing the most of the deciding features.
    /// The item itself (`key`) is never its own example: an item the off-plan rules
    /// flagged is one of the weak examples the model learned from.
    fn similar(&self, class: usize, feats: &[u32], key: &str) -> Vec<String> {
        let mut hits: HashMap<u32, u32> = HashMap::new();
        for f in feats {
            if let Some(p) = self.postings.get(f) {
                for &k in p {
                    if self.linked_class[k as usize] as usize == class
                        && self.linked_keys[k as usize] != key
                    {
                        *hits.entry(k).or_default() += 1;
                    }
                }
            }
        }
        let mut v: Vec<(u32, u32)> = hits.into_iter().collect();
        // Most shared first, then most recent.
        v.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        v.iter()
            .take(2)
            .map(|(k, _)| self.linked_keys[*k as usize].clone())
            .collect()
    }
}
