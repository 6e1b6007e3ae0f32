//! `scanlens render`: Trivy JSON files in, a report directory and a verdict out.

use crate::cli::{GateArgs, RenderArgs};
use scanlens_model::Report;
use std::path::Path;

pub fn run(args: RenderArgs) -> anyhow::Result<u8> {
    // Validate the gate before reading anything, so a typo costs no work.
    let policy = crate::gate::policy(&args.gate)?;
    let mut report = crate::input::read_reports(&args.inputs)?;
    report.commit = ci_commit();
    let verdict = policy.apply(&mut report);
    let sarif = crate::sarif::file_for(&report, args.sarif);
    render_report_with(&report, &args.out, &crate::sarif::extra(&sarif))?;
    print_outcome(&report, &args.out);
    // The process ends here; freeing a few million strings one by one would only delay the exit.
    std::mem::forget(report);
    Ok(exit_code(&args.gate, verdict.failed))
}

pub fn exit_code(gate: &GateArgs, failed: bool) -> u8 {
    if failed {
        gate.exit_code
    } else {
        crate::exit::OK
    }
}

/// The commit a CI system is building, from its own variables.
pub fn ci_commit() -> Option<String> {
    [
        "GITHUB_SHA",
        "CI_COMMIT_SHA",
        "CODEBUILD_RESOLVED_SOURCE_VERSION",
        "GIT_COMMIT",
    ]
    .iter()
    .filter_map(|v| std::env::var(v).ok())
    .map(|s| s.trim().to_string())
    .find(|s| !s.is_empty())
}

/// Writes `report.json`, `index.html`, `summary.md` and `findings.ndjson` to `out`, replacing
/// it atomically.
pub fn render_report(report: &Report, out: &Path) -> anyhow::Result<()> {
    render_report_with(report, out, &[])
}

/// Like [`render_report`], with `extra` files (such as the raw Trivy JSON `scan` keeps) written
/// in the same atomic replacement.
pub fn render_report_with(
    report: &Report,
    out: &Path,
    extra: &[(&str, &[u8])],
) -> anyhow::Result<()> {
    // report.json is the slowest part at 100,000 findings: it is streamed to disk while the
    // page and the summary are built on the other core.
    crate::output::write_dir_atomically_with(out, |dir| {
        std::thread::scope(|s| {
            let pages = s.spawn(|| -> std::io::Result<_> {
                let mut rows = std::io::BufWriter::with_capacity(
                    1 << 20,
                    std::fs::File::create(dir.join("findings.ndjson"))?,
                );
                for row in scanlens_model::flat::flatten(report) {
                    serde_json::to_writer(&mut rows, &row)?;
                    std::io::Write::write_all(&mut rows, b"\n")?;
                }
                rows.into_inner().map_err(|e| e.into_error())?;
                Ok((crate::html::render(report), crate::markdown::render(report)))
            });
            let mut json = std::io::BufWriter::with_capacity(
                1 << 20,
                std::fs::File::create(dir.join("report.json"))?,
            );
            serde_json::to_writer(&mut json, report)?;
            json.into_inner().map_err(|e| e.into_error())?;
            let (html, md) = pages.join().expect("page rendering does not panic")?;
            std::fs::write(dir.join("index.html"), html)?;
            std::fs::write(dir.join("summary.md"), md)?;
            for (name, bytes) in extra {
                std::fs::write(dir.join(name), bytes)?;
            }
            Ok(())
        })
    })
}

pub fn print_outcome(report: &Report, out: &Path) {
    let s = &report.summary;
    let counts: Vec<String> = scanlens_model::Severity::ALL
        .iter()
        .map(|sev| format!("{} {}", s.severity_total(*sev), sev.as_str().to_lowercase()))
        .collect();
    let gate = match &report.gate {
        Some(g) if g.failed => {
            let sevs: Vec<&str> = g.fail_on.iter().map(|s| s.as_str()).collect();
            format!("; gate failed: {} at {}", g.failing, sevs.join(","))
        }
        Some(g) if !g.fail_on.is_empty() => "; gate passed".to_string(),
        _ => String::new(),
    };
    eprintln!(
        "scanlens: wrote {} ({} findings: {}{}); open {}",
        out.display(),
        s.total(),
        counts.join(", "),
        gate,
        out.join("index.html").display()
    );
}
