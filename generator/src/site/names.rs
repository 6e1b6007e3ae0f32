//! The folder names scanlens gives images and scans under `images/`.

use scanlens_model::Report;

/// `mysql:8.0@sha256:…` → `mysql`; `registry:5000/team/app:1` → `registry:5000/team/app`.
pub fn repository(reference: &str) -> &str {
    let no_digest = reference.split('@').next().unwrap_or(reference);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[last_slash..].find(':') {
        Some(i) => &no_digest[..last_slash + i],
        None => no_digest,
    }
}

/// A folder name that cannot escape the site or collide by case on case-insensitive filesystems.
pub fn slug(name: &str) -> String {
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
    s.truncate(100);
    s
}

pub fn scan_id(report: &Report, digest: &[u8]) -> String {
    let time: String = report
        .artifacts
        .first()
        .and_then(|a| a.scanned_at.as_deref())
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(14)
        .collect();
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    if time.is_empty() {
        hex
    } else {
        format!("{time}-{hex}")
    }
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
        assert_eq!(slug("registry:5000/team/app"), "registry_5000_team_app");
        assert_eq!(slug(".."), "_");
        assert_eq!(slug("../../etc"), "_.._etc");
        assert!(!slug("a/../../b").contains('/'));
    }
}
