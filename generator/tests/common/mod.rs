//! Shared by the generator's integration tests.
#![allow(dead_code)]

pub mod fake_s3;
pub mod feed_server;

mod fixtures;

pub use fixtures::fixtures;

use std::path::PathBuf;

/// Every file under `../shared/fixtures`, sorted.
pub fn all_fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    if let Some(root) = fixtures() {
        walk(&root, &mut files);
    }
    files.sort();
    files
}

/// Every Trivy report in the corpus.
pub fn corpus_files() -> Vec<PathBuf> {
    let Some(root) = fixtures() else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for sub in [
        "trivy-golden",
        "trivy-golden/convert",
        "trivy-golden/pkg-report",
        "local-trivy-0.76",
    ] {
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_file() && (name.ends_with(".json") || name.ends_with(".json.golden")) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(
        files.len() > 80,
        "corpus looks incomplete: {} files",
        files.len()
    );
    files
}
