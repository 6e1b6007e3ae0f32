//! Snapshots of what people read, for a few corpus reports: `summary.md`, `report.sarif` and the
//! static page (`#scanlens-page` of `index.html`: the first screen, and all there is without
//! JavaScript; the viewer's wasm and JS and the embedded data are left out). Committed under `tests/snapshots/`; a change shows as a diff to review:
//!
//! ```text
//! cargo test -p scanlens --test snapshots    # a change fails and writes a .snap.new beside it
//! cargo insta review                         # accept or reject each (cargo install cargo-insta)
//! INSTA_UPDATE=always cargo test -p scanlens --test snapshots   # or overwrite, then git diff
//! ```
//!
//! In CI (`CI=true`, or `INSTA_UPDATE=no` as `.ci/test` sets) a snapshot that differs or is
//! missing fails the test and nothing is written.
//!
//! What varies between runs or machines is redacted: the temporary folder (the output folder and
//! the ignore file live there) becomes `[TMP]` and the corpus folder `[FIXTURES]`. Nothing else
//! does: scan times come from the Trivy reports, the current time only decides whether an ignore
//! rule has expired (the rule here expires in 2999), and the generator's version is kept.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// What one `scanlens render --sarif` wrote, redacted.
struct Rendered {
    summary: String,
    sarif: String,
    page: String,
}

