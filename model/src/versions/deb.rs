//! dpkg's order of Debian versions (deb-version(7)): `[epoch:]upstream[-revision]`, `~` before
//! anything (even the end), letters before other characters, digit runs by value.
//!
//! The comparison is the `deb-version` crate's (a port of dpkg's `verrevcmp`, no dependencies).
//! It compares any string, so reading is checked here the way dpkg's `parseversion` checks it:
//! what dpkg refuses or warns about ("bad syntax") is not read. `debversion` was not taken: it
//! brings `regex`, `chrono` and `num-bigint` into the wasm viewer; `deb-version7` is GPL-3.0.

use std::cmp::Ordering;

pub(super) fn compare(a: &str, b: &str) -> Option<Ordering> {
    if !is_valid(a) || !is_valid(b) {
        return None;
    }
    Some(deb_version::compare_versions(a, b))
}

/// Whether dpkg reads `v` without an error or a warning (dpkg's `parseversion`).
fn is_valid(v: &str) -> bool {
    let rest = match v.split_once(':') {
        Some((epoch, rest)) => {
            // dpkg keeps the epoch in an int.
            if epoch.is_empty()
                || !epoch.bytes().all(|c| c.is_ascii_digit())
                || epoch.parse::<i32>().is_err()
            {
                return false;
            }
            rest
        }
        None => v,
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((_, "")) => return false,
        Some((u, r)) => (u, r),
        None => (rest, ""),
    };
    upstream.starts_with(|c: char| c.is_ascii_digit())
        && upstream
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".-+~:".contains(&c))
        && revision
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".+~".contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    // Orderings from deb-version(7) and Debian Policy 5.6.12.
    #[test]
    fn orders_as_dpkg_documents() {
        for (a, b, o) in [
            ("1.0~rc1", "1.0", Less),
            ("1.0~~", "1.0~~a", Less),
            ("1.0~", "1.0", Less),
            ("1.0", "1.0a", Less),
            ("1.0a", "1.0+", Less),
            ("1:1.0", "2.0", Greater),
            ("0:1.0", "1.0", Equal),
            ("1.0-1", "1.0-1~deb12u1", Greater),
            ("2.36-9+deb12u4", "2.36-9+deb12u10", Less),
            ("1.1.0k-1~deb9u1", "1.1.0l-1~deb9u1", Less),
            ("1.0", "1.0-0", Equal),
            ("1.01", "1.1", Equal),
            ("7.6p2-4", "7.6-0", Greater),
            ("1.2.3-1ubuntu1.1", "1.2.3-1ubuntu1.2", Less),
        ] {
            assert_eq!(compare(a, b), Some(o), "{a} vs {b}");
        }
    }

    #[test]
    fn refuses_what_dpkg_calls_bad_syntax() {
        for bad in [
            "",
            "a1.0",
            "1.0-",
            ":1.0",
            "x:1.0",
            "1:",
            "1.0 ",
            "1.0_1",
            "1.0-1:2",
            "1.0-a_b",
            "99999999999:1",
        ] {
            assert_eq!(compare(bad, "1.0"), None, "{bad:?}");
        }
        assert_eq!(compare("1:2:3-4", "1:2:3-4"), Some(Equal));
    }
}
