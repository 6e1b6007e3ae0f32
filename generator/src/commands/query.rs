//! `scanlens query 'SQL' PATH...`: SQL over stored reports with an embedded SQLite, the
//! one-machine replacement for S3 Select. At scale the same `findings.ndjson` files go to Athena.

use crate::cli::QueryArgs;
use crate::query::load::{self, COLUMNS};
use crate::query::output::{self, Rows};
use rusqlite::types::ValueRef;

pub fn run(args: QueryArgs) -> anyhow::Result<u8> {
    let conn = load::open(&args.paths)?;
    let mut stmt = conn.prepare(&args.sql).map_err(|e| {
        anyhow::anyhow!(
            "sql error: {e}; query the table `findings` (columns: {})",
            COLUMNS.join(", ")
        )
    })?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut out_rows: Vec<Vec<serde_json::Value>> = Vec::new();
    let mut q = stmt
        .query([])
        .map_err(|e| anyhow::anyhow!("sql error: {e}"))?;
    while let Some(r) = q.next().map_err(|e| anyhow::anyhow!("sql error: {e}"))? {
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
        out_rows.push(vals);
    }
    let text = output::render(
        Rows {
            names,
            rows: out_rows,
        },
        args.json,
    )?;
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(crate::exit::OK)
}
