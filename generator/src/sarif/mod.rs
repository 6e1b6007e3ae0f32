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
use scanlens_model::{Finding, Kind, Report, Severity};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::io::Write;

mod wire;
use wire::*;

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
    // The artifact types each rule's findings are in: a secret's instruction depends on them.
    let mut types: HashMap<Cow<str>, HashSet<&str>> = HashMap::new();
    for f in findings {
        if f.secret.is_some() {
            let t = report
                .artifacts
                .get(f.artifact as usize)
                .map_or("", |a| a.artifact_type.as_str());
            types.entry(rule_id(f)).or_default().insert(t);
        }
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
    let mut prints = Prints::default();
    for f in findings {
        let id = rule_id(f);
        let index = *rule_index.entry(id.clone()).or_insert_with(|| {
            let remedy = types
                .get(&id)
                .map(|t| scanlens_model::present::secret_remedy(t.iter().copied()));
            rules.push(rule(top[&id], remedy, cap, in_kev.contains(&id)));
            rules.len() - 1
        });
        let mut r = result(report, f, index);
        r.partial_fingerprints.scanlens = distinct(r.partial_fingerprints.scanlens, f, &mut prints);
        results.push(r);
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

/// The rule for `f`'s ID; `remedy`, for a secret's, what to do about it.
fn rule<'a>(
    f: &'a Finding,
    remedy: Option<&'static str>,
    cap: Option<usize>,
    in_kev: bool,
) -> Rule<'a> {
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
    // A secret's fix is the same everywhere (summary.md, the page, the viewer).
    if let Some(remedy) = remedy {
        help.push_str(&format!("\nResolution: {remedy}"));
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
        locations: lines(f)
            .into_iter()
            .map(|(start_line, end_line)| Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri.clone(),
                        uri_base_id: "ROOTPATH",
                    },
                    region: Region {
                        start_line,
                        start_column: 1,
                        end_line,
                        end_column: 1,
                    },
                },
                message: Text {
                    text: located.clone(),
                },
            })
            .collect(),
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

/// The lines each location of `f` covers: a misconfiguration's or secret's own, a vulnerable
/// package's places in its lock file (one location each, as Trivy's SARIF has them), else line 1.
fn lines(f: &Finding) -> Vec<(u64, u64)> {
    let (start, end) = if let Some(m) = &f.misconfiguration {
        (m.start_line, m.end_line)
    } else if let Some(s) = &f.secret {
        (s.start_line, s.end_line)
    } else if let Some(p) = f.package.as_ref().filter(|p| !p.locations.is_empty()) {
        return p
            .locations
            .iter()
            .map(|l| valid_lines(Some(l.start), Some(l.end)))
            .collect();
    } else {
        (None, None)
    };
    vec![valid_lines(start, end)]
}

/// SARIF lines start at 1 and a region does not end before it starts; Trivy writes 0 when it
/// has none.
fn valid_lines(start: Option<u64>, end: Option<u64>) -> (u64, u64) {
    let start = start.filter(|l| *l > 0).unwrap_or(1);
    let end = end.filter(|l| *l >= start).unwrap_or(start);
    (start, end)
}

/// A stable identity across scans and tags ([`Identity`]), so GitHub keeps one alert, and its
/// dismissal, per finding.
fn fingerprint(id: &Identity) -> String {
    digest(id.parts())
}

/// The first 16 bytes of the SHA-256 of `parts`, each ended by a zero byte, in hex.
fn digest<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The fingerprints given in one run, by identity and place.
#[derive(Default)]
struct Prints {
    by_place: HashMap<(String, [String; 4]), String>,
    used: HashSet<String>,
}

/// `base` (the finding's [`Identity`]), unless a result of this run at another place already
/// has it: GitHub shows results with one fingerprint as one alert, and the identity leaves out
/// what tells apart the same check on two lines, or one CVE in two versions of a package. The
/// first keeps the identity's, so its alert lives on across scans; one at another place (its
/// version, path, file and lines) gets the identity with that place. The same finding twice
/// keeps one fingerprint, and one alert, as Trivy keeps one of two duplicates.
fn distinct(base: String, f: &Finding, prints: &mut Prints) -> String {
    let pkg = f.package.as_deref();
    let place = [
        pkg.map_or("", |p| p.installed_version.as_str()).to_string(),
        pkg.and_then(|p| p.path.clone()).unwrap_or_default(),
        f.license
            .as_ref()
            .map_or("", |l| l.file_path.as_str())
            .to_string(),
        format!("{:?}", lines(f)),
    ];
    let key = (base, place);
    if let Some(given) = prints.by_place.get(&key) {
        return given.clone();
    }
    let given = if prints.used.insert(key.0.clone()) {
        key.0.clone()
    } else {
        digest(std::iter::once(key.0.as_str()).chain(key.1.iter().map(String::as_str)))
    };
    prints.used.insert(given.clone());
    prints.by_place.insert(key, given.clone());
    given
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

#[cfg(test)]
mod tests;
