//! `throughline token create|list|revoke`: API tokens for `throughline serve`.

use throughline_store::Role;

use super::Globals;
use crate::args::TokenCommand;
use crate::output;

pub fn run(g: &Globals, c: TokenCommand) -> anyhow::Result<()> {
    let mut store = g.open()?;
    match c {
        TokenCommand::Create { role, team, name } => {
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let t = store.create_token(role, team.as_deref(), name.as_deref())?;
            if g.json {
                return output::json(&serde_json::json!({ "token": t.secret, "info": t.info }));
            }
            // The secret goes to stdout alone, so `$(throughline token create ...)` works.
            outln!("{}", t.secret);
            if !g.quiet {
                eprintln!(
                    "token {} created ({}{}); it is shown only now, the database keeps a hash",
                    t.info.id,
                    t.info.role,
                    t.info
                        .team
                        .as_deref()
                        .map(|t| format!(", team {t}"))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        TokenCommand::List => {
            let tokens = store.tokens()?;
            if g.json {
                return output::json(&tokens);
            }
            for t in &tokens {
                outln!(
                    "{:>4}  {:<12} {:<16} {:<20} {}  {}",
                    t.id,
                    t.role.as_str(),
                    t.team.as_deref().unwrap_or("-"),
                    t.name.as_deref().unwrap_or("-"),
                    t.created_at,
                    t.revoked_at
                        .as_deref()
                        .map(|r| format!("revoked {r}"))
                        .unwrap_or_else(|| "live".into())
                );
            }
            outln!("{} tokens", tokens.len());
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            store.revoke_token(id)?;
            if g.json {
                return output::json(&serde_json::json!({ "id": id, "revoked": true }));
            }
            outln!("token {id} revoked");
            Ok(())
        }
    }
}
