//! Error paths of a scan, driven by a fake runner: nothing here starts a process.

use super::*;
use crate::cli::ScanArgs;
use crate::commands::scan::run_with;
use crate::process::{Finished, OnLine};
use std::cell::RefCell;

/// What the fake answers for one program.
#[derive(Clone)]
enum Answer {
    NotFound,
    Exit(i32, &'static str),
    TimedOut,
    /// Exit 0 and write a minimal Trivy JSON to `--output`.
    Report,
}

struct Fake {
    docker: Answer,
    trivy: Answer,
    /// Fail `docker build` for references containing this text.
    fail_build_of: Option<&'static str>,
    seen: RefCell<Vec<Cmd>>,
}

impl Fake {
    fn new(docker: Answer, trivy: Answer) -> Fake {
        Fake {
            docker,
            trivy,
            fail_build_of: None,
            seen: RefCell::new(Vec::new()),
        }
    }

    fn programs(&self) -> Vec<String> {
        self.seen.borrow().iter().map(|c| c.display()).collect()
    }
}

impl Runner for Fake {
    fn run(&self, cmd: &Cmd, on_line: Option<OnLine<'_>>) -> Result<Finished, SpawnError> {
        self.seen.borrow_mut().push(cmd.clone());
        let is_docker = cmd.name() == "docker";
        let mut answer = if is_docker {
            self.docker.clone()
        } else {
            self.trivy.clone()
        };
        if let (true, Some(bad)) = (is_docker, self.fail_build_of) {
            if cmd.args.iter().any(|a| a.to_string_lossy().contains(bad)) {
                answer = Answer::Exit(1, "Step 1/2 : FROM nothing\npull access denied for nothing");
            }
        }
        let finished = |status, stderr: &str| Finished {
            status,
            stdout: vec![],
            stderr: stderr.as_bytes().to_vec(),
        };
        match answer {
            Answer::NotFound => Err(SpawnError::NotFound {
                program: cmd.program.to_string_lossy().into_owned(),
            }),
            Answer::Exit(code, text) => {
                if let Some(f) = on_line {
                    for l in text.lines() {
                        f(Stream::Stdout, l);
                    }
                }
                Ok(finished(Status::Exited(code), text))
            }
            Answer::TimedOut => Ok(finished(Status::TimedOut, "")),
            Answer::Report => {
                if let Some(i) = cmd.args.iter().position(|a| a == "--output") {
                    let json = r#"{"SchemaVersion":2,"ArtifactName":"x","ArtifactType":"container_image","Results":[{"Target":"Dockerfile","Class":"config","Type":"dockerfile","Misconfigurations":[{"Type":"Dockerfile Security Check","ID":"DS-0002","Title":"root","Severity":"HIGH","Status":"FAIL"}]}]}"#;
                    std::fs::write(&cmd.args[i + 1], json).unwrap();
                }
                Ok(finished(Status::Exited(0), "INFO fine\n"))
            }
        }
    }
}

fn no_env(_: &str) -> Option<String> {
    None
}

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        for name in ["app", "second"] {
            let d = dir.path().join("docker").join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("Dockerfile"), "FROM scratch\n").unwrap();
        }
        Setup { dir }
    }

    fn args(&self, message: &str) -> ScanArgs {
        ScanArgs {
            message: Some(message.to_string()),
            docker_dir: Some(self.dir.path().join("docker")),
            out: Some(self.out()),
            docker_bin: "docker".into(),
            trivy_bin: "trivy".into(),
            gate: crate::cli::GateArgs::default(),
            ..Default::default()
        }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }
}

fn run(fake: &Fake, args: &ScanArgs) -> (u8, String) {
    run_in(fake, args, Path::new("/nonexistent"), &no_env)
}

