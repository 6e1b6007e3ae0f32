//! The static dashboard written by `scanlens site`.
//!
//! The site is its own database: `data/site.json` lists every image and every scan added so far,
//! and each scan's report directory is copied under `images/<image>/<scan>/`. Adding reports
//! updates the index, then rewrites the pages of the images that changed, so a CI job can restore
//! the previous site (Pages artifact, S3, cache), add its scans and publish again.

use anyhow::{bail, Context};
use askama::Template;
use scanlens_model::{Report, Severity, SeverityCounts};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub const SITE_VERSION: u32 = 1;
const STYLE: &str = include_str!("../templates/site.css");
const SEARCH_JS: &str = include_str!("../templates/site-search.js");

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SiteIndex {
    pub version: u32,
    pub images: Vec<ImageEntry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ImageEntry {
    /// The image's repository, without tag or digest: scans of every tag share a history.
    pub name: String,
    /// The folder under `images/`.
    pub slug: String,
    /// Oldest first.
    pub scans: Vec<ScanEntry>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ScanEntry {
    /// The folder under `images/<slug>/`: scan time and a digest of the report.
    pub id: String,
    pub reference: String,
    pub scanned_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Counted findings of every kind, per severity.
    pub counts: SeverityCounts,
    pub fixable: u64,
    /// IDs and package names of the findings, for the index page's search.
    #[serde(default)]
    pub terms: Vec<String>,
}

/// `mysql:8.0@sha256:…` → `mysql`; `registry:5000/team/app:1` → `registry:5000/team/app`.
pub fn repository(reference: &str) -> &str {
    let no_digest = reference.split('@').next().unwrap_or(reference);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[last_slash..].find(':') {
        Some(i) => &no_digest[..last_slash + i],
        None => no_digest,
    }
}

/// A folder name that cannot escape the site or collide by case on case-insensitive filesystems.
pub fn slug(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    s = s.trim_matches('.').to_string();
    if s.is_empty() {
        s.push('_');
    }
    s.truncate(100);
    s
}

fn scan_id(report: &Report, digest: &[u8]) -> String {
    let time: String = report
        .artifacts
        .first()
        .and_then(|a| a.scanned_at.as_deref())
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(14)
        .collect();
    let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    if time.is_empty() {
        hex
    } else {
        format!("{time}-{hex}")
    }
}

/// Whether a folder name under `images/<image>/` is one [`scan_id`] makes: `publish` uploads
/// those and not, say, the `<id>.tmp` folder a killed `site` run leaves behind.
pub fn is_scan_id(name: &str) -> bool {
    let hex = |s: &str| s.len() == 12 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    match name.split_once('-') {
        Some((time, rest)) => {
            (1..=14).contains(&time.len()) && time.bytes().all(|b| b.is_ascii_digit()) && hex(rest)
        }
        None => hex(name),
    }
}

fn load_index(site: &Path) -> anyhow::Result<SiteIndex> {
    let path = site.join("data/site.json");
    if !path.exists() {
        return Ok(SiteIndex {
            version: SITE_VERSION,
            images: Vec::new(),
        });
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let index: SiteIndex = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is damaged; restore it from the previous deployment or start a new site folder",
            path.display()
        )
    })?;
    if index.version > SITE_VERSION {
        bail!(
            "{} was written by a newer scanlens (site version {}); upgrade scanlens",
            path.display(),
            index.version
        );
    }
    Ok(index)
}

