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

/// A "what to fix first" figure of a scan, which an entry may not know: the report read no KEV
/// catalog, or scanlens did not keep the figure when it added the scan. Unknown shows as "–"
/// (with `unknown` for screen readers and `why` as its tooltip) and sorts below 0.
struct Figure {
    n: Option<u64>,
    /// The column's class.
    column: &'static str,
    /// The cell's class when the figure is above 0.
    hot: &'static str,
    unknown: &'static str,
    why: &'static str,
}

impl Figure {
    /// Of `scan`: the known-exploited and the fixable critical/high figures.
    fn of(scan: &ScanEntry) -> [Figure; 2] {
        // Scanlens keeps the fixable figure of every scan it adds: one without it was added
        // before scanlens kept either.
        let (unknown, why) = match scan.fixable_critical_high {
            Some(_) => (
                "not checked",
                "Not checked: this scan's report read no KEV catalog (render it with --kev or --feeds)",
            ),
            None => NOT_RECORDED,
        };
        [
            Figure {
                n: scan.known_exploited,
                column: "kev",
                hot: "CRITICAL",
                unknown,
                why,
            },
            Figure {
                n: scan.fixable_critical_high,
                column: "fixable",
                hot: "",
                unknown: NOT_RECORDED.0,
                why: NOT_RECORDED.1,
            },
        ]
    }

    /// The cell's classes: `n`, the column's, and `zero`, `hot` or `unknown`.
    fn classes(&self) -> String {
        let state = match self.n {
            Some(0) => "zero",
            Some(_) => self.hot,
            None => "unknown",
        };
        format!("n {} {state}", self.column).trim_end().to_string()
    }

    /// The sort key: unknown below 0.
    fn sort(&self) -> i128 {
        self.n.map_or(-1, i128::from)
    }
}

