//! The `scanlens` generator: Trivy JSON in; `report.json`, a self-contained `index.html`,
//! `summary.md` and a pipeline verdict out.
//!
//! `main.rs` only calls [`main_with_args`]; each subcommand lives in `commands/`, and the work is
//! done by the modules below so that tests can drive it without a process.

pub mod cleanup;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod feeds;
pub mod findings_parquet;
pub mod gate;
pub mod html;
pub mod ignorefile;
pub mod input;
pub mod json;
pub mod markdown;
pub mod output;
pub mod process;
pub mod publishable;
pub mod query;
pub mod renderer;
pub mod s3;
pub mod sarif;
pub mod scan;
pub mod site;

use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

/// `scanlens` and its version, as recorded in every report.
pub const GENERATOR: &str = concat!("scanlens ", env!("CARGO_PKG_VERSION"));

/// Parses the command line, runs it, and maps every outcome to an exit code.
pub fn main_with_args<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("scanlens: error: {}", exit::one_line(&e));
            let usage = e.downcast_ref::<exit::Usage>().is_some();
            ExitCode::from(if usage { exit::USAGE } else { exit::ERROR })
        }
    }
}
