//! `throughline ask "..."`: answers that cite their items and notes; offline by default,
//! phrased by a language model when one is configured.

use throughline_llm::Source;
use throughline_report::ask;
use throughline_report::ask::CitationKind;

use super::{Globals, phrasing};
use crate::args::AskArgs;
use crate::output;

pub fn run(g: &Globals, a: AskArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = g.snapshot(&store)?;
    let question = a.question.join(" ");
    let mut answer = ask(snap, &question, chrono::Utc::now().date_naive());
    let mut phrased_by = None;
    if let Some((client, model)) = phrasing::client(a.offline) {
        let sources: Vec<Source> = answer
            .cited
            .iter()
            .map(|c| Source {
                id: c.key.clone(),
                text: c.snippet.clone(),
            })
            .collect();
        if let Some(checked) =
            phrasing::try_phrase(&client, &question, &answer.text, &sources, g.quiet)
        {
            answer.text = checked.text;
            answer.cited.retain(|c| checked.cited.contains(&c.key));
            phrased_by = Some(model);
        }
    }
    if g.json {
        return output::json(&serde_json::json!({ "answer": answer, "phrased_by": phrased_by }));
    }
    outln!("{}\n", answer.text);
    for c in &answer.cited {
        let kind = match c.kind {
            CitationKind::Item => "item",
            CitationKind::Note => "note",
        };
        outln!("  [{kind}] {}  {}", c.key, c.snippet);
    }
    if let Some(m) = phrased_by {
        outln!("\n(phrased by {m} from the sources above; every sentence cites them)");
    }
    Ok(())
}
