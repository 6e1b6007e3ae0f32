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
            std::fs::create_dir_all(&dir).with_context(|| {
                format!(
                    "cannot create {}; choose a folder you can write",
                    dir.display()
                )
            })?;
            // One page per subcommand: scanlens.1, scanlens-scan.1, scanlens-feeds-fetch.1, ...
            clap_mangen::generate_to(Cli::command(), &dir).with_context(|| {
                format!(
                    "cannot write the man pages to {}; check free space and permissions",
                    dir.display()
                )
            })?;
        }
    }
    Ok(crate::exit::OK)
}
