//! Optional: let a language model phrase what Throughline already found.
//!
//! Throughline answers offline by default, from the data. When an OpenAI-compatible
//! chat endpoint is configured, the same retrieved evidence is handed to the model to be
//! phrased as prose. The model never gets more than the evidence, and its output is
//! checked: every sentence must cite a source that was given to it (`[PAY-12]`,
//! `[note-3]`, `[evidence-2]`); sentences that cite nothing, or only unknown sources, are
//! dropped, so no claim stands without evidence. If too little survives, callers fall
//! back to the offline text.

mod citations;
mod client;

use throughline_model::mask_people;

pub use citations::{Checked, check_citations};
pub use client::{ChatClient, LlmConfig};

/// What can go wrong talking to the endpoint.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("LLM endpoint {url}: {message}")]
    Http { url: String, message: String },
    #[error("LLM endpoint {url} answered in an unexpected shape: {message}")]
    Shape { url: String, message: String },
    #[error("the model's text cited none of the evidence it was given; using the offline answer")]
    Uncited,
}

/// One source the model may cite, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub text: String,
}

/// The rules every phrasing follows; kept in one place so the brief and answers agree.
pub const SYSTEM_PROMPT: &str = "You are Throughline's sense-maker. You explain how a product \
organisation's work lines up with its strategy. Use ONLY the facts and sources given. After \
every sentence, cite the sources it rests on in square brackets, using their ids exactly, e.g. \
[PAY-12] or [note-3]. Never name individual people. Never blame anyone; off-plan work is a \
signal, not a failure: say 'off plan', never 'violation'. Do not decide priorities. Be calm, \
plain and brief.";

/// Asks the model to phrase `facts` (Throughline's own extractive answer) as an answer to
/// `question`, citing `sources`; returns the checked text.
pub fn phrase(
    client: &ChatClient,
    question: &str,
    facts: &str,
    sources: &[Source],
) -> Result<Checked, LlmError> {
    let text = client.chat(SYSTEM_PROMPT, &prompt(question, facts, sources))?;
    let ids: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    let checked = check_citations(&text, &ids);
    if checked.kept == 0 {
        return Err(LlmError::Uncited);
    }
    Ok(checked)
}

/// The user message: the question, the facts and the sources, with every person the
/// text names masked (`[~jdoe]`, `@jdoe`, an address, "from Jane Doe:"): the model never
/// sees a name, and so can never repeat one.
pub fn prompt(question: &str, facts: &str, sources: &[Source]) -> String {
    let mut user = format!(
        "Question: {}\n\nWhat the data says:\n{}\n\nSources:\n",
        mask_people(question),
        mask_people(facts)
    );
    for s in sources {
        user.push_str(&format!("[{}] {}\n", s.id, mask_people(&s.text)));
    }
    user.push_str("\nAnswer in a few sentences, citing sources after every sentence.");
    user
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_never_sees_a_name() {
        let sources = [
            Source {
                id: "ALOY-479".into(),
                text: "from Ben Hatfield:\nHere is the code".into(),
            },
            Source {
                id: "ALOY-1102".into(),
                text: "Code as proposed by [~skypanther] works; ask @jdoe or jane@x.org".into(),
            },
        ];
        let p = prompt(
            "what did [~tlukasavage] ask for?",
            "from Jeff Haynie:\n3 items",
            &sources,
        );
        for name in [
            "Hatfield",
            "skypanther",
            "jdoe",
            "jane@",
            "tlukasavage",
            "Haynie",
        ] {
            assert!(!p.contains(name), "{name} in\n{p}");
        }
        // The ids the model must cite are kept as they are.
        assert!(
            p.contains("[ALOY-479] ") && p.contains("[ALOY-1102] "),
            "{p}"
        );
        assert!(p.contains("from @someone:\n3 items"), "{p}");
    }
}
