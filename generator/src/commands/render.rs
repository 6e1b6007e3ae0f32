//! `scanlens render`: Trivy JSON files in, a report directory and a verdict out.

use crate::cli::{GateArgs, RenderArgs};
use anyhow::Context;
use scanlens_model::Report;
use std::path::Path;

pub fn run(args: RenderArgs) -> anyhow::Result<u8> {
    // Validate the gate before reading anything, so a typo costs no work.
    let policy = crate::gate::policy(&args.gate)?;
    let mut report = crate::input::read_reports(&args.inputs)?;
    let verdict = policy.apply(&mut report);
    render_report(&report, &args.out)?;
    print_outcome(&report, &args.out);
    Ok(exit_code(&args.gate, verdict.failed))
}

pub fn exit_code(gate: &GateArgs, failed: bool) -> u8 {
    if failed {
        gate.exit_code
    } else {
        crate::exit::OK
    }
}

/// Writes `report.json`, `index.html` and `summary.md` to `out`, replacing it atomically.
pub fn render_report(report: &Report, out: &Path) -> anyhow::Result<()> {
    let json = serde_json::to_vec(report).context("cannot serialize the report")?;
    let html = crate::html::render(report);
    let md = crate::markdown::render(report);
    crate::output::write_dir_atomically(
        out,
        &[
            ("report.json", &json),
            ("index.html", html.as_bytes()),
            ("summary.md", md.as_bytes()),
        ],
    )
}

fn print_outcome(report: &Report, out: &Path) {
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
