//! Test harness shared by the end-to-end tests.
//!
//! - [`e2e`]: the one gate. End-to-end tests run only when `SCANLENS_E2E=1`; otherwise each
//!   prints one `SKIPPED` line and returns. Once they run, a missing tool is a failure.
//! - [`require!`]: unwraps a set-up step of an end-to-end test or fails the test, naming what is
//!   missing.
//! - [`Dockerd`]: a private Docker engine, stopped and cleaned up on drop;
//!   [`Dockerd::shared`] is one engine with the base image for the whole test binary, stopped
//!   and cleaned up when the binary exits ([`at_exit`]).
//! - [`ensure_base_image`]: `local/debian:bookworm` imported from a cached debootstrap rootfs.
//! - [`trivy_env`]: a Trivy cache dir with the offline DB from `xtask trivy-db`.
//! - [`scanlens_bin`], [`docker_dir`], [`workspace_root`]: paths for the tests.

mod dockerd;
mod image;
mod trivy;

use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, Once, OnceLock};

use anyhow::{anyhow, bail, Context, Result};

pub use dockerd::{which, Dockerd};
pub use image::{base_rootfs_tar, cache_dir, ensure_base_image, BASE_IMAGE, DEBIAN_MIRROR};
pub use trivy::{trivy_env, TrivyEnv, TrivyServer, CONFIG_OFFLINE_FLAGS, OFFLINE_FLAGS};

/// The variable that turns the end-to-end tests on: `SCANLENS_E2E=1`.
pub const E2E_VAR: &str = "SCANLENS_E2E";

/// Something a test needs is not installed here (dockerd, trivy, debootstrap, root).
#[derive(Debug)]
pub struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unavailable: {}", self.0)
    }
}

impl std::error::Error for Unavailable {}

/// Whether an on/off variable is on: set, not empty and not `0`.
fn flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The running test's name (libtest names each test's thread after it).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_string()
}

/// Prints `SKIPPED <test>: <why>` to the raw stderr: not through `eprintln!`, so libtest's
/// output capture does not hide it (a skipped test still shows as "ok").
pub fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED {}: {why}", test_name());
}

/// The gate of every end-to-end test (one that needs dockerd, trivy, Chromium or moto):
///
/// ```ignore
/// if !e2e() {
///     return;
/// }
/// ```
///
/// True when `SCANLENS_E2E` is set (not empty, not `0`). Otherwise prints one `SKIPPED` line and
/// returns false. There is no other way for an end-to-end test to skip: once the gate is open, a
/// missing tool fails the test (see [`require!`]).
pub fn e2e() -> bool {
    if flag(E2E_VAR) {
        return true;
    }
    skipped(&format!(
        "end-to-end test (dockerd, trivy, Chromium, moto); set {E2E_VAR}=1 to run it"
    ));
    false
}

/// Fails the running end-to-end test on a set-up error; see [`require!`].
#[doc(hidden)]
pub fn set_up_failed(at: &str, err: anyhow::Error) -> ! {
    assert!(
        flag(E2E_VAR),
        "{at}: require! used before the e2e() gate: call `if !e2e() {{ return; }}` first"
    );
    if err.downcast_ref::<Unavailable>().is_some() {
        panic!(
            "{at}: {err:#}. {E2E_VAR} is set, so a missing tool is a failure: \
             install it (bash .ci/install) or unset {E2E_VAR}"
        );
    }
    panic!("{at}: {err:#}");
}

/// `let d = require!(Dockerd::shared());`: unwraps a set-up step of an end-to-end test, or fails
/// the test with the error (a missing tool included). Use it only after the [`e2e`] gate.
#[macro_export]
macro_rules! require {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => {
                $crate::set_up_failed(concat!(file!(), ":", line!()), ::anyhow::Error::from(err))
            }
        }
    };
}

type ExitJob = Box<dyn FnOnce() + Send>;

static AT_EXIT: Mutex<Vec<ExitJob>> = Mutex::new(Vec::new());

extern "C" fn run_at_exit() {
    let jobs = std::mem::take(&mut *AT_EXIT.lock().unwrap_or_else(|e| e.into_inner()));
    for job in jobs.into_iter().rev() {
        // A panic must not unwind into libc's exit.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

/// Runs `job` when the process exits normally: libtest returns from `main` when every test
/// passed and calls `std::process::exit(101)` when one failed; both run `atexit` handlers. Jobs
/// run last-registered first. A process killed by a signal runs none: [`Dockerd::start`] sweeps
/// what such a process left.
pub fn at_exit(job: impl FnOnce() + Send + 'static) {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // SAFETY: registers a plain `extern "C" fn()` that catches every panic.
        let rc = unsafe { libc::atexit(run_at_exit) };
        assert_eq!(rc, 0, "atexit failed");
    });
    AT_EXIT
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Box::new(job));
}

/// Why a value made once per binary could not be made (kept for every later caller).
#[derive(Debug)]
pub struct StartError {
    unavailable: bool,
    message: String,
}

/// A value made once per test binary, on first use, and cleaned up with `stop` when the binary
/// exits. A failed start is kept too: every later caller gets the same error, so each test that
/// needs the value fails with the cause.
pub fn once_per_binary<T: Send + Sync + 'static>(
    cell: &'static OnceLock<Result<T, StartError>>,
    start: impl FnOnce() -> Result<T>,
    stop: fn(&T),
) -> Result<&'static T> {
    let made = cell.get_or_init(|| {
        let value = start().map_err(|e| match e.downcast_ref::<Unavailable>() {
            Some(u) => StartError {
                unavailable: true,
                message: u.0.clone(),
            },
            None => StartError {
                unavailable: false,
                message: format!("{e:#}"),
            },
        })?;
        at_exit(move || {
            if let Some(Ok(v)) = cell.get() {
                stop(v);
            }
        });
        Ok(value)
    });
    match made {
        Ok(v) => Ok(v),
        Err(e) if e.unavailable => Err(Unavailable(e.message.clone()).into()),
        Err(e) => Err(anyhow!("{}", e.message)),
    }
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
/// `cargo test --workspace` builds it; `cargo test -p scanlens-e2e` alone does not (a binary of
/// a dependency is not built), so run `cargo build -p scanlens` first, or the tests run whatever
/// binary is there.
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
