//! `summary.md`'s "Fix first": the report's [`FixFirst`] plan (see `scanlens_model::fix_first`
//! for what each part holds and leaves out) as Markdown.
//!
//! 1. Known exploited: a table of the KEV-listed findings with CISA's due date and the EPSS
//!    score, or a line saying none are, or that no catalog was read.
//! 2. Secrets, one list item per file, under the one instruction.
//! 3. Upgrades, one list item per fix-plan entry, and how many vulnerabilities have no fix yet.
//! 4. Checks, one list item per check ID with its place and Trivy's resolution.
//! 5. Licenses, one list item per license with the packages under it.
//! 6. Base images, one line per image.
//!
//! Every part is a bounded number of clipped, escaped lines, so the section stays a few KiB
//! whatever the report holds and the summary's cap is left to the findings table.

use super::{clip, escape, icon, id_cell};
use scanlens_model::fix_first::{Checks, Cut, FixFirst, Licenses, Secrets};
use scanlens_model::{present, Report};
use std::fmt::Write;

/// The section, or nothing when there is nothing to fix.
pub fn render(report: &Report) -> String {
    let mut md = String::new();
    let plan = &report.fix_first;
    if plan.is_empty() {
        return md;
    }
    let _ = writeln!(md, "### Fix first\n");
    known_exploited(report, plan, &mut md);
    secrets_part(report, &plan.secrets, &mut md);
    upgrades(plan, &mut md);
    checks_part(report, &plan.checks, &mut md);
    licenses_part(report, &plan.licenses, &mut md);
    base_images(report, plan, &mut md);
    md
}

