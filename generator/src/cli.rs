//! The command line. Help text here is the user's manual for each flag.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "scanlens",
    version,
    about = "Build Docker images named in a commit message, scan them with Trivy, and write a report people read",
    long_about = "Scanlens turns Trivy's JSON into a severity-grouped, searchable report: report.json \
(normalized, with a JSON Schema), index.html (one self-contained page that opens from file://), \
summary.md (for $GITHUB_STEP_SUMMARY and PR comments), and an exit code that gates the pipeline.",
    after_help = "Exit codes: 0 passed (or nothing to do), 1 the gate tripped (see --exit-code), \
2 bad command line, 3 error (unreadable input, docker or trivy missing or failing)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render existing Trivy JSON into report.json, index.html and summary.md
    Render(RenderArgs),
    /// Print the JSON Schema of report.json
    Schema,
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// Trivy JSON files (`trivy ... --format json`); `-` reads standard input. Several inputs, such
    /// as an image scan and a `trivy config` scan of its Dockerfile, merge into one report.
    #[arg(required = true, value_name = "TRIVY_JSON")]
    pub inputs: Vec<PathBuf>,

    /// Directory to write. It is replaced as a whole only once everything is written, so a
    /// failure leaves an earlier report there intact.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,

    #[command(flatten)]
    pub gate: GateArgs,
}

/// The gate's options, shared by `render` and `scan`. They never remove findings from the
/// report; excluded findings are marked there.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Gate")]
pub struct GateArgs {
    /// Fail (exit 1, or --exit-code) when a counted finding has one of these severities
    /// [values: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN]
    #[arg(long, value_delimiter = ',', value_name = "SEVERITIES")]
    pub fail_on: Vec<String>,

    /// Leave vulnerabilities with no fix out of the verdict (Trivy's meaning: statuses affected,
    /// will_not_fix, fix_deferred and end_of_life)
    #[arg(long)]
    pub ignore_unfixed: bool,

    /// Count only vulnerabilities in these package types [values: os, library]
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub pkg_types: Vec<String>,

    /// A .trivyignore (IDs, `# comments`, `exp:YYYY-MM-DD`) or .trivyignore.yaml file;
    /// may be given several times
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Vec<PathBuf>,

    /// Exit code when the gate trips
    #[arg(long, default_value_t = crate::exit::GATE, value_name = "N")]
    pub exit_code: u8,
}
