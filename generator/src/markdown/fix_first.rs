//! `summary.md`'s "Fix first": what to act on before reading the list.
//!
//! 1. Known exploited: the findings in CISA's KEV catalog that the gate did not exclude, with
//!    CISA's due date and the EPSS score, at most [`MAX_KEV`] rows.
//! 2. Upgrades: the first [`MAX_UPGRADES`] entries of the report's fix plan (already most urgent
//!    first), each one instruction counting only the vulnerabilities to act on, and how many
//!    vulnerabilities no version fixes yet.
//! 3. Secrets: the files holding secrets, most severe first, at most [`MAX_SECRET_FILES`], each
//!    with what it holds and where, under one instruction (rotate, then rebuild without the
//!    file): a credential in an image is readable by whoever can pull it.
//! 4. Checks: the failed configuration checks, one line per check ID (its places counted), most
//!    severe first, at most [`MAX_CHECKS`], each with Trivy's own resolution.
//! 5. Licenses: those Trivy classes forbidden or restricted, one line per license with the
//!    packages (or files) under it, most severe first, at most [`MAX_LICENSES`], under one
//!    instruction (replace, or record the approved exception).
//! 6. Base image: per image whose layers are known, how many findings its base image brings
//!    (fixed by a newer base) and how many its own Dockerfile layers bring.
//!
//! With `--severity` (the gate's `severities`), every part reads only the severities that count,
//! as the gate and the findings table do, and no part lists what the gate excluded (an ignore
//! file's accepted risk, `--ignore-unfixed`, `--ignore-status`): it is not to act on. Upgrades are
//! planned again from the rest when the gate left any vulnerability out. The base-image line is
//! the exception: it counts every finding the image's layers bring.
//!
//! Every part is a bounded number of clipped, escaped lines, so the section stays a few KiB
//! whatever the report holds and the summary's cap is left to the findings table.

use super::{clip, escape, icon, id_cell};
use scanlens_model::present;
use scanlens_model::triage::LayerOrigin;
use scanlens_model::triage::Remediation;
use scanlens_model::SeverityCounts;
use scanlens_model::{Finding, Kind, Report, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Known-exploited findings listed at most.
pub const MAX_KEV: usize = 10;
/// Fix-plan entries listed at most.
pub const MAX_UPGRADES: usize = 10;
/// Files with secrets listed at most, and secrets named per file.
pub const MAX_SECRET_FILES: usize = 10;
const SECRETS_PER_FILE: usize = 5;
/// Failed checks (distinct IDs) listed at most.
pub const MAX_CHECKS: usize = 10;
/// Licenses listed at most, and packages named per license.
pub const MAX_LICENSES: usize = 10;
const PACKAGES_PER_LICENSE: usize = 5;

/// The section, or nothing when there is nothing to fix (no counted vulnerabilities, secrets or
/// failed checks, and no layer split to tell).
pub fn render(report: &Report) -> String {
    let mut md = String::new();
    // What the gate left out (an ignore file's accepted risk, `--ignore-unfixed`,
    // `--ignore-status`) is not to act on.
    let vulns: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| {
            f.kind == Kind::Vulnerability
                && f.is_counted()
                && f.excluded.is_none()
                && in_scope(report, f.severity)
        })
        .collect();
    let to_act_on = |kind: Kind| -> Vec<&Finding> {
        report
            .findings
            .iter()
            .filter(|f| {
                f.kind == kind
                    && f.is_counted()
                    && f.excluded.is_none()
                    && in_scope(report, f.severity)
            })
            .collect()
    };
    let secrets = to_act_on(Kind::Secret);
    let checks = to_act_on(Kind::Misconfiguration);
    // Only the licenses Trivy classes as needing action; notice and permissive ones do not.
    let licenses: Vec<&Finding> = to_act_on(Kind::License)
        .into_iter()
        .filter(|f| {
            f.license
                .as_ref()
                .is_some_and(|l| matches!(l.category.as_str(), "forbidden" | "restricted"))
        })
        .collect();
    let base = base_image(report);
    if vulns.is_empty()
        && secrets.is_empty()
        && checks.is_empty()
        && licenses.is_empty()
        && base.is_empty()
    {
        return md;
    }
    let _ = writeln!(md, "### Fix first\n");
    known_exploited(report, &vulns, &mut md);
    secrets_part(report, &secrets, &mut md);
    upgrades(report, &vulns, &mut md);
    checks_part(report, &checks, &mut md);
    licenses_part(report, &licenses, &mut md);
    md.push_str(&base);
    md
}

