//! A run's writes to the site, staged beside their destinations and put in place together.
//!
//! Copies and pages are written to `<name>.tmp` first, where a full disk or a refused permission
//! shows up; only when all of them are written does [`Staging::commit`] rename them into place,
//! which needs no space. A run that fails before that removes what it staged and the folders it
//! made, so the site is as it was, with no half-written `.tmp` left behind.
//!
//! Every path is built here from single folder names below the site and checked to stay inside
//! it, even though callers pass only [`Slug`](super::Slug)s and [`ScanId`](super::ScanId)s: the
//! site folder itself may come from an untrusted copy, links included.

use anyhow::{anyhow, bail, Context};
use std::io::{ErrorKind, Write};
use std::path::{Component, Path, PathBuf};

const TMP: &str = ".tmp";
const OLD: &str = ".old";

pub struct Staging {
    root: PathBuf,
    /// `root` with links resolved: what "inside the site" means.
    canonical: PathBuf,
    /// Folders this run made, parents first, to remove again if it fails.
    created: Vec<PathBuf>,
    /// In the order they go into place.
    staged: Vec<Staged>,
    done: bool,
}

struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
}

impl Staging {
    /// Starts a run on the site at `root`, making the folder if it is new.
    pub fn begin(root: &Path) -> anyhow::Result<Staging> {
        let mut missing = Vec::new();
        let mut p = root;
        while !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_err() {
            missing.push(p.to_path_buf());
            match p.parent() {
                Some(parent) => p = parent,
                None => break,
            }
        }
        let mut staging = Staging {
            root: root.to_path_buf(),
            canonical: PathBuf::new(),
            created: Vec::new(),
            staged: Vec::new(),
            done: false,
        };
        for dir in missing.into_iter().rev() {
            std::fs::create_dir(&dir).map_err(|e| io_error("cannot create", &dir, e))?;
            staging.created.push(dir);
        }
        staging.canonical = std::fs::canonicalize(root)
            .with_context(|| format!("cannot open the site folder {}", root.display()))?;
        Ok(staging)
    }

