//! When two findings are "the same finding": across two scans (`scanlens diff`), across uploads
//! of a SARIF file (its `partialFingerprints`, which GitHub uses to keep an alert and its
//! dismissal), and wherever else a finding is named.
//!
//! A finding is its kind, ID, package (name and path), the repository of the image it was found
//! in, and its target relative to the scanned artifact. Trivy writes the image reference into OS
//! targets (`app:1.2 (debian 12.5)`): taken relative to the artifact name, `app:1.3`'s finding is
//! the same as `app:1.2`'s. The installed version is left out, so a package upgraded without a
//! fix is still the same open finding.

pub use crate::image::repository;
use crate::report::{Finding, Kind, Report};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity<'a> {
    pub kind: Kind,
    pub id: &'a str,
    pub package: &'a str,
    pub package_path: &'a str,
    /// The artifact's repository: its name without tag or digest.
    pub repository: &'a str,
    /// The target, relative to the artifact's name.
    pub target: &'a str,
}

impl<'a> Identity<'a> {
    pub fn of(report: &'a Report, f: &'a Finding) -> Identity<'a> {
        let artifact = report
            .artifacts
            .get(f.artifact as usize)
            .map_or("", |a| a.name.as_str());
        let target = match f.target.strip_prefix(artifact) {
            Some(rest) if !artifact.is_empty() => rest.trim(),
            _ => f.target.as_str(),
        };
        let package = f.package.as_ref();
        Identity {
            kind: f.kind,
            id: &f.id,
            package: package.map_or("", |p| p.name.as_str()),
            package_path: package.and_then(|p| p.path.as_deref()).unwrap_or(""),
            repository: repository(artifact),
            target,
        }
    }

    /// The parts in order, for hashing (each is then followed by a NUL, which none contains
    /// where it matters: a NUL in an untrusted part only makes it another finding).
    pub fn parts(&self) -> [&'a str; 6] {
        [
            self.kind.as_str(),
            self.id,
            self.package,
            self.package_path,
            self.repository,
            self.target,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Artifact, Package};

    #[test]
    fn a_new_tag_is_the_same_finding() {
        let report = |tag: &str, version: &str| Report {
            artifacts: vec![Artifact {
                name: format!("ghcr.io/acme/app:{tag}"),
                ..Artifact::default()
            }],
            findings: vec![Finding {
                kind: Kind::Vulnerability,
                id: "CVE-1".into(),
                target: format!("ghcr.io/acme/app:{tag} (debian 12.5)"),
                package: Some(std::sync::Arc::new(Package {
                    name: "openssl".into(),
                    installed_version: version.into(),
                    ..Package::default()
                })),
                ..Finding::default()
            }],
            ..Report::default()
        };
        let (a, b) = (report("1.2", "3.0.1"), report("1.3", "3.0.2"));
        let ia = Identity::of(&a, &a.findings[0]);
        assert_eq!(ia, Identity::of(&b, &b.findings[0]));
        assert_eq!(ia.target, "(debian 12.5)");
        assert_eq!(ia.repository, "ghcr.io/acme/app");
    }
}
