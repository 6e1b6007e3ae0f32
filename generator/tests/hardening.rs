//! Hostile and unlucky inputs to the real binary: every wait and read is bounded, a killed run
//! leaves nothing behind, a verdict is never lost to a cleanup failure, and every refusal is one
//! line naming the cause and the fix.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn scanlens() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scanlens"))
}

fn run(args: &[&str]) -> Output {
    scanlens().args(args).stdin(Stdio::null()).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn golden() -> Option<PathBuf> {
    common::fixtures().map(|f| f.join("trivy-golden/alpine-310.json.golden"))
}

#[test]
fn endless_and_binary_inputs_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    for device in ["/dev/zero", "/dev/urandom"] {
        let start = Instant::now();
        let o = run(&["render", device, "--out", out]);
        assert_eq!(o.status.code(), Some(3), "{device}: {}", stderr(&o));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{device} was read on and on"
        );
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(device) && err.contains("--format json"),
            "{err}"
        );
    }
    // An endless stream that could be JSON stops at --max-input-size.
    let mut child = scanlens()
        .args(["render", "-", "--out", out, "--max-input-size", "8MiB"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let chunk = [b'['; 65536];
        while stdin.write_all(&chunk).is_ok() {}
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("larger than 8.0 MiB (--max-input-size)"),
        "{}",
        stderr(&o)
    );
    assert!(!Path::new(out).exists());
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(3 << 30).unwrap(); // sparse: 3 GiB that take no room
    let out = dir.path().join("out");
    let o = run(&[
        "render",
        big.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("larger than 2.0 GiB"), "{}", stderr(&o));
}

#[test]
fn ignore_files_are_bounded() {
    let Some(input) = golden() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let deep = dir.path().join("deep.yaml");
    std::fs::write(
        &deep,
        format!(
            "vulnerabilities: {}{}",
            "[".repeat(65_536),
            "]".repeat(65_536)
        ),
    )
    .unwrap();
    let nested = dir.path().join("nested.yaml");
    let lines: String = (0..5000)
        .map(|i| format!("{}- x\n", " ".repeat(i)))
        .collect();
    std::fs::write(&nested, format!("vulnerabilities:\n{lines}")).unwrap();
    for (file, why) in [
        ("/dev/zero", "larger than 16 MiB"),
        (deep.to_str().unwrap(), "nested deeper than 64"),
        (nested.to_str().unwrap(), "nested deeper than 64"),
    ] {
        let start = Instant::now();
        let o = run(&[
            "render",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--ignorefile",
            file,
        ]);
        assert_eq!(o.status.code(), Some(3), "{file}");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{file} took {:?}",
            start.elapsed()
        );
        assert!(stderr(&o).contains(why), "{file}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1);
    }
}

#[test]
fn impossible_expiry_dates_are_refused_with_their_line() {
    let Some(input) = golden() else { return };
    let dir = tempfile::tempdir().unwrap();
    let ignore = dir.path().join(".trivyignore");
    std::fs::write(&ignore, "CVE-2019-1549\nCVE-2019-1551 exp:9999-99-99\n").unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "render",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ignorefile",
        ignore.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(
        err.contains(".trivyignore:2: `exp:9999-99-99` is not a date"),
        "{err}"
    );
}

#[test]
fn the_gate_cannot_take_the_codes_of_errors() {
    let Some(input) = golden() else { return };
    for code in ["2", "3"] {
        let o = run(&[
            "render",
            input.to_str().unwrap(),
            "--out",
            "/nonexistent/x",
            "--exit-code",
            code,
        ]);
        assert_eq!(o.status.code(), Some(2), "{code}");
        assert!(
            stderr(&o).contains("choose 1 or 4 to 255"),
            "{}",
            stderr(&o)
        );
        let o = run(&[
            "diff",
            input.to_str().unwrap(),
            input.to_str().unwrap(),
            "--exit-code",
            code,
        ]);
        assert_eq!(o.status.code(), Some(2), "diff {code}");
    }
}

#[test]
fn standard_input_is_read_once() {
    let o = run(&["render", "-", "-", "--out", "/nonexistent/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("can be read once"), "{}", stderr(&o));
}

#[test]
fn hidden_characters_cannot_hide_a_tag() {
    for (msg, code) in [
        ("Fixed \u{200b}::app", "U+200B"),
        ("Fixed \u{202e}::app", "U+202E"),
        ("\u{feff}::app", "U+FEFF"),
        ("Fixed \0::app", "U+0000"),
        ("Fixed \u{ff1a}\u{ff1a}app", "U+FF1A"),
    ] {
        // As a CI system hands it over: the commit message in GitHub's event payload (a NUL
        // cannot travel in an argument).
        let dir = tempfile::tempdir().unwrap();
        let event = dir.path().join("event.json");
        let payload = serde_json::json!({"head_commit": {"message": msg}});
        std::fs::write(&event, payload.to_string()).unwrap();
        let o = scanlens()
            .args(["scan", "--dry-run"])
            .env("GITHUB_EVENT_PATH", &event)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{msg:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(code), "{msg:?}: {}", stderr(&o));
    }
    let many: String = (0..40).map(|i| format!("::app{i} ")).collect();
    let o = run(&["scan", "--dry-run", "-m", &many]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("at most 32"), "{}", stderr(&o));
}

#[test]
fn summaries_ping_nobody_and_pages_carry_no_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.json");
    std::fs::write(
        &input,
        r#"{"SchemaVersion":2,"ArtifactName":"app\u0000\u001b[31m","Results":[{"Target":"t","Vulnerabilities":[
            {"VulnerabilityID":"CVE-1","PkgName":"p","Title":"cc @octocat, see #123\u0007\u001b[2J","Severity":"CRITICAL"}]}]}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "render",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(
        md.contains("@&#8203;octocat") && md.contains("#&#8203;123"),
        "{md}"
    );
    assert!(!md.contains("@octocat") && !md.contains(" #123"), "{md}");
    let page = std::fs::read(out.join("index.html")).unwrap();
    assert!(
        !page
            .iter()
            .any(|b| *b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')),
        "raw control characters in index.html"
    );
    assert!(
        !md.bytes().any(|b| b < 0x20 && b != b'\n'),
        "raw control characters in summary.md"
    );
}

