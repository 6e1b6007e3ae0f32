//! `scanlens man`: the man page, from the same clap definition that parses the command line.
//! Release archives carry the pages `scanlens man --out` writes (see `packaging/`).

use crate::cli::{Cli, ManArgs};
use anyhow::Context;
use clap::CommandFactory;
use std::io::Write;

pub fn run(args: ManArgs) -> anyhow::Result<u8> {
    match args.out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("cannot render the man page")?;
            let _ = std::io::stdout().lock().write_all(&page);
        }
        Some(dir) => {
            // One page per subcommand: scanlens.1, scanlens-scan.1, scanlens-feeds-fetch.1, ...
            // Written beside and renamed in, so a link among them is replaced, not followed.
            crate::output::write_files_into(&dir, "man", |tmp| {
                clap_mangen::generate_to(Cli::command(), tmp)
            })
            .with_context(|| {
                format!(
                    "cannot write the man pages to {}; check free space and permissions",
                    dir.display()
                )
            })?;
        }
    }
    Ok(crate::exit::OK)
}
