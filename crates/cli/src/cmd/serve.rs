//! `throughline serve`: the JSON API and the dashboard over this database.

use anyhow::Context;
use throughline_server::{AppState, auth_required, serve};

use super::Globals;
use crate::args::ServeArgs;

pub fn run(g: &Globals, a: ServeArgs) -> anyhow::Result<()> {
    let addr: std::net::SocketAddr = a
        .addr
        .parse()
        .with_context(|| format!("`{}` is not an address like 127.0.0.1:7878", a.addr))?;
    let auth = auth_required(addr, a.auth);
    let state = AppState::open_with(&g.db, auth).with_context(|| format!("opening {}", &g.db))?;
    if auth {
        let live = throughline_store::Store::open_at(&g.db)?
            .tokens()?
            .iter()
            .filter(|t| t.revoked_at.is_none())
            .count();
        if live == 0 {
            eprintln!(
                "warning: tokens are required but none exists; create one with \
                 `throughline token create --role admin`"
            );
        }
    }
    eprintln!(
        "serving {} on http://{addr} as soon as the first pages are computed (API at /api, OpenAPI at /api/openapi.json, MCP at /mcp; tokens {}); Ctrl-C stops",
        &g.db,
        if auth {
            "required"
        } else {
            "not required on loopback"
        }
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if let Some(schedule) = a.digest {
        let plan = super::digest::serve_plan(g, &a, &addr.to_string())?;
        eprintln!(
            "sending the digest {} to {}",
            match schedule {
                throughline_notify::Schedule::Weekly(d, t) =>
                    format!("every {d} at {}", t.format("%H:%M")),
                throughline_notify::Schedule::Daily(t) =>
                    format!("every day at {}", t.format("%H:%M")),
                throughline_notify::Schedule::Every(d) =>
                    format!("every {}", humantime::format_duration(d)),
            },
            plan.to
                .iter()
                .map(|d| d.redacted())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let sender = throughline_notify::Sender::new(None)?;
        rt.spawn(super::digest::scheduled(plan, schedule, sender));
    }
    rt.block_on(serve(state, addr))
        .with_context(|| format!("serving on {addr}"))
}
