//! `scanlens scan` end to end: the real binary, a private dockerd, the local Debian base image,
//! the test Dockerfiles and the real trivy with the offline DB from `xtask trivy-db`.
//!
//! One engine with the base image serves every test of this binary (`Dockerd::shared`); it is
//! stopped and cleaned up when the binary exits, also after a failed assertion. Each test has
//! its own copy of `tests/docker`, its own output folder and Trivy cache, and image tags of its
//! own, so the tests run in parallel and in any order. What needs no engine (missing programs,
//! refused tags, the plan, git) is in `generator/tests/scan.rs`.
//!
//! Run with `SCANLENS_E2E=1 cargo test -p scanlens-e2e --test scan -- --nocapture` to see
//! scanlens's output (after `cargo build -p scanlens`: the tests run `target/debug/scanlens`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use scanlens_e2e::{
    e2e, find_vuln, os_vulns, require, scanlens_bin, trivy_env, workspace_root, Dockerd, TempDir,
};
use serde_json::Value;
use xtask::trivydb::{FIXED_IN_NEWER, FIXED_IN_NEWER_VERSION, FIXED_IN_OLDER};

struct Run {
    code: i32,
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

/// One test's inputs on the shared engine: a scratch folder holding its own copy of
/// `tests/docker` (`docker/`) and its output folder (`out/`), and a Trivy cache of its own with
/// the offline DB.
struct Scan {
    engine: &'static Dockerd,
    work: TempDir,
    env: Vec<(String, String)>,
    _cache: TempDir,
}

impl Scan {
    fn new(label: &str) -> Scan {
        let engine = require!(Dockerd::shared());
        let cache = require!(TempDir::new(&format!("scan-{label}-trivy-cache")));
        let trivy = require!(trivy_env(cache.path()));
        let work = require!(TempDir::new(&format!("scan-{label}")));
        copy_dir(
            &workspace_root().join("tests/docker"),
            &work.path().join("docker"),
        );
        let mut env = engine.env();
        env.extend(trivy.env());
        Scan {
            engine,
            work,
            env,
            _cache: cache,
        }
    }

    fn docker_dir(&self) -> PathBuf {
        self.work.path().join("docker")
    }

    fn out(&self) -> PathBuf {
        self.work.path().join("out")
    }

    /// `scanlens scan --message MSG --docker-dir docker --out out --network host EXTRA...`, run in
    /// the scratch folder (which holds no ignore file) with the engine's and Trivy's settings.
    fn run(&self, message: &str, extra: &[&str]) -> Run {
        self.run_in(self.work.path(), message, extra, &self.env)
    }

