//! `scan --server URL --token T`: Trivy's client mode against a real `trivy server` on 127.0.0.1
//! holding the offline DB (`xtask trivy-db`), two scans at once, as a fleet's CI jobs share one
//! server. The clients get an empty cache dir and may not download a DB, so the findings can only
//! have come from the server.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use scanlens_e2e::{e2e, require, scanlens_bin, trivy_env, workspace_root, Dockerd, TempDir};
use xtask::trivydb::{FIXED_IN_NEWER, FIXED_IN_OLDER};

const TOKEN: &str = "fleet-T0ken";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// `scanlens scan` of `::app:TAG` in its own copy of tests/docker, against the server.
/// `None`: no server, so trivy must find a DB in the (empty) client cache.
fn scan(engine: &Dockerd, work: &Path, tag: &str, server: Option<(&str, &str)>) -> Child {
    let docker = work.join(format!("docker-{tag}"));
    copy_dir(&workspace_root().join("tests/docker"), &docker);
    let client_cache = work.join(format!("client-cache-{tag}"));
    std::fs::create_dir_all(&client_cache).unwrap();
    let mut cmd = Command::new(scanlens_bin().unwrap());
    cmd.args(["scan", "--message", &format!("Build ::app:{tag}.")])
        .arg("--docker-dir")
        .arg(&docker)
        .arg("--out")
        .arg(work.join(format!("out-{tag}")))
        .args(["--network", "host"])
        .arg("--cache-dir")
        .arg(&client_cache)
        .args(["--skip-db-update"])
        .envs(engine.env())
        .env_remove("GITHUB_EVENT_PATH")
        .env_remove("CI_COMMIT_MESSAGE")
        .env_remove("TRIVY_TOKEN")
        .env("TRIVY_DISABLE_TELEMETRY", "true")
        .env("TRIVY_SKIP_VERSION_CHECK", "true")
        .env("TRIVY_SKIP_CHECK_UPDATE", "true")
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some((url, token)) = server {
        cmd.args(["--server", url, "--token", token]);
    }
    cmd.spawn().unwrap()
}

#[test]
fn two_scans_at_once_use_one_trivy_server_and_its_db() {
    if !e2e() {
        return;
    }
    let engine = require!(Dockerd::shared());
    let cache = require!(TempDir::new("trivy-server-db"));
    let trivy = require!(trivy_env(cache.path()));
    let work = require!(TempDir::new("trivy-server-scans"));
    let server = require!(trivy.server(TOKEN, &work.path().join("server.log")));
    let url = server.url.clone();

    let children: Vec<(String, Child)> = ["one", "two"]
        .iter()
        .map(|t| {
            (
                t.to_string(),
                scan(engine, work.path(), t, Some((&url, TOKEN))),
            )
        })
        .collect();
    let mut reports: Vec<PathBuf> = Vec::new();
    for (tag, child) in children {
        // Each scan is bounded by trivy's own --timeout (5m) and scanlens's kill after it.
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "scan {tag}: {err}");
        reports.push(work.path().join(format!("out-{tag}/app-{tag}/report.json")));
    }
    for r in &reports {
        let report = std::fs::read_to_string(r).unwrap();
        for id in ["CVE-2011-3374", "CVE-2005-2541", FIXED_IN_NEWER] {
            assert!(report.contains(id), "{id} missing in {}", r.display());
        }
        assert!(!report.contains(FIXED_IN_OLDER));
    }

    // A wrong token is refused by the server, and the scan says so instead of reporting nothing.
    let out = scan(engine, work.path(), "bad", Some((&url, "not-the-token")))
        .wait_with_output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(!work.path().join("out-bad/app-bad/report.json").exists());

    // The same scan without the server has no DB to use: the findings above came from it.
    let out = scan(engine, work.path(), "local", None)
        .wait_with_output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("no vulnerability DB"), "{err}");
}
