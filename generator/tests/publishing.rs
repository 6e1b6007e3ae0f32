//! `diff`, `query`, `site` and `findings.ndjson` against the real corpus.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scanlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(args)
        .output()
        .unwrap()
}

fn render(input: &Path, out: &Path) {
    let o = scanlens(&[
        "render",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The alpine-3.10 golden scan, and a later scan of the same image with one vulnerability fixed
/// and one new, as a changed Trivy DB would give.
fn two_scans(dir: &Path, root: &Path) -> (PathBuf, PathBuf) {
    let raw = std::fs::read(root.join("trivy-golden/alpine-310.json.golden")).unwrap();
    let mut v: Value = serde_json::from_slice(&raw).unwrap();
    let old = dir.join("old.json");
    std::fs::write(&old, &raw).unwrap();
    v["CreatedAt"] = "2021-09-01T00:00:00Z".into();
    let vulns = v["Results"][0]["Vulnerabilities"].as_array_mut().unwrap();
    let gone = vulns.remove(0);
    let mut added = gone.clone();
    added["VulnerabilityID"] = "CVE-2099-0001".into();
    added["Severity"] = "CRITICAL".into();
    vulns.push(added);
    let new = dir.join("new.json");
    std::fs::write(&new, serde_json::to_vec(&v).unwrap()).unwrap();
    (old, new)
}

#[test]
fn diff_reports_new_and_fixed_and_gates_on_new() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = two_scans(dir.path(), &root);
    render(&old, &dir.path().join("r-old"));
    render(&new, &dir.path().join("r-new"));
    let o = scanlens(&[
        "diff",
        dir.path().join("r-old").to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["new"].as_array().unwrap().len(), 1);
    assert_eq!(d["new"][0]["id"], "CVE-2099-0001");
    assert_eq!(d["fixed"].as_array().unwrap().len(), 1);
    assert_eq!(d["unchanged"], 3);
    let o = scanlens(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--fail-on-new",
        "CRITICAL",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("**1 new**") && md.contains("CVE-2099-0001"),
        "{md}"
    );
    let o = scanlens(&[
        "diff",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--fail-on-new",
        "HIGH",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let o = scanlens(&["diff", "/nonexistent", new.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
}

#[test]
fn ndjson_and_query_agree_with_the_report() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    for (name, file) in [
        ("a", "local-trivy-0.76/debian-image-vuln-secret.json"),
        ("b", "trivy-golden/alpine-310.json.golden"),
        ("c", "trivy-golden/centos-7.json.golden"),
    ] {
        render(&root.join(file), &out.join(name));
    }
    let report: Value =
        serde_json::from_slice(&std::fs::read(out.join("c/report.json")).unwrap()).unwrap();
    let nd = std::fs::read_to_string(out.join("c/findings.ndjson")).unwrap();
    let rows: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), report["findings"].as_array().unwrap().len());
    for key in [
        "image",
        "commit_sha",
        "scanned_at",
        "kind",
        "id",
        "severity",
        "package",
        "installed_version",
        "fixed_version",
        "status",
        "target",
    ] {
        assert!(rows[0].get(key).is_some(), "findings.ndjson lacks {key}");
    }
    let o = scanlens(&[
        "query",
        "SELECT image, count(*) AS n FROM findings WHERE kind = 'vulnerability' GROUP BY image ORDER BY image",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got: Value = serde_json::from_slice(&o.stdout).unwrap();
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), 3);
    let total: u64 = got.iter().map(|r| r["n"].as_u64().unwrap()).sum();
    let mut expected = 0;
    for name in ["a", "b", "c"] {
        let r: Value =
            serde_json::from_slice(&std::fs::read(out.join(name).join("report.json")).unwrap())
                .unwrap();
        expected += r["summary"]["vulnerabilities"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>();
    }
    assert_eq!(total, expected);
    let o = scanlens(&[
        "query",
        "SELECT id FROM findings WHERE severity='CRITICAL' AND kind='secret'",
        out.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.contains("aws-access-key-id") && table.contains("(2 rows)"),
        "{table}"
    );
    let o = scanlens(&["query", "DROP TABLE nope", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sql error"));
}

#[test]
fn site_keeps_history_and_diffs_incrementally() {
    let Some(root) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = two_scans(dir.path(), &root);
    let r_old = dir.path().join("r-old");
    let r_new = dir.path().join("r-new");
    let r_deb = dir.path().join("r-deb");
    render(&old, &r_old);
    render(&new, &r_new);
    render(
        &root.join("local-trivy-0.76/debian-image-vuln-secret.json"),
        &r_deb,
    );
    let site = dir.path().join("site");
    let s = site.to_str().unwrap();
    // Two CI runs: the first adds the old scan, the second the new one and another image.
    assert_eq!(
        scanlens(&["site", "--out", s, r_old.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        scanlens(&[
            "site",
            "--out",
            s,
            r_new.to_str().unwrap(),
            r_deb.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    // Adding the same report again changes nothing.
    assert_eq!(
        scanlens(&["site", "--out", s, r_new.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let index: Value =
        serde_json::from_slice(&std::fs::read(site.join("data/site.json")).unwrap()).unwrap();
    let images = index["images"].as_array().unwrap();
    assert_eq!(images.len(), 2);
    let alpine = images
        .iter()
        .find(|i| i["name"].as_str().unwrap().contains("alpine-310"))
        .unwrap();
    assert_eq!(alpine["scans"].as_array().unwrap().len(), 2);
    let slug = alpine["slug"].as_str().unwrap();
    let page = std::fs::read_to_string(site.join("images").join(slug).join("index.html")).unwrap();
    assert!(
        page.contains("<strong>1 new</strong>") && page.contains("<strong>1 fixed</strong>"),
        "{page}"
    );
    assert!(page.contains("CVE-2099-0001"));
    let latest = alpine["scans"][1]["id"].as_str().unwrap();
    assert!(site
        .join("images")
        .join(slug)
        .join(latest)
        .join("index.html")
        .is_file());
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains("Content-Security-Policy"));
    assert!(
        home.contains("cve-2099-0001"),
        "latest scan's IDs are searchable"
    );
    assert!(home.contains("aws-access-key-id"));
    // Not a report directory: one clear error, the site untouched.
    let before = std::fs::read(site.join("data/site.json")).unwrap();
    let o = scanlens(&["site", "--out", s, dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("report.json"));
    assert_eq!(std::fs::read(site.join("data/site.json")).unwrap(), before);
}
