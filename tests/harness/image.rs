//! The local base image `local/debian:bookworm`: no registry is reachable, so it is imported from
//! a debootstrapped Debian 12 minbase rootfs, cached as a tarball across test runs.

use std::fs;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::dockerd::{which, Dockerd};
use crate::{command_output, Unavailable};

/// The tag every test Dockerfile starts `FROM`.
pub const BASE_IMAGE: &str = "local/debian:bookworm";

/// Debian mirror used by debootstrap (reachable through the apt registry).
pub const DEBIAN_MIRROR: &str = "http://deb.debian.org/debian";

/// Where the rootfs tarball is cached: `$SCANLENS_E2E_CACHE` or `/var/cache/scanlens-e2e`.
pub fn cache_dir() -> PathBuf {
    std::env::var_os("SCANLENS_E2E_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/cache/scanlens-e2e"))
}

/// Holds an exclusive `flock` on a file until dropped (works across processes and threads).
struct FileLock(fs::File);

impl FileLock {
    fn acquire(path: &Path) -> Result<FileLock> {
        let f = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .with_context(|| format!("opening lock {}", path.display()))?;
        // SAFETY: flock on a file descriptor we own.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
            bail!(
                "flock {}: {}",
                path.display(),
                std::io::Error::last_os_error()
            );
        }
        Ok(FileLock(f))
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // SAFETY: unlocking our own descriptor.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// Returns the path of the cached `bookworm-minbase.tar`, building it first with
/// `debootstrap --variant=minbase bookworm` if it is missing (about 25 s with a fast mirror).
/// Safe to call concurrently from several tests and processes.
pub fn base_rootfs_tar() -> Result<PathBuf> {
    let dir = cache_dir();
    let tar = dir.join("bookworm-minbase.tar");
    if tar.is_file() {
        return Ok(tar);
    }
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let _lock = FileLock::acquire(&dir.join(".lock"))?;
    if tar.is_file() {
        return Ok(tar);
    }
    if which("debootstrap").is_none() {
        return Err(Unavailable("`debootstrap` is not on PATH (run .ci/install)".into()).into());
    }
    let rootfs = dir.join(format!("rootfs-{}", std::process::id()));
    if rootfs.exists() {
        fs::remove_dir_all(&rootfs)?;
    }
    let result = (|| -> Result<()> {
        command_output(
            Command::new("debootstrap")
                .args(["--variant=minbase", "bookworm"])
                .arg(&rootfs)
                .arg(DEBIAN_MIRROR),
        )
        .context("debootstrap (needs the Debian mirror)")?;
        // Package lists and downloaded .debs are not part of an image.
        for sub in ["var/lib/apt/lists", "var/cache/apt"] {
            let p = rootfs.join(sub);
            if p.is_dir() {
                fs::remove_dir_all(&p)?;
                fs::create_dir_all(&p)?;
            }
        }
        let tmp = dir.join(format!("bookworm-minbase.tar.tmp-{}", std::process::id()));
        command_output(
            Command::new("tar")
                .arg("-C")
                .arg(&rootfs)
                .args(["--numeric-owner", "-cf"])
                .arg(&tmp)
                .arg("."),
        )
        .context("tar of the debootstrapped rootfs")?;
        fs::rename(&tmp, &tar)?;
        Ok(())
    })();
    let _ = fs::remove_dir_all(&rootfs);
    result?;
    Ok(tar)
}

/// Makes sure `local/debian:bookworm` exists on this engine (imports the cached rootfs tarball,
/// building it first if needed). Safe to call from several tests sharing one [`Dockerd`].
pub fn ensure_base_image(dockerd: &Dockerd) -> Result<()> {
    let _guard = dockerd
        .import_lock
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if dockerd.has_image(BASE_IMAGE)? {
        return Ok(());
    }
    let tar = base_rootfs_tar()?;
    let tar = tar.to_str().context("non-UTF-8 cache path")?;
    dockerd
        .run(&["import", tar, BASE_IMAGE])
        .with_context(|| format!("docker import {tar} {BASE_IMAGE}"))?;
    Ok(())
}
