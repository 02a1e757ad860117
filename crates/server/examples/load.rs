//! Load test: starts the server on loopback over an existing database, times each report
//! endpoint cold (first call after a change) and warm, then runs 200 concurrent clients
//! reading `/api/status` for 30 seconds and prints requests, errors and latencies.
//!
//! ```sh
//! cargo run --release -p throughline-cli -- --db /tmp/big.db demo --items 100000
//! cargo run --release -p throughline-server --example load -- /tmp/big.db [CLIENTS] [SECONDS] [PATH]
//! ```
//!
//! Bounded: it stops by itself after the given seconds, and talks only to 127.0.0.1.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use throughline_server::AppState;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(db) = args.first() else {
        eprintln!("usage: load DB [CLIENTS=200] [SECONDS=30] [PATH=/api/status]");
        std::process::exit(2);
    };
    let clients: usize = args.get(1).map(|s| s.parse()).transpose()?.unwrap_or(200);
    let seconds: u64 = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(30);
    let path = args.get(3).cloned().unwrap_or_else(|| "/api/status".into());

    // A file, or a postgres:// URL.
    let state = AppState::open(throughline_store::DbLocation::parse(db)?)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(throughline_server::serve_on(listener, state, async {
        let _ = stop_rx.await;
    }));
    let base = format!("http://{addr}");
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(clients)
        .build()?;

    // Cold and warm timings of every read endpoint (the first call loads the snapshot).
    println!("endpoint timings (cold = first call, warm = second):");
    for p in [
        "/api/health",
        "/api/status?period=2026-Q3",
        "/api/items?limit=50&period=2026-Q3",
        "/api/items?limit=50&text=payment",
        "/api/items?off_plan=any&limit=50",
        "/api/allocation",
        "/api/drift",
        "/api/themes",
        "/api/metrics",
        "/api/brief?period=2026-Q3",
        "/api/ask?q=why+is+Payments+off+plan",
        "/api/notes?on=goal:grow-self-serve",
        "/api/strategy",
    ] {
        let mut t = Vec::new();
        let mut status = 0;
        for _ in 0..2 {
            let started = Instant::now();
            let r = http.get(format!("{base}{p}")).send().await?;
            status = r.status().as_u16();
            let _ = r.bytes().await?;
            t.push(started.elapsed());
        }
        println!(
            "  {p:<42} {status}  cold {:>8.1} ms  warm {:>6.1} ms",
            ms(t[0]),
            ms(t[1])
        );
    }

    println!("\n{clients} clients reading {path} for {seconds} s ...");
    let running = Arc::new(AtomicBool::new(true));
    let errors = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    let url = format!("{base}{path}");
    let started = Instant::now();
    for _ in 0..clients {
        let (http, url, running, errors) =
            (http.clone(), url.clone(), running.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while running.load(Ordering::Relaxed) {
                let t = Instant::now();
                match http.get(&url).send().await {
                    Ok(r) if r.status().is_success() => {
                        if r.bytes().await.is_err() {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    running.store(false, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)));
    println!(
        "requests {}  ({:.0}/s)  errors {}  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        all.len(),
        all.len() as f64 / elapsed,
        errors.load(Ordering::Relaxed),
        pct(0.50).map_or(0.0, |d| ms(*d)),
        pct(0.99).map_or(0.0, |d| ms(*d)),
        all.last().map_or(0.0, |d| ms(*d)),
    );
    let _ = stop_tx.send(());
    server.await??;
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
