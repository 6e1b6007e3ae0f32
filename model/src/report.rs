//! The normalized Scanlens report: what `report.json` holds and what the page and the viewer read.
//!
//! One flat list of findings of four kinds, each keeping everything Trivy said of it, plus the
//! artifacts they came from and a summary. Optional fields are left out of the JSON when empty so
//! that a report of 100,000 findings stays compact.
//!
//! 1. Severities and kinds, and counts by severity ([`Severity`], [`Kind`], [`SeverityCounts`],
//!    [`Summary`]).
//! 2. The report and what was scanned ([`Report`], [`Stats`], [`Artifact`], [`Target`]).
//! 3. A finding and its parts ([`Finding`], [`Package`], [`Cvss`], [`Layer`], the kind-specific
//!    details, [`Suppression`], [`Exclusion`]).
//! 4. The gate's result ([`GateResult`], [`GateRule`]).
//! 5. The rules every output shares: what is counted ([`is_counted`]), what is fixed
//!    ([`fix_available`]), the highest CVSS score ([`max_cvss`]).

use crate::fix_first::FixFirst;
use crate::keymap::KeyMap;
pub use crate::triage::*;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// Bumped when a change to this format would break a reader of an older `report.json`.
pub const REPORT_VERSION: u32 = 1;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    #[default]
    Unknown,
}

impl Severity {
    /// Most severe first: the order groups and tables use.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Unknown,
    ];

    /// Anything that is not one of Trivy's five names is `UNKNOWN`, as Trivy itself treats it.
    pub fn parse(s: &str) -> Severity {
        match s.trim().to_ascii_uppercase().as_str() {
            "CRITICAL" => Severity::Critical,
            "HIGH" => Severity::High,
            "MEDIUM" => Severity::Medium,
            "LOW" => Severity::Low,
            _ => Severity::Unknown,
        }
    }

    /// Strict parse for user input such as `--fail-on CRITICAL,HIGH`.
    pub fn from_name(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_uppercase().as_str() {
            "CRITICAL" => Some(Severity::Critical),
            "HIGH" => Some(Severity::High),
            "MEDIUM" => Some(Severity::Medium),
            "LOW" => Some(Severity::Low),
            "UNKNOWN" => Some(Severity::Unknown),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::High => "HIGH",
            Severity::Medium => "MEDIUM",
            Severity::Low => "LOW",
            Severity::Unknown => "UNKNOWN",
        }
    }

    /// 0 for CRITICAL .. 4 for UNKNOWN.
    pub fn rank(self) -> usize {
        self as usize
    }

    /// The severities of "fixable critical/high": the viewer's toggle and its count, and the
    /// dashboard's figure.
    pub const CRITICAL_HIGH: [Severity; 2] = [Severity::Critical, Severity::High];

    /// One of [`Severity::CRITICAL_HIGH`].
    pub fn is_critical_or_high(self) -> bool {
        Self::CRITICAL_HIGH.contains(&self)
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Vulnerability,
    Misconfiguration,
    Secret,
    License,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Vulnerability,
        Kind::Misconfiguration,
        Kind::Secret,
        Kind::License,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Vulnerability => "vulnerability",
            Kind::Misconfiguration => "misconfiguration",
            Kind::Secret => "secret",
            Kind::License => "license",
        }
    }

    /// The plural, as used in the summary's keys and headings.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Vulnerability => "vulnerabilities",
            Kind::Misconfiguration => "misconfigurations",
            Kind::Secret => "secrets",
            Kind::License => "licenses",
        }
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vulnerability" | "vulnerabilities" | "vuln" => Some(Kind::Vulnerability),
            "misconfiguration" | "misconfigurations" | "misconfig" | "config" => {
                Some(Kind::Misconfiguration)
            }
            "secret" | "secrets" => Some(Kind::Secret),
            "license" | "licenses" => Some(Kind::License),
            _ => None,
        }
    }
}

