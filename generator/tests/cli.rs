//! The `scanlens` binary as a user runs it: exit codes, one-line errors, untouched output on
//! failure, help text.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn scanlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MINIMAL: &str = r#"{"SchemaVersion":2,"ArtifactName":"demo:1","ArtifactType":"container_image",
"Results":[{"Target":"demo:1 (debian 12.5)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
{"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.0.1","FixedVersion":"3.0.2","Status":"fixed","Severity":"CRITICAL"},
{"VulnerabilityID":"CVE-2024-0002","PkgName":"tar","InstalledVersion":"1.34","Status":"affected","Severity":"HIGH"}]}]}"#;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn malformed_inputs_fail_with_one_line_and_leave_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let good = write(dir.path(), "good.json", MINIMAL.as_bytes());
    let o = scanlens(&["render", &good, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let before = std::fs::read(out.join("report.json")).unwrap();

    let deep = "[".repeat(100_000);
    let deep_inside = format!(
        r#"{{"SchemaVersion":2,"Results":[{{"Target":"x","ExperimentalModifiedFindings":[{{"Finding":{}{}}}]}}]}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.json",
            MINIMAL.as_bytes()[..120].to_vec(),
            "truncated",
        ),
        (
            "wrongtype.json",
            br#"{"SchemaVersion":2,"Results":"nope"}"#.to_vec(),
            "invalid type",
        ),
        (
            "notjson.json",
            b"Total: 3 (CRITICAL: 1)\n".to_vec(),
            "trivy's table output",
        ),
        ("empty.json", Vec::new(), "empty"),
        (
            "binary.json",
            vec![0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff, 0xfe],
            "not JSON",
        ),
        ("deep.json", deep.into_bytes(), "not the shape trivy writes"),
        ("deep-inside.json", deep_inside.into_bytes(), "nesting"),
        (
            "object.json",
            br#"{"hello": "world"}"#.to_vec(),
            "not a trivy report",
        ),
        (
            "k8s-summary.json",
            br#"{"vulnerabilities": ["CVE-1"]}"#.to_vec(),
            "by ID only",
        ),
        (
            "string.json",
            br#""just a string""#.to_vec(),
            "not a trivy JSON report",
        ),
    ];
    for (name, bytes, needle) in cases {
        let path = write(dir.path(), name, &bytes);
        let o = scanlens(&["render", &good, &path, "--out", out.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{name}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: one line: {err}");
        assert!(err.contains(name), "{name}: names the file: {err}");
        assert!(err.contains(needle), "{name}: says why ({needle}): {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(
            std::fs::read(out.join("report.json")).unwrap(),
            before,
            "{name}"
        );
    }
    // Position is file:line:column.
    let path = write(dir.path(), "pos.json", b"{\n  \"Results\": [1,]\n}");
    let err = stderr(&scanlens(&[
        "render",
        &path,
        "--out",
        out.to_str().unwrap(),
    ]));
    assert!(err.contains("pos.json:2:"), "{err}");
    // Nothing but the output directory was left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "temporary directories left: {names:?}");
}

#[test]
fn missing_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let o = scanlens(&[
        "render",
        "/nonexistent/x.json",
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("cannot read /nonexistent/x.json"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("o").exists());
}

#[test]
fn gate_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.json", MINIMAL.as_bytes());
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let code = |extra: &[&str]| {
        let mut args = vec!["render", input.as_str(), "--out", out];
        args.extend_from_slice(extra);
        let o = scanlens(&args);
        (o.status.code().unwrap(), stderr(&o))
    };
    assert_eq!(code(&[]).0, 0);
    assert_eq!(code(&["--fail-on", "CRITICAL,HIGH"]).0, 1);
    assert_eq!(code(&["--fail-on", "HIGH", "--exit-code", "9"]).0, 9);
    assert_eq!(code(&["--fail-on", "LOW"]).0, 0);
    // The HIGH finding is unfixed (status affected): --ignore-unfixed leaves it out.
    assert_eq!(code(&["--fail-on", "HIGH", "--ignore-unfixed"]).0, 0);
    // --ignore-status names the statuses left out, and overrides --ignore-unfixed, as in Trivy.
    assert_eq!(
        code(&["--fail-on", "HIGH", "--ignore-status", "affected"]).0,
        0
    );
    assert_eq!(
        code(&["--fail-on", "HIGH", "--ignore-status", "will_not_fix"]).0,
        1
    );
    let (c, err) = code(&[
        "--fail-on",
        "HIGH",
        "--ignore-unfixed",
        "--ignore-status",
        "fixed",
    ]);
    assert_eq!(c, 1, "{err}");
    assert!(
        err.contains("--ignore-unfixed is ignored because --ignore-status is given"),
        "{err}"
    );
    assert_eq!(
        code(&["--fail-on", "CRITICAL", "--pkg-types", "library"]).0,
        0
    );
    assert_eq!(code(&["--fail-on", "CRITICAL", "--pkg-types", "os"]).0, 1);
    let ignore = write(dir.path(), ".trivyignore", b"# accepted\nCVE-2024-0001\n");
    assert_eq!(
        code(&["--fail-on", "CRITICAL", "--ignorefile", &ignore]).0,
        0
    );
    let expired = write(
        dir.path(),
        "old.trivyignore",
        b"CVE-2024-0001 exp:2020-01-01\n",
    );
    assert_eq!(
        code(&["--fail-on", "CRITICAL", "--ignorefile", &expired]).0,
        1
    );
    let yaml = write(
        dir.path(),
        ".trivyignore.yaml",
        b"vulnerabilities:\n  - id: CVE-2024-0001\n    statement: accepted by security\n",
    );
    assert_eq!(code(&["--fail-on", "CRITICAL", "--ignorefile", &yaml]).0, 0);
    // The report still holds the ignored finding, marked.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/report.json")).unwrap())
            .unwrap();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CVE-2024-0001")
        .unwrap();
    assert_eq!(f["excluded"]["reason"], "ignored");
    assert_eq!(f["excluded"]["statement"], "accepted by security");
    assert_eq!(report["gate"]["failed"], false);
    // Bad gate options are a wrong command line (exit 2, as clap's own value errors), distinct
    // from the gate's code.
    let (c, err) = code(&["--fail-on", "SEVERE"]);
    assert_eq!(c, 2);
    assert!(err.contains("unknown severity `SEVERE`"), "{err}");
    assert_eq!(code(&["--ignorefile", "/nonexistent"]).0, 3);
}

/// `trivy convert` applies `./.trivyignore` by itself; render's gate does too, says so, and keeps
/// what it ignores in the report, marked. An ignore file named with --ignorefile replaces it, and a
/// `.trivyignore.yaml` is applied only when named, as in Trivy. `./trivy.yaml` is said to be not
/// read.
#[test]
fn render_applies_the_trivyignore_trivy_reads_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in.json", MINIMAL.as_bytes());
    let run = |extra: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_scanlens"))
            .args(["render", "in.json", "--out", "out", "--fail-on", "CRITICAL"])
            .args(extra)
            .current_dir(dir.path())
            .output()
            .unwrap();
        (o.status.code().unwrap(), stderr(&o))
    };
    assert_eq!(run(&[]).0, 1, "no ignore file yet");
    write(
        dir.path(),
        ".trivyignore.yaml",
        b"vulnerabilities:\n  - id: CVE-2024-0001\n",
    );
    let (code, err) = run(&[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(".trivyignore.yaml is not applied"), "{err}");
    write(dir.path(), ".trivyignore", b"CVE-2024-0001\n");
    let (code, err) = run(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("applying ./.trivyignore as gate exclusions"),
        "{err}"
    );
    let report = std::fs::read_to_string(dir.path().join("out/report.json")).unwrap();
    assert!(
        report.contains("CVE-2024-0001"),
        "kept in the report, marked"
    );
    let other = write(dir.path(), "other.trivyignore", b"CVE-2099-0001\n");
    let (code, err) = run(&["--ignorefile", &other]);
    assert_eq!(code, 1, "the named file replaces ./.trivyignore: {err}");
    assert!(!err.contains("applying ./.trivyignore"), "{err}");
    // Nor does it gate by trivy's settings file, and says so.
    write(dir.path(), "trivy.yaml", b"severity: LOW\n");
    let (code, err) = run(&["--ignorefile", &other]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("./trivy.yaml is not read"), "{err}");
}

#[test]
fn a_report_named_twice_is_refused_rather_than_counted_twice() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "trivy.json",
        br#"[{"Target":"alpine:3.9","Vulnerabilities":[{"VulnerabilityID":"CVE-2019-1549","PkgName":"openssl","Severity":"HIGH"}]}]"#,
    );
    let also = format!("{}/./trivy.json", dir.path().display());
    let out = dir.path().join("out");
    let o = scanlens(&[
        "render",
        &input,
        &also,
        "--out",
        out.to_str().unwrap(),
        "--fail-on",
        "HIGH",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is given twice"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn legacy_null_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let legacy = write(
        dir.path(),
        "legacy.json",
        br#"[{"Target":"alpine:3.9","Vulnerabilities":[{"VulnerabilityID":"CVE-2019-1549","PkgName":"openssl","Severity":"MEDIUM"}]}]"#,
    );
    let null = write(dir.path(), "null.json", b"null\n");
    let o = scanlens(&["render", &legacy, &null, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["vulnerabilities"]["MEDIUM"], 1);
    assert_eq!(report["artifacts"].as_array().unwrap().len(), 2);

    let mut child = Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(["render", "-", "--out", out.to_str().unwrap()])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(MINIMAL.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("CVE-2024-0001"));
}

#[test]
fn k8s_reports_render_one_artifact_per_resource() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let k8s = write(
        dir.path(),
        "k8s.json",
        br#"{"ClusterName":"prod","Resources":[{"Namespace":"default","Kind":"Deployment","Name":"web",
        "Results":[{"Target":"Deployment/web","Class":"config","Type":"kubernetes","Misconfigurations":[
        {"ID":"KSV001","Title":"Process can elevate its own privileges","Severity":"MEDIUM","Status":"FAIL"}]}]}]}"#,
    );
    let o = scanlens(&["render", &k8s, "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(
        report["artifacts"][0]["name"],
        "prod/default/Deployment/web"
    );
    assert_eq!(report["summary"]["misconfigurations"]["MEDIUM"], 1);
}

