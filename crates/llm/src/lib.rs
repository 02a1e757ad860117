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
    let mut user = format!("Question: {question}\n\nWhat the data says:\n{facts}\n\nSources:\n");
    for s in sources {
        user.push_str(&format!("[{}] {}\n", s.id, s.text));
    }
    user.push_str("\nAnswer in a few sentences, citing sources after every sentence.");
    let text = client.chat(SYSTEM_PROMPT, &user)?;
    let ids: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
    let checked = check_citations(&text, &ids);
    if checked.kept == 0 {
        return Err(LlmError::Uncited);
    }
    Ok(checked)
}
