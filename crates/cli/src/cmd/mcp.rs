//! `throughline mcp`: the Model Context Protocol on stdio, for an assistant that starts
//! this command itself. Stdout carries the protocol, so nothing else may print there.

use anyhow::Context;
use throughline_server::AppState;

use super::Globals;

pub fn run(g: &Globals) -> anyhow::Result<()> {
    if !g.db.exists() {
        // An assistant shows a failed start only as "server disconnected": say where.
        anyhow::bail!(
            "no database at {}; create one with `throughline init` or `throughline demo`",
            &g.db
        );
    }
    let state = AppState::open(&g.db).with_context(|| format!("opening {}", &g.db))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(throughline_server::mcp::serve_stdio(state))
        .context("serving MCP on stdio")
}
