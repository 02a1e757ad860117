//! API tokens for the server: a role, an optional team, and only a hash of the secret.
//!
//! The secret is generated here, returned once by [`Store::create_token`], and never
//! stored: the `tokens` table keeps its SHA-256, so a leaked database (or backup) grants
//! no access. Checking a token is a lookup by that hash.

use std::fmt;
use std::str::FromStr;

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::items::now;
use crate::{Result, Store, StoreError};

/// What a token may do. Ordered: each role can do everything the roles below it can.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read everything an aggregate report shows, and single items.
    Viewer,
    /// Also add notes and correct links.
    Contributor,
    /// Also change the strategy, import, and manage tokens.
    Admin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Contributor, Role::Admin];

    /// The name used in the database, on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Contributor => "contributor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a role: use viewer, contributor or admin"))
    }
}

/// A stored token, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenInfo {
    pub id: i64,
    pub name: Option<String>,
    pub role: Role,
    /// Recorded with the notes and corrections made with this token.
    pub team: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A token just created: its record and the secret, which exists nowhere else.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub info: TokenInfo,
    pub secret: String,
}

/// Prefix of every secret, so a leaked one is recognisable (and greppable) as ours.
const PREFIX: &str = "tl_";

/// SHA-256 of a secret, hex-encoded: what the database keeps.
pub fn token_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

pub(crate) fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Corrupt {
        what: "random source",
        detail: e.to_string(),
    })?;
    let mut s = String::from(PREFIX);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    Ok(s)
}

const COLUMNS: &str = "id, name, role, team, created_at, revoked_at";

pub(crate) const TOKEN_COLUMNS: &str = COLUMNS;

fn info_from_row(r: &rusqlite::Row<'_>) -> Result<TokenInfo> {
    token_info(
        r.get(0)?,
        r.get(1)?,
        &r.get::<_, String>(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    )
}

/// A token's record from its columns ([`COLUMNS`], in order).
pub(crate) fn token_info(
    id: i64,
    name: Option<String>,
    role: &str,
    team: Option<String>,
    created_at: String,
    revoked_at: Option<String>,
) -> Result<TokenInfo> {
    Ok(TokenInfo {
        id,
        name,
        role: role.parse().map_err(|detail| StoreError::Corrupt {
            what: "token role",
            detail,
        })?,
        team,
        created_at,
        revoked_at,
    })
}

impl Store {
    /// Creates a token with a fresh random secret; only its hash is stored.
    pub fn create_token(
        &mut self,
        role: Role,
        team: Option<&str>,
        name: Option<&str>,
    ) -> Result<NewToken> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.create_token(role, team, name));
        let secret = new_secret()?;
        let created_at = now();
        conn.execute(
            "INSERT INTO tokens (name, role, team, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, role.as_str(), team, token_hash(&secret), created_at],
        )?;
        Ok(NewToken {
            info: TokenInfo {
                id: conn.last_insert_rowid(),
                name: name.map(str::to_string),
                role,
                team: team.map(str::to_string),
                created_at,
                revoked_at: None,
            },
            secret,
        })
    }

    /// The live (not revoked) token with this secret, if any.
    pub fn verify_token(&self, secret: &str) -> Result<Option<TokenInfo>> {
        let conn = crate::sqlite_or!(self, |pg| pg.verify_token(secret));
        let sql = format!("SELECT {COLUMNS} FROM tokens WHERE hash = ?1 AND revoked_at IS NULL");
        let mut stmt = conn.prepare_cached(&sql)?;
        let row = stmt
            .query_row([token_hash(secret)], |r| Ok(info_from_row(r)))
            .optional()?;
        row.transpose()
    }

    /// Every token, revoked ones included, oldest first.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let conn = crate::sqlite_or!(self, |pg| pg.tokens());
        let sql = format!("SELECT {COLUMNS} FROM tokens ORDER BY id");
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(info_from_row(r)?);
        }
        Ok(out)
    }

    /// Revokes a token; it stops working at once. Errors if there is no such live token.
    pub fn revoke_token(&mut self, id: i64) -> Result<()> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.revoke_token(id));
        let n = conn.execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("no live token with id {id}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_shown_once_and_stored_as_a_hash() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            let t = store
                .create_token(Role::Contributor, Some("Payments"), Some("ci"))
                .unwrap();
            assert!(t.secret.starts_with(PREFIX) && t.secret.len() == PREFIX.len() + 64);
            let stored: String = match &store.db {
                crate::Db::Sqlite(c) => c
                    .query_row("SELECT hash FROM tokens", [], |r| r.get(0))
                    .unwrap(),
                crate::Db::Postgres(pg) => pg.query_text("SELECT hash FROM tokens"),
            };
            assert_eq!(stored, token_hash(&t.secret));
            assert!(!stored.contains(&t.secret[PREFIX.len()..]));
            let found = store.verify_token(&t.secret).unwrap().unwrap();
            assert_eq!(found, t.info);
            assert_eq!(found.team.as_deref(), Some("Payments"));
            assert!(store.verify_token("tl_nope").unwrap().is_none());
        });
    }

    #[test]
    fn secrets_differ_and_revoked_tokens_stop_working() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            let a = store.create_token(Role::Admin, None, None).unwrap();
            let b = store.create_token(Role::Viewer, None, None).unwrap();
            assert_ne!(a.secret, b.secret);
            store.revoke_token(a.info.id).unwrap();
            assert!(store.verify_token(&a.secret).unwrap().is_none());
            assert!(store.verify_token(&b.secret).unwrap().is_some());
            assert!(store.revoke_token(a.info.id).is_err(), "revoking twice");
            let all = store.tokens().unwrap();
            assert_eq!(all.len(), 2);
            assert!(all[0].revoked_at.is_some() && all[1].revoked_at.is_none());
        });
    }

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Admin > Role::Contributor && Role::Contributor > Role::Viewer);
        assert_eq!("Admin".parse::<Role>().unwrap(), Role::Admin);
        assert!("root".parse::<Role>().is_err());
    }
}
