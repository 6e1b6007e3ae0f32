//! Writing a report directory atomically.
//!
//! Everything is written to a hidden sibling directory first, then swapped into place, so a
//! failure or a kill at any moment leaves either the complete earlier report or the complete new
//! one, never a half-written mix.
//!
//! Temporary folders are named and removed by [`crate::cleanup`], so a later run clears what a
//! killed one left.

use anyhow::{bail, Context};
use std::fs;
use std::path::{Path, PathBuf};

/// Writes `files` (name, bytes) as the directory `out`, replacing any earlier one at once.
pub fn write_dir_atomically(out: &Path, files: &[(&str, &[u8])]) -> anyhow::Result<()> {
    write_dir_atomically_with(out, |dir| {
        for (file, bytes) in files {
            fs::write(dir.join(file), bytes)?;
        }
        Ok(())
    })
}

/// Writes the file `path` at once: into a hidden sibling folder, then renamed over `path`. A
/// failure (a full disk, a kill) leaves an earlier file whole, and a link at `path` is replaced,
/// not written through.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{} must name a file", path.display()))?
        .to_string_lossy()
        .into_owned();
    if path.is_dir() {
        bail!("{} is a folder; name a file to write", path.display());
    }
    let parent = parent_of(path);
    write_files_into(&parent, &name, |dir| fs::write(dir.join(&name), bytes))
        .with_context(|| format!("cannot write {}; check free space and permissions (an earlier file there is unchanged)", path.display()))
}

/// Writes what `fill` puts in a (temporary) folder into `dir`, each file renamed into place: a
/// failure leaves `dir` as it was, and links in `dir` are replaced, not written through. `what`
/// names the temporary folder.
pub fn write_files_into(
    dir: &Path,
    what: &str,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    crate::cleanup::remove_stale(dir);
    let tmp =
        crate::cleanup::TempDir::register(dir.join(format!(".{what}.scanlens-new-{}", tag())));
    fs::create_dir(tmp.path())?;
    fill(tmp.path())?;
    for e in fs::read_dir(tmp.path())? {
        let e = e?;
        fs::rename(e.path(), dir.join(e.file_name()))?;
    }
    Ok(())
}

/// The first entry of an existing, non-empty `out` when it shares no name with the new output in
/// `new`: then `out` is somebody's folder (a source tree, a home), not an earlier output, and
/// replacing it would delete what it holds.
fn foreign_folder(out: &Path, new: &Path) -> Option<String> {
    let names = |dir: &Path| -> Vec<std::ffi::OsString> {
        fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.file_name())).collect())
            .unwrap_or_default()
    };
    let existing = names(out);
    let ours = names(new);
    if existing.is_empty() || existing.iter().any(|n| ours.contains(n)) {
        return None;
    }
    existing
        .iter()
        .min()
        .map(|n| n.to_string_lossy().into_owned())
}

fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses an `--out` that names no folder of its own (`.`, `..`, `/`): the output replaces its
/// folder as a whole, and those are the folder the command runs in or one above it. Commands
/// check it before doing any work; the writer checks it again.
pub fn check_out(out: &Path) -> Result<(), crate::exit::Usage> {
    match out.file_name() {
        Some(_) => Ok(()),
        None => Err(crate::exit::Usage(format!(
            "--out {} names no folder of its own, and the output replaces its folder as a whole; \
             name a new or earlier output folder, such as --out scanlens-report",
            out.display()
        ))),
    }
}

/// Like [`write_dir_atomically`], with `fill` writing the files into the (temporary) directory
/// it is given, so that large files can be streamed rather than built in memory first.
pub fn write_dir_atomically_with(
    out: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    check_out(out)?;
    let name = out
        .file_name()
        .expect("checked")
        .to_string_lossy()
        .into_owned();
    let parent = parent_of(out);
    if out.exists() && !out.is_dir() {
        bail!(
            "--out {} exists and is not a directory; choose another path",
            out.display()
        );
    }
    fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}; check permissions", parent.display()))?;
    crate::cleanup::remove_stale(&parent);
    let tag = tag();
    let tmp = crate::cleanup::TempDir::register(parent.join(format!(".{name}.scanlens-new-{tag}")));
    let result = (|| {
        fs::create_dir(tmp.path())?;
        // No fsync: the rename below is what protects an earlier report from a failure or a
        // kill, and syncing 200 MB of report.json tripled the time to render it.
        fill(tmp.path())
    })();
    if let Err(e) = result {
        return Err(e).with_context(|| {
            format!(
                "cannot write the report next to {}; check free space and permissions",
                out.display()
            )
        });
    }
    if let Some(foreign) = foreign_folder(out, tmp.path()) {
        bail!(
            "--out {} holds {foreign}, which is not an earlier scanlens output, and the folder is replaced as a whole; choose a new or empty folder",
            out.display()
        );
    }
    let old = crate::cleanup::TempDir::register(parent.join(format!(".{name}.scanlens-old-{tag}")));
    match swap_into_place(tmp.path(), out, old.path(), |p| fs::remove_dir_all(p))
        .with_context(|| format!("cannot move the new report into {}", out.display()))?
    {
        Swapped::Done => Ok(()),
        // The new report is in place; only removing the earlier one failed. Say so, but the run
        // did its job.
        Swapped::OldLeft { at, error } => {
            // Keep the earlier copy: it could not be removed, and removing it again on drop
            // would fail the same way.
            std::mem::forget(if at == tmp.path() { tmp } else { old });
            eprintln!(
                "scanlens: warning: the new report is in {}, but the earlier one could not be removed from {} ({error}); delete it by hand",
                out.display(),
                at.display()
            );
            Ok(())
        }
    }
}