    fn run_in(&self, cwd: &Path, message: &str, extra: &[&str], env: &[(String, String)]) -> Run {
        let docker_dir = self.docker_dir();
        let out = self.out();
        let mut args = vec![
            "scan",
            "--message",
            message,
            "--docker-dir",
            docker_dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--network",
            "host",
        ];
        args.extend_from_slice(extra);
        scanlens_in(cwd, &args, env)
    }
}

fn secrets(image: &Value) -> Vec<&Value> {
    image["Results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["Class"] == "secret")
        .flat_map(|r| r["Secrets"].as_array().into_iter().flatten())
        .collect()
}

#[test]
fn scan_gates_on_critical_secrets() {
    if !e2e() {
        return;
    }
    let s = Scan::new("gate");
    let r = s.run(
        "Fixed yum for image ::app:gate.",
        &["--fail-on", "CRITICAL"],
    );
    assert_eq!(r.code, 1, "gate on CRITICAL secrets");
    assert!(r.error_lines().is_empty(), "{}", r.stderr);
    assert!(r.stderr.contains("Step 1/"), "build output streamed");
    let app = s.out().join("app-gate");
    assert_report_dir(&app);
    assert_eq!(entries(&s.out()), ["app-gate"], "no temporary leftovers");

    // What trips the gate: the planted AWS key pair, CRITICAL in trivy's own JSON.
    let image = read_json(&app.join("trivy-image.json"));
    let secrets = secrets(&image);
    for rule in ["aws-access-key-id", "aws-secret-access-key"] {
        let s = secrets
            .iter()
            .find(|s| s["RuleID"] == rule)
            .unwrap_or_else(|| panic!("{rule} missing in {secrets:?}"));
        assert_eq!(s["Severity"], "CRITICAL");
    }
    let summary = std::fs::read_to_string(app.join("summary.md")).unwrap();
    assert!(summary.contains("CRITICAL") || summary.contains("Critical"));
}

#[test]
fn scan_keeps_trivys_own_json_for_the_image_and_the_dockerfile() {
    if !e2e() {
        return;
    }
    let s = Scan::new("raw");
    let r = s.run("Fixed yum for image ::app:raw.", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let app = s.out().join("app-raw");
    assert_report_dir(&app);

    let image = read_json(&app.join("trivy-image.json"));
    assert_eq!(image["ArtifactName"], "app:raw");
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

    let config = read_json(&app.join("trivy-config.json"));
    let ds2 = config["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["Misconfigurations"].as_array().into_iter().flatten())
        .find(|m| m["ID"] == "DS-0002")
        .expect("DS-0002 (root user)");
    assert_eq!(ds2["Status"], "FAIL");
}

#[test]
fn the_report_lists_what_trivy_found() {
    if !e2e() {
        return;
    }
    let s = Scan::new("report");
    let r = s.run("Fixed yum for image ::app:report.", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = std::fs::read_to_string(s.out().join("app-report/report.json")).unwrap();
    for id in ["CVE-2011-3374", "CVE-2005-2541", FIXED_IN_NEWER, "DS-0002"] {
        assert!(report.contains(id), "{id} missing in report.json");
    }
    assert!(!report.contains(FIXED_IN_OLDER));
}

#[test]
fn the_report_tells_the_base_images_findings_from_the_dockerfiles_own() {
    if !e2e() {
        return;
    }
    // `app` is `FROM local/debian:bookworm` plus a COPY of the planted key: Debian's packages
    // come from the base image's one layer, the secret from the image's own layer.
    let s = Scan::new("layers");
    let r = s.run("::app:layers", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = read_json(&s.out().join("app-layers/report.json"));
    let layers = report["artifacts"][0]["layers"].as_array().expect("layers");
    assert!(layers.len() >= 2, "base layer and COPY layer: {layers:?}");
    assert_eq!(layers[0]["origin"], "base", "{layers:?}");
    for l in &layers[1..] {
        assert_eq!(l["origin"], "own", "{layers:?}");
    }
    let base_id = layers[0]["diff_id"].as_str().unwrap();
    let findings = report["findings"].as_array().unwrap();
    let in_layer = |f: &&Value, id: &str| f["layer"]["diff_id"] == id;
    let base_vulns = findings
        .iter()
        .filter(|f| f["kind"] == "vulnerability" && in_layer(f, base_id))
        .count();
    assert!(
        base_vulns > 0,
        "Debian's vulnerabilities are the base image's"
    );
    assert_eq!(
        layers[0]["findings"].as_u64().unwrap() as usize,
        findings
            .iter()
            .filter(|f| in_layer(f, base_id) && f["excluded"].is_null())
            .count(),
        "the layer's count is its findings'"
    );
    let own_ids: Vec<&str> = layers[1..]
        .iter()
        .map(|l| l["diff_id"].as_str().unwrap())
        .collect();
    let own_secrets = findings
        .iter()
        .filter(|f| f["kind"] == "secret" && own_ids.iter().any(|id| in_layer(f, id)))
        .count();
    assert!(
        own_secrets >= 2,
        "the planted key pair is in the COPY layer"
    );
    let summary = std::fs::read_to_string(s.out().join("app-layers/summary.md")).unwrap();
    assert!(
        summary.contains("come from the base image: a newer base image fixes those"),
        "{summary}"
    );
}

#[test]
fn several_tags_are_scanned_in_message_order_and_the_custom_gate_code_wins() {
    if !e2e() {
        return;
    }
    let s = Scan::new("order");
    let r = s.run(
        "Bump ::app:order and ::second:order",
        &["--fail-on", "CRITICAL", "--exit-code", "7"],
    );
    assert_eq!(r.code, 7, "--exit-code 7");
    let app_pos = r.stderr.find("building app:order").expect("app built");
    let second_pos = r
        .stderr
        .find("building second:order")
        .expect("second built");
    assert!(app_pos < second_pos, "in message order");
    assert_report_dir(&s.out().join("app-order"));
    assert_report_dir(&s.out().join("second-order"));
    let second = read_json(&s.out().join("second-order/trivy-image.json"));
    let v2 = os_vulns(&second);
    assert!(find_vuln(&v2, "CVE-2011-3374", "apt").is_some());
    assert!(
        find_vuln(&v2, "CVE-2005-2541", "tar").is_none(),
        "tar purged"
    );
}

// `second`'s LOW findings are all unfixed; its UNKNOWN one is fixed.

#[test]
fn unfixed_findings_count_without_ignore_unfixed() {
    if !e2e() {
        return;
    }
    let s = Scan::new("unfixed-counted");
    let r = s.run("::second:unfixed-counted", &["--fail-on", "LOW"]);
    assert_eq!(r.code, 1, "unfixed LOW counts without --ignore-unfixed");
}

#[test]
fn ignore_unfixed_leaves_unfixed_findings_out_of_the_gate() {
    if !e2e() {
        return;
    }
    let s = Scan::new("unfixed-ignored");
    let r = s.run(
        "::second:unfixed-ignored",
        &["--fail-on", "LOW", "--ignore-unfixed"],
    );
    assert_eq!(r.code, 0, "--ignore-unfixed drops unfixed LOW");
}

#[test]
fn ignore_unfixed_still_counts_a_fixed_advisory() {
    if !e2e() {
        return;
    }
    let s = Scan::new("fixed-counted");
    let r = s.run(
        "::second:fixed-counted",
        &["--fail-on", "UNKNOWN", "--ignore-unfixed"],
    );
    assert_eq!(r.code, 1, "the fixed UNKNOWN advisory still counts");
}

/// `--vex` reaches trivy: what an OpenVEX document says is not_affected stays in the report,
/// marked suppressed with the document's justification, and out of the gate.
#[test]
fn a_vex_document_suppresses_what_it_covers_and_the_gate_leaves_it_out() {
    if !e2e() {
        return;
    }
    let s = Scan::new("vex");
    let r = s.run("::second:vex-before", &["--fail-on", "LOW"]);
    assert_eq!(r.code, 1, "LOW findings count without a VEX: {}", r.stderr);
    let before = read_json(&s.out().join("second-vex-before/report.json"));
    let low: Vec<(String, String)> = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "vulnerability" && f["severity"] == "LOW")
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["package"]["purl"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!low.is_empty(), "no LOW vulnerabilities to cover");
    let statements: Vec<Value> = low
        .iter()
        .map(|(id, purl)| {
            serde_json::json!({
                "vulnerability": {"name": id},
                "products": [{"@id": purl}],
                "status": "not_affected",
                "justification": "vulnerable_code_not_in_execute_path",
            })
        })
        .collect();
    let vex = s.work.path().join("second.openvex.json");
    std::fs::write(
        &vex,
        serde_json::to_vec(&serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://example.com/vex/second-1",
            "author": "scanlens tests",
            "timestamp": "2026-01-01T00:00:00Z",
            "version": 1,
            "statements": statements,
        }))
        .unwrap(),
    )
    .unwrap();
    let r = s.run(
        "::second:vex-after",
        &["--fail-on", "LOW", "--vex", vex.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "the VEX covers every LOW finding: {}", r.stderr);
    let after = read_json(&s.out().join("second-vex-after/report.json"));
    for (id, _) in &low {
        let f = after["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id.as_str())
            .unwrap_or_else(|| panic!("{id} left the report"));
        assert_eq!(f["suppressed"]["status"], "not_affected", "{f}");
        assert_eq!(
            f["suppressed"]["statement"], "vulnerable_code_not_in_execute_path",
            "{f}"
        );
    }
}

#[test]
fn a_failed_build_keeps_the_earlier_report() {
    if !e2e() {
        return;
    }
    let s = Scan::new("rebuild");
    let r = s.run("::app:rebuild", &[]);
    assert_eq!(r.code, 0, "the earlier scan: {}", r.stderr);
    let app = s.out().join("app-rebuild");
    let earlier = std::fs::read(app.join("report.json")).unwrap();
    let before = entries(&s.out());

    std::fs::write(
        s.docker_dir().join("app/Dockerfile"),
        "FROM local/debian:bookworm\nRUN exit 42\n",
    )
    .unwrap();
    let r = s.run("::app:rebuild", &[]);
    assert_eq!(r.code, 3);
    let errors = r.error_lines();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("docker build of app:rebuild failed"),
        "{}",
        errors[0]
    );
    assert!(r.stderr.contains("last lines of the build log"));
    assert_eq!(std::fs::read(app.join("report.json")).unwrap(), earlier);
    assert_eq!(entries(&s.out()), before, "no half-written folders");
}

#[test]
fn an_offline_scan_without_a_db_names_the_flags_and_the_cache_dir() {
    if !e2e() {
        return;
    }
    let s = Scan::new("no-db");
    let empty_cache = require!(TempDir::new("scan-empty-cache"));
    // The engine, but none of the Trivy settings of `Scan`: the flags below say offline.
    let mut env = s.engine.env();
    env.push(("TRIVY_NO_PROGRESS".into(), "true".into()));
    let r = s.run_in(
        s.work.path(),
        "::second:no-db",
        &[
            "--cache-dir",
            empty_cache.path().to_str().unwrap(),
            "--skip-db-update",
            "--offline-scan",
        ],
        &env,
    );
    assert_eq!(r.code, 3);
    let errors = r.error_lines();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    for w in ["--skip-db-update", "--offline-scan", "--cache-dir"] {
        assert!(errors[0].contains(w), "{w}: {}", errors[0]);
    }
    assert!(!s.out().exists());
}

/// The repository's own `.trivyignore`, `trivy.yaml` and `TRIVY_*` filters: trivy reads none of
/// them, so the report lists every finding trivy sees; the ignore file's findings are marked
/// excluded with its file and line.
#[test]
fn scan_keeps_the_repositorys_ignore_files_visible() {
    if !e2e() {
        return;
    }
    let s = Scan::new("ignore");
    let repo = s.work.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join(".trivyignore"), "CVE-2011-3374\n").unwrap();
    std::fs::write(repo.join("trivy.yaml"), "severity:\n  - CRITICAL\n").unwrap();
    let mut env = s.env.clone();
    env.push(("TRIVY_IGNORE_UNFIXED".into(), "true".into()));
    let r = s.run_in(&repo, "::app:ignore", &["--fail-on", "LOW"], &env);
    assert_eq!(r.code, 1, "tar's LOW finding still fails the gate");
    for notice in [
        ".trivyignore as gate exclusions",
        "trivy.yaml is not read",
        "TRIVY_IGNORE_UNFIXED is not passed",
    ] {
        assert!(r.stderr.contains(notice), "{notice}: {}", r.stderr);
    }
    let app = s.out().join("app-ignore");
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
}

#[test]
fn an_image_that_is_nowhere_fails_with_its_own_error() {
    if !e2e() {
        return;
    }
    let s = Scan::new("nowhere");
    // No folder for it, no network: neither built nor pulled.
    let r = s.run("::nosuch-image:1", &[]);
    assert_eq!(r.code, 3);
    assert!(
        r.error_lines()
            .first()
            .is_some_and(|l| l.contains("nosuch-image:1")),
        "{}",
        r.stderr
    );
}
