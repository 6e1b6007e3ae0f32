//! The folder names scanlens gives images and scans under `images/`, and the only ones it takes
//! back from `data/site.json`.
//!
//! Both become paths and links, and site.json comes back from a previous CI run or a bucket, so
//! a name is accepted only if [`slug`] or [`scan_id`] could have made it: a [`Slug`] or a
//! [`ScanId`] is always one plain folder name inside its parent, whatever the file said.

use scanlens_model::Report;
use serde::{Deserialize, Serialize};
use std::fmt;

/// [`slug`] cuts names here, leaving room for the `_`s that tell clashing names apart.
const SLUG_BASE_LEN: usize = 100;
/// Far below any filesystem's limit on a name, and more than 100 clashes of one name.
const SLUG_MAX_LEN: usize = 200;
/// `YYYYMMDDhhmmss`: the most digits [`scan_id`] takes from the scan time.
const TIME_DIGITS: usize = 14;
/// Six bytes of the report's digest, in hex.
const DIGEST_HEX: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("not a folder name scanlens writes")]
    Slug,
    #[error("not a scan folder name scanlens writes")]
    ScanId,
}

/// An image's folder under `images/`: lowercase ASCII letters, digits, `-`, `.` and `_`, not
/// starting with `.`, at most 200 bytes. So never empty, `.`, `..`, absolute, nested, or holding
/// a control character, and no two differ only by case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// A scan's folder under `images/<slug>/`: `<up to 14 digits of the scan time>-<12 hex digits
/// of the report's digest>`, or the hex digits alone when the report has no scan time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ScanId(String);

impl Slug {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_valid(s: &str) -> bool {
        (1..=SLUG_MAX_LEN).contains(&s.len())
            && !s.starts_with('.')
            && s.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'_')
            })
    }

    /// The slug one `_` longer: the next candidate when this one is taken by another image.
    pub fn bumped(&self) -> Option<Slug> {
        Slug::try_from(format!("{}_", self.0)).ok()
    }
}

impl ScanId {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `s` is a name [`scan_id`] makes: `publish` uploads those folders and not, say,
    /// the `<id>.tmp` one a killed `site` run leaves behind.
    pub fn is_valid(s: &str) -> bool {
        let (time, hex) = s.split_once('-').unwrap_or(("", s));
        let time_ok = (s.len() == hex.len() && time.is_empty())
            || ((1..=TIME_DIGITS).contains(&time.len())
                && time.bytes().all(|b| b.is_ascii_digit()));
        time_ok
            && hex.len() == DIGEST_HEX
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }
}

impl TryFrom<String> for Slug {
    type Error = NameError;
    fn try_from(s: String) -> Result<Self, NameError> {
        if Slug::is_valid(&s) {
            Ok(Slug(s))
        } else {
            Err(NameError::Slug)
        }
    }
}

