//! Offline Trivy: a cache dir holding the small DB from `xtask trivy-db`, and the flags and
//! environment that make `trivy` use it without touching the network.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::dockerd::{which, Dockerd};
use crate::Unavailable;

/// Flags that make `trivy image|fs|rootfs` work offline against the cache dir's DB (and never
/// phone home).
pub const OFFLINE_FLAGS: &[&str] = &[
    "--skip-db-update",
    "--skip-java-db-update",
    "--offline-scan",
    "--skip-check-update",
    "--skip-version-check",
    "--disable-telemetry",
    "--no-progress",
];

/// The subset that `trivy config` accepts (it rejects the DB flags): it uses the checks bundle
/// embedded in trivy, so it needs no DB.
pub const CONFIG_OFFLINE_FLAGS: &[&str] = &[
    "--skip-check-update",
    "--skip-version-check",
    "--disable-telemetry",
];

/// A Trivy cache dir with the offline DB, and how to run trivy against it.
#[derive(Debug, Clone)]
pub struct TrivyEnv {
    /// `$TRIVY_CACHE_DIR`: holds `db/trivy.db` and `db/metadata.json`.
    pub cache_dir: PathBuf,
}

/// Creates `dir` (if needed) as a Trivy cache dir holding the offline DB of
/// `xtask::trivydb` and returns how to use it. Fails with [`Unavailable`] when `trivy` is not
/// installed.
pub fn trivy_env(dir: &Path) -> Result<TrivyEnv> {
    if which("trivy").is_none() {
        return Err(Unavailable("`trivy` is not on PATH (run .ci/install)".into()).into());
    }
    xtask::trivydb::write(dir).with_context(|| format!("writing Trivy DB in {}", dir.display()))?;
    Ok(TrivyEnv {
        cache_dir: dir.to_path_buf(),
    })
}

impl TrivyEnv {
    /// Environment variables equivalent to `--cache-dir DIR` plus [`OFFLINE_FLAGS`], for tools
    /// (like `scanlens scan`) that run trivy themselves. Unlike the flags, these work for every
    /// subcommand (`trivy config` ignores the ones it has no flag for).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "TRIVY_CACHE_DIR".into(),
                self.cache_dir.display().to_string(),
            ),
            ("TRIVY_SKIP_DB_UPDATE".into(), "true".into()),
            ("TRIVY_SKIP_JAVA_DB_UPDATE".into(), "true".into()),
            ("TRIVY_OFFLINE_SCAN".into(), "true".into()),
            ("TRIVY_SKIP_CHECK_UPDATE".into(), "true".into()),
            ("TRIVY_SKIP_VERSION_CHECK".into(), "true".into()),
            ("TRIVY_DISABLE_TELEMETRY".into(), "true".into()),
            ("TRIVY_NO_PROGRESS".into(), "true".into()),
        ]
    }

    /// `trivy SUBCOMMAND --cache-dir DIR <offline flags for that subcommand>`; add the rest of
    /// the arguments.
    pub fn command(&self, subcommand: &str) -> Command {
        let flags = match subcommand {
            "config" => CONFIG_OFFLINE_FLAGS,
            _ => OFFLINE_FLAGS,
        };
        let mut c = Command::new("trivy");
        c.arg(subcommand)
            .arg("--cache-dir")
            .arg(&self.cache_dir)
            .args(flags);
        c
    }

    /// `trivy image --image-src docker --format json --scanners vuln,secret IMAGE` against the
    /// given engine; returns the parsed report.
    pub fn scan_image(&self, dockerd: &Dockerd, image: &str) -> Result<serde_json::Value> {
        let mut c = self.command("image");
        c.envs(dockerd.env())
            .args([
                "--image-src",
                "docker",
                "--format",
                "json",
                "--scanners",
                "vuln,secret",
            ])
            .arg(image);
        let out = crate::command_output(&mut c).with_context(|| format!("trivy image {image}"))?;
        serde_json::from_str(&out).context("parsing trivy image JSON")
    }

    /// `trivy config --format json DIR` (Dockerfile misconfigurations); returns the report.
    pub fn scan_config(&self, dir: &Path) -> Result<serde_json::Value> {
        let mut c = self.command("config");
        c.args(["--format", "json"]).arg(dir);
        let out = crate::command_output(&mut c)
            .with_context(|| format!("trivy config {}", dir.display()))?;
        serde_json::from_str(&out).context("parsing trivy config JSON")
    }
}

/// A `trivy server` on 127.0.0.1 serving a [`TrivyEnv`]'s offline DB, started with `--token`;
/// killed when dropped, so a failing test leaves no server behind.
pub struct TrivyServer {
    child: Child,
    /// `http://127.0.0.1:PORT`, what `scan --server` takes.
    pub url: String,
}

impl Drop for TrivyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TrivyEnv {
    /// Starts `trivy server --token TOKEN` on a free port with this cache dir's DB (never
    /// updated) and waits until it listens. Its output goes to `log` and `log` with the extension
    /// `err`.
    pub fn server(&self, token: &str, log: &Path) -> Result<TrivyServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("trivy")
            .args(["server", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--token", token, "--skip-db-update", "--no-progress"])
            .env("TRIVY_DISABLE_TELEMETRY", "true")
            .env("TRIVY_SKIP_VERSION_CHECK", "true")
            .arg("--cache-dir")
            .arg(&self.cache_dir)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(log)?)
            .stderr(std::fs::File::create(log.with_extension("err"))?)
            .spawn()
            .context("starting trivy server")?;
        let mut server = TrivyServer {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let errors = || std::fs::read_to_string(log.with_extension("err")).unwrap_or_default();
            if let Some(status) = server.child.try_wait()? {
                bail!("trivy server exited ({status}): {}", errors());
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("trivy server did not listen within 60s: {}", errors());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(server)
    }
}
