//! The static dashboard written by `scanlens site`.
//!
//! The site is its own database: `data/site.json` lists every image and every scan added so far,
//! and each scan's report directory is copied under `images/<image>/<scan>/`. Adding reports
//! updates the index, then rewrites the pages of the images that changed, so a CI job can restore
//! the previous site (Pages artifact, S3, cache), add its scans and publish again.
//!
//! Because the site comes back from elsewhere, its index is read as untrusted (`index.rs`): the
//! names that become paths and links are [`Slug`]s and [`ScanId`]s (`names.rs`). A run writes
//! nothing in place until all of it is written (`staging.rs`), so a failed run leaves the site
//! as it was.

mod index;
mod names;
mod pages;
pub mod records;
pub mod restore;
mod search;
mod staging;

pub use index::{
    load as load_index, parse as parse_index, ImageEntry, IndexError, ScanEntry, SiteIndex,
    SITE_VERSION,
};
pub use names::{repository, slug, NameError, ScanId, Slug};

use anyhow::Context;
use names::scan_id;
use scanlens_model::{Report, Severity, SeverityCounts};
use sha2::{Digest, Sha256};
use staging::Staging;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Adds the report directories to the site at `site` and rewrites the affected pages.
/// Returns how many scans were new. On error the site is left as it was.
pub fn add_reports(site: &Path, reports: &[PathBuf], title: &str) -> anyhow::Result<usize> {
    let mut index = index::load(site)?;
    let mut staging = Staging::begin(site)?;
    // Scan folders copied by this run, readable where they were staged until the commit.
    let mut copied: HashMap<(Slug, ScanId), PathBuf> = HashMap::new();
    let mut touched: BTreeSet<String> = BTreeSet::new();
    for dir in reports {
        crate::publishable::check_report_files(dir)?;
        let (Scan { name, id, entry }, report) = read_scan(dir)?;
        let image = image_slot(&mut index, &name)?;
        if image.scans.iter().any(|s| s.id == id) {
            continue; // The same report added again: nothing changes.
        }
        let staged = staging.copy_dir(dir, &["images", image.slug.as_str(), id.as_str()])?;
        // The scan's page again, now with links back to the dashboard and the image's history.
        let page = staged.join("index.html");
        std::fs::write(
            &page,
            crate::html::render_in_site(&report, &pages::BACKLINKS),
        )
        .with_context(|| format!("cannot write {}", page.display()))?;
        copied.insert((image.slug.clone(), id.clone()), staged);
        image.scans.push(entry);
        image
            .scans
            .sort_by(|a, b| (&a.scanned_at, &a.id).cmp(&(&b.scanned_at, &b.id)));
        touched.insert(name);
    }
    index.images.sort_by(|a, b| a.name.cmp(&b.name));
    for image in index.images.iter().filter(|i| touched.contains(&i.name)) {
        let folder = |id: &ScanId| match copied.get(&(image.slug.clone(), id.clone())) {
            Some(staged) => staged.clone(),
            None => site
                .join("images")
                .join(image.slug.as_str())
                .join(id.as_str()),
        };
        let page = pages::image_page(image, &folder)?;
        staging.write_file(
            &["images", image.slug.as_str(), "index.html"],
            page.as_bytes(),
        )?;
    }
    drop_old_terms(&mut index);
    staging.write_file(
        &["index.html"],
        pages::index_page(&index, title)?.as_bytes(),
    )?;
    // Last in place: a site.json that lists a scan means its folder and pages are there.
    staging.write_file(&index::INDEX_PATH, &serde_json::to_vec_pretty(&index)?)?;
    staging.commit()?;
    Ok(copied.len())
}

/// One scan as the site lists it: its image's repository, its folder name, its entry.
#[derive(Debug, Clone)]
pub struct Scan {
    pub name: String,
    pub id: ScanId,
    pub entry: ScanEntry,
}

/// Reads the report folder `dir` (its report.json) as the site lists it, and the report.
pub fn read_scan(dir: &Path) -> anyhow::Result<(Scan, Report)> {
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
    let entry = scan_entry(&report, id.clone(), reference);
    Ok((Scan { name, id, entry }, report))
}

/// The image `name` in the index, added (with a folder name no other image has) if new.
pub fn image_slot<'a>(index: &'a mut SiteIndex, name: &str) -> anyhow::Result<&'a mut ImageEntry> {
    let pos = match index.images.iter().position(|i| i.name == name) {
        Some(p) => p,
        None => {
            let mut s = slug(name);
            while index.images.iter().any(|i| i.slug == s) {
                s = s.bumped().with_context(|| {
                    format!("too many images have names that make the folder name {s}; rename the image {name}")
                })?;
            }
            index.images.push(ImageEntry {
                name: name.to_string(),
                slug: s,
                scans: Vec::new(),
            });
            index.images.len() - 1
        }
    };
    Ok(&mut index.images[pos])
}

/// Only the newest scan of each image needs its search terms; older ones drop them to keep the
/// index small as history grows.
pub fn drop_old_terms(index: &mut SiteIndex) {
    for image in &mut index.images {
        let n = image.scans.len();
        for s in image.scans.iter_mut().take(n.saturating_sub(1)) {
            s.terms.clear();
            s.hits.clear();
        }
    }
}

fn scan_entry(report: &Report, id: ScanId, reference: String) -> ScanEntry {
    let total = |s| report.summary.severity_total(s);
    let counts = SeverityCounts {
        critical: total(Severity::Critical),
        high: total(Severity::High),
        medium: total(Severity::Medium),
        low: total(Severity::Low),
        unknown: total(Severity::Unknown),
    };
    ScanEntry {
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
        known_exploited: known_exploited(report),
        fixable_critical_high: Some(fixable_critical_high(report)),
        // Sites written before `hits` searched these; `hits` holds them all now.
        terms: Vec::new(),
        hits: search::hits(report),
    }
}

/// The report's own "Known exploited" figure (its page's and summary.md's): the vulnerabilities
/// to act on that CISA's KEV catalog lists, or `None` when the report read no catalog. A report
/// with nothing to fix leaves `fix_first` out of report.json, so a catalog read there listed none.
fn known_exploited(report: &Report) -> Option<u64> {
    report.feeds.as_ref().and_then(|f| f.kev.as_ref())?;
    Some(
        report
            .fix_first
            .known_exploited
            .as_ref()
            .map_or(0, |k| u64::from(k.total)),
    )
}

/// The report's "fixable critical/high", as the viewer's header counts it.
fn fixable_critical_high(report: &Report) -> u64 {
    report
        .findings
        .iter()
        .filter(|f| f.is_fixable_critical_high())
        .count() as u64
}
