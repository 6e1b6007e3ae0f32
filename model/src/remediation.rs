//! The fix plan: for each package with fixable vulnerabilities, the version to upgrade to, which
//! vulnerabilities that fixes, and which no listed version fixes yet; most urgent first.
//!
//! 1. Counted vulnerabilities are grouped by artifact, target, package, installed version and
//!    result type.
//! 2. Each fixable one (the one meaning of fixed, [`fix_available`]) gets the version to upgrade
//!    to, [`versions::upgrade`]: the lowest listed fixed version above the installed one, on its
//!    release line when one is listed. The package's is the highest of those, which fixes them
//!    all. Every counted fixable vulnerability is in exactly one entry's `fixes`.
//! 3. Where the ecosystem's version order is not known, or a fixed version cannot be read, the
//!    entry says so in `note` (and `upgrade_to` is `null` when no version can be chosen) rather
//!    than guess.
//! 4. Entries are ordered by known-exploited vulnerabilities fixed, then by severity counts,
//!    then by the highest EPSS score, then by target and package.

use crate::report::*;
use crate::versions;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

/// The fix plan of `report` (see the module doc).
pub fn plan(report: &Report) -> Vec<Remediation> {
    plan_where(report, |_| true)
}

/// The fix plan of the counted vulnerabilities of `report` that `keep` keeps: summary.md's
/// "Fix first" plans only those the gate did not exclude, so that the versions, notes and order
/// come from them alone.
pub fn plan_where(report: &Report, keep: impl Fn(&Finding) -> bool) -> Vec<Remediation> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    // Grouping was most of the plan's time at 100,000 findings (hashing and comparing five
    // strings per finding), so it is done in two steps. A Trivy result's findings are
    // consecutive and share artifact, target and type: those three are looked up once per run
    // of findings (`place`). Within a place, findings of one package are mostly consecutive and
    // share the one `Arc<Package>`, so the last group is tried before the hash of name and
    // version. FxHash: keys are the report's own strings, not chosen to collide; SipHash was a
    // quarter of the plan's time.
    let mut places: FxHashMap<(u32, &str, &str), u32> = FxHashMap::default();
    let mut at: FxHashMap<(u32, &str, &str), usize> = FxHashMap::default();
    let mut last_place: Option<(u32, &str, &str, u32)> = None;
    let mut last: Option<(u32, &Package, usize)> = None;
    for f in &report.findings {
        if f.kind != Kind::Vulnerability || !f.is_counted() || !keep(f) {
            continue;
        }
        let Some(p) = f.package.as_deref() else {
            continue;
        };
        let place = match last_place {
            Some((a, t, ty, id))
                if a == f.artifact && t == f.target.as_str() && ty == f.target_type.as_str() =>
            {
                id
            }
            _ => {
                let next = places.len() as u32;
                let key = (f.artifact, f.target.as_str(), f.target_type.as_str());
                let id = *places.entry(key).or_insert(next);
                last_place = Some((key.0, key.1, key.2, id));
                id
            }
        };
        let slot = match last {
            Some((lp, lpkg, slot))
                if lp == place
                    && (std::ptr::eq(lpkg, p)
                        || (lpkg.name == p.name
                            && lpkg.installed_version == p.installed_version)) =>
            {
                slot
            }
            _ => *at
                .entry((place, p.name.as_str(), p.installed_version.as_str()))
                .or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                }),
        };
        last = Some((place, p, slot));
        groups[slot].push(f);
    }
    let fixable = |g: &&Vec<&Finding>| g.iter().any(|f| f.is_fixable());
    // Each entry reads its versions and copies its IDs (about 60% of the plan's time at 100,000
    // findings), independently of the others: on every core where the generator asks. Both
    // keep the groups' order, which the stable sort below keeps among equals.
    #[cfg(feature = "parallel")]
    let mut entries: Vec<(Urgency, Remediation)> = {
        use rayon::prelude::*;
        groups
            .par_iter()
            .filter(fixable)
            .map(|g| entry(g))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let mut entries: Vec<(Urgency, Remediation)> =
        groups.iter().filter(fixable).map(|g| entry(g)).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().map(|(_, r)| r).collect()
}

