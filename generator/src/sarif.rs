//! `report.sarif`: SARIF 2.1.0 for GitHub code scanning, written from the normalized report so
//! that no second Trivy run is needed.
//!
//! The shape follows Trivy's own `--format sarif` (one rule per ID, the same rule names, tags and
//! `security-severity`: the CVSS v3 score of the vulnerability's severity source, otherwise a
//! fixed score per severity, so GitHub's band is Trivy's severity), so alerts read the same as
//! trivy-action's. Where a rule's findings score differently, the rule takes the highest (Trivy
//! keeps whichever came last). Scanlens adds what GitHub needs to track alerts across scans:
//! `partialFingerprints` from the finding's [`Identity`] (a new image tag keeps its alerts) and a
//! category per image, and, when the report was made with the exploitability feeds, each
//! result's KEV entry and EPSS score in its `properties` and a `kev` tag on the rules of exploited
//! vulnerabilities. GitHub rejects an upload over its limits, so the writer enforces them: at
//! most [`MAX_RESULTS`] results (the most severe kept) and at most [`MAX_GZIPPED`] bytes once
//! gzipped (long texts trimmed first).

use scanlens_model::identity::{repository, Identity};
use scanlens_model::{Epss, Feed, Finding, Kev, Kind, Report, Severity};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Write;

/// GitHub keeps only the first 5,000 results of a run.
pub const MAX_RESULTS: usize = 5_000;
/// GitHub rejects a SARIF upload larger than 10 MB gzipped.
pub const MAX_GZIPPED: usize = 10 * 1024 * 1024;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/scanlens/scanlens";

/// The SARIF document as bytes, with what was left out to fit GitHub's limits.
#[derive(Debug)]
pub struct Sarif {
    pub bytes: Vec<u8>,
    /// Results written.
    pub results: usize,
    /// Counted findings left out because of [`MAX_RESULTS`].
    pub dropped: usize,
    /// The longest description kept, when texts had to be trimmed for [`MAX_GZIPPED`].
    pub trimmed_to: Option<usize>,
}

impl Sarif {
    /// A line for stderr when something was left out, so the CI log says why alerts are missing.
    pub fn note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.dropped > 0 {
            parts.push(format!(
                "kept the {} most severe of {} findings (GitHub's limit is {MAX_RESULTS} results)",
                self.results,
                self.results + self.dropped
            ));
        }
        if let Some(n) = self.trimmed_to {
            parts.push(format!(
                "descriptions cut to {n} characters to stay under 10 MB gzipped"
            ));
        }
        (!parts.is_empty()).then(|| format!("report.sarif: {}", parts.join("; ")))
    }
}

/// The category of one image's SARIF run: `scanlens/<repository>/`, stable across tags so that a
/// new tag's upload replaces the old tag's alerts. `tagged` adds the tag, for when several tags of
/// one repository are scanned together (GitHub refuses two runs with one category in an upload).
pub fn category(image: &str, tagged: bool) -> String {
    if tagged {
        format!("scanlens/{}/", image.split('@').next().unwrap_or(image))
    } else {
        format!("scanlens/{}/", repository(image))
    }
}

/// The category of a report's run: its first artifact's repository.
pub fn default_category(report: &Report) -> String {
    category(
        report
            .artifacts
            .first()
            .map_or("report", |a| a.name.as_str()),
        false,
    )
}

/// The file's name in a report folder.
pub const FILE: &str = "report.sarif";

/// Renders `report` as SARIF within GitHub's limits, as one run of `category`.
pub fn render(report: &Report, category: &str) -> Sarif {
    render_within(report, category, MAX_RESULTS, MAX_GZIPPED)
}

