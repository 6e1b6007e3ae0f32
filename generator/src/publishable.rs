//! Which files `publish` may upload from a folder: only those `render`, `scan` and `site` write,
//! only as regular files, and never through a symbolic link.
//!
//! Buckets behind a report site are often readable by many people, so what goes up is an
//! allowlist rather than "everything but": a report folder sits beside the hidden folders a
//! killed `render` leaves (`.NAME.scanlens-new-…`, `.NAME.scanlens-old-…`), and people drop other
//! files beside their reports. The rules, in order:
//!
//! - Hidden entries (a name starting with `.`) are skipped without being looked at: scanlens's own
//!   temporary folders are hidden, and so are editors' and shells' leftovers.
//! - A symbolic link is refused, and so is anything that is neither a regular file nor a folder
//!   (a FIFO would block the read forever). Scanlens never writes either, so one there means the
//!   folder is not what the user thinks it is; refusing before anything is sent says so, where a
//!   warning in a CI log would go unread while a link to a secret was dropped or, worse, followed.
//! - A report folder keeps the files of [`REPORT_FILES`], at any depth, so that `out/` with one
//!   folder per image can be published as a whole; other files are skipped.
//! - A site keeps exactly the layout `site.rs` writes (see [`site_layout`]); its temporary files
//!   (`site.tmp-PID`, `<scan>.tmp/`) and anything else are skipped.
//!
//! The folders named on the command line may themselves be symbolic links: the user named them,
//! so they are followed; only what is found inside them is held to these rules.

use anyhow::{bail, Context};
use std::fs::FileType;
use std::path::{Path, PathBuf};

/// What `render` writes (report.json, index.html, summary.md, findings.ndjson, and report.sarif
/// with `--sarif`) and the raw trivy JSON `scan` keeps beside it.
pub const REPORT_FILES: &[&str] = &[
    "report.json",
    "index.html",
    "summary.md",
    "findings.ndjson",
    crate::sarif::FILE,
    crate::scan::IMAGE_JSON,
    crate::scan::CONFIG_JSON,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A folder from `scan --out` or `render --out`, or a folder holding such folders.
    Report,
    /// A folder from `site --out`.
    Site,
}

/// A file to upload: where it is, and its path under the folder with `/` between names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub path: PathBuf,
    pub rel: String,
}

#[derive(Debug, Default)]
pub struct Listing {
    pub files: Vec<Found>,
    /// Entries left out (not descended into), for the one-line notice.
    pub skipped: Vec<PathBuf>,
}

/// Lists what may be uploaded from `root`, or refuses the folder (see the module docs).
pub fn list(root: &Path, kind: Kind) -> anyhow::Result<Listing> {
    let mut out = Listing::default();
    walk(root, &mut Vec::new(), kind, &mut out)?;
    out.files.sort();
    out.skipped.sort();
    Ok(out)
}

fn walk(dir: &Path, rel: &mut Vec<String>, kind: Kind, out: &mut Listing) -> anyhow::Result<()> {
    let mut entries = std::fs::read_dir(dir)
        .and_then(|d| d.collect::<std::io::Result<Vec<_>>>())
        .with_context(|| format!("cannot list {}; check its permissions", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        // A name that is not UTF-8 cannot be one scanlens wrote, nor a key S3 shows as written.
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            out.skipped.push(path);
            continue;
        };
        if name.starts_with('.') {
            out.skipped.push(path);
            continue;
        }
        // `DirEntry::file_type` does not follow a symbolic link, unlike `Path::is_dir`.
        let ty = entry
            .file_type()
            .with_context(|| format!("cannot read {}; check its permissions", path.display()))?;
        if ty.is_symlink() {
            bail!(
                "{} is a symbolic link; publish never follows links inside a folder, so remove it, or pass the folder it points to on the command line",
                path.display()
            );
        }
        if !ty.is_dir() && !ty.is_file() {
            bail!(
                "{} is a {}, not a regular file; publish uploads only the files scanlens writes, so remove it",
                path.display(),
                special_kind(&ty)
            );
        }
        rel.push(name);
        let names: Vec<&str> = rel.iter().map(String::as_str).collect();
        let entry = if ty.is_dir() {
            Entry::Folder
        } else {
            Entry::File
        };
        let keep = allowed(kind, &names, entry);
        let joined = names.join("/");
        match (keep, entry) {
            (true, Entry::Folder) => walk(&path, rel, kind, out)?,
            (true, Entry::File) => out.files.push(Found { path, rel: joined }),
            (false, _) => out.skipped.push(path),
        }
        rel.pop();
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    File,
    Folder,
}

fn allowed(kind: Kind, names: &[&str], entry: Entry) -> bool {
    match kind {
        Kind::Report => match entry {
            Entry::File => names.last().is_some_and(|n| REPORT_FILES.contains(n)),
            // The folder's name becomes part of the key.
            Entry::Folder => names
                .last()
                .is_some_and(|n| crate::s3::check_segment(n).is_ok()),
        },
        Kind::Site => site_layout(names, entry),
    }
}

/// `site.rs`'s layout: `index.html`, `data/site.json`, `images/<image>/index.html` and each
/// scan's copy of its report folder, `images/<image>/<scan id>/<report file>`.
fn site_layout(names: &[&str], entry: Entry) -> bool {
    use Entry::{File, Folder};
    match (names, entry) {
        (["index.html"], File) | (["data"], Folder) | (["data", "site.json"], File) => true,
        (["images"], Folder) | (["images", _, "index.html"], File) => true,
        (["images", image], Folder) => crate::s3::check_segment(image).is_ok(),
        (["images", _, scan], Folder) => crate::site::ScanId::is_valid(scan),
        (["images", _, _, file], File) => REPORT_FILES.contains(file),
        _ => false,
    }
}

#[cfg(unix)]
fn special_kind(ty: &FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ty.is_fifo() {
        "FIFO"
    } else if ty.is_socket() {
        "socket"
    } else if ty.is_block_device() || ty.is_char_device() {
        "device"
    } else {
        "special file"
    }
}

/// Windows lists every entry as a file, a folder or a link (junctions included); anything else
/// would be new.
#[cfg(not(unix))]
fn special_kind(_: &FileType) -> &'static str {
    "special file"
}

