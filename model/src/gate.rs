//! The pipeline gate: which findings count towards failing a build.
//!
//! The report always keeps every finding. The gate only marks the ones its filters exclude
//! (`Finding::excluded`) and decides pass or fail from the rest, with Trivy's meanings for
//! `--ignore-unfixed` ([`Finding::is_unfixed`]), `--ignore-status` ([`Finding::trivy_status`]),
//! `--pkg-types` and ignore files
//! ([`crate::ignore`]). Besides severity, a finding can fail the gate by being exploited (in
//! CISA's KEV catalog) or likely to be (its EPSS score); those rules read what
//! [`crate::feeds::enrich`] set, so the feeds are joined before the gate runs.

use crate::ignore::IgnoreRule;
use crate::report::*;

/// Package types as Trivy's `--pkg-types` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PkgType {
    Os,
    Library,
}

impl PkgType {
    pub fn from_name(s: &str) -> Option<PkgType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "os" => Some(PkgType::Os),
            "library" => Some(PkgType::Library),
            _ => None,
        }
    }

    /// The package type of a result's class, if it has one: Trivy's `--pkg-types` limits its OS
    /// and language package detectors and nothing else, so a vulnerability of any other class
    /// (none at all in a schema-1 report or an older schema-2 one) is never left out by it.
    fn of_class(class: &str) -> Option<PkgType> {
        match class {
            "os-pkgs" => Some(PkgType::Os),
            "lang-pkgs" => Some(PkgType::Library),
            _ => None,
        }
    }
}

/// The gate's settings.
#[derive(Debug, Clone, Default)]
pub struct GatePolicy {
    /// Severities that fail the gate; empty means the gate never fails.
    pub fail_on: Vec<Severity>,
    /// Severities that count at all (trivy's `--severity`): a finding at another severity
    /// trips no rule. Empty means every severity.
    pub severities: Vec<Severity>,
    pub ignore_unfixed: bool,
    /// Trivy's `--ignore-status`: vulnerabilities with these statuses ([`VULN_STATUSES`] names)
    /// do not count. Trivy lets it override `ignore_unfixed`; the caller does the same.
    pub ignore_statuses: Vec<&'static str>,
    /// Restricts vulnerabilities to these package types; empty means all.
    pub pkg_types: Vec<PkgType>,
    pub ignore: Vec<IgnoreRule>,
    /// Now, in seconds since the epoch, for rule expiry (the model does no I/O, so the caller
    /// supplies it).
    pub now: i64,
    /// Fail on a finding in the KEV catalog.
    pub fail_on_kev: bool,
    /// Fail on a finding whose EPSS score is at least this (0 to 1).
    pub fail_on_epss: Option<f64>,
    /// Fail when a scanned OS is past its end of support life (Trivy's `--exit-on-eol`).
    pub fail_on_eol: bool,
    /// What matching the ignore rules' paths may still cost; spent, the caller refuses the run
    /// ([`GatePolicy::ignore_work_spent`]).
    pub glob_work: crate::glob::Work,
}

impl GatePolicy {
    /// Whether matching the ignore rules' paths ran out of its budget ([`crate::glob::RUN_BUDGET`]):
    /// then some rule may have matched nothing it should have, so the verdict is not to be used.
    pub fn ignore_work_spent(&self) -> bool {
        self.glob_work.spent()
    }

    /// Why the gate leaves this finding out, if it does.
    pub fn exclusion(&self, f: &Finding) -> Option<Exclusion> {
        if f.kind == Kind::Vulnerability {
            // Reading the status costs string comparisons per finding: only when asked.
            if !self.ignore_statuses.is_empty() && self.ignore_statuses.contains(&f.trivy_status())
            {
                return Some(Exclusion::Status);
            }
            if self.ignore_unfixed && f.is_unfixed() {
                return Some(Exclusion::Unfixed);
            }
            if let Some(t) = PkgType::of_class(&f.class) {
                if !self.pkg_types.is_empty() && !self.pkg_types.contains(&t) {
                    return Some(Exclusion::PkgType);
                }
            }
        }
        crate::ignore::first_match(&self.ignore, f, self.now, &self.glob_work).map(|r| {
            Exclusion::Ignored {
                rule: r.origin.clone(),
                statement: r.statement.clone(),
            }
        })
    }