fn render_within(report: &Report, category: &str, max_results: usize, max_gzipped: usize) -> Sarif {
    // Only what the summary counts becomes a result: passing checks and findings Trivy itself
    // suppressed are not alerts. Gate exclusions stay, marked as suppressed, so that the SARIF and
    // the report agree on what was found.
    let mut findings: Vec<&Finding> = report.findings.iter().filter(|f| f.is_counted()).collect();
    findings.sort_by_key(|f| (f.severity.rank(), f.excluded.is_some(), f.cvss_rank()));
    let total = findings.len();
    findings.truncate(max_results);
    let dropped = total - findings.len();

    // Descriptions are the bulk of the file; each step trims them further. 5,000 results of
    // ordinary advisories gzip to well under 1 MB, so the later steps are for hostile input.
    for cap in [None, Some(4096), Some(1024), Some(256), Some(0)] {
        let log = build(report, category, &findings, dropped, max_results, cap);
        let bytes = serde_json::to_vec(&log).expect("SARIF serializes");
        if cap == Some(0) || gzipped_len(&bytes) <= max_gzipped {
            return Sarif {
                bytes,
                results: findings.len(),
                dropped,
                trimmed_to: cap,
            };
        }
    }
    unreachable!("the last step always returns")
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory").len()
}

fn build<'a>(
    report: &'a Report,
    category: &str,
    findings: &[&'a Finding],
    dropped: usize,
    max_results: usize,
    cap: Option<usize>,
) -> Log<'a> {
    // Each rule is made from its highest-scoring finding, the first of them in report order.
    let mut top: HashMap<Cow<str>, &Finding> = HashMap::new();
    // A rule is tagged `kev` when any of its findings is in the catalog, so code scanning can
    // filter on exploited vulnerabilities (`tag:kev`).
    let mut in_kev: HashSet<Cow<str>> = HashSet::new();
    for f in findings {
        let best = top.entry(rule_id(f)).or_insert(f);
        if security_severity(f) > security_severity(best) {
            *best = f;
        }
        if f.kev.listed().is_some() {
            in_kev.insert(rule_id(f));
        }
    }
    let mut rules: Vec<Rule<'a>> = Vec::new();
    let mut rule_index: HashMap<Cow<str>, usize> = HashMap::new();
    let mut results = Vec::with_capacity(findings.len());
    for f in findings {
        let id = rule_id(f);
        let index = *rule_index.entry(id.clone()).or_insert_with(|| {
            rules.push(rule(top[&id], cap, in_kev.contains(&id)));
            rules.len() - 1
        });
        results.push(result(report, f, index));
    }
    let first = report.artifacts.first();
    let trivy_version = report
        .artifacts
        .iter()
        .find_map(|a| a.trivy_version.as_deref());
    Log {
        version: "2.1.0",
        schema: SCHEMA,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "Scanlens",
                    full_name: "Scanlens (Trivy findings)",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
            automation_details: AutomationDetails {
                id: category.to_string(),
            },
            column_kind: "utf16CodeUnits",
            original_uri_base_ids: OriginalUriBaseIds {
                rootpath: UriBase { uri: "file:///" },
            },
            properties: RunProperties {
                image_name: first.map(|a| a.name.as_str()),
                image_id: first.and_then(|a| a.image_id.as_deref()),
                repo_tags: first.map(|a| a.repo_tags.as_slice()).unwrap_or_default(),
                repo_digests: first.map(|a| a.repo_digests.as_slice()).unwrap_or_default(),
                trivy_version,
                results_dropped: dropped,
                results_limit: (dropped > 0).then_some(max_results),
                descriptions_trimmed_to: cap,
            },
        }],
    }
}