/// `2 critical, 1 high` for these findings.
fn counts(found: &[&Finding]) -> String {
    let mut c = SeverityCounts::default();
    for f in found {
        c.add(f.severity);
    }
    present::severity_counts(&c)
}

/// `found` grouped by `key`, the group with the most severe finding first, then the larger group,
/// then by key: a deterministic order whatever the report's.
fn most_severe_first<'a, K: Ord + Copy>(
    found: &[&'a Finding],
    key: impl Fn(&'a Finding) -> K,
) -> Vec<(K, Vec<&'a Finding>)> {
    let mut groups: BTreeMap<K, Vec<&'a Finding>> = BTreeMap::new();
    for f in found {
        groups.entry(key(f)).or_default().push(f);
    }
    let mut groups: Vec<(K, Vec<&'a Finding>)> = groups.into_iter().collect();
    let worst = |fs: &[&Finding]| fs.iter().map(|f| f.severity).min().unwrap_or_default();
    groups.sort_by(|a, b| {
        (worst(&a.1), std::cmp::Reverse(a.1.len()), a.0).cmp(&(
            worst(&b.1),
            std::cmp::Reverse(b.1.len()),
            b.0,
        ))
    });
    groups
}

/// ` and 2 more` after the first `shown` of `total` names, or nothing.
fn and_more(total: usize, shown: usize) -> String {
    match total.saturating_sub(shown) {
        0 => String::new(),
        n => format!(" and {n} more"),
    }
}

/// After a list cut at `max` of `total` entries, the line that says so:
/// `_3 more files with secrets in report.json._`.
fn more_line(md: &mut String, total: usize, max: usize, what: &str) {
    if total > max {
        let _ = writeln!(md, "\n_{} more {what} in report.json._", total - max);
    }
}

/// A file as the summary names it: its path, and the image it is in when the report has several.
fn file_in(report: &Report, artifact: u32, path: &str) -> String {
    let file = escape(&clip(path, 120));
    match report.artifacts.get(artifact as usize) {
        Some(a) if report.artifacts.len() > 1 => {
            format!("{file} in {}", escape(&clip(&a.name, 80)))
        }
        _ => file,
    }
}

/// Escaped text made safe to start a list item with: leading spaces would make it code, a
/// leading `-`, `+` or `1.` a nested list.
fn item_start(text: String) -> String {
    let t = text.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    match t.as_bytes().get(digits) {
        Some(b'-' | b'+') if digits == 0 => format!("\\{t}"),
        Some(b'.' | b')') if digits > 0 => format!("{}\\{}", &t[..digits], &t[digits..]),
        _ => t.to_string(),
    }
}

fn secrets_part(report: &Report, secrets: &[&Finding], md: &mut String) {
    if secrets.is_empty() {
        return;
    }
    // One entry per file of one image.
    let files = most_severe_first(secrets, |f| (f.artifact, f.target.as_str()));
    let types = secrets.iter().map(|f| {
        report
            .artifacts
            .get(f.artifact as usize)
            .map_or("", |a| a.artifact_type.as_str())
    });
    let _ = writeln!(
        md,
        "**Secrets:** {} in {} file(s) ({}). {}\n",
        secrets.len(),
        files.len(),
        counts(secrets),
        present::secret_remedy(types)
    );
    for ((artifact, file), mut found) in files.iter().take(MAX_SECRET_FILES).cloned() {
        found.sort_by_key(|f| (f.severity, f.secret.as_ref().and_then(|s| s.start_line)));
        let named: Vec<String> = found
            .iter()
            .take(SECRETS_PER_FILE)
            .map(|f| {
                let what = if f.title.is_empty() { &f.id } else { &f.title };
                let at = f
                    .secret
                    .as_ref()
                    .and_then(|s| present::location(s.start_line, s.end_line));
                match at {
                    Some(at) => format!("{} ({at})", escape(&clip(what, 80))),
                    None => escape(&clip(what, 80)),
                }
            })
            .collect();
        let more = and_more(found.len(), SECRETS_PER_FILE);
        let _ = writeln!(
            md,
            "1. {}: {}{more}",
            item_start(file_in(report, artifact, file)),
            named.join(", ")
        );
    }
    more_line(md, files.len(), MAX_SECRET_FILES, "files with secrets");
    md.push('\n');
}

fn checks_part(report: &Report, checks: &[&Finding], md: &mut String) {
    if checks.is_empty() {
        return;
    }
    // One entry per check ID: the same fix applies at each place.
    let ids = most_severe_first(checks, |f| f.id.as_str());
    let _ = writeln!(
        md,
        "**Configuration:** {} failure(s) of {} check(s) ({}), most severe first, with Trivy's fix:\n",
        checks.len(),
        ids.len(),
        counts(checks)
    );
    for (id, found) in ids.iter().take(MAX_CHECKS) {
        let first = found[0];
        let sev = found.iter().map(|f| f.severity).min().unwrap_or_default();
        let mut files: Vec<(u32, &str)> = found
            .iter()
            .map(|f| (f.artifact, f.target.as_str()))
            .collect();
        files.sort_unstable();
        files.dedup();
        let place = match (found.len(), files.as_slice()) {
            (1, [(artifact, file)]) => {
                let at = first
                    .misconfiguration
                    .as_ref()
                    .and_then(|m| present::location(m.start_line, m.end_line));
                let file = file_in(report, *artifact, file);
                match at {
                    Some(at) => format!("{file}, {at}"),
                    None => file,
                }
            }
            (n, [(artifact, file)]) => format!("{}, {n} places", file_in(report, *artifact, file)),
            (n, files) => format!("{n} places in {} files", files.len()),
        };
        let fix = first
            .misconfiguration
            .as_ref()
            .map(|m| m.resolution.trim())
            .filter(|r| !r.is_empty())
            .map(|r| format!(": {}", escape(&clip(r, 200))))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "1. {} {} {} {} ({place}){fix}",
            icon(sev),
            sev.as_str(),
            escape(&clip(id, 40)),
            escape(&clip(&first.title, 120)),
        );
    }
    more_line(md, ids.len(), MAX_CHECKS, "checks");
    md.push('\n');
}

fn licenses_part(report: &Report, licenses: &[&Finding], md: &mut String) {
    if licenses.is_empty() {
        return;
    }
    // One entry per license: the same decision applies to each package under it.
    let by_license = most_severe_first(licenses, |f| f.id.as_str());
    // A package, or a license file, in one image.
    fn what<'a>(f: &&'a Finding) -> (u32, &'a str) {
        let name = match f.package.as_deref() {
            Some(p) if !p.name.is_empty() => p.name.as_str(),
            _ => f
                .license
                .as_ref()
                .map(|l| l.file_path.as_str())
                .filter(|p| !p.is_empty())
                .unwrap_or(f.target.as_str()),
        };
        (f.artifact, name)
    }
    let mut all: Vec<(u32, &str)> = licenses.iter().map(what).collect();
    all.sort_unstable();
    all.dedup();
    let _ = writeln!(
        md,
        "**Licenses:** {} package(s) or file(s) under {} license(s) Trivy classes as forbidden or restricted ({}). Replace each, or record the exception your policy approves (a `licenses` entry in `.trivyignore.yaml`):\n",
        all.len(),
        by_license.len(),
        counts(licenses)
    );
    for (name, found) in by_license.iter().take(MAX_LICENSES) {
        let sev = found.iter().map(|f| f.severity).min().unwrap_or_default();
        let category = found[0]
            .license
            .as_ref()
            .map_or("", |l| l.category.as_str());
        let mut under: Vec<(u32, &str)> = found.iter().map(what).collect();
        under.sort_unstable();
        under.dedup();
        let named: Vec<String> = under
            .iter()
            .take(PACKAGES_PER_LICENSE)
            .map(|(artifact, name)| file_in(report, *artifact, name))
            .collect();
        let more = and_more(under.len(), PACKAGES_PER_LICENSE);
        let _ = writeln!(
            md,
            "1. {} {} {} ({}): {}{more}",
            icon(sev),
            sev.as_str(),
            escape(&clip(name, 60)),
            escape(&clip(category, 20)),
            named.join(", ")
        );
    }
    more_line(md, by_license.len(), MAX_LICENSES, "licenses");
    md.push('\n');
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
    // The plan of the vulnerabilities to act on: report.json's covers every counted one, and an
    // excluded or out-of-scope one would choose versions, notes and order here. Planned again
    // only when the gate left some out, as planning 100,000 findings takes tens of ms.
    let acted_on = |f: &Finding| f.excluded.is_none() && in_scope(report, f.severity);
    let all_acted_on = report
        .findings
        .iter()
        .all(|f| f.kind != Kind::Vulnerability || !f.is_counted() || acted_on(f));
    let replanned;
    let plan: &[Remediation] = if all_acted_on {
        &report.remediation
    } else {
        replanned = scanlens_model::remediation::plan_where(report, acted_on);
        &replanned
    };
    let plan: Vec<&Remediation> = plan.iter().filter(|r| !r.fixes.is_empty()).collect();
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
                "\n_{} more upgrades to act on; report.json's `remediation` has the whole plan._",
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

#[cfg(test)]
mod tests {
    use super::*;
    use scanlens_model::report::{Exclusion, MisconfDetail, SecretDetail};
    use std::sync::Arc;

    fn secret(file: &str, title: &str, severity: Severity, line: u64) -> Finding {
        Finding {
            kind: Kind::Secret,
            id: "rule".into(),
            title: title.into(),
            severity,
            target: file.into(),
            secret: Some(Arc::new(SecretDetail {
                start_line: Some(line),
                end_line: Some(line),
                ..SecretDetail::default()
            })),
            ..Finding::default()
        }
    }

    fn check(id: &str, file: &str, severity: Severity, resolution: &str) -> Finding {
        Finding {
            kind: Kind::Misconfiguration,
            id: id.into(),
            title: format!("{id} title"),
            severity,
            status: Some("FAIL".into()),
            target: file.into(),
            misconfiguration: Some(Arc::new(MisconfDetail {
                resolution: resolution.into(),
                start_line: Some(4),
                ..MisconfDetail::default()
            })),
            ..Finding::default()
        }
    }

    #[test]
    fn secrets_and_failed_checks_are_listed_most_severe_first_bounded_without_accepted_risks() {
        let mut findings = Vec::new();
        for i in 0..12 {
            findings.push(secret(
                &format!("low-{i:02}.env"),
                "Token",
                Severity::Low,
                1,
            ));
        }
        for line in 1..=7 {
            findings.push(secret("prod.env", "AWS Key", Severity::Critical, line));
        }
        let mut accepted = secret("accepted.env", "Accepted", Severity::Critical, 1);
        accepted.excluded = Some(Exclusion::Ignored {
            rule: ".trivyignore:1".into(),
            statement: String::new(),
        });
        findings.push(accepted);
        for i in 0..11 {
            findings.push(check(
                &format!("DS-{i:04}"),
                "Dockerfile",
                Severity::Medium,
                "fix it",
            ));
        }
        for file in ["a/Dockerfile", "b/Dockerfile", "b/Dockerfile"] {
            findings.push(check("DS-9999", file, Severity::High, "Use <b>USER</b>"));
        }
        let mut passed = check("DS-0001", "Dockerfile", Severity::Critical, "");
        passed.status = Some("PASS".into());
        findings.push(passed);
        let md = render(&Report {
            findings,
            ..Report::default()
        });
        let secrets: Vec<&str> = md
            .lines()
            .skip_while(|l| !l.starts_with("**Secrets:**"))
            .take_while(|l| !l.starts_with("**Configuration:**"))
            .filter(|l| l.starts_with("1. "))
            .collect();
        assert!(
            md.contains("**Secrets:** 19 in 13 file(s) (7 critical, 12 low)."),
            "{md}"
        );
        assert_eq!(secrets.len(), MAX_SECRET_FILES, "{md}");
        assert_eq!(
            secrets[0],
            "1. prod.env: AWS Key (line 1), AWS Key (line 2), AWS Key (line 3), AWS Key (line 4), AWS Key (line 5) and 2 more"
        );
        assert!(
            md.contains("_3 more files with secrets in report.json._"),
            "{md}"
        );
        assert!(!md.contains("accepted.env"), "{md}");
        let checks: Vec<&str> = md
            .lines()
            .skip_while(|l| !l.starts_with("**Configuration:**"))
            .filter(|l| l.starts_with("1. "))
            .collect();
        assert!(
            md.contains("**Configuration:** 14 failure(s) of 12 check(s) (3 high, 11 medium)"),
            "{md}"
        );
        assert_eq!(checks.len(), MAX_CHECKS, "{md}");
        assert_eq!(
            checks[0],
            "1. 🟧 HIGH DS-9999 DS-9999 title (3 places in 2 files): Use &lt;b&gt;USER&lt;/b&gt;"
        );
        assert_eq!(
            checks[1],
            "1. 🟨 MEDIUM DS-0000 DS-0000 title (Dockerfile, line 4): fix it"
        );
        assert!(md.contains("_2 more checks in report.json._"), "{md}");
    }

    #[test]
    fn the_same_path_in_two_images_is_two_files_and_a_path_never_starts_markdown() {
        let artifact = |name: &str| scanlens_model::report::Artifact {
            name: name.into(),
            artifact_type: "container_image".into(),
            ..Default::default()
        };
        let a = secret("/app/.env", "AWS Key", Severity::Critical, 1);
        let mut b = a.clone();
        b.artifact = 1;
        let c = check("DS-0002", "Dockerfile", Severity::High, "Add USER");
        let mut d = c.clone();
        d.artifact = 1;
        let odd = secret("- 1. x", "Token", Severity::Low, 2);
        let numbered = secret("  12) y", "Token", Severity::Low, 3);
        let md = render(&Report {
            artifacts: vec![artifact("app:1"), artifact("api:2")],
            findings: vec![a, b, c, d, odd, numbered],
            ..Report::default()
        });
        assert!(md.contains("**Secrets:** 4 in 4 file(s)"), "{md}");
        assert!(
            md.contains("1. /app/.env in app:1: AWS Key (line 1)\n"),
            "{md}"
        );
        assert!(
            md.contains("1. /app/.env in api:2: AWS Key (line 1)\n"),
            "{md}"
        );
        assert!(
            md.contains("1. \\- 1. x in app:1: Token (line 2)\n"),
            "{md}"
        );
        assert!(md.contains("1. 12\\) y in app:1: Token (line 3)\n"), "{md}");
        assert!(
            md.contains("DS-0002 title (2 places in 2 files): Add USER"),
            "{md}"
        );
    }

    #[test]
    fn upgrades_are_planned_from_the_vulnerabilities_the_gate_did_not_exclude() {
        let vuln = |id: &str, pkg: &str, fixed: &str, severity: Severity, excluded: bool| Finding {
            kind: Kind::Vulnerability,
            id: id.into(),
            severity,
            target: "app (debian 12)".into(),
            class: "os-pkgs".into(),
            target_type: "debian".into(),
            status: Some("fixed".into()),
            package: Some(Arc::new(scanlens_model::report::Package {
                name: pkg.into(),
                installed_version: "1.0-1".into(),
                fixed_version: fixed.into(),
                ..Default::default()
            })),
            excluded: excluded.then_some(Exclusion::Ignored {
                rule: ".trivyignore:1".into(),
                statement: String::new(),
            }),
            ..Finding::default()
        };
        let mut report = Report {
            findings: vec![
                vuln("CVE-1", "aaa", "2.0-1", Severity::Critical, true),
                vuln("CVE-2", "aaa", "1.0-2", Severity::Low, false),
                vuln("CVE-3", "zzz", "1.0-2", Severity::High, false),
                vuln("CVE-4", "yyy", "1.0-2", Severity::Critical, true),
            ],
            ..Report::default()
        };
        report.remediation = scanlens_model::remediation::plan(&report);
        // report.json's plan covers every counted vulnerability: aaa first, to 2.0-1.
        assert_eq!(report.remediation[0].package, "aaa");
        let md = render(&report);
        let upgrades: Vec<&str> = md.lines().filter(|l| l.starts_with("1. upgrade")).collect();
        assert_eq!(
            upgrades,
            [
                "1. upgrade zzz 1.0-1 → 1.0-2: fixes 1 \\(1 high\\) in app \\(debian 12\\)",
                "1. upgrade aaa 1.0-1 → 1.0-2: fixes 1 \\(1 low\\) in app \\(debian 12\\)",
            ],
            "{md}"
        );
        assert!(
            md.contains("**Upgrades** (most urgent first, 2 in all):"),
            "{md}"
        );
    }

    #[test]
    fn licenses_to_act_on_are_listed_by_license_most_severe_first() {
        let license = |name: &str, category: &str, severity: Severity, pkg: &str| Finding {
            kind: Kind::License,
            id: name.into(),
            severity,
            target: "Node.js".into(),
            package: (!pkg.is_empty()).then(|| {
                Arc::new(scanlens_model::report::Package {
                    name: pkg.into(),
                    ..Default::default()
                })
            }),
            license: Some(scanlens_model::report::LicenseDetail {
                category: category.into(),
                file_path: if pkg.is_empty() {
                    "LICENSE.txt".into()
                } else {
                    String::new()
                },
                ..Default::default()
            }),
            ..Finding::default()
        };
        let mut findings: Vec<Finding> = ["a", "b", "c", "d", "e", "f", "f"]
            .iter()
            .map(|p| license("GPL-3.0", "forbidden", Severity::Critical, p))
            .collect();
        findings.push(license("LGPL-2.1", "restricted", Severity::High, ""));
        findings.push(license("MIT", "notice", Severity::Low, "g"));
        let mut accepted = license("AGPL-3.0", "forbidden", Severity::Critical, "h");
        accepted.excluded = Some(Exclusion::Status);
        findings.push(accepted);
        let md = render(&Report {
            findings,
            ..Report::default()
        });
        assert!(
            md.contains("**Licenses:** 7 package(s) or file(s) under 2 license(s) Trivy classes as forbidden or restricted (7 critical, 1 high)."),
            "{md}"
        );
        assert!(
            md.contains("1. 🟥 CRITICAL GPL-3.0 (forbidden): a, b, c, d, e and 1 more\n1. 🟧 HIGH LGPL-2.1 (restricted): LICENSE.txt\n"),
            "{md}"
        );
        assert!(!md.contains("MIT") && !md.contains("AGPL"), "{md}");
        // Notice and permissive licenses alone ask for nothing.
        let md = render(&Report {
            findings: vec![license("MIT", "notice", Severity::Low, "g")],
            ..Report::default()
        });
        assert_eq!(md, "");
    }
}
