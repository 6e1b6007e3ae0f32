//! The fix plan over every corpus report: every counted fixable vulnerability is in exactly one
//! entry's `fixes`, nothing else is, and every chosen version is above the installed one in the
//! ecosystem's order and at or above the fix each vulnerability needs.

mod common;

use scanlens_model::versions;
use std::cmp::Ordering;
use std::collections::BTreeMap;

#[test]
fn every_fixable_vulnerability_is_fixed_by_exactly_one_entry() {
    let mut planned = 0;
    for path in common::corpus_files() {
        let Ok(report) = scanlens::input::read_reports(std::slice::from_ref(&path)) else {
            continue;
        };
        let plan = scanlens_model::remediation::plan(&report);
        // (target, package, installed, id) → how many entries fix it.
        let mut fixed: BTreeMap<(String, String, String, String), usize> = BTreeMap::new();
        for r in &plan {
            for id in &r.fixes {
                *fixed
                    .entry((
                        r.target.clone(),
                        r.package.clone(),
                        r.installed.clone(),
                        id.clone(),
                    ))
                    .or_default() += 1;
            }
            planned += 1;
        }
        for f in report
            .findings
            .iter()
            .filter(|f| f.is_counted() && f.kind == scanlens_model::Kind::Vulnerability)
        {
            let p = f.package.as_deref().unwrap();
            let key = (
                f.target.clone(),
                p.name.clone(),
                p.installed_version.clone(),
                f.id.clone(),
            );
            let n = fixed.get(&key).copied().unwrap_or(0);
            if f.is_fixable() {
                assert_eq!(n, 1, "{}: {key:?} fixed by {n} entries", path.display());
            } else {
                assert_eq!(n, 0, "{}: unfixable {key:?} in fixes", path.display());
            }
            // The chosen version is above the installed one and meets this vulnerability's fix.
            let Some(entry) = plan.iter().find(|r| {
                r.target == f.target && r.package == p.name && r.installed == p.installed_version
            }) else {
                continue;
            };
            let (Some(to), Some(eco)) = (
                &entry.upgrade_to,
                versions::ecosystem(&f.class, &f.target_type),
            ) else {
                continue;
            };
            assert_eq!(
                versions::compare(eco, to, &p.installed_version),
                Some(Ordering::Greater),
                "{}: {to}",
                path.display()
            );
            if let Some(need) = versions::upgrade(eco, &p.installed_version, &p.fixed_version) {
                assert_ne!(
                    versions::compare(eco, to, need.version),
                    Some(Ordering::Less),
                    "{}: {to} < {}",
                    path.display(),
                    need.version
                );
            }
        }
        // Severity counts are those of the fixes.
        for r in &plan {
            assert_eq!(
                r.counts.total() as usize,
                r.fixes.len(),
                "{}",
                path.display()
            );
        }
    }
    if common::fixtures().is_some() {
        assert!(planned > 40, "only {planned} plan entries over the corpus");
    }
}

/// Each findings.ndjson row's `upgrade_to` is the upgrade of the plan entry that fixes it, and
/// nothing for a finding no entry fixes, over every corpus report.
#[test]
fn every_row_names_the_upgrade_that_fixes_it() {
    let mut named = 0;
    for path in common::corpus_files() {
        let Ok(mut report) = scanlens::input::read_reports(std::slice::from_ref(&path)) else {
            continue;
        };
        report.remediation = scanlens_model::remediation::plan(&report);
        let rows: Vec<_> = scanlens_model::flat::flatten(&report).collect();
        assert_eq!(rows.len(), report.findings.len());
        for (f, row) in report.findings.iter().zip(&rows) {
            let entry = f.package.as_deref().and_then(|p| {
                report.remediation.iter().find(|r| {
                    r.target == f.target
                        && r.package == p.name
                        && r.installed == p.installed_version
                        && r.target_type == f.target_type
                        && r.fixes.contains(&f.id)
                })
            });
            let expected = entry.and_then(|r| r.upgrade_to.clone());
            assert_eq!(row.upgrade_to, expected, "{}: {}", path.display(), f.id);
            named += usize::from(expected.is_some());
        }
    }
    assert!(named > 100, "only {named} rows name an upgrade");
}

/// `render` writes the column: alpine 3.10's OpenSSL findings name the version the plan chose.
#[test]
fn findings_ndjson_carries_upgrade_to() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .arg("render")
        .arg(root.join("trivy-golden/alpine-310.json.golden"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("findings.ndjson")).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    for row in rows {
        assert_eq!(row["upgrade_to"], "1.1.1d-r2", "{row}");
    }
}