fn rule<'a>(f: &'a Finding, cap: Option<usize>, in_kev: bool) -> Rule<'a> {
    let short = if f.title.is_empty() {
        f.id.as_str()
    } else {
        f.title.as_str()
    };
    let full = if f.description.is_empty() {
        short
    } else {
        &f.description
    };
    let full = trim(full, cap);
    let help_uri = f.primary_url.as_deref().and_then(crate::html::safe_url);
    let mut help = format!("{} {}\nSeverity: {}", kind_label(f.kind), f.id, f.severity);
    if let Some(p) = &f.package {
        help.push_str(&format!("\nPackage: {}", p.name));
        if !p.fixed_version.is_empty() {
            help.push_str(&format!("\nFixed Version: {}", p.fixed_version));
        }
    }
    if let Some(m) = &f.misconfiguration {
        if !m.resolution.is_empty() {
            help.push_str(&format!("\nResolution: {}", trim(&m.resolution, cap)));
        }
    }
    if let Some(url) = help_uri {
        help.push_str(&format!("\nLink: {url}"));
    }
    if !full.is_empty() {
        help.push('\n');
        help.push_str(full);
    }
    // Trivy shows the CVSS of the source its severity came from.
    let cvss = f
        .severity_source
        .as_deref()
        .and_then(|s| f.cvss.get(s))
        .filter(|_| f.kind == Kind::Vulnerability);
    let nonzero = |x: Option<f64>| x.filter(|v| *v != 0.0);
    Rule {
        id: rule_id(f),
        name: rule_name(f),
        short_description: Text {
            text: trim(short, cap.map(|c| c.max(256))).into(),
        },
        full_description: Text { text: full.into() },
        default_configuration: Config {
            level: level(f.severity),
        },
        help_uri,
        help: Text { text: help },
        properties: RuleProperties {
            precision: "very-high",
            security_severity: format!("{:.1}", security_severity(f)),
            cvssv2_score: nonzero(cvss.and_then(|c| c.v2_score)),
            cvssv2_vector: cvss.and_then(|c| c.v2_vector.as_deref()),
            cvssv3_base_score: nonzero(cvss.and_then(|c| c.v3_score)),
            cvssv3_vector: cvss.and_then(|c| c.v3_vector.as_deref()),
            cvssv40_base_score: nonzero(cvss.and_then(|c| c.v40_score)),
            cvssv40_vector: cvss.and_then(|c| c.v40_vector.as_deref()),
            tags: {
                let mut tags = vec![kind_tag(f.kind), "security", f.severity.as_str()];
                if in_kev {
                    tags.push("kev");
                }
                tags
            },
        },
    }
}

fn result<'a>(report: &'a Report, f: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let uri = location_uri(report, f);
    let (start, end) = lines(f);
    let mut message = String::new();
    if let Some(p) = &f.package {
        message.push_str(&format!(
            "Package: {}\nInstalled Version: {}\n",
            p.name, p.installed_version
        ));
    }
    message.push_str(&format!(
        "{} {}\nSeverity: {}",
        kind_label(f.kind),
        f.id,
        f.severity
    ));
    if let Some(p) = &f.package {
        if !p.fixed_version.is_empty() {
            message.push_str(&format!("\nFixed Version: {}", p.fixed_version));
        }
    }
    if let Some(m) = &f.misconfiguration {
        if !m.message.is_empty() {
            message.push_str(&format!("\nMessage: {}", m.message));
        }
    }
    if let Some(s) = &f.secret {
        message.push_str(&format!("\nMatch: {}", s.matched));
    }
    let located = match &f.package {
        Some(p) => format!("{}: {}@{}", f.target, p.name, p.installed_version),
        None => f.target.clone(),
    };
    SarifResult {
        rule_id: rule_id(f),
        rule_index,
        level: level(f.severity),
        message: Text { text: message },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri,
                    uri_base_id: "ROOTPATH",
                },
                region: Region {
                    start_line: start,
                    start_column: 1,
                    end_line: end,
                    end_column: 1,
                },
            },
            message: Text { text: located },
        }],
        partial_fingerprints: Fingerprints {
            scanlens: fingerprint(&Identity::of(report, f)),
        },
        properties: (!f.kev.not_given() || !f.epss.not_given()).then_some(ResultProperties {
            kev: &f.kev,
            epss: &f.epss,
        }),
        suppressions: f.excluded.as_ref().map(|e| {
            [Suppression {
                kind: "external",
                justification: match e {
                    scanlens_model::Exclusion::Ignored { .. } => {
                        scanlens_model::present::exclusion(e)
                    }
                    other => format!(
                        "excluded by the gate: {}",
                        scanlens_model::present::exclusion(other)
                    ),
                },
            }]
        }),
    }
}

