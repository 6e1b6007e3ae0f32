//! `cargo bench -p scanlens --bench site`: build a site of 1,000 scans (50 images × 20 scans).
//!
//! Each image is a real corpus report; its 20 scans differ in time and in which findings they
//! hold, as a history of rebuilds does. Prints the time to build the whole site in one call and
//! the time for a CI run that adds one scan to the existing site. Target: at most 5 s.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;

const IMAGES: usize = 50;
const SCANS: usize = 20;

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    if !root.is_dir() {
        eprintln!("SKIPPED: ../shared/fixtures not found");
        return;
    }
    let mut sources: Vec<Value> = Vec::new();
    for e in std::fs::read_dir(root.join("trivy-golden")).unwrap() {
        let p = e.unwrap().path();
        if let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&p).unwrap_or_default()) {
            if v["Results"].as_array().is_some_and(|r| !r.is_empty()) {
                sources.push(v);
            }
        }
    }
    sources.sort_by_key(|v| v["ArtifactName"].as_str().unwrap_or("").to_string());
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for i in 0..IMAGES {
        let base = &sources[i % sources.len()];
        for j in 0..SCANS {
            let mut v = base.clone();
            v["ArtifactName"] = format!("registry.example/team/app-{i:02}:build-{j}").into();
            v["CreatedAt"] = format!("2026-01-{:02}T10:00:00Z", j + 1).into();
            // Every few scans a finding is fixed: history and diffs have something to show.
            if let Some(vulns) = v["Results"][0]["Vulnerabilities"].as_array_mut() {
                let keep = vulns.len().saturating_sub(j % 3);
                vulns.truncate(keep);
            }
            let input = dir.path().join("in.json");
            std::fs::write(&input, serde_json::to_vec(&v).unwrap()).unwrap();
            let report = scanlens::input::read_reports(&[input]).unwrap();
            let out = dir.path().join(format!("reports/app-{i:02}-{j:02}"));
            scanlens::commands::render_report(&report, &out).unwrap();
            dirs.push(out);
        }
    }
    println!(
        "prepared:             {} report folders in {:.1} s",
        dirs.len(),
        t.elapsed().as_secs_f64()
    );
    let bin = env!("CARGO_BIN_EXE_scanlens");
    let site = dir.path().join("site");
    let run = |site: &Path, dirs: &[PathBuf]| {
        let t = Instant::now();
        let status = std::process::Command::new(bin)
            .arg("site")
            .arg("--out")
            .arg(site)
            .args(dirs)
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        t.elapsed().as_secs_f64()
    };
    let all = run(&site, &dirs);
    println!(
        "site, 1,000 scans:    {:.2} s in one call (target <= 5 s)",
        all
    );
    let site2 = dir.path().join("site2");
    run(&site2, &dirs[..dirs.len() - 1]);
    let one = run(&site2, &dirs[dirs.len() - 1..]);
    println!(
        "site, +1 scan:        {:.2} s to add one scan to a site of 999",
        one
    );
    let size = std::fs::metadata(site.join("index.html")).unwrap().len();
    println!("index.html:           {:.0} KB", size as f64 / 1024.0);
    if let Some(keep) = std::env::var_os("SCANLENS_BENCH_SITE") {
        let _ = std::fs::remove_dir_all(&keep);
        std::fs::rename(&site, &keep).unwrap();
        println!("site kept at          {}", Path::new(&keep).display());
    }
}
