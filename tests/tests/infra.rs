//! The e2e infrastructure itself: a private dockerd, the local Debian base image, the test
//! images and an offline trivy with the small DB from `xtask trivy-db`.
//!
//! The tests share one engine with the base image (`Dockerd::shared`, stopped and cleaned up
//! when the binary exits); each builds its own tag and scans with a Trivy cache of its own.
//!
//! Run with `SCANLENS_E2E=1 cargo test -p scanlens-e2e --test infra -- --nocapture` to see the
//! timings.

use std::time::Instant;

use scanlens_e2e::{
    base_rootfs_tar, docker_dir, e2e, find_vuln, os_vulns, require, trivy_env, Dockerd, TempDir,
    TrivyEnv, BASE_IMAGE,
};
use serde_json::Value;
use xtask::trivydb::{FIXED_IN_NEWER, FIXED_IN_NEWER_VERSION, FIXED_IN_OLDER};

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let v = f();
    eprintln!("[timing] {what}: {:.1}s", start.elapsed().as_secs_f64());
    v
}

fn summary(vulns: &[&Value]) -> String {
    vulns
        .iter()
        .map(|v| {
            format!(
                "{} {} {} fixed={} status={}",
                v["VulnerabilityID"],
                v["PkgName"],
                v["InstalledVersion"],
                v["FixedVersion"],
                v["Status"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds `tests/docker/NAME` on the shared engine as `scanlens-e2e/NAME:TAG` and scans it with
/// trivy (vulnerabilities and secrets) and a cache of its own.
fn build_and_scan(name: &str, tag: &str) -> (Value, String) {
    let dockerd = require!(Dockerd::shared());
    let image = format!("scanlens-e2e/{name}:{tag}");
    timed(&format!("docker build tests/docker/{name}"), || {
        dockerd.build(&docker_dir(name), &image)
    })
    .expect("docker build");
    let cache = require!(TempDir::new(&format!("infra-{name}-{tag}-trivy-cache")));
    let trivy = require!(trivy_env(cache.path()));
    let report = timed(&format!("trivy image {image}"), || {
        trivy.scan_image(dockerd, &image)
    })
    .expect("trivy image");
    (report, image)
}

fn config_trivy() -> (TrivyEnv, TempDir) {
    let cache = require!(TempDir::new("trivy-config-cache"));
    let trivy = require!(trivy_env(cache.path()));
    (trivy, cache)
}

#[test]
fn the_private_engine_starts_with_the_local_base_image() {
    if !e2e() {
        return;
    }
    let dockerd = require!(timed(
        "start dockerd and import the base image (first use in this binary)",
        Dockerd::shared
    ));
    require!(timed(
        "base rootfs tarball (debootstrap + tar unless cached)",
        base_rootfs_tar
    ));
    assert!(
        require!(dockerd.has_image(BASE_IMAGE)),
        "{BASE_IMAGE} missing on the shared engine"
    );
}

#[test]
fn trivy_finds_the_planted_advisories_in_the_app_image() {
    if !e2e() {
        return;
    }
    let (report, image) = build_and_scan("app", "advisories");

    assert_eq!(report["SchemaVersion"], 2);
    assert_eq!(report["ArtifactName"], image.as_str());
    assert_eq!(report["Metadata"]["OS"]["Family"], "debian");
    assert!(
        report["Metadata"]["OS"]["Name"]
            .as_str()
            .is_some_and(|n| n.starts_with("12")),
        "OS: {}",
        report["Metadata"]["OS"]
    );

    let vulns = os_vulns(&report);
    let all = summary(&vulns);

    // Unfixed in bookworm, reported for both binary packages built from source package apt.
    for pkg in ["apt", "libapt-pkg6.0"] {
        let v = find_vuln(&vulns, "CVE-2011-3374", pkg)
            .unwrap_or_else(|| panic!("CVE-2011-3374 on {pkg} missing; got:\n{all}"));
        assert_eq!(v["Status"], "affected", "{v}");
        assert_eq!(v["Severity"], "LOW", "{v}");
        assert_eq!(v["SeveritySource"], "debian", "{v}");
        assert!(v.get("FixedVersion").is_none(), "{v}");
        assert_eq!(v["DataSource"]["ID"], "debian", "{v}");
        assert_eq!(v["CVSS"]["nvd"]["V3Score"], 3.7, "{v}");
        assert_eq!(v["CweIDs"][0], "CWE-347", "{v}");
    }
    let tar = find_vuln(&vulns, "CVE-2005-2541", "tar")
        .unwrap_or_else(|| panic!("CVE-2005-2541 on tar missing; got:\n{all}"));
    assert_eq!(tar["Status"], "affected", "{tar}");
    assert_eq!(tar["Severity"], "LOW", "{tar}");
    assert_eq!(
        tar["Title"],
        "tar: does not properly warn the user when extracting setuid or setgid files"
    );

    // Fixed in bookworm-security, newer than the point release debootstrap installs.
    let perl = find_vuln(&vulns, FIXED_IN_NEWER, "perl-base").unwrap_or_else(|| {
        panic!(
            "{FIXED_IN_NEWER} on perl-base missing (if bookworm's point release now ships perl \
             {FIXED_IN_NEWER_VERSION} or later, pick another fixed-in-newer advisory in \
             xtask/src/trivydb.rs); got:\n{all}"
        )
    });
    assert_eq!(perl["Status"], "fixed", "{perl}");
    assert_eq!(perl["FixedVersion"], FIXED_IN_NEWER_VERSION, "{perl}");
    assert_eq!(perl["Severity"], "UNKNOWN", "{perl}");

    // Fixed in a version older than the installed glibc: must not be reported.
    assert!(
        !vulns.iter().any(|v| v["VulnerabilityID"] == FIXED_IN_OLDER),
        "{FIXED_IN_OLDER} must not be reported; got:\n{all}"
    );
    assert_eq!(vulns.len(), 4, "unexpected vulnerabilities:\n{all}");
}

#[test]
fn trivy_finds_the_planted_aws_key_pair_in_the_app_image() {
    if !e2e() {
        return;
    }
    let (report, _) = build_and_scan("app", "secrets");
    let secrets: Vec<&Value> = report["Results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["Class"] == "secret")
        .flat_map(|r| {
            r["Secrets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |s| (r, s))
        })
        .filter(|(r, _)| r["Target"] == "/opt/app/app.env")
        .map(|(_, s)| s)
        .collect();
    let key_id = secrets
        .iter()
        .find(|s| s["RuleID"] == "aws-access-key-id")
        .unwrap_or_else(|| panic!("no aws-access-key-id secret in {secrets:?}"));
    assert_eq!(key_id["Severity"], "CRITICAL");
    assert_eq!(key_id["Category"], "AWS");
    assert!(
        secrets
            .iter()
            .any(|s| s["RuleID"] == "aws-secret-access-key" && s["Severity"] == "CRITICAL"),
        "no aws-secret-access-key secret in {secrets:?}"
    );
}

/// Its RUN step needs a working container runtime in the private engine.
#[test]
fn the_second_image_builds_with_a_run_step_and_holds_no_tar_and_no_secret() {
    if !e2e() {
        return;
    }
    let (report2, _) = build_and_scan("second", "infra");
    let vulns2 = os_vulns(&report2);
    let all2 = summary(&vulns2);
    assert!(
        find_vuln(&vulns2, "CVE-2011-3374", "apt").is_some(),
        "{all2}"
    );
    assert!(
        find_vuln(&vulns2, "CVE-2005-2541", "tar").is_none(),
        "{all2}"
    );
    assert!(
        !report2["Results"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["Class"] == "secret"),
        "second image has no secret: {}",
        report2["Results"]
    );
}

#[test]
fn trivy_config_flags_the_root_user_of_the_app_dockerfile() {
    if !e2e() {
        return;
    }
    let (trivy, _cache) = config_trivy();
    let report =
        timed("trivy config", || trivy.scan_config(&docker_dir("app"))).expect("trivy config");
    let misconfs: Vec<&Value> = report["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["Target"] == "Dockerfile")
        .flat_map(|r| r["Misconfigurations"].as_array().into_iter().flatten())
        .collect();
    let ds2 = misconfs
        .iter()
        .find(|m| m["ID"] == "DS-0002")
        .unwrap_or_else(|| panic!("DS-0002 missing in {misconfs:?}"));
    assert_eq!(ds2["Status"], "FAIL");
    assert_eq!(ds2["Severity"], "HIGH");
}

/// The second image runs as a user with a HEALTHCHECK: neither DS-0002 nor DS-0026.
#[test]
fn trivy_config_passes_the_user_and_healthcheck_of_the_second_dockerfile() {
    if !e2e() {
        return;
    }
    let (trivy, _cache) = config_trivy();
    let second = trivy
        .scan_config(&docker_dir("second"))
        .expect("trivy config second");
    let ids: Vec<&Value> = second["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["Misconfigurations"].as_array().into_iter().flatten())
        .filter(|m| m["Status"] == "FAIL")
        .map(|m| &m["ID"])
        .collect();
    assert!(
        !ids.iter().any(|id| *id == "DS-0002" || *id == "DS-0026"),
        "second: {ids:?}"
    );
}
