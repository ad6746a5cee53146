//! The newsletter's statements over either backend. Each is written once, in the SQL both
//! SQLite and PostgreSQL accept (`?N` marks, numbered; `RETURNING id`; `ON CONFLICT`; explicit
//! `CAST`s where PostgreSQL must know a mark's type), bound as parameters, never spliced; the
//! marks become `$N` for PostgreSQL.

use std::path::Path;

use postgres::types::{ToSql, Type};
use sitrep_pg::{PgOptions, PgStore};
use sitrep_store::{EventStore, Store};

use crate::Error;

/// A bound value.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Int(Option<i64>),
    Text(Option<String>),
    Blob(Vec<u8>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<u32> for Val {
    fn from(v: u32) -> Self {
        Self::Int(Some(i64::from(v)))
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_owned()))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Self::Text(Some(v))
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Self {
        Self::Text(Some(v.clone()))
    }
}
impl From<Option<&str>> for Val {
    fn from(v: Option<&str>) -> Self {
        Self::Text(v.map(str::to_owned))
    }
}
impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Self {
        Self::Blob(v)
    }
}

/// Bound values from expressions of the types above.
macro_rules! vals {
    ($($v:expr),* $(,)?) => { &[$($crate::db::Val::from($v)),*][..] };
}
pub(crate) use vals;

/// A value read back.
#[derive(Debug, Clone)]
enum Cell {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// One result row.
#[derive(Debug, Clone)]
pub(crate) struct Row(Vec<Cell>);

fn mismatch(i: usize, want: &str, got: &Cell) -> Error {
    Error::Database(format!("column {i}: expected {want}, found {got:?}"))
}

impl Row {
    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>, Error> {
        match self.0.get(i) {
            Some(Cell::Null) | None => Ok(None),
            Some(Cell::Int(n)) => Ok(Some(*n)),
            Some(c) => Err(mismatch(i, "an integer", c)),
        }
    }
    pub(crate) fn int(&self, i: usize) -> Result<i64, Error> {
        self.opt_int(i)?.ok_or_else(|| mismatch(i, "an integer", &Cell::Null))
    }
    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>, Error> {
        match self.0.get(i) {
            Some(Cell::Null) | None => Ok(None),
            Some(Cell::Text(s)) => Ok(Some(s.clone())),
            Some(c) => Err(mismatch(i, "text", c)),
        }
    }
    pub(crate) fn text(&self, i: usize) -> Result<String, Error> {
        self.opt_text(i)?.ok_or_else(|| mismatch(i, "text", &Cell::Null))
    }
    pub(crate) fn blob(&self, i: usize) -> Result<Vec<u8>, Error> {
        match self.0.get(i) {
            Some(Cell::Blob(b)) => Ok(b.clone()),
            // SQLite keeps what it was given; a text message body reads as its bytes.
            Some(Cell::Text(s)) => Ok(s.clone().into_bytes()),
            Some(c) => Err(mismatch(i, "bytes", c)),
            None => Err(mismatch(i, "bytes", &Cell::Null)),
        }
    }
}

/// The event store the newsletter tables live in.
pub(crate) enum Db {
    Sqlite(Store),
    /// With what to connect again after the server dropped the connection.
    Pg(Box<PgStore>, Reconnect),
}

pub(crate) struct Reconnect {
    url: String,
    options: PgOptions,
}

fn pg_err(e: postgres::Error) -> Error {
    Error::Store(sitrep_store::Error::Database(Box::new(e)))
}

/// `?N` marks as PostgreSQL's `$N` (the statements hold no `?` anywhere else).
fn dollar_marks(sql: &str) -> String {
    sql.replace('?', "$")
}

fn lite_params(params: &[Val]) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value as L;
    params
        .iter()
        .map(|v| match v {
            Val::Int(Some(n)) => L::Integer(*n),
            Val::Text(Some(s)) => L::Text(s.clone()),
            Val::Blob(b) => L::Blob(b.clone()),
            Val::Int(None) | Val::Text(None) => L::Null,
        })
        .collect()
}

fn pg_params(params: &[Val]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|v| -> Box<dyn ToSql + Sync> {
            match v {
                Val::Int(n) => Box::new(*n),
                Val::Text(s) => Box::new(s.clone()),
                Val::Blob(b) => Box::new(b.clone()),
            }
        })
        .collect()
}

fn pg_row(r: &postgres::Row) -> Result<Row, Error> {
    let mut cells = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let t = col.type_();
        let cell = if *t == Type::INT8 {
            r.try_get::<_, Option<i64>>(i).map_err(pg_err)?.map(Cell::Int)
        } else if *t == Type::INT4 {
            r.try_get::<_, Option<i32>>(i).map_err(pg_err)?.map(|n| Cell::Int(n.into()))
        } else if *t == Type::INT2 {
            r.try_get::<_, Option<i16>>(i).map_err(pg_err)?.map(|n| Cell::Int(n.into()))
        } else if *t == Type::BOOL {
            r.try_get::<_, Option<bool>>(i).map_err(pg_err)?.map(|b| Cell::Int(b.into()))
        } else if *t == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i).map_err(pg_err)?.map(Cell::Blob)
        } else {
            r.try_get::<_, Option<String>>(i).map_err(pg_err)?.map(Cell::Text)
        };
        cells.push(cell.unwrap_or(Cell::Null));
    }
    Ok(Row(cells))
}

