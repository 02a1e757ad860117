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
    let auth = auth_required(addr, a.auth) || a.oidc.oidc_issuer.is_some();
    let state = AppState::open_with(&g.db, auth).with_context(|| format!("opening {}", &g.db))?;
    // People sign in with the provider; tokens are then for scripts only.
    if auth && a.oidc.oidc_issuer.is_none() {
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
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    if let Some(config) = oidc_config(&a, &addr)? {
        let issuer = config.issuer.clone();
        let oidc = rt
            .block_on(throughline_server::oidc::Oidc::discover(config))
            .with_context(|| format!("setting up sign-in with {issuer}"))?;
        eprintln!(
            "people sign in with {} (register {} as the redirect URI)",
            oidc.issuer(),
            oidc.redirect_uri()
        );
        state.set_oidc(oidc);
    }
    eprintln!(
        "serving {} on http://{addr} as soon as the first pages are computed (API at /api, OpenAPI at /api/openapi.json, MCP at /mcp; {}); Ctrl-C stops",
        &g.db,
        if a.oidc.oidc_issuer.is_some() {
            "sign-in or a token required"
        } else if auth {
            "tokens required"
        } else {
            "tokens not required on loopback"
        }
    );
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

/// The identity provider's settings from the flags and the environment, if asked for.
fn oidc_config(
    a: &ServeArgs,
    addr: &std::net::SocketAddr,
) -> anyhow::Result<Option<throughline_server::oidc::OidcConfig>> {
    let o = &a.oidc;
    let (Some(issuer), Some(client_id)) = (&o.oidc_issuer, &o.oidc_client_id) else {
        return Ok(None);
    };
    let base_url = a
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_string();
    if !base_url.starts_with("https://") && !base_url.starts_with("http://") {
        anyhow::bail!("--base-url `{base_url}` must start with https:// (or http://)");
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // Several replicas behind one address must sign sessions with one key, or a person
    // signed in through one is a stranger to the next.
    let session_key = env("THROUGHLINE_SESSION_KEY").map(String::into_bytes);
    if let Some(k) = &session_key
        && k.len() < 32
    {
        anyhow::bail!("THROUGHLINE_SESSION_KEY must be at least 32 characters (a random string)");
    }
    Ok(Some(throughline_server::oidc::OidcConfig {
        issuer: issuer.clone(),
        client_id: client_id.clone(),
        client_secret: env("THROUGHLINE_OIDC_CLIENT_SECRET"),
        base_url,
        roles_claim: o.oidc_roles_claim.clone(),
        team_claim: o.oidc_team_claim.clone(),
        admin_groups: o.oidc_admin_group.clone(),
        contributor_groups: o.oidc_contributor_group.clone(),
        session_ttl: o.oidc_session,
        session_key,
    }))
}
