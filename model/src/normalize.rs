//! Trivy JSON in, normalized [`Report`] out.
//!
//! [`parse`] reads any JSON that `trivy --format json` writes (schema 2, the legacy schema-1
//! array, `null`, and `trivy k8s`) in one typed pass, and [`ReportBuilder`] merges one or more of
//! them into a single report with an artifact per input.
//!
//! 1. [`parse`] and [`ParseError`]: one document, read whole or refused with line and column.
//! 2. [`ReportBuilder`]: documents merged into one report, one artifact each.
//! 3. [`recount`], the layers' counts and [`mark_base_layers`]: figures derived from the findings.
//! 4. `normalize_findings`: Trivy's four finding lists into the one list of [`Finding`]s.

use crate::report::*;
use crate::speed::Interner;
use crate::trivy;
use std::collections::HashMap;
use std::sync::Arc;

/// Why an input could not be read. `line` and `column` are 1-based; 0 when not applicable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for ParseError {}

/// One parsed Trivy input.
#[derive(Debug)]
pub enum Parsed {
    /// Schema 2 (or a later schema we read the same way).
    Report(Box<trivy::TopLevel>),
    /// The schema-1 top-level array of results.
    Legacy(Vec<trivy::TrivyResult>),
    /// Trivy writes `null` when it found nothing to scan.
    Null,
    /// `trivy k8s --format json`.
    K8s(Box<trivy::TopLevel>),
    /// Schema 2 read in parts ([`crate::split`]): the results without their findings, and every
    /// finding already normalized, in report order.
    InParts(Box<trivy::TopLevel>, Vec<Finding>),
}

/// Parses the bytes of one Trivy JSON output. Anything that is not one of the shapes Scanlens
/// reads completely is refused with a message naming what it is (see [`crate::shape`]).
pub fn parse(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    let Some(first) = first else {
        return Err(ParseError {
            line: 0,
            column: 0,
            message: "the file is empty; expected trivy's JSON output (trivy ... --format json)"
                .into(),
        });
    };
    let json_err = |e: serde_json::Error| ParseError {
        line: e.line(),
        column: e.column(),
        message: if e.is_syntax() && crate::shape::is_template(bytes) {
            crate::shape::TEMPLATE.to_string()
        } else {
            describe_json_error(&e)
        },
    };
    let refuse = || ParseError {
        line: 1,
        column: first + 1,
        message: crate::shape::describe(bytes, first),
    };
    match bytes[first] {
        b'[' => {
            let results: Vec<trivy::TrivyResult> = trivy::from_slice(bytes).map_err(json_err)?;
            if !crate::shape::is_result_array(bytes) {
                return Err(refuse());
            }
            Ok(Parsed::Legacy(results))
        }
        b'n' => {
            serde_json::from_slice::<()>(bytes).map_err(json_err)?;
            Ok(Parsed::Null)
        }
        b'{' => {
            let top: trivy::TopLevel = match trivy::from_slice(bytes) {
                Ok(top) => top,
                // Another tool's JSON can fail trivy's types before its shape is looked at.
                Err(e) if e.classify() == serde_json::error::Category::Data => {
                    let shape = refuse();
                    return Err(if shape.message.contains("is not a trivy report") {
                        json_err(e)
                    } else {
                        shape
                    });
                }
                Err(e) => return Err(json_err(e)),
            };
            if top.is_k8s() {
                Ok(Parsed::K8s(Box::new(top)))
            } else if top.schema_version.is_some()
                || top.artifact_name.is_some()
                // Only `Results` must be spelled as Trivy spells it: a second look at the keys.
                || (top.results.is_some() && crate::shape::is_report_object(bytes))
            {
                Ok(Parsed::Report(Box::new(top)))
            } else {
                Err(refuse())
            }
        }
        b'0'..=b'9' | b'-' | b'"' | b't' | b'f' => {
            // Let serde_json say where it stopped, but word the fix ourselves.
            let e = serde_json::from_slice::<serde::de::IgnoredAny>(bytes).err();
            let (line, column) = e
                .as_ref()
                .map_or((1, first + 1), |e| (e.line(), e.column()));
            let what = match e {
                Some(e) => describe_json_error(&e),
                None => "a JSON value that is not an object, an array or null".to_string(),
            };
            Err(ParseError {
                line,
                column,
                message: format!("not a trivy JSON report ({what}); {}", crate::shape::FIX),
            })
        }
        _ => Err(refuse()),
    }
}

fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C"; the caller prints the position itself.
    let text = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let fix = crate::shape::FIX;
    match e.classify() {
        serde_json::error::Category::Eof => {
            format!("{text}: the file is truncated (was trivy interrupted?); run trivy again and pass its complete --format json output")
        }
        serde_json::error::Category::Data => format!("{text}: not the shape trivy writes; {fix}"),
        _ if text.contains("recursion limit") => {
            format!("nesting is deeper than 128 levels, which trivy never writes; {fix}")
        }
        _ if text.starts_with("trailing characters") => format!(
            "{text}: this holds more than one JSON document (JSON lines, such as scanlens's findings.ndjson?); {fix}"
        ),
        serde_json::error::Category::Syntax => format!("{text}: this is not valid JSON; {fix}"),
        serde_json::error::Category::Io => text,
    }
}

/// Merges parsed inputs into one [`Report`].
pub struct ReportBuilder {
    report: Report,
    intern: Interner,
}

impl ReportBuilder {
    pub fn new(generator: impl Into<String>) -> Self {
        ReportBuilder {
            report: Report {
                version: REPORT_VERSION,
                generator: generator.into(),
                ..Report::default()
            },
            intern: Interner::default(),
        }
    }

    /// Adds one input; `source` names the file it came from.
    pub fn add(&mut self, source: &str, parsed: Parsed) {
        match parsed {
            Parsed::Null => {
                self.push_artifact(Artifact {
                    name: source.to_string(),
                    source: source.to_string(),
                    ..Artifact::default()
                });
            }
            Parsed::Legacy(results) => {
                let idx = self.push_artifact(Artifact {
                    name: source.to_string(),
                    source: source.to_string(),
                    schema_version: 1,
                    ..Artifact::default()
                });
                self.add_results(idx, results, &HashMap::new());
            }
            Parsed::Report(top) => self.add_report(source, *top, None),
            Parsed::InParts(top, findings) => self.add_report(source, *top, Some(findings)),
            Parsed::K8s(mut top) => {
                let cluster = top.cluster_name.clone().unwrap_or_default();
                let resources = top.take_k8s_resources();
                if resources.is_empty() {
                    // A cluster with nothing found still shows up as scanned.
                    self.push_artifact(Artifact {
                        name: if cluster.is_empty() {
                            source.to_string()
                        } else {
                            cluster
                        },
                        artifact_type: "k8s_cluster".into(),
                        source: source.to_string(),
                        schema_version: top.schema_version.unwrap_or(0),
                        trivy_version: top.trivy.as_ref().map(|t| t.version.clone()),
                        ..Artifact::default()
                    });
                    return;
                }
                for res in resources {
                    let name = [cluster.as_str(), &res.namespace, &res.kind, &res.name]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("/");
                    let idx = self.push_artifact(Artifact {
                        name,
                        artifact_type: "k8s_resource".into(),
                        source: source.to_string(),
                        schema_version: top.schema_version.unwrap_or(0),
                        trivy_version: top.trivy.as_ref().map(|t| t.version.clone()),
                        ..Artifact::default()
                    });
                    self.add_results(idx, res.results, &HashMap::new());
                }
            }
        }
    }

    fn push_artifact(&mut self, a: Artifact) -> u32 {
        self.report.artifacts.push(a);
        (self.report.artifacts.len() - 1) as u32
    }