/// After a cut list, the line that says so: `_3 more files with secrets in report.json._`.
fn more_line<T>(md: &mut String, cut: &Cut<T>, what: &str) {
    if let Some(line) = cut.more_in_report(what) {
        let _ = writeln!(md, "\n_{line}_");
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

fn secrets_part(report: &Report, secrets: &Secrets, md: &mut String) {
    if secrets.findings == 0 {
        return;
    }
    let _ = writeln!(md, "**Secrets:** {}\n", secrets.headline());
    for file in &secrets.files.shown {
        let named: Vec<String> = file
            .secrets
            .shown
            .iter()
            .map(|s| match s.lines.as_str() {
                "" => escape(&clip(&s.name, 80)),
                at => format!("{} ({at})", escape(&clip(&s.name, 80))),
            })
            .collect();
        let _ = writeln!(
            md,
            "1. {}: {}{}",
            item_start(file_in(report, file.artifact, &file.path)),
            named.join(", "),
            file.secrets.and_more()
        );
    }
    more_line(md, &secrets.files, "files with secrets");
    md.push('\n');
}

fn checks_part(report: &Report, checks: &Checks, md: &mut String) {
    if checks.findings == 0 {
        return;
    }
    let _ = writeln!(md, "**Configuration:** {}\n", checks.headline());
    for c in &checks.checks.shown {
        let place = c.place(&file_in(report, c.artifact, &c.path));
        let fix = match c.resolution.as_str() {
            "" => String::new(),
            r => format!(": {}", escape(&clip(r, 200))),
        };
        let _ = writeln!(
            md,
            "1. {} {} {} {} ({place}){fix}",
            icon(c.severity),
            c.severity.as_str(),
            escape(&clip(&c.id, 40)),
            escape(&clip(&c.title, 120)),
        );
    }
    more_line(md, &checks.checks, "checks");
    md.push('\n');
}

fn licenses_part(report: &Report, licenses: &Licenses, md: &mut String) {
    if licenses.findings == 0 {
        return;
    }
    let _ = writeln!(md, "**Licenses:** {}\n", licenses.headline());
    for l in &licenses.licenses.shown {
        let named: Vec<String> = l
            .packages
            .shown
            .iter()
            .map(|p| file_in(report, p.artifact, &p.name))
            .collect();
        let _ = writeln!(
            md,
            "1. {} {} {} ({}): {}{}",
            icon(l.severity),
            l.severity.as_str(),
            escape(&clip(&l.name, 60)),
            escape(&clip(&l.category, 20)),
            named.join(", "),
            l.packages.and_more()
        );
    }
    more_line(md, &licenses.licenses, "licenses");
    md.push('\n');
}

fn known_exploited(report: &Report, plan: &FixFirst, md: &mut String) {
    // The IDs it names are Trivy's text.
    let Some(headline) = plan.kev_headline_with(super::escape) else {
        return;
    };
    let _ = writeln!(md, "**Known exploited:** {headline}\n");
    let Some(kev) = plan.known_exploited.as_ref().filter(|k| k.total > 0) else {
        return;
    };
    // The EPSS column only when scores were read: an empty column would read as "unscored".
    let with_epss = report.feeds.as_ref().is_some_and(|f| f.epss.is_some());
    let _ = writeln!(
        md,
        "| ID | Package | Installed | Fixed | Target | CISA |{}\n|---|---|---|---|---|---|{}",
        if with_epss { " EPSS |" } else { "" },
        if with_epss { "---|" } else { "" }
    );
    for f in kev
        .shown
        .iter()
        .filter_map(|i| report.findings.get(*i as usize))
    {
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
    more_line(md, kev, "known exploited findings");
    md.push('\n');
}

fn upgrades(plan: &FixFirst, md: &mut String) {
    let up = &plan.upgrades;
    if let Some(headline) = plan.upgrades_headline() {
        let _ = writeln!(md, "**Upgrades** ({headline}):\n");
        for r in &up.shown {
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
        if let Some(line) = plan.upgrades_more() {
            let _ = writeln!(md, "\n_{line}_");
        }
        md.push('\n');
    }
    if let Some(line) = plan.unfixed_line() {
        let _ = writeln!(md, "{line}\n");
    }
}

/// One line per image whose layers are told apart.
fn base_images(report: &Report, plan: &FixFirst, md: &mut String) {
    for b in &plan.base_images {
        let name = report
            .artifacts
            .get(b.artifact as usize)
            .map_or("", |a| a.name.as_str());
        let _ = writeln!(
            md,
            "**Base image of {}:** {}\n",
            escape(&clip(name, 80)),
            b.sentence()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scanlens_model::fix_first::{MAX_CHECKS, MAX_SECRET_FILES};
    use scanlens_model::{Finding, Kind, Severity};

    /// The section for a report planned as `render` and `scan` plan it.
    fn planned(mut report: Report) -> String {
        scanlens_model::fix_first::plan_all(&mut report);
        render(&report)
    }
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

    /// The IDs of known-exploited vulnerabilities the gate leaves out are Trivy's text: escaped
    /// as any other in summary.md (no link, no mention).
    #[test]
    fn a_left_out_known_exploited_id_is_escaped() {
        let f = Finding {
            kind: Kind::Vulnerability,
            id: "[x](https://evil.example) @org".into(),
            severity: Severity::Critical,
            kev: scanlens_model::triage::Feed::Listed(Default::default()),
            excluded: Some(Exclusion::Unfixed),
            ..Finding::default()
        };
        let md = planned(Report {
            findings: vec![f],
            feeds: Some(scanlens_model::triage::Feeds {
                kev: Some("2025.08.25".into()),
                epss: None,
            }),
            ..Report::default()
        });
        assert!(
            md.contains(
                "but \\[x\\]\\(https://evil.example\\) @&#8203;org, which the gate leaves out"
            ),
            "{md}"
        );
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
        let md = planned(Report {
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
        let md = planned(Report {
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
        scanlens_model::fix_first::plan_all(&mut report);
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
        let md = planned(Report {
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
        let md = planned(Report {
            findings: vec![license("MIT", "notice", Severity::Low, "g")],
            ..Report::default()
        });
        assert_eq!(md, "");
    }
}