fn run_in(
    fake: &Fake,
    args: &ScanArgs,
    workdir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> (u8, String) {
    let mut log = Vec::new();
    let code = match run_with(args, fake, env, workdir, &mut log) {
        Ok(c) => c,
        Err(e) => {
            log.extend_from_slice(
                format!("scanlens: error: {}\n", crate::exit::one_line(&e)).as_bytes(),
            );
            crate::exit::ERROR
        }
    };
    (code, String::from_utf8(log).unwrap())
}

#[test]
fn hostile_tag_spawns_nothing() {
    let s = Setup::new();
    let fake = Fake::new(Answer::Report, Answer::Report);
    for msg in ["::app:e2e ::--help", "::app;id", "::../etc", "::App"] {
        let (code, log) = run(&fake, &s.args(msg));
        assert_eq!(code, crate::exit::ERROR, "{msg}: {log}");
        assert!(log.contains("invalid image tag"), "{log}");
    }
    assert!(fake.programs().is_empty(), "{:?}", fake.programs());
    assert!(!s.out().exists());
}

#[test]
fn no_tag_is_ok_and_writes_nothing() {
    let s = Setup::new();
    let fake = Fake::new(Answer::Report, Answer::Report);
    let (code, log) = run(&fake, &s.args("Refactor Report::new"));
    assert_eq!(code, 0);
    assert!(log.contains("no scan requested"), "{log}");
    assert!(fake.programs().is_empty());
    assert!(!s.out().exists());
    let mut args = s.args("nothing");
    args.require_tag = true;
    let (code, log) = run(&fake, &args);
    assert_eq!(code, crate::exit::ERROR);
    assert!(log.contains("--require-tag"), "{log}");
}

#[test]
fn success_writes_raw_and_rendered_files() {
    let s = Setup::new();
    let fake = Fake::new(Answer::Exit(0, "Step 1/1 : FROM scratch"), Answer::Report);
    let mut args = s.args("Fix ::app:e2e");
    args.gate.fail_on = vec!["HIGH".into()];
    args.gate.exit_code = Some(7);
    let (code, log) = run(&fake, &args);
    assert_eq!(code, 7, "{log}");
    let dir = s.out().join("app-e2e");
    for f in [
        "report.json",
        "index.html",
        "summary.md",
        IMAGE_JSON,
        CONFIG_JSON,
    ] {
        assert!(dir.join(f).is_file(), "{f} missing: {log}");
    }
    let p = fake.programs();
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[0].starts_with("docker build -t app:e2e -f "), "{p:?}");
    assert!(p[1].starts_with("trivy image --format json"), "{p:?}");
    assert!(p[1].contains("--image-src docker"), "{p:?}");
    assert!(p[1].ends_with(" app:e2e"), "{p:?}");
    assert!(p[2].starts_with("trivy config --format json"), "{p:?}");
}

#[test]
fn trivy_reads_nothing_on_its_own_and_scanlens_shows_what_it_would_have_dropped() {
    let s = Setup::new();
    let work = s.dir.path().join("repo");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join(".trivyignore"), "DS-0002\n").unwrap();
    std::fs::write(work.join("trivy.yaml"), "severity: [CRITICAL]\n").unwrap();
    let env = |k: &str| (k == "TRIVY_IGNORE_UNFIXED").then(|| "true".to_string());
    let fake = Fake::new(Answer::Exit(0, ""), Answer::Report);
    let mut args = s.args("::app:e2e");
    args.gate.fail_on = vec!["HIGH".into()];
    let (code, log) = run_in(&fake, &args, &work, &env);
    assert_eq!(code, 0, "DS-0002 is ignored by ./.trivyignore: {log}");
    assert!(log.contains(".trivyignore as gate exclusions"), "{log}");
    assert!(log.contains("trivy.yaml is not read"), "{log}");
    assert!(
        log.contains("TRIVY_IGNORE_UNFIXED is not passed to trivy"),
        "{log}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.out().join("app-e2e/report.json")).unwrap())
            .unwrap();
    let f = &report["findings"][0];
    assert_eq!(f["id"], "DS-0002", "the finding stays in the report");
    assert_eq!(f["excluded"]["reason"], "ignored");
    assert!(
        f["excluded"]["rule"]
            .as_str()
            .unwrap()
            .ends_with(".trivyignore:1"),
        "{f}"
    );
    for cmd in fake.seen.borrow().iter().filter(|c| c.name() == "trivy") {
        let args = cmd.display();
        assert!(args.contains("--ignorefile  --config  "), "{args}");
        assert!(cmd.env_removed.iter().any(|v| v == "TRIVY_IGNORE_UNFIXED"));
        assert!(cmd.env_removed.iter().any(|v| v == "TRIVY_CONFIG"));
    }
    assert!(fake.programs()[1].contains("--show-suppressed"));
    // --ignorefile replaces the working directory's file.
    let other = work.join("other.yaml");
    std::fs::write(&other, "vulnerabilities:\n  - id: CVE-0\n").unwrap();
    args.gate.ignorefile = vec![other];
    let (code, log) = run_in(&fake, &args, &work, &no_env);
    assert_eq!(code, crate::exit::GATE, "{log}");
    assert!(!log.contains("as gate exclusions"), "{log}");
}

