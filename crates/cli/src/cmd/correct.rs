//! A person's word on a link: link, unlink, confirm, and explain one item.

use std::path::Path;

use throughline_ingest::read_review;
use throughline_model::{LinkOrigin, LinkTarget, NoteTarget};
use throughline_report::{NothingToConfirm, apply_review, effective_links, engine_candidates};
use throughline_store::{Store, StoredItem};

use super::Globals;
use crate::args::{ItemArg, LinkArgs};
use crate::output;

/// Finds an item by `KEY` or `SOURCE:KEY`.
fn find(store: &Store, spec: &str) -> anyhow::Result<StoredItem> {
    if let Some(found) = store.find_item(None, spec)? {
        return Ok(found);
    }
    if let Some((source, key)) = spec.split_once(':')
        && let Some(found) = store.find_item(Some(source), key)?
    {
        return Ok(found);
    }
    anyhow::bail!("no item `{spec}` in the database (try `throughline items --text {spec}`)")
}

fn check_target(store: &Store, t: &LinkTarget) -> anyhow::Result<()> {
    let strategy = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
    strategy
        .check_correction(t)
        .map_err(|e| anyhow::anyhow!("{e} (see `throughline strategy show`)"))
}

pub fn link(g: &Globals, a: LinkArgs) -> anyhow::Result<()> {
    if let Some(file) = &a.file {
        return link_file(g, file, a.team.as_deref());
    }
    // clap requires both without --file.
    let (Some(spec), Some(target)) = (&a.item, &a.target) else {
        anyhow::bail!("name an item and a target, or give --file");
    };
    let mut store = g.open()?;
    let item = find(&store, spec)?;
    let target: LinkTarget = target.parse()?;
    check_target(&store, &target)?;
    let reason = a.reason.unwrap_or_else(|| "set by a person".into());
    store.set_correction(item.id, &target, a.team.as_deref(), &reason)?;
    done(g, &item, &target, "linked")
}

/// `link --file`: a reviewed list's decisions, all checked before any is stored.
fn link_file(g: &Globals, path: &Path, team: Option<&str>) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let review = read_review(path)?;
    let file = path.display().to_string();
    let done = apply_review(&mut store, &file, &review, team)?;
    if g.json {
        return output::json(&serde_json::json!({
            "file": file,
            "confirmed": done.confirmed,
            "linked": done.linked,
            "undecided": done.undecided,
        }));
    }
    outln!(
        "{file}: {} confirmed, {} linked where the file says, {} rows without a decision left \
         as they were; people's links override selectors and inference, and the engine learns \
         from them on the next `throughline align`",
        done.confirmed,
        done.linked,
        done.undecided
    );
    Ok(())
}

/// What confirming `item` keeps: its link now, and the reason to store with it.
fn confirmation(store: &Store, item: &StoredItem) -> anyhow::Result<(LinkTarget, String)> {
    let key = &item.item.key;
    throughline_report::confirmation(&store.links_of(item.id)?).map_err(|e| match e {
        NothingToConfirm::NoLink => {
            anyhow::anyhow!("{key} has no link to confirm; use `link` to set one")
        }
        NothingToConfirm::Unclear => anyhow::anyhow!(
            "{key}: the engine could not place it, so there is nothing to confirm; use `link` to say where it belongs"
        ),
    })
}

pub fn unlink(g: &Globals, a: ItemArg) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let item = find(&store, &a.item)?;
    let had = store
        .links_of(item.id)?
        .into_iter()
        .any(|l| l.origin == LinkOrigin::Corrected);
    if !had {
        anyhow::bail!(
            "{} has no link set by a person; explicit links come from the strategy's selectors \
             (change those), inferred ones from the engine (use `link` to set one)",
            item.item.key
        );
    }
    store.delete_links(LinkOrigin::Corrected, &[item.id])?;
    if g.json {
        return output::json(&serde_json::json!({ "item": item.item.key, "unlinked": true }));
    }
    outln!(
        "{}: a person's link removed; selectors and inference apply again on the next `align`",
        item.item.key
    );
    Ok(())
}

