//! `cargo run -p xtask -- <task> [options]`
//!
//! Tasks:
//!   trivy-db --out DIR   write DIR/db/trivy.db and DIR/db/metadata.json (a small, offline
//!                        Trivy vulnerability DB of real Debian 12 advisories)
//!   viewer               build the wasm viewer into generator/assets/viewer/
//!   bench-viewer [--sizes N,N,…] [--runs N] [--keep DIR] [--pages FILE,…]
//!                        time the page in headless Chromium (see bench.rs)
//!   spdx-ids --trivy PATH
//!                        write model/src/spdx_ids.txt from the trivy binary at PATH (see spdx.rs)
//!   dist --bin PATH [--target TRIPLE] [--version vX.Y.Z] --out DIR
//!                        a release archive, its checksums and the shell installer, laid out
//!                        as dist lays them out (see xtask/src/dist.rs)

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

const USAGE: &str = "usage: cargo run -p xtask -- trivy-db --out DIR | viewer | bench-viewer [--sizes N,N,...] [--runs N] [--keep DIR] [--pages FILE,...] | spdx-ids --trivy PATH | dist --bin PATH [--target TRIPLE] [--version vX.Y.Z] --out DIR";

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
            for p in [built.js, built.wasm_gz] {
                println!("{} ({} bytes)", p.display(), std::fs::metadata(&p)?.len());
            }
            Ok(())
        }
        Some("bench-viewer") => xtask::bench::run(args.collect()),
        Some("spdx-ids") => {
            let trivy = match (args.next().as_deref(), args.next()) {
                (Some("--trivy"), Some(p)) => PathBuf::from(p),
                _ => bail!("{USAGE}"),
            };
            let out = xtask::viewer::workspace_root().join("model/src/spdx_ids.txt");
            let (kept, known) = xtask::spdx::write(&trivy, &out)?;
            println!(
                "{}: {kept} of the {known} SPDX IDs trivy knows",
                out.display()
            );
            Ok(())
        }
        Some("dist") => {
            let (mut bin, mut target, mut out) = (None, None, None);
            let mut version = format!("v{}", env!("CARGO_PKG_VERSION"));
            while let Some(arg) = args.next() {
                let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
                match arg.as_str() {
                    "--bin" => bin = Some(PathBuf::from(value()?)),
                    "--target" => target = Some(value()?),
                    "--version" => version = value()?,
                    "--out" | "-o" => out = Some(PathBuf::from(value()?)),
                    other => bail!("unknown argument {other:?}\n{USAGE}"),
                }
            }
            let target = match target {
                Some(t) => t,
                None => xtask::dist::host_target()?,
            };
            let a = xtask::dist::build(
                &bin.context(USAGE)?,
                &target,
                &version,
                &out.context(USAGE)?,
            )?;
            for p in [&a.archive, &a.checksum, &a.installer] {
                println!("{}", p.display());
            }
            Ok(())
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}\n{USAGE}"),
        None => bail!("{USAGE}"),
    }
}
