//! Inferring one item: its features, every score source, the calibrated probabilities
//! and the best three targets. What the answer finally is, and why, is `reason.rs`.

use throughline_model::{ContextNote, LinkTarget, WorkItem};

use super::learners::{append_dense, dot};
use super::text::doc_of;
use super::{EVIDENCE_FULL, Inference, Model, Workspace, days};
use crate::calibration::softmax;
use crate::features::{self, ExtractOptions, Traced};
use crate::offplan::Strength;

pub(super) fn is_aligned(t: &LinkTarget) -> bool {
    matches!(t, LinkTarget::Initiative(_) | LinkTarget::Goal(_))
}

/// One item's scores, ready to be explained and decided on.
pub(super) struct Scored<'a> {
    /// The item's words, with where each came from.
    pub trace: Vec<Traced<'a>>,
    /// Calibrated-to-be probabilities per target (and "none of these" last, if fitted).
    pub probs: Vec<f32>,
    /// The best (up to) three targets, best first.
    pub order: Vec<usize>,
    /// The calibrated confidence of the best target.
    pub conf: f32,
    /// How much the recency prior moved each target's score (empty without a prior).
    pub prior_delta: Vec<f32>,
    /// The item's creation day, when time is used.
    pub t: Option<f64>,
}

impl Model {
    /// `emb` is the item's embedding and `near` its nearest linked items in it
    /// ([`Model::nearest`]), in semantic mode.
    pub(crate) fn infer_in(
        &self,
        item: &WorkItem,
        notes: &[&ContextNote],
        emb: Option<&[f32]>,
        near: Option<&[(f32, u32)]>,
        ws: &mut Workspace,
    ) -> Inference {
        let mode = self.mode();
        if let Some(t) = self
            .corrections
            .get(&(item.source.clone(), item.key.clone()))
        {
            return Inference {
                aligned: if is_aligned(t) { 1.0 } else { 0.0 },
                target: t.clone(),
                confidence: 1.0,
                reason: "corrected by a person".into(),
                alternatives: vec![(t.clone(), 1.0)],
                mode,
            };
        }
        let doc = doc_of(item, notes, &self.parents);
        let scored = self.score(&doc, item, emb, near, ws);
        let best = scored.order[0];
        let raw_top = scored.probs[best];
        let scale = if raw_top > 0.0 {
            scored.conf / raw_top
        } else {
            0.0
        };
        let alternatives: Vec<(LinkTarget, f32)> = scored
            .order
            .iter()
            .take(3)
            .map(|&c| (self.classes[c].clone(), (scored.probs[c] * scale).min(1.0)))
            .collect();
        let (target, confidence, reason) = self.decide(item, notes, &scored, ws);
        // The mass of every target that serves a goal. A person's label, note or the
        // tracker's area that put the item off plan speaks for the rest at its own
        // confidence; an answer on an initiative is at least as likely aligned.
        // A reason learned only from the rules' hits is as sure as a word hint at most
        // (its probabilities were never calibrated on work people put off plan): the
        // rest of its mass may be aligned work the rules' words also fit.
        // How much of it: at most a word hint's worth, and less as the rules that taught
        // it fire on planned work about as often as on the rest (their lift), where
        // their hits are mostly planned work.
        // Where the fold held both kinds of work, that mass is mapped to the share of
        // such items that served a goal there: the targets' weights in training (work
        // left out of the strategy balanced against each initiative) skew it.
        let hint = Strength::Text.confidence();
        let mass: f32 = match &self.aligned_iso {
            Some(iso) => iso.apply(
                self.classes
                    .iter()
                    .zip(&scored.probs)
                    .filter(|(c, _)| is_aligned(c))
                    .map(|(_, p)| p)
                    .sum(),
            ),
            None => self
                .classes
                .iter()
                .zip(&scored.probs)
                .zip(self.rule_taught.iter().zip(&self.rule_lift))
                .map(|((c, p), (&taught, &lift))| {
                    if is_aligned(c) {
                        *p
                    } else if taught {
                        p * (1.0 - hint * lift)
                    } else {
                        0.0
                    }
                })
                .sum(),
        };
        // An off-plan answer only the rules' words taught is off plan as surely as those
        // rules single out unplanned work; a label or note that raised it is a person's.
        let off_sure =
            if self.rule_taught[best] && target == self.classes[best] && confidence <= hint {
                confidence * self.rule_lift[best]
            } else {
                confidence
            };
        let aligned = match &target {
            LinkTarget::OffPlan(_) => mass.min(1.0 - off_sure),
            t if is_aligned(t) => mass.max(confidence),
            _ => mass,
        }
        .clamp(0.0, 1.0);
        Inference {
            target,
            confidence,
            reason,
            alternatives,
            mode,
            aligned,
        }
    }