    fn add_report(&mut self, source: &str, top: trivy::TopLevel, read: Option<Vec<Finding>>) {
        let created_by = layer_history(&top.metadata);
        let layers = image_layers(&top.metadata, &created_by);
        let m = top.metadata;
        let idx = self.push_artifact(Artifact {
            name: top.artifact_name.unwrap_or_else(|| source.to_string()),
            artifact_type: top.artifact_type.unwrap_or_default(),
            source: source.to_string(),
            os: m.os.map(|o| OsInfo {
                family: o.family,
                name: o.name,
                eosl: o.eosl,
            }),
            image_id: m.image_id,
            artifact_id: top.artifact_id,
            repo_tags: m.repo_tags,
            repo_digests: m.repo_digests,
            architecture: m.image_config.architecture,
            size: m.size,
            scanned_at: top.created_at,
            trivy_version: top.trivy.map(|t| t.version),
            report_id: top.report_id,
            schema_version: top.schema_version.unwrap_or(0),
            repo_url: m.repo_url,
            branch: m.branch,
            commit: m.commit,
            layers,
        });
        let results = top.results.unwrap_or_default();
        match read {
            Some(findings) => self.add_findings(idx, &results, findings),
            None => self.add_results(idx, results, &created_by),
        }
    }

    /// Adds the results of one artifact, reading their findings here.
    fn add_results(
        &mut self,
        artifact: u32,
        mut results: Vec<trivy::TrivyResult>,
        created_by: &HashMap<String, String>,
    ) {
        let findings = normalize_findings(&mut results, created_by, &self.intern);
        self.add_findings(artifact, &results, findings);
    }

    /// The one way findings enter a report: the targets of `results` (whose own finding lists
    /// are no longer read) and their findings, already normalized, in report order.
    fn add_findings(
        &mut self,
        artifact: u32,
        results: &[trivy::TrivyResult],
        mut findings: Vec<Finding>,
    ) {
        for r in results {
            Self::add_target(&mut self.report, artifact, r);
        }
        for f in &mut findings {
            f.artifact = artifact;
        }
        if self.report.findings.is_empty() {
            self.report.findings = findings;
        } else {
            self.report.findings.append(&mut findings);
        }
    }

    fn add_target(report: &mut Report, artifact: u32, r: &trivy::TrivyResult) {
        report.targets.push(Target {
            artifact,
            name: r.target.clone(),
            class: r.class.clone(),
            target_type: r.kind.clone(),
            packages: r.packages.len() as u64,
        });
        report.stats.packages += r.packages.len() as u64;
    }

    /// The findings added so far, in report order.
    pub fn findings(&self) -> &[Finding] {
        &self.report.findings
    }

    pub fn finish(mut self) -> Report {
        recount(&mut self.report);
        self.report
    }
}

/// Recomputes `summary` and `stats` from the findings.
pub fn recount(report: &mut Report) {
    let packages = report.stats.packages;
    let mut summary = Summary::default();
    let mut stats = Stats {
        packages,
        ..Stats::default()
    };
    for f in &report.findings {
        if f.suppressed.is_some() {
            stats.suppressed += 1;
        } else if !f.is_counted() {
            stats.passed_checks += 1;
        } else {
            summary.of_mut(f.kind).add(f.severity);
            if f.is_fixable() {
                stats.fixable += 1;
            }
        }
    }
    report.summary = summary;
    report.stats = stats;
    count_layer_findings(report);
}

/// How many counted findings each image layer brings.
fn count_layer_findings(report: &mut Report) {
    let mut at: HashMap<(u32, &str), usize> = HashMap::new();
    for (a, artifact) in report.artifacts.iter().enumerate() {
        for (l, layer) in artifact.layers.iter().enumerate() {
            at.insert((a as u32, layer.diff_id.as_str()), l);
        }
    }
    if at.is_empty() {
        return;
    }
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for f in report.findings.iter().filter(|f| f.is_counted()) {
        let diff_id = f.layer.as_ref().and_then(|l| l.diff_id.as_deref());
        if let Some(&l) = diff_id.and_then(|d| at.get(&(f.artifact, d))) {
            counts.push((f.artifact, l));
        }
    }
    for artifact in &mut report.artifacts {
        for layer in &mut artifact.layers {
            layer.findings = 0;
        }
    }
    for (a, l) in counts {
        report.artifacts[a as usize].layers[l].findings += 1;
    }
}

/// An image's layers, oldest first, from its DiffIDs and the history that made them.
fn image_layers(m: &trivy::Metadata, created_by: &HashMap<String, String>) -> Vec<ImageLayer> {
    let diff_ids = if m.image_config.rootfs.diff_ids.is_empty() {
        &m.diff_ids
    } else {
        &m.image_config.rootfs.diff_ids
    };
    diff_ids
        .iter()
        .map(|d| ImageLayer {
            diff_id: d.clone(),
            created_by: created_by.get(d).cloned(),
            findings: 0,
            origin: LayerOrigin::Unknown,
        })
        .collect()
}