pub fn confirm(g: &Globals, a: ItemArg) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let item = find(&store, &a.item)?;
    let (target, reason) = confirmation(&store, &item)?;
    store.set_correction(item.id, &target, a.team.as_deref(), &reason)?;
    done(g, &item, &target, "confirmed")
}

fn done(g: &Globals, item: &StoredItem, target: &LinkTarget, verb: &str) -> anyhow::Result<()> {
    if g.json {
        return output::json(
            &serde_json::json!({ "item": item.item.key, "target": target.to_string(), "origin": "corrected" }),
        );
    }
    outln!(
        "{} {verb} to {target}; this overrides selectors and inference, and the engine learns \
         from it on the next `throughline align`",
        item.item.key
    );
    Ok(())
}

pub fn explain(g: &Globals, a: ItemArg) -> anyhow::Result<()> {
    let store = g.open()?;
    let item = find(&store, &a.item)?;
    let links = store.links_of(item.id)?;
    let effective = effective_links(&links).remove(&item.id);
    let notes: Vec<_> = store
        .notes()?
        .into_iter()
        .filter(|n| matches!(&n.target, NoteTarget::Item { source, key } if *source == item.item.source && *key == item.item.key))
        .collect();
    if g.json {
        return output::json(&serde_json::json!({
            "item": item, "effective": effective, "links": links, "notes": notes,
        }));
    }
    let it = &item.item;
    outln!("{} {}", it.key, throughline_model::mask_people(&it.title));
    let facts = [
        ("source", Some(it.source.clone())),
        ("type", it.item_type.clone()),
        ("status", it.status.clone()),
        ("team", it.team.clone()),
        // One item, asked for by name: the only place a person's name is shown.
        ("assignee", it.assignee.clone()),
        ("epic", it.epic_key.clone()),
        ("parent", it.parent_key.clone()),
        ("project", it.project.clone()),
        ("area", it.area_path.clone()),
        ("sprint", it.sprint.clone()),
        (
            "labels",
            (!it.labels.is_empty()).then(|| it.labels.join(", ")),
        ),
        (
            "components",
            (!it.components.is_empty()).then(|| it.components.join(", ")),
        ),
        ("estimate", it.estimate.map(|e| e.to_string())),
        ("created", it.created.map(|c| c.to_rfc3339())),
        ("url", it.url.clone()),
    ];
    for (k, v) in facts {
        if let Some(v) = v {
            outln!("  {k:<11} {v}");
        }
    }
    match &effective {
        Some(e) => outln!(
            "\nLinked to {} ({}, confidence {:.2})\n  because {}",
            e.target,
            e.origin.as_str(),
            e.confidence,
            e.reason
        ),
        None => outln!("\nNot linked yet (run `throughline align`)."),
    }
    // What the engine weighed: the runner-up is often the link to set with
    // `throughline link`.
    let candidates: Vec<String> = engine_candidates(&links)
        .iter()
        .map(|c| format!("{} {:.2}", c.target, c.probability))
        .collect();
    if candidates.len() > 1 {
        outln!("  the engine's best candidates: {}", candidates.join(", "));
    } else if candidates.is_empty()
        && effective
            .as_ref()
            .is_some_and(|e| e.origin == LinkOrigin::Inferred)
    {
        // Inferences stored before candidates were kept (database version 3).
        outln!("  (run `throughline align` to see the engine's other candidates)");
    }
    for l in links
        .iter()
        .filter(|l| Some(l.origin) != effective.as_ref().map(|e| e.origin))
    {
        outln!(
            "  also {}: {} ({:.2}) {}",
            l.origin.as_str(),
            l.target,
            l.confidence,
            l.reason
        );
    }
    if !notes.is_empty() {
        outln!("\nContext notes");
        for n in &notes {
            outln!(
                "  {} {} [{}] {}",
                n.date,
                n.kind.as_str(),
                n.author_team.as_deref().unwrap_or("-"),
                n.text
            );
        }
    }
    // The description as text: markup rendered, people masked, cut at a word.
    if !it.description.trim().is_empty() {
        outln!(
            "\n{}",
            throughline_report::item_text::item_description(it, 600)
        );
    }
    Ok(())
}
