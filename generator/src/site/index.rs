//! `data/site.json`: every image and every scan added so far.
//!
//! The file comes back from a previous CI run or a bucket, so it is read as untrusted: every
//! value that becomes a path or a link is a [`Slug`] or a [`ScanId`], and a file holding anything
//! else is refused whole, naming the entry, rather than partly used.

use super::names::{NameError, ScanId, Slug};
use scanlens_model::SeverityCounts;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const SITE_VERSION: u32 = 1;
/// Where the index lives inside the site.
pub const INDEX_PATH: [&str; 2] = ["data", "site.json"];
/// Enough of a refused value to recognise it, short enough for one line of a CI log.
const SHOWN_CHARS: usize = 40;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SiteIndex {
    pub version: u32,
    pub images: Vec<ImageEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageEntry {
    /// The image's repository, without tag or digest: scans of every tag share a history.
    pub name: String,
    /// The folder under `images/`.
    pub slug: Slug,
    /// Oldest first.
    pub scans: Vec<ScanEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanEntry {
    /// The folder under `images/<slug>/`: scan time and a digest of the report.
    pub id: ScanId,
    pub reference: String,
    pub scanned_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Counted findings of every kind, per severity.
    pub counts: SeverityCounts,
    pub fixable: u64,
    /// Of the vulnerabilities to act on, those in CISA's KEV catalog: the report's own "Known
    /// exploited" figure (`fix_first.known_exploited`). `None` when the report read no catalog,
    /// and in sites and records written before scanlens kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_exploited: Option<u64>,
    /// Counted CRITICAL and HIGH findings with a fix: the viewer's "fixable critical/high".
    /// `None` in sites and records written before scanlens kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixable_critical_high: Option<u64>,
    /// IDs and package names of the findings, for the index page's search.
    #[serde(default)]
    pub terms: Vec<String>,
    /// The counted findings as the index page's search shows a match (ID, package, version,
    /// severity); like `terms`, only the newest scan of an image keeps them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hits: Vec<super::search::Hit>,
}

const FIX: &str = "restore the site from a trusted copy or delete";

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("cannot read {path}: {source}; check the path and its permissions")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is damaged ({source}); {FIX} {path} to start a new history")]
    Damaged {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path} was written by a newer scanlens (site version {version}); upgrade scanlens")]
    Newer { path: PathBuf, version: u32 },
    /// A value scanlens would not have written, where it would become a path or a link.
    #[error(
        "{path}: {entry} has the {field} {value}, which {why}; {FIX} {path} to start a new history"
    )]
    Untrusted {
        path: PathBuf,
        /// `image 3`, `scan 2 of image 3`: counted from 1, in file order.
        entry: String,
        field: &'static str,
        /// Quoted, clipped, control characters escaped.
        value: String,
        why: String,
    },
}

/// The index of the site at `site`, or an empty one for a new site.
pub fn load(site: &Path) -> Result<SiteIndex, IndexError> {
    let path: PathBuf = INDEX_PATH.iter().fold(site.to_path_buf(), |p, c| p.join(c));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(SiteIndex {
                version: SITE_VERSION,
                images: Vec::new(),
            })
        }
        Err(source) => return Err(IndexError::Unreadable { path, source }),
    };
    parse(path, &bytes)
}

/// An index read from elsewhere (a bucket), checked as [`load`] checks a file; `path` names it
/// in errors.
pub fn parse(path: PathBuf, bytes: &[u8]) -> Result<SiteIndex, IndexError> {
    let index: SiteIndex = match serde_json::from_slice(bytes) {
        Ok(i) => i,
        // serde knows where, not which entry: look again for a refused name to say which.
        Err(source) => {
            return Err(refused_name(&path, bytes).unwrap_or(IndexError::Damaged { path, source }))
        }
    };
    if index.version > SITE_VERSION {
        return Err(IndexError::Newer {
            path,
            version: index.version,
        });
    }
    check_unique(&path, &index)?;
    Ok(index)
}

/// The first slug or scan id in `bytes` that is not one scanlens writes.
fn refused_name(path: &Path, bytes: &[u8]) -> Option<IndexError> {
    let doc: Value = serde_json::from_slice(bytes).ok()?;
    for (i, image) in doc.get("images")?.as_array()?.iter().enumerate() {
        let entry = format!("image {}", i + 1);
        if let Some(Value::String(s)) = image.get("slug") {
            if let Err(e) = Slug::try_from(s.clone()) {
                return Some(untrusted(path, entry, "slug", s, e));
            }
        }
        let scans = image.get("scans").and_then(Value::as_array);
        for (j, scan) in scans.into_iter().flatten().enumerate() {
            if let Some(Value::String(s)) = scan.get("id") {
                if let Err(e) = ScanId::try_from(s.clone()) {
                    return Some(untrusted(
                        path,
                        format!("scan {} of {entry}", j + 1),
                        "id",
                        s,
                        e,
                    ));
                }
            }
        }
    }
    None
}

