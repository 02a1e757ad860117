//! Keeping links in step with the data: explicit links from selectors.

use throughline_model::LinkOrigin;
use throughline_sense::explicit;
use throughline_store::{LinkWrite, Store};

/// What re-linking found.
#[derive(Debug, Default, serde::Serialize)]
pub struct Relinked {
    pub items: usize,
    pub explicit: usize,
}

/// Recomputes every explicit link from the strategy in force. Cheap (a pass over the
/// items in memory), so it runs after every import and strategy apply.
pub fn explicit_links(store: &mut Store) -> anyhow::Result<Relinked> {
    let Some((_, strategy)) = store.strategy()? else {
        return Ok(Relinked::default());
    };
    let stored = store.all_items()?;
    let items: Vec<_> = stored.iter().map(|s| s.item.clone()).collect();
    let links = explicit::resolve(&strategy, &items);
    let writes: Vec<LinkWrite> = stored
        .iter()
        .zip(links)
        .filter_map(|(s, l)| {
            l.map(|l| LinkWrite {
                item_id: s.id,
                target: throughline_model::LinkTarget::Initiative(l.initiative),
                confidence: 1.0,
                reason: l.reason,
                input_hash: None,
            })
        })
        .collect();
    store.replace_links(LinkOrigin::Explicit, &writes)?;
    Ok(Relinked {
        items: stored.len(),
        explicit: writes.len(),
    })
}