    /// Marks excluded findings in `report` and records the verdict in `report.gate`.
    pub fn apply(&self, report: &mut Report) -> GateResult {
        let mut result = GateResult {
            fail_on: self.fail_on.clone(),
            severities: self.severities.clone(),
            fail_on_kev: self.fail_on_kev,
            fail_on_epss: self.fail_on_epss,
            fail_on_eol: self.fail_on_eol,
            ..GateResult::default()
        };
        if self.fail_on_eol {
            for os in report.artifacts.iter().filter_map(|a| a.os.as_ref()) {
                let name = format!("{} {}", os.family, os.name);
                if os.eosl && !result.eol.contains(&name) {
                    result.eol.push(name);
                }
            }
        }
        let (mut kev, mut epss) = (0, 0);
        for f in &mut report.findings {
            f.excluded = None;
            if !f.is_counted() {
                continue;
            }
            f.excluded = self.exclusion(f);
            if f.excluded.is_some() {
                result.excluded += 1;
                continue;
            }
            if !self.severities.is_empty() && !self.severities.contains(&f.severity) {
                continue;
            }
            if self.fail_on.contains(&f.severity) {
                result.failing += 1;
            }
            if self.fail_on_kev && f.kev.listed().is_some() {
                kev += 1;
            }
            if let Some(at) = self.fail_on_epss {
                if f.epss.listed().is_some_and(|e| e.score >= at) {
                    epss += 1;
                }
            }
        }
        result.failing_kev = self.fail_on_kev.then_some(kev);
        result.failing_epss = self.fail_on_epss.map(|_| epss);
        result.failed = result.failing + kev + epss > 0 || !result.eol.is_empty();
        report.gate = Some(result.clone());
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vuln(id: &str, sev: Severity, status: &str, class: &str) -> Finding {
        Finding {
            kind: Kind::Vulnerability,
            id: id.into(),
            severity: sev,
            status: Some(status.into()),
            class: class.into(),
            target: "app/package-lock.json".into(),
            package: Some(std::sync::Arc::new(Package {
                name: "lodash".into(),
                purl: Some("pkg:npm/lodash@4.17.4".into()),
                ..Package::default()
            })),
            ..Finding::default()
        }
    }

    #[test]
    fn gate_fails_only_on_chosen_severities() {
        let mut r = Report {
            findings: vec![
                vuln("CVE-1", Severity::High, "fixed", "lang-pkgs"),
                vuln("CVE-2", Severity::Low, "fixed", "lang-pkgs"),
            ],
            ..Report::default()
        };
        let mut p = GatePolicy {
            fail_on: vec![Severity::Critical],
            ..GatePolicy::default()
        };
        assert!(!p.apply(&mut r).failed);
        p.fail_on.push(Severity::High);
        let g = p.apply(&mut r);
        assert!(g.failed);
        assert_eq!(g.failing, 1);
    }

    #[test]
    fn severity_scope_limits_every_rule_but_keeps_the_findings() {
        let mut r = Report {
            findings: vec![
                vuln("CVE-1", Severity::High, "fixed", "lang-pkgs"),
                vuln("CVE-2", Severity::Low, "fixed", "lang-pkgs"),
            ],
            ..Report::default()
        };
        r.findings[1].kev = crate::triage::Feed::Listed(crate::triage::Kev::default());
        // trivy-action's `severity: CRITICAL,HIGH` with `exit-code: 1`: fail on what is shown.
        let p = GatePolicy {
            fail_on: Severity::ALL.to_vec(),
            severities: vec![Severity::Critical],
            fail_on_kev: true,
            ..GatePolicy::default()
        };
        let g = p.apply(&mut r);
        assert!(!g.failed, "{g:?}");
        assert_eq!((g.failing, g.failing_kev), (0, Some(0)));
        assert_eq!(g.severities, vec![Severity::Critical]);
        assert_eq!(r.findings.len(), 2);
        let p = GatePolicy {
            severities: vec![Severity::Critical, Severity::High],
            ..p
        };
        let g = p.apply(&mut r);
        assert_eq!((g.failed, g.failing, g.failing_kev), (true, 1, Some(0)));
    }

    #[test]
    fn ignore_unfixed_uses_trivy_statuses() {
        let p = GatePolicy {
            ignore_unfixed: true,
            ..GatePolicy::default()
        };
        // Trivy's code drops every status but `fixed` (its docs list only the first four).
        for s in [
            "affected",
            "will_not_fix",
            "fix_deferred",
            "end_of_life",
            "under_investigation",
            "not_affected",
        ] {
            assert_eq!(
                p.exclusion(&vuln("C", Severity::High, s, "os-pkgs")),
                Some(Exclusion::Unfixed),
                "{s}"
            );
        }
        assert_eq!(
            p.exclusion(&vuln("C", Severity::High, "fixed", "os-pkgs")),
            None
        );
        // No status (older Trivy): read as Trivy's scanner sets it, from the fixed version.
        let mut old = vuln("C", Severity::High, "", "os-pkgs");
        old.status = None;
        assert_eq!(p.exclusion(&old), Some(Exclusion::Unfixed));
        std::sync::Arc::make_mut(old.package.as_mut().unwrap()).fixed_version = "1.2".into();
        assert_eq!(p.exclusion(&old), None);
    }

    #[test]
    fn ignore_status_reads_statuses_as_trivys_scanner_settles_them() {
        let p = GatePolicy {
            ignore_statuses: vec!["will_not_fix", "affected"],
            ..GatePolicy::default()
        };
        let excluded = |s: &str| p.exclusion(&vuln("C", Severity::High, s, "os-pkgs"));
        assert_eq!(excluded("will_not_fix"), Some(Exclusion::Status));
        assert_eq!(excluded("affected"), Some(Exclusion::Status));
        for s in ["fix_deferred", "end_of_life", "fixed", "not_affected"] {
            assert_eq!(excluded(s), None, "{s}");
        }
        // No status, or one Trivy does not know: `affected` without a fixed version, as Trivy
        // fills it in, and `fixed` with one.
        for s in [None, Some("unknown"), Some("Affected")] {
            let mut old = vuln("C", Severity::High, "", "os-pkgs");
            old.status = s.map(str::to_string);
            assert_eq!(p.exclusion(&old), Some(Exclusion::Status), "{s:?}");
            std::sync::Arc::make_mut(old.package.as_mut().unwrap()).fixed_version = "1.2".into();
            assert_eq!(p.exclusion(&old), None, "{s:?}");
        }
        // A fixed version makes any status `fixed`, as Trivy's scanner sets it.
        let mut both = vuln("C", Severity::High, "will_not_fix", "os-pkgs");
        std::sync::Arc::make_mut(both.package.as_mut().unwrap()).fixed_version = "1.2".into();
        assert_eq!(p.exclusion(&both), None);
        assert!(both.is_fixable());
        // Only vulnerabilities have these statuses.
        let check = Finding {
            kind: Kind::Misconfiguration,
            status: Some("FAIL".into()),
            ..Finding::default()
        };
        assert_eq!(p.exclusion(&check), None);
    }

    #[test]
    fn pkg_types_only_touch_vulnerabilities() {
        let p = GatePolicy {
            pkg_types: vec![PkgType::Os],
            ..GatePolicy::default()
        };
        assert_eq!(
            p.exclusion(&vuln("C", Severity::High, "fixed", "lang-pkgs")),
            Some(Exclusion::PkgType)
        );
        assert_eq!(
            p.exclusion(&vuln("C", Severity::High, "fixed", "os-pkgs")),
            None
        );
        let secret = Finding {
            kind: Kind::Secret,
            class: "secret".into(),
            ..Finding::default()
        };
        assert_eq!(p.exclusion(&secret), None);
    }

    #[test]
    fn matching_paths_has_one_budget_for_the_whole_run() {
        let rule = |paths: Vec<String>| IgnoreRule {
            id: "CVE-1".into(),
            paths,
            ..IgnoreRule::default()
        };
        let mut f = vuln("CVE-1", Severity::High, "fixed", "lang-pkgs");
        f.target = format!("{}c", "a".repeat(30));
        // Each costly pattern stays under the per-match cap; together they use up the run's.
        let costly = format!("{}b", "{a,a}".repeat(12));
        let p = GatePolicy {
            ignore: vec![rule(vec![costly; 200])],
            glob_work: crate::glob::Work::new(200_000),
            ..GatePolicy::default()
        };
        assert_eq!(p.exclusion(&f), None);
        assert!(p.ignore_work_spent());
        // Real paths cost little: the same budget matches and is not spent.
        let f = vuln("CVE-1", Severity::High, "fixed", "lang-pkgs");
        let p = GatePolicy {
            ignore: vec![rule(
                vec!["other/**".into(); 200]
                    .into_iter()
                    .chain(["app/*.json".into()])
                    .collect(),
            )],
            glob_work: crate::glob::Work::new(200_000),
            ..GatePolicy::default()
        };
        assert!(p.exclusion(&f).is_some());
        assert!(!p.ignore_work_spent());
    }

    #[test]
    fn pkg_types_leave_in_vulnerabilities_of_no_package_class() {
        // A schema-1 report's results have no class; Trivy's --pkg-types could not have
        // dropped them, so neither `os` nor `library` nor both leave them out.
        for types in [
            vec![PkgType::Os],
            vec![PkgType::Library],
            vec![PkgType::Os, PkgType::Library],
        ] {
            let p = GatePolicy {
                pkg_types: types,
                ..GatePolicy::default()
            };
            for class in ["", "custom"] {
                assert_eq!(
                    p.exclusion(&vuln("C", Severity::High, "fixed", class)),
                    None,
                    "{class:?}"
                );
            }
        }
    }

    #[test]
    fn ignore_rules_mark_the_first_matching_rule() {
        let f = vuln("CVE-9", Severity::Critical, "fixed", "lang-pkgs");
        let rule = |origin: &str, id: &str, expires: Option<i64>| IgnoreRule {
            id: id.into(),
            expires,
            origin: origin.into(),
            ..IgnoreRule::default()
        };
        let p = GatePolicy {
            ignore: vec![
                rule("a:1", "CVE-9", Some(99)),
                rule("a:2", "CVE-8", None),
                rule("a:3", "CVE-9", None),
            ],
            now: 100,
            ..GatePolicy::default()
        };
        assert_eq!(
            p.exclusion(&f),
            Some(Exclusion::Ignored {
                rule: "a:3".into(),
                statement: String::new()
            })
        );
    }

    #[test]
    fn kev_and_epss_rules_count_only_what_counts_and_say_which_tripped() {
        let scored = |id: &str, sev, kev: bool, epss: Option<f64>| Finding {
            kev: if kev {
                Feed::Listed(Kev::default())
            } else {
                Feed::Unlisted
            },
            epss: epss.map_or(Feed::Unlisted, |score| {
                Feed::Listed(Epss {
                    score,
                    ..Epss::default()
                })
            }),
            ..vuln(id, sev, "fixed", "lang-pkgs")
        };
        let mut suppressed = scored("CVE-5", Severity::Low, true, Some(0.99));
        suppressed.suppressed = Some(Suppression::default());
        let mut r = Report {
            findings: vec![
                scored("CVE-1", Severity::Low, true, Some(0.1)),
                scored("CVE-2", Severity::Low, false, Some(0.5)),
                scored("CVE-3", Severity::Low, false, Some(0.49999)),
                scored("CVE-4", Severity::High, false, None),
                suppressed,
            ],
            ..Report::default()
        };
        // Neither rule: exactly the gate as it was, and nothing new in report.json.
        let plain = GatePolicy {
            fail_on: vec![Severity::Critical],
            ..GatePolicy::default()
        };
        let g = plain.apply(&mut r);
        assert!(!g.failed && g.tripped().is_empty());
        let json = serde_json::to_string(&g).unwrap();
        assert_eq!(
            json,
            r#"{"failed":false,"fail_on":["CRITICAL"],"failing":0,"excluded":0}"#
        );

        let mut p = GatePolicy {
            fail_on_kev: true,
            fail_on_epss: Some(0.5),
            ..plain
        };
        let g = p.apply(&mut r);
        assert!(g.failed);
        assert_eq!((g.failing_kev, g.failing_epss), (Some(1), Some(1)));
        assert_eq!(g.tripped(), [GateRule::Kev, GateRule::Epss]);
        assert_eq!(r.gate.as_ref(), Some(&g));

        // Excluded findings never trip a rule.
        p.ignore = vec![IgnoreRule {
            id: "CVE-1".into(),
            origin: ".trivyignore:1".into(),
            ..IgnoreRule::default()
        }];
        let g = p.apply(&mut r);
        assert_eq!(
            (g.failing_kev, g.failing_epss, g.excluded),
            (Some(0), Some(1), 1)
        );
        assert_eq!(g.tripped(), [GateRule::Epss]);
        p.fail_on_epss = Some(0.51);
        assert!(!p.apply(&mut r).failed);
    }

    /// `--exit-on-eol`: each scanned OS past its end of life, once, trips the gate; without the
    /// rule an end-of-life OS trips nothing.
    #[test]
    fn an_os_past_its_end_of_life_trips_only_the_eol_rule() {
        let os = |name: &str, eosl: bool| crate::Artifact {
            os: Some(crate::OsInfo {
                family: "debian".into(),
                name: name.into(),
                eosl,
            }),
            ..Default::default()
        };
        let mut r = Report {
            artifacts: vec![
                os("9", true),
                os("9", true),
                os("12", false),
                crate::Artifact::default(),
            ],
            ..Default::default()
        };
        let p = GatePolicy {
            fail_on_eol: true,
            ..GatePolicy::default()
        };
        let g = p.apply(&mut r);
        assert!(g.failed && g.has_rules());
        assert_eq!(g.eol, ["debian 9"]);
        assert_eq!(g.tripped(), [GateRule::Eol]);
        assert_eq!(
            crate::present::gate_verdict(&g),
            "gate failed: debian 9 past its end of life (--exit-on-eol)"
        );
        let g = GatePolicy::default().apply(&mut r);
        assert!(!g.failed && g.eol.is_empty() && g.tripped().is_empty());
        r.artifacts.truncate(0);
        let g = p.apply(&mut r);
        assert_eq!(
            crate::present::gate_verdict(&g),
            "gate passed: no OS past its end of life"
        );
    }

    #[test]
    fn suppressed_and_passing_are_never_counted() {
        let mut pass = Finding {
            kind: Kind::Misconfiguration,
            severity: Severity::Critical,
            status: Some("PASS".into()),
            ..Finding::default()
        };
        let mut r = Report::default();
        r.findings.push(pass.clone());
        pass.status = Some("FAIL".into());
        pass.suppressed = Some(Suppression::default());
        r.findings.push(pass);
        let p = GatePolicy {
            fail_on: vec![Severity::Critical],
            ..GatePolicy::default()
        };
        assert!(!p.apply(&mut r).failed);
    }
}
