//! `scanlens scan` up to the point where it would start docker or trivy: missing programs,
//! refused tags, the plan, a message without a tag, the message read with git. Nothing here needs
//! an engine; the scans themselves are in `tests/tests/scan.rs` (SCANLENS_E2E=1).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("scanlens: error: "))
            .collect()
    }
}

/// The CI variables `scan` reads a message from: none of the machine's may leak in.
const MESSAGE_SOURCES: [&str; 4] = [
    "GITHUB_EVENT_PATH",
    "CI_COMMIT_MESSAGE",
    "CODEBUILD_RESOLVED_SOURCE_VERSION",
    "GIT_COMMIT",
];

/// Runs `scanlens ARGS` in `cwd`.
fn scanlens(cwd: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanlens"));
    cmd.args(args).current_dir(cwd).stdin(Stdio::null());
    for var in MESSAGE_SOURCES {
        cmd.env_remove(var);
    }
    let out = cmd.output().expect("running scanlens");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A scratch folder holding `docker/app/Dockerfile` (so `::app` is built, not pulled) and no
/// `docker/redis` (so `::redis` comes from a registry).
fn workdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("docker/app")).unwrap();
    std::fs::write(
        dir.path().join("docker/app/Dockerfile"),
        "FROM local/debian:bookworm\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    (dir, out)
}