/// Refuses a report folder one of whose [`REPORT_FILES`] is a link or not a regular file:
/// `site` copies only regular files, so that nothing outside the folder is read or published,
/// and leaving such a file out would show the scan with less than it holds.
pub fn check_report_files(dir: &Path) -> anyhow::Result<()> {
    for name in REPORT_FILES {
        let path = dir.join(name);
        let ty = match std::fs::symlink_metadata(&path) {
            Ok(m) => m.file_type(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot read {}; check its permissions", path.display())
                })
            }
        };
        if ty.is_symlink() {
            bail!(
                "{} is a symbolic link; a site copies only the regular files of a report folder, so replace the link with the file it points to",
                path.display()
            );
        }
        if !ty.is_file() {
            bail!(
                "{} is a {}, not a regular file; a report folder holds only the files scanlens writes, so remove it",
                path.display(),
                if ty.is_dir() { "folder" } else { special_kind(&ty) }
            );
        }
    }
    Ok(())
}

/// Reads a listed file without following a link put in its place since it was listed, and
/// without blocking on a FIFO put there.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = open_unfollowed(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "it is no longer a regular file; publish again once nothing changes the folder",
        ));
    }
    let mut body = Vec::with_capacity(meta.len() as usize);
    file.read_to_end(&mut body)?;
    Ok(body)
}

