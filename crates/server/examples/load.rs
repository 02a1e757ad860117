//! Load test: times each report endpoint cold (first call after a change) and warm, then
//! runs concurrent clients reading `/api/status` (200 for 30 seconds by default) and
//! prints requests, errors and latencies.
//!
//! Over one database it starts the server itself, in process, on loopback:
//!
//! ```sh
//! cargo run --release -p throughline-cli -- --db /tmp/big.db demo --items 100000
//! cargo run --release -p throughline-server --example load -- /tmp/big.db [CLIENTS] [SECONDS] [PATH]
//! ```
//!
//! Given `--urls` it drives servers already running instead, such as two replicas of
//! `throughline serve` on one PostgreSQL database; the clients are dealt out in turn
//! (client i talks to replica i mod N, so each gets an equal share), and the figures are
//! printed per replica and overall. It waits for each replica's `GET /api/ready` first.
//!
//! ```sh
//! throughline --db postgres://postgres@127.0.0.1:5432/big serve --addr 127.0.0.1:7001 &
//! throughline --db postgres://postgres@127.0.0.1:5432/big serve --addr 127.0.0.1:7002 &
//! cargo run --release -p throughline-server --example load -- \
//!     --urls http://127.0.0.1:7001,http://127.0.0.1:7002 200 60
//! ```
//!
//! Bounded: it stops by itself after the given seconds. With a database it talks only to
//! 127.0.0.1; with `--urls`, only to the addresses given.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use throughline_server::AppState;

/// How long to wait for a replica to say it is ready (a cold replica loads the whole
/// database first: on a million items that takes a while).
const READY_TIMEOUT: Duration = Duration::from_secs(600);

const USAGE: &str = "usage: load DB [CLIENTS=200] [SECONDS=30] [PATH=/api/status]\n       \
                     load --urls URL[,URL...] [CLIENTS=200] [SECONDS=30] [PATH=/api/status]";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let urls: Option<Vec<String>> = match args.iter().position(|a| a == "--urls") {
        Some(i) if i + 1 < args.len() => {
            let list = args.remove(i + 1);
            args.remove(i);
            Some(
                list.split(',')
                    .map(|u| u.trim().trim_end_matches('/').to_string())
                    .filter(|u| !u.is_empty())
                    .collect(),
            )
        }
        Some(_) => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
        None => None,
    };
    // With --urls the first positional argument is CLIENTS; without, it is the database.
    let (db, rest) = match &urls {
        Some(_) => (None, &args[..]),
        None => match args.split_first() {
            Some((db, rest)) => (Some(db.clone()), rest),
            None => {
                eprintln!("{USAGE}");
                std::process::exit(2);
            }
        },
    };
    let clients: usize = rest.first().map(|s| s.parse()).transpose()?.unwrap_or(200);
    let seconds: u64 = rest.get(1).map(|s| s.parse()).transpose()?.unwrap_or(30);
    let path = rest.get(2).cloned().unwrap_or_else(|| "/api/status".into());
    let http = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(clients)
        .build()?;

    let mut in_process = None;
    let bases = match (urls, db) {
        (Some(urls), _) if urls.is_empty() => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
        (Some(urls), _) => {
            for base in &urls {
                wait_ready(&http, base).await?;
            }
            urls
        }
        (None, Some(db)) => {
            // A file, or a postgres:// URL.
            let state = AppState::open(throughline_store::DbLocation::parse(&db)?)?;
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let addr = listener.local_addr()?;
            let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
            let server = tokio::spawn(throughline_server::serve_on(listener, state, async {
                let _ = stop_rx.await;
            }));
            in_process = Some((stop_tx, server));
            vec![format!("http://{addr}")]
        }
        (None, None) => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };

    // Cold and warm timings of every read endpoint (the first call loads the snapshot).
    for base in &bases {
        println!("{base}: endpoint timings (cold = first call, warm = second):");
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
    }

    println!(
        "\n{clients} clients reading {path} for {seconds} s, dealt over {} server(s) ...",
        bases.len()
    );
    let running = Arc::new(AtomicBool::new(true));
    let errors: Arc<Vec<AtomicU64>> = Arc::new(bases.iter().map(|_| AtomicU64::new(0)).collect());
    let mut tasks = Vec::new();
    let started = Instant::now();
    for i in 0..clients {
        let replica = i % bases.len();
        let url = format!("{}{path}", bases[replica]);
        let (http, running, errors) = (http.clone(), running.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while running.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = match http.get(&url).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if !ok {
                    errors[replica].fetch_add(1, Ordering::Relaxed);
                }
                lat.push(t.elapsed());
            }
            (replica, lat)
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    running.store(false, Ordering::Relaxed);
    let mut per: Vec<Vec<Duration>> = bases.iter().map(|_| Vec::new()).collect();
    for t in tasks {
        let (replica, lat) = t.await?;
        per[replica].extend(lat);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut all: Vec<Duration> = per.iter().flatten().copied().collect();
    if bases.len() > 1 {
        for (i, lat) in per.iter_mut().enumerate() {
            report(&bases[i], lat, errors[i].load(Ordering::Relaxed), elapsed);
        }
    }
    let total_errors = errors.iter().map(|e| e.load(Ordering::Relaxed)).sum();
    report("overall", &mut all, total_errors, elapsed);
    if let Some((stop_tx, server)) = in_process {
        let _ = stop_tx.send(());
        server.await??;
    }
    Ok(())
}

/// Prints one line of figures: requests, their rate, errors, p50, p99 and the slowest.
fn report(label: &str, lat: &mut [Duration], errors: u64, elapsed: f64) {
    lat.sort();
    let pct = |p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)));
    println!(
        "{label:<24} requests {}  ({:.0}/s)  errors {errors}  p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        lat.len(),
        lat.len() as f64 / elapsed,
        pct(0.50).map_or(0.0, |d| ms(*d)),
        pct(0.99).map_or(0.0, |d| ms(*d)),
        lat.last().map_or(0.0, |d| ms(*d)),
    );
}

/// Waits until `base` answers `GET /api/ready` with 200 (a replica still loading, or not
/// listening yet, is asked again every half second).
async fn wait_ready(http: &reqwest::Client, base: &str) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{base}/api/ready")).send().await
            && r.status().is_success()
        {
            println!(
                "{base} ready after {:.1} s",
                started.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        if started.elapsed() > READY_TIMEOUT {
            return Err(
                format!("{base}/api/ready did not answer 200 within {READY_TIMEOUT:?}").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