/// How urgent an entry is; smaller sorts first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Urgency {
    kev: std::cmp::Reverse<usize>,
    severities: [std::cmp::Reverse<u64>; 5],
    /// The highest EPSS score, in millionths.
    epss: std::cmp::Reverse<u64>,
    target: String,
    package: String,
}

fn entry(group: &[&Finding]) -> (Urgency, Remediation) {
    let first = group[0];
    let p = first.package.as_deref().expect("grouped by package");
    let eco = versions::ecosystem(&first.class, &first.target_type);
    let (fixable, unfixed): (Vec<&Finding>, Vec<&Finding>) =
        group.iter().copied().partition(|f| f.is_fixable());
    let mut notes: Vec<String> = Vec::new();
    let mut choices: Vec<&str> = Vec::new();
    let mut unordered: Vec<&str> = Vec::new();
    let mut off_line = false;
    // A package's advisories often list the same fixed versions (a distribution's advisories
    // name its one release of the fix), so each distinct list is read once, and each distinct
    // choice compared once: reading versions was over half of the plan's instructions at
    // 100,000 findings (callgrind).
    let mut upgrades: FxHashMap<&str, Option<versions::Upgrade>> = FxHashMap::default();
    let mut chosen: FxHashSet<&str> = FxHashSet::default();
    for f in &fixable {
        let fixed = f
            .package
            .as_deref()
            .map_or("", |p| p.fixed_version.as_str());
        let upgrade = *upgrades
            .entry(fixed)
            .or_insert_with(|| eco.and_then(|e| versions::upgrade(e, &p.installed_version, fixed)));
        match upgrade {
            Some(u) => {
                if chosen.insert(u.version) {
                    choices.push(u.version);
                }
                off_line |= !u.same_branch;
            }
            None => unordered.push(&f.id),
        }
    }
    let upgrade_to = eco
        .and_then(|e| versions::package_upgrade(e, choices.iter().copied()))
        .map(str::to_string);
    match eco {
        None => notes.push(format!(
            "scanlens does not know the version order of {} packages; pick the newest of the fixed versions listed ({})",
            if first.target_type.is_empty() { "these" } else { &first.target_type },
            listed(&fixable)
        )),
        Some(e) if !unordered.is_empty() && !versions::readable(e, &p.installed_version) => {
            notes.push(format!(
                "the installed version {} cannot be read as a {} version; pick the newest of the fixed versions listed ({})",
                p.installed_version,
                e.as_str(),
                listed(&fixable)
            ))
        }
        Some(_) if !unordered.is_empty() => notes.push(format!(
            "no listed fixed version of {} is above {} {}; check them",
            join(&unordered),
            p.name,
            p.installed_version
        )),
        Some(_) => {}
    }
    if let (Some(to), true) = (&upgrade_to, off_line) {
        notes.push(format!(
            "{to} leaves the installed release line of {}; check compatibility",
            p.installed_version
        ));
    }
    let fixes = ids(&fixable);
    let mut counts = SeverityCounts::default();
    let mut seen = FxHashSet::default();
    for f in &fixable {
        if seen.insert(f.id.as_str()) {
            counts.add(f.severity);
        }
    }
    let kev = fixable
        .iter()
        .filter(|f| f.kev.listed().is_some())
        .map(|f| f.id.as_str())
        .collect::<BTreeSet<_>>()
        .len();
    let epss = fixable
        .iter()
        .filter_map(|f| f.epss.listed())
        .map(|e| (e.score * 1e6) as u64)
        .max()
        .unwrap_or(0);
    use std::cmp::Reverse;
    let urgency = Urgency {
        kev: Reverse(kev),
        severities: Severity::ALL.map(|s| Reverse(counts.get(s))),
        epss: Reverse(epss),
        target: first.target.clone(),
        package: p.name.clone(),
    };
    let remediation = Remediation {
        target: first.target.clone(),
        package: p.name.clone(),
        installed: p.installed_version.clone(),
        target_type: first.target_type.clone(),
        upgrade_to,
        fixes,
        counts,
        unfixable: ids(&unfixed),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    };
    (urgency, remediation)
}

