//! The container image (packaging/Dockerfile) built with the real dockerd: Trivy is fetched by
//! the builder and refused unless its SHA-256 matches the one passed or, with none passed, the
//! one the Dockerfile pins; the image runs as an unprivileged user; `scan` and `render` work
//! inside it.
//!
//! No registry is reachable here, so the base images are the local debootstrap image, the Trivy
//! archive is made from the installed trivy and served from 127.0.0.1, and the scanned image
//! reaches the container as a `docker save` archive (`scan --input`). Runs with
//! `SCANLENS_E2E=1`; `-- --nocapture` prints the image's size (with
//! `SCANLENS_IMAGE_BIN=target/release/scanlens`, the size of a release image).

use scanlens_e2e::{
    command_output, docker_dir, e2e, require, scanlens_bin, trivy_env, which, workspace_root,
    Dockerd, TempDir, Unavailable, BASE_IMAGE,
};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// The local stand-in for `docker:27-cli`: this machine's docker CLI at /usr/local/bin/docker.
const DOCKER_CLI: &str = "scanlens-ship-docker-cli:1";

fn docker_cli_image(d: &Dockerd, tmp: &Path) {
    let dir = tmp.join("docker-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let docker = require!(which("docker").ok_or(Unavailable("`docker` is not on PATH".into())));
    std::fs::copy(docker, dir.join("docker")).unwrap();
    std::fs::write(
        dir.join("Dockerfile"),
        format!("FROM {BASE_IMAGE}\nCOPY docker /usr/local/bin/docker\n"),
    )
    .unwrap();
    require!(d.build(&dir, DOCKER_CLI));
}

/// The trivy executable itself (the archive must hold the binary, not a pyenv shim script):
/// `SCANLENS_TRIVY_BIN`, else what `pyenv which trivy` names, else `trivy` on PATH.
fn trivy_binary() -> anyhow::Result<std::path::PathBuf> {
    let is_elf = |p: &Path| std::fs::read(p).is_ok_and(|b| b.starts_with(b"\x7fELF"));
    let mut candidates: Vec<std::path::PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("SCANLENS_TRIVY_BIN") {
        candidates.push(p.into());
    }
    if let Ok(o) = Command::new("pyenv").args(["which", "trivy"]).output() {
        if o.status.success() {
            candidates.push(String::from_utf8_lossy(&o.stdout).trim().into());
        }
    }
    candidates.extend(which("trivy"));
    candidates
        .into_iter()
        .find(|p| is_elf(p))
        .ok_or_else(|| Unavailable("no trivy executable (ELF) on PATH".into()).into())
}

/// Serves one file at any path from 127.0.0.1 until the process ends; returns its URL.
fn serve(path: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let body = std::fs::read(&path).unwrap();
                let mut s = stream;
                let _ = write!(
                    s,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/gzip\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(&body);
            });
        }
    });
    format!("http://127.0.0.1:{port}/trivy.tar.gz")
}

fn sha256(path: &Path) -> String {
    let out = command_output(Command::new("sha256sum").arg(path)).unwrap();
    out.split_whitespace().next().unwrap().to_string()
}

/// `docker build` of packaging/Dockerfile with the local images, Trivy's archive from `url`
/// and the further build arguments `args` (`NAME=value`).
fn build(d: &Dockerd, ctx: &Path, tag: &str, url: &str, args: &[String]) -> std::process::Output {
    let mut cmd = d.docker();
    cmd.args(["build", "--network", "host", "-q", "-t", tag, "-f"])
        .arg(workspace_root().join("packaging/Dockerfile"))
        .args(["--build-arg", &format!("FETCH_IMAGE={BASE_IMAGE}")])
        .args(["--build-arg", &format!("BASE_IMAGE={BASE_IMAGE}")])
        .args(["--build-arg", &format!("DOCKER_CLI_IMAGE={DOCKER_CLI}")])
        .args(["--build-arg", &format!("TRIVY_URL={url}")]);
    for a in args {
        cmd.args(["--build-arg", a]);
    }
    cmd.arg(ctx).output().unwrap()
}

fn output_text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout)
}