#[test]
fn help_and_version() {
    let o = scanlens(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("scanlens "));
    let o = scanlens(&["--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    assert!(
        help.contains("render") && help.contains("Exit codes"),
        "{help}"
    );
    let o = scanlens(&["render", "--help"]);
    let help = String::from_utf8_lossy(&o.stdout);
    for flag in [
        "--out",
        "--fail-on",
        "--ignore-unfixed",
        "--pkg-types",
        "--ignorefile",
        "--exit-code",
    ] {
        assert!(help.contains(flag), "render --help lacks {flag}");
    }
    assert_eq!(scanlens(&["render"]).status.code(), Some(2));
}

#[test]
fn committed_schema_matches_the_types() {
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/report.schema.json"),
    )
    .expect("schema/report.schema.json is committed; regenerate with `scanlens schema > schema/report.schema.json`");
    assert_eq!(
        committed,
        scanlens::commands::report_schema(),
        "schema/report.schema.json is stale; run `cargo run -p scanlens -- schema > schema/report.schema.json`"
    );
}

/// `scanlens completions bash` is a script bash loads and that completes subcommands and
/// flags; every shell gets one; `scanlens man --out` writes a page per subcommand that groff
/// renders without warnings (release archives carry both).
#[test]
fn completions_and_man_pages_cover_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = scanlens(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = String::from_utf8(o.stdout).unwrap();
        // fish writes `-l fail-on`, the others `--fail-on`.
        for word in ["scan", "render", "fail-on", "image", "severity"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let o = scanlens(&["completions", "tcsh"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );

    // bash itself: load the script and ask it what follows `scanlens sc`.
    let dir = tempfile::tempdir().unwrap();
    let script = write(
        dir.path(),
        "scanlens.bash",
        &scanlens(&["completions", "bash"]).stdout,
    );
    let probe = format!(
        "source '{script}'; COMP_WORDS=(scanlens sc); COMP_CWORD=1; COMP_LINE='scanlens sc'; \
         COMP_POINT=11; _scanlens scanlens sc scanlens; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    );
    let o = Command::new("bash").args(["-c", &probe]).output().unwrap();
    let words = String::from_utf8_lossy(&o.stdout);
    assert!(
        words.lines().any(|w| w == "scan") && words.lines().any(|w| w == "schema"),
        "bash completes `scanlens sc` to {words:?} ({})",
        stderr(&o)
    );

    let o = scanlens(&["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH scanlens 1"),
        "{page:.200}"
    );
    let out = dir.path().join("man");
    let o = scanlens(&["man", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for page in [
        "scanlens.1",
        "scanlens-scan.1",
        "scanlens-render.1",
        "scanlens-feeds-fetch.1",
    ] {
        let path = out.join(page);
        assert!(path.is_file(), "no {page}");
        let o = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            o.status.success() && o.stderr.is_empty(),
            "{page}: {}",
            stderr(&o)
        );
    }
    let scan_page = std::fs::read_to_string(out.join("scanlens-scan.1")).unwrap();
    assert!(
        scan_page.contains("image"),
        "scanlens-scan.1 documents --image"
    );
}

/// trivy-action's `severity`: only those severities count for the gate and summary.md, while
/// report.json keeps every finding; `--sarif-severity` limits report.sarif alone.
#[test]
fn severity_scopes_the_gate_and_summary_but_the_report_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.json", MINIMAL.as_bytes());
    let out = dir.path().join("out");
    let o = scanlens(&[
        "render",
        &input,
        "--out",
        out.to_str().unwrap(),
        "--severity",
        "HIGH,MEDIUM",
        "--fail-on",
        "CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN",
        "--sarif",
        "--sarif-severity",
        "CRITICAL",
    ]);
    // The HIGH finding is in scope and fails the gate; the CRITICAL one is out of scope.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
    assert_eq!(report["gate"]["failing"], 1);
    assert_eq!(
        report["gate"]["severities"],
        serde_json::json!(["HIGH", "MEDIUM"])
    );
    let summary = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(summary.contains("CVE-2024-0002"), "{summary}");
    assert!(!summary.contains("CVE-2024-0001"), "{summary}");
    assert!(
        summary.contains("1 finding(s) at other severities"),
        "{summary}"
    );
    let sarif = std::fs::read_to_string(out.join("report.sarif")).unwrap();
    assert!(sarif.contains("CVE-2024-0001") && !sarif.contains("CVE-2024-0002"));

    // Without --fail-on (trivy-action without exit-code) the job does not fail.
    let o = scanlens(&[
        "render",
        &input,
        "--out",
        out.to_str().unwrap(),
        "--severity",
        "CRITICAL",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = scanlens(&[
        "render",
        &input,
        "--out",
        out.to_str().unwrap(),
        "--severity",
        "SEVERE",
    ]);
    // As a bad --fail-on: exit 2 (a wrong command line) with one line.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--severity: unknown severity `SEVERE`"),
        "{}",
        stderr(&o)
    );
}

/// `--out .` (or `..`, `/`) is the folder the command runs in or one above it, which a report
/// folder replaced as a whole cannot be: refused as a command-line mistake (exit 2) before any
/// input is read or feed fetched, naming the fix.
#[test]
fn an_out_folder_that_is_no_folder_of_its_own_is_refused_first() {
    for out in [".", "..", "/"] {
        for args in [
            vec!["render", "missing-input.json", "--out", out],
            vec![
                "feeds",
                "fetch",
                "--out",
                out,
                "--kev-url",
                "https://127.0.0.1:9/kev.json",
            ],
        ] {
            let o = scanlens(&args);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(
                err.contains(&format!("--out {out} names no folder of its own"))
                    && err.contains("--out scanlens-report"),
                "{args:?}: {err}"
            );
        }
    }
}

/// `--exit-on-eol N`, as in Trivy: an OS past its end of life exits N, before the findings'
/// code, and the verdict names the OS; off (`0`) or on a supported OS, the findings decide.
#[test]
fn exit_on_eol_names_the_os_and_exits_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let eol = MINIMAL.replacen(
        r#""ArtifactType":"container_image","#,
        r#""ArtifactType":"container_image","Metadata":{"OS":{"Family":"debian","Name":"9.13","EOSL":true}},"#,
        1,
    );
    let input = write(dir.path(), "eol.json", eol.as_bytes());
    let run = |args: &[&str]| {
        let out = dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let mut all = vec!["render", input.as_str(), "--out", out.to_str().unwrap()];
        all.extend(args);
        let o = scanlens(&all);
        let summary = std::fs::read_to_string(out.join("summary.md")).unwrap_or_default();
        (o.status.code(), stderr(&o), summary)
    };
    let (code, err, summary) = run(&["--exit-on-eol", "4", "--fail-on", "CRITICAL"]);
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.contains("debian 9.13 past its end of life (--exit-on-eol)"),
        "{err}"
    );
    assert!(
        summary.contains("debian 9.13 past its end of life"),
        "{summary}"
    );
    assert_eq!(
        run(&["--exit-on-eol", "0", "--fail-on", "CRITICAL"]).0,
        Some(1)
    );
    assert_eq!(run(&["--exit-on-eol", "4", "--fail-on", "LOW"]).0, Some(4));
    let supported = write(
        dir.path(),
        "ok.json",
        eol.replace(r#""EOSL":true"#, r#""EOSL":false"#).as_bytes(),
    );
    let o = scanlens(&[
        "render",
        &supported,
        "--out",
        dir.path().join("o2").to_str().unwrap(),
        "--exit-on-eol",
        "4",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no OS past its end of life"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        run(&["--exit-on-eol", "2"]).0,
        Some(2),
        "2 is taken: a bad command line"
    );
}

/// An unset variable in `--fail-on "$SEVERITIES"` would pass every build: refused, exit 2.
#[test]
fn an_empty_fail_on_is_refused_rather_than_no_gate() {
    for empty in ["", ",", " , "] {
        let o = scanlens(&["render", "missing.json", "--out", "o", "--fail-on", empty]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{empty:?}: {err}");
        assert!(err.contains("--fail-on is empty"), "{err}");
        let o = scanlens(&["diff", "old.json", "new.json", "--fail-on-new", empty]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "diff {empty:?}: {err}");
        assert!(err.contains("--fail-on-new is empty"), "{err}");
    }
}

/// A value no option takes is a wrong command line: exit 2 and one line naming the option and
/// the values it takes, before any input is read (the inputs here do not exist), as clap's own
/// value errors.
#[test]
fn a_bad_option_value_is_a_command_line_error() {
    let cases: [&[&str]; 8] = [
        &[
            "render",
            "missing.json",
            "--out",
            "o",
            "--fail-on",
            "SEVERE",
        ],
        &[
            "render",
            "missing.json",
            "--out",
            "o",
            "--severity",
            "high,SEVERE",
        ],
        &[
            "render",
            "missing.json",
            "--out",
            "o",
            "--sarif",
            "--sarif-severity",
            "SEVERE",
        ],
        &[
            "render",
            "missing.json",
            "--out",
            "o",
            "--pkg-types",
            "os,binary",
        ],
        &[
            "scan",
            "--image",
            "app:1",
            "--out",
            "o",
            "--fail-on",
            "SEVERE",
            "--trivy-bin",
            "/nonexistent",
        ],
        &["diff", "old.json", "new.json", "--fail-on-new", "SEVERE"],
        &[
            "render",
            "missing.json",
            "--out",
            "o",
            "--ignore-status",
            "affected,wontfix",
        ],
        &[
            "render",
            "missing.json",
            "--out",
            "o",
            "--ignore-status",
            "affected, will_not_fix",
        ],
    ];
    for args in cases {
        let o = scanlens(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("unknown severity `SEVERE`; use CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN")
                || err.contains("unknown package type `binary`; use os or library")
                || err.contains("unknown status `wontfix`; use unknown, not_affected, affected, fixed, under_investigation, will_not_fix, fix_deferred, end_of_life")
                || err.contains("unknown status ` will_not_fix`; use unknown"),
            "{args:?}: {err}"
        );
    }
}

/// `--ignored-licenses`, Trivy's option: the licenses named do not count, each marked with the
/// option as what excluded it (Trivy's suppressed findings name it so).
#[test]
fn ignored_licenses_leave_those_licenses_out_of_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "licenses.json",
        br#"{"SchemaVersion":2,"ArtifactName":"app","ArtifactType":"filesystem","Results":[{"Target":"Node.js","Class":"license","Licenses":[
{"Severity":"HIGH","Category":"restricted","PkgName":"left-pad","FilePath":"","Name":"GPL-2.0","Confidence":1,"Link":""},
{"Severity":"CRITICAL","Category":"forbidden","PkgName":"right-pad","FilePath":"","Name":"AGPL-3.0","Confidence":1,"Link":""}]}]}"#,
    );
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["render", input.as_str(), "--out", out.to_str().unwrap()];
        args.extend_from_slice(&["--fail-on", "CRITICAL,HIGH"]);
        args.extend_from_slice(extra);
        let o = scanlens(&args);
        (o.status.code().unwrap(), stderr(&o))
    };
    assert_eq!(run(&[]).0, 1);
    assert_eq!(
        run(&["--ignored-licenses", "GPL-2.0"]).0,
        1,
        "AGPL-3.0 still counts"
    );
    let (code, err) = run(&["--ignored-licenses", "GPL-2.0,AGPL-3.0"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["excluded"]["reason"], "ignored", "{f}");
        assert_eq!(f["excluded"]["rule"], "--ignored-licenses", "{f}");
    }
}

/// A job moved from trivy may still set TRIVY_EXIT_CODE or TRIVY_SEVERITY; render reads none of
/// its variables and says which option to use instead.
#[test]
fn render_names_the_trivy_variables_it_does_not_read() {
    let Some(fx) = common::fixtures() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(["render", "--out"])
        .arg(dir.path().join("out"))
        .arg(fx.join("local-trivy-0.76/debian-image-vuln-secret.json"))
        .env("TRIVY_EXIT_CODE", "1")
        .env("TRIVY_SEVERITY", "CRITICAL")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "TRIVY_EXIT_CODE is set, but render reads no trivy variables; use --exit-code"
        ),
        "{err}"
    );
    assert!(err.contains("TRIVY_SEVERITY is set"), "{err}");
}
