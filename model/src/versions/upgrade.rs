//! The version to upgrade to: for one vulnerability, from Trivy's list of fixed versions; for a
//! package, over all its vulnerabilities.
//!
//! Trivy's `FixedVersion` is one version, or several joined with `", "` when an advisory names a
//! fix on several branches (`"2.6.7.2, 2.9.7"`). For language packages the entries are the
//! advisory's patched ranges as written, so Cargo's (RustSec) can read `">= 3.1.0, >= 2.1.3,
//! < 3.0.0"`. [`fixed_versions`] keeps what names a first fixed version: a bare version, or one
//! after `>=`, `=`, `==`, `^`, `~`, `~>` or `~=`; upper bounds (`<`, `<=`), `>` and `!=` name no
//! version to install and are dropped.
//!
//! The branch rule ([`upgrade`]): among the listed versions above the installed one, the lowest
//! on the installed version's branch; when none is on it, the lowest of them. A branch is the
//! release line: major.minor for SemVer, npm, NuGet and Maven (the first two numbers), epoch and
//! the first two release numbers for PEP 440, the first two numbers for RubyGems. OS packages
//! have no branches here: a distribution release carries one line of each package, and its
//! advisory names the fix for that release. Each branch is an interval of its ecosystem's order,
//! so the choice is always the lowest listed version above the installed one; the branch is kept
//! explicit for [`Upgrade::same_branch`], which tells a fix plan whether the upgrade leaves the
//! installed release line (and may break compatibility).

use std::cmp::Ordering;

use super::{branch, compare, readable, Ecosystem};

/// The version to upgrade to for one vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upgrade<'a> {
    /// The listed fixed version, as Trivy wrote it.
    pub version: &'a str,
    /// Whether it is on the installed version's branch (always for OS packages).
    pub same_branch: bool,
}

/// The fixed versions named in Trivy's `FixedVersion` list, in order, without operators.
pub fn fixed_versions(list: &str) -> impl Iterator<Item = &str> {
    list.split([',', '|']).filter_map(lower_bound)
}

/// The version an entry names as the first fixed one, if it names one.
fn lower_bound(entry: &str) -> Option<&str> {
    let entry = entry.trim();
    let op_len = entry
        .find(|c: char| !matches!(c, '<' | '>' | '=' | '!' | '^' | '~'))
        .unwrap_or(entry.len());
    let (op, version) = entry.split_at(op_len);
    let version = version.trim();
    // An entry like `>=1.2.3 <2.0.0` (a range in one): its first word.
    let version = version.split_whitespace().next()?;
    matches!(op, "" | ">=" | "=" | "==" | "^" | "~" | "~>" | "~=").then_some(version)
}

/// The version to upgrade to for one vulnerability: the lowest listed fixed version above
/// `installed`, on its branch when one is (see the module docs). `None` when no listed version
/// is above it, or when `installed` cannot be read in `eco` (listed versions that cannot be
/// read are passed over).
pub fn upgrade<'a>(eco: Ecosystem, installed: &str, fixed_list: &'a str) -> Option<Upgrade<'a>> {
    let above: Vec<&str> = fixed_versions(fixed_list)
        .filter(|f| compare(eco, f, installed) == Some(Ordering::Greater))
        .collect();
    let Some(installed_branch) = branch(eco, installed) else {
        return lowest(eco, &above).map(|version| Upgrade {
            version,
            // No branches (OS packages), or an installed version without a number to branch on.
            same_branch: !has_branches(eco),
        });
    };
    let on_branch: Vec<&str> = above
        .iter()
        .copied()
        .filter(|f| branch(eco, f).as_ref() == Some(&installed_branch))
        .collect();
    let same_branch = !on_branch.is_empty();
    lowest(eco, if same_branch { &on_branch } else { &above }).map(|version| Upgrade {
        version,
        same_branch,
    })
}

/// [`upgrade`]'s version, owned.
pub fn upgrade_to(eco: Ecosystem, installed: &str, fixed_list: &str) -> Option<String> {
    upgrade(eco, installed, fixed_list).map(|u| u.version.to_string())
}

/// The version to upgrade a package to: the highest of the per-vulnerability choices (which
/// fixes them all). Choices that cannot be read are passed over; `None` when none is left.
pub fn package_upgrade<'a, I>(eco: Ecosystem, choices: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    choices
        .into_iter()
        .filter(|c| readable(eco, c))
        .reduce(|best, c| match compare(eco, c, best) {
            Some(Ordering::Greater) => c,
            _ => best,
        })
}

/// The lowest of versions that all read; the first listed among equals.
fn lowest<'a>(eco: Ecosystem, versions: &[&'a str]) -> Option<&'a str> {
    versions
        .iter()
        .copied()
        .reduce(|best, v| match compare(eco, v, best) {
            Some(Ordering::Less) => v,
            _ => best,
        })
}

