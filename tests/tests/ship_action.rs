//! action.yml's own scripts, run as the runner runs them (`bash -eo pipefail`, inputs through
//! env with their defaults), against the real dockerd and trivy:
//!
//! - the scan step with trivy-action's inputs fails exactly when trivy-action's Trivy
//!   (`trivy image --exit-code --severity --ignore-unfixed --pkg-types`, and
//!   `TRIVY_IGNORE_STATUS` against the action's `ignore-status`) fails, across severities,
//!   `ignore-unfixed`, `ignore-status` and images, and passes without `exit-code`;
//! - with `server-url` and `server-token` the scan runs against a real `trivy server`, the token
//!   reaching scanlens only in its environment (no argument, no output);
//! - the install step downloads the release archive for the runner, checks its SHA-256, refuses
//!   a tampered one, and builds from source (`cargo install`) only when the ref has no release.
//!
//! Runs with `SCANLENS_E2E=1`.

use scanlens_e2e::{
    command_output, docker_dir, e2e, require, scanlens_bin, trivy_env, Dockerd, TempDir, BASE_IMAGE,
};
use serde_norway::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn action() -> Value {
    let path = scanlens_e2e::workspace_root().join("action.yml");
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A step's script and its env as the runner would set them: `${{ inputs.NAME }}` is the value
/// given in `with`, else the input's default, else empty; a few contexts are filled in.
fn step(
    action: &Value,
    id_or_name: &str,
    with: &[(&str, &str)],
    ctx: &[(&str, &str)],
) -> (String, Vec<(String, String)>) {
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let step = steps
        .iter()
        .find(|s| s["id"] == id_or_name || s["name"] == id_or_name)
        .unwrap_or_else(|| panic!("no step {id_or_name}"));
    let inputs = action["inputs"].as_mapping().unwrap();
    let expand = |text: &str| -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find("${{") {
            out.push_str(&rest[..i]);
            let end = rest[i..].find("}}").unwrap() + i;
            let expr = rest[i + 3..end].trim();
            let value = if let Some(name) = expr.strip_prefix("inputs.") {
                with.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
                    .or_else(|| inputs[name]["default"].as_str().map(str::to_string))
                    .unwrap_or_default()
            } else {
                ctx.iter()
                    .find(|(k, _)| *k == expr)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_else(|| panic!("no value for ${{{{ {expr} }}}}"))
            };
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    };
    let mut env = Vec::new();
    if let Some(map) = step["env"].as_mapping() {
        for (k, v) in map {
            let v = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| serde_norway::to_string(v).unwrap().trim().to_string());
            env.push((k.as_str().unwrap().to_string(), expand(&v)));
        }
    }
    (step["run"].as_str().unwrap().to_string(), env)
}

/// Runs a step script as a composite action's bash step runs it.
fn run_step(
    script: &str,
    env: &[(String, String)],
    cwd: &Path,
    extra: &[(String, String)],
) -> std::process::Output {
    let file = cwd.join(".step.sh");
    std::fs::write(&file, script).unwrap();
    Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file)
        .current_dir(cwd)
        .envs(extra.iter().cloned())
        .envs(env.iter().cloned())
        .output()
        .unwrap()
}

fn outputs(file: &Path) -> String {
    std::fs::read_to_string(file).unwrap_or_default()
}

