//! A tiny, deterministic Trivy vulnerability DB (schema version 2) of real Debian 12 advisories.
//!
//! Trivy cannot download its DB here, so the end-to-end tests scan offline against this one:
//! `$TRIVY_CACHE_DIR/db/trivy.db` (a bbolt file) plus `$TRIVY_CACHE_DIR/db/metadata.json`, with
//! `--skip-db-update --skip-java-db-update --offline-scan --skip-check-update`.
//!
//! Layout (as written by aquasecurity/trivy-db and read by trivy's Debian detector):
//! - bucket `"debian 12"` → nested bucket per **source** package (`apt`, `tar`, …) → key CVE-ID →
//!   advisory JSON: `{"FixedVersion": "…"}` for fixed ones, `{"Status": 2, "Severity": 1}` for
//!   unfixed ones (`Status` is trivy-db's integer enum: 2 = affected; `Severity` 1 = LOW). Trivy
//!   matches a binary package through its source package, so one advisory on `apt` is reported for
//!   both `apt` and `libapt-pkg6.0`.
//! - bucket `"vulnerability"` → key CVE-ID → detail JSON (`Title`, `Description`, `Severity`,
//!   `CweIDs`, `VendorSeverity` (integers), `CVSS` (per source), `References`, `PublishedDate`).
//! - bucket `"data-source"` → key `"debian 12"` → `{"ID": "debian", "Name": …, "URL": …}`.
//!
//! What the image built from a bookworm minbase rootfs (Debian 12.15) gets reported:
//! - CVE-2011-3374 on `apt` and `libapt-pkg6.0` (source `apt`): unfixed, status `affected`, LOW;
//! - CVE-2005-2541 on `tar`: unfixed, status `affected`, LOW;
//! - CVE-2026-8376 on `perl-base` (source `perl`): status `fixed`, FixedVersion
//!   `5.36.0-7+deb12u4` (a bookworm-security upload, newer than the point release's
//!   `5.36.0-7+deb12u3` that debootstrap installs);
//! - CVE-2024-2961 on `glibc` is fixed in `2.36-9+deb12u6` (DSA-5673-1), older than the installed
//!   `2.36-9+deb12u14`, so it must **not** be reported.
//!
//! Sources of the data: Debian package changelogs (fixed versions, verified in the packages),
//! the Debian security tracker (statuses, urgency) and NVD (descriptions, CVSS, CWE, dates).
//! Fields we could not verify are left out rather than invented (e.g. no CVSS for CVE-2026-8376,
//! whose Debian urgency is not yet assigned, so Trivy reports it as UNKNOWN).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use bbolt_rs::{Bolt, BucketRwApi, DbRwAPI, TxRwRefApi};
use serde_json::{json, Value};

/// The platform bucket Trivy looks up for Debian 12 images.
pub const PLATFORM: &str = "debian 12";

/// Trivy DB schema version (`metadata.json` `Version`).
pub const SCHEMA_VERSION: u32 = 2;

/// Fixed timestamps so that two runs write byte-identical files.
const UPDATED_AT: &str = "2026-11-01T00:00:00Z";
const NEXT_UPDATE: &str = "2999-01-01T00:00:00Z";

/// trivy-db `types.Status` values.
pub mod status {
    pub const NOT_AFFECTED: u8 = 1;
    pub const AFFECTED: u8 = 2;
    pub const FIXED: u8 = 3;
    pub const UNDER_INVESTIGATION: u8 = 4;
    pub const WILL_NOT_FIX: u8 = 5;
    pub const FIX_DEFERRED: u8 = 6;
    pub const END_OF_LIFE: u8 = 7;
}

/// trivy-db `types.Severity` values.
pub mod severity {
    pub const UNKNOWN: u8 = 0;
    pub const LOW: u8 = 1;
    pub const MEDIUM: u8 = 2;
    pub const HIGH: u8 = 3;
    pub const CRITICAL: u8 = 4;
}

/// One advisory: a CVE on a Debian source package in [`PLATFORM`].
#[derive(Debug, Clone, Copy)]
pub struct Advisory {
    pub vuln_id: &'static str,
    /// Debian **source** package name (bucket name).
    pub src_pkg: &'static str,
    /// `Some(v)`: fixed in `v`. `None`: unfixed (stored with [`status::AFFECTED`]).
    pub fixed_version: Option<&'static str>,
    /// Package-specific Debian urgency (only for unfixed advisories, as trivy-db does).
    pub severity: u8,
    pub vendor_ids: &'static [&'static str],
    /// trivy-db's status for an unfixed advisory; `None` is [`status::AFFECTED`].
    pub status: Option<u8>,
}

