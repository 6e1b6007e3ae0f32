//! Runs the one statement of `scanlens query` on a locked-down connection, within its time.

use super::deadline::Deadline;
use super::keyword;
use super::lockdown::Denied;
use super::output::Rows;
use super::refusal::{one_line, shown, QueryError};
use rusqlite::fallible_iterator::FallibleIterator;
use rusqlite::types::ValueRef;
use rusqlite::{Batch, Connection, Statement};
use std::time::Duration;

/// The most the rows of one answer may hold, counting each cell's text and its bookkeeping: the
/// aligned table needs every row before it prints one, and a recursive CTE returns millions
/// (8 M rows held 2.5 GB before this limit). Far above any question about findings.
pub const RESULT_LIMIT: usize = 256 << 20;

/// What one cell costs beyond its text (its `serde_json::Value` and the row's slot).
const CELL_COST: usize = 32;

/// The rows of `sql`, which must be exactly one read-only statement finishing within `timeout`
/// and answering with at most [`RESULT_LIMIT`] bytes.
pub fn run(
    conn: &Connection,
    sql: &str,
    timeout: Duration,
    denied: &Denied,
) -> Result<Rows, QueryError> {
    let deadline = Deadline::arm(conn, timeout);
    let failed = |e: rusqlite::Error| {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::TooBig) {
            QueryError::TooLarge {
                sql: shown(sql),
                what: "makes a value of",
                limit: super::lockdown::VALUE_LIMIT,
            }
        } else if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OutOfMemory) {
            QueryError::TooLarge {
                sql: shown(sql),
                what: "needs",
                limit: super::lockdown::HEAP_ABOVE_TABLE as usize,
            }
        } else if deadline.passed() {
            QueryError::TimedOut {
                sql: shown(sql),
                after: timeout,
            }
        } else if let Some(cause) = denied.take() {
            QueryError::Refused {
                sql: shown(sql),
                cause,
            }
        } else {
            QueryError::Invalid {
                sql: shown(sql),
                detail: detail(&e),
            }
        }
    };
    let mut batch = Batch::new(conn, sql);
    let mut stmt = match batch.next() {
        Ok(Some(stmt)) => stmt,
        Ok(None) => return Err(QueryError::Empty { sql: shown(sql) }),
        Err(e) => return Err(failed(e)),
    };
    // Preparing what follows runs none of it, and tells a trailing comment from a statement.
    if !matches!(batch.next(), Ok(None)) {
        denied.take();
        return Err(QueryError::Several { sql: shown(sql) });
    }
    // Two views of one question, in case either misses a kind of statement.
    if let Some(cause) =
        keyword::refusal(sql).or((!stmt.readonly()).then_some("writes to the database"))
    {
        return Err(QueryError::Refused {
            sql: shown(sql),
            cause,
        });
    }
    match collect(&mut stmt, RESULT_LIMIT) {
        Ok(Some(rows)) => Ok(rows),
        Ok(None) => Err(QueryError::TooLarge {
            sql: shown(sql),
            what: "answers with",
            limit: RESULT_LIMIT,
        }),
        Err(e) => Err(failed(e)),
    }
}

/// The rows, or `None` once they hold more than `limit` bytes.
fn collect(stmt: &mut Statement<'_>, limit: usize) -> rusqlite::Result<Option<Rows>> {
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    let mut held = 0usize;
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let mut vals = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            let v: serde_json::Value = match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(f) => serde_json::Number::from_f64(f)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => format!("<{} bytes>", b.len()).into(),
            };
            held += CELL_COST + v.as_str().map_or(0, str::len);
            if held > limit {
                return Ok(None);
            }
            vals.push(v);
        }
        rows.push(vals);
    }
    Ok(Some(Rows { names, rows }))
}

/// SQLite's message without the SQL, which the error quotes already; what is left of the SQL in
/// it (`near "…"`) is escaped as the statement is.
fn detail(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqlInputError { msg, offset, .. } => {
            one_line(&format!("{msg} at byte {offset}"), 200)
        }
        e => one_line(&e.to_string(), 200),
    }
}