/// Adds the report directories to the site at `site` and rewrites the affected pages.
/// Returns how many scans were new.
pub fn add_reports(site: &Path, reports: &[PathBuf], title: &str) -> anyhow::Result<usize> {
    let mut index = load_index(site)?;
    let mut touched: BTreeSet<String> = BTreeSet::new();
    let mut added = 0;
    for dir in reports {
        let json_path = dir.join("report.json");
        let bytes = std::fs::read(&json_path).with_context(|| {
            format!(
                "cannot read {}; pass directories written by `scanlens scan` or `scanlens render`",
                json_path.display()
            )
        })?;
        let report: Report = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a scanlens report.json", json_path.display()))?;
        let reference = report
            .artifacts
            .first()
            .map(|a| a.name.clone())
            .unwrap_or_else(|| dir.display().to_string());
        let name = repository(&reference).to_string();
        let id = scan_id(&report, &Sha256::digest(&bytes));
        let pos = match index.images.iter().position(|i| i.name == name) {
            Some(p) => p,
            None => {
                let mut s = slug(&name);
                while index.images.iter().any(|i| i.slug == s) {
                    s.push('_');
                }
                index.images.push(ImageEntry {
                    name: name.clone(),
                    slug: s,
                    scans: Vec::new(),
                });
                index.images.len() - 1
            }
        };
        let image = &mut index.images[pos];
        if image.scans.iter().any(|s| s.id == id) {
            continue; // The same report added again: nothing changes.
        }
        let dest = site.join("images").join(&image.slug).join(&id);
        copy_dir(dir, &dest)?;
        let total = |s| report.summary.severity_total(s);
        let counts = SeverityCounts {
            critical: total(Severity::Critical),
            high: total(Severity::High),
            medium: total(Severity::Medium),
            low: total(Severity::Low),
            unknown: total(Severity::Unknown),
        };
        let mut terms: BTreeSet<String> = BTreeSet::new();
        for f in report.findings.iter().filter(|f| f.is_counted()) {
            terms.insert(f.id.clone());
            terms.extend(f.aliases.iter().cloned());
            if !f.package_name().is_empty() {
                terms.insert(f.package_name().to_string());
            }
        }
        image.scans.push(ScanEntry {
            id,
            reference,
            scanned_at: report
                .artifacts
                .first()
                .and_then(|a| a.scanned_at.clone())
                .unwrap_or_default(),
            commit: report.commit.clone(),
            counts,
            fixable: report.stats.fixable,
            terms: terms.into_iter().collect(),
        });
        image
            .scans
            .sort_by(|a, b| (&a.scanned_at, &a.id).cmp(&(&b.scanned_at, &b.id)));
        touched.insert(name);
        added += 1;
    }
    index.images.sort_by(|a, b| a.name.cmp(&b.name));
    for image in index.images.iter().filter(|i| touched.contains(&i.name)) {
        write_image_page(site, image)?;
    }
    // Only the newest scan of each image needs its search terms; older ones drop them to keep
    // the index small as history grows.
    for image in &mut index.images {
        let n = image.scans.len();
        for s in image.scans.iter_mut().take(n.saturating_sub(1)) {
            s.terms.clear();
        }
    }
    write_index_page(site, &index, title)?;
    std::fs::create_dir_all(site.join("data"))?;
    write_atomically(
        &site.join("data/site.json"),
        &serde_json::to_vec_pretty(&index)?,
    )?;
    Ok(added)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    let tmp = to.with_extension("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot list {}", from.display()))?
    {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), tmp.join(entry.file_name()))
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    let _ = std::fs::remove_dir_all(to);
    std::fs::rename(&tmp, to).with_context(|| format!("cannot create {}", to.display()))?;
    Ok(())
}

struct SevCell {
    class: &'static str,
    n: u64,
}

fn cells(c: &SeverityCounts) -> Vec<SevCell> {
    Severity::ALL
        .iter()
        .map(|s| SevCell {
            class: s.as_str(),
            n: c.get(*s),
        })
        .collect()
}

/// An inline SVG polyline of total and critical+high counts over the scans.
fn trend(scans: &[ScanEntry], width: f64, height: f64) -> (String, String) {
    let n = scans.len().max(2) as f64 - 1.0;
    let max = scans
        .iter()
        .map(|s| s.counts.total())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let line = |f: &dyn Fn(&ScanEntry) -> u64| {
        scans
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let x = if scans.len() == 1 {
                    width / 2.0
                } else {
                    i as f64 * width / n
                };
                let y = height - 1.0 - f(s) as f64 * (height - 2.0) / max;
                format!("{x:.1},{y:.1}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    (
        line(&|s| s.counts.total()),
        line(&|s| s.counts.critical + s.counts.high),
    )
}

#[derive(Template)]
#[template(path = "site_index.html")]
struct IndexPage<'a> {
    title: &'a str,
    csp: String,
    style: &'a str,
    script: &'a str,
    rows: Vec<IndexRow<'a>>,
    scans: usize,
}

struct IndexRow<'a> {
    name: &'a str,
    slug: &'a str,
    latest: &'a ScanEntry,
    cells: Vec<SevCell>,
    total: u64,
    history: usize,
    trend_total: String,
    trend_severe: String,
    search: String,
}

fn write_index_page(site: &Path, index: &SiteIndex, title: &str) -> anyhow::Result<()> {
    let rows = index
        .images
        .iter()
        .filter_map(|i| {
            let latest = i.scans.last()?;
            let (trend_total, trend_severe) = trend(&i.scans, 120.0, 24.0);
            Some(IndexRow {
                name: &i.name,
                slug: &i.slug,
                latest,
                cells: cells(&latest.counts),
                total: latest.counts.total(),
                history: i.scans.len(),
                trend_total,
                trend_severe,
                search: format!("{} {}", i.name, latest.terms.join(" ")).to_lowercase(),
            })
        })
        .collect();
    let page = IndexPage {
        title,
        csp: crate::html::csp(STYLE, &[SEARCH_JS]),
        style: STYLE,
        script: SEARCH_JS,
        rows,
        scans: index.images.iter().map(|i| i.scans.len()).sum(),
    };
    write_atomically(&site.join("index.html"), page.render()?.as_bytes())
}

