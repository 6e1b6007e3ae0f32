//! Ignore rules (`.trivyignore`, `.trivyignore.yaml`) with the meaning Trivy 0.76 gives them
//! (`pkg/result/ignore.go` and `filter.go`), checked against the real binary by
//! `generator/tests/trivy_differential.rs`:
//!
//! 1. IDs: a vulnerability by its ID only (not its vendor IDs), a misconfiguration by its ID or
//!    AVD ID, a secret by its rule ID, a license by its name, or, for an SPDX expression such as
//!    `MIT AND BSD-3-Clause`, when every license in it is ignored (only for expressions of
//!    licenses Trivy compares as written, see [`spdx_parts`]).
//! 2. `paths` (doublestar globs, see [`crate::glob`]): a vulnerability's target or package path
//!    (an absent one is the empty path), a misconfiguration's or secret's target, a license's
//!    file path. No paths match everything.
//! 3. `purls` only for vulnerabilities, compared as in [`crate::purl`]; a vulnerability with no
//!    purl is not held back by them.
//! 4. Expiry: a rule is applied up to its `expired_at` instant; a plain file's `exp:YYYY-MM-DD`
//!    is the start of that day (UTC), so on that day the rule no longer applies.
//! 5. The first rule that matches is the one the report names.

use crate::purl::Purl;
use crate::report::{Finding, Kind};

/// One entry of an ignore file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreRule {
    pub id: String,
    /// Which kind of finding the entry is for; `None` (a plain `.trivyignore`) is for all.
    pub kind: Option<Kind>,
    /// Doublestar globs; empty matches every path.
    pub paths: Vec<String>,
    /// Package URLs; empty matches every package.
    pub purls: Vec<Purl>,
    /// Seconds since the epoch after which the rule no longer applies.
    pub expires: Option<i64>,
    pub statement: String,
    /// Where the rule came from, e.g. `.trivyignore:3`, for the report.
    pub origin: String,
}

impl IgnoreRule {
    /// Whether the rule still applies at `now` (seconds since the epoch).
    pub fn is_active(&self, now: i64) -> bool {
        self.expires.is_none_or(|exp| exp >= now)
    }

    pub fn matches(&self, f: &Finding) -> bool {
        self.matches_within(f, &crate::glob::Work::default())
    }

    /// [`IgnoreRule::matches`], its path patterns spending from a gate run's `work`.
    pub fn matches_within(&self, f: &Finding, work: &crate::glob::Work) -> bool {
        self.matches_as(f, &f.id, work)
    }

    /// Whether the rule ignores `f` were its ID `id` (a license of an SPDX expression is matched
    /// as the finding with that license's name).
    fn matches_as(&self, f: &Finding, id: &str, work: &crate::glob::Work) -> bool {
        if self.kind.is_some_and(|k| k != f.kind) {
            return false;
        }
        match f.kind {
            Kind::Vulnerability => {
                let pkg = f.package.as_ref();
                let pkg_path = pkg.and_then(|p| p.path.as_deref()).unwrap_or("");
                self.id == id
                    && (self.path_matches(&f.target, work) || self.path_matches(pkg_path, work))
                    && self.purl_matches(pkg.and_then(|p| p.purl.as_deref()))
            }
            Kind::Misconfiguration => {
                // Trivy also tries an empty AVD ID; rules always have an ID here.
                (self.id == id || f.aliases.contains(&self.id))
                    && self.path_matches(&f.target, work)
            }
            Kind::Secret => self.id == id && self.path_matches(&f.target, work),
            Kind::License => {
                let file = f.license.as_ref().map_or("", |l| l.file_path.as_str());
                self.id == id && self.path_matches(file, work)
            }
        }
    }

    fn path_matches(&self, path: &str, work: &crate::glob::Work) -> bool {
        self.paths.is_empty()
            || self
                .paths
                .iter()
                .any(|p| crate::glob::matches_within(p, path, work))
    }

    fn purl_matches(&self, purl: Option<&str>) -> bool {
        let Some(purl) = purl.filter(|_| !self.purls.is_empty()) else {
            return true;
        };
        // A purl Trivy could not read would have stopped it; here it only means no match.
        Purl::parse(purl).is_ok_and(|target| self.purls.iter().any(|r| r.covers(&target)))
    }
}

