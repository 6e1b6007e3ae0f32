//! Test harness shared by the end-to-end tests.
//!
//! - [`Dockerd`]: a private Docker engine per test, stopped and cleaned up on drop.
//! - [`ensure_base_image`]: `local/debian:bookworm` imported from a cached debootstrap rootfs.
//! - [`trivy_env`]: a Trivy cache dir with the offline DB from `xtask trivy-db`.
//! - [`scanlens_bin`], [`docker_dir`], [`workspace_root`]: paths for the tests.
//! - [`require!`]: turns a missing tool into a skip outside CI (`CI` unset) and into a failure in
//!   CI.

mod dockerd;
mod image;
mod trivy;

use std::fmt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

pub use dockerd::{which, Dockerd};
pub use image::{base_rootfs_tar, cache_dir, ensure_base_image, BASE_IMAGE, DEBIAN_MIRROR};
pub use trivy::{trivy_env, TrivyEnv, CONFIG_OFFLINE_FLAGS, OFFLINE_FLAGS};

/// Something a test needs is not installed here (dockerd, trivy, debootstrap, root).
#[derive(Debug)]
pub struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unavailable: {}", self.0)
    }
}

impl std::error::Error for Unavailable {}

/// Whether we run in CI (`CI` set and not `false`/`0`/empty): there nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| !v.is_empty() && v != "0" && v != "false")
        .unwrap_or(false)
}

/// Handles an error from a harness set-up call: an [`Unavailable`] outside CI prints a skip
/// message (and the caller returns); anything else, or anything in CI, panics.
pub fn skip_or_panic(test: &str, err: anyhow::Error) {
    if let Some(u) = err.downcast_ref::<Unavailable>() {
        if !in_ci() {
            // Written to the raw stderr, not through eprintln!, so libtest's output capture does
            // not hide it: a skipped test still shows as "ok".
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: {u} (set CI=1 to make this a failure)"
            );
            return;
        }
    }
    panic!("{test}: {err:#}");
}

/// `let d = require!(Dockerd::start());` — unwraps, or skips the test (returns) when a tool is
/// unavailable outside CI, or panics.
#[macro_export]
macro_rules! require {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => {
                $crate::skip_or_panic(
                    concat!(module_path!(), " (", file!(), ":", line!(), ")"),
                    ::anyhow::Error::from(err),
                );
                return;
            }
        }
    };
}

/// The workspace root (`/work/main` in a checkout).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A test image folder: `tests/docker/NAME` (holds a Dockerfile).
pub fn docker_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docker")
        .join(name)
}

/// The `scanlens` binary built next to the running test (`target/<profile>/scanlens`).
/// Build it first (`cargo build -p scanlens-generator` or whatever package ships it); `cargo
/// test --workspace` builds it too.
pub fn scanlens_bin() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("current_exe")?;
    // target/<profile>/deps/<test>-<hash> → target/<profile>
    let mut dir = exe.parent().context("test binary has no parent")?;
    if dir.ends_with("deps") {
        dir = dir.parent().context("deps has no parent")?;
    }
    let bin = dir.join("scanlens");
    if !bin.is_file() {
        bail!(
            "scanlens binary not found at {}: build it first (cargo build --bin scanlens)",
            bin.display()
        );
    }
    Ok(bin)
}

/// Runs a command with stdin closed; returns stdout, or fails with status, stdout tail and
/// stderr tail.
pub fn command_output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {cmd:?}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        bail!(
            "{cmd:?} failed ({}):\nstdout: {}\nstderr: {}",
            out.status,
            last_chars(&stdout, 2000),
            last_chars(&stderr, 4000)
        );
    }
    Ok(stdout)
}

fn last_chars(s: &str, n: usize) -> &str {
    let mut start = s.len().saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

/// A scratch directory removed on drop: `/tmp/scanlens-e2e-scratch-<pid>-<n>`.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Result<TempDir> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "scanlens-e2e-scratch-{}-{}-{label}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The OS-package vulnerabilities of a raw Trivy report.
pub fn os_vulns(report: &serde_json::Value) -> Vec<&serde_json::Value> {
    report["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["Class"] == "os-pkgs")
        .flat_map(|r| r["Vulnerabilities"].as_array().into_iter().flatten())
        .collect()
}

/// The vulnerability `id` on package `pkg`, if Trivy reported it.
pub fn find_vuln<'a>(
    vulns: &[&'a serde_json::Value],
    id: &str,
    pkg: &str,
) -> Option<&'a serde_json::Value> {
    vulns
        .iter()
        .copied()
        .find(|v| v["VulnerabilityID"] == id && v["PkgName"] == pkg)
}
