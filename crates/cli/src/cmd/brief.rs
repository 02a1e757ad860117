//! `throughline brief`: the executive narrative, in Markdown or self-contained HTML.

use throughline_report::{Snapshot, brief};

use super::{Globals, scope};
use crate::args::BriefArgs;
use crate::output;

pub fn run(g: &Globals, a: BriefArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = Snapshot::load(&store)?;
    let b = brief(&snap, &scope(&a.scope, a.min_group)?);
    if g.json {
        return output::json(&b);
    }
    let text = match a.format.as_str() {
        "html" => b.to_html(),
        _ => b.to_markdown(),
    };
    match &a.out {
        Some(path) => {
            std::fs::write(path, text)?;
            if !g.quiet {
                eprintln!("wrote {}", path.display());
            }
        }
        None => print!("{text}"),
    }
    Ok(())
}
