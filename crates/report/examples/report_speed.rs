//! Times each report on a real database, for the whole history and for one quarter:
//! where the time goes when a page is computed for the first time.
//!
//! `cargo run --release -p throughline-report --example report_speed -- DB [PERIOD]`

use std::time::Instant;

use throughline_report::{
    AllocationOptions, DriftOptions, Scope, Snapshot, ThemeOptions, allocation, ask, brief, drift,
    status, themes,
};
use throughline_store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = args.next().ok_or("usage: report_speed DB [PERIOD]")?;
    let period = args.next();
    let t = Instant::now();
    let snap = Snapshot::load(&Store::open(&db)?)?;
    println!("load      {:>7.1} ms  ({} items)", ms(t), snap.items.len());
    for p in [None, period] {
        let scope = Scope {
            period: p.as_deref().map(str::parse).transpose()?,
            team: None,
            min_group_size: 3,
            ..Default::default()
        };
        println!("-- {}", p.as_deref().unwrap_or("all time"));
        let t = Instant::now();
        status(&snap, &scope);
        println!("status    {:>7.1} ms", ms(t));
        let t = Instant::now();
        allocation(&snap, &scope, &AllocationOptions::default());
        println!("allocation{:>7.1} ms", ms(t));
        let t = Instant::now();
        drift(&snap, &scope, &DriftOptions::default());
        println!("drift     {:>7.1} ms", ms(t));
        let t = Instant::now();
        themes(&snap, &scope, &ThemeOptions::default());
        println!("themes    {:>7.1} ms", ms(t));
        let t = Instant::now();
        brief(&snap, &scope);
        println!("brief     {:>7.1} ms", ms(t));
    }
    let t = Instant::now();
    ask(
        &snap,
        "why is work off plan?",
        chrono::Utc::now().date_naive(),
    );
    println!("ask       {:>7.1} ms", ms(t));
    Ok(())
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
