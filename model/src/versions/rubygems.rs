//! RubyGems' order (`Gem::Version#<=>`, RubyGems 3): a `-` means `.pre.`; the version splits
//! into runs of digits (numbers) and of letters (strings); trailing zeros of the numeric part and
//! of the part from the first string on are dropped; then segment by segment, a missing one
//! counting as 0, a string is below a number and strings compare byte by byte.
//! So `1.0.a` < `1.0` = `1.0.0` < `1.0.1`.
//!
//! Hand-written: the `gem_version` crate implements the same order but brings `regex` (and its
//! Unicode tables) into the wasm viewer for one pattern. The tests in `tests/tests/versions.rs`
//! hold this to Ruby's own `Gem::Version`.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment<'a> {
    Number(&'a str),
    Text(&'a str),
}

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (canonical(a)?, canonical(b)?);
    let zero = Segment::Number("");
    let n = a.len().max(b.len());
    Some(
        (0..n)
            .map(|i| segment(a.get(i).unwrap_or(&zero), b.get(i).unwrap_or(&zero)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
    )
}

/// The first two numbers (0 when missing), before any string.
pub(super) fn branch(v: &str) -> Option<Vec<u64>> {
    let segments = canonical(v)?;
    let mut numbers = segments.iter().map_while(|s| match s {
        // Leading zeros are stripped; a number too long for u64 has no useful branch.
        Segment::Number("") => Some(0),
        Segment::Number(n) => n.parse::<u64>().ok(),
        Segment::Text(_) => None,
    });
    Some(vec![
        numbers.next().unwrap_or(0),
        numbers.next().unwrap_or(0),
    ])
}

fn segment(x: &Segment, y: &Segment) -> Ordering {
    match (x, y) {
        // Numbers without leading zeros: longer is larger, then digit by digit.
        (Segment::Number(x), Segment::Number(y)) => x.len().cmp(&y.len()).then(x.cmp(y)),
        (Segment::Text(_), Segment::Number(_)) => Ordering::Less,
        (Segment::Number(_), Segment::Text(_)) => Ordering::Greater,
        (Segment::Text(x), Segment::Text(y)) => x.cmp(y),
    }
}

/// `Gem::Version#canonical_segments`; `None` when `Gem::Version.correct?` refuses the string.
/// An empty version (which Ruby reads as `0`) is not read here: Trivy writes none.
fn canonical(v: &str) -> Option<Vec<Segment<'_>>> {
    if !correct(v) {
        return None;
    }
    let mut segments = Vec::new();
    let bytes = v.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let digit = bytes[i].is_ascii_digit();
        if !digit && !bytes[i].is_ascii_alphabetic() {
            // `-` becomes `.pre.`: the string segment it adds is always "pre".
            if bytes[i] == b'-' {
                segments.push(Segment::Text("pre"));
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && bytes[i].is_ascii_digit() == digit
            && bytes[i].is_ascii_alphanumeric()
        {
            i += 1;
        }
        let s = &v[start..i];
        segments.push(if digit {
            Segment::Number(s.trim_start_matches('0'))
        } else {
            Segment::Text(s)
        });
    }
    let first_text = segments
        .iter()
        .position(|s| matches!(s, Segment::Text(_)))
        .unwrap_or(segments.len());
    let strings = segments.split_off(first_text);
    let mut out = drop_trailing_zeros(segments);
    out.extend(drop_trailing_zeros(strings));
    Some(out)
}

fn drop_trailing_zeros(mut s: Vec<Segment<'_>>) -> Vec<Segment<'_>> {
    while s.last() == Some(&Segment::Number("")) {
        s.pop();
    }
    s
}

/// `Gem::Version::ANCHORED_VERSION_PATTERN`, without the surrounding whitespace it allows:
/// `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`.
fn correct(v: &str) -> bool {
    let (main, pre) = match v.split_once('-') {
        Some((m, p)) => (m, Some(p)),
        None => (v, None),
    };
    let mut parts = main.split('.');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric()));
    let pre_ok = pre.is_none_or(|p| {
        p.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'))
    });
    first_ok && rest_ok && pre_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    // Orderings from RubyGems' documentation of Gem::Version and its test_gem_version.rb.
    #[test]
    fn orders_as_rubygems_documents() {
        for (a, b, o) in [
            ("1.0.a.2", "1.0.b1", Less),
            ("1.0.b1", "1.0", Less),
            ("1.0.a", "1.0", Less),
            ("1.0", "1.0.0", Equal),
            ("1.0", "1.0.1", Less),
            ("1.0.0-rc1", "1.0.0.pre.rc1", Equal),
            ("1.0.0-rc1", "1.0.0", Less),
            ("6.0.2.1", "6.0.3.1", Less),
            ("5.2.4.3", "6.0.2.1", Less),
            ("1.9.3", "1.10", Less),
            ("0.8.1", "0.8.01", Equal),
            ("1.0.0.a", "1.0.0.A", Greater),
            ("2.0.0.rc2", "2.0.0.b3", Greater),
            ("1.0a", "1.0.a", Equal),
            ("1.0.0.1", "1.0.0.a", Greater),
        ] {
            assert_eq!(compare(a, b), Some(o), "{a} vs {b}");
        }
    }

    #[test]
    fn refuses_what_gem_version_refuses() {
        for bad in [
            "", "junk", "1.0\n2.0", "1..2", "1.0_1", "1.0-", "1.0-a..b", " 1.0", "v1.0",
        ] {
            assert_eq!(compare(bad, "1.0"), None, "{bad:?}");
        }
        assert_eq!(branch("1.2.3.a"), Some(vec![1, 2]));
    }
}
