//! Copying a whole database into another, of either kind (`throughline migrate`).
//!
//! Table by table, row by row as stored, ids included: links, notes and imports name
//! items and imports by id, so ids must survive the move for the copy to mean the same.
//! Into an empty database only, in one transaction: either everything arrives or
//! nothing does. The report cache is not copied (it is remade on demand).

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use rusqlite::types::{Value, ValueRef};

use crate::{Db, Result, Store, StoreError};

/// Every table that holds data, parents before the tables that refer to them.
const TABLES: &[&str] = &[
    "strategy_versions",
    "imports",
    "items",
    "links",
    "also_links",
    "notes",
    "metric_values",
    "tokens",
    "embeddings",
    "digest_sends",
];

/// Tables whose id PostgreSQL hands out (identity columns), with that column: after
/// rows are copied in with their ids, the next id must come after them.
const IDENTITIES: &[(&str, &str)] = &[
    ("strategy_versions", "version"),
    ("imports", "id"),
    ("items", "id"),
    ("notes", "id"),
    ("tokens", "id"),
    ("digest_sends", "id"),
];

/// A table's column names and rows, as stored.
pub(crate) type TableRows = (Vec<String>, Vec<Vec<Value>>);

/// How many rows each table holds, in [`TABLES`] order.
pub type TableCounts = Vec<(&'static str, u64)>;

impl Store {
    /// Rows in every table that holds data: what a copy is checked by.
    pub fn table_counts(&self) -> Result<TableCounts> {
        TABLES
            .iter()
            .map(|t| {
                let sql = format!("SELECT count(*) FROM {t}");
                let n: i64 = match &self.db {
                    Db::Sqlite(c) => c.query_row(&sql, [], |r| r.get(0))?,
                    Db::Postgres(pg) => pg.count(&sql)?,
                };
                Ok((*t, n as u64))
            })
            .collect()
    }

    /// Copies everything this database holds into `target`, which must hold nothing yet,
    /// in one transaction; returns the rows copied per table, checked against the
    /// target's counts after the commit.
    pub fn copy_into(&self, target: &mut Store) -> Result<TableCounts> {
        let _span = tracing::info_span!("copy database").entered();
        let before = target.table_counts()?;
        if let Some((table, n)) = before.iter().find(|(_, n)| *n > 0) {
            return Err(StoreError::Refused(format!(
                "the target database is not empty ({n} rows in {table}); migrate copies into \
                 an empty database only"
            )));
        }
        let generation = self.generation()?;
        let counts = match &mut target.db {
            Db::Sqlite(conn) => {
                let tx = crate::report_cache::write(conn)?;
                let mut counts = Vec::new();
                for table in TABLES {
                    let (columns, rows) = self.rows_of(table)?;
                    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                    let mut stmt = tx.prepare(&format!(
                        "INSERT INTO {table} ({}) VALUES ({})",
                        columns.join(", "),
                        marks.join(", ")
                    ))?;
                    let mut n = 0u64;
                    for row in rows {
                        stmt.execute(rusqlite::params_from_iter(row))?;
                        n += 1;
                    }
                    counts.push((*table, n));
                }
                tx.execute(
                    "UPDATE store_state SET generation = ?1 WHERE id = 1",
                    [generation + 1],
                )?;
                tx.commit()?;
                counts
            }
            Db::Postgres(pg) => {
                let mut counts = Vec::new();
                let mut parts = Vec::new();
                for table in TABLES {
                    parts.push((*table, self.rows_of(table)?));
                }
                crate::pg::outside_runtime(|| pg.copy_in(parts, generation + 1, &mut counts))?;
                counts
            }
        };
        let after = target.table_counts()?;
        if after != counts {
            return Err(StoreError::Corrupt {
                what: "copy",
                detail: format!("copied {counts:?} but the target holds {after:?}"),
            });
        }
        Ok(counts)
    }

    /// A table's column names and every row, as stored.
    fn rows_of(&self, table: &str) -> Result<TableRows> {
        match &self.db {
            Db::Sqlite(c) => {
                let mut stmt = c.prepare(&format!("SELECT * FROM {table}"))?;
                let columns: Vec<String> =
                    stmt.column_names().iter().map(|s| s.to_string()).collect();
                let n = columns.len();
                let mut rows = stmt.query([])?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    let mut row = Vec::with_capacity(n);
                    for i in 0..n {
                        row.push(match r.get_ref(i)? {
                            ValueRef::Null => Value::Null,
                            ValueRef::Integer(v) => Value::Integer(v),
                            ValueRef::Real(v) => Value::Real(v),
                            ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into()),
                            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                        });
                    }
                    out.push(row);
                }
                Ok((columns, out))
            }
            Db::Postgres(pg) => crate::pg::outside_runtime(|| pg.rows_of(table)),
        }
    }
}

