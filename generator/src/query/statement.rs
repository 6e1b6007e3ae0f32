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

/// The rows of `sql`, which must be exactly one read-only statement finishing within `timeout`.
pub fn run(
    conn: &Connection,
    sql: &str,
    timeout: Duration,
    denied: &Denied,
) -> Result<Rows, QueryError> {
    let deadline = Deadline::arm(conn, timeout);
    let failed = |e: rusqlite::Error| {
        if deadline.passed() {
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
    collect(&mut stmt).map_err(failed)
}

fn collect(stmt: &mut Statement<'_>) -> rusqlite::Result<Rows> {
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let mut vals = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            vals.push(match r.get_ref(i)? {
                ValueRef::Null => serde_json::Value::Null,
                ValueRef::Integer(n) => n.into(),
                ValueRef::Real(f) => serde_json::Number::from_f64(f)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                ValueRef::Blob(b) => format!("<{} bytes>", b.len()).into(),
            });
        }
        rows.push(vals);
    }
    Ok(Rows { names, rows })
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
