//! Evaluates the sense engine in semantic mode (all-MiniLM-L6-v2) on the real data.
//!
//! `cargo run --release -p throughline-embed --features minilm --example eval_semantic [-- iceberg|storypoints]`
//! (fetch the model first: `crates/embed/scripts/fetch-model.sh crates/embed/models/all-MiniLM-L6-v2`).

#[path = "../../sense/examples/support/shared_data.rs"]
mod shared_data;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use throughline_embed::{MiniLm, default_model_dir};
use throughline_sense::eval::{EvalConfig, GroundTruthField, evaluate};
use throughline_sense::{Embedder, EngineConfig, Mode};

/// Remembers every text's vector in a file (`EMBED_CACHE`), so that repeated evaluations
/// (trying engine settings) embed each text once: MiniLM on 2 cores does about 55 texts/s.
struct Cached {
    inner: Arc<MiniLm>,
    path: Option<PathBuf>,
    map: Mutex<HashMap<u64, Vec<f32>>>,
}

fn key(t: &str) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

impl Cached {
    fn new(inner: Arc<MiniLm>, path: Option<PathBuf>) -> Self {
        let mut map = HashMap::new();
        if let Some(b) = path.as_ref().and_then(|p| std::fs::read(p).ok()) {
            let mut at = 0;
            while at + 12 <= b.len() {
                let k = u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
                let d = u32::from_le_bytes(b[at + 8..at + 12].try_into().unwrap()) as usize;
                at += 12;
                let v: Vec<f32> = b[at..at + 4 * d]
                    .chunks(4)
                    .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
                    .collect();
                at += 4 * d;
                map.insert(k, v);
            }
        }
        Cached {
            inner,
            path,
            map: Mutex::new(map),
        }
    }
}

impl Embedder for Cached {
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let mut map = self.map.lock().unwrap();
        let missing: Vec<&str> = texts
            .iter()
            .copied()
            .filter(|t| !map.contains_key(&key(t)))
            .collect();
        if !missing.is_empty() {
            for (t, v) in missing.iter().zip(self.inner.embed(&missing)) {
                map.insert(key(t), v);
            }
            if let Some(p) = &self.path {
                let mut b = Vec::new();
                for (k, v) in map.iter() {
                    b.extend_from_slice(&k.to_le_bytes());
                    b.extend_from_slice(&(v.len() as u32).to_le_bytes());
                    v.iter().for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
                }
                let _ = std::fs::write(p, b);
            }
        }
        texts.iter().map(|t| map[&key(t)].clone()).collect()
    }
    fn name(&self) -> &str {
        self.inner.name()
    }
}

fn main() {
    let Some(dir) = shared_data::data_dir() else {
        eprintln!("no shared data directory; nothing to evaluate");
        return;
    };
    let model = match MiniLm::load(&default_model_dir()) {
        Ok(m) => Arc::new(Cached::new(
            Arc::new(m),
            std::env::var_os("EMBED_CACHE").map(PathBuf::from),
        )),
        Err(e) => {
            eprintln!("cannot load the model: {e}");
            return;
        }
    };
    let only = std::env::args().nth(1);
    for name in ["iceberg", "storypoints"] {
        if only.as_ref().is_some_and(|o| o != name) {
            continue;
        }
        let (ds, hidden) = match name {
            "iceberg" => (shared_data::iceberg(&dir), GroundTruthField::Components),
            _ => (shared_data::storypoints(&dir), GroundTruthField::Project),
        };
        let cfg = EvalConfig {
            dataset: ds.name.clone(),
            hidden,
            engine: EngineConfig {
                mode: Mode::Semantic,
                c: std::env::var("SENSE_C")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(EngineConfig::default().c),
                class_balance: std::env::var("SENSE_BALANCE")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(EngineConfig::default().class_balance),
                ..Default::default()
            },
            ..Default::default()
        };
        let t0 = std::time::Instant::now();
        let r = evaluate(
            &ds.strategy,
            &ds.items,
            &ds.truth,
            &[],
            &cfg,
            Some(model.clone()),
        )
        .expect("evaluate");
        println!("{r}(total {:.0}s)", t0.elapsed().as_secs_f32());
    }
}
