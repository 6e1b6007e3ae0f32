//! `scanlens completions SHELL`: the completion script for a shell, generated from the same
//! clap definition that parses the command line, so it cannot name a flag that does not exist.

use crate::cli::{Cli, CompletionsArgs};
use clap::CommandFactory;
use std::io::Write;

pub fn run(args: CompletionsArgs) -> anyhow::Result<u8> {
    let mut out = Vec::new();
    write(args.shell, &mut out);
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = std::io::stdout().lock().write_all(&out);
    Ok(crate::exit::OK)
}

/// The script for `shell`, for the command as installed (`scanlens`).
pub fn write(shell: clap_complete::Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "scanlens", out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap_complete::Shell;

    #[test]
    fn every_shell_completes_subcommands_and_flags() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let mut out = Vec::new();
            write(shell, &mut out);
            let text = String::from_utf8(out).unwrap();
            // fish writes `-l fail-on`, the others `--fail-on`.
            for word in ["scan", "render", "completions", "fail-on", "image"] {
                assert!(text.contains(word), "{shell}: no {word}");
            }
        }
    }
}
