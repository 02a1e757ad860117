//! Evaluates the sense engine in semantic mode (all-MiniLM-L6-v2) on the real data.
//!
//! `cargo run --release -p throughline-embed --features minilm --example eval_semantic [-- iceberg|storypoints]`
//! (`EMBED_CACHE=FILE` keeps the vectors between runs.)
//! (fetch the model first: `crates/embed/scripts/fetch-model.sh crates/embed/models/all-MiniLM-L6-v2`).

#[path = "../../sense/examples/support/shared_data.rs"]
mod shared_data;

use std::sync::Arc;

use throughline_embed::{MiniLm, default_model_dir};
use throughline_report::stored_embeddings::StoredEmbeddings;
use throughline_sense::eval::{EvalConfig, GroundTruthField, evaluate};
use throughline_sense::{Embedder, EngineConfig, Mode};
use throughline_store::Store;

fn main() {
    let Some(dir) = shared_data::data_dir() else {
        eprintln!("no shared data directory; nothing to evaluate");
        return;
    };
    let model = match MiniLm::load(&default_model_dir()) {
        Ok(m) => Arc::new(m) as Arc<dyn Embedder>,
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
                ..Default::default()
            },
            ..Default::default()
        };
        let t0 = std::time::Instant::now();
        // With EMBED_CACHE=FILE, vectors are kept in that (SQLite) file between runs,
        // as `throughline align --semantic` keeps them in its database.
        let cache = std::env::var_os("EMBED_CACHE").map(|p| {
            let store = Store::open(&p).expect("open the cache");
            let stored = StoredEmbeddings::load(&store, model.clone()).expect("read the cache");
            (store, Arc::new(stored))
        });
        let embedder = match &cache {
            Some((_, s)) => s.clone() as Arc<dyn Embedder>,
            None => model.clone(),
        };
        let r = evaluate(
            &ds.strategy,
            &ds.items,
            &ds.truth,
            &[],
            &cfg,
            Some(embedder),
        )
        .expect("evaluate");
        if let Some((mut store, stored)) = cache {
            stored.save(&mut store).expect("write the cache");
        }
        println!("{r}(total {:.0}s)", t0.elapsed().as_secs_f32());
    }
}