fn lite_row(r: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Row> {
    use rusqlite::types::ValueRef as V;
    let mut cells = Vec::with_capacity(n);
    for i in 0..n {
        cells.push(match r.get_ref(i)? {
            V::Null => Cell::Null,
            V::Integer(x) => Cell::Int(x),
            // No newsletter column is a float; kept readable all the same.
            V::Real(x) => Cell::Text(x.to_string()),
            V::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            V::Blob(b) => Cell::Blob(b.to_vec()),
        });
    }
    Ok(Row(cells))
}

impl Db {
    /// Opens an SQLite file (created if needed) or a PostgreSQL store.
    pub(crate) fn open(db: &str, pg: &PgOptions) -> Result<Self, Error> {
        if sitrep_pg::is_postgres_url(db) {
            Ok(Self::Pg(Box::new(PgStore::connect(db, pg)?), Reconnect { url: db.to_owned(), options: *pg }))
        } else {
            Ok(Self::Sqlite(Store::open(Path::new(db))?))
        }
    }

    pub(crate) fn store(&self) -> &dyn EventStore {
        match self {
            Self::Sqlite(s) => s,
            Self::Pg(s, _) => s.as_ref(),
        }
    }

    /// Runs a statement; the number of rows it changed.
    pub(crate) fn exec(&self, sql: &str, params: &[Val]) -> Result<u64, Error> {
        match self {
            Self::Sqlite(s) => {
                let mut stmt = s.connection().prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(lite_params(params)))? as u64)
            }
            Self::Pg(s, _) => {
                let owned = pg_params(params);
                let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(AsRef::as_ref).collect();
                s.client().execute(dollar_marks(sql).as_str(), &refs).map_err(pg_err)
            }
        }
    }

    /// Every row of a query.
    pub(crate) fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, Error> {
        match self {
            Self::Sqlite(s) => {
                let mut stmt = s.connection().prepare_cached(sql)?;
                let n = stmt.column_count();
                let rows = stmt.query_map(rusqlite::params_from_iter(lite_params(params)), |r| lite_row(r, n))?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            Self::Pg(s, _) => {
                let owned = pg_params(params);
                let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(AsRef::as_ref).collect();
                let rows = s.client().query(dollar_marks(sql).as_str(), &refs).map_err(pg_err)?;
                rows.iter().map(pg_row).collect()
            }
        }
    }

    /// The first row of a query, if any.
    pub(crate) fn opt(&self, sql: &str, params: &[Val]) -> Result<Option<Row>, Error> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    /// The first row of a query that always returns one.
    pub(crate) fn one(&self, sql: &str, params: &[Val]) -> Result<Row, Error> {
        self.opt(sql, params)?.ok_or_else(|| Error::Database(format!("no row from {sql}")))
    }

    fn batch(&self, sql: &str) -> Result<(), Error> {
        match self {
            Self::Sqlite(s) => Ok(s.connection().execute_batch(sql)?),
            Self::Pg(s, _) => s.client().batch_execute(sql).map_err(pg_err),
        }
    }

    /// Connects again when the server dropped the connection (a restart); pings to find out.
    pub(crate) fn reconnect_if_closed(&mut self) -> Result<(), Error> {
        if let Self::Pg(s, again) = self {
            let closed = {
                let mut c = s.client();
                c.is_closed() || c.is_valid(std::time::Duration::from_secs(5)).is_err()
            };
            if closed {
                **s = PgStore::connect(&again.url, &again.options)?;
            }
        }
        Ok(())
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back otherwise.
    pub(crate) fn tx<T>(&self, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        self.batch("BEGIN")?;
        match f() {
            Ok(v) => {
                self.batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// Waits for every store write already begun to commit: a write that stamped its events
    /// before this call is visible to the reads after it.
    pub(crate) fn write_barrier(&self) -> Result<(), Error> {
        match self {
            // The write lock is granted only once the writer in flight has committed.
            Self::Sqlite(s) => Ok(s.connection().execute_batch("BEGIN IMMEDIATE; COMMIT;")?),
            // Store writes hold this advisory lock for their whole transaction and take their
            // timestamps after acquiring it.
            Self::Pg(s, _) => {
                let mut c = s.client();
                let mut tx = c.transaction().map_err(pg_err)?;
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&sitrep_pg::store::STORE_WRITE_LOCK]).map_err(pg_err)?;
                tx.commit().map_err(pg_err)
            }
        }
    }
}
