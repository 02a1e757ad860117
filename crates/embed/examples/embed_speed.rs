//! Times all-MiniLM-L6-v2 on real work-item texts (the Iceberg changes in
//! `../shared/data`): texts embedded per second.
//!
//! `cargo run --release -p throughline-embed --features minilm --example embed_speed [-- N [FILE]]`
//! (with FILE, its lines are the texts instead).

#[path = "../../sense/examples/support/shared_data.rs"]
mod shared_data;

use throughline_embed::{MiniLm, default_model_dir};
use throughline_sense::Embedder;

fn main() {
    let model = match MiniLm::load(&default_model_dir()) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("cannot load the model: {e}");
            return;
        }
    };
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1024);
    let texts: Vec<String> = match std::env::args().nth(2) {
        Some(file) => std::fs::read_to_string(file)
            .expect("read the texts")
            .lines()
            .take(n)
            .map(str::to_string)
            .collect(),
        None => {
            let Some(dir) = shared_data::data_dir() else {
                eprintln!("no shared data directory and no FILE; nothing to time");
                return;
            };
            shared_data::iceberg(&dir)
                .items
                .iter()
                .take(n)
                .map(|i| format!("{}. {}", i.title, i.description))
                .collect()
        }
    };
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let t0 = std::time::Instant::now();
    let v = model.embed(&refs);
    let s = t0.elapsed().as_secs_f64();
    println!(
        "{} texts in {s:.1} s: {:.1} texts/s ({} dimensions)",
        v.len(),
        v.len() as f64 / s,
        v.first().map_or(0, Vec::len)
    );
}
