//! Maven's order (`org.apache.maven.artifact.versioning.ComparableVersion`).
//!
//! The `mvn_version` crate implements `ComparableVersion`.

use std::cmp::Ordering;

use mvn_version::ComparableVersion;

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    if !readable(a) || !readable(b) {
        return None;
    }
    Some(ComparableVersion::new(a).cmp(&ComparableVersion::new(b)))
}

/// The first two numbers, when the version starts with a number.
pub(super) fn branch(v: &str) -> Option<Vec<u64>> {
    if !readable(v) || !v.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let mut parts = v
        .split(|c: char| !c.is_ascii_digit())
        .take(2)
        .map(|p| p.parse::<u64>().unwrap_or(0));
    Some(vec![parts.next().unwrap_or(0), parts.next().unwrap_or(0)])
}

/// Maven reads any string; an empty one or one with surrounding whitespace is not a version
/// here.
fn readable(v: &str) -> bool {
    !v.is_empty() && v.trim() == v
}
