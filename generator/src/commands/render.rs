//! `scanlens render`: Trivy JSON files in, a report directory and a verdict out.

use crate::cli::RenderArgs;
use crate::renderer::Outputs;
use scanlens_model::Report;
use std::io::Write;
use std::path::Path;

pub fn run(mut args: RenderArgs) -> anyhow::Result<u8> {
    // `trivy convert`, which reads a report as render does, applies ./.trivyignore by itself: so
    // does the gate here, saying so, or it would fail where trivy passes.
    let (gate, notices) = crate::gate::with_trivys_own_ignorefile(&args.gate, Path::new("."));
    args.gate = gate;
    for n in notices {
        eprintln!("scanlens: {n}");
    }
    // trivy convert would read its settings (severity, ignore-unfixed, exit-code) from here too.
    if Path::new("trivy.yaml").is_file() {
        eprintln!("scanlens: ./trivy.yaml is not read: render reads no trivy settings; use scanlens's options instead (--severity, --ignore-unfixed, --ignorefile, --fail-on)");
    }
    // Validate the gate before reading anything, so a typo costs no work.
    let policy = crate::gate::policy(&args.gate)?;
    let sarif_severities = crate::gate::severities("--sarif-severity", &args.sarif_severity)?;
    crate::output::check_out(&args.out)?;
    // A CI job moved from trivy may still set its variables; render reads none of them, and says
    // so rather than gate by another rule than the job meant.
    for (var, instead) in crate::scan::TRIVY_FILTER_VARS {
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            eprintln!("scanlens: {var} is set, but render reads no trivy variables; use {instead}");
        }
    }
    if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(crate::exit::Usage(
            "`-` (standard input) can be read once; pass the other reports as files".into(),
        )
        .into());
    }
    // The same file twice would count each of its findings twice, for the gate too.
    let mut seen = std::collections::HashSet::new();
    for p in args.inputs.iter().filter(|p| p.as_os_str() != "-") {
        if let Ok(real) = std::fs::canonicalize(p) {
            if !seen.insert(real) {
                return Err(crate::exit::Usage(format!(
                    "{} is given twice, which would count its findings twice; name each report once",
                    p.display()
                ))
                .into());
            }
        }
    }
    let max = args.input.max_input_size.as_u64();
    let inputs = &args.inputs;
    let mut report = crate::feeds::prepare_alongside(&mut args.feeds, &args.gate, || {
        crate::input::read_reports_within(inputs, max)
    })??;
    if let Some(base) = &args.base_image {
        mark_base_image(&mut report, base)?;
    }
    report.commit = ci_commit();
    crate::feeds::enrich(&args.feeds, &mut report)?;
    let verdict = crate::gate::apply(&policy, &mut report)?;
    scanlens_model::fix_first::plan_all(&mut report);
    let category = crate::sarif::default_category(&report);
    let outputs = Outputs {
        sarif: args.sarif.then_some(category.as_str()),
        sarif_severities: &sarif_severities,
        ..Outputs::default()
    };
    write_report(&report, &args.out, &outputs, &mut std::io::stderr())?;
    print_outcome(&report, &args.out);
    // The process ends here; freeing a few million strings one by one would only delay the exit.
    std::mem::forget(report);
    Ok(crate::gate::exit_code(&args.gate, &verdict))
}

/// Marks the layers of every scanned image that `base` (an image the engine holds) has.
fn mark_base_image(report: &mut Report, base: &str) -> anyhow::Result<()> {
    let layers = crate::scan::base::base_layers(&crate::process::System, "docker".as_ref(), base)
        .map_err(|why| {
            anyhow::anyhow!("--base-image {base}: {why}; pull or build it first, or point DOCKER_HOST at the engine that has it")
        })?;
    for i in 0..report.artifacts.len() {
        if report.artifacts[i].artifact_type == "container_image" {
            scanlens_model::normalize::mark_base_layers(report, i, &layers);
        }
    }
    Ok(())
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
    crate::renderer::write(report, out, &Outputs::default().renderers()).map(drop)
}

/// Writes the report folder `out` with the files `outputs` asks for, replacing it atomically,
/// and prints the renderers' notes to `log`; `render` and `scan` both write through here.
pub fn write_report(
    report: &Report,
    out: &Path,
    outputs: &Outputs,
    log: &mut dyn Write,
) -> anyhow::Result<()> {
    for note in crate::renderer::write(report, out, &outputs.renderers())? {
        let _ = writeln!(log, "scanlens: {note}");
    }
    Ok(())
}

pub fn print_outcome(report: &Report, out: &Path) {
    let s = &report.summary;
    let counts: Vec<String> = scanlens_model::Severity::ALL
        .iter()
        .map(|sev| format!("{} {}", s.severity_total(*sev), sev.as_str().to_lowercase()))
        .collect();
    let gate = crate::gate::outcome(report.gate.as_ref());
    eprintln!(
        "scanlens: wrote {} ({} findings: {}{}); open {}",
        out.display(),
        s.total(),
        counts.join(", "),
        gate,
        out.join("index.html").display()
    );
}
