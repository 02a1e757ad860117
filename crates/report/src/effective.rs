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
    let mut out: HashMap<ItemId, (u8, EffectiveLink)> = HashMap::new();
    for l in links {
        let r = rank(l.origin);
        if out.get(&l.item_id).is_none_or(|(have, _)| *have < r) {
            out.insert(
                l.item_id,
                (
                    r,
                    EffectiveLink {
                        target: l.target.clone(),
                        origin: l.origin,
                        confidence: l.confidence,
                        reason: l.reason.clone(),
                    },
                ),
            );
        }
    }
    out.into_iter().map(|(k, (_, v))| (k, v)).collect()
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
