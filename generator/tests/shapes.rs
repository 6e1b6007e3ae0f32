//! Never say less than Trivy: every document in `../shared/fixtures` is either read completely
//! (its counts equal a count made here from the raw JSON) or refused with exit 3 and a line
//! naming what it is; both `trivy k8s` layouts (and its summary) are read; and every other shape
//! people hand over (SBOMs, SARIF, templates, Scanlens's own files) is planted and refused.

mod common;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

type Counts = BTreeMap<(&'static str, String), u64>;

/// Findings in every `Results` array anywhere in the document (and in a top-level array of
/// results), with no model code: misconfigurations only when failing.
fn independent_counts(v: &Value) -> Counts {
    fn result(r: &Value, counts: &mut Counts) {
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
                let sev = match f.get("Severity").and_then(Value::as_str) {
                    Some(s @ ("CRITICAL" | "HIGH" | "MEDIUM" | "LOW")) => s.to_string(),
                    _ => "UNKNOWN".to_string(),
                };
                *counts.entry((kind, sev)).or_insert(0) += 1;
            }
        }
    }
    fn walk(v: &Value, counts: &mut Counts) {
        match v {
            Value::Object(o) => {
                for (k, child) in o {
                    match (k.as_str(), child) {
                        ("Results", Value::Array(rs)) => rs.iter().for_each(|r| result(r, counts)),
                        _ => walk(child, counts),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, counts)),
            _ => {}
        }
    }
    let mut counts = Counts::new();
    match v {
        Value::Array(rs) => rs.iter().for_each(|r| result(r, &mut counts)),
        other => walk(other, &mut counts),
    }
    counts
}

fn summary_counts(report: &scanlens_model::Report) -> Counts {
    let json = serde_json::to_value(report).unwrap();
    let mut counts = Counts::new();
    for kind in [
        "vulnerabilities",
        "misconfigurations",
        "secrets",
        "licenses",
    ] {
        for (sev, n) in json["summary"][kind].as_object().unwrap() {
            let n = n.as_u64().unwrap();
            if n > 0 {
                counts.insert((kind, sev.clone()), n);
            }
        }
    }
    counts
}

fn total(c: &Counts) -> u64 {
    c.values().sum()
}

/// What a refused fixture must be called, by where it is.
fn expected_refusal(rel: &str) -> Option<&'static str> {
    let by_suffix = [
        (".sarif.golden", "SARIF"),
        (".asff.golden", "Security Hub"),
        (".gitlab.golden", "GitLab template"),
        (".gitlab-codequality.golden", "Code Quality"),
        (".gsbom.golden", "dependency snapshot"),
        (".html.golden", "HTML"),
        (".junit.golden", "XML"),
        (".txt.golden", "not JSON"),
        (".tpl", "Go template"),
        (".md", "not JSON"),
        (".yml", "not JSON"),
        ("k8s/summary-ids.json.golden", "by ID only"),
        (
            "known_exploited_vulnerabilities.json",
            "Known Exploited Vulnerabilities",
        ),
        ("known_exploited_vulnerabilities_schema.json", "JSON Schema"),
    ];
    by_suffix
        .iter()
        .find(|(suffix, _)| rel.ends_with(suffix))
        .map(|(_, what)| *what)
}

fn scanlens(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(args)
        .output()
        .unwrap()
}

/// `scanlens render FILE` is refused with exit 3, one line naming the file and `what`, and no
/// output directory.
fn assert_refused(path: &Path, what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = scanlens(&[
        "render",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{}: {err}", path.display());
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{}: {err}",
        path.display()
    );
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(
        err.contains(what),
        "{}: should name {what:?}: {err}",
        path.display()
    );
    assert!(!out.exists(), "{}: nothing written", path.display());
}

#[test]
fn every_fixture_is_read_completely_or_refused_by_name() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let (mut read, mut refused) = (0, 0);
    for path in common::all_fixture_files() {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if let Some(what) = expected_refusal(&rel) {
            assert_refused(&path, what);
            refused += 1;
            continue;
        }
        let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("{rel} is not JSON ({e}); say in this test what it is"));
        let report = scanlens::input::read_reports(std::slice::from_ref(&path))
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(summary_counts(&report), independent_counts(&raw), "{rel}");
        read += 1;
    }
    assert!(
        read >= 80 && refused >= 20,
        "read {read}, refused {refused}"
    );
}

