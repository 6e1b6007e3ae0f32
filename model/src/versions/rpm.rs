//! rpm's order of `[epoch:]version[-release]`, as `rpm.vercmp` and dnf compare them: each part
//! with `rpmvercmp` (alphanumeric segments; digits above letters; `~` below anything, even the
//! end; `^` above the end but below anything else), the missing epoch as 0.
//!
//! `rpmvercmp` itself is the `rpm-version` crate's (no dependencies by default). The string is
//! split here as rpm 4.18's `rpmverParse` splits it, because the crate differs in two ways a
//! test against `rpm` showed: it splits the release at the first `-` (rpm: the last), and it
//! compares a missing release as the empty one, where rpm compares releases only when both
//! versions have one (`1.0` equals `1.0-5`).

use std::cmp::Ordering;

use rpm_version::Evr;

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (ea, va, ra) = parse(a)?;
    let (eb, vb, rb) = parse(b)?;
    let (ra, rb) = match (ra, rb) {
        (Some(ra), Some(rb)) => (ra, rb),
        _ => ("", ""),
    };
    Some(Evr::new(ea, va, ra).cmp(&Evr::new(eb, vb, rb)))
}

/// Epoch (`""` when absent), version and release (when present), as `rpmverParse` splits them;
/// `None` for what rpm cannot read (empty) and for surrounding whitespace.
fn parse(v: &str) -> Option<(&str, &str, Option<&str>)> {
    if v.is_empty() || v.trim() != v {
        return None;
    }
    // The epoch is a run of digits ended by `:` (an empty one is 0, as a missing one is);
    // anything else before a `:` is version.
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = match v.as_bytes().get(digits) {
        Some(b':') => (&v[..digits], &v[digits + 1..]),
        _ => ("", v),
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
            ("1.0", "1.0-5", Equal),
            ("1.0-beta-3", "1.0-beta-2", Greater),
            ("a+", "a_", Equal),
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
