//! `scanlens scan` end to end: the real binary, a private dockerd, the local Debian base image,
//! the test Dockerfiles and the real trivy with the offline DB from `xtask trivy-db`.
//!
//! One engine serves the whole docker test (one test function, several steps); it is stopped
//! and cleaned up by `Dockerd`'s destructor, also when an assertion fails.
//!
//! Run with `cargo test -p scanlens-e2e --test scan -- --nocapture` to see scanlens's output.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use scanlens_e2e::{
    e2e, ensure_base_image, find_vuln, os_vulns, require, scanlens_bin, trivy_env, workspace_root,
    Dockerd, TempDir,
};
use serde_json::Value;
use xtask::trivydb::{FIXED_IN_NEWER, FIXED_IN_NEWER_VERSION, FIXED_IN_OLDER};

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

/// Runs the real `scanlens` with `args`, in the workspace root, with `env` added.
fn scanlens(args: &[&str], env: &[(String, String)]) -> Run {
    scanlens_in(&workspace_root(), args, env)
}

/// Runs the real `scanlens` with `args`, in `cwd`, with `env` added.
fn scanlens_in(cwd: &Path, args: &[&str], env: &[(String, String)]) -> Run {
    let bin = scanlens_bin().expect("scanlens binary (cargo build -p scanlens)");
    let start = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("CI_COMMIT_MESSAGE")
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("running scanlens");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    eprintln!(
        "[scanlens {}] exit {} in {:.1}s\n{}",
        args.join(" "),
        run.code,
        start.elapsed().as_secs_f64(),
        run.stderr
    );
    run
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_report_dir(dir: &Path) {
    for f in [
        "trivy-image.json",
        "trivy-config.json",
        "report.json",
        "index.html",
        "summary.md",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing in {}", dir.display());
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn scan_builds_scans_and_gates_on_a_real_engine() {
    if !e2e() {
        return;
    }
    let dockerd = require!(Dockerd::start());
    require!(ensure_base_image(&dockerd));
    let cache = TempDir::new("scan-trivy-cache").unwrap();
    let trivy = require!(trivy_env(cache.path()));
    let mut env = dockerd.env();
    env.extend(trivy.env());

    let work = TempDir::new("scan").unwrap();
    let docker_dir = work.path().join("docker");
    copy_dir(&workspace_root().join("tests/docker"), &docker_dir);
    let docker_dir_s = docker_dir.to_str().unwrap().to_string();
    let out = work.path().join("out");
    let out_s = out.to_str().unwrap().to_string();
    let base = |msg: &'static str| -> Vec<String> {
        [
            "scan",
            "--message",
            msg,
            "--docker-dir",
            &docker_dir_s,
            "--out",
            &out_s,
            "--network",
            "host",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let with = |mut v: Vec<String>, extra: &[&str]| -> Vec<String> {
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        scanlens(&refs, &env)
    };

    // 1. One tag; the gate trips on the CRITICAL secrets.
    let r = run(with(
        base("Fixed yum for image ::app:e2e."),
        &["--fail-on", "CRITICAL"],
    ));
    assert_eq!(r.code, 1, "gate on CRITICAL secrets");
    assert!(r.error_lines().is_empty(), "{}", r.stderr);
    assert!(r.stderr.contains("Step 1/"), "build output streamed");
    let app = out.join("app-e2e");
    assert_report_dir(&app);
    assert_eq!(entries(&out), ["app-e2e"], "no temporary leftovers");

    // Raw trivy JSON, as trivy wrote it.
    let image = read_json(&app.join("trivy-image.json"));
    assert_eq!(image["ArtifactName"], "app:e2e");
    let vulns = os_vulns(&image);
    for pkg in ["apt", "libapt-pkg6.0"] {
        let v = find_vuln(&vulns, "CVE-2011-3374", pkg).expect("CVE-2011-3374");
        assert_eq!(v["Status"], "affected", "{v}");
        assert_eq!(v["Severity"], "LOW", "{v}");
    }
    let tar = find_vuln(&vulns, "CVE-2005-2541", "tar").expect("CVE-2005-2541 on tar");
    assert_eq!(tar["Status"], "affected");
    let perl = find_vuln(&vulns, FIXED_IN_NEWER, "perl-base").expect("fixed-in-newer advisory");
    assert_eq!(perl["Status"], "fixed");
    assert_eq!(perl["FixedVersion"], FIXED_IN_NEWER_VERSION);
    assert!(
        !vulns.iter().any(|v| v["VulnerabilityID"] == FIXED_IN_OLDER),
        "fixed-in-older advisory must be absent"
    );
    let secrets: Vec<&Value> = image["Results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["Class"] == "secret")
        .flat_map(|r| r["Secrets"].as_array().into_iter().flatten())
        .collect();
    for rule in ["aws-access-key-id", "aws-secret-access-key"] {
        let s = secrets
            .iter()
            .find(|s| s["RuleID"] == rule)
            .unwrap_or_else(|| panic!("{rule} missing in {secrets:?}"));
        assert_eq!(s["Severity"], "CRITICAL");
    }
    let config = read_json(&app.join("trivy-config.json"));
    let ds2 = config["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["Misconfigurations"].as_array().into_iter().flatten())
        .find(|m| m["ID"] == "DS-0002")
        .expect("DS-0002 (root user)");
    assert_eq!(ds2["Status"], "FAIL");

    // The rendered report holds the same findings and the verdict.
    let report = std::fs::read_to_string(app.join("report.json")).unwrap();
    for id in ["CVE-2011-3374", "CVE-2005-2541", FIXED_IN_NEWER, "DS-0002"] {
        assert!(report.contains(id), "{id} missing in report.json");
    }
    assert!(!report.contains(FIXED_IN_OLDER));
    let summary = std::fs::read_to_string(app.join("summary.md")).unwrap();
    assert!(summary.contains("CRITICAL") || summary.contains("Critical"));

    // 2. Several tags: both scanned in order; the worst code (the custom gate code) wins.
    let r = run(with(
        base("Bump ::app:e2e and ::second:e2e"),
        &["--fail-on", "CRITICAL", "--exit-code", "7"],
    ));
    assert_eq!(r.code, 7, "--exit-code 7");
    let app_pos = r.stderr.find("building app:e2e").expect("app built");
    let second_pos = r.stderr.find("building second:e2e").expect("second built");
    assert!(app_pos < second_pos, "in message order");
    assert_report_dir(&out.join("second-e2e"));
    let second = read_json(&out.join("second-e2e/trivy-image.json"));
    let v2 = os_vulns(&second);
    assert!(find_vuln(&v2, "CVE-2011-3374", "apt").is_some());
    assert!(
        find_vuln(&v2, "CVE-2005-2541", "tar").is_none(),
        "tar purged"
    );

    // 3. --ignore-unfixed: second's LOW findings are all unfixed, its UNKNOWN one is fixed.
    let r = run(with(base("::second:e2e"), &["--fail-on", "LOW"]));
    assert_eq!(r.code, 1, "unfixed LOW counts without --ignore-unfixed");
    let r = run(with(
        base("::second:e2e"),
        &["--fail-on", "LOW", "--ignore-unfixed"],
    ));
    assert_eq!(r.code, 0, "--ignore-unfixed drops unfixed LOW");
    let r = run(with(
        base("::second:e2e"),
        &["--fail-on", "UNKNOWN", "--ignore-unfixed"],
    ));
    assert_eq!(r.code, 1, "the fixed UNKNOWN advisory still counts");

    // 4. No tag: nothing spawned, nothing written.
    let before = entries(&out);
    let r = run(base("Refactor Report::new, no image"));
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("no scan requested"), "{}", r.stderr);
    assert_eq!(entries(&out), before);

    // 5. A failed build keeps the earlier report and says what failed, on one line.
    let earlier = std::fs::read(app.join("report.json")).unwrap();
    std::fs::write(
        docker_dir.join("app/Dockerfile"),
        "FROM local/debian:bookworm\nRUN exit 42\n",
    )
    .unwrap();
    let r = run(base("::app:e2e"));
    assert_eq!(r.code, 3);
    let errors = r.error_lines();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("docker build of app:e2e failed"),
        "{}",
        errors[0]
    );
    assert!(r.stderr.contains("last lines of the build log"));
    assert_eq!(std::fs::read(app.join("report.json")).unwrap(), earlier);
    assert_eq!(entries(&out), before, "no half-written folders");

    // 6. Offline without a DB: the error names the flags and the cache dir.
    let empty_cache = TempDir::new("scan-empty-cache").unwrap();
    let mut no_db_env = dockerd.env();
    no_db_env.push(("TRIVY_NO_PROGRESS".into(), "true".into()));
    let no_db_out = work.path().join("out-nodb");
    let r = scanlens(
        &[
            "scan",
            "-m",
            "::second:e2e",
            "--docker-dir",
            &docker_dir_s,
            "--out",
            no_db_out.to_str().unwrap(),
            "--network",
            "host",
            "--cache-dir",
            empty_cache.path().to_str().unwrap(),
            "--skip-db-update",
            "--offline-scan",
        ],
        &no_db_env,
    );
    assert_eq!(r.code, 3);
    let errors = r.error_lines();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    for w in ["--skip-db-update", "--offline-scan", "--cache-dir"] {
        assert!(errors[0].contains(w), "{w}: {}", errors[0]);
    }
    assert!(!no_db_out.exists());

    // 7. The repository's own .trivyignore, trivy.yaml and TRIVY_* filters: trivy reads none of
    // them, so the report lists every finding trivy sees; the ignore file's findings are marked
    // excluded with its file and line.
    copy_dir(&workspace_root().join("tests/docker"), &docker_dir);
    let repo = work.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join(".trivyignore"), "CVE-2011-3374\n").unwrap();
    std::fs::write(repo.join("trivy.yaml"), "severity:\n  - CRITICAL\n").unwrap();
    let mut filtered_env = env.clone();
    filtered_env.push(("TRIVY_IGNORE_UNFIXED".into(), "true".into()));
    let args = with(base("::app:e2e"), &["--fail-on", "LOW"]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = scanlens_in(&repo, &refs, &filtered_env);
    assert_eq!(r.code, 1, "tar's LOW finding still fails the gate");
    for notice in [
        ".trivyignore as gate exclusions",
        "trivy.yaml is not read",
        "TRIVY_IGNORE_UNFIXED is not passed",
    ] {
        assert!(r.stderr.contains(notice), "{notice}: {}", r.stderr);
    }
    let image = read_json(&app.join("trivy-image.json"));
    let vulns = os_vulns(&image);
    for (id, pkg) in [
        ("CVE-2011-3374", "apt"),
        ("CVE-2011-3374", "libapt-pkg6.0"),
        ("CVE-2005-2541", "tar"),
    ] {
        assert!(
            find_vuln(&vulns, id, pkg).is_some(),
            "trivy dropped {id} on {pkg}"
        );
    }
    let report = read_json(&app.join("report.json"));
    let findings = report["findings"].as_array().unwrap();
    let ignored: Vec<&Value> = findings
        .iter()
        .filter(|f| f["id"] == "CVE-2011-3374")
        .collect();
    assert_eq!(ignored.len(), 2);
    for f in ignored {
        assert_eq!(f["excluded"]["reason"], "ignored", "{f}");
        assert_eq!(f["excluded"]["rule"], "./.trivyignore:1", "{f}");
    }
    let tar = findings
        .iter()
        .find(|f| f["id"] == "CVE-2005-2541")
        .unwrap();
    assert!(tar.get("excluded").is_none(), "{tar}");

    // 8. A registry image that is nowhere: its own error, exit 3.
    let r = run(base("::nosuch-image:1"));
    assert_eq!(r.code, 3);
    assert!(
        r.error_lines()
            .first()
            .is_some_and(|l| l.contains("nosuch-image:1")),
        "{}",
        r.stderr
    );
}

/// Errors that need neither an engine nor trivy: bad tags, missing programs.
#[test]
fn errors_without_an_engine() {
    let out = TempDir::new("scan-errors").unwrap();
    let out_dir = out.path().join("out");
    let out_s = out_dir.to_str().unwrap();
    let none = &[];

    // Missing docker (the folder exists, so a build is needed).
    let r = scanlens(
        &[
            "scan",
            "-m",
            "::app:e2e",
            "--docker-dir",
            "tests/docker",
            "--out",
            out_s,
            "--docker-bin",
            "/nonexistent/docker",
        ],
        none,
    );
    assert_eq!(r.code, 3);
    assert_eq!(r.error_lines().len(), 1, "{}", r.stderr);
    assert!(
        r.error_lines()[0].contains("/nonexistent/docker` is not installed"),
        "{}",
        r.stderr
    );

    // Missing trivy (no folder for `redis`: scanned from a registry, so no build).
    let r = scanlens(
        &[
            "scan",
            "-m",
            "::redis:7",
            "--docker-dir",
            "tests/docker",
            "--out",
            out_s,
            "--trivy-bin",
            "/nonexistent",
        ],
        none,
    );
    assert_eq!(r.code, 3);
    assert_eq!(r.error_lines().len(), 1, "{}", r.stderr);
    assert!(
        r.error_lines()[0].contains("`/nonexistent` is not installed")
            && r.error_lines()[0].contains("--trivy-bin"),
        "{}",
        r.stderr
    );
    assert!(!out_dir.exists());

    // Hostile tags: refused before anything runs (docker and trivy would not even be found).
    for tag in [
        "::--help", "::app;id", "::$(id)", "::../etc", "::MySQL", "::аpp", "::app|sh",
    ] {
        let msg = format!("Fixed {tag}");
        let r = scanlens(
            &[
                "scan",
                "-m",
                &msg,
                "--docker-dir",
                "tests/docker",
                "--out",
                out_s,
                "--docker-bin",
                "/nonexistent/docker",
                "--trivy-bin",
                "/nonexistent/trivy",
            ],
            none,
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
    assert!(!out_dir.exists());

    // Dry run: the plan as JSON, nothing spawned.
    let r = scanlens(
        &[
            "scan",
            "--dry-run",
            "-m",
            "Fixed yum for image ::app:e2e and ::mysql",
            "--docker-dir",
            "tests/docker",
            "--docker-bin",
            "/nonexistent/docker",
        ],
        none,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        plan,
        serde_json::json!({
            "source": "--message",
            "images": [
                {"reference": "app:e2e", "dockerfile": "tests/docker/app/Dockerfile", "context": "tests/docker/app"},
                {"reference": "mysql:latest", "dockerfile": null, "context": null},
            ]
        })
    );
}

/// `--commit REV` and the HEAD fallback read the message with git.
#[test]
fn message_from_git() {
    if scanlens_e2e::which("git").is_none() {
        eprintln!("SKIPPED message_from_git: git not installed");
        return;
    }
    let repo = TempDir::new("scan-git").unwrap();
    let git = |args: &[&str]| {
        let st = Command::new("git")
            .args(args)
            .current_dir(repo.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .stdout(Stdio::null())
            .status()
            .unwrap();
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
    let bin = scanlens_bin().unwrap();
    let dry = |extra: &[&str]| -> Value {
        let out = Command::new(&bin)
            .args(["scan", "--dry-run"])
            .args(extra)
            .current_dir(repo.path())
            .env_remove("GITHUB_EVENT_PATH")
            .env_remove("CI_COMMIT_MESSAGE")
            .env_remove("CODEBUILD_RESOLVED_SOURCE_VERSION")
            .env_remove("GIT_COMMIT")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let p = dry(&["--commit", "HEAD~1"]);
    assert_eq!(p["source"], "--commit HEAD~1");
    assert_eq!(p["images"][0]["reference"], "mysql:8");
    let p = dry(&[]);
    assert_eq!(p["source"], "git HEAD");
    assert_eq!(p["images"], serde_json::json!([]));
}
