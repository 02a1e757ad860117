//! Schema and migrations: SQLite's, keyed by its `user_version`, and PostgreSQL's,
//! keyed by the one row of `throughline_schema`. The two lists move in step (entry N
//! of one is entry N of the other, in the other's dialect); `tests::both_schemas_have_the_same_tables_and_columns`
//! checks that they end with the same tables and columns.

use rusqlite::Connection;

use crate::{Result, StoreError};

/// Each entry moves the schema one version up; never edit a released entry, add one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE strategy_versions (
    version       INTEGER PRIMARY KEY,
    applied_at    TEXT NOT NULL,
    source_path   TEXT,
    source_text   TEXT NOT NULL,
    strategy_json TEXT NOT NULL
);

CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    format     TEXT NOT NULL,
    path       TEXT NOT NULL,
    items      INTEGER NOT NULL,
    inserted   INTEGER NOT NULL,
    updated    INTEGER NOT NULL
);

CREATE TABLE items (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    key             TEXT NOT NULL,
    url             TEXT,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    item_type       TEXT,
    status          TEXT,
    status_category TEXT NOT NULL,
    labels          TEXT NOT NULL DEFAULT '[]',
    components      TEXT NOT NULL DEFAULT '[]',
    parent_key      TEXT,
    epic_key        TEXT,
    project         TEXT,
    team            TEXT,
    assignee        TEXT,
    estimate        REAL,
    estimate_unit   TEXT NOT NULL DEFAULT 'points',
    created         TEXT,
    started         TEXT,
    resolved        TEXT,
    sprint          TEXT,
    -- Hash of the content above: tells an update from a no-op and which inferences are stale.
    content_hash    INTEGER NOT NULL,
    import_id       INTEGER REFERENCES imports(id),
    UNIQUE (source, key)
);

-- One row per item and origin; the effective link is corrected > explicit > inferred.
CREATE TABLE links (
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    origin      TEXT NOT NULL CHECK (origin IN ('explicit', 'inferred', 'corrected')),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('initiative', 'goal', 'off_plan', 'unclear')),
    target_id   TEXT NOT NULL DEFAULT '',
    confidence  REAL NOT NULL,
    reason      TEXT NOT NULL,
    by_team     TEXT,
    at          TEXT,
    -- For inferred links: the content_hash of the item they were computed from.
    input_hash  INTEGER,
    PRIMARY KEY (item_id, origin)
) WITHOUT ROWID;
CREATE INDEX links_target ON links(target_kind, target_id);

CREATE TABLE notes (
    id            INTEGER PRIMARY KEY,
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('item', 'initiative', 'goal')),
    target_source TEXT NOT NULL DEFAULT '',
    target_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    author_team   TEXT,
    author_name   TEXT,
    date          TEXT NOT NULL
);
CREATE INDEX notes_target ON notes(target_kind, target_id);

CREATE TABLE metric_values (
    metric_id TEXT NOT NULL,
    date      TEXT NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (metric_id, date)
) WITHOUT ROWID;
"#,
    r#"
-- API tokens for `throughline serve`. Only a SHA-256 of each token is kept: the token
-- itself is shown once, at creation, so a copy of the database grants no access.
CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY,
    name        TEXT,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'contributor', 'admin')),
    team        TEXT,
    hash        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
"#,
    r#"
-- Sentence embeddings for the sense engine's optional semantic mode, by model and by a
-- hash of the exact text embedded (see embeddings.rs).
CREATE TABLE embeddings (
    model      TEXT NOT NULL,
    text_hash  INTEGER NOT NULL,
    vector     BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
"#,
    r#"
-- An inferred link's best candidates, best first, as the engine ranked them (JSON:
-- [["initiative:x", 0.71], ...]): the runner-up a person may prefer is one click away.
ALTER TABLE links ADD COLUMN candidates TEXT;
"#,
    r#"