/// The first active rule of `rules` that ignores `f`. A license written as an SPDX expression
/// is ignored when each license in it is (Trivy names no single rule then, nor does this: the
/// first rule of the expression's first license stands for it).
pub fn first_match<'a>(
    rules: &'a [IgnoreRule],
    f: &Finding,
    now: i64,
    work: &crate::glob::Work,
) -> Option<&'a IgnoreRule> {
    let active = || rules.iter().filter(|r| r.is_active(now));
    if let Some(r) = active().find(|r| r.matches_within(f, work)) {
        return Some(r);
    }
    if f.kind != Kind::License {
        return None;
    }
    let parts = spdx_parts(&f.id)?;
    let mut first = None;
    for part in parts {
        let r = active().find(|r| r.matches_as(f, part, work))?;
        first.get_or_insert(r);
    }
    first
}

/// SPDX license IDs Trivy 0.76 knows and, inside an expression, compares with a rule as
/// written: every ID of its SPDX list but the deprecated GNU ones (`GPL-2.0` is compared as
/// `GPL-2.0-only`). Written by `cargo xtask spdx-ids`, which asks the real binary; one per line.
const SPDX_AS_WRITTEN: &str = include_str!("spdx_ids.txt");

/// The licenses of an SPDX expression joined by `AND` / `OR` (or of one license in brackets),
/// or `None` when `expr` is not an expression, or holds anything Trivy would compare in another
/// form than it is written.
///
/// Trivy (`MatchLicense` in `pkg/result/ignore.go`) parses the expression, normalises each
/// license (`GPLv2` → `GPL-2.0-only`, `mit` → `MIT`, `Apache License 2.0` → `Apache-2.0`) with
/// its own tables, and never ignores an expression with `WITH` (the exception itself is then
/// compared as a license, and is none). Scanlens takes only the expressions whose every license
/// is one of [`SPDX_AS_WRITTEN`] exactly, so that it never ignores what Trivy keeps; the
/// others stay counted, even where Trivy's tables would ignore them (checked against the real
/// binary by `tests/tests/trivy_differential.rs`).
fn spdx_parts(expr: &str) -> Option<Vec<&str>> {
    let tokens = spdx_tokens(expr);
    let mut parts = Vec::new();
    let mut depth = 0usize;
    // Expecting a license or `(`; after one, an operator or `)`.
    let mut operand = true;
    for t in tokens {
        match (t, operand) {
            ("(", true) => depth += 1,
            (")", false) if depth > 0 => depth -= 1,
            (op, false) if op.eq_ignore_ascii_case("AND") || op.eq_ignore_ascii_case("OR") => {
                operand = true
            }
            (id, true) if is_spdx_as_written(id) => {
                parts.push(id);
                operand = false;
            }
            _ => return None,
        }
    }
    (!operand && depth == 0).then_some(parts)
}

fn is_spdx_as_written(id: &str) -> bool {
    static IDS: std::sync::OnceLock<Vec<&str>> = std::sync::OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let mut v: Vec<&str> = SPDX_AS_WRITTEN.lines().collect();
        v.sort_unstable();
        v
    });
    ids.binary_search(&id).is_ok()
}

