//! The one link that counts for an item.

use std::collections::HashMap;

use throughline_model::{LinkOrigin, LinkTarget};
use throughline_store::{Candidate, ItemId, LinkRow};

/// The link that counts for an item: a person's correction, else the explicit link,
/// else the engine's inference.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EffectiveLink {
    pub target: LinkTarget,
    pub origin: LinkOrigin,
    pub confidence: f32,
    pub reason: String,
    /// The probability that the item serves some goal: 1 or 0 for a person's or the
    /// selectors' link, the engine's estimate for an inferred one (`None` from links
    /// stored before it kept one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aligned_p: Option<f32>,
    /// For an explicit link to an initiative: the other initiatives the selectors also
    /// select for the item (the store's `also_links`). The link above counts the item
    /// once in the headline shares; per-initiative and per-goal figures count it under
    /// each of these too ([`crate::class::initiatives_of`]). Empty for other links: a
    /// person's correction or the engine's answer names one target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

impl EffectiveLink {
    /// How likely the item serves some goal, for expected shares: `None` for an unclear
    /// inference stored before the engine kept its estimate.
    pub fn aligned_probability(&self) -> Option<f32> {
        match (&self.target, self.origin, self.aligned_p) {
            (_, LinkOrigin::Inferred, Some(p)) => Some(p),
            (LinkTarget::Initiative(_) | LinkTarget::Goal(_), _, _) => Some(1.0),
            (LinkTarget::OffPlan(_), _, _) => Some(0.0),
            (LinkTarget::Unclear, _, _) => None,
        }
    }
}

fn rank(o: LinkOrigin) -> u8 {
    match o {
        LinkOrigin::Corrected => 3,
        LinkOrigin::Explicit => 2,
        LinkOrigin::Inferred => 1,
    }
}

/// Picks the effective link of every item that has any.
pub fn effective_links(links: &[LinkRow]) -> HashMap<ItemId, EffectiveLink> {
    winners(links)
        .into_iter()
        .map(|(item, i)| {
            let l = &links[i];
            let link = EffectiveLink {
                target: l.target.clone(),
                origin: l.origin,
                confidence: l.confidence,
                reason: l.reason.clone(),
                aligned_p: l.aligned_p,
                also: Vec::new(),
            };
            (item, link)
        })
        .collect()
}

/// Why an item's link cannot be confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NothingToConfirm {
    /// The item has no link at all.
    NoLink,
    /// The engine could not place it: there is no answer to agree with.
    Unclear,
}

/// What a person confirming one item keeps, from that item's links: the target of the
/// link that counts now, and the reason to store with it. One rule for the CLI's
/// `confirm`, `link --file`, the API and the dashboard.
pub fn confirmation(links: &[LinkRow]) -> Result<(LinkTarget, String), NothingToConfirm> {
    let current = effective_links(links)
        .into_values()
        .next()
        .ok_or(NothingToConfirm::NoLink)?;
    if current.target == LinkTarget::Unclear {
        return Err(NothingToConfirm::Unclear);
    }
    let reason = format!("confirmed by a person ({})", current.reason);
    Ok((current.target, reason))
}

/// [`effective_links`], taking the links: a snapshot of a million items moves their
/// reasons rather than copying them.
pub fn into_effective_links(links: Vec<LinkRow>) -> HashMap<ItemId, EffectiveLink> {
    let mut keep = vec![false; links.len()];
    for (_, i) in winners(&links) {
        keep[i] = true;
    }
    let mut out = HashMap::with_capacity(links.len());
    for (l, k) in links.into_iter().zip(keep) {
        if k {
            out.insert(l.item_id, EffectiveLink::from(l));
        }
    }
    out
}

/// For every item, the index of its effective link among `links`.
fn winners(links: &[LinkRow]) -> Vec<(ItemId, usize)> {
    // The store returns links by item: the best of each run of one item's links wins,
    // with no map to build.
    if links.is_sorted_by_key(|l| l.item_id) {
        let mut out: Vec<(ItemId, usize)> = Vec::with_capacity(links.len());
        for (i, l) in links.iter().enumerate() {
            match out.last_mut() {
                Some((item, best)) if *item == l.item_id => {
                    if rank(links[*best].origin) < rank(l.origin) {
                        *best = i;
                    }
                }
                _ => out.push((l.item_id, i)),
            }
        }
        return out;
    }
    let mut best: HashMap<ItemId, (u8, usize)> = HashMap::with_capacity(links.len());
    for (i, l) in links.iter().enumerate() {
        let r = rank(l.origin);
        if best.get(&l.item_id).is_none_or(|(have, _)| *have < r) {
            best.insert(l.item_id, (r, i));
        }
    }
    best.into_iter().map(|(item, (_, i))| (item, i)).collect()
}

