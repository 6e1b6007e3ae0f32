//! `scanlens query 'SQL' PATH...`: SQL over stored reports with an embedded SQLite, the
//! one-machine replacement for S3 Select. At scale the same `findings.ndjson` files go to Athena.

use crate::cli::QueryArgs;
use crate::exit;
use crate::query::{load, lockdown, output, statement};
use anyhow::Context;

pub fn run(args: QueryArgs) -> anyhow::Result<u8> {
    let conn = load::open(&args.paths)?;
    let denied = lockdown::apply(&conn).context("cannot make SQLite read-only")?;
    let rows = statement::run(&conn, &args.sql, args.timeout, &denied)?;
    let text = output::render(rows, args.json)?;
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(exit::OK)
}
