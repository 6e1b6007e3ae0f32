//! `scanlens query 'SQL' PATH...`: SQL over stored reports with an embedded SQLite, the
//! one-machine replacement for S3 Select. At scale the same `findings.ndjson` files go to Athena.

use crate::cli::QueryArgs;
use crate::exit;
use crate::query::{load, lockdown, output, statement};
use anyhow::{bail, Context};
use std::io;

pub fn run(args: QueryArgs) -> anyhow::Result<u8> {
    let conn = load::open(&args.paths)?;
    let denied = lockdown::apply(&conn).context("cannot make SQLite read-only")?;
    let rows = statement::run(&conn, &args.sql, args.timeout, &denied)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match output::write(&mut out, rows, args.json) {
        Ok(()) => Ok(exit::OK),
        // The reader has what it wanted (`| head -1`); as for any Unix filter, that is success.
        // Rust ignores SIGPIPE, so the write returns EPIPE instead of killing the process.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => bail!("cannot write the results to stdout: {e}; free space or write elsewhere"),
    }
}
