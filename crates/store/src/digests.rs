//! The digests sent, or tried, per destination and team: `throughline digest` and the
//! server's schedule cover the days since the last digest that reached a destination.
//!
//! Written straight on the connection, not through `Store::write`: a send changes no
//! data a report reads, so the kept reports stay valid (tokens are kept the same way).

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use crate::items::now;
use crate::{Result, Store, StoreError};

/// One send of a digest to one destination.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DigestSend {
    /// What identifies the destination: a hash of it as given (a webhook address is a
    /// secret and is never stored).
    pub destination: String,
    /// The destination as people may see it, its secret redacted.
    pub shown: String,
    /// The team the digest was for; empty for all teams.
    pub team: String,
    /// When it was sent or tried (UTC, RFC 3339); set by the store when recorded.
    pub sent_at: String,
    /// The first and last days it covered.
    pub covered_from: NaiveDate,
    pub covered_to: NaiveDate,
    /// Whether it reached the destination; `error` says why not.
    pub ok: bool,
    pub error: Option<String>,
}

pub(crate) fn day(s: String) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| StoreError::Corrupt {
        what: "digest day",
        detail: format!("{s}: {e}"),
    })
}

impl Store {
    /// Records a send (or a failed try); returns its record with `sent_at` set.
    pub fn record_digest(&mut self, send: &DigestSend) -> Result<DigestSend> {
        let conn = crate::sqlite_or_mut!(self, |pg| pg.record_digest(send));
        let sent_at = now();
        conn.execute(
            "INSERT INTO digest_sends (destination, shown, team, sent_at, covered_from, \
             covered_to, ok, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                send.destination,
                send.shown,
                send.team,
                sent_at,
                send.covered_from.to_string(),
                send.covered_to.to_string(),
                send.ok,
                send.error,
            ],
        )?;
        Ok(DigestSend {
            sent_at,
            ..send.clone()
        })
    }

    /// The last day covered by a digest that reached `destination` for `team` (empty:
    /// all teams), if one did.
    pub fn last_digest(&self, destination: &str, team: &str) -> Result<Option<NaiveDate>> {
        let conn = crate::sqlite_or!(self, |pg| pg.last_digest(destination, team));
        let last: Option<Option<String>> = conn
            .query_row(
                "SELECT MAX(covered_to) FROM digest_sends \
                 WHERE destination = ?1 AND team = ?2 AND ok = 1",
                params![destination, team],
                |r| r.get(0),
            )
            .optional()?;
        last.flatten().map(day).transpose()
    }

    /// Every send recorded, oldest first.
    pub fn digest_sends(&self) -> Result<Vec<DigestSend>> {
        let conn = crate::sqlite_or!(self, |pg| pg.digest_sends());
        let mut stmt = conn.prepare(
            "SELECT destination, shown, team, sent_at, covered_from, covered_to, ok, error \
             FROM digest_sends ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(DigestSend {
                destination: r.get(0)?,
                shown: r.get(1)?,
                team: r.get(2)?,
                sent_at: r.get(3)?,
                covered_from: day(r.get(4)?)?,
                covered_to: day(r.get(5)?)?,
                ok: r.get(6)?,
                error: r.get(7)?,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(dest: &str, team: &str, to: (i32, u32, u32), ok: bool) -> DigestSend {
        let to = NaiveDate::from_ymd_opt(to.0, to.1, to.2).unwrap();
        DigestSend {
            destination: dest.into(),
            shown: format!("slack:{dest}"),
            team: team.into(),
            sent_at: String::new(),
            covered_from: to - chrono::Duration::days(6),
            covered_to: to,
            ok,
            error: (!ok).then(|| "HTTP 500".into()),
        }
    }

    #[test]
    fn the_last_digest_is_the_last_that_reached_that_destination_for_that_team() {
        crate::testing::each_db(|db| {
            let mut store = db.open();
            assert_eq!(store.last_digest("a", "").unwrap(), None);
            store
                .record_digest(&send("a", "", (2026, 11, 13), true))
                .unwrap();
            // A failed try is recorded but covers nothing: the next digest catches it up.
            store
                .record_digest(&send("a", "", (2026, 11, 20), false))
                .unwrap();
            store
                .record_digest(&send("b", "", (2026, 11, 27), true))
                .unwrap();
            store
                .record_digest(&send("a", "Payments", (2026, 11, 27), true))
                .unwrap();
            let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
            assert_eq!(store.last_digest("a", "").unwrap(), d(11, 13));
            assert_eq!(store.last_digest("b", "").unwrap(), d(11, 27));
            assert_eq!(store.last_digest("a", "Payments").unwrap(), d(11, 27));
            let all = store.digest_sends().unwrap();
            assert_eq!(all.len(), 4);
            assert_eq!(all[1].error.as_deref(), Some("HTTP 500"));
            assert!(!all[1].ok && !all[1].sent_at.is_empty());
        });
    }
}