#[test]
fn scan_names_a_missing_docker_on_one_line() {
    let (dir, out) = workdir();
    // The folder exists, so a build is needed.
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "-m",
            "::app:e2e",
            "--docker-dir",
            "docker",
            "--out",
            out.to_str().unwrap(),
            "--docker-bin",
            "/nonexistent/docker",
        ],
    );
    assert_eq!(r.code, 3);
    assert_eq!(r.error_lines().len(), 1, "{}", r.stderr);
    assert!(
        r.error_lines()[0].contains("/nonexistent/docker` is not installed"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

#[test]
fn scan_names_a_missing_trivy_and_its_flag_on_one_line() {
    let (dir, out) = workdir();
    // No folder for `redis`: scanned from a registry, so no build.
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "-m",
            "::redis:7",
            "--docker-dir",
            "docker",
            "--out",
            out.to_str().unwrap(),
            "--trivy-bin",
            "/nonexistent",
        ],
    );
    assert_eq!(r.code, 3);
    assert_eq!(r.error_lines().len(), 1, "{}", r.stderr);
    assert!(
        r.error_lines()[0].contains("`/nonexistent` is not installed")
            && r.error_lines()[0].contains("--trivy-bin"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

#[test]
fn hostile_tags_are_refused_before_anything_runs() {
    let (dir, out) = workdir();
    // docker and trivy would not even be found: "not installed" would mean something ran.
    for tag in [
        "::--help", "::app;id", "::$(id)", "::../etc", "::MySQL", "::аpp", "::app|sh",
    ] {
        let msg = format!("Fixed {tag}");
        let r = scanlens(
            dir.path(),
            &[
                "scan",
                "-m",
                &msg,
                "--docker-dir",
                "docker",
                "--out",
                out.to_str().unwrap(),
                "--docker-bin",
                "/nonexistent/docker",
                "--trivy-bin",
                "/nonexistent/trivy",
            ],
        );
        assert_eq!(r.code, 3, "{tag}");
        assert!(
            r.stderr.contains("invalid image tag `::"),
            "{tag}: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("not installed"), "spawned for {tag}");
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    }
    assert!(!out.exists());
}

/// A token in the environment with no server (a CodeBuild project whose TRIVY_SERVER_URL is
/// empty) is refused naming the variable, and a timeout trivy would not read is a wrong command
/// line too: exit 2, one line, nothing built.
#[test]
fn a_token_without_a_server_and_a_bad_timeout_are_refused_naming_the_fix() {
    let (dir, out) = workdir();
    let o = Command::new(env!("CARGO_BIN_EXE_scanlens"))
        .args(["scan", "--image", "app:1", "--out"])
        .arg(&out)
        .args(["--docker-bin", "/nonexistent/docker"])
        .current_dir(dir.path())
        .env("SCANLENS_TRIVY_TOKEN", "s3cr3t")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("SCANLENS_TRIVY_TOKEN") && err.contains("add --server"),
        "{err}"
    );
    assert!(!err.contains("s3cr3t"), "the token is never printed: {err}");
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "--image",
            "app:1",
            "--out",
            "out",
            "--timeout",
            "5 minutes",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--timeout `5 minutes` is not a duration"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

/// A `--vex` file that is not there stops the run before anything is built or scanned: one line
/// naming it and what `--vex` takes, exit 3 (as a missing input), no report folder.
#[test]
fn a_missing_vex_file_is_named_before_anything_runs() {
    let (dir, out) = workdir();
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "--image",
            "app:1",
            "--out",
            "out",
            "--docker-bin",
            "/nonexistent/docker",
            "--vex",
            "vex/missing.openvex.json",
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.error_lines().len(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--vex vex/missing.openvex.json: no such file; name an OpenVEX"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("docker"), "nothing ran: {}", r.stderr);
    assert!(!out.exists());
    // `repo` and `oci` are trivy's own sources, not files: the run goes on (to the missing
    // docker client named here).
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "-m",
            "::app:1",
            "--out",
            "out",
            "--docker-bin",
            "/nonexistent/docker",
            "--vex",
            "repo,oci",
        ],
    );
    assert!(!r.stderr.contains("--vex"), "{}", r.stderr);
}

/// `scanlens scan --dry-run | head -c0`: the plan meets a closed pipe, which ends the command
/// quietly (exit 0) as it does `diff` and `schema`, never in a panic (exit 101).
#[test]
fn dry_run_into_a_closed_pipe_ends_quietly() {
    let (dir, _) = workdir();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_scanlens"));
    cmd.args(["scan", "--dry-run", "-m", "::app:e2e ::redis:7"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(writer);
    for var in MESSAGE_SOURCES {
        cmd.env_remove(var);
    }
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn dry_run_prints_the_plan_as_json_and_runs_nothing() {
    let (dir, _) = workdir();
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "--dry-run",
            "-m",
            "Fixed yum for image ::app:e2e and ::mysql",
            "--docker-dir",
            "docker",
            "--docker-bin",
            "/nonexistent/docker",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        plan,
        json!({
            "source": "--message",
            "images": [
                {"reference": "app:e2e", "dockerfile": "docker/app/Dockerfile", "context": "docker/app"},
                {"reference": "mysql:latest", "dockerfile": null, "context": null},
            ]
        })
    );
}

#[test]
fn a_message_without_a_tag_scans_nothing_and_writes_nothing() {
    let (dir, out) = workdir();
    // An earlier report in the output folder stays as it is.
    std::fs::create_dir_all(out.join("app-e2e")).unwrap();
    std::fs::write(out.join("app-e2e/report.json"), "{}").unwrap();
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "--message",
            "Refactor Report::new, no image",
            "--docker-dir",
            "docker",
            "--out",
            out.to_str().unwrap(),
            "--docker-bin",
            "/nonexistent/docker",
            "--trivy-bin",
            "/nonexistent/trivy",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("no scan requested"), "{}", r.stderr);
    assert!(!r.stderr.contains("not installed"), "{}", r.stderr);
    let entries: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["app-e2e"]);
    assert_eq!(
        std::fs::read_to_string(out.join("app-e2e/report.json")).unwrap(),
        "{}"
    );
}

/// `--commit REV` and the HEAD fallback read the message with git (git is needed to build from
/// a clone, so its absence fails this test rather than skipping it).
#[test]
fn the_message_comes_from_a_commit_or_head_read_with_git() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let st = Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", repo.path())
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("git {args:?}: {e} (this test needs git on PATH)"));
        assert!(st.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "Fixed yum for image ::mysql:8",
    ]);
    git(&["commit", "-q", "--allow-empty", "-m", "Docs only"]);
    let dry = |extra: &[&str]| -> Value {
        let mut args = vec!["scan", "--dry-run"];
        args.extend_from_slice(extra);
        let r = scanlens(repo.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str(&r.stdout).unwrap()
    };
    let p = dry(&["--commit", "HEAD~1"]);
    assert_eq!(p["source"], "--commit HEAD~1");
    assert_eq!(p["images"][0]["reference"], "mysql:8");
    let p = dry(&[]);
    assert_eq!(p["source"], "git HEAD");
    assert_eq!(p["images"], json!([]));
}

/// trivy-action's `image-ref` and `input`: `--image` and `--input` plan those images as they
/// are (nothing built, no message read, even with `::tags` in a message source), and a bad
/// reference or a missing archive is refused on one line before anything runs.
#[test]
fn image_and_input_plan_without_a_message() {
    let (dir, _) = workdir();
    let archive = dir.path().join("My App.tar");
    std::fs::write(&archive, b"not read by a dry run").unwrap();
    let r = scanlens(
        dir.path(),
        &[
            "scan",
            "--dry-run",
            "--image",
            "app:1,registry.example.com/team/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "--input",
            archive.to_str().unwrap(),
            "--docker-dir",
            "docker",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(plan["source"], "--image and --input");
    let images = plan["images"].as_array().unwrap();
    assert_eq!(images.len(), 3);
    // app:1 has a folder in docker/, but --image scans it as it is.
    assert_eq!(images[0]["reference"], "app:1");
    assert_eq!(images[0]["dockerfile"], Value::Null);
    assert!(images[1]["reference"]
        .as_str()
        .unwrap()
        .contains("@sha256:0123"));
    assert_eq!(images[2]["input"], archive.to_str().unwrap());

    for (args, expected) in [
        (
            vec!["--image=--help"],
            "--image `--help` is not an image reference",
        ),
        (
            vec!["--image", "App:1"],
            "--image `App:1` is not an image reference",
        ),
        (
            vec!["--input", "/nonexistent/app.tar"],
            "--input /nonexistent/app.tar is not a file",
        ),
    ] {
        let mut all = vec!["scan", "--out", "out"];
        all.extend(args);
        let r = scanlens(dir.path(), &all);
        assert_eq!(r.code, 3, "{all:?}: {}", r.stderr);
        let lines = r.error_lines();
        assert_eq!(lines.len(), 1, "{}", r.stderr);
        assert!(lines[0].contains(expected), "{lines:?}");
    }
    // --image reads no message, so it cannot be combined with one.
    let r = scanlens(
        dir.path(),
        &["scan", "--image", "app:1", "--commit", "HEAD"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
}