    /// Scores every target for one item: the folded linear scorer, the recency prior,
    /// the semantic similarity, a new family member's borrowed score and the
    /// timeframes; then the softmax, the best three and the calibrated confidence.
    /// Leaves the item's vector in `ws.x` and each target's own evidence in
    /// `ws.evidence` (and what families borrowed in `ws.before`) for the explanation.
    fn score<'a>(
        &self,
        doc: &features::Doc<'a>,
        item: &WorkItem,
        emb: Option<&[f32]>,
        near: Option<&[(f32, u32)]>,
        ws: &mut Workspace,
    ) -> Scored<'a> {
        let mut trace = Vec::with_capacity(ws.raw.capacity());
        features::extract(
            doc,
            ExtractOptions {
                body_char_ngrams: self.cfg.body_char_ngrams,
            },
            &mut ws.scratch,
            &mut ws.raw,
            Some(&mut trace),
        );
        let evidence = self.vocab.transform(&ws.raw, &mut ws.buf, &mut ws.x);
        if self.combo.dense_w > 0.0
            && let Some(e) = emb
        {
            append_dense(&mut ws.x, e, self.vocab.len(), self.combo.dense_w);
        }
        let k = self.classes.len();
        ws.scores.resize(k, 0.0);
        self.linear.scores(&ws.x, &mut ws.scores);
        // What speaks for each target in this item alone (no bias, no prior).
        ws.evidence.clear();
        ws.evidence
            .extend(ws.scores.iter().zip(self.linear.bias()).map(|(s, b)| s - b));
        let t = if self.cfg.use_time {
            days(item.created)
        } else {
            None
        };
        let mut prior_delta = Vec::new();
        if let Some(p) = &self.prior {
            let before = ws.scores.clone();
            p.add_log_prior(t, self.combo.prior_w, &mut ws.scores);
            prior_delta = ws.scores.iter().zip(&before).map(|(a, b)| a - b).collect();
        }
        if let (Some(s), Some(e)) = (&self.semantic, emb) {
            for (c, v) in s.class_vecs.iter().enumerate() {
                let sim = self.combo.sem_w * dot(v, e);
                ws.scores[c] += sim;
                ws.evidence[c] += sim;
            }
        }
        if let Some(gap) = self.combo.family_gap {
            self.families
                .apply(gap, &mut ws.scores, &ws.evidence, &mut ws.before);
        }
        ws.near.clear();
        if let (Some(s), Some(near)) = (&self.semantic, near) {
            s.neighbours
                .add(near, self.combo.knn_w, &mut ws.scores, &mut ws.near);
        }
        self.timeframes.add(t, self.combo.timeframe, &mut ws.scores);
        let mut probs = ws.scores.clone();
        if let Some(none) = self.combo.none_logit {
            probs.push(none);
        }
        softmax(&mut probs, self.combo.temperature);
        // Only the best three are ever shown: select them, then sort just those (with
        // hundreds of targets a full sort per item was a visible share of inference).
        let mut order: Vec<usize> = (0..k).collect();
        let by_prob = |a: &usize, b: &usize| probs[*b].total_cmp(&probs[*a]).then(a.cmp(b));
        if k > 3 {
            order.select_nth_unstable_by(2, by_prob);
            order.truncate(3);
        }
        order.sort_by(by_prob);
        let best = order[0];
        // Calibration only ever saw items whose words were mostly known; an item made
        // of words no linked item used carries less evidence than its scores suggest.
        // (At cold start every item's words are mostly unknown: nothing to scale by.)
        let evidence_factor = if self.n_linked == 0 {
            1.0
        } else {
            (evidence / EVIDENCE_FULL).min(1.0)
        };
        let mut conf = (self.iso.apply(probs[best]) * evidence_factor).clamp(0.0, 1.0);
        if self.rule_taught[best] {
            conf = conf.min(Strength::Text.confidence());
        }
        Scored {
            trace,
            probs,
            order,
            conf,
            prior_delta,
            t,
        }
    }
}