/// The advisories written to the DB, and what the tests expect from them.
pub const ADVISORIES: &[Advisory] = &[
    Advisory {
        vuln_id: "CVE-2011-3374",
        src_pkg: "apt",
        fixed_version: None,
        severity: severity::LOW, // Debian: unimportant
        vendor_ids: &[],
        status: None,
    },
    Advisory {
        vuln_id: "CVE-2005-2541",
        src_pkg: "tar",
        fixed_version: None,
        severity: severity::LOW, // Debian: unimportant
        vendor_ids: &[],
        status: None,
    },
    Advisory {
        vuln_id: "CVE-2026-8376",
        src_pkg: "perl",
        fixed_version: Some(FIXED_IN_NEWER_VERSION),
        severity: severity::UNKNOWN,
        vendor_ids: &[],
        status: None,
    },
    Advisory {
        vuln_id: "CVE-2024-2961",
        src_pkg: "glibc",
        fixed_version: Some("2.36-9+deb12u6"),
        severity: severity::UNKNOWN,
        vendor_ids: &["DSA-5673-1"],
        status: None,
    },
];

/// The advisory fixed in a version newer than bookworm's point release (reported as `fixed`).
pub const FIXED_IN_NEWER: &str = "CVE-2026-8376";
pub const FIXED_IN_NEWER_VERSION: &str = "5.36.0-7+deb12u4";
/// The advisory fixed in a version older than what bookworm installs (must not be reported).
pub const FIXED_IN_OLDER: &str = "CVE-2024-2961";

/// Vulnerability details (`vulnerability` bucket), sorted by ID.
pub fn vulnerability_details() -> Vec<(&'static str, Value)> {
    vec![
        (
            "CVE-2005-2541",
            json!({
                "Title": "tar: does not properly warn the user when extracting setuid or setgid files",
                "Description": "Tar 1.15.1 does not properly warn the user when extracting setuid or setgid files, which may allow local users or remote attackers to gain privileges.",
                "Severity": "HIGH",
                "VendorSeverity": { "debian": severity::LOW, "nvd": severity::HIGH },
                "CVSS": {
                    "nvd": { "V2Vector": "AV:N/AC:L/Au:N/C:C/I:C/A:C", "V2Score": 10.0 }
                },
                "References": [
                    "http://marc.info/?l=bugtraq&m=112327628230258&w=2",
                    "https://access.redhat.com/security/cve/CVE-2005-2541",
                    "https://nvd.nist.gov/vuln/detail/CVE-2005-2541",
                    "https://security-tracker.debian.org/tracker/CVE-2005-2541"
                ],
                "PublishedDate": "2005-08-10T04:00:00Z"
            }),
        ),
        (
            "CVE-2011-3374",
            json!({
                "Description": "It was found that apt-key in apt, all versions, do not correctly validate gpg keys with the master keyring, leading to a potential man-in-the-middle attack.",
                "Severity": "LOW",
                "CweIDs": ["CWE-347"],
                "VendorSeverity": { "debian": severity::LOW, "nvd": severity::LOW },
                "CVSS": {
                    "nvd": {
                        "V2Vector": "AV:N/AC:M/Au:N/C:N/I:P/A:N",
                        "V3Vector": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:L/A:N",
                        "V2Score": 4.3,
                        "V3Score": 3.7
                    }
                },
                "References": [
                    "https://access.redhat.com/security/cve/cve-2011-3374",
                    "https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=642480",
                    "https://people.canonical.com/~ubuntu-security/cve/2011/CVE-2011-3374.html",
                    "https://seclists.org/fulldisclosure/2011/Sep/221",
                    "https://security-tracker.debian.org/tracker/CVE-2011-3374",
                    "https://snyk.io/vuln/SNYK-LINUX-APT-116518",
                    "https://ubuntu.com/security/CVE-2011-3374"
                ],
                "PublishedDate": "2019-11-26T00:15:11.03Z"
            }),
        ),
        (
            "CVE-2024-2961",
            json!({
                "Title": "glibc: Out of bounds write in iconv may lead to remote code execution",
                "Description": "The iconv() function in the GNU C Library versions 2.39 and older may overflow the output buffer passed to it by up to 4 bytes when converting strings to the ISO-2022-CN-EXT character set, which may be used to crash an application or overwrite a neighbouring variable.",
                "CweIDs": ["CWE-787"],
                "References": [
                    "https://security-tracker.debian.org/tracker/CVE-2024-2961",
                    "https://security-tracker.debian.org/tracker/DSA-5673-1",
                    "https://sourceware.org/git/?p=glibc.git;a=blob;f=advisories/GLIBC-SA-2024-0004"
                ]
            }),
        ),
        (
            "CVE-2026-8376",
            json!({
                "Title": "perl: buffer overflow in Perl_study_chunk",
                "Description": "Perl through 5.43.10, when built for a 32-bit platform, can suffer a heap buffer overflow (after an integer overflow) in Perl_study_chunk while compiling a regular expression that repeats a fixed string.",
                "References": [
                    "https://bugs.debian.org/1137345",
                    "https://security-tracker.debian.org/tracker/CVE-2026-8376"
                ]
            }),
        ),
    ]
}

