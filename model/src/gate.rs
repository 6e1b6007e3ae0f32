//! The pipeline gate: which findings count towards failing a build.
//!
//! The report always keeps every finding. The gate only marks the ones its filters exclude
//! (`Finding::excluded`) and decides pass or fail from the rest, with Trivy's meanings for
//! `--ignore-unfixed`, `--pkg-types` and ignore files.

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

    fn matches(self, class: &str) -> bool {
        match self {
            PkgType::Os => class == "os-pkgs",
            PkgType::Library => class == "lang-pkgs",
        }
    }
}

/// One entry of a `.trivyignore` or `.trivyignore.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreRule {
    /// The ID to match: vulnerability ID or alias, check ID or AVD ID, secret rule ID, license name.
    pub id: String,
    /// Which kind of finding this entry applies to; `None` (plain `.trivyignore`) applies to all.
    pub kind: Option<Kind>,
    /// Glob patterns over the finding's target or package path; empty matches every path.
    pub paths: Vec<String>,
    /// Package URLs; empty matches every package.
    pub purls: Vec<String>,
    /// `YYYY-MM-DD`: the entry stops applying after this day.
    pub expires: Option<String>,
    pub statement: String,
    /// Where the rule came from, e.g. `.trivyignore:3`, for the report.
    pub origin: String,
}

impl IgnoreRule {
    fn is_expired(&self, today: &str) -> bool {
        // Dates in ISO form compare correctly as strings; Trivy keeps a rule through its expiry day.
        self.expires
            .as_deref()
            .is_some_and(|d| !today.is_empty() && d.get(..10).unwrap_or(d) < today)
    }

    fn matches(&self, f: &Finding) -> bool {
        if self.kind.is_some_and(|k| k != f.kind) {
            return false;
        }
        let id_match = f.id == self.id || f.aliases.contains(&self.id);
        if !id_match {
            return false;
        }
        if !self.paths.is_empty() {
            let pkg_path = f.package.as_ref().and_then(|p| p.path.as_deref());
            let file_path = f.license.as_ref().map(|l| l.file_path.as_str());
            let candidates = [Some(f.target.as_str()), pkg_path, file_path];
            let hit = self.paths.iter().any(|pat| {
                candidates
                    .iter()
                    .flatten()
                    .any(|p| !p.is_empty() && glob_match(pat, p))
            });
            if !hit {
                return false;
            }
        }
        if !self.purls.is_empty() {
            let purl = f.package.as_ref().and_then(|p| p.purl.as_deref());
            if !purl.is_some_and(|p| self.purls.iter().any(|x| x == p)) {
                return false;
            }
        }
        true
    }
}

/// The gate's settings.
#[derive(Debug, Clone, Default)]
pub struct GatePolicy {
    /// Severities that fail the gate; empty means the gate never fails.
    pub fail_on: Vec<Severity>,
    pub ignore_unfixed: bool,
    /// Restricts vulnerabilities to these package types; empty means all.
    pub pkg_types: Vec<PkgType>,
    pub ignore: Vec<IgnoreRule>,
    /// Today's date, `YYYY-MM-DD`, for rule expiry (the model does no I/O, so the caller supplies it).
    pub today: String,
}

impl GatePolicy {
    /// Why the gate leaves this finding out, if it does.
    pub fn exclusion(&self, f: &Finding) -> Option<Exclusion> {
        if f.kind == Kind::Vulnerability {
            if self.ignore_unfixed && f.is_unfixed() {
                return Some(Exclusion::Unfixed);
            }
            if !self.pkg_types.is_empty() && !self.pkg_types.iter().any(|t| t.matches(&f.class)) {
                return Some(Exclusion::PkgType);
            }
        }
        self.ignore
            .iter()
            .find(|r| !r.is_expired(&self.today) && r.matches(f))
            .map(|r| Exclusion::Ignored {
                rule: r.origin.clone(),
                statement: r.statement.clone(),
            })
    }