impl TryFrom<String> for ScanId {
    type Error = NameError;
    fn try_from(s: String) -> Result<Self, NameError> {
        if ScanId::is_valid(&s) {
            Ok(ScanId(s))
        } else {
            Err(NameError::ScanId)
        }
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl From<ScanId> for String {
    fn from(s: ScanId) -> String {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for ScanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub use scanlens_model::image::repository;

/// An image name as a folder name that cannot escape the site or collide by case on
/// case-insensitive filesystems.
pub fn slug(name: &str) -> Slug {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s = s.trim_matches('.').to_string();
    if s.is_empty() {
        s.push('_');
    }
    s.truncate(SLUG_BASE_LEN);
    debug_assert!(Slug::is_valid(&s), "{s:?}");
    Slug(s)
}

/// The scan's folder name: its time, to sort by eye, and a digest of the report, so the same
/// report added twice is recognised.
pub fn scan_id(report: &Report, digest: &[u8]) -> ScanId {
    let time: String = report
        .artifacts
        .first()
        .and_then(|a| a.scanned_at.as_deref())
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(TIME_DIGITS)
        .collect();
    let hex: String = digest[..DIGEST_HEX / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let id = if time.is_empty() {
        hex
    } else {
        format!("{time}-{hex}")
    };
    debug_assert!(ScanId::is_valid(&id), "{id:?}");
    ScanId(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository("mysql:latest"), "mysql");
        assert_eq!(repository("mysql"), "mysql");
        assert_eq!(
            repository("registry:5000/team/app:1.2"),
            "registry:5000/team/app"
        );
        assert_eq!(repository("app@sha256:abc"), "app");
        assert_eq!(repository("registry:5000/app"), "registry:5000/app");
    }

    #[test]
    fn slugs_stay_inside() {
        assert_eq!(
            slug("registry:5000/team/app").as_str(),
            "registry_5000_team_app"
        );
        assert_eq!(slug("..").as_str(), "_");
        assert_eq!(slug("../../etc").as_str(), "_.._etc");
        assert!(!slug("a/../../b").as_str().contains('/'));
    }

    #[test]
    fn every_slug_scanlens_makes_is_one_it_accepts_back() {
        let long = "A.b/".repeat(80);
        for name in [
            "mysql",
            "Registry:5000/Team/App",
            "..",
            ".",
            "",
            "/etc/passwd",
            "../../x",
            "a\0b\n\u{1b}c",
            "ünïcödé/名前",
            long.as_str(),
            "x".repeat(99).as_str(),
            &format!("{}.b", "x".repeat(99)),
        ] {
            let mut s = slug(name);
            assert!(Slug::try_from(s.to_string()).is_ok(), "{name:?} → {s}");
            // Clashing names get `_`s, up to far more clashes than a site holds.
            for _ in 0..99 {
                s = s.bumped().unwrap_or_else(|| panic!("{name:?}: {s}"));
            }
        }
    }

    #[test]
    fn slugs_scanlens_would_not_write_are_refused() {
        for bad in [
            "",
            ".",
            "..",
            ".hidden",
            "/abs",
            "a/b",
            "a\\b",
            "../x",
            "a\0b",
            "a\nb",
            "Upper",
            "sp ace",
            "ü",
            "%2e%2e",
            &"x".repeat(201),
        ] {
            assert_eq!(
                Slug::try_from(bad.to_string()),
                Err(NameError::Slug),
                "{bad:?}"
            );
        }
        assert!(Slug::try_from("x".repeat(200)).is_ok());
        assert_eq!(Slug::try_from("x".repeat(200)).unwrap().bumped(), None);
    }

    #[test]
    fn scan_ids_are_time_and_digest() {
        let digest = [0xab; 32];
        let mut report = Report::default();
        assert_eq!(scan_id(&report, &digest).as_str(), "abababababab");
        report.artifacts.push(Default::default());
        report.artifacts[0].scanned_at = Some("2021-08-25T12:20:30.000000005Z".into());
        assert_eq!(
            scan_id(&report, &digest).as_str(),
            "20210825122030-abababababab"
        );
        report.artifacts[0].scanned_at = Some("../../7".into());
        assert_eq!(scan_id(&report, &digest).as_str(), "7-abababababab");
        report.artifacts[0].scanned_at = Some("no digits".into());
        assert_eq!(scan_id(&report, &digest).as_str(), "abababababab");
    }

    #[test]
    fn scan_ids_scanlens_would_not_write_are_refused() {
        for good in [
            "abababababab",
            "1-0123456789ab",
            "20210825122030-0123456789ab",
        ] {
            assert!(ScanId::try_from(good.to_string()).is_ok(), "{good}");
        }
        for bad in [
            "",
            "..",
            "-0123456789ab",
            "202108251220301-0123456789ab",
            "2021-08-0123456789ab",
            "x-0123456789ab",
            "0123456789AB",
            "0123456789a",
            "0123456789abc",
            "1-0123456789ab/..",
            "../0123456789ab",
            "/20210825122030-0123456789ab",
            "20210825122030-0123456789ab\0",
            "javascript:alert(1)//",
        ] {
            assert_eq!(
                ScanId::try_from(bad.to_string()),
                Err(NameError::ScanId),
                "{bad:?}"
            );
        }
    }
}
