//! Optional phrasing by a language model (see `throughline-llm`): only when
//! THROUGHLINE_LLM_URL is set and `--offline` is not given. Failures fall back to the
//! offline text with a warning, never to silence.

use throughline_llm::{ChatClient, Checked, LlmConfig, Source, phrase};

/// The configured endpoint, unless offline was asked for.
pub fn client(offline: bool) -> Option<(ChatClient, String)> {
    if offline {
        return None;
    }
    let cfg = LlmConfig::from_env()?;
    let model = cfg.model.clone();
    Some((ChatClient::new(cfg), model))
}

/// Phrases `facts` with the model; `None` (after a warning) when that fails.
pub fn try_phrase(
    client: &ChatClient,
    question: &str,
    facts: &str,
    sources: &[Source],
    quiet: bool,
) -> Option<Checked> {
    match phrase(client, question, facts, sources) {
        Ok(c) => {
            if c.dropped > 0 && !quiet {
                eprintln!(
                    "note: {} sentence(s) of the model's text cited no evidence and were left out",
                    c.dropped
                );
            }
            Some(c)
        }
        Err(e) => {
            eprintln!("warning: {e}; showing the offline answer");
            None
        }
    }
}