    /// Marks excluded findings in `report` and records the verdict in `report.gate`.
    pub fn apply(&self, report: &mut Report) -> GateResult {
        let mut result = GateResult {
            fail_on: self.fail_on.clone(),
            ..GateResult::default()
        };
        for f in &mut report.findings {
            f.excluded = None;
            if !f.is_counted() {
                continue;
            }
            f.excluded = self.exclusion(f);
            if f.excluded.is_some() {
                result.excluded += 1;
            } else if self.fail_on.contains(&f.severity) {
                result.failing += 1;
            }
        }
        result.failed = result.failing > 0;
        report.gate = Some(result.clone());
        result
    }
}

/// Matches `*` (within a path segment), `**` (across segments) and `?`, as Trivy's path globs do.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => {
                let rest = &p[2..];
                let rest = rest.strip_prefix(b"/").unwrap_or(rest);
                (0..=t.len()).any(|i| go(rest, &t[i..]))
            }
            Some(b'*') => {
                let rest = &p[1..];
                for i in 0..=t.len() {
                    if go(rest, &t[i..]) {
                        return true;
                    }
                    if t.get(i) == Some(&b'/') {
                        break;
                    }
                }
                false
            }
            Some(b'?') => !t.is_empty() && t[0] != b'/' && go(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
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
            package: Some(Package {
                name: "lodash".into(),
                purl: Some("pkg:npm/lodash@4.17.4".into()),
                ..Package::default()
            }),
            ..Finding::default()
        }
    }

    #[test]
    fn glob() {
        assert!(glob_match("app/*.json", "app/package-lock.json"));
        assert!(!glob_match("*.json", "app/package-lock.json"));
        assert!(glob_match("**/*.json", "app/x/package-lock.json"));
        assert!(glob_match("**", "anything/at/all"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "a/c"));
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
    fn ignore_unfixed_uses_trivy_statuses() {
        let p = GatePolicy {
            ignore_unfixed: true,
            ..GatePolicy::default()
        };
        for s in ["affected", "will_not_fix", "fix_deferred", "end_of_life"] {
            assert_eq!(
                p.exclusion(&vuln("C", Severity::High, s, "os-pkgs")),
                Some(Exclusion::Unfixed),
                "{s}"
            );
        }
        for s in ["fixed", "under_investigation", "unknown"] {
            assert_eq!(p.exclusion(&vuln("C", Severity::High, s, "os-pkgs")), None);
        }
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
    fn ignore_rules_match_id_path_purl_and_expire() {
        let f = vuln("CVE-9", Severity::Critical, "fixed", "lang-pkgs");
        let rule = |paths: Vec<&str>, purls: Vec<&str>, exp: Option<&str>| GatePolicy {
            ignore: vec![IgnoreRule {
                id: "CVE-9".into(),
                kind: Some(Kind::Vulnerability),
                paths: paths.into_iter().map(String::from).collect(),
                purls: purls.into_iter().map(String::from).collect(),
                expires: exp.map(String::from),
                origin: ".trivyignore.yaml".into(),
                ..IgnoreRule::default()
            }],
            today: "2026-11-23".into(),
            ..GatePolicy::default()
        };
        assert!(rule(vec![], vec![], None).exclusion(&f).is_some());
        assert!(rule(vec!["app/*"], vec![], None).exclusion(&f).is_some());
        assert!(rule(vec!["other/*"], vec![], None).exclusion(&f).is_none());
        assert!(rule(vec![], vec!["pkg:npm/lodash@4.17.4"], None)
            .exclusion(&f)
            .is_some());
        assert!(rule(vec![], vec!["pkg:npm/other@1"], None)
            .exclusion(&f)
            .is_none());
        assert!(rule(vec![], vec![], Some("2026-11-23"))
            .exclusion(&f)
            .is_some());
        assert!(rule(vec![], vec![], Some("2026-11-22"))
            .exclusion(&f)
            .is_none());
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