/// How the swap ended, when the new report is in place.
enum Swapped {
    Done,
    /// The earlier report is still at `at`, which could not be removed.
    OldLeft {
        at: PathBuf,
        error: std::io::Error,
    },
}

/// Puts `new` at `out`; the earlier report goes through `old` and is removed with `remove`.
fn swap_into_place(
    new: &Path,
    out: &Path,
    old: &Path,
    remove: impl Fn(&Path) -> std::io::Result<()>,
) -> std::io::Result<Swapped> {
    let removed = |at: &Path| match remove(at) {
        Ok(()) => Swapped::Done,
        Err(error) => Swapped::OldLeft {
            at: at.to_path_buf(),
            error,
        },
    };
    if !out.exists() {
        fs::rename(new, out)?;
        return Ok(Swapped::Done);
    }
    if exchange(new, out).is_ok() {
        // `new` now holds the earlier report.
        return Ok(removed(new));
    }
    // Filesystems without RENAME_EXCHANGE: two renames, restoring the earlier report on failure.
    fs::rename(out, old)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(old, out);
        return Err(e);
    }
    Ok(removed(old))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // The system call itself, not libc's wrapper: the musl that Rust's static Linux targets link
    // (1.2.3) has no `renameat2`, so the release binary would not link.
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call; the arguments
    // are renameat2(2)'s.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// What tells this run's temporary folders from another's ([`crate::cleanup`] reads the pid).
fn tag() -> String {
    format!("{}-{}", std::process::id(), nanos())
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The system call swaps two folders in one step (the two-rename fallback is not this).
    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("from-a"), "").unwrap();
        fs::write(b.join("from-b"), "").unwrap();
        exchange(&a, &b).unwrap();
        assert!(a.join("from-b").exists() && b.join("from-a").exists());
        assert!(!a.join("from-a").exists() && !b.join("from-b").exists());
        let missing = dir.path().join("missing");
        assert!(exchange(&a, &missing).is_err());
    }

    #[test]
    fn replaces_whole_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        write_dir_atomically(&out, &[("a", b"1"), ("b", b"2")]).unwrap();
        write_dir_atomically(&out, &[("a", b"3")]).unwrap();
        assert_eq!(fs::read(out.join("a")).unwrap(), b"3");
        assert!(!out.join("b").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary directories left behind");
    }

    #[test]
    fn an_earlier_report_that_cannot_be_removed_does_not_fail_the_swap() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out, old) = (
            dir.path().join("new"),
            dir.path().join("out"),
            dir.path().join("old"),
        );
        fs::create_dir(&new).unwrap();
        fs::write(new.join("a"), "new").unwrap();
        fs::create_dir(&out).unwrap();
        fs::write(out.join("a"), "old").unwrap();
        let refuse = |_: &Path| Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        match swap_into_place(&new, &out, &old, refuse).unwrap() {
            Swapped::OldLeft { at, error } => {
                assert_eq!(fs::read_to_string(at.join("a")).unwrap(), "old");
                assert_eq!(error.kind(), std::io::ErrorKind::PermissionDenied);
            }
            Swapped::Done => panic!("the earlier report could not have been removed"),
        }
        assert_eq!(
            fs::read_to_string(out.join("a")).unwrap(),
            "new",
            "the new report is in place"
        );
    }

    #[test]
    fn failure_keeps_earlier_report() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        write_dir_atomically(&out, &[("a", b"1")]).unwrap();
        // A file name that cannot be created makes the write fail midway.
        assert!(write_dir_atomically(&out, &[("a", b"2"), ("x/y", b"z")]).is_err());
        assert_eq!(fs::read(out.join("a")).unwrap(), b"1");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_folder_that_is_not_an_earlier_output_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        fs::create_dir(&src).unwrap();
        fs::write(src.join("main.rs"), "fn main() {}").unwrap();
        let e = write_dir_atomically(&src, &[("report.json", b"{}")]).unwrap_err();
        assert!(format!("{e:#}").contains("holds main.rs"), "{e:#}");
        assert_eq!(
            fs::read_to_string(src.join("main.rs")).unwrap(),
            "fn main() {}"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary folder left"
        );
        // An empty folder, and an earlier output (sharing a name), are replaced.
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write_dir_atomically(&empty, &[("report.json", b"{}")]).unwrap();
        write_dir_atomically(&empty, &[("report.json", b"[]"), ("index.html", b"")]).unwrap();
        assert_eq!(fs::read(empty.join("report.json")).unwrap(), b"[]");
    }

    #[test]
    fn a_single_file_replaces_a_link_and_a_failure_keeps_the_earlier_file() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, "mine").unwrap();
        let out = dir.path().join("out.md");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, &out).unwrap();
        write_file_atomically(&out, b"diff").unwrap();
        assert_eq!(
            fs::read_to_string(&victim).unwrap(),
            "mine",
            "written through a link"
        );
        assert_eq!(fs::read_to_string(&out).unwrap(), "diff");
        // A write that fails midway leaves the earlier file and no temporary folder.
        let failing = write_files_into(dir.path(), "out.md", |tmp| {
            fs::write(tmp.join("out.md"), "half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failing.is_err());
        assert_eq!(fs::read_to_string(&out).unwrap(), "diff");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "victim and out.md only"
        );
        assert!(
            write_file_atomically(dir.path(), b"x").is_err(),
            "a folder is not a file"
        );
    }
}