-- No query looks links up by target (reports group them in memory), and keeping this
-- index cost a fifth of every link write: 3 s of a million-item import.
DROP INDEX IF EXISTS links_target;
"#,
    r#"
-- How many times the data reports read has changed (report_cache.rs): every write
-- transaction of the store adds one, so a cached report names the state it was made of.
CREATE TABLE store_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    generation  INTEGER NOT NULL
);
INSERT INTO store_state (id, generation) VALUES (1, 0);
-- Rendered reports, by command and arguments, valid while the generation is theirs.
CREATE TABLE report_cache (
    name        TEXT PRIMARY KEY,
    generation  INTEGER NOT NULL,
    body        BLOB NOT NULL
);
"#,
    r#"
-- The teams a strategy file's [[team]] tables name for work the tracker gives no team
-- (JSON: [{"name", "projects", "components"}]), and which items have their team from
-- them (team_mapped = 1): a later strategy moves those, never a team the tracker gave.
ALTER TABLE strategy_versions ADD COLUMN teams_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE items ADD COLUMN team_mapped INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
-- For inferred links: the engine's calibrated probability that the item serves some goal,
-- whatever it answered (reports add these up into the expected aligned share).
ALTER TABLE links ADD COLUMN aligned_p REAL;
"#,
    r#"
-- Where the tracker files an item in its tree of areas (Azure Boards' area path,
-- `Shop\Checkout`): strategies select work by it. Null for trackers without one.
ALTER TABLE items ADD COLUMN area_path TEXT;
"#,
    r#"
-- Every digest sent, or tried (digests.rs): a digest covers the days since the last one
-- that reached the same destination, so a failed send is caught up by the next. The
-- destination is kept as a hash (a webhook's address is its secret) and redacted.
CREATE TABLE digest_sends (
    id            INTEGER PRIMARY KEY,
    destination   TEXT NOT NULL,
    shown         TEXT NOT NULL,
    team          TEXT NOT NULL DEFAULT '',
    sent_at       TEXT NOT NULL,
    covered_from  TEXT NOT NULL,
    covered_to    TEXT NOT NULL,
    ok            INTEGER NOT NULL,
    error         TEXT
);
CREATE INDEX digest_sends_last ON digest_sends (destination, team, ok, covered_to);
"#,
    r#"
-- The other initiatives an item's explicit link serves (links.rs): the selectors of
-- several initiatives can select one item (a Jira issue under two selected components).
-- `links` keeps the one link that counts the item once in the headline shares; these
-- rows let per-initiative and per-goal figures count it under each initiative it serves.
-- Written with the explicit links, in the same transaction.
CREATE TABLE also_links (
    item_id     INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    initiative  TEXT NOT NULL,
    PRIMARY KEY (item_id, initiative)
) WITHOUT ROWID;
"#,
];

/// [`MIGRATIONS`] in PostgreSQL's dialect, entry for entry. Types: SQLite's INTEGER is
/// BIGINT (ids, hashes and counts are i64 on both), REAL is DOUBLE PRECISION, BLOB is
/// BYTEA; times stay RFC 3339 TEXT, so they round-trip as the same strings. An
/// `INTEGER PRIMARY KEY` (SQLite's rowid) is an identity column. Text that is sorted
/// or compared by range is `COLLATE "C"`: byte order, as SQLite sorts, whatever the
/// database's locale.
const PG_MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE strategy_versions (
    version       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    applied_at    TEXT NOT NULL,
    source_path   TEXT,
    source_text   TEXT NOT NULL,
    strategy_json TEXT NOT NULL
);

CREATE TABLE imports (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at         TEXT NOT NULL,
    format     TEXT NOT NULL,
    path       TEXT NOT NULL,
    items      BIGINT NOT NULL,
    inserted   BIGINT NOT NULL,
    updated    BIGINT NOT NULL
);