/// Whether the build printed `message` itself: the legacy builder also prints each RUN
/// command, whose text holds the `echo` of every message.
fn printed(output: &str, message: &str) -> bool {
    output
        .lines()
        .any(|l| l.contains(message) && !l.contains("echo "))
}

fn world_writable(dir: &Path) {
    for entry in walk(dir) {
        let mode = if entry.is_dir() { 0o777 } else { 0o666 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all.extend(walk(&p));
        } else {
            all.push(p);
        }
    }
    all
}

#[test]
fn container_image_verifies_trivy_and_scans_and_renders_as_non_root() {
    if !e2e() {
        return;
    }
    let d = require!(Dockerd::shared());
    let trivy = require!(trivy_binary());
    // SCANLENS_IMAGE_BIN: another scanlens to put in the image (target/release/scanlens, to
    // measure the size users get); by default the build under test.
    let scanlens = match std::env::var_os("SCANLENS_IMAGE_BIN") {
        Some(p) => std::path::PathBuf::from(p),
        None => require!(scanlens_bin()),
    };
    let tmp = require!(TempDir::new("ship-image"));
    let ctx = tmp.path().join("ctx");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::copy(&scanlens, ctx.join("scanlens")).unwrap();
    // Trivy's release archive holds `trivy` at its root, beside README and LICENSE.
    let archive = tmp.path().join("trivy.tar.gz");
    require!(command_output(
        Command::new("tar")
            .arg("-czf")
            .arg(&archive)
            .arg("-C")
            .arg(trivy.parent().unwrap())
            .arg("trivy")
    ));
    let url = serve(&archive);
    docker_cli_image(d, tmp.path());
    let sha = sha256(&archive);

    // A wrong checksum stops the build.
    let wrong = format!(
        "{}{}",
        &sha[..63],
        if sha.ends_with('0') { '1' } else { '0' }
    );
    let o = build(
        d,
        &ctx,
        "scanlens-ship:wrong",
        &url,
        &[format!("TRIVY_SHA256={wrong}")],
    );
    let err = output_text(&o);
    assert!(!o.status.success(), "a wrong checksum built: {err}");
    assert!(err.contains("FAILED"), "sha256sum says why: {err}");
    // With no checksum passed, the default version's pinned one is checked: the archive made
    // here is not Trivy's release archive, so it is refused.
    let o = build(d, &ctx, "scanlens-ship:pinned", &url, &[]);
    let err = output_text(&o);
    assert!(
        !o.status.success(),
        "an archive other than Trivy's built: {err}"
    );
    assert!(
        printed(&err, "did NOT match") && !printed(&err, "TRIVY_SHA256 is required"),
        "the pin is checked: {err}"
    );
    // A version with no pin needs a checksum.
    let o = build(
        d,
        &ctx,
        "scanlens-ship:none",
        &url,
        &["TRIVY_VERSION=0.0.1".to_string()],
    );
    let err = output_text(&o);
    assert!(
        !o.status.success()
            && printed(&err, "TRIVY_SHA256 is required: no checksum is pinned")
            && !printed(&err, "did NOT match"),
        "{err}"
    );

    let tag = "scanlens-ship:test";
    let o = build(d, &ctx, tag, &url, &[format!("TRIVY_SHA256={sha}")]);
    assert!(
        o.status.success(),
        "docker build: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let info = require!(d.run(&[
        "image",
        "inspect",
        "--format",
        "{{.Config.User}} {{.Size}}",
        tag
    ]));
    let (user, size) = info.trim().split_once(' ').unwrap();
    assert_eq!(user, "10001:10001", "runs as an unprivileged user");
    let size: u64 = size.parse().unwrap();
    let base = require!(d.run(&["image", "inspect", "--format", "{{.Size}}", BASE_IMAGE]));
    eprintln!(
        "[figure] image size: {} MB (base {BASE_IMAGE} {} MB, trivy {} MB, scanlens {} MB, docker CLI {} MB)",
        size / 1_000_000,
        base.trim().parse::<u64>().unwrap_or(0) / 1_000_000,
        std::fs::metadata(&trivy).unwrap().len() / 1_000_000,
        std::fs::metadata(&scanlens).unwrap().len() / 1_000_000,
        which("docker")
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len() / 1_000_000)
    );
    let version = require!(d.run(&["run", "--rm", "--network", "none", tag, "--version"]));
    assert!(version.starts_with("scanlens "), "{version}");
    let trivy_version = require!(d.run(&[
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "trivy",
        tag,
        "--version"
    ]));
    assert!(trivy_version.contains("Version:"), "{trivy_version}");

    // The image to scan, handed over as an archive; Trivy's offline DB in a writable cache.
    let app = "scanlens-ship-app:1";
    require!(d.build(&docker_dir("app"), app));
    let input = tmp.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    require!(d.run(&["save", "-o", input.join("app.tar").to_str().unwrap(), app]));
    let cache = tmp.path().join("cache");
    require!(trivy_env(&cache));
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    world_writable(&cache);
    world_writable(&out);
    world_writable(&input);
    let mount = |host: &Path, at: &str| format!("{}:{at}", host.display());
    let scan = d
        .docker()
        .args(["run", "--rm", "--network", "none"])
        .args(["-v", &mount(&input, "/in:ro")])
        .args(["-v", &mount(&cache, "/cache")])
        .args(["-v", &mount(&out, "/out")])
        .arg(tag)
        .args([
            "scan",
            "--input",
            "/in/app.tar",
            "--out",
            "/out",
            "--cache-dir",
            "/cache",
        ])
        .args([
            "--skip-db-update",
            "--offline-scan",
            "--severity",
            "CRITICAL,HIGH",
        ])
        .args(["--fail-on", "CRITICAL", "--sarif"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&scan.stderr).into_owned();
    // The planted fake AWS key is a CRITICAL secret: the gate fails (exit 1), the report is whole.
    assert_eq!(scan.status.code(), Some(1), "scan in the image: {log}");
    let dir = out.join("app");
    for f in [
        "report.json",
        "index.html",
        "summary.md",
        "findings.ndjson",
        "report.sarif",
        "trivy-image.json",
    ] {
        assert!(dir.join(f).is_file(), "no {f} in {}: {log}", dir.display());
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "secret" && f["severity"] == "CRITICAL"),
        "the planted key is found"
    );

    // The engine through its socket (DOCKER_HOST), as a Jenkins agent mounts it: the image
    // in the engine is scanned by reference (`--image`), with the docker CLI inside.
    let socket = d.docker_host().trim_start_matches("unix://").to_string();
    let gid = std::fs::metadata(&socket)
        .map(|m| std::os::unix::fs::MetadataExt::gid(&m))
        .unwrap();
    let by_ref = d
        .docker()
        .args([
            "run",
            "--rm",
            "--network",
            "none",
            "--group-add",
            &gid.to_string(),
        ])
        .args(["-v", &format!("{socket}:/var/run/docker.sock")])
        .args(["-e", "DOCKER_HOST=unix:///var/run/docker.sock"])
        .args(["-v", &mount(&cache, "/cache")])
        .args(["-v", &mount(&out, "/out")])
        .arg(tag)
        .args([
            "scan",
            "--image",
            app,
            "--out",
            "/out/by-ref",
            "--cache-dir",
            "/cache",
        ])
        .args(["--skip-db-update", "--offline-scan"])
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&by_ref.stderr).into_owned();
    assert_eq!(
        by_ref.status.code(),
        Some(0),
        "scan --image in the image: {log}"
    );
    let by_ref: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.join("by-ref/scanlens-ship-app-1/report.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        by_ref["findings"].as_array().unwrap().len(),
        report["findings"].as_array().unwrap().len(),
        "the same image by reference and as an archive: {log}"
    );

    // render, inside the image, of the Trivy JSON the scan kept.
    let render = d
        .docker()
        .args(["run", "--rm", "--network", "none"])
        .args(["-v", &mount(&out, "/out")])
        .arg(tag)
        .args([
            "render",
            "/out/app/trivy-image.json",
            "--out",
            "/out/rendered",
        ])
        .output()
        .unwrap();
    assert_eq!(
        render.status.code(),
        Some(0),
        "render in the image: {}",
        String::from_utf8_lossy(&render.stderr)
    );
    let rendered: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("rendered/report.json")).unwrap()).unwrap();
    assert_eq!(
        rendered["findings"].as_array().unwrap().len(),
        report["findings"].as_array().unwrap().len()
    );
}
