//! The dashboard's pages: the index of images and one page per image.

use super::index::{ImageEntry, ScanEntry, SiteIndex};
use super::names::{ScanId, Slug};
use anyhow::Context;
use askama::Template;
use scanlens_model::{Severity, SeverityCounts};
use std::path::PathBuf;

const STYLE: &str = include_str!("../../templates/site.css");
const SEARCH_JS: &str = include_str!("../../templates/site-search.js");
const SORT_JS: &str = include_str!("../../templates/site-sort.js");
const TIME_JS: &str = include_str!("../../templates/site-time.js");

/// A scan's page (`images/<slug>/<scan>/index.html`) links back to these.
pub const BACKLINKS: crate::html::Backlinks = crate::html::Backlinks {
    dashboard: "../../../index.html",
    history: "../index.html",
};

/// A scan time as the pages show it: the exact time in `datetime` for the browser to show in the
/// reader's zone (`site-time.js`), a readable UTC time for readers without JavaScript, and a sort
/// key. A value that is not a time (`site.json` is untrusted) is shown as it is, escaped.
struct When {
    datetime: Option<String>,
    text: String,
    /// Seconds since the epoch; unreadable times sort first.
    sort: i64,
}

fn when(raw: &str) -> When {
    match scanlens_model::date::parse_timestamp(raw) {
        Some(secs) => When {
            datetime: Some(scanlens_model::date::format_rfc3339(secs)),
            text: scanlens_model::present::utc_minute(secs),
            sort: secs,
        },
        None => When {
            datetime: None,
            text: raw.to_string(),
            sort: i64::MIN,
        },
    }
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
    scripts: &'a [&'a str],
    /// Each row's hits (`search::page_data`), for `site-search.js`: safe in a script block.
    hits: String,
    rows: Vec<IndexRow<'a>>,
    scans: usize,
}

struct IndexRow<'a> {
    name: &'a str,
    slug: &'a Slug,
    latest: &'a ScanEntry,
    when: When,
    cells: Vec<SevCell>,
    total: u64,
    history: usize,
    trend_total: String,
    trend_severe: String,
    /// The image's words not in the page's search data (`search::haystack`).
    search: String,
}

/// The index page's scripts: local times, sortable columns, search.
const SCRIPTS: [&str; 3] = [TIME_JS, SORT_JS, SEARCH_JS];

/// `index.html`: every image's latest scan, searchable.
pub fn index_page(index: &SiteIndex, title: &str) -> anyhow::Result<String> {
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
                when: when(&latest.scanned_at),
                cells: cells(&latest.counts),
                total: latest.counts.total(),
                history: i.scans.len(),
                trend_total,
                trend_severe,
                search: super::search::haystack(&i.name, &latest.terms),
            })
        })
        .collect::<Vec<IndexRow>>();
    let hits: Vec<&[super::search::Hit]> = rows.iter().map(|r| r.latest.hits.as_slice()).collect();
    let page = IndexPage {
        hits: super::search::page_data(&hits),
        title,
        csp: crate::html::csp(&[STYLE], &[SCRIPTS[0], SCRIPTS[1], SCRIPTS[2]]),
        style: STYLE,
        scripts: &SCRIPTS,
        rows,
        scans: index.images.iter().map(|i| i.scans.len()).sum(),
    };
    Ok(page.render()?)
}

#[derive(Template)]
#[template(path = "site_image.html")]
struct ImagePage<'a> {
    name: &'a str,
    csp: String,
    style: &'a str,
    scripts: &'a [&'a str],
    latest: &'a ScanEntry,
    latest_when: When,
    history: Vec<HistoryRow<'a>>,
    trend_total: String,
    trend_severe: String,
    diff: Option<DiffView>,
}

struct HistoryRow<'a> {
    scan: &'a ScanEntry,
    when: When,
    cells: Vec<SevCell>,
    total: u64,
}

struct DiffView {
    previous: When,
    new: usize,
    fixed: usize,
    unchanged: u64,
    /// ("New", rows), ("Fixed", rows).
    sections: Vec<(&'static str, Vec<DiffRow>)>,
}

struct DiffRow {
    severity: &'static str,
    /// Most severe first.
    rank: usize,
    id: String,
    package: String,
    version: String,
    target: String,
    title: String,
    href: Option<String>,
}

fn diff_rows(list: &[scanlens_model::Finding]) -> Vec<DiffRow> {
    list.iter()
        .map(|f| DiffRow {
            severity: f.severity.as_str(),
            rank: f.severity as usize,
            id: f.id.clone(),
            package: f.package_name().to_string(),
            version: f.installed_version().to_string(),
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

/// The image page's scripts: local times, sortable columns.
const IMAGE_SCRIPTS: [&str; 2] = [TIME_JS, SORT_JS];

/// `images/<slug>/index.html`: an image's history, and what changed in its latest scan, read
/// from the reports in the scan folders `folder` names.
pub fn image_page(
    image: &ImageEntry,
    folder: &dyn Fn(&ScanId) -> PathBuf,
) -> anyhow::Result<String> {
    let latest = image
        .scans
        .last()
        .context("an image has at least one scan")?;
    let diff = match image.scans.len() {
        0 | 1 => None,
        n => {
            let prev = &image.scans[n - 2];
            let old = crate::input::load_report(&folder(&prev.id))?;
            let new = crate::input::load_report(&folder(&latest.id))?;
            let d = scanlens_model::diff::diff(&old, &new);
            Some(DiffView {
                previous: when(&prev.scanned_at),
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
        csp: crate::html::csp(&[STYLE], &[IMAGE_SCRIPTS[0], IMAGE_SCRIPTS[1]]),
        style: STYLE,
        scripts: &IMAGE_SCRIPTS,
        latest,
        latest_when: when(&latest.scanned_at),
        history: image
            .scans
            .iter()
            .rev()
            .map(|s| HistoryRow {
                scan: s,
                when: when(&s.scanned_at),
                cells: cells(&s.counts),
                total: s.counts.total(),
            })
            .collect(),
        trend_total,
        trend_severe,
        diff,
    };
    Ok(page.render()?)
}