#[derive(Template)]
#[template(path = "site_image.html")]
struct ImagePage<'a> {
    name: &'a str,
    csp: String,
    style: &'a str,
    latest: &'a ScanEntry,
    history: Vec<HistoryRow<'a>>,
    trend_total: String,
    trend_severe: String,
    diff: Option<DiffView>,
}

struct HistoryRow<'a> {
    scan: &'a ScanEntry,
    cells: Vec<SevCell>,
    total: u64,
}

struct DiffView {
    previous: String,
    new: usize,
    fixed: usize,
    unchanged: u64,
    /// ("New", rows), ("Fixed", rows).
    sections: Vec<(&'static str, Vec<DiffRow>)>,
}

struct DiffRow {
    severity: &'static str,
    id: String,
    package: String,
    target: String,
    title: String,
    href: Option<String>,
}

fn diff_rows(list: &[scanlens_model::Finding]) -> Vec<DiffRow> {
    list.iter()
        .map(|f| DiffRow {
            severity: f.severity.as_str(),
            id: f.id.clone(),
            package: f.package_name().to_string(),
            target: f.target.clone(),
            title: f.title.clone(),
            href: f
                .primary_url
                .as_deref()
                .and_then(crate::html::safe_url)
                .map(str::to_string),
        })
        .collect()
}

fn write_image_page(site: &Path, image: &ImageEntry) -> anyhow::Result<()> {
    let dir = site.join("images").join(&image.slug);
    let latest = image
        .scans
        .last()
        .context("an image has at least one scan")?;
    let diff = match image.scans.len() {
        0 | 1 => None,
        n => {
            let prev = &image.scans[n - 2];
            let old = crate::input::load_report(&dir.join(&prev.id))?;
            let new = crate::input::load_report(&dir.join(&latest.id))?;
            let d = scanlens_model::diff::diff(&old, &new);
            Some(DiffView {
                previous: prev.scanned_at.clone(),
                new: d.new.len(),
                fixed: d.fixed.len(),
                unchanged: d.unchanged,
                sections: vec![("New", diff_rows(&d.new)), ("Fixed", diff_rows(&d.fixed))],
            })
        }
    };
    let (trend_total, trend_severe) = trend(&image.scans, 600.0, 80.0);
    let page = ImagePage {
        name: &image.name,
        csp: crate::html::csp(STYLE, &[]),
        style: STYLE,
        latest,
        history: image
            .scans
            .iter()
            .rev()
            .map(|s| HistoryRow {
                scan: s,
                cells: cells(&s.counts),
                total: s.counts.total(),
            })
            .collect(),
        trend_total,
        trend_severe,
        diff,
    };
    write_atomically(&dir.join("index.html"), page.render()?.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        assert_eq!(repository("mysql:latest"), "mysql");
        assert_eq!(repository("mysql"), "mysql");
        assert_eq!(
            repository("registry:5000/team/app:1.2"),
            "registry:5000/team/app"
        );
        assert_eq!(repository("app@sha256:abc"), "app");
        assert_eq!(repository("registry:5000/app"), "registry:5000/app");
    }

    #[test]
    fn scan_ids_are_recognised() {
        let mut report = Report::default();
        assert!(is_scan_id(&scan_id(&report, &[0xab; 32])));
        report.artifacts.push(Default::default());
        report.artifacts[0].scanned_at = Some("2021-09-01T00:00:00Z".into());
        let id = scan_id(&report, &[0x12; 32]);
        assert_eq!(id, "20210901000000-121212121212");
        assert!(is_scan_id(&id));
        for not in [
            "20210901000000-121212121212.tmp",
            "-121212121212",
            "x-121212121212",
            "121212",
            "index.html",
            "20210901000000-ABCDEF121212",
            "123456789012345-121212121212",
        ] {
            assert!(!is_scan_id(not), "{not}");
        }
    }

    #[test]
    fn slugs_stay_inside() {
        assert_eq!(slug("registry:5000/team/app"), "registry_5000_team_app");
        assert_eq!(slug(".."), "_");
        assert_eq!(slug("../../etc"), "_.._etc");
        assert!(!slug("a/../../b").contains('/'));
    }
}