/// Counts per severity; all five keys are always present in the JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct SeverityCounts {
    #[serde(rename = "CRITICAL")]
    pub critical: u64,
    #[serde(rename = "HIGH")]
    pub high: u64,
    #[serde(rename = "MEDIUM")]
    pub medium: u64,
    #[serde(rename = "LOW")]
    pub low: u64,
    #[serde(rename = "UNKNOWN")]
    pub unknown: u64,
}

impl SeverityCounts {
    pub fn get(&self, s: Severity) -> u64 {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Unknown => self.unknown,
        }
    }

    pub fn add(&mut self, s: Severity) {
        match s {
            Severity::Critical => self.critical += 1,
            Severity::High => self.high += 1,
            Severity::Medium => self.medium += 1,
            Severity::Low => self.low += 1,
            Severity::Unknown => self.unknown += 1,
        }
    }

    /// Saturating: counts read back from a `site.json` or `report.json` are untrusted, and a
    /// wrapped total would understate them.
    pub fn total(&self) -> u64 {
        [self.high, self.medium, self.low, self.unknown]
            .into_iter()
            .fold(self.critical, u64::saturating_add)
    }
}

/// The counts of the findings Trivy listed: suppressed findings and passing checks are not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Summary {
    pub vulnerabilities: SeverityCounts,
    pub misconfigurations: SeverityCounts,
    pub secrets: SeverityCounts,
    pub licenses: SeverityCounts,
}

impl Summary {
    pub fn of(&self, kind: Kind) -> &SeverityCounts {
        match kind {
            Kind::Vulnerability => &self.vulnerabilities,
            Kind::Misconfiguration => &self.misconfigurations,
            Kind::Secret => &self.secrets,
            Kind::License => &self.licenses,
        }
    }

    pub fn of_mut(&mut self, kind: Kind) -> &mut SeverityCounts {
        match kind {
            Kind::Vulnerability => &mut self.vulnerabilities,
            Kind::Misconfiguration => &mut self.misconfigurations,
            Kind::Secret => &mut self.secrets,
            Kind::License => &mut self.licenses,
        }
    }

    pub fn total(&self) -> u64 {
        Kind::ALL
            .iter()
            .map(|k| self.of(*k).total())
            .fold(0, u64::saturating_add)
    }

    pub fn severity_total(&self, s: Severity) -> u64 {
        Kind::ALL
            .iter()
            .map(|k| self.of(*k).get(s))
            .fold(0, u64::saturating_add)
    }
}

/// The whole normalized report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Report {
    /// Format version of this file; see `REPORT_VERSION`.
    pub version: u32,
    /// The program that wrote it, e.g. `scanlens 0.1.0`.
    pub generator: String,
    /// The commit the scan belongs to, when known (from `scan`, or the CI's variables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub summary: Summary,
    /// Figures beyond the summary: fixable findings, suppressed findings, gate exclusions.
    pub stats: Stats,
    /// What was scanned: one entry per Trivy input.
    pub artifacts: Vec<Artifact>,
    /// Every target Trivy looked at, including those with no finding.
    pub targets: Vec<Target>,
    pub findings: Vec<Finding>,
    /// The pipeline gate's verdict, when one was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateResult>,
    /// The fix plan: which package to upgrade to which version, most urgent first. Every counted
    /// vulnerability with a fix is in exactly one entry's `fixes`.
    #[serde(default)]
    pub remediation: Vec<Remediation>,
    /// What to act on first, bounded: planned after the gate from what it did not exclude
    /// (`summary.md`'s "Fix first", the page's and the viewer's). Left out when there is nothing.
    #[serde(default, skip_serializing_if = "FixFirst::is_empty")]
    pub fix_first: FixFirst,
    /// The exploitability feeds the findings were enriched with, when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feeds: Option<Feeds>,
}

