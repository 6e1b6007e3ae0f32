//! `report.sarif` against the real Trivy corpus: valid SARIF 2.1.0 shape for every report, one
//! result per counted finding, and the same rules, levels and scores as Trivy's own SARIF writer
//! for the scan both were made from.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

fn check_shape(v: &Value, what: &str) -> usize {
    assert_eq!(v["version"], "2.1.0", "{what}");
    assert!(v["$schema"].as_str().unwrap().contains("sarif"), "{what}");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{what}");
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert!(driver["name"].is_string(), "{what}");
    let rules = driver["rules"].as_array().unwrap();
    let ids: BTreeSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rules.len(), "{what}: one rule per id");
    for r in rules {
        assert!(r["shortDescription"]["text"].is_string(), "{what}");
        assert!(r["fullDescription"]["text"].is_string(), "{what}");
        assert!(r["help"]["text"].is_string(), "{what}");
        if let Some(u) = r.get("helpUri") {
            let u = u.as_str().unwrap();
            assert!(
                u.starts_with("https://") || u.starts_with("http://"),
                "{what}: {u}"
            );
        }
        let score: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.0..=10.0).contains(&score), "{what}: {score}");
        let tags = r["properties"]["tags"].as_array().unwrap();
        assert_eq!(tags[1], "security", "{what}");
    }
    let results = run["results"].as_array().unwrap();
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"], "{what}");
        assert!(
            ["error", "warning", "note"].contains(&res["level"].as_str().unwrap()),
            "{what}"
        );
        assert!(
            !res["message"]["text"].as_str().unwrap().is_empty(),
            "{what}"
        );
        let loc = &res["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.is_empty() && !uri.starts_with('/'), "{what}: {uri}");
        assert!(
            !uri.contains(|c: char| c.is_whitespace() || c.is_control()),
            "{what}: {uri}"
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1, "{what}");
        assert!(
            loc["region"]["endLine"].as_u64() >= loc["region"]["startLine"].as_u64(),
            "{what}"
        );
    }
    results.len()
}

#[test]
fn every_corpus_report_gives_valid_sarif_with_one_result_per_counted_finding() {
    let files = common::corpus_files();
    let mut checked = 0;
    let mut total_results = 0;
    for path in &files {
        let report = scanlens::input::read_reports(std::slice::from_ref(path)).unwrap();
        let sarif = scanlens::sarif::render(&report, "c");
        let v: Value = serde_json::from_slice(&sarif.bytes)
            .unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()));
        let n = check_shape(&v, &path.display().to_string());
        let counted = report.findings.iter().filter(|f| f.is_counted()).count();
        assert_eq!(n, counted.min(5000), "{}", path.display());
        assert_eq!(sarif.dropped, counted.saturating_sub(5000));
        total_results += n;
        checked += 1;
    }
    if common::fixtures().is_some() {
        assert!(checked > 80);
        assert!(total_results > 100, "{total_results}");
    }
}

