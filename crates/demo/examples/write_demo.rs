//! Writes the default demo into a folder and prints its counts.
//!
//! `cargo run -p throughline-demo --example write_demo -- /tmp/demo [seed] [items]`

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "demo".to_string()));
    let mut cfg = throughline_demo::DemoConfig::default();
    if let Some(seed) = args.next().and_then(|s| s.parse().ok()) {
        cfg.seed = seed;
    }
    if let Some(items) = args.next().and_then(|s| s.parse().ok()) {
        cfg.items = items;
    }
    let (demo, files) = throughline_demo::write_demo(&cfg, &dir)?;
    println!("{}", demo.stats);
    println!(
        "wrote {}",
        files.strategy.parent().unwrap_or(&dir).display()
    );
    Ok(())
}