#[test]
fn scan_step_fails_exactly_when_trivy_action_would() {
    if !e2e() {
        return;
    }
    let d = require!(Dockerd::shared());
    let cache = require!(TempDir::new("ship-action-cache"));
    let trivy = require!(trivy_env(cache.path()));
    let app = "scanlens-ship-action-app:1";
    require!(d.build(&docker_dir("app"), app));
    let bin_dir = require!(scanlens_bin()).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let action = action();
    let work = require!(TempDir::new("ship-action-scan"));
    let temp = work.path().join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let mut extra: Vec<(String, String)> = vec![("PATH".into(), path)];
    // Offline Trivy for both sides (the action gets the cache through `cache-dir`).
    extra.extend(
        trivy
            .env()
            .into_iter()
            .filter(|(k, _)| k != "TRIVY_CACHE_DIR"),
    );
    let host = d.docker_host();
    let cache_dir = cache.path().display().to_string();
    let ctx = [
        ("runner.temp", temp.to_str().unwrap()),
        ("github.workspace", work.path().to_str().unwrap()),
    ];

    let (mut failing, mut passing, mut n) = (0, 0, 0);
    for image in [BASE_IMAGE, app] {
        for severity in [
            "CRITICAL,HIGH",
            "MEDIUM",
            "LOW",
            "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL",
        ] {
            // `ignore-status` is Scanlens's own input for what a trivy-action job sets as
            // TRIVY_IGNORE_STATUS (space-separated too); the base image's two LOW advisories are
            // `affected`, its UNKNOWN one `fixed`.
            for (ignore_unfixed, ignore_status) in [
                ("true", ""),
                ("false", ""),
                ("false", "affected"),
                ("false", "fixed affected"),
            ] {
                if !ignore_status.is_empty()
                    && !matches!(severity, "LOW" | "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL")
                {
                    continue;
                }
                // trivy-action: its entrypoint runs trivy with these as TRIVY_* settings.
                let mut t = trivy.command("image");
                t.current_dir(work.path())
                    .envs(d.env())
                    .args([
                        "--format",
                        "json",
                        "--output",
                        "/dev/null",
                        "--exit-code",
                        "7",
                    ])
                    .args(["--severity", severity, "--pkg-types", "os,library"])
                    .args(["--scanners", "vuln,secret"]);
                if ignore_unfixed == "true" {
                    t.arg("--ignore-unfixed");
                }
                if !ignore_status.is_empty() {
                    t.env("TRIVY_IGNORE_STATUS", ignore_status);
                }
                let trivy_code = t.arg(image).output().unwrap().status.code();
                assert!(
                    matches!(trivy_code, Some(0 | 7)),
                    "trivy {image} {severity}: {trivy_code:?}"
                );

                n += 1;
                let out_dir = work.path().join(format!("out-{n}"));
                let github_output = work.path().join(format!("github-output-{n}"));
                let with = [
                    ("image-ref", image),
                    ("exit-code", "7"),
                    ("severity", severity),
                    ("ignore-unfixed", ignore_unfixed),
                    ("ignore-status", ignore_status),
                    ("vuln-type", "os,library"),
                    ("docker-host", host.as_str()),
                    ("cache-dir", cache_dir.as_str()),
                    ("output", out_dir.to_str().unwrap()),
                ];
                let (script, env) = step(&action, "scan", &with, &ctx);
                let mut extra = extra.clone();
                extra.push(("GITHUB_OUTPUT".into(), github_output.display().to_string()));
                let o = run_step(&script, &env, work.path(), &extra);
                let log = String::from_utf8_lossy(&o.stderr).into_owned();
                assert!(o.status.success(), "the scan step itself failed: {log}");
                let ours = outputs(&github_output);
                let expected = format!("exit-code={}\n", trivy_code.unwrap());
                assert_eq!(
                    ours, expected,
                    "{image} severity={severity} ignore-unfixed={ignore_unfixed} \
                     ignore-status={ignore_status}: trivy-action \
                     exits {trivy_code:?}, the action's scan {ours:?}\n{log}"
                );
                if trivy_code == Some(7) {
                    failing += 1;
                } else {
                    passing += 1;
                }
                // The report keeps every severity whatever `severity` says.
                let dir = std::fs::read_dir(&out_dir)
                    .unwrap()
                    .next()
                    .unwrap()
                    .unwrap()
                    .path();
                let report: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap())
                        .unwrap();
                let all = report["findings"].as_array().unwrap().len();
                assert!(all > 0, "{image}: no findings at all");
            }
        }
    }
    // The cases tell the two outcomes apart.
    eprintln!("[figure] {n} cases: {failing} fail and {passing} pass, each as trivy-action's");
    assert!(
        failing > 0 && passing > 0,
        "{failing} failing, {passing} passing cases"
    );

    // Without exit-code (trivy-action's default) findings never fail the job.
    let github_output = work.path().join("github-output-none");
    let with = [
        ("image-ref", app),
        ("severity", "CRITICAL,HIGH"),
        ("docker-host", host.as_str()),
        ("cache-dir", cache_dir.as_str()),
    ];
    let (script, env) = step(&action, "scan", &with, &ctx);
    let mut extra = extra.clone();
    extra.push(("GITHUB_OUTPUT".into(), github_output.display().to_string()));
    let o = run_step(&script, &env, work.path(), &extra);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(outputs(&github_output), "exit-code=0\n");
    let summary = std::fs::read_to_string(
        work.path()
            .join("scanlens-reports/scanlens-ship-action-app-1/summary.md"),
    )
    .unwrap();
    assert!(
        summary.contains("Only CRITICAL, HIGH count (--severity)"),
        "{summary}"
    );
}