/// Marks the layers of artifact `artifact` that the base image has (`base_diff_ids`, oldest
/// first, as the engine lists them) as the base image's, and the rest as the image's own. A
/// base image's layers are the first ones of an image built on it, so only a matching prefix
/// counts.
pub fn mark_base_layers(report: &mut Report, artifact: usize, base_diff_ids: &[String]) {
    let Some(a) = report.artifacts.get_mut(artifact) else {
        return;
    };
    let mut in_base = true;
    for (i, layer) in a.layers.iter_mut().enumerate() {
        in_base = in_base && base_diff_ids.get(i) == Some(&layer.diff_id);
        layer.origin = if in_base {
            LayerOrigin::Base
        } else {
            LayerOrigin::Own
        };
    }
}

/// The findings of `results`, normalized in report order: each result's vulnerabilities,
/// misconfigurations, secrets, licenses, then the ones Trivy suppressed. The results keep their
/// targets and packages; their finding lists are taken.
fn normalize_findings(
    results: &mut [trivy::TrivyResult],
    created_by: &HashMap<String, String>,
    intern: &Interner,
) -> Vec<Finding> {
    let layer = layer_fn(created_by, intern);
    let total: usize = results.iter().map(trivy::TrivyResult::findings_len).sum();
    let mut findings = Vec::with_capacity(total);
    for r in results {
        let base = result_base(r);
        let lines = PackageIndex::of(&r.packages);
        for mut v in std::mem::take(&mut r.vulnerabilities) {
            lines.compat(&mut v);
            findings.push(vulnerability(&base, v, &layer, intern, &lines));
        }
        for m in std::mem::take(&mut r.misconfigurations) {
            findings.push(misconfiguration(&base, m, &layer, intern));
        }
        for s in std::mem::take(&mut r.secrets) {
            findings.push(secret(&base, s, &layer));
        }
        for l in std::mem::take(&mut r.licenses) {
            findings.push(license(&base, l));
        }
        for mf in std::mem::take(&mut r.modified_findings) {
            findings.push(modified(&base, mf, &layer, intern, &lines));
        }
    }
    findings
}

/// Each layer's DiffID mapped to the history entry that made it, so that findings can name the
/// Dockerfile instruction even where Trivy leaves `CreatedBy` out.
pub(crate) fn layer_history(m: &trivy::Metadata) -> HashMap<String, String> {
    let diff_ids = if m.image_config.rootfs.diff_ids.is_empty() {
        &m.diff_ids
    } else {
        &m.image_config.rootfs.diff_ids
    };
    m.image_config
        .history
        .iter()
        .filter(|h| !h.empty_layer)
        .zip(diff_ids.iter())
        .filter_map(|(h, d)| Some((d.clone(), h.created_by.clone()?)))
        .collect()
}

/// A finding's layer, with its `CreatedBy` filled in from the image history.
pub(crate) fn layer_fn<'a>(
    created_by: &'a HashMap<String, String>,
    intern: &'a Interner,
) -> impl Fn(Option<trivy::Layer>) -> Option<Arc<Layer>> + 'a {
    move |l: Option<trivy::Layer>| {
        l.map(|l| {
            let created_by = l
                .created_by
                .or_else(|| l.diff_id.as_ref().and_then(|d| created_by.get(d).cloned()));
            Layer {
                digest: l.digest,
                diff_id: l.diff_id,
                created_by,
            }
        })
        .filter(|l| l.digest.is_some() || l.diff_id.is_some() || l.created_by.is_some())
        .map(|l| intern.layer(l))
    }
}

/// What one result's packages tell its vulnerabilities:
/// - where each is listed (`Packages[].Locations`), by name and version: the first package
///   listed under a name and version answers for it, as Trivy's SARIF writer looks it up; empty
///   when no package of the result has a place, as in image scans;
/// - the purl `trivy convert` copies onto a vulnerability written without a UID (older reports)
///   from the package of the same `ID` + `FilePath` that has none either (the last one listed),
///   its `compat` step before any filter: a `purls` rule then holds it, or not, as in Trivy.
#[derive(Debug, Default)]
pub(crate) struct PackageIndex {
    lines: HashMap<String, HashMap<String, Vec<LineRange>>>,
    unidentified: HashMap<String, Option<String>>,
}

