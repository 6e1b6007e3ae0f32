//! Writing a report directory atomically.
//!
//! Everything is written to a hidden sibling directory first, then swapped into place, so a
//! failure or a kill at any moment leaves either the complete earlier report or the complete new
//! one, never a half-written mix.

use anyhow::{bail, Context};
use std::fs;
use std::path::{Path, PathBuf};

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
    let tag = format!("{}-{}", std::process::id(), nanos());
    let tmp = parent.join(format!(".{name}.scanlens-new-{tag}"));
    let result = (|| {
        fs::create_dir(&tmp)?;
        // No fsync: the rename below is what protects an earlier report from a failure or a
        // kill, and syncing 200 MB of report.json tripled the time to render it.
        fill(&tmp)
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e).with_context(|| {
            format!(
                "cannot write the report next to {}; check free space and permissions",
                out.display()
            )
        });
    }
    swap_into_place(
        &tmp,
        out,
        &parent.join(format!(".{name}.scanlens-old-{tag}")),
    )
    .inspect_err(|_| {
        let _ = fs::remove_dir_all(&tmp);
    })
    .with_context(|| format!("cannot move the new report into {}", out.display()))
}

fn swap_into_place(new: &Path, out: &Path, old: &Path) -> std::io::Result<()> {
    if !out.exists() {
        return fs::rename(new, out);
    }
    if exchange(new, out).is_ok() {
        // `new` now holds the earlier report.
        return fs::remove_dir_all(new);
    }
    // Filesystems without RENAME_EXCHANGE: two renames, restoring the earlier report on failure.
    fs::rename(out, old)?;
    if let Err(e) = fs::rename(new, out) {
        let _ = fs::rename(old, out);
        return Err(e);
    }
    fs::remove_dir_all(old)
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
