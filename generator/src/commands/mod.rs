//! One file per subcommand.

mod completions;
mod diff;
mod feeds;
mod man;
mod publish;
mod query;
mod render;
pub mod scan;
mod schema;
mod site;

pub use render::{render_report, write_report};
pub use schema::report_schema;

use crate::cli::{Cli, Command};

/// Runs a parsed command line; the `u8` is the process exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        // `render` reads the feeds alongside its inputs (`feeds::prepare_alongside`).
        Command::Render(args) => render::run(*args),
        // The feeds are read before the scan starts: a wrong path costs no scan, and `scan`
        // reads them once for all its images.
        Command::Scan(mut args) => {
            crate::feeds::prepare(&mut args.feeds, &args.gate)?;
            scan::run(*args)
        }
        Command::Feeds(cmd) => feeds::run(cmd),
        Command::Diff(args) => diff::run(args),
        Command::Query(args) => query::run(args),
        Command::Site(args) => site::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Schema => schema::run(),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}
