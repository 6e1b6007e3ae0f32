//! The static dashboard written by `scanlens site`.
//!
//! The site is its own database: `data/site.json` lists every image and every scan added so far,
//! and each scan's report directory is copied under `images/<image>/<scan>/`. Adding reports
//! updates the index, then rewrites the pages of the images that changed, so a CI job can restore
//! the previous site (Pages artifact, S3, cache), add its scans and publish again.

mod index;
mod names;
mod pages;

pub use index::{ImageEntry, IndexError, ScanEntry, SiteIndex, SITE_VERSION};
pub use names::{repository, slug, NameError, ScanId, Slug};

use anyhow::Context;
use names::scan_id;
use pages::{write_image_page, write_index_page};
use scanlens_model::{Report, Severity, SeverityCounts};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Adds the report directories to the site at `site` and rewrites the affected pages.
/// Returns how many scans were new.
pub fn add_reports(site: &Path, reports: &[PathBuf], title: &str) -> anyhow::Result<usize> {
    let mut index = index::load(site)?;
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
                    s = s.bumped().with_context(|| {
                        format!("too many images have names that make the folder name {s}; rename the image {name}")
                    })?;
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
        let dest = site
            .join("images")
            .join(image.slug.as_str())
            .join(id.as_str());
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