    /// Stages a copy of the report files of `from` (those `render` and `scan` write, see
    /// [`crate::publishable::REPORT_FILES`]; a site is deployed as it is, so a key or note left
    /// beside a report must not travel with it) as the folder `rel` (names below the site), and
    /// returns where the copy can be read until [`commit`](Self::commit).
    pub fn copy_dir(&mut self, from: &Path, rel: &[&str]) -> anyhow::Result<PathBuf> {
        let tmp = self.stage(rel)?;
        std::fs::create_dir(&tmp).map_err(|e| io_error("cannot create", &tmp, e))?;
        let entries =
            std::fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", from.display()))?;
            let is_file = entry
                .file_type()
                .with_context(|| format!("cannot read {}", entry.path().display()))?
                .is_file();
            let name = entry.file_name();
            let ours = name
                .to_str()
                .is_some_and(|n| crate::publishable::REPORT_FILES.contains(&n));
            if is_file && ours {
                let to = tmp.join(&name);
                std::fs::copy(entry.path(), &to).map_err(|e| {
                    let what = format!("cannot copy {} to", entry.path().display());
                    io_error(&what, &to, e)
                })?;
            }
        }
        Ok(tmp)
    }

    /// Stages `bytes` as the file `rel` (names below the site). A file that already holds them is
    /// left alone, so adding the same report again changes nothing.
    pub fn write_file(&mut self, rel: &[&str], bytes: &[u8]) -> anyhow::Result<()> {
        let dest = self.path(rel)?;
        if std::fs::read(&dest).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        let tmp = self.stage(rel)?;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| io_error("cannot write", &tmp, e))
    }

    /// Puts everything staged in place, in the order it was staged; if a step fails, undoes the
    /// steps before it.
    pub fn commit(mut self) -> anyhow::Result<()> {
        let mut replaced: Vec<(usize, bool)> = Vec::new();
        for (i, s) in self.staged.iter().enumerate() {
            match put_in_place(s) {
                Ok(had_old) => replaced.push((i, had_old)),
                Err(e) => {
                    let undone = replaced
                        .iter()
                        .rev()
                        .all(|&(i, had_old)| take_back(&self.staged[i], had_old).is_ok());
                    let fix = if undone {
                        "the site was left as it was; fix the permissions, then run again"
                    } else {
                        "the site is half updated; restore it from a trusted copy"
                    };
                    return Err(anyhow!("{e:#}; {fix}"));
                }
            }
        }
        for &(i, had_old) in &replaced {
            if had_old {
                // The new version is in place; an old copy that cannot be removed is only clutter.
                let _ = remove(&with_suffix(&self.staged[i].dest, OLD));
            }
        }
        self.done = true;
        Ok(())
    }

    /// The path of `rel` inside the site, its parent folders made.
    fn path(&mut self, rel: &[&str]) -> anyhow::Result<PathBuf> {
        let (name, dirs) = rel.split_last().context("an empty path inside the site")?;
        let mut dir = self.root.clone();
        for d in dirs {
            dir = dir.join(one_name(d)?);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.is_dir() => {}
                // A link could lead anywhere; scanlens writes only into folders it can see are
                // inside the site.
                Ok(m) if m.is_symlink() => bail!(
                    "{} is a link; replace it with a folder, then run again",
                    dir.display()
                ),
                Ok(_) => bail!(
                    "{} is not a folder; move it out of the site, then run again",
                    dir.display()
                ),
                Err(e) if e.kind() == ErrorKind::NotFound => {
                    std::fs::create_dir(&dir).map_err(|e| io_error("cannot create", &dir, e))?;
                    self.created.push(dir.clone());
                }
                Err(e) => return Err(io_error("cannot open", &dir, e)),
            }
        }
        // The last word before writing: whatever built `rel`, the folder written to is the site
        // or below it.
        let real = std::fs::canonicalize(&dir).map_err(|e| io_error("cannot open", &dir, e))?;
        if !real.starts_with(&self.canonical) {
            bail!(
                "{} leads outside the site, to {}; restore the site from a trusted copy",
                dir.display(),
                real.display()
            );
        }
        Ok(dir.join(one_name(name)?))
    }

    /// Reserves `<rel>.tmp` for a new version of `rel`: removed again unless committed.
    fn stage(&mut self, rel: &[&str]) -> anyhow::Result<PathBuf> {
        let dest = self.path(rel)?;
        let tmp = with_suffix(&dest, TMP);
        // Left by a run that was killed: scanlens owns these names.
        remove(&tmp).map_err(|e| io_error("cannot remove", &tmp, e))?;
        self.staged.push(Staged {
            tmp: tmp.clone(),
            dest,
        });
        Ok(tmp)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // A failed run: best effort, since the error that got us here is the one to report.
        for s in &self.staged {
            let _ = remove(&s.tmp);
        }
        for dir in self.created.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Renames the staged version to its destination, keeping the version it replaces as
/// `<dest>.old` until the whole run is in place. Says whether there was one.
fn put_in_place(s: &Staged) -> anyhow::Result<bool> {
    let old = with_suffix(&s.dest, OLD);
    remove(&old).with_context(|| format!("cannot remove {}", old.display()))?;
    let had_old = std::fs::symlink_metadata(&s.dest).is_ok();
    if had_old {
        std::fs::rename(&s.dest, &old)
            .with_context(|| format!("cannot move {} aside", s.dest.display()))?;
    }
    if let Err(e) = std::fs::rename(&s.tmp, &s.dest) {
        if had_old {
            let _ = std::fs::rename(&old, &s.dest);
        }
        return Err(anyhow!("cannot put {} in place: {e}", s.dest.display()));
    }
    Ok(had_old)
}

fn take_back(s: &Staged, had_old: bool) -> std::io::Result<()> {
    remove(&s.dest)?;
    if had_old {
        std::fs::rename(with_suffix(&s.dest, OLD), &s.dest)?;
    }
    Ok(())
}

/// Removes a file, a link (not what it points to) or a folder with its contents, if present.
fn remove(path: &Path) -> std::io::Result<()> {
    let result = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// `name` if it is one plain name: not empty, `.`, `..`, absolute or holding a separator.
fn one_name(name: &str) -> anyhow::Result<&str> {
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(n)), None) if n == name && !name.contains('\0') => Ok(name),
        _ => Err(anyhow!(
            "{name:?} is not a folder name inside the site; restore the site from a trusted copy"
        )),
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> anyhow::Error {
    anyhow!(
        "{what} {}: {e}; free space or fix the permissions there, then run again",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(root).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(root).unwrap().display().to_string());
            if p.is_dir() && !p.is_symlink() {
                for sub in tree(&p) {
                    out.push(format!(
                        "{}/{sub}",
                        p.file_name().unwrap().to_string_lossy()
                    ));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn names_that_leave_their_folder_are_refused() {
        for bad in ["", ".", "..", "/x", "a/b", "a\0b", "../x"] {
            assert!(one_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(one_name("a..b").unwrap(), "a..b");
    }

    #[test]
    fn nothing_is_in_place_before_commit_and_all_of_it_after() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("report.json"), "a").unwrap();
        // Only what render and scan write travels into the site.
        std::fs::write(src.join("id_rsa"), "secret").unwrap();
        let site = dir.path().join("site");
        let mut s = Staging::begin(&site).unwrap();
        let staged = s.copy_dir(&src, &["images", "x", "1"]).unwrap();
        assert_eq!(std::fs::read(staged.join("report.json")).unwrap(), b"a");
        assert!(!staged.join("id_rsa").exists());
        s.write_file(&["index.html"], b"page").unwrap();
        assert!(!site.join("index.html").exists());
        s.commit().unwrap();
        assert_eq!(
            tree(&site),
            [
                "images",
                "images/x",
                "images/x/1",
                "images/x/1/report.json",
                "index.html"
            ]
        );
        assert_eq!(std::fs::read(site.join("index.html")).unwrap(), b"page");
    }

    #[test]
    fn a_dropped_run_removes_what_it_staged_and_made() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("a.txt"), "a").unwrap();
        let site = dir.path().join("new/site");
        let mut s = Staging::begin(&site).unwrap();
        s.copy_dir(&src, &["images", "x", "1"]).unwrap();
        s.write_file(&["index.html"], b"page").unwrap();
        drop(s);
        assert!(!dir.path().join("new").exists());

        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(site.join("index.html"), "old").unwrap();
        let mut s = Staging::begin(&site).unwrap();
        s.write_file(&["index.html"], b"new").unwrap();
        drop(s);
        assert_eq!(tree(&site), ["index.html"]);
        assert_eq!(std::fs::read(site.join("index.html")).unwrap(), b"old");
    }

    #[test]
    fn a_failed_commit_puts_the_old_versions_back() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("data")).unwrap();
        std::fs::write(site.join("index.html"), "old").unwrap();
        let mut s = Staging::begin(&site).unwrap();
        s.write_file(&["index.html"], b"new").unwrap();
        s.write_file(&["data", "site.json"], b"{}").unwrap();
        // The second rename fails: its staged file vanished.
        std::fs::remove_file(site.join("data/site.json.tmp")).unwrap();
        let e = s.commit().unwrap_err();
        assert!(format!("{e:#}").contains("left as it was"), "{e:#}");
        assert_eq!(tree(&site), ["data", "index.html"]);
        assert_eq!(std::fs::read(site.join("index.html")).unwrap(), b"old");
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_site_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, site.join("images")).unwrap();
        let mut s = Staging::begin(&site).unwrap();
        let e = s
            .write_file(&["images", "x", "index.html"], b"page")
            .unwrap_err();
        assert!(e.to_string().contains("is a link; replace it"), "{e}");
        drop(s);
        assert!(tree(&outside).is_empty());

        // A site that is itself a link is fine: inside means inside where it points.
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let mut s = Staging::begin(&link).unwrap();
        s.write_file(&["index.html"], b"page").unwrap();
        s.commit().unwrap();
        assert_eq!(tree(&outside), ["index.html"]);
    }

    #[test]
    fn the_same_bytes_are_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::write(site.join("index.html"), "same").unwrap();
        let before = std::fs::metadata(site.join("index.html"))
            .unwrap()
            .modified()
            .unwrap();
        let mut s = Staging::begin(&site).unwrap();
        s.write_file(&["index.html"], b"same").unwrap();
        s.commit().unwrap();
        let after = std::fs::metadata(site.join("index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
    }
}