/// Trivy's SARIF and ours for the same alpine-3.10 scan: the same findings, rules, levels, scores
/// and links.
#[test]
fn matches_trivys_own_sarif_for_the_same_scan() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let input = root.join("trivy-golden/alpine-310.json.golden");
    let report = scanlens::input::read_reports(&[input]).unwrap();
    let ours: Value = serde_json::from_slice(&scanlens::sarif::render(&report, "c").bytes).unwrap();
    let theirs: Value = serde_json::from_slice(
        &std::fs::read(root.join("trivy-formats/formats-golden/alpine-310.sarif.golden")).unwrap(),
    )
    .unwrap();

    let results = |v: &Value| -> BTreeSet<(String, String, String)> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let text = r["message"]["text"].as_str().unwrap();
                let pkg = text
                    .lines()
                    .find_map(|l| l.strip_prefix("Package: "))
                    .unwrap_or("")
                    .to_string();
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["level"].as_str().unwrap().to_string(),
                    pkg,
                )
            })
            .collect()
    };
    assert_eq!(results(&ours), results(&theirs));

    let rules = |v: &Value| -> BTreeSet<(String, String, String, String)> {
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_string(),
                    r["name"].as_str().unwrap().to_string(),
                    r["properties"]["security-severity"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["helpUri"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(rules(&ours), rules(&theirs));
}

#[test]
fn render_sarif_flag_writes_report_sarif() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let input = root.join("local-trivy-0.76/dockerfile-config.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .arg("render")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--sarif")
        .status()
        .unwrap();
    assert!(status.success());
    let v: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.sarif")).unwrap()).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let ids: BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(ids.contains("DS-0002"), "{ids:?}");
    // Without the flag there is no SARIF.
    let out2 = dir.path().join("out2");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .arg("render")
        .arg(&input)
        .arg("--out")
        .arg(&out2)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(!out2.join("report.sarif").exists());
}

/// A new tag of the same image keeps every alert's fingerprint, and with it GitHub's alert and
/// its dismissal.
#[test]
fn fingerprints_survive_a_new_tag() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let raw = std::fs::read_to_string(root.join("local-trivy-0.76/debian-image-vuln-secret.json"))
        .unwrap();
    assert!(raw.contains("local/app-debian:test"));
    let dir = tempfile::tempdir().unwrap();
    let sarif_of = |text: &str, name: &str| -> Value {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let report = scanlens::input::read_reports(&[path]).unwrap();
        let category = scanlens::sarif::default_category(&report);
        serde_json::from_slice(&scanlens::sarif::render(&report, &category).bytes).unwrap()
    };
    let old = sarif_of(&raw, "old.json");
    let new = sarif_of(
        &raw.replace("local/app-debian:test", "local/app-debian:1.3"),
        "new.json",
    );
    let prints = |v: &Value| -> Vec<String> {
        let mut p: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["scanlens/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        p.sort();
        p
    };
    assert!(prints(&old).len() >= 3);
    assert_eq!(prints(&old), prints(&new));
    assert_eq!(
        old["runs"][0]["automationDetails"]["id"],
        new["runs"][0]["automationDetails"]["id"]
    );
    assert_eq!(
        old["runs"][0]["automationDetails"]["id"],
        "scanlens/local/app-debian/"
    );
}

/// GitHub shows results sharing a fingerprint as one alert. The same check at two lines of one
/// chart (Trivy's helm golden: KSV-0118 at lines 17 and 19) is two alerts, so two fingerprints;
/// the first keeps the one it has alone, so its alert lives on when the other goes.
#[test]
fn findings_at_different_places_are_different_alerts() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let report =
        scanlens::input::read_reports(&[root.join("trivy-golden/helm.json.golden")]).unwrap();
    let sarif_of = |report: &scanlens_model::Report| -> Vec<(String, u64, String)> {
        let category = scanlens::sarif::default_category(report);
        let v: Value =
            serde_json::from_slice(&scanlens::sarif::render(report, &category).bytes).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["partialFingerprints"]["scanlens/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let all = sarif_of(&report);
    let twice: Vec<&(String, u64, String)> = all.iter().filter(|r| r.0 == "KSV-0118").collect();
    assert_eq!(twice.len(), 2, "{all:?}");
    assert_ne!(twice[0].1, twice[1].1, "two lines");
    assert_ne!(twice[0].2, twice[1].2, "two alerts");
    let prints: std::collections::HashSet<&String> = all.iter().map(|r| &r.2).collect();
    assert_eq!(
        prints.len(),
        all.len(),
        "every result its own alert: {all:?}"
    );

    // The first alone: the same fingerprint as beside the second.
    let mut first_alone = report.clone();
    let second_line = twice[1].1;
    first_alone.findings.retain(|f| {
        !(f.id == "KSV-0118"
            && f.misconfiguration.as_ref().and_then(|m| m.start_line) == Some(second_line))
    });
    let alone = sarif_of(&first_alone);
    let kept: Vec<_> = alone.iter().filter(|r| r.0 == "KSV-0118").collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].2, twice[0].2);
}
