//! NuGet's order (`NuGet.Versioning.NuGetVersion` with `VersionComparer.Default`): up to four
//! numeric parts (missing ones are 0, leading zeros allowed), then the release labels: a version
//! without labels is above one with; labels compare one dot-separated part at a time, numeric
//! parts by value and below alphanumeric ones, alphanumeric ones ignoring ASCII case; a shorter
//! list of equal parts is below a longer one. Metadata after `+` is ignored.
//!
//! Hand-written: no crate on crates.io implements NuGet's versions, and SemVer crates compare
//! labels case-sensitively (`1.0.0-RC1` < `1.0.0-beta` there, above it in NuGet) and refuse the
//! fourth part. There is no NuGet or .NET on Debian to test against; the unit tests are NuGet's
//! documented examples ("Package versioning" in NuGet's docs).

use std::cmp::Ordering;

struct Version<'a> {
    numbers: [u32; 4],
    labels: Vec<&'a str>,
}

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (read(a)?, read(b)?);
    Some(
        a.numbers
            .cmp(&b.numbers)
            .then_with(|| labels(&a.labels, &b.labels)),
    )
}

/// Major and minor.
pub(super) fn branch(v: &str) -> Option<Vec<u64>> {
    let v = read(v)?;
    Some(vec![v.numbers[0].into(), v.numbers[1].into()])
}

fn labels(a: &[&str], b: &[&str]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    a.iter()
        .zip(b)
        .map(|(x, y)| label(x, y))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.len().cmp(&b.len()))
}

/// One label part. NuGet takes a part as numeric when `int.TryParse` reads it (so `01` is 1
/// and a number beyond `i32` is compared as text).
fn label(x: &str, y: &str) -> Ordering {
    let num = |s: &str| {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse::<i32>().ok())
            .flatten()
    };
    match (num(x), num(y)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            let fold = |s: &str| {
                s.bytes()
                    .map(|c| c.to_ascii_uppercase())
                    .collect::<Vec<_>>()
            };
            fold(x).cmp(&fold(y))
        }
    }
}

fn read(v: &str) -> Option<Version<'_>> {
    let (v, metadata) = match v.split_once('+') {
        Some((v, m)) => (v, Some(m)),
        None => (v, None),
    };
    if let Some(m) = metadata {
        if !identifiers(m) {
            return None;
        }
    }
    let (release, labels) = match v.split_once('-') {
        Some((r, l)) if identifiers(l) => (r, l.split('.').collect()),
        Some(_) => return None,
        None => (v, Vec::new()),
    };
    let mut numbers = [0u32; 4];
    let parts: Vec<&str> = release.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    for (slot, p) in numbers.iter_mut().zip(&parts) {
        if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        // `int.Parse` of each part: at most i32::MAX.
        *slot = p.parse::<i32>().ok()? as u32;
    }
    Some(Version { numbers, labels })
}

/// Dot-separated, non-empty parts of ASCII letters, digits and hyphens.
fn identifiers(s: &str) -> bool {
    s.split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn orders_as_nuget_documents() {
        // "Package versioning": pre-release ordering and SemVer 2.0.0 examples.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
        ];
        for w in chain.windows(2) {
            assert_eq!(compare(w[0], w[1]), Some(Less), "{w:?}");
        }
        for (a, b, o) in [
            ("1.0.0-RC1", "1.0.0-beta", Greater),
            ("1.0.0-Beta", "1.0.0-beta", Equal),
            ("1.0", "1.0.0.0", Equal),
            ("1.01.1", "1.1.1", Equal),
            ("1.0.0+git.abc", "1.0.0", Equal),
            ("9.0.1", "13.0.1", Less),
            ("4.0.0-beta01", "4.0.0-beta1", Less),
        ] {
            assert_eq!(compare(a, b), Some(o), "{a} vs {b}");
        }
    }

    #[test]
    fn refuses_what_nuget_cannot_parse() {
        for bad in [
            "",
            "1.0.0.0.0",
            "1..0",
            "1.0-",
            "1.0+",
            "1.0-a..b",
            "1.0-a_b",
            "v1.0",
            "a.b",
            "3000000000.0",
        ] {
            assert_eq!(compare(bad, "1.0"), None, "{bad:?}");
        }
    }
}