/// `server-url` and `server-token`: the scan step runs scanlens in Trivy's client mode against a
/// real `trivy server` holding the offline DB while the job's own cache dir stays empty, so the
/// findings can only come from the server. The token reaches scanlens in its environment, in no
/// argument and in none of the step's output; a wrong token fails the scan (exit code 3, an
/// error, never a pass); a token without a server is refused before scanlens runs.
#[test]
fn scan_step_uses_a_trivy_server_with_the_token_only_in_the_environment() {
    if !e2e() {
        return;
    }
    const TOKEN: &str = "action-T0ken-5ecret";
    let d = require!(Dockerd::shared());
    let db = require!(TempDir::new("ship-action-server-db"));
    let trivy = require!(trivy_env(db.path()));
    let app = "scanlens-ship-action-app:1";
    require!(d.build(&docker_dir("app"), app));
    let work = require!(TempDir::new("ship-action-server"));
    let server = require!(trivy.server(TOKEN, &work.path().join("server.log")));

    // A `scanlens` first on PATH that records its arguments and the token it was given, then
    // runs the real one.
    let real = require!(scanlens_bin());
    let shim = work.path().join("shim");
    std::fs::create_dir_all(&shim).unwrap();
    let args_file = work.path().join("scanlens-args");
    let token_file = work.path().join("scanlens-token");
    std::fs::write(
        shim.join("scanlens"),
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nprintf '%s' \"$SCANLENS_TRIVY_TOKEN\" > '{}'\nexec '{}' \"$@\"\n",
            args_file.display(),
            token_file.display(),
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        shim.join("scanlens"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let path = format!("{}:{}", shim.display(), std::env::var("PATH").unwrap());
    let mut extra: Vec<(String, String)> = vec![("PATH".into(), path)];
    extra.extend(
        trivy
            .env()
            .into_iter()
            .filter(|(k, _)| k != "TRIVY_CACHE_DIR"),
    );
    let client_cache = work.path().join("client-cache");
    std::fs::create_dir_all(&client_cache).unwrap();
    let temp = work.path().join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let ctx = [
        ("runner.temp", temp.to_str().unwrap()),
        ("github.workspace", work.path().to_str().unwrap()),
    ];
    let host = d.docker_host();
    let action = action();
    let run = |label: &str, url: &str, token: &str| {
        let _ = std::fs::remove_file(&args_file);
        let out_dir = work.path().join(format!("out-{label}"));
        let github_output = work.path().join(format!("github-output-{label}"));
        let with = [
            ("image-ref", app),
            ("server-url", url),
            ("server-token", token),
            ("docker-host", host.as_str()),
            ("cache-dir", client_cache.to_str().unwrap()),
            ("output", out_dir.to_str().unwrap()),
        ];
        let (script, env) = step(&action, "scan", &with, &ctx);
        let mut extra = extra.clone();
        extra.push(("GITHUB_OUTPUT".into(), github_output.display().to_string()));
        let o = run_step(&script, &env, work.path(), &extra);
        let log =
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
        (o.status.success(), log, outputs(&github_output), out_dir)
    };

    let (ok, log, out, out_dir) = run("good", &server.url, TOKEN);
    assert!(ok, "the scan step failed: {log}");
    assert_eq!(out, "exit-code=0\n", "{log}");
    let report = std::fs::read_to_string(out_dir.join("scanlens-ship-action-app-1/report.json"))
        .unwrap_or_else(|e| panic!("no report ({e}): {log}"));
    assert!(
        report.contains("CVE-2011-3374"),
        "no finding from the server's DB"
    );
    assert!(
        !client_cache.join("db/trivy.db").exists(),
        "the job downloaded a DB of its own"
    );
    let args = std::fs::read_to_string(&args_file).unwrap();
    let args: Vec<&str> = args.lines().collect();
    assert!(
        args.windows(2)
            .any(|w| w == ["--server", server.url.as_str()]),
        "{args:?}"
    );
    assert!(
        !args.iter().any(|a| a.contains(TOKEN) || *a == "--token"),
        "the token is an argument: {args:?}"
    );
    assert_eq!(std::fs::read_to_string(&token_file).unwrap(), TOKEN);
    assert!(
        !log.contains(TOKEN),
        "the token is in the step's output: {log}"
    );

    // The server refuses another token: an error (3), not a pass, and no report.
    let (ok, log, out, out_dir) = run("bad", &server.url, "not-the-token");
    assert!(ok, "{log}");
    assert_eq!(out, "exit-code=3\n", "{log}");
    assert!(!out_dir
        .join("scanlens-ship-action-app-1/report.json")
        .exists());
    assert!(!log.contains("not-the-token"), "{log}");

    // A token with no server to send it to is a mistake in the workflow.
    let (ok, log, out, _) = run("no-server", "", TOKEN);
    assert!(!ok, "a token without server-url was accepted: {log}");
    assert!(
        log.contains("::error::server-token needs server-url"),
        "{log}"
    );
    assert!(out.is_empty() && !args_file.exists(), "scanlens ran: {log}");
    assert!(!log.contains(TOKEN), "{log}");
}

/// Serves the files of `dir` under `/owner/repo/releases/download/TAG/` from 127.0.0.1.
fn serve(dir: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("");
            let body = path
                .strip_prefix("/scanlens/scanlens/releases/download/v9.9.9/")
                .filter(|n| !n.contains('/'))
                .and_then(|n| std::fs::read(dir.join(n)).ok());
            let mut s = stream;
            match body {
                Some(b) => {
                    let _ = write!(
                        s,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    );
                    let _ = s.write_all(&b);
                }
                None => {
                    let _ = write!(
                        s,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                }
            }
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn install_step_takes_the_release_binary_and_checks_it() {
    if !e2e() {
        return;
    }
    let bin = require!(scanlens_bin());
    let work = require!(TempDir::new("ship-action-install"));
    let release = work.path().join("release");
    // The runner is Linux X64, whose archive is the musl one; this host's binary stands in.
    let target = "x86_64-unknown-linux-musl";
    let a = require!(xtask::dist::build(&bin, target, "v9.9.9", &release));
    let server = serve(&release);
    // A `cargo` that only records how it was called: the fallback must not compile here.
    let fake = work.path().join("fake-bin");
    std::fs::create_dir_all(&fake).unwrap();
    let cargo_log = work.path().join("cargo-args");
    std::fs::write(
        fake.join("cargo"),
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\nwhile [ $# -gt 0 ]; do\n  if [ \"$1\" = --root ]; then root=$2; fi\n  shift\ndone\n\
             mkdir -p \"$root/bin\"\nprintf '#!/bin/sh\\necho scanlens-from-source\\n' > \"$root/bin/scanlens\"\n\
             chmod +x \"$root/bin/scanlens\"\n",
            cargo_log.display()
        ),
    )
    .unwrap();
    require!(command_output(
        Command::new("chmod").arg("+x").arg(fake.join("cargo"))
    ));
    let path = format!("{}:{}", fake.display(), std::env::var("PATH").unwrap());

    let action = action();
    let attempt = |label: &str, with: &[(&str, &str)], action_ref: &str| {
        let temp = work.path().join(format!("temp-{label}"));
        std::fs::create_dir_all(&temp).unwrap();
        let ctx = [
            ("github.action_ref", action_ref),
            ("github.action_repository", "scanlens/scanlens"),
        ];
        let (script, env) = step(&action, "Install Scanlens", with, &ctx);
        let github_path = work.path().join(format!("github-path-{label}"));
        let extra: Vec<(String, String)> = vec![
            ("PATH".into(), path.clone()),
            ("RUNNER_TEMP".into(), temp.display().to_string()),
            ("RUNNER_OS".into(), "Linux".into()),
            ("RUNNER_ARCH".into(), "X64".into()),
            ("GITHUB_SERVER_URL".into(), server.clone()),
            ("GITHUB_PATH".into(), github_path.display().to_string()),
            ("GITHUB_ACTION_PATH".into(), "/action".into()),
        ];
        let o = run_step(&script, &env, work.path(), &extra);
        (o, temp.join("scanlens/bin/scanlens"), github_path)
    };

    // A release tag: the archive is downloaded, checked and installed; no compiler runs.
    let (o, installed, github_path) = attempt("release", &[], "v9.9.9");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{log}");
    assert!(!cargo_log.exists(), "cargo ran for a release: {log}");
    let version = require!(command_output(Command::new(&installed).arg("--version")));
    assert!(version.starts_with("scanlens "));
    assert!(outputs(&github_path).trim_end().ends_with("scanlens/bin"));

    // A ref with no release (a branch, a SHA): built from the action's checkout.
    let (o, _, _) = attempt("branch", &[], "main");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let args = std::fs::read_to_string(&cargo_log).unwrap_or_default();
    assert!(
        args.contains("install --quiet --locked --root")
            && args.contains("--path /action/generator"),
        "{args}"
    );
    std::fs::remove_file(&cargo_log).unwrap();

    // scanlens-version names a release the action's ref is not: that release is installed.
    let (o, installed, _) = attempt("pinned", &[("scanlens-version", "v9.9.9")], "main");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!cargo_log.exists());
    let version = require!(command_output(Command::new(&installed).arg("--version")));
    assert!(version.starts_with("scanlens "), "{version}");

    // A tampered archive is refused: the step fails and nothing is installed or built.
    let mut bytes = std::fs::read(&a.archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&a.archive, bytes).unwrap();
    let (o, installed, _) = attempt("tampered", &[("scanlens-version", "v9.9.9")], "main");
    let err = String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "a tampered archive was accepted: {err}"
    );
    assert!(
        err.contains("does not match its published SHA-256"),
        "{err}"
    );
    assert!(!installed.exists() && !cargo_log.exists());
}

/// `version` as trivy-action takes it (vX.Y.Z or latest), the deprecated `trivy-version`
/// (X.Y.Z) winning when set, anything else refused before setup-trivy runs.
#[test]
fn trivy_version_step_takes_trivy_actions_versions() {
    if !e2e() {
        return;
    }
    let work = require!(TempDir::new("ship-action-version"));
    let action = action();
    // The inputs given, and the version chosen (None: refused).
    type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>);
    let cases: [Case; 5] = [
        (&[], Some("v0.76.0")),
        (&[("version", "latest")], Some("latest")),
        (&[("version", "v0.70.0")], Some("v0.70.0")),
        (&[("trivy-version", "0.69.3")], Some("v0.69.3")),
        (&[("version", "0.70; rm -rf /")], None),
    ];
    for (i, (with, expected)) in cases.iter().enumerate() {
        let (script, env) = step(&action, "trivy-version", with, &[]);
        let out = work.path().join(format!("out-{i}"));
        let o = run_step(
            &script,
            &env,
            work.path(),
            &[("GITHUB_OUTPUT".into(), out.display().to_string())],
        );
        match expected {
            Some(v) => {
                assert!(
                    o.status.success(),
                    "{with:?}: {}",
                    String::from_utf8_lossy(&o.stdout)
                );
                assert_eq!(outputs(&out), format!("version={v}\n"), "{with:?}");
            }
            None => {
                assert!(!o.status.success(), "{with:?} was accepted");
                assert!(
                    String::from_utf8_lossy(&o.stdout).contains("::error::version must look like")
                );
            }
        }
    }
}
