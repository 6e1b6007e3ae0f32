//! Writing a report directory atomically.
//!
//! Everything is written to a hidden sibling directory first, then swapped into place, so a
//! failure or a kill at any moment leaves either the complete earlier report or the complete new
//! one, never a half-written mix.

use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The JSON Schema of `report.json`, generated from the model's types.
pub fn report_schema() -> String {
    let schema = schemars::schema_for!(scanlens_model::Report);
    let mut s = serde_json::to_string_pretty(&schema).expect("schema serializes");
    s.push('\n');
    s
}

/// Writes `files` (name, bytes) as the directory `out`, replacing any earlier one at once.
pub fn write_dir_atomically(out: &Path, files: &[(&str, &[u8])]) -> anyhow::Result<()> {
    write_dir_atomically_with(out, |dir| {
        for (file, bytes) in files {
            fs::write(dir.join(file), bytes)?;
        }
        Ok(())
    })
}

/// Like [`write_dir_atomically`], with `fill` writing the files into the (temporary) directory
/// it is given, so that large files can be streamed rather than built in memory first.
pub fn write_dir_atomically_with(
    out: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let name = out
        .file_name()
        .with_context(|| format!("--out {} must name a directory", out.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if out.exists() && !out.is_dir() {
        bail!(
            "--out {} exists and is not a directory; choose another path",
            out.display()
        );
    }
    fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}; check permissions", parent.display()))?;
    crate::cleanup::remove_stale(&parent);
    let tag = format!("{}-{}", std::process::id(), nanos());
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

/// A file written from parts made on several threads: each part is written as soon as every
/// part before it has been, so parts wait in memory only while an earlier one is being made.
pub struct OrderedFile {
    state: Mutex<Ordered>,
}

struct Ordered {
    file: fs::File,
    next: usize,
    waiting: BTreeMap<usize, Vec<u8>>,
    /// Buffers of written parts, for the next parts: reusing memory is cheaper than touching
    /// fresh pages.
    spare: Vec<Vec<u8>>,
}

impl OrderedFile {
    pub fn create(path: &Path) -> std::io::Result<Self> {
        Ok(OrderedFile {
            state: Mutex::new(Ordered {
                file: fs::File::create(path)?,
                next: 0,
                waiting: BTreeMap::new(),
                spare: Vec::new(),
            }),
        })
    }

    /// An empty buffer to make a part in.
    pub fn buffer(&self) -> Vec<u8> {
        self.state
            .lock()
            .ok()
            .and_then(|mut s| s.spare.pop())
            .unwrap_or_default()
    }

    /// Part `i` (from 0) of the file.
    pub fn put(&self, i: usize, bytes: Vec<u8>) -> std::io::Result<()> {
        let mut s = self
            .state
            .lock()
            .map_err(|_| std::io::Error::other("a writer thread failed"))?;
        s.waiting.insert(i, bytes);
        loop {
            let next = s.next;
            let Some(mut part) = s.waiting.remove(&next) else {
                return Ok(());
            };
            s.file.write_all(&part)?;
            s.next += 1;
            part.clear();
            s.spare.push(part);
        }
    }

    /// Checks that parts `0..parts` were all written.
    pub fn finish(self, parts: usize) -> std::io::Result<()> {
        let s = self
            .state
            .into_inner()
            .map_err(|_| std::io::Error::other("a writer thread failed"))?;
        if s.next == parts && s.waiting.is_empty() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "{} of {parts} parts were written",
                s.next
            )))
        }
    }
}

/// A piece of work for [`run_tasks`].
pub type Task<'a> = Box<dyn FnOnce() -> std::io::Result<()> + Send + 'a>;

/// Runs `tasks` on every core (rayon's pool, which reading the input already started), taking
/// them in the order given (put long ones first); after an error no further task starts, and the
/// first error is returned.
pub fn run_tasks(tasks: Vec<Task<'_>>) -> std::io::Result<()> {
    let first_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let failed = |e: &Mutex<Option<std::io::Error>>| e.lock().map_or(true, |e| e.is_some());
    rayon::scope_fifo(|s| {
        for task in tasks {
            let first_error = &first_error;
            s.spawn_fifo(move |_| {
                if failed(first_error) {
                    return;
                }
                if let Err(e) = task() {
                    if let Ok(mut first) = first_error.lock() {
                        first.get_or_insert(e);
                    }
                }
            });
        }
    });
    match first_error.into_inner() {
        Ok(None) => Ok(()),
        Ok(Some(e)) => Err(e),
        Err(_) => Err(std::io::Error::other("a writer thread failed")),
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
    // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
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

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn ordered_file_writes_parts_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let f = OrderedFile::create(&path).unwrap();
        let tasks: Vec<Task> = (0..20)
            .rev()
            .map(|i| -> Task {
                Box::new({
                    let f = &f;
                    move || f.put(i, format!("{i},").into_bytes())
                })
            })
            .collect();
        run_tasks(tasks).unwrap();
        f.finish(20).unwrap();
        let want: String = (0..20).map(|i| format!("{i},")).collect();
        assert_eq!(fs::read_to_string(&path).unwrap(), want);
        let g = OrderedFile::create(&path).unwrap();
        g.put(1, b"x".to_vec()).unwrap();
        assert!(g.finish(2).is_err());
    }

    #[test]
    fn a_failed_task_fails_the_run() {
        let tasks: Vec<Task> = vec![
            Box::new(|| Ok(())),
            Box::new(|| Err(std::io::Error::other("disk full"))),
            Box::new(|| Ok(())),
        ];
        assert_eq!(run_tasks(tasks).unwrap_err().to_string(), "disk full");
        assert!(run_tasks(Vec::new()).is_ok());
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
}
