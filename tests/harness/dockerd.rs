//! A private Docker engine: its own data-root, exec-root, socket and pidfile under
//! `/tmp/scanlens-e2e-<pid>-<n>/`, stopped and cleaned up on drop (also when the test panics).
//! [`Dockerd::shared`] is one such engine for a whole test binary, stopped and cleaned up when
//! the binary exits.

use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{command_output, ensure_base_image, once_per_binary, StartError, Unavailable};

/// Prefix of every work directory this harness creates under the temp dir.
const WORK_PREFIX: &str = "scanlens-e2e-";
const START_TIMEOUT: Duration = Duration::from_secs(90);
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A running private `dockerd`. Talk to it with [`Dockerd::docker`] or by setting
/// `DOCKER_HOST` to [`Dockerd::docker_host`].
pub struct Dockerd {
    work_dir: PathBuf,
    socket: PathBuf,
    /// `None` once stopped. Behind a lock so that a shared engine can be stopped through `&self`.
    child: Mutex<Option<Child>>,
    /// Serialises base-image imports on this engine.
    pub(crate) import_lock: Mutex<()>,
}

impl Dockerd {
    /// Starts a private dockerd and waits until `docker info` answers.
    ///
    /// Returns an [`Unavailable`] error (which tests turn into a skip outside CI) when `dockerd`
    /// or the `docker` client is not installed or we are not root.
    pub fn start() -> Result<Dockerd> {
        for tool in ["dockerd", "docker", "containerd"] {
            if which(tool).is_none() {
                return Err(
                    Unavailable(format!("`{tool}` is not on PATH (run .ci/install)")).into(),
                );
            }
        }
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err(Unavailable("dockerd needs root".into()).into());
        }
        sweep_stale_work_dirs();

        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let work_dir =
            std::env::temp_dir().join(format!("{WORK_PREFIX}{}-{n}", std::process::id()));
        if work_dir.exists() {
            cleanup_dir(&work_dir);
        }
        fs::create_dir_all(&work_dir)
            .with_context(|| format!("creating {}", work_dir.display()))?;
        let socket = work_dir.join("docker.sock");
        let log_path = work_dir.join("dockerd.log");
        let log = fs::File::create(&log_path)?;
        let ns = format!("scanlens-e2e-{}-{n}", std::process::id());

        let mut cmd = Command::new("dockerd");
        cmd.arg("--data-root")
            .arg(work_dir.join("data"))
            .arg("--exec-root")
            .arg(work_dir.join("exec"))
            .arg("--pidfile")
            .arg(work_dir.join("docker.pid"))
            .arg("-H")
            .arg(format!("unix://{}", socket.display()))
            .args([
                "--storage-driver=overlay2",
                "--iptables=false",
                "--ip6tables=false",
                "--bridge=none",
            ])
            .arg(format!("--containerd-namespace={ns}"))
            .arg(format!("--containerd-plugins-namespace={ns}-plugins"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            // Own process group, so that leftovers can be killed as a group.
            .process_group(0);
        let child = cmd.spawn().context("spawning dockerd")?;
        let d = Dockerd {
            work_dir,
            socket,
            child: Mutex::new(Some(child)),
            import_lock: Mutex::new(()),
        };
        d.wait_ready(&log_path)?;
        Ok(d)
    }

    /// One engine for the whole test binary, with [`BASE_IMAGE`](crate::BASE_IMAGE) imported:
    /// started by the first test that asks and shared by all (tests run in parallel, so each
    /// uses image tags and folders of its own). It is stopped and its work dir removed when the
    /// binary exits ([`crate::at_exit`]). A failed start fails every test that asks, with the
    /// same error.
    pub fn shared() -> Result<&'static Dockerd> {
        static ENGINE: OnceLock<Result<Dockerd, StartError>> = OnceLock::new();
        once_per_binary(
            &ENGINE,
            || {
                let d = Dockerd::start()?;
                ensure_base_image(&d)?;
                Ok(d)
            },
            Dockerd::stop,
        )
    }

