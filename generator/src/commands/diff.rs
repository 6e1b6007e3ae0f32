//! `scanlens diff OLD NEW`: new and fixed findings, as Markdown or JSON, with a baseline gate.

use crate::cli::{DiffArgs, DiffFormat};

pub fn run(args: DiffArgs) -> anyhow::Result<u8> {
    let fail_on = crate::gate::fail_severities("--fail-on-new", &args.fail_on_new)?;
    let old = crate::input::load_report(&args.old)?;
    let new = crate::input::load_report(&args.new)?;
    let diff = scanlens_model::diff::diff(&old, &new);
    let text = match args.format {
        DiffFormat::Json => {
            let mut s = serde_json::to_string_pretty(&diff)?;
            s.push('\n');
            s
        }
        DiffFormat::Markdown => crate::markdown::render_diff(&old, &new, &diff),
    };
    match &args.output {
        Some(path) => crate::output::write_file_atomically(path, text.as_bytes())?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes());
        }
    }
    let failing = diff.new_at(&fail_on);
    eprintln!(
        "scanlens: {} new, {} fixed, {} unchanged{}",
        diff.new.len(),
        diff.fixed.len(),
        diff.unchanged,
        if failing > 0 {
            format!("; {failing} new at --fail-on-new")
        } else {
            String::new()
        }
    );
    Ok(if failing > 0 {
        args.exit_code
    } else {
        crate::exit::OK
    })
}