impl crate::pg::Pg {
    /// The one number a `count(*)` query answers.
    pub(crate) fn count(&self, sql: &str) -> Result<i64> {
        crate::pg::outside_runtime(|| self.query_i64(sql))
    }

    /// A table's column names and rows, as SQLite values (see [`Store::copy_into`]).
    pub(crate) fn rows_of(&self, table: &str) -> Result<TableRows> {
        self.with_client(|c| {
            let sql = format!("SELECT * FROM {table}");
            let stmt = c.prepare(&sql)?;
            let columns: Vec<(String, Type)> = stmt
                .columns()
                .iter()
                .map(|c| (c.name().to_string(), c.type_().clone()))
                .collect();
            let mut rows = c.query_raw(&stmt, std::iter::empty::<i64>())?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let mut row = Vec::with_capacity(columns.len());
                for (i, (name, ty)) in columns.iter().enumerate() {
                    row.push(if *ty == Type::INT8 {
                        r.try_get::<_, Option<i64>>(i)?
                            .map_or(Value::Null, Value::Integer)
                    } else if *ty == Type::FLOAT8 {
                        r.try_get::<_, Option<f64>>(i)?
                            .map_or(Value::Null, Value::Real)
                    } else if *ty == Type::BYTEA {
                        r.try_get::<_, Option<Vec<u8>>>(i)?
                            .map_or(Value::Null, Value::Blob)
                    } else if *ty == Type::TEXT {
                        r.try_get::<_, Option<String>>(i)?
                            .map_or(Value::Null, Value::Text)
                    } else {
                        return Err(StoreError::Corrupt {
                            what: "column type",
                            detail: format!("{table}.{name} is {ty}"),
                        });
                    });
                }
                out.push(row);
            }
            Ok((columns.into_iter().map(|(n, _)| n).collect(), out))
        })
    }

    /// Writes every table's rows by binary COPY in one write transaction, moves the
    /// identities past the copied ids, and sets the generation.
    pub(crate) fn copy_in(
        &mut self,
        parts: Vec<(&'static str, TableRows)>,
        generation: i64,
        counts: &mut TableCounts,
    ) -> Result<()> {
        let mut tx = self.write()?;
        for (table, (columns, rows)) in parts {
            let list = columns.join(", ");
            let types: Vec<Type> = tx
                .prepare(&format!("SELECT {list} FROM {table}"))?
                .columns()
                .iter()
                .map(|c| c.type_().clone())
                .collect();
            let sink = tx.copy_in(&format!("COPY {table} ({list}) FROM STDIN (FORMAT binary)"))?;
            let mut writer = BinaryCopyInWriter::new(sink, &types);
            let mut n = 0u64;
            for row in rows {
                let values: Vec<Box<dyn ToSql + Sync>> = row
                    .into_iter()
                    .zip(&types)
                    .zip(&columns)
                    .map(|((v, ty), name)| typed(v, ty, table, name))
                    .collect::<Result<_>>()?;
                let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|b| &**b).collect();
                writer.write(&refs)?;
                n += 1;
            }
            writer.finish()?;
            counts.push((table, n));
        }
        for (table, column) in IDENTITIES {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                     coalesce(max({column}), 0) + 1, false) FROM {table}"
                ),
                &[],
            )?;
        }
        tx.execute(
            "UPDATE store_state SET generation = $1 WHERE id = 1",
            &[&generation],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// A stored value as the PostgreSQL column's type takes it (SQLite's column types are
/// affinities: a REAL column may hand back an integer).
fn typed(v: Value, ty: &Type, table: &str, column: &str) -> Result<Box<dyn ToSql + Sync>> {
    let wrong = |v: &Value| StoreError::Corrupt {
        what: "value",
        detail: format!("{table}.{column} ({ty}) holds {v:?}"),
    };
    Ok(if *ty == Type::INT8 {
        match v {
            Value::Null => Box::new(None::<i64>),
            Value::Integer(i) => Box::new(i),
            other => return Err(wrong(&other)),
        }
    } else if *ty == Type::FLOAT8 {
        match v {
            Value::Null => Box::new(None::<f64>),
            Value::Real(f) => Box::new(f),
            Value::Integer(i) => Box::new(i as f64),
            other => return Err(wrong(&other)),
        }
    } else if *ty == Type::BYTEA {
        match v {
            Value::Null => Box::new(None::<Vec<u8>>),
            Value::Blob(b) => Box::new(b),
            other => return Err(wrong(&other)),
        }
    } else {
        match v {
            Value::Null => Box::new(None::<String>),
            Value::Text(s) => Box::new(crate::pg::text_without_nul(s)),
            Value::Integer(i) => Box::new(i.to_string()),
            other => return Err(wrong(&other)),
        }
    })
}
