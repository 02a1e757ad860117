//! `throughline metrics show [ID]`: key results against baseline and target, with
//! launches on their timeline.

use throughline_report::{Scope, metrics};

use super::Globals;
// `metrics show` lives here; `metrics import` stays in `metrics.rs`.
use crate::output;

pub fn run(g: &Globals, id: Option<String>) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = g.snapshot(&store)?;
    let ms = metrics(snap, &Scope::default(), id.as_deref());
    if let Some(id) = &id
        && ms.is_empty()
    {
        anyhow::bail!("no metric `{id}` in the strategy in force");
    }
    if g.json {
        return output::json(&ms);
    }
    if ms.is_empty() {
        outln!("No metrics in the strategy yet.");
    }
    for m in &ms {
        outln!("{}", m.to_text());
    }
    Ok(())
}