CREATE TABLE items (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    source          TEXT NOT NULL,
    key             TEXT NOT NULL,
    url             TEXT,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    item_type       TEXT,
    status          TEXT,
    status_category TEXT NOT NULL,
    labels          TEXT NOT NULL DEFAULT '[]',
    components      TEXT NOT NULL DEFAULT '[]',
    parent_key      TEXT,
    epic_key        TEXT,
    project         TEXT,
    team            TEXT COLLATE "C",
    assignee        TEXT,
    estimate        DOUBLE PRECISION,
    estimate_unit   TEXT NOT NULL DEFAULT 'points',
    created         TEXT COLLATE "C",
    started         TEXT,
    resolved        TEXT,
    sprint          TEXT,
    content_hash    BIGINT NOT NULL,
    import_id       BIGINT REFERENCES imports(id),
    UNIQUE (source, key)
);

CREATE TABLE links (
    item_id     BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    origin      TEXT NOT NULL CHECK (origin IN ('explicit', 'inferred', 'corrected')),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('initiative', 'goal', 'off_plan', 'unclear')),
    target_id   TEXT NOT NULL DEFAULT '',
    confidence  DOUBLE PRECISION NOT NULL,
    reason      TEXT NOT NULL,
    by_team     TEXT,
    at          TEXT,
    input_hash  BIGINT,
    PRIMARY KEY (item_id, origin)
);
CREATE INDEX links_target ON links(target_kind, target_id);

CREATE TABLE notes (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    target_kind   TEXT NOT NULL CHECK (target_kind IN ('item', 'initiative', 'goal')),
    target_source TEXT NOT NULL DEFAULT '',
    target_id     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    author_team   TEXT,
    author_name   TEXT,
    date          TEXT COLLATE "C" NOT NULL
);
CREATE INDEX notes_target ON notes(target_kind, target_id);

CREATE TABLE metric_values (
    metric_id TEXT NOT NULL,
    date      TEXT COLLATE "C" NOT NULL,
    value     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (metric_id, date)
);
"#,
    r#"
CREATE TABLE tokens (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name        TEXT,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'contributor', 'admin')),
    team        TEXT,
    hash        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
"#,
    r#"
CREATE TABLE embeddings (
    model      TEXT NOT NULL,
    text_hash  BIGINT NOT NULL,
    vector     BYTEA NOT NULL,
    PRIMARY KEY (model, text_hash)
);
"#,
    r#"
ALTER TABLE links ADD COLUMN candidates TEXT;
"#,
    r#"
DROP INDEX IF EXISTS links_target;
"#,
    r#"
CREATE TABLE store_state (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    generation  BIGINT NOT NULL
);
INSERT INTO store_state (id, generation) VALUES (1, 0);
CREATE TABLE report_cache (
    name        TEXT PRIMARY KEY,
    generation  BIGINT NOT NULL,
    body        BYTEA NOT NULL
);
"#,
    r#"
ALTER TABLE strategy_versions ADD COLUMN teams_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE items ADD COLUMN team_mapped BIGINT NOT NULL DEFAULT 0;
"#,
    r#"
ALTER TABLE links ADD COLUMN aligned_p DOUBLE PRECISION;
"#,
    r#"
ALTER TABLE items ADD COLUMN area_path TEXT;
"#,
    r#"
CREATE TABLE digest_sends (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    destination   TEXT NOT NULL,
    shown         TEXT NOT NULL,
    team          TEXT NOT NULL DEFAULT '',
    sent_at       TEXT NOT NULL,
    covered_from  TEXT NOT NULL,
    covered_to    TEXT COLLATE "C" NOT NULL,
    ok            BIGINT NOT NULL,
    error         TEXT
);
CREATE INDEX digest_sends_last ON digest_sends (destination, team, ok, covered_to);
"#,
    r#"
CREATE TABLE also_links (
    item_id     BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    initiative  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (item_id, initiative)
);
"#,
];

/// Any key for the advisory lock that keeps two processes opening one fresh PostgreSQL
/// database from running the same migration twice.
const PG_MIGRATION_LOCK: i64 = 0x7468_726f_7567_6800;