#[test]
fn a_trivyignore_yaml_beside_the_build_is_not_applied_unless_named_as_in_trivy() {
    let s = Setup::new();
    let work = s.dir.path().join("repo");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(
        work.join(".trivyignore.yaml"),
        "misconfigurations:\n  - id: DS-0002\n",
    )
    .unwrap();
    let fake = Fake::new(Answer::Exit(0, ""), Answer::Report);
    let mut args = s.args("::app:e2e");
    args.gate.fail_on = vec!["HIGH".into()];
    let (code, log) = run_in(&fake, &args, &work, &no_env);
    assert_eq!(code, crate::exit::GATE, "trivy would not read it: {log}");
    assert!(log.contains(".trivyignore.yaml is not applied"), "{log}");
    assert!(log.contains("pass --ignorefile"), "{log}");
    // Named, it applies.
    args.gate.ignorefile = vec![work.join(".trivyignore.yaml")];
    let (code, log) = run_in(&fake, &args, &work, &no_env);
    assert_eq!(code, 0, "{log}");
}

#[test]
fn two_tags_of_one_repository_get_their_own_sarif_categories() {
    let s = Setup::new();
    let fake = Fake::new(Answer::Exit(0, ""), Answer::Report);
    let mut args = s.args("::app:one ::app:two ::second:x");
    args.sarif = true;
    let (code, log) = run(&fake, &args);
    assert_eq!(code, 0, "{log}");
    let category = |dir: &str| -> String {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(s.out().join(dir).join("report.sarif")).unwrap())
                .unwrap();
        v["runs"][0]["automationDetails"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(category("app-one"), "scanlens/app:one/");
    assert_eq!(category("app-two"), "scanlens/app:two/");
    assert_eq!(category("second-x"), "scanlens/second/");
}

#[test]
fn client_mode_names_the_server_and_hands_the_token_over_in_the_environment() {
    let opts = Options {
        trivy_bin: "trivy".into(),
        server: Some("http://127.0.0.1:4954".into()),
        token: Some("s3cr3t".into()),
        ..Default::default()
    };
    let cmd = trivy_image_cmd("app:1", false, Path::new("/o.json"), &opts);
    let shown = cmd.display();
    assert!(shown.contains("--server http://127.0.0.1:4954"), "{shown}");
    assert!(
        !shown.contains("s3cr3t"),
        "the token is not an argument: {shown}"
    );
    assert!(cmd
        .envs
        .iter()
        .any(|(k, v)| k == "TRIVY_TOKEN" && v == "s3cr3t"));
    let config = trivy_config_cmd(Path::new("/d"), Path::new("/o.json"), &opts).display();
    assert!(
        !config.contains("--server"),
        "trivy config has no client mode: {config}"
    );
}

#[test]
fn trivy_flags_go_only_where_they_are_valid() {
    let opts = Options {
        docker_bin: "docker".into(),
        trivy_bin: "trivy".into(),
        cache_dir: Some("/c".into()),
        db_repository: vec!["r.example/db:2".into()],
        skip_db_update: true,
        offline_scan: true,
        timeout: Some("10m".into()),
        platform: Some("linux/amd64".into()),
        scanners: Some("vuln".into()),
        ..Default::default()
    };
    let image = trivy_image_cmd("app:1", false, Path::new("/o.json"), &opts).display();
    for flag in [
        "--cache-dir /c",
        "--db-repository r.example/db:2",
        "--skip-db-update",
        "--offline-scan",
        "--timeout 10m",
        "--platform linux/amd64",
        "--scanners vuln",
        "--severity UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL",
        "--exit-code 0",
    ] {
        assert!(image.contains(flag), "{flag} missing in {image}");
    }
    assert!(!image.contains("--image-src"), "{image}");
    let config = trivy_config_cmd(Path::new("/ctx"), Path::new("/o.json"), &opts).display();
    for bad in [
        "--skip-db-update",
        "--offline-scan",
        "--db-repository",
        "--platform",
        "--scanners",
    ] {
        assert!(!config.contains(bad), "{bad} in {config}");
    }
    assert!(config.contains("--cache-dir /c") && config.contains("--skip-check-update"));
    let build = docker_build_cmd(
        "app:1",
        &Build {
            dockerfile: "d/app/Dockerfile".into(),
            context: "d/app".into(),
        },
        &Options {
            docker_bin: "docker".into(),
            build_args: vec!["A=1".into()],
            labels: vec!["l=x".into()],
            network: Some("host".into()),
            platform: Some("linux/amd64".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        build.display(),
        "docker build -t app:1 -f d/app/Dockerfile --build-arg A=1 --platform linux/amd64 \
         --network host --label l=x d/app"
    );
}

fn error_of(fake: &Fake, msg: &str) -> String {
    let s = Setup::new();
    let (code, log) = run(fake, &s.args(msg));
    assert_eq!(code, crate::exit::ERROR, "{log}");
    assert!(!s.out().join("app-latest").exists());
    let line = log
        .lines()
        .find(|l| l.starts_with("scanlens: error: "))
        .unwrap_or_else(|| panic!("no error line in {log}"))
        .to_string();
    assert!(line.len() < 500, "{line}");
    line
}

#[test]
fn docker_missing() {
    let e = error_of(&Fake::new(Answer::NotFound, Answer::Report), "::app");
    assert!(
        e.contains("`docker` is not installed") && e.contains("--docker-bin"),
        "{e}"
    );
}

#[test]
fn daemon_unreachable() {
    let fake = Fake::new(
        Answer::Exit(
            1,
            "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
        ),
        Answer::Report,
    );
    let e = error_of(&fake, "::app ::second");
    assert!(
        e.contains("cannot reach the Docker daemon") && e.contains("DOCKER_HOST"),
        "{e}"
    );
    // Fatal: the second image is not attempted.
    assert_eq!(fake.programs().len(), 1, "{:?}", fake.programs());
}

#[test]
fn build_failed_shows_the_log_tail() {
    let s = Setup::new();
    let fake = Fake::new(
        Answer::Exit(1, "Step 1/2 : FROM nope\nmanifest for nope not found"),
        Answer::Report,
    );
    let (code, log) = run(&fake, &s.args("::app"));
    assert_eq!(code, crate::exit::ERROR);
    assert!(log.contains("last lines of the build log"), "{log}");
    let e = log
        .lines()
        .find(|l| l.starts_with("scanlens: error:"))
        .unwrap();
    assert!(
        e.contains("docker build of app:latest failed (exit 1): manifest for nope not found; fix "),
        "{e}"
    );
}

#[test]
fn trivy_missing() {
    let e = error_of(&Fake::new(Answer::Exit(0, ""), Answer::NotFound), "::app");
    assert!(
        e.contains("`trivy` is not installed") && e.contains("--trivy-bin"),
        "{e}"
    );
}

#[test]
fn db_missing_names_the_flags() {
    let fake = Fake::new(
        Answer::Exit(0, ""),
        Answer::Exit(
            1,
            "2026-01-01T00:00:00Z\tFATAL\tFatal error\trun error: init error: DB error: database error: --skip-db-update cannot be specified on the first run",
        ),
    );
    let e = error_of(&fake, "::app");
    for w in ["--skip-db-update", "--offline-scan", "--cache-dir"] {
        assert!(e.contains(w), "{w} missing: {e}");
    }
}

#[test]
fn trivy_timeout_and_failure() {
    let e = error_of(&Fake::new(Answer::Exit(0, ""), Answer::TimedOut), "::app");
    assert!(e.contains("timed out") && e.contains("--timeout"), "{e}");
    let e = error_of(
        &Fake::new(
            Answer::Exit(0, ""),
            Answer::Exit(1, "x\tFATAL\tFatal error\tcontext deadline exceeded"),
        ),
        "::app",
    );
    assert!(e.contains("timed out"), "{e}");
    let e = error_of(
        &Fake::new(
            Answer::Exit(0, ""),
            Answer::Exit(2, "x\tFATAL\tFatal error\tboom"),
        ),
        "::app",
    );
    assert!(
        e.contains("trivy image app:latest failed (exit 2): boom"),
        "{e}"
    );
}

#[test]
fn registry_image_not_found() {
    let fake = Fake::new(
        Answer::Report,
        Answer::Exit(1, "FATAL\tFatal error\trun error: image scan error: unable to find the specified image \"nosuch:latest\""),
    );
    let e = error_of(&fake, "::nosuch");
    assert!(e.contains("image nosuch:latest was not found"), "{e}");
    // No folder: nothing built.
    assert!(
        fake.programs()[0].starts_with("trivy image"),
        "{:?}",
        fake.programs()
    );
}

#[test]
fn failed_tag_keeps_other_and_earlier_output() {
    let s = Setup::new();
    let ok = Fake::new(Answer::Exit(0, ""), Answer::Report);
    let (code, _) = run(&ok, &s.args("::app ::second"));
    assert_eq!(code, 0);
    let earlier = std::fs::read(s.out().join("second-latest/report.json")).unwrap();

    let mut fake = Fake::new(Answer::Exit(0, ""), Answer::Report);
    fake.fail_build_of = Some("second");
    let (code, log) = run(&fake, &s.args("::second ::app"));
    assert_eq!(code, crate::exit::ERROR, "{log}");
    assert!(
        log.contains("2 images: 1 passed, 0 failed the gate, 1 could not be scanned"),
        "{log}"
    );
    assert_eq!(
        std::fs::read(s.out().join("second-latest/report.json")).unwrap(),
        earlier
    );
    assert!(s.out().join("app-latest/trivy-image.json").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(s.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn worst_exit_code() {
    use crate::commands::scan::worst;
    assert_eq!(worst(false, &[0, 0]), 0);
    assert_eq!(worst(false, &[0, 7, 0]), 7);
    assert_eq!(worst(true, &[7]), 3);
}

#[test]
fn durations() {
    assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
    assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
    assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
    assert_eq!(parse_duration("5"), None);
    assert_eq!(parse_duration("abc"), None);
    assert_eq!(parse_duration(""), None);
}

#[test]
fn scan_joins_the_feeds_read_before_it_started_onto_every_image() {
    let s = Setup::new();
    let fake = Fake::new(Answer::Exit(0, "Step 1/1 : FROM scratch"), Answer::Report);
    let mut args = s.args("Fix ::app:e2e ::second:e2e");
    // The path is never read again: `commands::run` read the feeds into `loaded` already.
    args.feeds.kev = Some("/nonexistent/known_exploited_vulnerabilities.json".into());
    let catalog = r#"{"catalogVersion":"2025.08.25","dateReleased":"2025-08-25T17:04:19.9796Z","count":1,"vulnerabilities":[{"cveID":"CVE-2022-22965","vulnerabilityName":"n","dateAdded":"2022-04-04","requiredAction":"a","dueDate":"2022-04-25"}]}"#;
    args.feeds.loaded = Some(std::sync::Arc::new(crate::feeds::Loaded {
        kev: Some(scanlens_model::feeds::KevCatalog::parse(catalog.as_bytes()).unwrap()),
        epss: None,
    }));
    let (code, log) = run(&fake, &args);
    assert_eq!(code, 0, "{log}");
    for dir in ["app-e2e", "second-e2e"] {
        let report: scanlens_model::Report =
            serde_json::from_slice(&std::fs::read(s.out().join(dir).join("report.json")).unwrap())
                .unwrap();
        assert_eq!(report.feeds.unwrap().kev.as_deref(), Some("2025.08.25"));
        // The fake's only finding is a Dockerfile check, which no feed lists.
        assert!(report.findings.iter().all(|f| f.kev.not_given()));
    }
    // Not read beforehand (a caller other than `commands::run`): read on use, and a wrong path
    // is that image's error.
    args.feeds.loaded = None;
    let (code, log) = run(&fake, &args);
    assert_eq!(code, crate::exit::ERROR, "{log}");
    assert!(
        log.contains("/nonexistent/known_exploited_vulnerabilities.json does not exist"),
        "{log}"
    );
}

/// With `--sarif`, trivy lists every package (as its own `--format sarif` does), so that the
/// SARIF can point a lock file's vulnerability at its package's lines; without, only if asked.
#[test]
fn sarif_asks_trivy_for_the_packages_and_their_lines() {
    let s = Setup::new();
    for (sarif, listed) in [(false, false), (true, true)] {
        let fake = Fake::new(Answer::Exit(0, "Step 1/1 : FROM scratch"), Answer::Report);
        let mut args = s.args("Fix ::app:e2e");
        args.sarif = sarif;
        let (code, log) = run(&fake, &args);
        assert_eq!(code, crate::exit::OK, "{log}");
        let image_scans: Vec<String> = fake
            .seen
            .borrow()
            .iter()
            .filter(|c| c.name() == "trivy" && c.display().contains(" image "))
            .map(|c| c.display())
            .collect();
        assert!(!image_scans.is_empty(), "{log}");
        for scan in image_scans {
            assert_eq!(
                scan.contains("--list-all-pkgs"),
                listed,
                "--sarif {sarif}: {scan}"
            );
        }
    }
}

/// trivy-action's skip-dirs, skip-files and list-all-pkgs, and `--vex`, reach `trivy image`, one
/// flag per value; `--input` scans the archive instead of a reference, with the same flags.
#[test]
fn skip_list_and_vex_flags_and_input_reach_trivy_image() {
    let opts = Options {
        trivy_bin: "trivy".into(),
        skip_dirs: vec!["/usr/lib/python3*/test".into(), "/opt/a b".into()],
        skip_files: vec!["/etc/x.conf".into()],
        list_all_pkgs: true,
        vex: vec!["vex/app.openvex.json".into(), "repo".into()],
        ..Default::default()
    };
    let image = trivy_image_cmd("app:1", false, Path::new("/o.json"), &opts);
    let archive = trivy_input_cmd(Path::new("/in/app.tar"), Path::new("/o.json"), &opts);
    for cmd in [&image, &archive] {
        let args: Vec<String> = cmd
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let pairs: Vec<(&str, &str)> = args
            .windows(2)
            .map(|w| (w[0].as_str(), w[1].as_str()))
            .collect();
        for pair in [
            ("--skip-dirs", "/usr/lib/python3*/test"),
            ("--skip-dirs", "/opt/a b"),
            ("--skip-files", "/etc/x.conf"),
            ("--vex", "vex/app.openvex.json"),
            ("--vex", "repo"),
        ] {
            assert!(pairs.contains(&pair), "{pair:?} missing in {args:?}");
        }
        assert!(args.iter().any(|a| a == "--list-all-pkgs"), "{args:?}");
    }
    let archive_args: Vec<String> = archive
        .args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert!(archive_args.ends_with(&["--input".to_string(), "/in/app.tar".to_string()]));
    assert!(!archive_args.iter().any(|a| a == "app:1"));
}
