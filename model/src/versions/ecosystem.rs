//! Which version order a Trivy result uses, from its `Class` and `Type`.
//!
//! The map follows the comparer Trivy's own detector picks for that type (aquasecurity/trivy,
//! `pkg/detector/ospkg/*/*.go` for `os-pkgs`, `pkg/detector/library/driver.go` for `lang-pkgs`),
//! with three deliberate differences, each toward the order of the package manager that will
//! install the upgrade:
//!
//! - `amazon`: Trivy's Amazon detector compares with `go-deb-version`, but Amazon Linux installs
//!   RPMs with yum/dnf, which order by rpm's `rpmvercmp`; this takes rpm.
//! - npm-family types (`npm`, `yarn`, `pnpm`, `bun`, `node-pkg`, `javascript`) read versions as
//!   node-semver does ([`Ecosystem::Npm`]), the other semver-like types leniently
//!   ([`Ecosystem::SemVer`]); Trivy uses `go-npm-version` and `go-version` for them.
//! - `fedora`, `centos-stream` and `opensuse` have no Trivy detector (so no vulnerabilities); they
//!   are rpm distributions all the same.
//!
//! Types Trivy scans with an order of its own that is not implemented here (`bitnami`: a numeric
//! pre-release is a revision) and anything unknown give `None`, so the caller says the order is
//! unknown instead of guessing.

use super::Ecosystem;

/// The order of versions in results of this `Class` and `Type`, or `None` when unknown.
pub fn ecosystem(result_class: &str, result_type: &str) -> Option<Ecosystem> {
    match result_class {
        "os-pkgs" => os(result_type),
        "lang-pkgs" => lang(result_type),
        _ => None,
    }
}

fn os(t: &str) -> Option<Ecosystem> {
    Some(match t {
        // dpkg: Debian and its derivatives; Echo is Debian-based (Trivy: go-deb-version).
        "debian" | "ubuntu" | "echo" | "debian gnu/linux" => Ecosystem::Deb,
        // rpmvercmp: Red Hat family, SUSE, Azure Linux / CBL-Mariner, Photon, Bottlerocket.
        // The dotted and spelled-out SUSE names are the family names older Trivy releases wrote
        // (Trivy's `OSTypeAliases`).
        "redhat"
        | "centos"
        | "centos-stream"
        | "rocky"
        | "alma"
        | "oracle"
        | "fedora"
        | "amazon"
        | "amazon linux"
        | "opensuse"
        | "opensuse-leap"
        | "opensuse-tumbleweed"
        | "opensuse.leap"
        | "opensuse.tumbleweed"
        | "sles"
        | "slem"
        | "suse linux enterprise server"
        | "suse linux enterprise micro"
        | "cbl-mariner"
        | "azurelinux"
        | "photon"
        | "bottlerocket" => Ecosystem::Rpm,
        // apk-tools: Alpine and the distributions built with it.
        "alpine" | "wolfi" | "chainguard" | "minimos" => Ecosystem::Apk,
        _ => return None,
    })
}

fn lang(t: &str) -> Option<Ecosystem> {
    Some(match t {
        "npm" | "yarn" | "pnpm" | "bun" | "node-pkg" | "javascript" => Ecosystem::Npm,
        // Trivy's GenericComparer (go-version): semver precedence over any number of numeric
        // parts. Conan, Swift and Kubernetes are listed by Trivy under the same comparer.
        "cargo" | "rustbinary" | "composer" | "composer-vendor" | "gomod" | "gobinary" | "pub"
        | "hex" | "conan" | "swift" | "kubernetes" | "julia" => Ecosystem::SemVer,
        "pip" | "pipenv" | "poetry" | "uv" | "pylock" | "python-pkg" => Ecosystem::Pep440,
        "jar" | "pom" | "gradle" | "sbt" => Ecosystem::Maven,
        // Trivy compares NuGet with its GenericComparer; NuGet's own rules differ from it in
        // case-insensitive labels and leading zeros, and NuGet is what installs the upgrade.
        "nuget" | "dotnet-core" | "packages-props" => Ecosystem::NuGet,
        // CocoaPods versions are Gem versions (Trivy: rubygems comparer for both).
        "bundler" | "gemspec" | "cocoapods" => Ecosystem::RubyGems,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_trivys_comparers() {
        for (class, ty, eco) in [
            ("os-pkgs", "debian", Some(Ecosystem::Deb)),
            ("os-pkgs", "ubuntu", Some(Ecosystem::Deb)),
            ("os-pkgs", "redhat", Some(Ecosystem::Rpm)),
            ("os-pkgs", "amazon", Some(Ecosystem::Rpm)),
            ("os-pkgs", "slem", Some(Ecosystem::Rpm)),
            ("os-pkgs", "cbl-mariner", Some(Ecosystem::Rpm)),
            ("os-pkgs", "wolfi", Some(Ecosystem::Apk)),
            ("lang-pkgs", "pnpm", Some(Ecosystem::Npm)),
            ("lang-pkgs", "gomod", Some(Ecosystem::SemVer)),
            ("lang-pkgs", "poetry", Some(Ecosystem::Pep440)),
            ("lang-pkgs", "sbt", Some(Ecosystem::Maven)),
            ("lang-pkgs", "packages-props", Some(Ecosystem::NuGet)),
            ("lang-pkgs", "cocoapods", Some(Ecosystem::RubyGems)),
            ("lang-pkgs", "bitnami", None),
            ("lang-pkgs", "conda-pkg", None),
            ("os-pkgs", "npm", None),
            ("lang-pkgs", "debian", None),
            ("config", "dockerfile", None),
            ("", "", None),
        ] {
            assert_eq!(ecosystem(class, ty), eco, "{class}/{ty}");
        }
    }
}