/// The distinct IDs of `findings`, in report order.
fn ids(findings: &[&Finding]) -> Vec<String> {
    let mut seen = FxHashSet::default();
    findings
        .iter()
        .filter(|f| seen.insert(f.id.as_str()))
        .map(|f| f.id.clone())
        .collect()
}

fn join(items: &[&str]) -> String {
    let mut seen = BTreeSet::new();
    items
        .iter()
        .filter(|i| seen.insert(**i))
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The fixed versions listed for `findings`, each once.
fn listed(findings: &[&Finding]) -> String {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for f in findings {
        for v in f
            .package
            .as_deref()
            .into_iter()
            .flat_map(|p| p.fixed_versions())
        {
            if seen.insert(v) {
                out.push(v);
            }
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn vuln(id: &str, sev: Severity, pkg: &str, installed: &str, fixed: &str) -> Finding {
        Finding {
            kind: Kind::Vulnerability,
            id: id.into(),
            severity: sev,
            target: "app/package-lock.json".into(),
            class: "lang-pkgs".into(),
            target_type: "npm".into(),
            status: Some(
                if fixed.is_empty() {
                    "affected"
                } else {
                    "fixed"
                }
                .into(),
            ),
            package: Some(Arc::new(Package {
                name: pkg.into(),
                installed_version: installed.into(),
                fixed_version: fixed.into(),
                ..Package::default()
            })),
            ..Finding::default()
        }
    }

    #[test]
    fn one_upgrade_per_package_fixing_every_fixable_vulnerability() {
        let report = Report {
            findings: vec![
                vuln("CVE-1", Severity::High, "lodash", "4.17.4", "4.17.5"),
                vuln("CVE-2", Severity::Critical, "lodash", "4.17.4", "4.17.21"),
                vuln("CVE-3", Severity::Low, "lodash", "4.17.4", ""),
                vuln(
                    "CVE-4",
                    Severity::Medium,
                    "minimist",
                    "1.2.0",
                    "0.2.4, 1.2.6",
                ),
                vuln("CVE-5", Severity::Low, "left-pad", "1.0.0", ""),
            ],
            ..Report::default()
        };
        let plan = plan(&report);
        assert_eq!(plan.len(), 2, "left-pad has nothing to upgrade to");
        let lodash = &plan[0];
        assert_eq!(lodash.package, "lodash");
        assert_eq!(lodash.upgrade_to.as_deref(), Some("4.17.21"));
        assert_eq!(lodash.fixes, ["CVE-1", "CVE-2"]);
        assert_eq!(lodash.unfixable, ["CVE-3"]);
        assert_eq!((lodash.counts.critical, lodash.counts.high), (1, 1));
        let minimist = &plan[1];
        assert_eq!(
            minimist.upgrade_to.as_deref(),
            Some("1.2.6"),
            "on the installed branch"
        );
        assert_eq!(minimist.note, None);
    }

    #[test]
    fn known_exploited_first_and_unknown_orders_said() {
        let mut kev = vuln(
            "CVE-9",
            Severity::Medium,
            "spring-beans",
            "5.3.15",
            "5.3.18, 5.2.20",
        );
        kev.class = "lang-pkgs".into();
        kev.target_type = "jar".into();
        kev.kev = Feed::Listed(Kev::default());
        let mut odd = vuln("CVE-8", Severity::Critical, "thing", "1", "2");
        odd.target_type = "unheard-of".into();
        let report = Report {
            findings: vec![odd, kev],
            ..Report::default()
        };
        let plan = plan(&report);
        assert_eq!(plan[0].package, "spring-beans", "a KEV fix comes first");
        assert_eq!(plan[0].upgrade_to.as_deref(), Some("5.3.18"));
        assert_eq!(plan[1].upgrade_to, None);
        assert!(plan[1]
            .note
            .as_deref()
            .unwrap()
            .contains("does not know the version order of unheard-of"));
        assert_eq!(plan[1].fixes, ["CVE-8"]);
    }
}
