//! Deep links: the key of the finding open in the viewer, as the URL hash holds it
//! (`#finding=CVE-2023-0286@openssl`).
//!
//! Not the [`Identity`](crate::identity::Identity) that `diff` and SARIF match findings across
//! scans with: a link is resolved within the one report it points into, and must stay short
//! and readable in a URL, so it names the ID and the package (or, without one, the target), and
//! a bare ID is accepted too, for links written by hand.

use crate::compact::Dataset;

/// A stable key for one finding: the ID, plus the package (or target) when there is one, since
/// one CVE is often found in several packages.
pub fn finding_key(id: &str, package: &str, target: &str) -> String {
    if !package.is_empty() {
        format!("{id}@{package}")
    } else if !target.is_empty() {
        format!("{id}@{target}")
    } else {
        id.to_string()
    }
}

/// The key of finding `i` in `ds`.
pub fn key_of(ds: &Dataset, i: usize) -> String {
    let o = &ds.findings[i];
    finding_key(&o.id, o.package_name(), &o.target)
}

/// Whether finding `i` is the one `key` names: its full key or, for shared links, its bare ID.
pub fn key_matches(ds: &Dataset, i: usize, key: &str) -> bool {
    let o = &ds.findings[i];
    o.id == key || key_of(ds, i) == key
}