fn has_branches(eco: Ecosystem) -> bool {
    !matches!(eco, Ecosystem::Deb | Ecosystem::Rpm | Ecosystem::Apk)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ecosystem::*;

    #[test]
    fn splits_trivy_lists() {
        let got: Vec<&str> = fixed_versions(">= 3.1.0, >= 2.1.3, < 3.0.0").collect();
        assert_eq!(got, ["3.1.0", "2.1.3"]);
        let got: Vec<&str> = fixed_versions("2.6.7.2, 2.9.7").collect();
        assert_eq!(got, ["2.6.7.2", "2.9.7"]);
        let got: Vec<&str> =
            fixed_versions("^1.2.3 || >=2.0.0 <2.1.0, ~>3.1, > 4, != 5, <=6").collect();
        assert_eq!(got, ["1.2.3", "2.0.0", "3.1"]);
        assert_eq!(fixed_versions("").count(), 0);
        assert_eq!(fixed_versions(" , ").count(), 0);
    }

    #[test]
    fn picks_the_lowest_on_the_installed_branch() {
        let up = |eco, i, l| upgrade(eco, i, l);
        // Corpus cases (trivy-golden): k8s, swift, gemspec, npm, cargo.
        assert_eq!(
            up(SemVer, "1.27.0", "1.24.14, 1.25.9, 1.26.4, 1.27.1"),
            Some(Upgrade {
                version: "1.27.1",
                same_branch: true
            })
        );
        assert_eq!(
            up(SemVer, "2.41.0", "2.29.1, 2.39.1, 2.42.0"),
            Some(Upgrade {
                version: "2.42.0",
                same_branch: false
            })
        );
        assert_eq!(
            up(RubyGems, "6.0.2.1", "6.0.3.1, 5.2.4.3").map(|u| u.version),
            Some("6.0.3.1")
        );
        assert_eq!(
            up(Npm, "3.0.1", "3.1.0, 2.6.9").map(|u| u.version),
            Some("3.1.0")
        );
        assert_eq!(
            up(SemVer, "1.9.0", ">= 3.1.0, >= 2.1.3, < 3.0.0"),
            Some(Upgrade {
                version: "2.1.3",
                same_branch: false
            })
        );
        // The brief's example, from both branches.
        assert_eq!(
            up(Maven, "2.6.5", "2.6.7.2, 2.9.7").map(|u| u.version),
            Some("2.6.7.2")
        );
        assert_eq!(
            up(Maven, "2.9.1", "2.6.7.2, 2.9.7").map(|u| u.version),
            Some("2.9.7")
        );
        assert_eq!(
            up(Maven, "2.7.0", "2.6.7.2, 2.9.7").map(|u| u.version),
            Some("2.9.7")
        );
        // OS packages: one line, the lowest above.
        assert_eq!(
            up(Deb, "1.1.0k-1~deb9u1", "1.1.0l-1~deb9u1"),
            Some(Upgrade {
                version: "1.1.0l-1~deb9u1",
                same_branch: true
            })
        );
        assert_eq!(
            up(Rpm, "32:9.11.4-26.P2.amzn2.5.2", "99:9.11.4-26.P2.amzn2.13").map(|u| u.version),
            Some("99:9.11.4-26.P2.amzn2.13")
        );
        assert_eq!(
            upgrade_to(Apk, "1.1.1b-r1", "1.1.1d-r2").as_deref(),
            Some("1.1.1d-r2")
        );
    }

    #[test]
    fn says_nothing_it_cannot_know() {
        // Nothing above the installed version.
        assert_eq!(upgrade_to(SemVer, "3.0.0", "2.9.9, 1.0.0"), None);
        assert_eq!(upgrade_to(SemVer, "3.0.0", "3.0.0"), None);
        assert_eq!(upgrade_to(Deb, "1.0-1", ""), None);
        // The installed version cannot be read.
        assert_eq!(upgrade_to(Npm, "latest", "1.0.0"), None);
        assert!(!crate::versions::readable(Npm, "latest"));
        assert!(crate::versions::readable(Npm, "v1.0.0"));
        // A fixed version that cannot be read is passed over.
        assert_eq!(
            upgrade_to(Pep440, "1.0", "foo bar, 1.2, 1.1").as_deref(),
            Some("1.1")
        );
    }

    #[test]
    fn the_package_takes_the_highest_choice() {
        assert_eq!(
            package_upgrade(SemVer, ["2.6.7", "2.9.7", "2.6.9"]),
            Some("2.9.7")
        );
        assert_eq!(
            package_upgrade(Deb, ["1.0-1", "1.0-1~deb12u1"]),
            Some("1.0-1")
        );
        assert_eq!(package_upgrade(Npm, ["junk", "1.0.0"]), Some("1.0.0"));
        assert_eq!(package_upgrade(Npm, Vec::<&str>::new()), None);
        // Equal spellings: the first listed.
        assert_eq!(package_upgrade(SemVer, ["1.2", "1.2.0"]), Some("1.2"));
    }
}