const NOT_RECORDED: (&str, &str) = (
    "not recorded",
    "Not recorded: an older scanlens added this scan",
);

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
    figures: [Figure; 2],
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
                figures: Figure::of(latest),
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
    figures: [Figure; 2],
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
                figures: Figure::of(s),
            })
            .collect(),
        trend_total,
        trend_severe,
        diff,
    };
    Ok(page.render()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site.json as scanlens wrote it before it kept the known-exploited and fixable
    /// critical/high figures of each scan.
    const OLD_SITE: &str = r#"{"version":1,"images":[{"name":"ghcr.io/acme/app","slug":"ghcr.io_acme_app","scans":[{"id":"20210825122030-0123456789ab","reference":"ghcr.io/acme/app:1.2","scanned_at":"2021-08-25T12:20:30Z","commit":"0123456789abcdef","counts":{"CRITICAL":3,"HIGH":2,"MEDIUM":1,"LOW":0,"UNKNOWN":0},"fixable":4,"terms":[],"hits":[{"id":"CVE-2021-1","package":"openssl","version":"1.1.1","severity":"CRITICAL"}]}]}]}"#;

    /// The cells of the column `class` in `page`, as written.
    fn cells<'p>(page: &'p str, class: &str) -> Vec<&'p str> {
        let open = format!("<td class=\"n {class}");
        page.match_indices(&open)
            .map(|(at, _)| &page[at..at + page[at..].find("</td>").unwrap() + 5])
            .collect()
    }

    #[test]
    fn a_site_from_before_the_fix_first_figures_loads_and_shows_them_as_unknown() {
        let index = super::super::index::parse("site.json".into(), OLD_SITE.as_bytes()).unwrap();
        let scan = &index.images[0].scans[0];
        assert_eq!(
            (scan.known_exploited, scan.fixable_critical_high),
            (None, None)
        );
        // Written back as it was read: no figure made up for it.
        let back = serde_json::to_value(&index).unwrap();
        let back = &back["images"][0]["scans"][0];
        assert!(back.get("known_exploited").is_none(), "{back}");
        assert!(back.get("fixable_critical_high").is_none(), "{back}");

        let unknown = |why: &str| {
            format!("data-sort=\"-1\" title=\"{why}\"><span aria-hidden=\"true\">–</span><span class=\"sr\">not recorded</span></td>")
        };
        let why = "Not recorded: an older scanlens added this scan";
        let index_html = index_page(&index, "Fleet").unwrap();
        let image_html =
            image_page(&index.images[0], &|_| unreachable!("one scan: no diff")).unwrap();
        for (page, html) in [("index", &index_html), ("image", &image_html)] {
            for column in ["kev", "fixable"] {
                let got = cells(html, column);
                assert_eq!(
                    got,
                    [format!("<td class=\"n {column} unknown\" {}", unknown(why))],
                    "{page} page, {column}"
                );
            }
            assert!(html.contains("Known exploited</span>"), "{page}");
            assert!(html.contains("Fixable critical/high</span>"), "{page}");
        }
        // The counts it did keep still show.
        assert!(index_html.contains("<td class=\"n CRITICAL\" data-sort=\"3\">3</td>"));
    }

    /// One point draws no line: an image with one scan says so where its trend would be, rather
    /// than leaving an empty chart.
    #[test]
    fn an_image_with_one_scan_says_so_instead_of_an_empty_trend() {
        let mut index =
            super::super::index::parse("site.json".into(), OLD_SITE.as_bytes()).unwrap();
        let one = index_page(&index, "Fleet").unwrap();
        let image = image_page(&index.images[0], &|_| unreachable!("one scan: no diff")).unwrap();
        assert!(!one.contains("<svg"), "{one}");
        assert!(one.contains("<td class=\"trend\"><span class=\"muted\">1 scan</span></td>"));
        assert!(!image.contains("<svg"), "{image}");
        assert!(image.contains("One scan so far"), "{image}");
        let mut second = index.images[0].scans[0].clone();
        second.id = ScanId::try_from("20210826122030-0123456789ab".to_string()).unwrap();
        index.images[0].scans.push(second);
        let two = index_page(&index, "Fleet").unwrap();
        assert!(two.contains("<svg class=\"trend\""), "{two}");
        assert!(!two.contains("1 scan<"), "{two}");
    }

    /// The reference scanned goes under the image's name unless it is the name again (a report
    /// of a file, whose name is its path).
    #[test]
    fn the_index_names_the_reference_scanned_once() {
        let mut index =
            super::super::index::parse("site.json".into(), OLD_SITE.as_bytes()).unwrap();
        let html = index_page(&index, "Fleet").unwrap();
        assert!(html.contains("<span class=\"muted ref\">ghcr.io/acme/app:1.2</span>"));
        index.images[0].scans[0].reference = index.images[0].name.clone();
        let html = index_page(&index, "Fleet").unwrap();
        assert!(!html.contains("muted ref"), "{html}");
    }

    #[test]
    fn figures_show_as_counted_and_unknown_ones_sort_below_zero() {
        let mut index =
            super::super::index::parse("site.json".into(), OLD_SITE.as_bytes()).unwrap();
        let scan = &mut index.images[0].scans[0];
        scan.fixable_critical_high = Some(5);
        let html = index_page(&index, "Fleet").unwrap();
        assert_eq!(
            cells(&html, "fixable"),
            ["<td class=\"n fixable\" data-sort=\"5\">5</td>"]
        );
        // A fixable figure but no KEV one: the report read no catalog.
        assert_eq!(
            cells(&html, "kev"),
            ["<td class=\"n kev unknown\" data-sort=\"-1\" title=\"Not checked: this scan&#39;s report read no KEV catalog (render it with --kev or --feeds)\"><span aria-hidden=\"true\">–</span><span class=\"sr\">not checked</span></td>"]
        );
        for (n, cell) in [
            (0, "<td class=\"n kev zero\" data-sort=\"0\">0</td>"),
            (2, "<td class=\"n kev CRITICAL\" data-sort=\"2\">2</td>"),
        ] {
            index.images[0].scans[0].known_exploited = Some(n);
            let html = index_page(&index, "Fleet").unwrap();
            assert_eq!(cells(&html, "kev"), [cell]);
        }
    }
}