impl PackageIndex {
    pub(crate) fn of(packages: &[trivy::Package]) -> PackageIndex {
        let mut lines: HashMap<String, HashMap<String, Vec<LineRange>>> = HashMap::new();
        if packages.iter().any(|p| !p.locations.is_empty()) {
            for p in packages {
                let versions = lines.entry(p.name.clone()).or_default();
                versions.entry(p.version.clone()).or_insert_with(|| {
                    let places = p.locations.iter();
                    places
                        .map(|&(start, end)| LineRange { start, end })
                        .collect()
                });
            }
        }
        let unidentified = packages
            .iter()
            .filter(|p| p.unidentified)
            .map(|p| (format!("{}{}", p.id, p.file_path), p.purl.clone()))
            .collect();
        PackageIndex {
            lines,
            unidentified,
        }
    }

    /// Looked up for every vulnerability, by borrowed name and version.
    fn of_package(&self, name: &str, version: &str) -> Vec<LineRange> {
        self.lines
            .get(name)
            .and_then(|versions| versions.get(version))
            .cloned()
            .unwrap_or_default()
    }

    /// Trivy's `compat` for one vulnerability of the result's `Vulnerabilities` (not of its
    /// suppressed findings, which it leaves): the package's purl replaces the vulnerability's.
    pub(crate) fn compat(&self, v: &mut trivy::Vulnerability) {
        if self.unidentified.is_empty()
            || v.pkg_identifier
                .uid
                .as_deref()
                .is_some_and(|u| !u.is_empty())
        {
            return;
        }
        let key = format!(
            "{}{}",
            v.pkg_id.as_deref().unwrap_or_default(),
            v.pkg_path.as_deref().unwrap_or_default()
        );
        if let Some(purl) = self.unidentified.get(&key) {
            v.pkg_identifier.purl = purl.clone();
        }
    }
}