/// Opens `path` for reading without following it if it is a link: Unix refuses to open one
/// (O_NOFOLLOW), and does not wait for a writer on a FIFO (O_NONBLOCK).
#[cfg(unix)]
fn open_unfollowed(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

/// Windows opens a link or junction as itself (FILE_FLAG_OPEN_REPARSE_POINT), never its target;
/// its metadata then says it is not a regular file, and `read_regular` refuses it.
#[cfg(windows)]
fn open_unfollowed(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::windows::fs::OpenOptionsExt;
    use windows_sys::Win32::Storage::FileSystem::FILE_FLAG_OPEN_REPARSE_POINT;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rels(l: &Listing) -> Vec<&str> {
        l.files.iter().map(|f| f.rel.as_str()).collect()
    }

    /// The allowlist must keep every file the commands write: render a report with every extra
    /// file, add it to a site, and list both.
    #[test]
    fn everything_render_scan_and_site_write_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let mut b = scanlens_model::ReportBuilder::new("t");
        let doc = r#"{"SchemaVersion":2,"ArtifactName":"app:1","CreatedAt":"2021-09-01T00:00:00Z","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"HIGH"}]}]}"#;
        b.add("x", scanlens_model::parse(doc.as_bytes()).unwrap());
        let report = b.finish();
        let trivy_files = [
            (crate::scan::IMAGE_JSON, b"{}".to_vec()),
            (crate::scan::CONFIG_JSON, b"{}".to_vec()),
        ];
        let outputs = crate::renderer::Outputs {
            sarif: Some("scanlens/app/"),
            trivy_files: &trivy_files,
            ..Default::default()
        };
        let out = tmp.path().join("out/app-1");
        crate::renderer::write(&report, &out, &outputs.renderers()).unwrap();
        let written: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let listed = list(&out, Kind::Report).unwrap();
        assert_eq!(listed.files.len(), written.len(), "{written:?}");
        assert!(listed.skipped.is_empty());

        let site = tmp.path().join("site");
        crate::site::add_reports(&site, std::slice::from_ref(&out), "t").unwrap();
        let mut all = Vec::new();
        fn walk_all(d: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk_all(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        walk_all(&site, &mut all);
        let listed = list(&site, Kind::Site).unwrap();
        assert_eq!(listed.files.len(), all.len(), "{all:?}");
        assert!(rels(&listed).contains(&"data/site.json"));
        assert!(rels(&listed).contains(&"index.html"));
        assert_eq!(
            rels(&listed)
                .iter()
                .filter(|r| r.starts_with("images/"))
                .count(),
            written.len() + 1,
            "the image page and the scan's copy of the report"
        );
    }

    #[test]
    fn hidden_temporary_and_foreign_entries_are_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        for dir in [
            "app-1",
            ".app-1.scanlens-new-41-7",
            ".app-1.scanlens-old-41-7",
            "app-1/notes",
        ] {
            std::fs::create_dir_all(out.join(dir)).unwrap();
        }
        for file in [
            "app-1/report.json",
            "app-1/index.html",
            "app-1/.env",
            "app-1/id_rsa",
            "app-1/notes/summary.md",
            ".app-1.scanlens-new-41-7/report.json",
            ".app-1.scanlens-old-41-7/report.json",
        ] {
            std::fs::write(out.join(file), "x").unwrap();
        }
        let l = list(&out, Kind::Report).unwrap();
        assert_eq!(
            rels(&l),
            [
                "app-1/index.html",
                "app-1/notes/summary.md",
                "app-1/report.json"
            ]
        );
        assert_eq!(l.skipped.len(), 4, "{:?}", l.skipped);

        let site = tmp.path().join("site");
        let scan = "images/app/20210901000000-121212121212";
        for dir in ["data", scan, &format!("{scan}.tmp"), "images/app/other"] {
            std::fs::create_dir_all(site.join(dir)).unwrap();
        }
        for file in [
            "index.html",
            "index.tmp-99",
            "CNAME",
            "data/site.json",
            "data/site.tmp-99",
            "data/index.json",
            "images/app/index.html",
            "images/app/report.json",
            &format!("{scan}/report.json"),
            &format!("{scan}/secret.txt"),
            &format!("{scan}.tmp/report.json"),
            "images/app/other/report.json",
        ] {
            std::fs::write(site.join(file), "x").unwrap();
        }
        let l = list(&site, Kind::Site).unwrap();
        assert_eq!(
            rels(&l),
            [
                "data/site.json",
                "images/app/20210901000000-121212121212/report.json",
                "images/app/index.html",
                "index.html",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_and_special_files_are_refused() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let secret = tmp.path().join("secret");
        std::fs::write(&secret, "hunter2").unwrap();
        let report = tmp.path().join("app");
        std::fs::create_dir_all(&report).unwrap();
        std::fs::write(report.join("index.html"), "x").unwrap();
        symlink(&secret, report.join("report.json")).unwrap();
        let e = list(&report, Kind::Report).unwrap_err().to_string();
        assert!(e.contains("report.json is a symbolic link"), "{e}");

        std::fs::remove_file(report.join("report.json")).unwrap();
        symlink(tmp.path(), report.join("more")).unwrap();
        let e = list(&report, Kind::Report).unwrap_err().to_string();
        assert!(e.contains("more is a symbolic link"), "{e}");

        // Hidden links are skipped unread, like every hidden entry.
        std::fs::remove_file(report.join("more")).unwrap();
        symlink(&secret, report.join(".report.json")).unwrap();
        assert_eq!(rels(&list(&report, Kind::Report).unwrap()), ["index.html"]);

        let fifo = std::ffi::CString::new(
            report
                .join("findings.ndjson")
                .into_os_string()
                .into_encoded_bytes(),
        )
        .unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        let e = list(&report, Kind::Report).unwrap_err().to_string();
        assert!(e.contains("findings.ndjson is a FIFO"), "{e}");
        let e = read_regular(&report.join("findings.ndjson")).unwrap_err();
        assert!(e.to_string().contains("no longer a regular file"), "{e}");

        // The folder named on the command line may be a link: the user named it.
        std::fs::remove_file(report.join("findings.ndjson")).unwrap();
        let named = tmp.path().join("latest");
        symlink(&report, &named).unwrap();
        assert_eq!(rels(&list(&named, Kind::Report).unwrap()), ["index.html"]);
        // A link swapped in after listing is not followed either.
        symlink(&secret, report.join("summary.md")).unwrap();
        assert!(read_regular(&report.join("summary.md")).is_err());
        assert_eq!(read_regular(&report.join("index.html")).unwrap(), b"x");
    }
}
