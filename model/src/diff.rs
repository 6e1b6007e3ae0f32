//! What changed between two scans: new, fixed and unchanged findings.
//!
//! Findings match by their [`Identity`]: kind, ID, package, image repository and target relative
//! to the artifact, so a new tag of the same image does not make every finding look new.

use crate::identity::Identity;
use crate::report::{Finding, Report, Severity};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The comparison of two reports. Only counted findings (see `Finding::is_counted`) take part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// In the new report and not in the old one.
    pub new: Vec<Finding>,
    /// In the old report and gone from the new one.
    pub fixed: Vec<Finding>,
    /// In both.
    pub unchanged: u64,
}

impl Diff {
    pub fn new_at(&self, severities: &[Severity]) -> usize {
        self.new
            .iter()
            .filter(|f| severities.contains(&f.severity))
            .count()
    }
}

pub fn diff(old: &Report, new: &Report) -> Diff {
    let mut old_keys: HashMap<Identity, usize> = HashMap::new();
    for f in old.findings.iter().filter(|f| f.is_counted()) {
        *old_keys.entry(Identity::of(old, f)).or_insert(0) += 1;
    }
    let mut out = Diff::default();
    let mut seen: HashMap<Identity, usize> = HashMap::new();
    for f in new.findings.iter().filter(|f| f.is_counted()) {
        let k = Identity::of(new, f);
        let had = old_keys.get(&k).copied().unwrap_or(0);
        let n = seen.entry(k).or_insert(0);
        *n += 1;
        if *n <= had {
            out.unchanged += 1;
        } else {
            out.new.push(f.clone());
        }
    }
    let mut remaining: HashMap<Identity, usize> = HashMap::new();
    for f in new.findings.iter().filter(|f| f.is_counted()) {
        *remaining.entry(Identity::of(new, f)).or_insert(0) += 1;
    }
    for f in old.findings.iter().filter(|f| f.is_counted()) {
        let k = Identity::of(old, f);
        match remaining.get_mut(&k) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.fixed.push(f.clone()),
        }
    }
    let order = |a: &Finding, b: &Finding| {
        (a.severity, a.cvss_rank(), &a.id, a.package_name()).cmp(&(
            b.severity,
            b.cvss_rank(),
            &b.id,
            b.package_name(),
        ))
    };
    out.new.sort_by(order);
    out.fixed.sort_by(order);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Artifact, Package};

    fn report(name: &str, findings: &[(&str, &str)]) -> Report {
        Report {
            artifacts: vec![Artifact {
                name: name.into(),
                ..Artifact::default()
            }],
            findings: findings
                .iter()
                .map(|(id, pkg)| Finding {
                    id: id.to_string(),
                    severity: Severity::High,
                    target: format!("{name} (debian 12.5)"),
                    package: Some(std::sync::Arc::new(Package {
                        name: pkg.to_string(),
                        ..Package::default()
                    })),
                    ..Finding::default()
                })
                .collect(),
            ..Report::default()
        }
    }

    #[test]
    fn new_fixed_unchanged_across_tags() {
        let old = report("app:1", &[("CVE-1", "openssl"), ("CVE-2", "tar")]);
        let new = report(
            "app:2",
            &[("CVE-1", "openssl"), ("CVE-3", "zlib"), ("CVE-1", "libssl")],
        );
        let d = diff(&old, &new);
        assert_eq!(d.unchanged, 1);
        let ids: Vec<_> = d
            .new
            .iter()
            .map(|f| (f.id.as_str(), f.package_name()))
            .collect();
        assert_eq!(ids, vec![("CVE-1", "libssl"), ("CVE-3", "zlib")]);
        assert_eq!(d.fixed.len(), 1);
        assert_eq!(d.fixed[0].id, "CVE-2");
        assert_eq!(d.new_at(&[Severity::High]), 2);
        assert_eq!(d.new_at(&[Severity::Critical]), 0);
    }

    #[test]
    fn identical_reports_have_no_changes() {
        let r = report("app:1", &[("CVE-1", "openssl"), ("CVE-1", "openssl")]);
        let d = diff(&r, &r);
        assert!(d.new.is_empty() && d.fixed.is_empty());
        assert_eq!(d.unchanged, 2);
    }
}
