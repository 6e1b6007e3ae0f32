//! Every upgrade the fix plan chooses for a Debian or Ubuntu package, checked with the real
//! `dpkg --compare-versions`: above the installed version, and at or above each listed fix it
//! is meant to bring in.

mod common;

use scanlens_e2e::{e2e, require, which, Unavailable};
use std::process::Command;

fn dpkg_holds(a: &str, op: &str, b: &str) -> bool {
    Command::new("dpkg")
        .args(["--compare-versions", a, op, b])
        .status()
        .unwrap()
        .success()
}

#[test]
fn debian_upgrades_hold_in_dpkgs_order() {
    if !e2e() {
        return;
    }
    let Some(fixtures) = common::fixtures() else {
        return;
    };
    require!(which("dpkg").ok_or_else(|| Unavailable("dpkg is not installed".into())));
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures.join("trivy-golden")).unwrap() {
        let path = entry.unwrap().path();
        let Ok(report) = scanlens::input::read_reports(std::slice::from_ref(&path)) else {
            continue;
        };
        for r in scanlens_model::remediation::plan(&report) {
            if !matches!(r.target_type.as_str(), "debian" | "ubuntu") {
                continue;
            }
            let to = r.upgrade_to.as_deref().expect("dpkg's order is known");
            assert!(
                dpkg_holds(&r.installed, "lt", to),
                "{}: {} < {to}",
                path.display(),
                r.installed
            );
            for f in report.findings.iter().filter(|f| {
                r.fixes.contains(&f.id) && f.target == r.target && f.package_name() == r.package
            }) {
                for fixed in f.package.as_deref().unwrap().fixed_versions() {
                    if dpkg_holds(fixed, "gt", &r.installed) {
                        assert!(
                            dpkg_holds(to, "ge", fixed),
                            "{}: {to} ≥ {fixed}",
                            path.display()
                        );
                    }
                }
            }
            checked += 1;
        }
    }
    eprintln!("dpkg: {checked} planned upgrades checked");
    assert!(
        checked >= 5,
        "only {checked} Debian/Ubuntu upgrades in the corpus"
    );
}