    fn wait_ready(&self, log_path: &Path) -> Result<()> {
        let start = Instant::now();
        loop {
            {
                let mut child = self.child.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(status) = child.as_mut().map(Child::try_wait).transpose()?.flatten() {
                    *child = None;
                    bail!(
                        "dockerd exited early ({status}); log:\n{}",
                        tail(log_path, 40)
                    );
                }
            }
            if self.socket.exists() {
                let out = self
                    .docker()
                    .args(["info", "--format", "{{.ServerVersion}}"])
                    .stdin(Stdio::null())
                    .output()?;
                if out.status.success() {
                    return Ok(());
                }
            }
            if start.elapsed() > START_TIMEOUT {
                bail!(
                    "dockerd did not answer within {START_TIMEOUT:?}; log:\n{}",
                    tail(log_path, 40)
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `unix:///tmp/scanlens-e2e-…/docker.sock`, the value for `DOCKER_HOST`.
    pub fn docker_host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// The private work directory (data-root, exec-root, socket, log live under it).
    pub fn work_dir(&self) -> &Path {
        &self.work_dir
    }

    /// Environment for any docker client (the `docker` CLI, trivy, scanlens) talking to this
    /// engine: `DOCKER_HOST`, `DOCKER_BUILDKIT=0` (classic builder) and a private
    /// `DOCKER_CONFIG`.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("DOCKER_HOST".into(), self.docker_host()),
            ("DOCKER_BUILDKIT".into(), "0".into()),
            (
                "DOCKER_CONFIG".into(),
                self.work_dir.join("client-config").display().to_string(),
            ),
        ]
    }

    /// A `docker` command aimed at this engine.
    pub fn docker(&self) -> Command {
        let mut c = Command::new("docker");
        c.envs(self.env());
        c
    }

    /// Runs `docker ARGS`, failing with its output when it fails; returns stdout.
    pub fn run(&self, args: &[&str]) -> Result<String> {
        let mut c = self.docker();
        c.args(args);
        command_output(&mut c)
    }

    /// `docker build --network host -t TAG DIR` with the classic builder.
    pub fn build(&self, dir: &Path, tag: &str) -> Result<()> {
        let dir = dir.to_str().context("non-UTF-8 build dir")?;
        self.run(&["build", "--network", "host", "-q", "-t", tag, dir])
            .with_context(|| format!("docker build -t {tag} {dir}"))?;
        Ok(())
    }

    /// Whether the engine has an image with this reference.
    pub fn has_image(&self, reference: &str) -> Result<bool> {
        let out = self
            .docker()
            .args(["image", "inspect", "--format", "{{.Id}}", reference])
            .stdin(Stdio::null())
            .output()?;
        Ok(out.status.success())
    }

    /// Stops the engine (SIGTERM, then SIGKILL to its process group), kills what it left
    /// running and removes its work dir. Idempotent.
    fn stop(&self) {
        let child = self.child.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(mut child) = child {
            let pid = child.id() as libc::pid_t;
            // SAFETY: plain kill(2) on our own child.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            let start = Instant::now();
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if start.elapsed() < STOP_TIMEOUT => {
                        std::thread::sleep(Duration::from_millis(100))
                    }
                    _ => {
                        // SAFETY: kill(2) on the process group we created for dockerd.
                        unsafe { libc::kill(-pid, libc::SIGKILL) };
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
        kill_processes_using(&self.work_dir);
        cleanup_dir(&self.work_dir);
    }
}

impl Drop for Dockerd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Finds an executable on PATH.
pub fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|p| p.join(tool))
        .find(|p| p.is_file())
}

fn tail(path: &Path, lines: usize) -> String {
    let mut s = String::new();
    if let Ok(mut f) = fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    let all: Vec<&str> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Kills (SIGKILL) processes whose command line mentions `dir` (dockerd's managed containerd and
/// shims): only processes started for this work dir can match.
fn kill_processes_using(dir: &Path) {
    let needle = dir.as_os_str().as_encoded_bytes();
    let me = std::process::id();
    let Ok(entries) = fs::read_dir("/proc") else {
        return;
    };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(cmdline) = fs::read(e.path().join("cmdline")) else {
            continue;
        };
        if cmdline.windows(needle.len()).any(|w| w == needle) {
            // SAFETY: kill(2) by pid on a process that references our private work dir.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
        }
    }
}

/// Unmounts everything mounted under `dir` (deepest first, lazily) and removes it.
fn cleanup_dir(dir: &Path) {
    let mut mounts: Vec<String> = fs::read_to_string("/proc/self/mountinfo")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(unescape_mountinfo)
        .filter(|m| Path::new(m).starts_with(dir))
        .collect();
    mounts.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for m in mounts {
        if let Ok(c) = std::ffi::CString::new(m) {
            // SAFETY: umount2 with a valid C string.
            unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
        }
    }
    let _ = fs::remove_dir_all(dir);
}

fn unescape_mountinfo(s: &str) -> String {
    // mountinfo escapes space, tab, newline and backslash as \ooo.
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 4 <= b.len() {
            let oct = std::str::from_utf8(&b[i + 1..i + 4]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(oct, 8) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Removes work dirs left by test processes that died without running their destructors
/// (e.g. killed by a timeout): their pid no longer exists.
fn sweep_stale_work_dirs() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(WORK_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        let dir = e.path();
        kill_processes_using(&dir);
        cleanup_dir(&dir);
    }
}
