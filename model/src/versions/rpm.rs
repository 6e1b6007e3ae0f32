//! rpm's order of `[epoch:]version[-release]`, as rpm 4.18's `rpm.vercmp` (`rpmverCmp`)
//! compares them: epoch (missing is 0), version, then release, each with `rpmvercmp`
//! (alphanumeric segments; digits above letters; `~` below anything, even the end; `^` above the
//! end but below anything else); a version without a release is below the same version with one.
//!
//! `rpmvercmp` itself is the `rpm-version` crate's (no dependencies by default). The string is
//! split, and a missing release ordered, here as rpm's `rpmverParse` and `rpmverCmp` do, because
//! the crate's own `Evr` differs from rpm in both: it takes a missing release as the empty one
//! (rpm: `1.0` < `1.0-1` and `1.0` < `1.0-`; a first run of the differential test found 31 such
//! pairs), and it splits the release at the first `-` where rpm takes the last (rpm:
//! `1-2-3` > `1-2.3`, the crate: equal).

use std::cmp::Ordering;

use rpm_version::Evr;

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (ea, va, ra) = parse(a)?;
    let (eb, vb, rb) = parse(b)?;
    let release = match (ra, rb) {
        (Some(ra), Some(rb)) => vercmp(ra, rb),
        (ra, rb) => ra.is_some().cmp(&rb.is_some()),
    };
    Some(vercmp(ea, eb).then_with(|| vercmp(va, vb)).then(release))
}

/// `rpmvercmp` of two strings: the crate compares an `Evr` part by part with it, so two `Evr`s
/// that differ only in their version compare as their versions do.
fn vercmp(a: &str, b: &str) -> Ordering {
    Evr::new("0", a, "").cmp(&Evr::new("0", b, ""))
}

/// Epoch (`0` when absent), version and release (when present), as `rpmverParse` splits them;
/// `None` for what rpm cannot read (empty) and for surrounding whitespace.
fn parse(v: &str) -> Option<(&str, &str, Option<&str>)> {
    if v.is_empty() || v.trim() != v {
        return None;
    }
    // The epoch is a run of digits ended by `:` (an empty one is 0, as a missing one is);
    // anything else before a `:` is version.
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = match v.as_bytes().get(digits) {
        Some(b':') if digits > 0 => (&v[..digits], &v[digits + 1..]),
        Some(b':') => ("0", &v[1..]),
        _ => ("0", v),
    };
    Some(match rest.rsplit_once('-') {
        Some((version, release)) => (epoch, version, Some(release)),
        None => (epoch, rest, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    // Orderings from rpm's rpmvercmp test suite (tests/rpmvercmp.at) and the RPM packaging
    // guide's examples.
    #[test]
    fn orders_as_rpm_documents() {
        for (a, b, o) in [
            ("1.0", "1.0", Equal),
            ("1.0", "2.0", Less),
            ("2.0.1", "2.0.1a", Less),
            ("5.5p1", "5.5p10", Less),
            ("10xyz", "10.1xyz", Less),
            ("xyz10", "xyz10.1", Less),
            ("1.0~rc1", "1.0", Less),
            ("1.0~rc1", "1.0~rc1~git123", Greater),
            ("1.0^", "1.0", Greater),
            ("1.0^git1", "1.01", Less),
            ("1.0^git1~pre", "1.0^git1", Less),
            ("1:1.0-1", "2.0-1", Greater),
            ("0:1.0-1", "1.0-1", Equal),
            ("1.0-1.el7", "1.0-1.el7_6", Less),
            ("1:1.1.1k-4.el8", "1:1.1.1k-5.el8_5", Less),
            ("7.61.1-9.amzn2.0.1", "7.61.1-12.amzn2.0.1", Less),
            ("1.0", "1.0-5", Less),
            ("1.0", "1.0-", Less),
            ("1.0-beta-3", "1.0-beta-2", Greater),
            ("a+", "a_", Equal),
            ("1-2-3", "1-2.3", Greater),
        ] {
            assert_eq!(compare(a, b), Some(o), "{a} vs {b}");
        }
    }

    #[test]
    fn reads_everything_but_empty() {
        assert_eq!(compare("", "1"), None);
        assert_eq!(compare(" 1", "1"), None);
        assert_eq!(compare("x:1", "x:1"), Some(Equal));
    }
}
