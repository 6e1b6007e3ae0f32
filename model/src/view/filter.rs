//! What a view shows, in words the URL hash and the controls share: the filter vocabulary and
//! [`Query`], everything that decides what the viewer lists.

use crate::report::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum GroupBy {
    #[default]
    Severity,
    Target,
    Package,
    /// One group per vulnerability ID: a CVE found in several packages becomes one entry.
    Vulnerability,
    /// One group per fix-plan entry (`report.remediation`): "upgrade X a → b: fixes N", most
    /// urgent first; then what no upgrade fixes, then what is not a package's vulnerability.
    FixPlan,
    /// One group per image layer: base-image layers first, then the image's own, then layers
    /// of unknown origin and findings without a layer.
    Layer,
}

impl GroupBy {
    pub const ALL: [GroupBy; 6] = [
        GroupBy::Severity,
        GroupBy::Target,
        GroupBy::Package,
        GroupBy::Vulnerability,
        GroupBy::FixPlan,
        GroupBy::Layer,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Severity => "severity",
            GroupBy::Target => "target",
            GroupBy::Package => "package",
            GroupBy::Vulnerability => "id",
            GroupBy::FixPlan => "fix",
            GroupBy::Layer => "layer",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Severity => "Severity",
            GroupBy::Target => "Target",
            GroupBy::Package => "Package",
            GroupBy::Vulnerability => "Vulnerability ID",
            GroupBy::FixPlan => "Fix plan",
            GroupBy::Layer => "Layer",
        }
    }
    pub fn from_name(s: &str) -> Option<GroupBy> {
        match s {
            "severity" => Some(GroupBy::Severity),
            "target" => Some(GroupBy::Target),
            "package" => Some(GroupBy::Package),
            "id" | "vulnerability" | "cve" => Some(GroupBy::Vulnerability),
            "fix" | "plan" => Some(GroupBy::FixPlan),
            "layer" => Some(GroupBy::Layer),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SortBy {
    /// Severity, then the highest CVSS score, then package and ID.
    #[default]
    Severity,
    Cvss,
    Package,
    /// Newest first.
    Published,
    Id,
    /// What to fix first: known exploited (CISA's KEV catalog) first, then by EPSS score,
    /// then severity and CVSS score.
    Risk,
    /// Highest EPSS score first; unscored last.
    Epss,
    Target,
}

impl SortBy {
    pub const ALL: [SortBy; 8] = [
        SortBy::Severity,
        SortBy::Risk,
        SortBy::Cvss,
        SortBy::Epss,
        SortBy::Package,
        SortBy::Target,
        SortBy::Published,
        SortBy::Id,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SortBy::Severity => "severity",
            SortBy::Cvss => "cvss",
            SortBy::Package => "package",
            SortBy::Published => "published",
            SortBy::Id => "id",
            SortBy::Risk => "risk",
            SortBy::Epss => "epss",
            SortBy::Target => "target",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Severity => "Severity",
            SortBy::Cvss => "CVSS score",
            SortBy::Package => "Package",
            SortBy::Published => "Published (newest)",
            SortBy::Id => "ID",
            SortBy::Risk => "Risk (KEV, EPSS, severity)",
            SortBy::Epss => "EPSS score",
            SortBy::Target => "Target",
        }
    }
    /// Whether the natural order puts the highest (most severe, highest score, newest) first:
    /// what a column header announces as `aria-sort="descending"`.
    pub fn descending(self) -> bool {
        !matches!(self, SortBy::Package | SortBy::Id | SortBy::Target)
    }
    pub fn from_name(s: &str) -> Option<SortBy> {
        SortBy::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Fixable or unfixed, in Trivy's meaning (see [`Finding::is_fixable`], [`Finding::is_unfixed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Fix {
    #[default]
    Any,
    Fixable,
    Unfixed,
}

impl Fix {
    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Any => "any",
            Fix::Fixable => "fixable",
            Fix::Unfixed => "unfixed",
        }
    }
    pub fn from_name(s: &str) -> Option<Fix> {
        [Fix::Any, Fix::Fixable, Fix::Unfixed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Which findings are in scope at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Show {
    /// What the summary counts: not suppressed by Trivy, and for checks, failing.
    #[default]
    Counted,
    /// Suppressed by Trivy, ignored or excluded by the gate, and passed checks.
    Hidden,
    All,
}

impl Show {
    pub fn as_str(self) -> &'static str {
        match self {
            Show::Counted => "counted",
            Show::Hidden => "hidden",
            Show::All => "all",
        }
    }
    pub fn from_name(s: &str) -> Option<Show> {
        [Show::Counted, Show::Hidden, Show::All]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// The filters whose values are the report's own (statuses, classes, target types, targets),
/// offered as facet chips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListFilter {
    Status,
    Class,
    Type,
    Target,
}

impl ListFilter {
    pub const ALL: [ListFilter; 4] = [
        ListFilter::Status,
        ListFilter::Class,
        ListFilter::Type,
        ListFilter::Target,
    ];
}

/// Everything that decides what the viewer shows; it round-trips through the URL hash.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub q: String,
    /// Empty means all.
    pub severities: Vec<Severity>,
    pub kinds: Vec<Kind>,
    pub fix: Fix,
    pub statuses: Vec<String>,
    pub classes: Vec<String>,
    pub pkg_types: Vec<String>,
    pub targets: Vec<String>,
    pub show: Show,
    pub group: GroupBy,
    pub sort: SortBy,
    /// The sort order turned around (a second click on a column header).
    pub reverse: bool,
    /// Only findings in CISA's Known Exploited Vulnerabilities catalog.
    pub kev: bool,
    /// Show each finding on its own row instead of merging the same ID, package and installed
    /// version found in several targets into one row that lists the targets. Merging is the
    /// default.
    pub unmerged: bool,
    /// The finding open in the detail view, as [`finding_key`] or a bare ID.
    pub finding: Option<String>,
}

impl Query {
    pub fn toggle_severity(&mut self, s: Severity) {
        toggle(&mut self.severities, s);
    }
    pub fn toggle_kind(&mut self, k: Kind) {
        toggle(&mut self.kinds, k);
    }
    /// The values chosen in list filter `which`; empty means all.
    pub fn list(&self, which: ListFilter) -> &[String] {
        match which {
            ListFilter::Status => &self.statuses,
            ListFilter::Class => &self.classes,
            ListFilter::Type => &self.pkg_types,
            ListFilter::Target => &self.targets,
        }
    }

    pub fn list_mut(&mut self, which: ListFilter) -> &mut Vec<String> {
        match which {
            ListFilter::Status => &mut self.statuses,
            ListFilter::Class => &mut self.classes,
            ListFilter::Type => &mut self.pkg_types,
            ListFilter::Target => &mut self.targets,
        }
    }

    /// True when no filter narrows the list (grouping, sort and selection aside).
    pub fn is_unfiltered(&self) -> bool {
        let plain = Query {
            q: self.q.trim().to_string(),
            group: self.group,
            sort: self.sort,
            reverse: self.reverse,
            unmerged: self.unmerged,
            finding: self.finding.clone(),
            ..Default::default()
        };
        plain.q.is_empty()
            && Query {
                q: String::new(),
                ..self.clone()
            } == plain
    }
}

fn toggle<T: PartialEq + Ord>(v: &mut Vec<T>, x: T) {
    if let Some(i) = v.iter().position(|y| *y == x) {
        v.remove(i);
    } else {
        v.push(x);
        super::sort::sort(v);
    }
}
