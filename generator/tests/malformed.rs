//! Property tests over malformed input, run in CI with a bounded budget (`PROPTEST_CASES`, default
//! below): mutated real Trivy reports and generated ignore files never panic, never hang, and
//! are either read (with consistent counts) or refused with one line that names the file, the
//! position and the fix. The same inputs, without bounds, are the `cargo fuzz` targets in
//! `fuzz/` (see the README's Development section).

mod common;

use proptest::prelude::*;
use scanlens_model::ReportBuilder;
use std::cell::Cell;
use std::path::Path;

/// Cases per property unless `PROPTEST_CASES` says otherwise: a few seconds in CI.
const CASES: u32 = 5000;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn corpus() -> Vec<Vec<u8>> {
    let mut files: Vec<Vec<u8>> = common::corpus_files()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .filter(|b| b.len() < 64 * 1024)
        .collect();
    files.sort_by_key(Vec::len);
    files
}

/// Pieces that break JSON, or Trivy's shape, in interesting ways.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "null",
    "true",
    "1e999",
    "-0",
    "\"\\u0000\"",
    "[[[[[[[[",
    "{\"VulnerabilityID\":\"CVE-1\"}",
    "\"Results\":",
    "\"Severity\":7",
    "\"\\ud800\"",
    "\"ClusterName\":\"c\",",
    "{\"Target\":\"t\"}",
    "\"Vulnerabilities\":null,",
    "\u{feff}",
    "\u{0}",
];

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(f64),
    Flip(f64, u8),
    Insert(f64, usize),
    Delete(f64, usize),
    Duplicate(f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (0.0..1.0f64, 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (0.0..1.0f64, 1..64usize).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (0.0..1.0f64, 1..256usize).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
    ]
}

fn apply(mut b: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let at = |p: f64, len: usize| ((p * len as f64) as usize).min(len);
    match *m {
        Mutation::Truncate(p) => b.truncate(at(p, b.len())),
        Mutation::Flip(p, byte) if !b.is_empty() => {
            let i = at(p, b.len() - 1);
            b[i] = byte;
        }
        Mutation::Insert(p, t) => {
            let i = at(p, b.len());
            b.splice(i..i, TOKENS[t].bytes());
        }
        Mutation::Delete(p, n) => {
            let i = at(p, b.len());
            b.drain(i..(i + n).min(b.len()));
        }
        Mutation::Duplicate(p, n) => {
            let i = at(p, b.len());
            let piece: Vec<u8> = b[i..(i + n).min(b.len())].to_vec();
            b.splice(i..i, piece);
        }
        Mutation::Flip(..) => {}
    }
    b
}

/// What a refusal must say: where, and what to do.
fn names_the_fix(message: &str) -> bool {
    [
        "--format json",
        "re-run",
        "run trivy",
        "pass the file",
        "render",
        "trivy sbom",
    ]
    .iter()
    .any(|fix| message.contains(fix))
}

fn read(bytes: &[u8]) -> Result<scanlens_model::Report, String> {
    let mut b = ReportBuilder::new("fuzz");
    scanlens::input::add(&mut b, Path::new("fuzz.json"), "fuzz.json", bytes)
        .map_err(|e| e.to_string())?;
    Ok(b.finish())
}

#[test]
fn mutated_reports_are_read_consistently_or_refused_with_the_fix() {
    let corpus = corpus();
    if corpus.is_empty() {
        return;
    }
    let (read_ok, refused) = (Cell::new(0usize), Cell::new(0usize));
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let strategy = (0..corpus.len(), proptest::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(i, muts)| {
            let bytes = muts.iter().fold(corpus[i].clone(), apply);
            match read(&bytes) {
                Ok(report) => {
                    read_ok.set(read_ok.get() + 1);
                    let counted = report.findings.iter().filter(|f| f.is_counted()).count();
                    prop_assert_eq!(report.summary.total() as usize, counted);
                }
                Err(e) => {
                    refused.set(refused.get() + 1);
                    prop_assert!(!e.contains('\n'), "two lines: {}", e);
                    prop_assert!(e.starts_with("fuzz.json"), "names the file: {}", e);
                    prop_assert!(names_the_fix(&e), "says what to do: {}", e);
                }
            }
            Ok(())
        })
        .unwrap();
    let (read_ok, refused) = (read_ok.get(), refused.get());
    eprintln!("mutated reports: {read_ok} read, {refused} refused, 0 failures");
    assert!(
        refused > 0 && read_ok > 0,
        "the mutations should both break and keep documents"
    );
}

fn yaml_piece() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "vulnerabilities:",
        "misconfigurations:",
        "secrets:",
        "licenses:",
        "  - id:",
        "    paths:",
        "    purls:",
        "    expired_at:",
        "    statement:",
        "      -",
        "- ",
        "? ",
        "&a ",
        "*a",
        "!!str",
    ]);
    let value = prop::sample::select(vec![
        " CVE-1",
        " \"a[\"",
        " [\"**/x\"]",
        " pkg:npm/x@1",
        " \"pkg:%zz\"",
        " 2026-11-30",
        " 9999-99-99",
        " 2026-11-30T00:00:00Z",
        " tomorrow",
        " [[[[",
        " {",
        " }",
        " 3",
        " ~",
        " \"\\u0000\"",
        "",
    ]);
    (key, value).prop_map(|(k, v)| format!("{k}{v}"))
}

#[test]
fn generated_ignore_files_never_panic_or_hang() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let (ok, refused) = (Cell::new(0usize), Cell::new(0usize));
    let strategy = (
        proptest::collection::vec(yaml_piece(), 0..24),
        proptest::collection::vec(any::<u8>(), 0..64),
    );
    runner
        .run(&strategy, |(lines, noise)| {
            let yaml = lines.join("\n");
            let start = std::time::Instant::now();
            for result in [
                scanlens::ignorefile::parse_yaml("f.yaml", &yaml),
                scanlens::ignorefile::parse_plain("f", &yaml),
                scanlens::ignorefile::parse_plain("f", &String::from_utf8_lossy(&noise)),
            ] {
                match result {
                    Ok(_) => ok.set(ok.get() + 1),
                    Err(e) => {
                        refused.set(refused.get() + 1);
                        prop_assert!(!e.to_string().contains('\n'), "{}", e);
                    }
                }
            }
            prop_assert!(start.elapsed() < std::time::Duration::from_secs(2));
            Ok(())
        })
        .unwrap();
    eprintln!(
        "ignore files: {} read, {} refused, 0 failures",
        ok.get(),
        refused.get()
    );
}

#[test]
fn globs_and_purls_never_panic_or_hang() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let chars = prop::sample::select(vec![
        '*', '?', '[', ']', '{', '}', ',', '\\', '/', 'a', 'b', '!', '^', '-', 'é',
    ]);
    let text =
        proptest::collection::vec(chars, 0..40).prop_map(|v| v.into_iter().collect::<String>());
    runner
        .run(&(text.clone(), text), |(pattern, name)| {
            let start = std::time::Instant::now();
            let _ = scanlens_model::glob::is_valid(&pattern);
            let _ = scanlens_model::glob::matches(&pattern, &name);
            let _ = scanlens_model::purl::Purl::parse(&format!("pkg:{pattern}/{name}"));
            prop_assert!(start.elapsed() < std::time::Duration::from_secs(2));
            Ok(())
        })
        .unwrap();
}
