//! `throughline brief`: the executive narrative, in Markdown or self-contained HTML.
//! Extractive and offline by default; with a language model configured, a short
//! phrased summary citing the brief's evidence is put in front of it.

use anyhow::Context;
use throughline_llm::{ChatClient, Source};
use throughline_report::{LongEvidence, ShortEvidence, WithoutKeys, brief};
use throughline_store::Store;

use super::{Globals, phrasing, scope};
use crate::args::BriefArgs;

pub fn run(g: &Globals, a: BriefArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let llm = phrasing::client(a.offline);
    // A phrased summary is new text each time (and a call to a server), so only the
    // brief without one is kept for next time.
    let text = match llm {
        Some(llm) => render(g, &store, &a, Some(llm))?,
        None => g.report_output(&mut store, "brief", &a, |store| render(g, store, &a, None))?,
    };
    match &a.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            if !g.quiet {
                eprintln!("wrote {}", path.display());
            }
        }
        None => out!("{text}"),
    }
    Ok(())
}

/// The brief as JSON, Markdown or HTML, with the model's summary in front when one is
/// configured and answers.
fn render(
    g: &Globals,
    store: &Store,
    a: &BriefArgs,
    llm: Option<(ChatClient, String)>,
) -> anyhow::Result<String> {
    let snap = g.snapshot(store)?;
    let b = brief(snap, &scope(&a.scope, a.min_group)?);
    // A brief is read by people: the first keys of each list, and where the rest are.
    let note = format!(
        "Each list shows its first {} items; `throughline brief --all-keys` or `--json` \
         lists every one, and `throughline items` filters them.",
        a.evidence_keys
    );
    let short = ShortEvidence {
        max_keys: a.evidence_keys,
        note: &note,
    };
    let short = (!a.all_keys).then_some(&short);
    // A file has nowhere to link to: the HTML says how many more, like the Markdown.
    let long = short.map(|s| LongEvidence {
        max_keys: s.max_keys,
        href: None,
    });
    let markdown = b.to_markdown_with(short);
    let summary = llm.and_then(|(client, model)| {
        let sources: Vec<Source> = b
            .evidence
            .iter()
            .map(|e| Source {
                id: e.id.clone(),
                text: format!("{}: {} items", e.label, e.keys.len()),
            })
            .collect();
        let question = "Summarise this brief for the executive meeting: what we are executing and why, \
                        how it aligns, the metrics, the off-plan work and why, what we learned.";
        phrasing::try_phrase(&client, question, &markdown, &sources, g.quiet)
            .map(|c| (c.text, model))
    });
    if g.json {
        let b = if g.no_keys { b.without_keys() } else { b };
        let (text, model) = summary.unzip();
        let doc = serde_json::json!({ "brief": b, "summary": text, "phrased_by": model });
        return Ok(serde_json::to_string_pretty(&doc)? + "\n");
    }
    let mut text = match a.format.as_str() {
        "html" => b.to_html_with(long.as_ref()),
        _ => markdown,
    };
    if let Some((summary, model)) = summary {
        text = with_summary(&text, &summary, &model, a.format == "html");
    }
    Ok(text)
}

/// Puts the phrased summary after the title, with each `[evidence-N]` made a link to the
/// evidence list the brief already carries.
fn with_summary(doc: &str, summary: &str, model: &str, html: bool) -> String {
    let linked = link_evidence(summary, html);
    let block = if html {
        format!(
            "<section aria-labelledby=\"in-short\"><h2 id=\"in-short\">In short</h2><p>{linked}</p>\
             <p><small>Phrased by {} from the figures below; every sentence cites them.</small></p></section>",
            escape(model)
        )
    } else {
        format!(
            "## In short\n\n{linked}\n\n_Phrased by {model} from the figures below; every sentence cites them._\n\n"
        )
    };
    let anchor = if html { "</h1>" } else { "\n\n" };
    match doc.find(anchor) {
        Some(i) => format!(
            "{}{block}{}",
            &doc[..i + anchor.len()],
            &doc[i + anchor.len()..]
        ),
        None => format!("{block}{doc}"),
    }
}

fn link_evidence(text: &str, html: bool) -> String {
    let text = if html { escape(text) } else { text.to_string() };
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("[evidence-") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find(']') else { break };
        let inner = &rest[i + 1..i + j];
        let links: Vec<String> = inner
            .split(", ")
            .map(|id| {
                if html {
                    format!("<a href=\"#{id}\">{id}</a>")
                } else {
                    format!("[{id}](#{id})")
                }
            })
            .collect();
        out.push_str(&format!("[{}]", links.join(", ")));
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