/// Writes a Trivy report of `n` findings, large enough that writing its report takes a while.
#[cfg(unix)]
fn big_report(path: &Path, n: usize) {
    let vulns: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"VulnerabilityID":"CVE-2024-{i}","PkgName":"p{i}","InstalledVersion":"1","Severity":"HIGH","Title":"t","Description":"{}"}}"#, "d".repeat(200)))
        .collect();
    std::fs::write(
        path,
        format!(r#"{{"SchemaVersion":2,"ArtifactName":"big","Results":[{{"Target":"t","Vulnerabilities":[{}]}}]}}"#, vulns.join(",")),
    )
    .unwrap();
}

#[cfg(unix)]
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("scanlens-"))
        .collect()
}

// Unix signals; Windows ends a run with a console event (cleanup.rs), not tested here.
#[cfg(unix)]
#[test]
fn killed_runs_leave_no_temporary_folders() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.json");
    big_report(&input, 60_000);
    let out = dir.path().join("out");
    let mut caught = 0;
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGKILL] {
        let mut child = scanlens()
            .args([
                "render",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the write to start, then kill it in the middle.
        let start = Instant::now();
        while leftovers(dir.path()).is_empty() && start.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        let writing = !leftovers(dir.path()).is_empty();
        // SAFETY: a plain kill(2) of our own child.
        unsafe { libc::kill(child.id() as i32, signal) };
        let status = child.wait().unwrap();
        if !writing || status.success() {
            continue; // finished before the signal: nothing to check this round
        }
        caught += 1;
        if signal == libc::SIGKILL {
            // Nothing can clean up after SIGKILL: the next run does.
            assert!(
                !leftovers(dir.path()).is_empty(),
                "SIGKILL left nothing to clean?"
            );
            let o = run(&[
                "render",
                input.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        assert_eq!(
            leftovers(dir.path()),
            Vec::<String>::new(),
            "after signal {signal}"
        );
    }
    assert!(
        caught >= 3,
        "the writes ended before the signals in all but {caught} runs"
    );
}
