//! Durable history without a cache: `site --from https://…` restores the dashboard's scans from
//! where it is deployed. The deployed site is served here by Python's own static file server on
//! 127.0.0.1 (as GitHub Pages would serve it); a fresh folder, as a new CI run has, gets the
//! deployed history back and adds the run's scan to it.

use scanlens_e2e::{e2e, require, scanlens_bin, TempDir};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The static server, killed when the test ends.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn scanlens(args: &[&str]) -> String {
    let out = Command::new(scanlens_bin().unwrap())
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{err}");
    err
}

fn render(dir: &Path, image: &str, at: &str) -> String {
    let input = dir.join(format!("{image}.json"));
    std::fs::write(
        &input,
        format!(
            r#"{{"SchemaVersion":2,"ArtifactName":"{image}:1","ArtifactType":"container_image","CreatedAt":"{at}","Results":[{{"Target":"t","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{{"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1","Severity":"HIGH"}}]}}]}}"#
        ),
    )
    .unwrap();
    let out = dir.join(format!("out/{image}-{}", &at[..10]));
    scanlens(&[
        "render",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    out.to_str().unwrap().to_string()
}

fn scans(site: &Path) -> Vec<(String, usize)> {
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("data/site.json")).unwrap()).unwrap();
    index["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_string(),
                i["scans"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[test]
fn a_fresh_run_restores_the_history_from_the_deployed_site() {
    if !e2e() {
        return;
    }
    let tmp = require!(TempDir::new("fleet-history"));
    // Yesterday's runs built and deployed this site.
    let deployed = tmp.path().join("deployed");
    let a = render(tmp.path(), "app", "2024-05-01T10:00:00Z");
    let b = render(tmp.path(), "db", "2024-05-01T11:00:00Z");
    scanlens(&["site", "--out", deployed.to_str().unwrap(), &a, &b]);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut served = Served(
        Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .arg("--directory")
            .arg(&deployed)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            served.0.try_wait().unwrap().is_none(),
            "the static server exited"
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no static server"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let url = format!("http://127.0.0.1:{port}/");

    // Today's run starts from nothing (no cache) and adds a new scan of app.
    let c = render(tmp.path(), "app", "2024-05-02T10:00:00Z");
    let site = tmp.path().join("today/site");
    let err = scanlens(&["site", "--out", site.to_str().unwrap(), "--from", &url, &c]);
    assert!(err.contains("added 3 scan(s)"), "{err}");
    assert_eq!(
        scans(&site),
        [("app".to_string(), 2), ("db".to_string(), 1)]
    );
    // Restoring again finds nothing new; a site never deployed (no data/site.json) is empty.
    let err = scanlens(&["site", "--out", site.to_str().unwrap(), "--from", &url]);
    assert!(err.contains("added 0 scan(s)"), "{err}");
    std::fs::remove_file(deployed.join("data/site.json")).unwrap();
    let fresh = tmp.path().join("fresh");
    let err = scanlens(&["site", "--out", fresh.to_str().unwrap(), "--from", &url, &c]);
    assert!(err.contains("added 1 scan(s)"), "{err}");
}