/// Where GitHub shows the alert. OS packages belong to the image as a whole, so they point at the
/// image's repository path, as Trivy's SARIF does; everything else points at its file.
fn location_uri(report: &Report, f: &Finding) -> String {
    let raw = if f.class == "os-pkgs" {
        report
            .artifacts
            .get(f.artifact as usize)
            .map(|a| repository(&a.name))
            .unwrap_or(&f.target)
    } else if let Some(path) = f.package.as_ref().and_then(|p| p.path.as_deref()) {
        path
    } else if let Some(l) = f.license.as_ref().filter(|l| !l.file_path.is_empty()) {
        &l.file_path
    } else {
        &f.target
    };
    let raw = if raw.is_empty() { "unknown" } else { raw };
    encode_uri(raw.trim_start_matches('/'))
}

/// Percent-encodes what may not stand in a URI path (spaces, `%`, `#`, `?`, controls, non-ASCII).
fn encode_uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn lines(f: &Finding) -> (u64, u64) {
    let (start, end) = if let Some(m) = &f.misconfiguration {
        (m.start_line, m.end_line)
    } else if let Some(s) = &f.secret {
        (s.start_line, s.end_line)
    } else {
        (None, None)
    };
    // SARIF lines start at 1; Trivy writes 0 when it has none.
    let start = start.filter(|l| *l > 0).unwrap_or(1);
    let end = end.filter(|l| *l >= start).unwrap_or(start);
    (start, end)
}

/// A stable identity across scans and tags ([`Identity`]), so GitHub keeps one alert, and its
/// dismissal, per finding.
fn fingerprint(id: &Identity) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in id.parts() {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn trim(s: &str, cap: Option<usize>) -> &str {
    match cap {
        Some(n) if s.len() > n => {
            let mut end = n;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            &s[..end]
        }
        _ => s,
    }
}

/// GitHub's mapping: error for CRITICAL and HIGH, warning for MEDIUM, note below.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Unknown => "note",
    }
}

/// GitHub's `security-severity` as Trivy sets it: a vulnerability's CVSS v3 score from the source
/// its severity came from, when there is one; otherwise [`fallback_score`].
pub fn security_severity(f: &Finding) -> f64 {
    f.severity_source
        .as_deref()
        .filter(|_| f.kind == Kind::Vulnerability)
        .and_then(|s| f.cvss.get(s))
        .and_then(|c| c.v3_score)
        .filter(|s| *s != 0.0)
        .unwrap_or_else(|| fallback_score(f.severity))
}

/// Trivy's scores for findings without CVSS; GitHub turns them back into the same severity.
fn fallback_score(s: Severity) -> f64 {
    match s {
        Severity::Critical => 9.5,
        Severity::High => 8.0,
        Severity::Medium => 5.5,
        Severity::Low => 2.0,
        Severity::Unknown => 0.0,
    }
}

/// The rule a finding is an instance of, as Trivy names it: its ID, or for a license
/// `<package>:<license>`.
fn rule_id(f: &Finding) -> Cow<'_, str> {
    match f.kind {
        Kind::License => Cow::Owned(format!("{}:{}", f.package_name(), f.id)),
        _ => Cow::Borrowed(&f.id),
    }
}

fn rule_name(f: &Finding) -> &'static str {
    match f.kind {
        Kind::Vulnerability if f.class == "os-pkgs" => "OsPackageVulnerability",
        Kind::Vulnerability => "LanguageSpecificPackageVulnerability",
        Kind::Misconfiguration => "Misconfiguration",
        Kind::Secret => "Secret",
        Kind::License => "License",
    }
}

fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Vulnerability => "Vulnerability",
        Kind::Misconfiguration => "Misconfiguration",
        Kind::Secret => "Secret",
        Kind::License => "License",
    }
}

fn kind_tag(k: Kind) -> &'static str {
    k.as_str()
}

