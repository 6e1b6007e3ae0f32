//! Findings the unit tests of the view and the exports share.

use crate::compact::Dataset;
use crate::report::*;

pub(crate) fn f(id: &str, sev: Severity, pkg: &str, desc: &str) -> Finding {
    Finding {
        id: id.into(),
        severity: sev,
        target: "img (debian 12)".into(),
        class: "os-pkgs".into(),
        target_type: "debian".into(),
        title: format!("{pkg}: problem"),
        description: desc.into(),
        status: Some("fixed".into()),
        package: Some(std::sync::Arc::new(Package {
            name: pkg.into(),
            purl: Some(format!("pkg:deb/debian/{pkg}@1.0")),
            installed_version: "1.0".into(),
            fixed_version: "1.1".into(),
            ..Default::default()
        })),
        ..Default::default()
    }
}

pub(crate) fn ds() -> Dataset {
    let mut unfixed = f("CVE-2024-0003", Severity::Low, "zlib", "zlib thing");
    unfixed.status = Some("affected".into());
    std::sync::Arc::make_mut(unfixed.package.as_mut().unwrap())
        .fixed_version
        .clear();
    let mut suppressed = f("CVE-2024-0004", Severity::High, "curl", "curl thing");
    suppressed.suppressed = Some(Suppression {
        status: "not_affected".into(),
        ..Default::default()
    });
    let mut secret = f("aws-access-key-id", Severity::Critical, "", "");
    secret.kind = Kind::Secret;
    secret.package = None;
    secret.target = "/app/.env".into();
    secret.class = "secret".into();
    secret.target_type = String::new();
    Dataset::from_report(&Report {
        findings: vec![
            f(
                "CVE-2023-0286",
                Severity::High,
                "openssl",
                "X.400 address type confusion",
            ),
            f(
                "CVE-2023-0286",
                Severity::High,
                "libssl3",
                "X.400 address type confusion",
            ),
            f(
                "CVE-2024-0001",
                Severity::Critical,
                "glibc",
                "buffer overflow",
            ),
            unfixed,
            suppressed,
            secret,
        ],
        ..Default::default()
    })
}