/// Brings a PostgreSQL database (the schema first in its `search_path`) up to date, in
/// one transaction: DDL is transactional there, so a failed upgrade leaves nothing.
pub(crate) fn migrate_pg(client: &mut postgres::Client) -> Result<()> {
    let known = PG_MIGRATIONS.len() as i64;
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PG_MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS throughline_schema (version BIGINT NOT NULL)")?;
    let found: i64 = match tx.query_opt("SELECT version FROM throughline_schema", &[])? {
        Some(row) => row.try_get(0)?,
        None => {
            tx.execute("INSERT INTO throughline_schema (version) VALUES (0)", &[])?;
            0
        }
    };
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    if found == known {
        return Ok(());
    }
    for sql in &PG_MIGRATIONS[found as usize..] {
        tx.batch_execute(sql)?;
    }
    tx.execute("UPDATE throughline_schema SET version = $1", &[&known])?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table's columns, in order, with a type family each: what a migration list
    /// ends with.
    type Tables = std::collections::BTreeMap<String, Vec<(String, &'static str)>>;

    fn family(sql_type: &str) -> &'static str {
        let t = sql_type.to_ascii_lowercase();
        if t.contains("int") {
            "integer"
        } else if t.contains("real") || t.contains("double") {
            "real"
        } else if t.contains("blob") || t.contains("bytea") {
            "bytes"
        } else {
            "text"
        }
    }

    #[test]
    fn both_migration_lists_have_the_same_length() {
        assert_eq!(MIGRATIONS.len(), PG_MIGRATIONS.len());
    }

    #[test]
    fn both_schemas_have_the_same_tables_and_columns() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let mut sqlite = Tables::new();
        let names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for name in names {
            let cols: Vec<(String, &str)> = conn
                .prepare(&format!(
                    "SELECT name, type FROM pragma_table_info('{name}') ORDER BY cid"
                ))
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, family(&r.get::<_, String>(1)?))))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            sqlite.insert(name, cols);
        }

        let Some(db) = crate::testing::PgTestSchema::create() else {
            return;
        };
        let mut client = db.client();
        migrate_pg(&mut client).unwrap();
        let mut pg = Tables::new();
        let rows = client
            .query(
                "SELECT table_name::text, column_name::text, data_type::text \
                 FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name <> 'throughline_schema' ORDER BY table_name, ordinal_position",
                &[],
            )
            .unwrap();
        for r in rows {
            let t: String = r.get(0);
            pg.entry(t)
                .or_default()
                .push((r.get(1), family(&r.get::<_, String>(2))));
        }
        assert_eq!(sqlite, pg);
        // Opening it again migrates nothing.
        migrate_pg(&mut client).unwrap();
    }

    fn index_names(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_database_made_by_an_older_version_is_upgraded_in_place() {
        let mut conn = Connection::open_in_memory().unwrap();
        // As the release with four migrations left it, with a link in it.
        for sql in &MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 4).unwrap();
        conn.execute_batch(
            "INSERT INTO items (id, source, key, title, status_category, content_hash) \
             VALUES (1, 'jira', 'K-1', 'Saved cards', 'todo', 7); \
             INSERT INTO links (item_id, origin, target_kind, target_id, confidence, reason) \
             VALUES (1, 'explicit', 'initiative', 'checkout', 1.0, 'label checkout');",
        )
        .unwrap();
        assert!(index_names(&conn).contains(&"links_target".to_string()));

        migrate(&mut conn).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        assert!(!index_names(&conn).contains(&"links_target".to_string()));
        assert!(index_names(&conn).contains(&"notes_target".to_string()));
        let target: String = conn
            .query_row("SELECT target_id FROM links WHERE item_id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(target, "checkout");
        // The item made before areas were kept has none.
        let area: Option<String> = conn
            .query_row("SELECT area_path FROM items WHERE id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(area, None);
        // Running it again changes nothing.
        migrate(&mut conn).unwrap();
    }
}
