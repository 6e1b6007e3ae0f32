//! Package versions in the order of their own ecosystem, for the fix plan: which listed fixed
//! version to upgrade to.
//!
//! 1. `ecosystem.rs`: which order a Trivy result uses, from its `Class` and `Type`
//!    ([`ecosystem`]);
//! 2. one file per order: `deb.rs` (dpkg), `rpm.rs` (rpmvercmp), `apk.rs` (apk-tools),
//!    `semver.rs` (SemVer 2.0 precedence, read leniently or as node-semver reads it), `pep440.rs`
//!    (Python), `maven.rs` (Maven's `ComparableVersion`), `nuget.rs` (`NuGetVersion`),
//!    `rubygems.rs` (`Gem::Version`);
//! 3. `upgrade.rs`: Trivy's fixed-version lists and the version to upgrade to
//!    ([`upgrade_to`], [`package_upgrade`]).
//!
//! Every function is pure and total: a version an ecosystem cannot read gives `None`, never a
//! guess. `tests/tests/versions.rs` holds each order to the real tool (dpkg, rpm, Python's
//! `packaging`, node's `semver`, Maven, Ruby) over the corpus's versions and edge cases; apk and
//! NuGet, whose tools Debian lacks, are held by unit tests to the orderings their projects
//! document (and apk to apk-tools' source when a checkout is given).

mod apk;
mod deb;
mod ecosystem;
mod maven;
mod nuget;
mod pep440;
mod rpm;
mod rubygems;
mod semver;
mod upgrade;

use std::cmp::Ordering;

pub use ecosystem::ecosystem;
pub use upgrade::{fixed_versions, package_upgrade, upgrade, upgrade_to, Upgrade};

/// A version order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ecosystem {
    /// dpkg's order (deb-version(7)): Debian, Ubuntu.
    Deb,
    /// rpm's `rpmvercmp` over epoch, version and release: Red Hat family, SUSE, Azure Linux,
    /// Photon, Amazon.
    Rpm,
    /// apk-tools' order: Alpine, Wolfi, Chainguard.
    Apk,
    /// SemVer 2.0 precedence over any number of numeric parts, with an optional `v` (Go, Cargo,
    /// Composer, Pub, Hex, Swift, Conan): Trivy's GenericComparer.
    SemVer,
    /// node-semver's reading of SemVer 2.0 (exactly three parts, optional `v`): npm, Yarn, pnpm,
    /// Bun.
    Npm,
    /// PEP 440: pip, Pipenv, Poetry, uv.
    Pep440,
    /// Maven's `ComparableVersion`: jar, pom, Gradle, sbt.
    Maven,
    /// NuGet's `NuGetVersion`: four numeric parts, case-insensitive pre-release labels.
    NuGet,
    /// RubyGems' `Gem::Version`: Bundler, gemspec, CocoaPods.
    RubyGems,
}

impl Ecosystem {
    /// Every ecosystem, for tests and tables.
    pub const ALL: [Ecosystem; 9] = [
        Ecosystem::Deb,
        Ecosystem::Rpm,
        Ecosystem::Apk,
        Ecosystem::SemVer,
        Ecosystem::Npm,
        Ecosystem::Pep440,
        Ecosystem::Maven,
        Ecosystem::NuGet,
        Ecosystem::RubyGems,
    ];

    /// A short name for the order, for messages: `dpkg`, `rpm`, `apk`, `semver`, `npm`,
    /// `pep440`, `maven`, `nuget`, `rubygems`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Deb => "dpkg",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Apk => "apk",
            Ecosystem::SemVer => "semver",
            Ecosystem::Npm => "npm",
            Ecosystem::Pep440 => "pep440",
            Ecosystem::Maven => "maven",
            Ecosystem::NuGet => "nuget",
            Ecosystem::RubyGems => "rubygems",
        }
    }
}

/// `a` against `b` in the ecosystem's order; `None` when either cannot be read there.
///
/// Surrounding whitespace is not part of a version: a version with any is not read.
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    match eco {
        Ecosystem::Deb => deb::compare(a, b),
        Ecosystem::Rpm => rpm::compare(a, b),
        Ecosystem::Apk => apk::compare(a, b),
        Ecosystem::SemVer => semver::compare_lenient(a, b),
        Ecosystem::Npm => semver::compare_npm(a, b),
        Ecosystem::Pep440 => pep440::compare(a, b),
        Ecosystem::Maven => maven::compare(a, b),
        Ecosystem::NuGet => nuget::compare(a, b),
        Ecosystem::RubyGems => rubygems::compare(a, b),
    }
}

/// Whether `eco` can read `v`: what tells "the installed version cannot be read" from "no
/// listed fix is above it" when [`upgrade_to`] gives `None`.
pub fn readable(eco: Ecosystem, v: &str) -> bool {
    compare(eco, v, v).is_some()
}

/// The part of a version that names its branch (release line), or `None` when the ecosystem
/// has no such notion (OS packages: a distribution release has one line per package) or the
/// version cannot be read. Two versions are on the same branch when their keys are equal.
pub(crate) fn branch(eco: Ecosystem, v: &str) -> Option<Vec<u64>> {
    match eco {
        Ecosystem::Deb | Ecosystem::Rpm | Ecosystem::Apk => None,
        Ecosystem::SemVer | Ecosystem::Npm => semver::branch(eco, v),
        Ecosystem::Pep440 => pep440::branch(v),
        Ecosystem::Maven => maven::branch(v),
        Ecosystem::NuGet => nuget::branch(v),
        Ecosystem::RubyGems => rubygems::branch(v),
    }
}