fn data_source() -> Value {
    json!({
        "ID": "debian",
        "Name": "Debian Security Tracker",
        "URL": "https://salsa.debian.org/security-tracker-team/security-tracker"
    })
}

fn advisory_json(a: &Advisory) -> Value {
    let mut v = serde_json::Map::new();
    if !a.vendor_ids.is_empty() {
        v.insert("VendorIDs".into(), json!(a.vendor_ids));
    }
    match a.fixed_version {
        Some(fixed) => {
            v.insert("FixedVersion".into(), json!(fixed));
        }
        None => {
            v.insert("Status".into(), json!(a.status.unwrap_or(status::AFFECTED)));
        }
    }
    if a.severity != severity::UNKNOWN {
        v.insert("Severity".into(), json!(a.severity));
    }
    Value::Object(v)
}

/// The content of `metadata.json`.
pub fn metadata() -> Value {
    json!({
        "Version": SCHEMA_VERSION,
        "NextUpdate": NEXT_UPDATE,
        "UpdatedAt": UPDATED_AT,
        "DownloadedAt": UPDATED_AT
    })
}

fn bolt_err(e: bbolt_rs::Error) -> anyhow::Error {
    anyhow::anyhow!("bbolt: {e}")
}

/// Writes `cache_dir/db/trivy.db` and `cache_dir/db/metadata.json` (replacing old ones) and
/// returns the path of `trivy.db`. `cache_dir` is what Trivy calls `--cache-dir` /
/// `TRIVY_CACHE_DIR`. The DB is written to a temporary name and renamed into place, so a
/// concurrent reader never sees a half-written file.
pub fn write(cache_dir: &Path) -> Result<PathBuf> {
    write_with(cache_dir, ADVISORIES, &vulnerability_details())
}

/// Like [`write`], with other advisories and details (tests that need statuses the real ones do
/// not have).
pub fn write_with(
    cache_dir: &Path,
    advisories: &[Advisory],
    details: &[(&str, Value)],
) -> Result<PathBuf> {
    let db_dir = cache_dir.join("db");
    fs::create_dir_all(&db_dir).with_context(|| format!("creating {}", db_dir.display()))?;
    let db_path = db_dir.join("trivy.db");
    let tmp_path = db_dir.join(format!("trivy.db.tmp-{}", std::process::id()));
    let _ = fs::remove_file(&tmp_path);

    {
        let mut db = Bolt::open(&tmp_path)
            .map_err(bolt_err)
            .with_context(|| format!("opening {}", tmp_path.display()))?;
        db.update(|mut tx| {
            {
                let mut b = tx.create_bucket_if_not_exists("data-source")?;
                b.put(PLATFORM, data_source().to_string())?;
            }
            {
                let mut platform = tx.create_bucket_if_not_exists(PLATFORM)?;
                for a in advisories {
                    let mut pkg = platform.create_bucket_if_not_exists(a.src_pkg)?;
                    pkg.put(a.vuln_id, advisory_json(a).to_string())?;
                }
            }
            {
                let mut b = tx.create_bucket_if_not_exists("vulnerability")?;
                for (id, detail) in details {
                    b.put(*id, detail.to_string())?;
                }
            }
            Ok(())
        })
        .map_err(bolt_err)
        .context("writing trivy.db")?;
        db.sync().map_err(bolt_err)?;
    }
    fs::rename(&tmp_path, &db_path)
        .with_context(|| format!("renaming into {}", db_path.display()))?;

    let meta_path = db_dir.join("metadata.json");
    let meta_tmp = db_dir.join(format!("metadata.json.tmp-{}", std::process::id()));
    fs::write(&meta_tmp, serde_json::to_vec_pretty(&metadata())?)
        .with_context(|| format!("writing {}", meta_tmp.display()))?;
    fs::rename(&meta_tmp, &meta_path)?;
    Ok(db_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_advisory_has_details() {
        let details = vulnerability_details();
        for a in ADVISORIES {
            assert!(
                details.iter().any(|(id, _)| *id == a.vuln_id),
                "{} has no detail",
                a.vuln_id
            );
        }
    }

    #[test]
    fn writes_deterministic_files() {
        let base = std::env::temp_dir().join(format!("xtask-trivydb-{}", std::process::id()));
        let a = base.join("a");
        let b = base.join("b");
        write(&a).unwrap();
        write(&b).unwrap();
        for f in ["db/trivy.db", "db/metadata.json"] {
            let x = fs::read(a.join(f)).unwrap();
            let y = fs::read(b.join(f)).unwrap();
            assert!(!x.is_empty());
            assert!(x == y, "{f} differs between two runs");
        }
        let meta: Value =
            serde_json::from_slice(&fs::read(a.join("db/metadata.json")).unwrap()).unwrap();
        assert_eq!(meta["Version"], 2);
        fs::remove_dir_all(&base).unwrap();
    }
}
