//! `summary.md`'s "Fix first": what to act on before reading the list.
//!
//! 1. Known exploited: the findings in CISA's KEV catalog that the gate did not exclude, with
//!    CISA's due date and the EPSS score, at most [`MAX_KEV`] rows.
//! 2. Upgrades: the first [`MAX_UPGRADES`] entries of the report's fix plan (already most urgent
//!    first), each one instruction, and how many vulnerabilities no version fixes yet.
//! 3. Base image: per image whose layers are known, how many findings its base image brings
//!    (fixed by a newer base) and how many its own Dockerfile layers bring.
//!
//! With `--severity` (the gate's `severities`), every part reads only the severities that count,
//! as the gate and the findings table do.
//!
//! Every part is a bounded number of clipped, escaped lines, so the section stays a few KiB
//! whatever the report holds and the summary's cap is left to the findings table.

use super::{clip, escape, id_cell};
use scanlens_model::present;
use scanlens_model::triage::LayerOrigin;
use scanlens_model::{Finding, Kind, Report, Severity};
use std::fmt::Write;

/// Known-exploited findings listed at most.
pub const MAX_KEV: usize = 10;
/// Fix-plan entries listed at most.
pub const MAX_UPGRADES: usize = 10;

/// The section, or nothing when there is nothing to fix (no counted vulnerabilities and no
/// layer split to tell).
pub fn render(report: &Report) -> String {
    let mut md = String::new();
    let vulns: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind == Kind::Vulnerability && f.is_counted() && in_scope(report, f.severity))
        .collect();
    let base = base_image(report);
    if vulns.is_empty() && base.is_empty() {
        return md;
    }
    let _ = writeln!(md, "### Fix first\n");
    known_exploited(report, &vulns, &mut md);
    upgrades(report, &vulns, &mut md);
    md.push_str(&base);
    md
}

fn known_exploited(report: &Report, vulns: &[&Finding], md: &mut String) {
    if vulns.is_empty() {
        return;
    }
    if report.feeds.as_ref().is_none_or(|f| f.kev.is_none()) {
        let _ = writeln!(
            md,
            "_Known exploitation not checked: add `--feeds DIR` (from `scanlens feeds fetch`) to mark CISA's KEV catalog and EPSS scores._\n"
        );
        return;
    }
    let kev: Vec<&&Finding> = vulns
        .iter()
        .filter(|f| f.kev.listed().is_some() && f.excluded.is_none())
        .collect();
    if kev.is_empty() {
        let _ = writeln!(
            md,
            "**Known exploited:** none of these vulnerabilities is in CISA's KEV catalog.\n"
        );
        return;
    }
    let _ = writeln!(
        md,
        "**Known exploited:** {} finding(s) in CISA's KEV catalog; act on these first.\n",
        kev.len()
    );
    // The EPSS column only when scores were read: an empty column would read as "unscored".
    let with_epss = report.feeds.as_ref().is_some_and(|f| f.epss.is_some());
    let _ = writeln!(
        md,
        "| ID | Package | Installed | Fixed | Target | CISA |{}\n|---|---|---|---|---|---|{}",
        if with_epss { " EPSS |" } else { "" },
        if with_epss { "---|" } else { "" }
    );
    for f in kev.iter().take(MAX_KEV) {
        let pkg = f.package.as_deref();
        let cisa = f.kev.listed().map(present::kev).unwrap_or_default();
        let epss = match (with_epss, f.epss.listed()) {
            (false, _) => String::new(),
            (true, Some(e)) => format!(" {} |", present::percent(e.score)),
            (true, None) => " |".to_string(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |{}",
            id_cell(f),
            escape(&clip(pkg.map_or("", |p| &p.name), 60)),
            escape(&clip(pkg.map_or("", |p| &p.installed_version), 40)),
            escape(&clip(pkg.map_or("", |p| &p.fixed_version), 60)),
            escape(&clip(&f.target, 60)),
            escape(&clip(cisa.trim_start_matches("in CISA's KEV catalog "), 80)),
            epss
        );
    }
    if kev.len() > MAX_KEV {
        let _ = writeln!(md, "\n_{} more in report.json._", kev.len() - MAX_KEV);
    }
    md.push('\n');
}

fn upgrades(report: &Report, vulns: &[&Finding], md: &mut String) {
    let plan: Vec<_> = report
        .remediation
        .iter()
        .filter(|r| {
            !r.fixes.is_empty()
                && Severity::ALL
                    .iter()
                    .any(|s| r.counts.get(*s) > 0 && in_scope(report, *s))
        })
        .collect();
    if !plan.is_empty() {
        let _ = writeln!(
            md,
            "**Upgrades** (most urgent first, {} in all):\n",
            plan.len()
        );
        for r in plan.iter().take(MAX_UPGRADES) {
            let mut line = format!(
                "1. {} in {}",
                escape(&clip(&present::upgrade(r), 200)),
                escape(&clip(&r.target, 80))
            );
            if let Some(note) = &r.note {
                let _ = write!(line, " _({})_", escape(&clip(note, 200)));
            }
            let _ = writeln!(md, "{line}");
        }
        if plan.len() > MAX_UPGRADES {
            let _ = writeln!(
                md,
                "\n_{} more upgrades in report.json (`remediation`)._",
                plan.len() - MAX_UPGRADES
            );
        }
        md.push('\n');
    }
    let unfixed = vulns.iter().filter(|f| f.is_unfixed()).count();
    if unfixed > 0 {
        let _ = writeln!(
            md,
            "{unfixed} of {} vulnerabilities have no fixed version yet.\n",
            vulns.len()
        );
    }
}

/// Whether `--severity` counts this severity (any, without a gate).
fn in_scope(report: &Report, severity: Severity) -> bool {
    report.gate.as_ref().is_none_or(|g| g.in_scope(severity))
}

/// One line per image whose layers are told apart, or nothing.
fn base_image(report: &Report) -> String {
    let mut md = String::new();
    for a in &report.artifacts {
        let (mut base, mut own) = (0, 0);
        for l in &a.layers {
            match l.origin {
                LayerOrigin::Base => base += l.findings,
                LayerOrigin::Own => own += l.findings,
                LayerOrigin::Unknown => {}
            }
        }
        let total = base + own;
        if total == 0 || a.layers.iter().all(|l| l.origin == LayerOrigin::Unknown) {
            continue;
        }
        let _ = writeln!(
            md,
            "**Base image of {}:** {base} of {total} findings in its layers ({}%) come from the base image: a newer base image fixes those; {own} come from the Dockerfile's own layers.\n",
            escape(&clip(&a.name, 80)),
            base * 100 / total
        );
    }
    md
}