/// `expr` split as Trivy's lexer splits it: at white space, with `(` and `)` tokens of their own.
fn spdx_tokens(expr: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    for word in expr.split_whitespace() {
        let mut rest = word;
        while let Some(i) = rest.find(['(', ')']) {
            if i > 0 {
                tokens.push(&rest[..i]);
            }
            tokens.push(&rest[i..i + 1]);
            rest = &rest[i + 1..];
        }
        if !rest.is_empty() {
            tokens.push(rest);
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{LicenseDetail, Package};

    fn vuln(target: &str, pkg_path: Option<&str>, purl: Option<&str>) -> Finding {
        Finding {
            kind: Kind::Vulnerability,
            id: "CVE-9".into(),
            aliases: vec!["DSA-1".into()],
            target: target.into(),
            package: Some(std::sync::Arc::new(Package {
                name: "lodash".into(),
                path: pkg_path.map(String::from),
                purl: purl.map(String::from),
                ..Package::default()
            })),
            ..Finding::default()
        }
    }

    fn rule(id: &str, paths: &[&str], purls: &[&str]) -> IgnoreRule {
        IgnoreRule {
            id: id.into(),
            kind: Some(Kind::Vulnerability),
            paths: paths.iter().map(|s| s.to_string()).collect(),
            purls: purls.iter().map(|s| Purl::parse(s).unwrap()).collect(),
            ..IgnoreRule::default()
        }
    }

    #[test]
    fn vulnerabilities_match_by_id_target_or_package_path_and_purl() {
        let f = vuln(
            "app/package-lock.json",
            Some("app/node_modules/lodash"),
            Some("pkg:npm/lodash@4.17.4"),
        );
        assert!(rule("CVE-9", &[], &[]).matches(&f));
        assert!(
            !rule("DSA-1", &[], &[]).matches(&f),
            "vendor IDs are not matched"
        );
        assert!(rule("CVE-9", &["app/*.json"], &[]).matches(&f));
        assert!(rule("CVE-9", &["**/node_modules/**"], &[]).matches(&f));
        assert!(!rule("CVE-9", &["other/**"], &[]).matches(&f));
        assert!(rule("CVE-9", &[], &["pkg:npm/lodash"]).matches(&f));
        assert!(!rule("CVE-9", &[], &["pkg:npm/lodash@1"]).matches(&f));
        let no_purl = vuln("t", None, None);
        assert!(rule("CVE-9", &[], &["pkg:npm/other"]).matches(&no_purl));
        assert!(rule("CVE-9", &["**"], &[]).matches(&vuln("", None, None)));
    }

    #[test]
    fn expiry_is_the_start_of_the_day() {
        let day = crate::date::parse_day("2026-11-30").unwrap();
        let r = IgnoreRule {
            expires: Some(day),
            ..rule("CVE-9", &[], &[])
        };
        assert!(r.is_active(day - 1));
        assert!(r.is_active(day));
        assert!(!r.is_active(day + 1));
    }

    #[test]
    fn licenses_by_file_path_and_expression_parts() {
        let lic = |name: &str, file: &str| Finding {
            kind: Kind::License,
            id: name.into(),
            license: Some(LicenseDetail {
                file_path: file.into(),
                ..LicenseDetail::default()
            }),
            target: "t".into(),
            ..Finding::default()
        };
        let r = |id: &str, paths: &[&str]| IgnoreRule {
            kind: None,
            ..rule(id, paths, &[])
        };
        assert!(r("MIT", &[]).matches(&lic("MIT", "")));
        assert!(
            !r("MIT", &["t"]).matches(&lic("MIT", "")),
            "the file path, not the target"
        );
        assert!(r("MIT", &["LICENSE"]).matches(&lic("MIT", "LICENSE")));
        let rules = [r("MIT", &[]), r("BSD-3-Clause", &[])];
        assert!(first_match(
            &rules,
            &lic("MIT AND BSD-3-Clause", ""),
            0,
            &crate::glob::Work::default()
        )
        .is_some());
        assert!(first_match(
            &rules,
            &lic("(MIT OR Apache-2.0)", ""),
            0,
            &crate::glob::Work::default()
        )
        .is_none());
        assert!(first_match(
            &rules[..1],
            &lic("MIT License", ""),
            0,
            &crate::glob::Work::default()
        )
        .is_none());
        assert_eq!(
            spdx_parts("(MIT or Apache-2.0) AND BSD-3-Clause"),
            Some(vec!["MIT", "Apache-2.0", "BSD-3-Clause"])
        );
    }

    #[test]
    fn license_expressions_trivy_keeps_are_not_split() {
        for kept in [
            // Trivy compares these parts in other forms than written.
            "LicenseRef-Proprietary AND MIT",
            "GPL-2.0 AND MIT",
            "GPL-2.0+ AND MIT",
            "mit AND bsd-3-clause",
            // An exception is compared as a license too, and is none.
            "GPL-2.0-only WITH Classpath-exception-2.0 OR MIT",
            // Not expressions Trivy's parser reads.
            "MIT AND",
            "AND MIT",
            "MIT AND AND Apache-2.0",
            "(MIT AND Apache-2.0",
            "MIT AND Apache-2.0)",
            "MIT () AND Apache-2.0",
            "MIT Apache-2.0",
            "",
        ] {
            assert_eq!(spdx_parts(kept), None, "{kept}");
        }
    }
}
