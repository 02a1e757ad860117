//! `throughline ask "..."`: offline answers that cite their items and notes.

use throughline_report::{Snapshot, ask};

use super::Globals;
use crate::args::AskArgs;
use crate::output;

pub fn run(g: &Globals, a: AskArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = Snapshot::load(&store)?;
    let answer = ask(
        &snap,
        &a.question.join(" "),
        chrono::Utc::now().date_naive(),
    );
    if g.json {
        return output::json(&answer);
    }
    println!("{}\n", answer.text);
    for c in &answer.cited {
        let kind = match c.kind {
            throughline_report::ask::CitationKind::Item => "item",
            throughline_report::ask::CitationKind::Note => "note",
        };
        println!("  [{kind}] {}  {}", c.key, c.snippet);
    }
    Ok(())
}
