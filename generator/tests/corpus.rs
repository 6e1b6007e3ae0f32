//! Every real Trivy report in `../shared/fixtures` renders, and the counts in `report.json` equal
//! counts computed independently from the raw JSON.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;

/// The results of a schema-2 report or of the legacy top-level array.
fn results(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => o
            .get("Results")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        _ => vec![],
    }
}

/// Counts straight from Trivy's JSON with no model code: kind -> severity -> n.
fn raw_counts(v: &Value) -> BTreeMap<(&'static str, String), u64> {
    let mut counts = BTreeMap::new();
    for r in results(v) {
        for (key, kind) in [
            ("Vulnerabilities", "vulnerabilities"),
            ("Misconfigurations", "misconfigurations"),
            ("Secrets", "secrets"),
            ("Licenses", "licenses"),
        ] {
            for f in r.get(key).and_then(Value::as_array).into_iter().flatten() {
                if key == "Misconfigurations"
                    && f.get("Status").and_then(Value::as_str) != Some("FAIL")
                {
                    continue;
                }
                let sev = f
                    .get("Severity")
                    .and_then(Value::as_str)
                    .unwrap_or("UNKNOWN");
                let sev = match sev {
                    "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" => sev.to_string(),
                    _ => "UNKNOWN".to_string(),
                };
                *counts.entry((kind, sev)).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn raw_ids(v: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for r in results(v) {
        for (key, id) in [
            ("Vulnerabilities", "VulnerabilityID"),
            ("Misconfigurations", "ID"),
            ("Secrets", "RuleID"),
            ("Licenses", "Name"),
        ] {
            for f in r.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(s) = f.get(id).and_then(Value::as_str) {
                    ids.push(s.to_string());
                }
            }
        }
        for m in r
            .get("ExperimentalModifiedFindings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(s) = m
                .pointer("/Finding/VulnerabilityID")
                .and_then(Value::as_str)
            {
                ids.push(s.to_string());
            }
        }
    }
    ids
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[test]
fn every_corpus_report_renders_with_exact_counts() {
    let files = common::corpus_files();
    let mut checked = 0;
    for path in files {
        let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let report = scanlens::input::read_reports(std::slice::from_ref(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json: Value = serde_json::to_value(&report).unwrap();
        let expected = raw_counts(&raw);
        for kind in [
            "vulnerabilities",
            "misconfigurations",
            "secrets",
            "licenses",
        ] {
            let counts = json["summary"][kind].as_object().unwrap();
            assert_eq!(counts.len(), 5, "{}: all five keys", path.display());
            for sev in ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] {
                let want = expected.get(&(kind, sev.to_string())).copied().unwrap_or(0);
                assert_eq!(
                    counts[sev].as_u64().unwrap(),
                    want,
                    "{}: {kind} {sev}",
                    path.display()
                );
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        scanlens::commands::render_report(&report, &out).unwrap();
        let html = std::fs::read_to_string(out.join("index.html")).unwrap();
        for id in raw_ids(&raw) {
            assert!(
                html.contains(&html_escape(&id)),
                "{}: index.html lacks {id}",
                path.display()
            );
        }
        // The written report.json reads back into the same report.
        let back: scanlens_model::Report =
            serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        assert_eq!(back, report, "{}", path.display());
        // The page's data, as the viewer reads it, is the report exactly.
        let data = scanlens::html::embedded_json(&report);
        let data = String::from_utf8(data).unwrap();
        let ds = scanlens_model::compact::decode::dataset(&data)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(ds, scanlens_model::compact::Dataset::from_report(&report));
        assert_eq!(ds.to_report(), report, "{}", path.display());
        checked += 1;
    }
    if common::fixtures().is_some() {
        assert!(checked > 80);
    }
}

#[test]
fn suppressed_findings_are_kept_and_marked() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let path = root.join("trivy-golden/convert/npm-with-suppressed.json.golden");
    let report = scanlens::input::read_reports(&[path]).unwrap();
    let suppressed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .collect();
    assert!(!suppressed.is_empty());
    assert_eq!(report.stats.suppressed, suppressed.len() as u64);
    let s = suppressed[0].suppressed.as_ref().unwrap();
    assert_eq!(s.status, "not_affected");
    assert_eq!(s.source, "./vex.json");
}

#[test]
fn local_scan_keeps_metadata_and_layers() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let path = root.join("local-trivy-0.76/debian-image-vuln-secret.json");
    let report = scanlens::input::read_reports(&[path]).unwrap();
    let a = &report.artifacts[0];
    assert_eq!(a.name, "local/app-debian:test");
    assert_eq!(a.os.as_ref().unwrap().family, "debian");
    assert_eq!(a.trivy_version.as_deref(), Some("0.76.0"));
    assert!(a.image_id.as_deref().unwrap().starts_with("sha256:"));
    assert_eq!(report.stats.packages, 88);
    let secret = report
        .findings
        .iter()
        .find(|f| f.id == "aws-access-key-id")
        .unwrap();
    assert_eq!(secret.severity, scanlens_model::Severity::Critical);
    let created_by = secret
        .layer
        .as_ref()
        .and_then(|l| l.created_by.as_deref())
        .unwrap();
    assert!(created_by.contains("COPY"), "{created_by}");
}

/// Reading a report in parts on several threads gives exactly what reading it whole gives.
#[test]
fn every_corpus_report_reads_the_same_in_parts() {
    use scanlens_model::{parse, split, ReportBuilder};
    let mut split_count = 0;
    for path in common::corpus_files() {
        let bytes = std::fs::read(&path).unwrap();
        let whole = parse(&bytes).map(|p| {
            let mut b = ReportBuilder::new("t");
            b.add("x", p);
            b.finish()
        });
        let Some(s) = split::split(&bytes) else {
            continue;
        };
        let all: Option<Vec<_>> = (0..s.len()).map(|i| s.finding(i)).collect();
        let all = all.unwrap_or_else(|| panic!("{}: a finding did not parse", path.display()));
        let mut b = ReportBuilder::new("t");
        b.add("x", s.finish(all));
        assert_eq!(Ok(b.finish()), whole, "{}", path.display());
        let parallel = scanlens::input::parse_input(&bytes).map(|p| {
            let mut b = ReportBuilder::new("t");
            b.add("x", p);
            b.finish()
        });
        assert_eq!(parallel, whole, "{}", path.display());
        split_count += 1;
    }
    if common::fixtures().is_some() {
        assert!(split_count > 60, "only {split_count} corpus files split");
    }
}

/// A large input (read in parts) that is broken gets the error, with its line and column, that
/// reading it whole gives.
#[test]
fn large_broken_input_reports_like_a_small_one() {
    let vuln = r#"{"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","Severity":"HIGH","Description":"x"}"#;
    let many = vec![vuln; 20_000].join(",\n");
    let doc = format!(
        r#"{{"SchemaVersion":2,"ArtifactName":"big","Results":[{{"Target":"t","Vulnerabilities":[{many}]}}]}}"#
    );
    assert!(doc.len() > 1 << 20);
    // Read in parts, it gives what reading it whole gives.
    let report = |p: scanlens_model::Parsed| {
        let mut b = scanlens_model::ReportBuilder::new("t");
        b.add("x", p);
        b.finish()
    };
    let parallel = scanlens::input::parse_input(doc.as_bytes()).map(report);
    let whole = scanlens_model::parse(doc.as_bytes()).map(report);
    assert_eq!(parallel.as_ref().map(|r| r.findings.len()), Ok(20_000));
    assert_eq!(parallel, whole);
    let broken = [
        doc[..doc.len() / 2].to_string(),
        doc.replacen("\"HIGH\"", "7", 1),
        doc.replacen("\"CVE-2024-0001\",", "\"CVE-2024-0001\" ", 9_000),
        doc.replacen("},\n{", "},,\n{", 15_000),
        format!("{doc} trailing"),
    ];
    for bad in broken {
        let parallel = scanlens::input::parse_input(bad.as_bytes()).unwrap_err();
        let whole = scanlens_model::parse(bad.as_bytes()).unwrap_err();
        assert_eq!(parallel, whole);
        assert!(parallel.line > 0);
    }
}