/// What every finding of result `r` repeats (its artifact index is set by the builder).
pub(crate) fn result_base(r: &trivy::TrivyResult) -> Finding {
    Finding {
        target: r.target.clone(),
        class: r.class.clone(),
        target_type: r.kind.clone(),
        ..Finding::default()
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

fn code_lines(code: trivy::Code) -> Vec<CodeLine> {
    code.lines
        .into_iter()
        .map(|l| CodeLine {
            number: l.number,
            content: l.content,
            is_cause: l.is_cause,
            truncated: l.truncated,
        })
        .collect()
}

/// A finding Trivy suppressed (`ExperimentalModifiedFindings`), kept and marked.
pub(crate) fn modified(
    base: &Finding,
    mf: trivy::ModifiedFinding,
    layer: &impl Fn(Option<trivy::Layer>) -> Option<Arc<Layer>>,
    intern: &Interner,
    lines: &PackageIndex,
) -> Finding {
    let suppression = Suppression {
        status: mf.status,
        statement: mf.statement,
        source: mf.source,
    };
    let mut f = match mf.kind.as_str() {
        "misconfiguration" => {
            trivy::from_value(mf.finding).map(|m| misconfiguration(base, m, layer, intern))
        }
        "secret" => trivy::from_value(mf.finding).map(|s| secret(base, s, layer)),
        "license" => trivy::from_value(mf.finding).map(|l| license(base, l)),
        _ => trivy::from_value(mf.finding).map(|v| vulnerability(base, v, layer, intern, lines)),
    }
    .unwrap_or_else(|_| Finding {
        id: "(unreadable suppressed finding)".into(),
        ..base.clone()
    });
    f.suppressed = Some(suppression);
    f
}

pub(crate) fn vulnerability(
    base: &Finding,
    v: trivy::Vulnerability,
    layer: &impl Fn(Option<trivy::Layer>) -> Option<Arc<Layer>>,
    intern: &Interner,
    lines: &PackageIndex,
) -> Finding {
    let locations = lines.of_package(&v.pkg_name, &v.installed_version);
    Finding {
        kind: Kind::Vulnerability,
        id: v.vulnerability_id,
        severity: Severity::parse(&v.severity),
        aliases: v.vendor_ids,
        title: v.title,
        description: intern.text(v.description),
        status: non_empty(v.status),
        package: Some(intern.package(Package {
            name: v.pkg_name,
            id: non_empty(v.pkg_id),
            path: non_empty(v.pkg_path),
            purl: non_empty(v.pkg_identifier.purl),
            uid: non_empty(v.pkg_identifier.uid),
            installed_version: v.installed_version,
            fixed_version: v.fixed_version,
            locations,
        })),
        severity_source: non_empty(v.severity_source),
        vendor_severity: v
            .vendor_severity
            .into_iter()
            .map(|(k, s)| (k, s.0))
            .collect(),
        cvss: v
            .cvss
            .into_iter()
            .map(|(k, c)| {
                (
                    k,
                    Cvss {
                        v2_vector: non_empty(c.v2_vector),
                        v2_score: c.v2_score,
                        v3_vector: non_empty(c.v3_vector),
                        v3_score: c.v3_score,
                        v40_vector: non_empty(c.v40_vector),
                        v40_score: c.v40_score,
                    },
                )
            })
            .collect(),
        cwe_ids: v.cwe_ids,
        primary_url: non_empty(v.primary_url),
        references: intern.list(v.references),
        published_date: non_empty(v.published_date),
        last_modified_date: non_empty(v.last_modified_date),
        data_source: v.data_source.map(|d| {
            intern.source(DataSource {
                id: d.id,
                name: d.name,
                url: d.url,
            })
        }),
        layer: layer(v.layer),
        fingerprint: non_empty(v.fingerprint),
        ..base.clone()
    }
}

pub(crate) fn misconfiguration(
    base: &Finding,
    m: trivy::Misconfiguration,
    layer: &impl Fn(Option<trivy::Layer>) -> Option<Arc<Layer>>,
    intern: &Interner,
) -> Finding {
    let cm = m.cause_metadata;
    let avd = non_empty(m.avd_id).filter(|a| *a != m.id);
    Finding {
        kind: Kind::Misconfiguration,
        id: m.id,
        severity: Severity::parse(&m.severity),
        aliases: avd.into_iter().collect(),
        title: m.title,
        description: intern.text(m.description),
        status: Some(m.status).filter(|s| !s.is_empty()),
        primary_url: non_empty(m.primary_url),
        references: intern.list(m.references),
        layer: layer(m.layer),
        misconfiguration: Some(intern.check(MisconfDetail {
            check_type: m.kind,
            message: m.message,
            resolution: m.resolution,
            namespace: non_empty(m.namespace),
            query: non_empty(m.query),
            resource: non_empty(cm.resource),
            provider: non_empty(cm.provider),
            service: non_empty(cm.service),
            start_line: cm.start_line,
            end_line: cm.end_line,
            code: code_lines(cm.code),
        })),
        ..base.clone()
    }
}

pub(crate) fn secret(
    base: &Finding,
    s: trivy::Secret,
    layer: &impl Fn(Option<trivy::Layer>) -> Option<Arc<Layer>>,
) -> Finding {
    Finding {
        kind: Kind::Secret,
        id: s.rule_id,
        severity: Severity::parse(&s.severity),
        title: s.title,
        layer: layer(s.layer),
        secret: Some(Arc::new(SecretDetail {
            category: s.category,
            matched: s.r#match,
            start_line: s.start_line,
            end_line: s.end_line,
            offset: s.offset,
            code: code_lines(s.code),
        })),
        ..base.clone()
    }
}

pub(crate) fn license(base: &Finding, l: trivy::License) -> Finding {
    Finding {
        kind: Kind::License,
        id: l.name,
        severity: Severity::parse(&l.severity),
        package: (!l.pkg_name.is_empty()).then(|| {
            Arc::new(Package {
                name: l.pkg_name,
                ..Package::default()
            })
        }),
        license: Some(LicenseDetail {
            category: l.category,
            file_path: l.file_path,
            confidence: l.confidence,
            link: l.link,
            text: l.text,
        }),
        ..base.clone()
    }
}
