//! Shared by the generator's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/fixtures`, beside the repository. CI always has it; a clone without it skips the
/// corpus tests and says so (but fails under CI, where a skip would hide a broken setup).
pub fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{} is missing; CI must provide ../shared/fixtures",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED: {} not found (clone has no ../shared)",
        dir.display()
    );
    None
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
