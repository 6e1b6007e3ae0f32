//! SemVer 2.0 precedence, read two ways:
//!
//! - leniently ([`Ecosystem::SemVer`], Trivy's GenericComparer for Go, Cargo, Composer, Pub, Hex,
//!   Swift, Conan): an optional `v`, one or more numeric parts (missing ones are 0, so Go's
//!   `v1.2` is `v1.2.0`, and four-part versions compare), leading zeros allowed in them;
//! - as node-semver reads it ([`Ecosystem::Npm`]): an optional `v`, exactly three parts, no
//!   leading zeros, each part at most 2^53 - 1 (a JavaScript safe integer).
//!
//! Either way a pre-release (`-rc.1`) sorts before its release, its identifiers compare as the
//! spec says (numeric ones by value and below alphanumeric ones, which compare as ASCII), and
//! build metadata (`+incompatible`, `+build.5`) is ignored. Go pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases and so order by their timestamp.
//!
//! The `semver` crate (dtolnay's, no dependencies, already in this workspace's tree) reads
//! the npm form whole and, in the lenient form, checks and orders the pre-release and build
//! identifiers; only the variable number of numeric parts is read here.
//!
//! [`Ecosystem::SemVer`]: super::Ecosystem::SemVer
//! [`Ecosystem::Npm`]: super::Ecosystem::Npm

use std::cmp::Ordering;

use semver::{BuildMetadata, Prerelease, Version};

use super::Ecosystem;

/// node-semver refuses numbers above `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A version read leniently: numeric parts and the pre-release.
struct Lenient {
    release: Vec<u64>,
    pre: Prerelease,
}

pub(super) fn compare_lenient(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (lenient(a)?, lenient(b)?);
    let n = a.release.len().max(b.release.len());
    let part = |v: &Lenient, i: usize| v.release.get(i).copied().unwrap_or(0);
    let release = (0..n)
        .map(|i| part(&a, i).cmp(&part(&b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal);
    // `Prerelease`'s order puts the empty pre-release (a release) last, as precedence wants.
    Some(release.then_with(|| a.pre.cmp(&b.pre)))
}

pub(super) fn compare_npm(a: &str, b: &str) -> Option<Ordering> {
    Some(npm(a)?.cmp_precedence(&npm(b)?))
}

/// The major and minor parts.
pub(super) fn branch(eco: Ecosystem, v: &str) -> Option<Vec<u64>> {
    let release = match eco {
        Ecosystem::Npm => {
            let v = npm(v)?;
            vec![v.major, v.minor]
        }
        _ => lenient(v)?.release,
    };
    Some(
        (0..2)
            .map(|i| release.get(i).copied().unwrap_or(0))
            .collect(),
    )
}

fn lenient(v: &str) -> Option<Lenient> {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (v, build) = match v.split_once('+') {
        Some((v, build)) => (v, Some(build)),
        None => (v, None),
    };
    if let Some(build) = build {
        if build.is_empty() || BuildMetadata::new(build).is_err() {
            return None;
        }
    }
    let (release, pre) = match v.split_once('-') {
        Some((_, "")) => return None,
        Some((release, pre)) => (release, Prerelease::new(pre).ok()?),
        None => (v, Prerelease::EMPTY),
    };
    let release = release
        .split('.')
        .map(|p| {
            if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        })
        .collect::<Option<Vec<u64>>>()?;
    Some(Lenient { release, pre })
}

fn npm(v: &str) -> Option<Version> {
    let v = Version::parse(v.strip_prefix('v').unwrap_or(v)).ok()?;
    let safe = [v.major, v.minor, v.patch]
        .iter()
        .all(|&n| n <= MAX_SAFE_INTEGER);
    safe.then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    // The precedence example of semver.org §11, and Go's and Trivy's forms.
    #[test]
    fn orders_as_the_spec_documents() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for w in chain.windows(2) {
            assert_eq!(compare_npm(w[0], w[1]), Some(Less), "{w:?}");
            assert_eq!(compare_lenient(w[0], w[1]), Some(Less), "{w:?}");
        }
        for (a, b, o) in [
            ("v2.7.1+incompatible", "v2.8.0", Less),
            ("v0.3.6", "0.3.7", Less),
            ("v1.2", "v1.2.0", Equal),
            ("1.0.0+a", "1.0.0+b", Equal),
            (
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-aaaaaaaaaaaa",
                Less,
            ),
            ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", Less),
            ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", Greater),
            ("6.0.2.1", "6.0.3.1", Less),
            ("1.2.3.4", "1.2.3", Greater),
            ("8.43", "8.45", Less),
            ("01.2.3", "1.2.3", Equal),
        ] {
            assert_eq!(compare_lenient(a, b), Some(o), "{a} vs {b}");
        }
    }

    #[test]
    fn npm_reads_what_node_semver_reads() {
        assert_eq!(compare_npm("v1.2.3", "1.2.3"), Some(Equal));
        for bad in [
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.2.3-01",
            "=1.2.3",
            " 1.2.3",
            "9007199254740992.0.0",
        ] {
            assert_eq!(compare_npm(bad, "1.0.0"), None, "{bad:?}");
        }
    }

    #[test]
    fn lenient_refuses_what_is_not_semver_like() {
        for bad in [
            "",
            "v",
            "1.",
            ".1",
            "1..2",
            "1.2.3-",
            "1.2.3+",
            "1.2.3beta",
            "1.2.3-rc.01",
            "latest",
            "1.2.x",
        ] {
            assert_eq!(compare_lenient(bad, "1.0.0"), None, "{bad:?}");
        }
    }

    #[test]
    fn branches_are_major_minor() {
        assert_eq!(branch(Ecosystem::SemVer, "v2"), Some(vec![2, 0]));
        assert_eq!(branch(Ecosystem::SemVer, "2.6.7.2"), Some(vec![2, 6]));
        assert_eq!(branch(Ecosystem::Npm, "2.6.7-rc.1"), Some(vec![2, 6]));
    }
}
