//! The chat-completions call.

use std::time::Duration;

use serde_json::{Value, json};

use crate::LlmError;

/// Where the endpoint is and how to talk to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlmConfig {
    /// Base URL of an OpenAI-compatible API, e.g. `http://127.0.0.1:11434/v1` (Ollama),
    /// `http://127.0.0.1:8080/v1` (llama.cpp server) or `https://api.openai.com/v1`.
    pub url: String,
    pub model: String,
    pub api_key: Option<String>,
    pub timeout: Duration,
}

impl LlmConfig {
    /// Reads `THROUGHLINE_LLM_URL`, `THROUGHLINE_LLM_MODEL` and `THROUGHLINE_LLM_API_KEY`
    /// (or `OPENAI_API_KEY`). `None` when no URL is set: the offline default.
    pub fn from_env() -> Option<LlmConfig> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let url = var("THROUGHLINE_LLM_URL")?;
        Some(LlmConfig {
            url,
            model: var("THROUGHLINE_LLM_MODEL").unwrap_or_else(|| "llama3.1".into()),
            api_key: var("THROUGHLINE_LLM_API_KEY").or_else(|| var("OPENAI_API_KEY")),
            timeout: Duration::from_secs(120),
        })
    }
}

/// A client for one endpoint.
pub struct ChatClient {
    cfg: LlmConfig,
    agent: ureq::Agent,
}

impl ChatClient {
    pub fn new(cfg: LlmConfig) -> ChatClient {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(cfg.timeout))
            .http_status_as_error(false)
            .build()
            .new_agent();
        ChatClient { cfg, agent }
    }

    /// The model's reply to one system + user exchange (temperature 0: the same evidence
    /// should read the same way twice).
    pub fn chat(&self, system: &str, user: &str) -> Result<String, LlmError> {
        let url = format!("{}/chat/completions", self.cfg.url.trim_end_matches('/'));
        let body = json!({
            "model": self.cfg.model,
            "temperature": 0,
            "messages": [
                { "role": "system", "content": system },
                { "role": "user", "content": user },
            ],
        });
        let mut req = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json");
        if let Some(key) = &self.cfg.api_key {
            req = req.header("Authorization", &format!("Bearer {key}"));
        }
        let http = |message: String| LlmError::Http {
            url: url.clone(),
            message,
        };
        let mut resp = req.send_json(&body).map_err(|e| http(e.to_string()))?;
        let status = resp.status();
        let value: Value = resp
            .body_mut()
            .read_json()
            .map_err(|e| http(format!("status {status}, unreadable body: {e}")))?;
        if !status.is_success() {
            let msg = value["error"]["message"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            return Err(http(format!("status {status}: {msg}")));
        }
        value["choices"][0]["message"]["content"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| LlmError::Shape {
                url: url.clone(),
                message: "no choices[0].message.content".into(),
            })
    }
}
