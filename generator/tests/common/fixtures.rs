//! Where the Trivy corpus is, and what a test does when it is not there. One rule for both test
//! crates: `generator/tests` has it as `common::fixtures`, and `tests/tests/common` includes this
//! very file (both crates sit one level below the workspace root).

use std::io::Write;
use std::path::PathBuf;

/// `../shared/fixtures`, beside the repository. A clone without it fails the tests that read it,
/// since a corpus test that loops over nothing proves nothing; `SCANLENS_SKIP_FIXTURES=1` skips
/// them instead, with one `SKIPPED` line each.
pub fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("SCANLENS_SKIP_FIXTURES").is_some_and(|v| !v.is_empty() && v != "0") {
        // The raw stderr, not eprintln!: libtest's capture would hide the line of a passing test.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {}: {} not found (SCANLENS_SKIP_FIXTURES is set)",
            std::thread::current().name().unwrap_or("(unnamed test)"),
            dir.display()
        );
        return None;
    }
    panic!(
        "{} is missing: put the Trivy corpus beside the repository, or set SCANLENS_SKIP_FIXTURES=1 to skip the tests that read it",
        dir.display()
    );
}