/// Two images in one folder, or two scans in one, would overwrite each other's pages and
/// reports; scanlens never writes that, so a file that says so was not written by it.
fn check_unique(path: &Path, index: &SiteIndex) -> Result<(), IndexError> {
    let mut slugs: HashMap<&Slug, usize> = HashMap::new();
    for (i, image) in index.images.iter().enumerate() {
        let entry = format!("image {}", i + 1);
        if let Some(first) = slugs.insert(&image.slug, i) {
            return Err(IndexError::Untrusted {
                path: path.to_path_buf(),
                entry,
                field: "slug",
                value: shown(image.slug.as_str()),
                why: format!("image {} already uses", first + 1),
            });
        }
        let mut ids: HashMap<&ScanId, usize> = HashMap::new();
        for (j, scan) in image.scans.iter().enumerate() {
            if let Some(first) = ids.insert(&scan.id, j) {
                return Err(IndexError::Untrusted {
                    path: path.to_path_buf(),
                    entry: format!("scan {} of {entry}", j + 1),
                    field: "id",
                    value: shown(scan.id.as_str()),
                    why: format!("scan {} already uses", first + 1),
                });
            }
        }
    }
    Ok(())
}

fn untrusted(
    path: &Path,
    entry: String,
    field: &'static str,
    value: &str,
    e: NameError,
) -> IndexError {
    IndexError::Untrusted {
        path: path.to_path_buf(),
        entry,
        field,
        value: shown(value),
        why: format!("is {e}"),
    }
}

/// `value` quoted for one line of a log: clipped, with control characters escaped.
fn shown(value: &str) -> String {
    let clipped: String = value.chars().take(SHOWN_CHARS).collect();
    let more = if clipped.len() < value.len() {
        "…"
    } else {
        ""
    };
    format!("\"{}\"{more}", clipped.escape_debug())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_with(index: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("data/site.json"), index).unwrap();
        dir
    }

    fn scan(id: &str) -> String {
        format!(
            r#"{{"id":{},"reference":"a:1","scanned_at":"","counts":{{"CRITICAL":0,"HIGH":0,"MEDIUM":0,"LOW":0,"UNKNOWN":0}},"fixable":0}}"#,
            serde_json::to_string(id).unwrap()
        )
    }

    fn index(images: &[(&str, &[&str])]) -> String {
        let images: Vec<String> = images
            .iter()
            .map(|(slug, ids)| {
                let scans: Vec<String> = ids.iter().map(|i| scan(i)).collect();
                format!(
                    r#"{{"name":"n-{slug}","slug":{},"scans":[{}]}}"#,
                    serde_json::to_string(slug).unwrap(),
                    scans.join(",")
                )
            })
            .collect();
        format!(r#"{{"version":1,"images":[{}]}}"#, images.join(","))
    }

    fn error(images: &[(&str, &[&str])]) -> String {
        let dir = site_with(&index(images));
        load(dir.path()).unwrap_err().to_string()
    }

    const ID: &str = "20210825122030-0123456789ab";

    #[test]
    fn a_site_scanlens_wrote_loads() {
        let dir = site_with(&index(&[
            ("alpine", &[ID, "0123456789ab"]),
            ("debian", &[ID]),
        ]));
        let i = load(dir.path()).unwrap();
        assert_eq!(i.images.len(), 2);
        assert_eq!(i.images[0].scans[1].id.as_str(), "0123456789ab");
    }

    #[test]
    fn a_missing_index_is_a_new_site() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().images.is_empty());
    }

    #[test]
    fn refusals_name_the_file_the_entry_the_value_and_the_fix() {
        let e = error(&[("alpine", &[ID]), ("debian", &[]), ("../../x", &[ID])]);
        // The file as the platform writes paths (`\` between names on Windows).
        let file = Path::new("data").join("site.json").display().to_string();
        assert!(e.contains(&format!("{file}: image 3 has the slug \"../../x\", which is not a folder name scanlens writes; restore the site from a trusted copy or delete ")), "{e}");
        assert!(
            e.ends_with(&format!("{file} to start a new history")),
            "{e}"
        );
        let e = error(&[("alpine", &[ID, "../..\u{0}\u{1b}[31m"])]);
        assert!(e.contains(": scan 2 of image 1 has the id \"../..\\0\\u{1b}[31m\", which is not a scan folder name scanlens writes; "), "{e}");
        let long = format!("/{}", "a".repeat(5000));
        let e = error(&[(long.as_str(), &[])]);
        assert!(
            e.contains(&format!("\"/{}\"…, which", "a".repeat(39))),
            "{e}"
        );
        assert!(e.len() < 300, "{e}");
    }

    #[test]
    fn two_images_in_one_folder_are_refused() {
        let e = error(&[("alpine", &[ID]), ("debian", &[ID]), ("alpine", &[])]);
        assert!(
            e.contains("image 3 has the slug \"alpine\", which image 1 already uses"),
            "{e}"
        );
        let e = error(&[("alpine", &[ID, "0123456789ab", ID])]);
        assert!(e.contains("scan 3 of image 1 has the id \"20210825122030-0123456789ab\", which scan 1 already uses"), "{e}");
    }

    #[test]
    fn damaged_and_newer_files_are_refused() {
        let dir = site_with("{\"version\":1,\"images\":[");
        let e = load(dir.path()).unwrap_err();
        assert!(matches!(e, IndexError::Damaged { .. }), "{e}");
        let dir = site_with(r#"{"version":2,"images":[]}"#);
        let e = load(dir.path()).unwrap_err();
        assert!(matches!(e, IndexError::Newer { version: 2, .. }), "{e}");
        // A slug that is not a string is damage, not a name.
        let dir = site_with(r#"{"version":1,"images":[{"name":"a","slug":7,"scans":[]}]}"#);
        assert!(matches!(
            load(dir.path()).unwrap_err(),
            IndexError::Damaged { .. }
        ));
    }
}