/// The results of a corpus report, to build other layouts from.
fn results_of(root: &Path, name: &str) -> Value {
    let v: Value =
        serde_json::from_slice(&std::fs::read(root.join("trivy-golden").join(name)).unwrap())
            .unwrap();
    v["Results"].clone()
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

#[test]
fn every_trivy_k8s_layout_is_read_whole() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let vulns = results_of(&root, "alpine-310.json.golden");
    let more_vulns = results_of(&root, "ubuntu-1804.json.golden");
    let config = results_of(&root, "dockerfile.json.golden");
    let secrets = results_of(&root, "secrets.json.golden");
    let web = |results: &Value| json!({"Namespace": "default", "Kind": "Deployment", "Name": "web", "Results": results});
    let db = json!({"Namespace": "data", "Kind": "StatefulSet", "Name": "db", "Results": secrets});
    let dir = tempfile::tempdir().unwrap();
    let layouts = [
        // Trivy 0.42 and later.
        (
            "resources.json",
            json!({"ClusterName": "prod", "Resources": [web(&vulns), web(&more_vulns), web(&config), db]}),
        ),
        // Trivy 0.29 to 0.41: resources listed by what was found in them.
        (
            "older.json",
            json!({"ClusterName": "prod", "Vulnerabilities": [web(&vulns), web(&more_vulns), db], "Misconfigurations": [web(&config)]}),
        ),
        // `--report summary`: each resource once, with all its results.
        (
            "summary.json",
            json!({"ClusterName": "prod", "Findings": [db, {"Namespace": "default", "Kind": "Deployment", "Name": "web", "Results": [vulns[0], more_vulns[0], config[0]]}]}),
        ),
    ];
    for (name, doc) in layouts {
        let path = write(dir.path(), name, &doc);
        let want = independent_counts(&doc);
        assert!(total(&want) >= 10, "{name}: the test needs findings");
        let report = scanlens::input::read_reports(std::slice::from_ref(&path)).unwrap();
        assert_eq!(summary_counts(&report), want, "{name}");
        let names: Vec<&str> = report.artifacts.iter().map(|a| a.name.as_str()).collect();
        if name == "resources.json" {
            let web = "prod/default/Deployment/web";
            assert_eq!(names, [web, web, web, "prod/data/StatefulSet/db"]);
        } else {
            // One artifact per resource, whichever lists it appeared in.
            let mut sorted = names.clone();
            sorted.sort();
            assert_eq!(
                sorted,
                ["prod/data/StatefulSet/db", "prod/default/Deployment/web"],
                "{name}"
            );
        }
        // And the binary writes it and exits 0.
        let out = dir.path().join(format!("out-{name}"));
        let o = scanlens(&[
            "render",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let written: Value =
            serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
        assert_eq!(
            written["findings"].as_array().unwrap().len() as u64,
            total(&want) + report.stats.passed_checks
        );
    }
    // A cluster where nothing was found still names the cluster.
    let empty = write(dir.path(), "empty.json", &json!({"ClusterName": "quiet"}));
    let report = scanlens::input::read_reports(&[empty]).unwrap();
    assert_eq!(report.artifacts.len(), 1);
    assert_eq!(report.artifacts[0].name, "quiet");
    assert!(report.findings.is_empty());
}

#[test]
fn other_shapes_are_refused_by_name() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Scanlens's own outputs of a real report.
    let out = dir.path().join("rendered");
    let input = root.join("trivy-golden/alpine-310.json.golden");
    let o = scanlens(&[
        "render",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let planted: Vec<(PathBuf, &str)> = vec![
        (out.join("report.json"), "scanlens report.json"),
        (out.join("findings.ndjson"), "JSON lines"),
        (
            write(
                dir.path(),
                "bom.cdx.json",
                &json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [], "vulnerabilities": [{"id": "CVE-2019-1549"}]}),
            ),
            "CycloneDX SBOM",
        ),
        (
            write(
                dir.path(),
                "bom.spdx.json",
                &json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": []}),
            ),
            "SPDX SBOM",
        ),
        (
            write(
                dir.path(),
                "cosign.json",
                &json!({"invocation": {"parameters": null}, "scanner": {"uri": "pkg:github/aquasecurity/trivy@0.76.0"}, "metadata": {}}),
            ),
            "cosign",
        ),
        (
            write(
                dir.path(),
                "unknown.json",
                &json!({"items": [{"VulnID": "CVE-1"}]}),
            ),
            "its keys: `items`",
        ),
        (
            write(
                dir.path(),
                "array.json",
                &json!([{"VulnerabilityID": "CVE-1"}]),
            ),
            "schema-1 report lists results",
        ),
    ];
    for (path, what) in planted {
        assert_refused(&path, what);
    }
}

/// A document that holds findings where Trivy puts none is not read short: it is refused.
#[test]
fn findings_outside_the_known_places_refuse_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let doc = json!({
        "SchemaVersion": 2,
        "ArtifactName": "app",
        "Results": [{"Target": "t", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "Severity": "HIGH"}]}],
        "Extra": {"Results": [{"Target": "u", "Vulnerabilities": [{"VulnerabilityID": "CVE-2", "Severity": "CRITICAL"}]}]}
    });
    let path = write(dir.path(), "nested.json", &doc);
    assert_refused(&path, "holds 2 vulnerabilities");
}