impl Report {
    /// A copy of everything but the findings, which are most of a report's bytes.
    pub fn without_findings(&self) -> Report {
        Report {
            version: self.version,
            generator: self.generator.clone(),
            commit: self.commit.clone(),
            summary: self.summary,
            stats: self.stats,
            artifacts: self.artifacts.clone(),
            targets: self.targets.clone(),
            findings: Vec::new(),
            gate: self.gate.clone(),
            remediation: self.remediation.clone(),
            fix_first: self.fix_first.clone(),
            feeds: self.feeds.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Stats {
    /// Counted findings with a fixed version available.
    pub fixable: u64,
    /// Findings Trivy suppressed (VEX or its own ignore rules); kept, not counted.
    pub suppressed: u64,
    /// Misconfiguration checks that passed or were excepted; kept, not counted.
    pub passed_checks: u64,
    /// Packages Trivy inventoried across all targets.
    pub packages: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Artifact {
    pub name: String,
    /// `container_image`, `filesystem`, `repository`, `vm`, `cyclonedx`, `k8s_resource`, ...
    #[serde(rename = "type")]
    pub artifact_type: String,
    /// The input file this artifact was read from (`-` for standard input).
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<OsInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// When Trivy made the scan (its `CreatedAt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanned_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trivy_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    /// Trivy's schema version of the input (1 for the legacy array).
    pub schema_version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The image's layers, oldest first, with how many findings each brings and whether it is
    /// the base image's or the image's own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<ImageLayer>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct OsInfo {
    pub family: String,
    pub name: String,
    /// The OS release is past its end of support life.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub eosl: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Target {
    /// Index into `artifacts`.
    pub artifact: u32,
    pub name: String,
    pub class: String,
    #[serde(rename = "type")]
    pub target_type: String,
    pub packages: u64,
}

/// One finding of any kind. Kind-specific parts are optional and left out when absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Finding {
    pub kind: Kind,
    /// Vulnerability ID, check ID, secret rule ID or license name.
    pub id: String,
    pub severity: Severity,
    /// Index into `artifacts`.
    pub artifact: u32,
    pub target: String,
    /// Trivy's result class: `os-pkgs`, `lang-pkgs`, `config`, `secret`, `license`, `license-file`, `custom`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub class: String,
    /// Trivy's result type: `debian`, `npm`, `dockerfile`, ...
    #[serde(default, skip_serializing_if = "String::is_empty", rename = "type")]
    pub target_type: String,
    /// Other IDs for the same finding: vendor advisories, AVD IDs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    // `Arc`: shared in memory by the findings of one advisory (see `normalize::Interner`).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub description: Arc<str>,
    /// Trivy's status: `fixed`, `affected`, `will_not_fix`, ... for vulnerabilities; `FAIL`, `PASS` for checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    // `Arc`: shared by the findings of one package (see `compact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Arc<Package>>,
    /// Where the severity came from (`nvd`, `debian`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_source: Option<String>,
    #[serde(default, skip_serializing_if = "KeyMap::is_empty")]
    pub vendor_severity: KeyMap<Severity>,
    #[serde(default, skip_serializing_if = "KeyMap::is_empty")]
    pub cvss: KeyMap<Cvss>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwe_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_url: Option<String>,
    // Shared like `description`.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub references: Arc<[String]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // `Arc`s: the same for many findings, stored once (see `normalize::Interner`).
    pub data_source: Option<Arc<DataSource>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<Arc<Layer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // `Arc`: kept out of line (most findings have none) and shared when equal.
    pub misconfiguration: Option<Arc<MisconfDetail>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<Arc<SecretDetail>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<LicenseDetail>,
    /// Set when Trivy itself suppressed the finding (`ExperimentalModifiedFindings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
    /// Set when the gate's filters left this finding out of the verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excluded: Option<Exclusion>,
    /// Its entry in CISA's Known Exploited Vulnerabilities catalog (`null`: not listed); left
    /// out when no catalog was given.
    #[serde(default, skip_serializing_if = "Feed::not_given")]
    pub kev: Feed<Kev>,
    /// Its EPSS score (`null`: not scored); left out when no EPSS file was given.
    #[serde(default, skip_serializing_if = "Feed::not_given")]
    pub epss: Feed<Epss>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Package {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub installed_version: String,
    /// As Trivy wrote it; several versions are comma-separated (see [`Package::fixed_versions`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fixed_version: String,
    /// Where the package is listed in its file (a lock file's lines), one range per place, from
    /// the result's `Packages[].Locations`; Trivy's SARIF points the vulnerability there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<LineRange>,
}

/// Lines of a file, counted from 1, `end` included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct LineRange {
    pub start: u64,
    pub end: u64,
}

impl Package {
    pub fn fixed_versions(&self) -> impl Iterator<Item = &str> {
        self.fixed_version
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Cvss {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v2_vector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v2_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v3_vector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v3_score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v40_vector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v40_score: Option<f64>,
}

impl Cvss {
    /// The newest score version present.
    pub fn best_score(&self) -> Option<f64> {
        self.v40_score.or(self.v3_score).or(self.v2_score)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct DataSource {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Layer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_id: Option<String>,
    /// The Dockerfile instruction that made the layer, from the image history when Trivy omits it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct CodeLine {
    pub number: u64,
    pub content: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_cause: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct MisconfDetail {
    /// `dockerfile`, `kubernetes`, `terraform`, ...
    #[serde(rename = "type")]
    pub check_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resolution: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<CodeLine>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct SecretDetail {
    pub category: String,
    /// The matched line with the secret masked by Trivy.
    #[serde(rename = "match")]
    pub matched: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code: Vec<CodeLine>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct LicenseDetail {
    /// `forbidden`, `restricted`, `reciprocal`, `notice`, `permissive`, `unencumbered`, `unknown`.
    pub category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file_path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Suppression {
    /// e.g. `not_affected`, `ignored`.
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub statement: String,
    /// The VEX document or ignore file that suppressed it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
}

/// Why the gate did not count a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    /// `--ignore-unfixed`: no fix is available.
    Unfixed,
    /// `--ignore-status`: its status (as [`trivy_status`] reads it) is one of those listed.
    Status,
    /// `--pkg-types`: the package type was not selected.
    PkgType,
    /// An entry of the ignore file matched.
    Ignored {
        rule: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        statement: String,
    },
}

impl Exclusion {
    pub fn label(&self) -> &'static str {
        match self {
            Exclusion::Unfixed => "unfixed",
            Exclusion::Status => "status ignored",
            Exclusion::PkgType => "package type not selected",
            Exclusion::Ignored { .. } => "ignored",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct GateResult {
    /// True when a rule tripped: a counted, not excluded finding had a severity in `fail_on`, is
    /// in the KEV catalog (`fail_on_kev`), or scored at least `fail_on_epss`.
    pub failed: bool,
    pub fail_on: Vec<Severity>,
    /// `--severity` (trivy-action's `severity`): only findings at these severities count for
    /// the gate and summary.md; empty counts every severity. The report keeps every finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<Severity>,
    /// Counted, not excluded findings at the `fail_on` severities.
    pub failing: u64,
    /// Findings the gate's filters excluded.
    pub excluded: u64,
    /// `--fail-on-kev`: fail on a finding in CISA's Known Exploited Vulnerabilities catalog.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_kev: bool,
    /// With `fail_on_kev`: counted, not excluded findings in the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_kev: Option<u64>,
    /// `--fail-on-epss`: fail on a finding whose EPSS score is at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on_epss: Option<f64>,
    /// With `fail_on_epss`: counted, not excluded findings scored at least that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_epss: Option<u64>,
    /// `--exit-on-eol` (Trivy's option): fail when a scanned OS is past its end of support life.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_eol: bool,
    /// With `fail_on_eol`: each scanned OS past its end of life (`debian 9`), once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eol: Vec<String>,
}

/// A rule of the gate, for saying which one tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateRule {
    /// `--fail-on`.
    Severity,
    /// `--fail-on-kev`.
    Kev,
    /// `--fail-on-epss`.
    Epss,
    /// `--exit-on-eol`.
    Eol,
}

impl GateResult {
    /// Whether a finding's severity is one that counts (`severities`, or any when empty).
    pub fn in_scope(&self, severity: Severity) -> bool {
        self.severities.is_empty() || self.severities.contains(&severity)
    }

    /// The rules that tripped, in the order above.
    pub fn tripped(&self) -> Vec<GateRule> {
        let mut rules = Vec::new();
        if self.failing > 0 {
            rules.push(GateRule::Severity);
        }
        if self.failing_kev.unwrap_or(0) > 0 {
            rules.push(GateRule::Kev);
        }
        if self.failing_epss.unwrap_or(0) > 0 {
            rules.push(GateRule::Epss);
        }
        if self.fail_on_eol && !self.eol.is_empty() {
            rules.push(GateRule::Eol);
        }
        rules
    }

    /// Whether any rule was asked for (a gate with none never fails).
    pub fn has_rules(&self) -> bool {
        !self.fail_on.is_empty()
            || self.fail_on_kev
            || self.fail_on_epss.is_some()
            || self.fail_on_eol
    }
}

impl Finding {
    /// A fix is available, in Trivy's sense (see [`fix_available`]).
    pub fn is_fixable(&self) -> bool {
        fix_available(self.kind, self.status.as_deref(), self.package.as_deref())
    }

    /// Counted, fixable and CRITICAL or HIGH: what "fixable critical/high" counts (the viewer's
    /// figure for its whole report, `view::Facets::fixable_urgent` under the default query).
    pub fn is_fixable_critical_high(&self) -> bool {
        self.is_counted() && self.is_fixable() && self.severity.is_critical_or_high()
    }

    /// Its status as Trivy's `--ignore-status` reads it (see [`trivy_status`]).
    pub fn trivy_status(&self) -> &'static str {
        trivy_status(self.status.as_deref(), self.package.as_deref())
    }

    /// A vulnerability Trivy's `--ignore-unfixed` leaves out: every one without a fix.
    pub fn is_unfixed(&self) -> bool {
        self.kind == Kind::Vulnerability && !self.is_fixable()
    }

    /// Counted in the summary (see [`is_counted`]).
    pub fn is_counted(&self) -> bool {
        is_counted(self.kind, self.status.as_deref(), self.suppressed.is_some())
    }

    /// The highest CVSS score any source gave.
    pub fn max_cvss(&self) -> Option<f64> {
        max_cvss(&self.cvss)
    }

    /// The viewer's default order ([`SortBy::Severity`](crate::view::SortBy::Severity)) as a
    /// key: most severe first, then the highest CVSS score, the package's name, the ID and the
    /// target. The static page orders its rows by it, so the app opens on the row the page showed
    /// first. The viewer's index compares the same fields from its own tables (a test holds the
    /// two to one order).
    pub fn severity_order(&self) -> (Severity, i64, &str, &str, &str) {
        (
            self.severity,
            self.cvss_rank(),
            self.package_name(),
            &self.id,
            &self.target,
        )
    }

    /// Sorts highest CVSS first as an integer key (scores have one decimal), unscored last.
    pub fn cvss_rank(&self) -> i64 {
        self.max_cvss().map_or(1, |s| -(s * 10.0).round() as i64)
    }

    pub fn package_name(&self) -> &str {
        self.package.as_ref().map_or("", |p| p.name.as_str())
    }

    pub fn installed_version(&self) -> &str {
        self.package
            .as_ref()
            .map_or("", |p| p.installed_version.as_str())
    }
}

/// Counted in the summary: listed by Trivy, not suppressed, and for checks, failing. The one
/// definition for the report, the page data and the viewer.
pub fn is_counted(kind: Kind, status: Option<&str>, suppressed: bool) -> bool {
    !suppressed && (kind != Kind::Misconfiguration || status == Some("FAIL"))
}

/// The highest score of the newest CVSS version each source gave.
pub fn max_cvss(cvss: &KeyMap<Cvss>) -> Option<f64> {
    cvss.values()
        .filter_map(Cvss::best_score)
        .fold(None, |acc, s| Some(acc.map_or(s, |a: f64| a.max(s))))
}

/// Trivy's vulnerability statuses, the values of its `--ignore-status`, in its order.
pub const VULN_STATUSES: [&str; 8] = [
    "unknown",
    "not_affected",
    "affected",
    "fixed",
    "under_investigation",
    "will_not_fix",
    "fix_deferred",
    "end_of_life",
];

/// A vulnerability's status as Trivy's scanner settles it before filtering (its `FillInfo`): any
/// fixed version makes it `fixed`; otherwise the vendor's status as written, or, for a report
/// without one (older Trivy) or with a name Trivy does not know, `affected`. Trivy's own JSON
/// always agrees with this; a status-less or hand-made report is filtered as a fresh scan of the
/// same image would be.
pub fn trivy_status(status: Option<&str>, package: Option<&Package>) -> &'static str {
    // Trivy's test is `FixedVersion != ""`: a version of spaces still counts.
    if package.is_some_and(|p| !p.fixed_version.is_empty()) {
        return "fixed";
    }
    match status.and_then(|s| VULN_STATUSES.iter().find(|k| **k == s)) {
        Some(&known) if known != "unknown" => known,
        _ => "affected",
    }
}

/// Whether a vulnerability has a fix, as Trivy decides it. Its `--ignore-unfixed` keeps only
/// status `fixed` (its code drops `affected`, `will_not_fix`, `fix_deferred`, `end_of_life`,
/// `under_investigation`, `not_affected` and unknown alike), read by [`trivy_status`].
/// This one definition serves the gate, the summary, `findings.ndjson` and the viewer.
pub fn fix_available(kind: Kind, status: Option<&str>, package: Option<&Package>) -> bool {
    kind == Kind::Vulnerability && trivy_status(status, package) == "fixed"
}

/// The first `n` of `items` in the order of `key`, as a stable sort would put them, in time
/// linear in `items`: a page lists a few thousand of a report's 100,000 findings.
pub fn first_by_key<T, K: Ord>(items: Vec<T>, n: usize, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut keyed: Vec<(K, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, t)| (key(&t), i, t))
        .collect();
    let order = |a: &(K, usize, T), b: &(K, usize, T)| (&a.0, a.1).cmp(&(&b.0, b.1));
    if n == 0 {
        return Vec::new();
    }
    if keyed.len() > n {
        keyed.select_nth_unstable_by(n - 1, order);
        keyed.truncate(n);
    }
    keyed.sort_unstable_by(order);
    keyed.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod first_tests {
    #[test]
    fn first_by_key_is_a_stable_sort_cut_short() {
        let items: Vec<(u32, char)> = "hello world, sorted in part"
            .chars()
            .enumerate()
            .map(|(i, c)| ((i as u32 * 7) % 5, c))
            .collect();
        for n in [0, 1, 3, 10, 100] {
            let mut all = items.clone();
            all.sort_by_key(|x| x.0);
            all.truncate(n);
            assert_eq!(super::first_by_key(items.clone(), n, |x| x.0), all, "{n}");
        }
    }

    #[test]
    fn totals_saturate_instead_of_wrapping_on_hostile_counts() {
        let c = super::SeverityCounts {
            critical: u64::MAX,
            high: u64::MAX,
            ..super::SeverityCounts::default()
        };
        assert_eq!(c.total(), u64::MAX);
    }
}