#[derive(Serialize)]
struct Log<'a> {
    version: &'static str,
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    automation_details: AutomationDetails,
    column_kind: &'static str,
    original_uri_base_ids: OriginalUriBaseIds,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct OriginalUriBaseIds {
    #[serde(rename = "ROOTPATH")]
    rootpath: UriBase,
}

#[derive(Serialize)]
struct UriBase {
    uri: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    image_name: Option<&'a str>,
    #[serde(rename = "imageID", skip_serializing_if = "Option::is_none")]
    image_id: Option<&'a str>,
    repo_tags: &'a [String],
    repo_digests: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    trivy_version: Option<&'a str>,
    /// Counted findings not written because of GitHub's result limit.
    results_dropped: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    results_limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    descriptions_trimmed_to: Option<usize>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    full_name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: Cow<'a, str>,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    default_configuration: Config,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<&'a str>,
    help: Text,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvssv2_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvssv2_vector: Option<&'a str>,
    #[serde(rename = "cvssv3_baseScore", skip_serializing_if = "Option::is_none")]
    cvssv3_base_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvssv3_vector: Option<&'a str>,
    #[serde(rename = "cvssv40_baseScore", skip_serializing_if = "Option::is_none")]
    cvssv40_base_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvssv40_vector: Option<&'a str>,
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
struct Config {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: Cow<'a, str>,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

/// What the feeds say of a result, as report.json says it: the KEV entry or EPSS score, `null`
/// when the feed was given and does not list it, nothing when no feed was given.
#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Feed::not_given")]
    kev: &'a Feed<Kev>,
    #[serde(skip_serializing_if = "Feed::not_given")]
    epss: &'a Feed<Epss>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
    start_column: u64,
    end_line: u64,
    end_column: u64,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "scanlens/v1")]
    scanlens: String,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use scanlens_model::{Artifact, Cvss, Exclusion, MisconfDetail, Package, SecretDetail};
    use serde_json::Value;

    fn vuln(id: &str, sev: Severity, score: Option<f64>) -> Finding {
        Finding {
            kind: Kind::Vulnerability,
            id: id.into(),
            severity: sev,
            target: "app:1.0 (debian 12.5)".into(),
            class: "os-pkgs".into(),
            title: format!("{id} title"),
            description: format!("{id} description").into(),
            primary_url: Some(format!("https://avd.aquasec.com/nvd/{}", id.to_lowercase())),
            package: Some(std::sync::Arc::new(Package {
                name: "openssl".into(),
                installed_version: "3.0.1".into(),
                fixed_version: "3.0.2".into(),
                ..Default::default()
            })),
            severity_source: Some("nvd".into()),
            cvss: score
                .map(|s| {
                    [(
                        "nvd".to_string(),
                        Cvss {
                            v3_score: Some(s),
                            ..Default::default()
                        },
                    )]
                    .into()
                })
                .unwrap_or_default(),
            ..Default::default()
        }
    }

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            artifacts: vec![Artifact {
                name: "ghcr.io/acme/app:1.0".into(),
                artifact_type: "container_image".into(),
                ..Default::default()
            }],
            findings,
            ..Default::default()
        }
    }

    fn json(s: &Sarif) -> Value {
        serde_json::from_slice(&s.bytes).unwrap()
    }

    #[test]
    fn levels_scores_rules_and_locations() {
        let mut misconf = Finding {
            kind: Kind::Misconfiguration,
            id: "DS-0002".into(),
            severity: Severity::High,
            target: "/docker/app/Dockerfile".into(),
            class: "config".into(),
            status: Some("FAIL".into()),
            misconfiguration: Some(std::sync::Arc::new(MisconfDetail {
                check_type: "dockerfile".into(),
                message: "Specify at least 1 USER command".into(),
                start_line: Some(3),
                end_line: Some(4),
                ..Default::default()
            })),
            primary_url: Some("javascript:alert(1)".into()),
            ..Default::default()
        };
        let secret = Finding {
            kind: Kind::Secret,
            id: "aws-access-key-id".into(),
            severity: Severity::Critical,
            target: "etc/key file.txt".into(),
            class: "secret".into(),
            secret: Some(std::sync::Arc::new(SecretDetail {
                category: "AWS".into(),
                matched: "key=****".into(),
                start_line: Some(7),
                ..Default::default()
            })),
            ..Default::default()
        };
        let passed = Finding {
            status: Some("PASS".into()),
            id: "DS-0001".into(),
            ..misconf.clone()
        };
        misconf.excluded = Some(Exclusion::Ignored {
            rule: ".trivyignore:1".into(),
            statement: String::new(),
        });
        let r = report(vec![
            vuln("CVE-1", Severity::Medium, Some(5.3)),
            vuln("CVE-1", Severity::Medium, Some(5.3)),
            vuln("CVE-2", Severity::Low, None),
            misconf,
            secret,
            passed,
        ]);
        let s = render(&r, "scanlens/ghcr.io/acme/app/");
        assert_eq!((s.results, s.dropped, s.trimmed_to), (5, 0, None));
        assert!(s.note().is_none());
        let v = json(&s);
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["automationDetails"]["id"], "scanlens/ghcr.io/acme/app/");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        // Most severe first; one rule per ID; the passing check is not a result.
        assert_eq!(ids, ["aws-access-key-id", "DS-0002", "CVE-1", "CVE-2"]);
        let results = run["results"].as_array().unwrap();
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["error", "error", "warning", "warning", "note"]);
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        assert_eq!(rules[2]["properties"]["security-severity"], "5.3");
        assert_eq!(rules[3]["properties"]["security-severity"], "2.0");
        assert_eq!(rules[0]["properties"]["security-severity"], "9.5");
        assert_eq!(
            rules[2]["properties"]["tags"],
            serde_json::json!(["vulnerability", "security", "MEDIUM"])
        );
        assert_eq!(rules[2]["name"], "OsPackageVulnerability");
        assert_eq!(rules[2]["helpUri"], "https://avd.aquasec.com/nvd/cve-1");
        assert!(rules[1].get("helpUri").is_none(), "only http(s) links");

        let loc = |r: &Value| r["locations"][0]["physicalLocation"].clone();
        assert_eq!(
            loc(&results[0])["artifactLocation"]["uri"],
            "etc/key%20file.txt"
        );
        assert_eq!(loc(&results[0])["region"]["startLine"], 7);
        assert_eq!(
            loc(&results[1])["artifactLocation"]["uri"],
            "docker/app/Dockerfile"
        );
        assert_eq!(loc(&results[1])["region"]["startLine"], 3);
        assert_eq!(loc(&results[1])["region"]["endLine"], 4);
        assert_eq!(results[1]["suppressions"][0]["kind"], "external");
        assert_eq!(
            loc(&results[2])["artifactLocation"]["uri"],
            "ghcr.io/acme/app"
        );
        assert_eq!(loc(&results[2])["region"]["startLine"], 1);
        assert!(results[2]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("Installed Version: 3.0.1"));
        // Two identical findings share one fingerprint; different ones do not.
        assert_eq!(
            results[2]["partialFingerprints"],
            results[3]["partialFingerprints"]
        );
        assert_ne!(
            results[2]["partialFingerprints"],
            results[4]["partialFingerprints"]
        );
    }

    #[test]
    fn feeds_become_result_properties_and_a_kev_tag() {
        use scanlens_model::{Epss, Feed, Kev};
        let plain = render(&report(vec![vuln("CVE-1", Severity::High, None)]), "c");
        let v = json(&plain);
        assert!(v["runs"][0]["results"][0].get("properties").is_none());
        let mut exploited = vuln("CVE-1", Severity::High, None);
        exploited.kev = Feed::Listed(Kev {
            date_added: "2022-04-04".into(),
            due_date: "2022-04-25".into(),
            ransomware: true,
            name: "Spring4Shell".into(),
            required_action: "Apply updates.".into(),
        });
        exploited.epss = Feed::Listed(Epss {
            score: 0.94432,
            percentile: 0.99961,
            date: "2025-03-15".into(),
        });
        let mut other = vuln("CVE-2", Severity::High, None);
        other.kev = Feed::Unlisted;
        other.epss = Feed::Unlisted;
        let mut kev_only = vuln("CVE-3", Severity::Low, None);
        kev_only.kev = Feed::Unlisted;
        let v = json(&render(&report(vec![exploited, other, kev_only]), "c"));
        let run = &v["runs"][0];
        let results = run["results"].as_array().unwrap();
        let p = &results[0]["properties"];
        assert_eq!(p["kev"]["date_added"], "2022-04-04");
        assert_eq!(p["kev"]["ransomware"], true);
        assert_eq!(p["kev"]["name"], "Spring4Shell");
        assert_eq!(p["epss"]["score"], 0.94432);
        assert_eq!(p["epss"]["percentile"], 0.99961);
        assert_eq!(p["epss"]["date"], "2025-03-15");
        assert_eq!(
            results[1]["properties"],
            serde_json::json!({"kev": null, "epss": null})
        );
        assert_eq!(results[2]["properties"], serde_json::json!({"kev": null}));
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(
            rules[0]["properties"]["tags"],
            serde_json::json!(["vulnerability", "security", "HIGH", "kev"])
        );
        assert_eq!(
            rules[1]["properties"]["tags"],
            serde_json::json!(["vulnerability", "security", "HIGH"])
        );
    }

    #[test]
    fn keeps_the_5000_most_severe() {
        let mut findings = Vec::new();
        for i in 0..6000 {
            let sev = if i % 3 == 0 {
                Severity::Low
            } else {
                Severity::Critical
            };
            findings.push(vuln(&format!("CVE-{i}"), sev, None));
        }
        let s = render(&report(findings), "c");
        assert_eq!((s.results, s.dropped), (5000, 1000));
        assert!(s.note().unwrap().contains("5000 most severe of 6000"));
        let v = json(&s);
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 5000);
        let errors = results.iter().filter(|r| r["level"] == "error").count();
        assert_eq!(errors, 4000, "every CRITICAL kept");
        assert_eq!(v["runs"][0]["properties"]["resultsDropped"], 1000);
    }

    #[test]
    fn huge_descriptions_are_trimmed_to_fit_the_gzipped_limit() {
        // Incompressible text, so that only trimming can meet the limit (scaled down from 10 MB).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut noise = |n: usize| -> String {
            (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    char::from(b'!' + (x % 90) as u8)
                })
                .collect()
        };
        let findings: Vec<Finding> = (0..200)
            .map(|i| Finding {
                description: noise(8192).into(),
                ..vuln(&format!("CVE-{i}"), Severity::High, Some(7.5))
            })
            .collect();
        let r = report(findings);
        let full = render_within(&r, "c", MAX_RESULTS, usize::MAX);
        assert_eq!(full.trimmed_to, None);
        let limit = 400 * 1024;
        assert!(gzipped_len(&full.bytes) > limit);
        let s = render_within(&r, "c", MAX_RESULTS, limit);
        assert!(gzipped_len(&s.bytes) <= limit);
        assert_eq!(s.results, 200);
        let cap = s.trimmed_to.expect("trimmed");
        assert!(cap < 8192);
        assert!(s.note().unwrap().contains("descriptions cut"));
        let v = json(&s);
        let rule = &v["runs"][0]["tool"]["driver"]["rules"][0];
        assert!(rule["fullDescription"]["text"].as_str().unwrap().len() <= cap);
    }

    #[test]
    fn categories_and_uris() {
        assert_eq!(category("ghcr.io/a/b:1.0", false), "scanlens/ghcr.io/a/b/");
        assert_eq!(
            category("ghcr.io/a/b:1.0@sha256:x", true),
            "scanlens/ghcr.io/a/b:1.0/"
        );
        assert_eq!(encode_uri("a b/c#d?é"), "a%20b/c%23d%3F%C3%A9");
    }
}