impl From<LinkRow> for EffectiveLink {
    fn from(l: LinkRow) -> Self {
        EffectiveLink {
            target: l.target,
            origin: l.origin,
            confidence: l.confidence,
            reason: l.reason,
            aligned_p: l.aligned_p,
            also: Vec::new(),
        }
    }
}

/// Gives each explicit link to an initiative the other initiatives its item also serves
/// (`also`, by item, as [`Store::also_links`](throughline_store::Store::also_links)
/// reads them); rows of items whose link is not the selectors' (a person corrected it)
/// are left out.
pub fn attach_also(links: &mut HashMap<ItemId, EffectiveLink>, also: HashMap<ItemId, Vec<String>>) {
    for (id, mut others) in also {
        let Some(l) = links.get_mut(&id) else {
            continue;
        };
        let LinkTarget::Initiative(primary) = &l.target else {
            continue;
        };
        if l.origin != LinkOrigin::Explicit {
            continue;
        }
        others.retain(|o| o != primary);
        l.also = others;
    }
}

/// The engine's best candidates for an item's inferred link, best first, leaving out
/// the negligible ones (under 1%): what `explain` and the item page show, since the
/// runner-up is often the link a person picks. Empty without an inferred link (an
/// `align` drops the inference of an item a person or the tracker has decided).
pub fn engine_candidates(links: &[LinkRow]) -> Vec<&Candidate> {
    links
        .iter()
        .filter(|l| l.origin == LinkOrigin::Inferred)
        .flat_map(|l| &l.candidates)
        .filter(|c| c.probability >= 0.01)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(item_id: ItemId, origin: LinkOrigin, target: &str) -> LinkRow {
        LinkRow {
            item_id,
            origin,
            target: LinkTarget::Initiative(target.into()),
            confidence: 0.5,
            reason: format!("{target} by {}", origin.as_str()),
            by_team: None,
            at: None,
            input_hash: None,
            candidates: Vec::new(),
            aligned_p: None,
        }
    }

    #[test]
    fn confirming_keeps_the_link_that_counts_and_says_whose_reason_it_was() {
        let links = vec![
            row(1, LinkOrigin::Explicit, "e"),
            row(1, LinkOrigin::Inferred, "i"),
        ];
        assert_eq!(
            confirmation(&links),
            Ok((
                LinkTarget::Initiative("e".into()),
                "confirmed by a person (e by explicit)".into()
            ))
        );
        assert_eq!(confirmation(&[]), Err(NothingToConfirm::NoLink));
        let mut unclear = row(1, LinkOrigin::Inferred, "i");
        unclear.target = LinkTarget::Unclear;
        assert_eq!(confirmation(&[unclear]), Err(NothingToConfirm::Unclear));
    }

    #[test]
    fn a_correction_beats_an_explicit_link_which_beats_an_inference_in_any_order() {
        let sorted = vec![
            row(1, LinkOrigin::Corrected, "c"),
            row(1, LinkOrigin::Explicit, "e"),
            row(1, LinkOrigin::Inferred, "i"),
            row(2, LinkOrigin::Inferred, "i"),
            row(2, LinkOrigin::Explicit, "e"),
            row(3, LinkOrigin::Inferred, "i"),
        ];
        let want = |id: ItemId| match id {
            1 => "c",
            2 => "e",
            _ => "i",
        };
        let mut shuffled = sorted.clone();
        shuffled.reverse();
        shuffled.swap(0, 3);
        for links in [sorted, shuffled] {
            let borrowed = effective_links(&links);
            let owned = into_effective_links(links);
            assert_eq!(borrowed, owned);
            assert_eq!(owned.len(), 3);
            for (id, l) in &owned {
                assert_eq!(l.target, LinkTarget::Initiative(want(*id).into()), "{id}");
            }
        }
    }
}
