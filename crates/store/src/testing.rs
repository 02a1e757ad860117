//! For tests, here and in other crates: a PostgreSQL schema of its own per test, so
//! tests run in parallel on one server and leave nothing behind.
//!
//! The server is `THROUGHLINE_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/test`).
//! When it cannot be reached, a test in CI (`CI` set) fails, saying why; elsewhere it
//! says "skipping PostgreSQL: ..." and runs its SQLite half only, so the tests pass on a
//! machine without PostgreSQL.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::{DbLocation, Store};

/// The URL of the test server.
pub fn test_pg_url() -> String {
    std::env::var("THROUGHLINE_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A schema made for one test, dropped with everything in it when this is dropped.
pub struct PgTestSchema {
    admin_url: String,
    schema: String,
    /// A URL whose sessions work in the schema (`search_path` set through `options`):
    /// what `--db` or [`Store::open_url`] take.
    pub url: String,
}

impl PgTestSchema {
    /// A fresh, empty schema; `None` (after saying so) when PostgreSQL cannot be
    /// reached outside CI.
    ///
    /// # Panics
    /// In CI, when PostgreSQL cannot be reached: the tests must not silently pass there.
    pub fn create() -> Option<PgTestSchema> {
        let admin_url = test_pg_url();
        // Tests may run this from async code, where the client cannot block (see `pg`).
        crate::pg::outside_runtime(|| Self::create_here(admin_url))
    }

    fn create_here(admin_url: String) -> Option<PgTestSchema> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let mut client = match postgres::Client::connect(&admin_url, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                let why = format!("{}: {e}", crate::redact_url(&admin_url));
                if std::env::var_os("CI").is_some() {
                    panic!(
                        "PostgreSQL is required in CI (CI is set) and cannot be reached at {why}; \
                         start it or set THROUGHLINE_TEST_PG"
                    );
                }
                eprintln!("skipping PostgreSQL: {why}");
                return None;
            }
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let schema = format!(
            "t_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        client
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .unwrap_or_else(|e| panic!("creating test schema {schema}: {e}"));
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-csearch_path%3D{schema}");
        Some(PgTestSchema {
            admin_url,
            schema,
            url,
        })
    }

    /// A connection working in the schema.
    ///
    /// # Panics
    /// When it cannot connect (it just did).
    pub fn client(&self) -> postgres::Client {
        crate::pg::outside_runtime(|| {
            postgres::Client::connect(&self.url, postgres::NoTls)
                .unwrap_or_else(|e| panic!("connecting to {}: {e}", self.schema))
        })
    }

    /// A store in the schema.
    ///
    /// # Panics
    /// When it cannot be opened.
    pub fn store(&self) -> Store {
        Store::open_url(&self.url).unwrap_or_else(|e| panic!("opening {}: {e}", self.schema))
    }
}

impl Drop for PgTestSchema {
    fn drop(&mut self) {
        // Best effort: a schema left behind by a crashed test holds nothing anyone reads.
        crate::pg::outside_runtime(|| {
            if let Ok(mut c) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
            }
        });
    }
}

/// One database of a test: its kind, for assertion messages, and where it is.
pub struct TestDb {
    pub kind: &'static str,
    pub location: DbLocation,
}

impl TestDb {
    /// Opens (again) the store.
    ///
    /// # Panics
    /// When it cannot be opened.
    pub fn open(&self) -> Store {
        Store::open_at(&self.location)
            .unwrap_or_else(|e| panic!("opening the {} test store: {e}", self.kind))
    }
}

impl TestDb {
    /// Runs `sql` (one or more statements, no parameters) on the database, on a
    /// connection of its own, as another process would.
    ///
    /// # Panics
    /// When it fails.
    pub fn execute(&self, sql: &str) {
        match &self.location {
            DbLocation::File(p) => rusqlite::Connection::open(p)
                .and_then(|c| c.execute_batch(sql))
                .unwrap_or_else(|e| panic!("{sql}: {e}")),
            DbLocation::Postgres(url) => crate::pg::outside_runtime(|| {
                postgres::Client::connect(url, postgres::NoTls)
                    .and_then(|mut c| c.batch_execute(sql))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }),
        }
    }
}

/// Runs `f` on a fresh database of each kind (see [`both`]), saying which on stderr
/// (shown with a failure).
pub fn each_db(mut f: impl FnMut(&TestDb)) {
    let dbs = both();
    for db in &dbs.dbs {
        eprintln!("on {}:", db.kind);
        f(db);
    }
}

/// A database of each kind for one test: a SQLite file in a temporary directory, then
/// (when PostgreSQL is there, see the module) a PostgreSQL schema. Both are removed when
/// this is dropped.
pub struct TestDbs {
    pub dbs: Vec<TestDb>,
    _dir: tempfile_dir::Dir,
    _pg: Option<PgTestSchema>,
}

/// Every kind of database, fresh (see [`TestDbs`]).
///
/// # Panics
/// In CI, when PostgreSQL cannot be reached.
pub fn both() -> TestDbs {
    let dir = tempfile_dir::Dir::new();
    let mut dbs = vec![TestDb {
        kind: "sqlite",
        location: DbLocation::File(dir.path.join("t.db")),
    }];
    let pg = PgTestSchema::create();
    if let Some(pg) = &pg {
        dbs.push(TestDb {
            kind: "postgres",
            location: DbLocation::Postgres(pg.url.clone()),
        });
    }
    TestDbs {
        dbs,
        _dir: dir,
        _pg: pg,
    }
}

/// A temporary directory without a dev-dependency (this module is built into the
/// library so other crates' tests can use it).
mod tempfile_dir {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU64, Ordering};

    pub struct Dir {
        pub path: PathBuf,
    }

    impl Dir {
        pub fn new() -> Dir {
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let path = std::env::temp_dir().join(format!(
                "throughline-test-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&path).expect("create a temporary directory");
            Dir { path }
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
