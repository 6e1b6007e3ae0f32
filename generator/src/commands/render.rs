//! `scanlens render`: Trivy JSON files in, a report directory and a verdict out.

use crate::cli::{GateArgs, RenderArgs};
use scanlens_model::{Finding, Report};
use std::path::Path;

pub fn run(args: RenderArgs) -> anyhow::Result<u8> {
    // Validate the gate before reading anything, so a typo costs no work.
    let policy = crate::gate::policy(&args.gate)?;
    if args.inputs.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(crate::exit::Usage(
            "`-` (standard input) can be read once; pass the other reports as files".into(),
        )
        .into());
    }
    let max = args.input.max_input_size.as_u64();
    let mut report = crate::input::read_reports_within(&args.inputs, max)?;
    report.commit = ci_commit();
    crate::feeds::enrich(&args.feeds, &mut report)?;
    let verdict = policy.apply(&mut report);
    let category = crate::sarif::default_category(&report);
    let sarif = crate::sarif::file_for(&report, args.sarif, &category);
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
    use crate::output::{OrderedFile, Task};
    crate::output::write_dir_atomically_with(out, |dir| {
        // At 100,000 findings report.json is 230 MB: it and findings.ndjson are made in parts on
        // every core, while another builds the page.
        let json = OrderedFile::create(&dir.join("report.json"))?;
        let rows = OrderedFile::create(&dir.join("findings.ndjson"))?;
        let (head, tail) = json_ends(report)?;
        let mut parts: Vec<&[Finding]> = report.findings.chunks(PART).collect();
        if parts.is_empty() {
            parts.push(&[]);
        }
        let last = parts.len() - 1;
        let mut tasks: Vec<Task> = vec![Box::new(|| {
            let file = std::fs::File::create(dir.join("index.html"))?;
            let mut page = std::io::BufWriter::with_capacity(1 << 20, file);
            crate::html::write(report, &mut page)?;
            page.into_inner().map_err(|e| e.into_error())?;
            Ok(())
        })];
        for (i, part) in parts.iter().enumerate() {
            let (json, rows, head, tail) = (&json, &rows, &head, &tail);
            tasks.push(Box::new(move || {
                let mut buf = json.buffer();
                if i == 0 {
                    buf.extend_from_slice(head);
                }
                for (k, f) in part.iter().enumerate() {
                    if i > 0 || k > 0 {
                        buf.push(b',');
                    }
                    crate::json::write(&mut buf, f)?;
                }
                if i == last {
                    buf.extend_from_slice(tail);
                }
                json.put(i, buf)
            }));
            tasks.push(Box::new(move || {
                let mut buf = rows.buffer();
                for f in part.iter() {
                    crate::json::write(&mut buf, &scanlens_model::flat::flat(report, f))?;
                    buf.push(b'\n');
                }
                rows.put(i, buf)
            }));
        }
        tasks.push(Box::new(|| {
            std::fs::write(dir.join("summary.md"), crate::markdown::render(report))
        }));
        crate::output::run_tasks(tasks)?;
        json.finish(parts.len())?;
        rows.finish(parts.len())?;
        for (name, bytes) in extra {
            std::fs::write(dir.join(name), bytes)?;
        }
        Ok(())
    })
}

/// Findings per part of report.json and findings.ndjson: parts of a few MB keep both cores
/// busy to the end.
const PART: usize = 4096;

/// `report.json` before its first finding and after its last: the report serialized without
/// findings, cut inside its empty `"findings":[]`.
fn json_ends(report: &Report) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut head = crate::json::to_vec(&report.without_findings())?;
    // Only the top level has a `findings` key, and a quote inside a string is escaped, so this
    // occurs exactly once.
    const EMPTY: &[u8] = b"\"findings\":[]";
    let at = head
        .windows(EMPTY.len())
        .position(|w| w == EMPTY)
        .ok_or_else(|| std::io::Error::other("report.json has no findings key"))?;
    let tail = head.split_off(at + EMPTY.len() - 1);
    Ok((head, tail))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn report(n: usize) -> Report {
        let mut b = scanlens_model::ReportBuilder::new("t");
        let vulns: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    r#"{{"VulnerabilityID":"CVE-{i}","PkgName":"p{}","Severity":"HIGH","Title":"a \"t\" <x>","CVSS":{{"nvd":{{"V3Score":7.5}}}}}}"#,
                    i % 7
                )
            })
            .collect();
        let doc = format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"a","Results":[{{"Target":"t","Vulnerabilities":[{}]}}]}}"#,
            vulns.join(",")
        );
        b.add("x", scanlens_model::parse(doc.as_bytes()).unwrap());
        let mut r = b.finish();
        r.commit = Some("abc".into());
        r
    }

    #[test]
    fn parts_make_the_same_files_as_one_pass() {
        for n in [0, 1, PART, PART + 1, 3 * PART + 17] {
            let r = report(n);
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            render_report(&r, &out).unwrap();
            let json = std::fs::read(out.join("report.json")).unwrap();
            assert_eq!(json, serde_json::to_vec(&r).unwrap(), "{n} findings");
            let mut rows = Vec::new();
            for row in scanlens_model::flat::flatten(&r) {
                serde_json::to_writer(&mut rows, &row).unwrap();
                rows.push(b'\n');
            }
            assert_eq!(std::fs::read(out.join("findings.ndjson")).unwrap(), rows);
        }
    }
}
