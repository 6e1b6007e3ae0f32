//! `cargo run -p xtask -- <task> [options]`
//!
//! Tasks:
//!   trivy-db --out DIR   write DIR/db/trivy.db and DIR/db/metadata.json (a small, offline
//!                        Trivy vulnerability DB of real Debian 12 advisories)
//!   viewer               build the wasm viewer into generator/assets/viewer/
//!   bench-viewer [--sizes N,N,…] [--runs N] [--keep DIR] [--pages FILE,…]
//!                        time the page in headless Chromium (see bench.rs)

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

const USAGE: &str =
    "usage: cargo run -p xtask -- trivy-db --out DIR | viewer | bench-viewer [--sizes N,N,...] [--runs N] [--keep DIR] [--pages FILE,...]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("trivy-db") => {
            let mut out: Option<PathBuf> = None;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--out" | "-o" => {
                        out = Some(args.next().context("--out needs a directory")?.into())
                    }
                    s if s.starts_with("--out=") => out = Some(s["--out=".len()..].into()),
                    "-h" | "--help" => {
                        println!("{USAGE}");
                        return Ok(());
                    }
                    other => bail!("unknown argument {other:?}\n{USAGE}"),
                }
            }
            let out = out.context(USAGE)?;
            let db = xtask::trivydb::write(&out)?;
            println!("{}", db.display());
            Ok(())
        }
        Some("viewer") => {
            let out = xtask::viewer::workspace_root().join("generator/assets/viewer");
            let built = xtask::viewer::build(&out)?;
            for p in [built.js, built.wasm] {
                println!("{} ({} bytes)", p.display(), std::fs::metadata(&p)?.len());
            }
            Ok(())
        }
        Some("bench-viewer") => xtask::bench::run(args.collect()),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n{USAGE}"),
        None => bail!("{USAGE}"),
    }
}
