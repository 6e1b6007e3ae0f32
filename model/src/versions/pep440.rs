//! PEP 440's order of Python versions: epoch, release, pre-release (`a` < `b` < `rc`),
//! post-release, development release, local label; with the spelling variants PEP 440 accepts
//! (`1.0-RC1` is `1.0rc1`, `v1.0` is `1.0`).
//!
//! The `pep440_rs` crate implements it (konstin's, the parser Astral's `uv` grew from; uv now
//! keeps an internal copy, `uv-pep440`, with an unstable API and a newer MSRV). Its optional
//! features stay off; it adds `unscanny` and `unicode-width` (for error messages), about 24 KB
//! of wasm, the most of any order here.

use std::cmp::Ordering;
use std::str::FromStr;

use pep440_rs::Version;

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(read(a)?.cmp(&read(b)?))
}

/// The epoch, then the first two release numbers.
pub(super) fn branch(v: &str) -> Option<Vec<u64>> {
    let v = read(v)?;
    let r = v.release();
    Some(vec![
        v.epoch(),
        r.first().copied().unwrap_or(0),
        r.get(1).copied().unwrap_or(0),
    ])
}

/// PEP 440 allows surrounding whitespace; here, as for every ecosystem, it is not part of a
/// version.
fn read(v: &str) -> Option<Version> {
    if v.trim() != v {
        return None;
    }
    Version::from_str(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    // The order PEP 440's "Summary of permitted suffixes and relative ordering" lists.
    #[test]
    fn orders_as_pep_440_documents() {
        let chain = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
            "1!0.1",
        ];
        for w in chain.windows(2) {
            assert_eq!(compare(w[0], w[1]), Some(Less), "{w:?}");
        }
        assert_eq!(compare("1.0-RC1", "1.0rc1"), Some(Equal));
        assert_eq!(compare("v1.0", "1.0.0"), Some(Equal));
        assert_eq!(compare("0.11", "0.11.6"), Some(Less));
    }

    #[test]
    fn refuses_what_is_not_pep_440() {
        for bad in ["", "1.0-foo", "latest", "1.0.x", " 1.0"] {
            assert_eq!(compare(bad, "1.0"), None, "{bad:?}");
        }
        assert_eq!(branch("1!2.3.4"), Some(vec![1, 2, 3]));
    }
}