/// `scanlens render FIXTURE --out TMP/out --sarif EXTRA...` in a temporary folder TMP, which
/// also holds `.trivyignore` with `ignore` unless that is empty; `{tmp}` in EXTRA is TMP,
/// `{fixtures}` the corpus and `{data}` `generator/tests/data`. `None`
/// when the corpus is missing and SCANLENS_SKIP_FIXTURES is set.
fn render(fixture: &str, ignore: &str, extra: &[&str]) -> Option<Rendered> {
    let root = common::fixtures()?;
    let tmp = tempfile::tempdir().unwrap();
    if !ignore.is_empty() {
        std::fs::write(tmp.path().join(".trivyignore"), ignore).unwrap();
    }
    let out = tmp.path().join("out");
    let tmp_s = tmp.path().to_str().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .arg("render")
        .arg(root.join(fixture))
        .arg("--out")
        .arg(&out)
        .arg("--sarif")
        .args(extra.iter().map(|a| {
            a.replace("{tmp}", tmp_s)
                .replace("{fixtures}", root.to_str().unwrap())
                .replace("{data}", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"))
        }))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let read = |name: &str| {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        redact(&text, tmp.path(), &root)
    };
    Some(Rendered {
        summary: read("summary.md"),
        sarif: pretty_json(&read("report.sarif")),
        page: static_page(&read("index.html")),
    })
}

/// Replaces the temporary folder by `[TMP]` and the corpus folder by `[FIXTURES]`, as written
/// and as resolved (longest first, so a path inside another is replaced whole).
fn redact(text: &str, tmp: &Path, fixtures: &Path) -> String {
    let mut paths: Vec<(String, &str)> = Vec::new();
    for (path, label) in [(tmp, "[TMP]"), (fixtures, "[FIXTURES]")] {
        paths.push((path.display().to_string(), label));
        if let Ok(real) = path.canonicalize() {
            paths.push((real.display().to_string(), label));
        }
    }
    paths.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let mut text = text.to_string();
    for (path, label) in paths {
        text = text.replace(&path, label);
    }
    text
}

/// The static page (`<div id="scanlens-page">` up to the embedded data): what people get
/// without JavaScript. The viewer (wasm, JS glue) and the embedded data follow it.
fn static_page(page: &str) -> String {
    let open = "<div id=\"scanlens-page\">";
    assert_eq!(page.matches(open).count(), 1, "one static page");
    let start = page.find(open).unwrap();
    let end = page[start..]
        .find("<script")
        .expect("the data after the page")
        + start;
    let part = &page[start..end];
    assert!(
        part.trim_end().ends_with("</div>"),
        "the static page ends before the first script"
    );
    part.to_string()
}

/// Indents compact JSON, two spaces a level, keeping the order of keys and every byte of every
/// value (serde_json's `Value` would sort the keys). Checked against the input.
fn pretty_json(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(chars.next().unwrap());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    let before: Value = serde_json::from_str(compact).expect("report.sarif is JSON");
    let after: Value = serde_json::from_str(&out).expect("indented JSON is JSON");
    assert_eq!(before, after, "indenting changed the JSON");
    out.push('\n');
    out
}

/// Three tests for one rendered case: its `summary.md`, its `report.sarif` and its page without
/// JavaScript, each its own snapshot (`tests/snapshots/snapshots__<case>__<file>.snap`).
macro_rules! snapshots {
    ($case:ident, $fixture:expr, ignore: $ignore:expr, args: [$($arg:expr),*]) => {
        mod $case {
            fn render() -> Option<super::Rendered> {
                super::render($fixture, $ignore, &[$($arg),*])
            }

            #[test]
            fn summary_md() {
                let Some(r) = render() else { return };
                insta::assert_snapshot!("summary_md", r.summary);
            }

            #[test]
            fn report_sarif() {
                let Some(r) = render() else { return };
                insta::assert_snapshot!("report_sarif", r.sarif);
            }

            #[test]
            fn no_javascript_page() {
                let Some(r) = render() else { return };
                insta::assert_snapshot!("no_javascript_page", r.page);
            }
        }
    };
}

// OS package vulnerabilities with fixes, no gate.
snapshots!(
    image_vulnerabilities_without_a_gate,
    "trivy-golden/alpine-310.json.golden",
    ignore: "",
    args: []
);

// A Dockerfile misconfiguration that trips `--fail-on HIGH`.
snapshots!(
    dockerfile_checks_tripping_the_gate,
    "trivy-golden/dockerfile.json.golden",
    ignore: "",
    args: ["--fail-on", "HIGH"]
);

// Secrets in a repository that trip `--fail-on CRITICAL`.
snapshots!(
    secrets_tripping_the_gate,
    "trivy-golden/secrets.json.golden",
    ignore: "",
    args: ["--fail-on", "CRITICAL"]
);

// A local Trivy 0.76 image scan (a fixable vulnerability, two secrets) gated on CRITICAL,HIGH,
// its vulnerability excluded by an ignore file given by its absolute (temporary) path.
snapshots!(
    local_image_scan_with_an_ignore_file,
    "local-trivy-0.76/debian-image-vuln-secret.json",
    ignore: "FIXTURE-2026-0001 exp:2999-01-01 # accepted until the base image moves\n",
    args: ["--fail-on", "CRITICAL,HIGH", "--ignorefile", "{tmp}/.trivyignore"]
);

// A known-exploited vulnerability (Spring4Shell, in CISA's real catalog) with an EPSS score, the
// gate failing on KEV: "Fix first" leads with it, SARIF carries both in its properties.
snapshots!(
    known_exploited_with_feeds,
    "trivy-golden/spring4shell-jre11.json.golden",
    ignore: "",
    args: [
        "--kev", "{fixtures}/feeds/known_exploited_vulnerabilities.json",
        "--epss", "{data}/epss_scores-2025-03-15.csv",
        "--fail-on-kev"
    ]
);

// The one known-exploited vulnerability accepted in an ignore file: "Fix first" has nothing to act
// on, and names it instead of reading as if the catalog listed none.
snapshots!(
    known_exploited_left_out_by_an_ignore_file,
    "trivy-golden/spring4shell-jre11.json.golden",
    ignore: "CVE-2022-22965\n",
    args: [
        "--kev", "{fixtures}/feeds/known_exploited_vulnerabilities.json",
        "--ignorefile", "{tmp}/.trivyignore"
    ]
);

// `--severity CRITICAL` (trivy-action's `severity`) on critical, high and low vulnerabilities: the
// gate, the findings table and "Fix first" read only the critical one; the report keeps the rest.
snapshots!(
    severity_scope_narrows_the_summary,
    "trivy-golden/fluentd-multiple-lockfiles.json.golden",
    ignore: "",
    args: ["--severity", "CRITICAL", "--fail-on", "CRITICAL"]
);
