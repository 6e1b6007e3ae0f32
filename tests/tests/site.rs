//! The dashboard site: each image's "what to fix first" figures as its report counts them (no
//! browser: rendered and built in this process, as the binary does); then, in a real Chromium from
//! `file://`, search a CVE across images and follow a link to an image page and on to its report.
//! Each test builds its own site; the browser tests open it in their own browser.

mod browser;
mod common;

use anyhow::{ensure, Context, Result};
use browser::{in_chromium, js, no_network, wait_for};
use common::fixtures;
use fantoccini::{Client, Locator};
use scanlens_e2e::{e2e, TempDir};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn render(input: &Path, out: &Path) -> Result<()> {
    let report = scanlens::input::read_reports(&[input.to_path_buf()])?;
    scanlens::commands::render_report(&report, out)?;
    Ok(())
}

fn build_site(fx: &Path, scratch: &Path) -> Result<PathBuf> {
    let mut dirs = Vec::new();
    for (name, file) in [
        ("alpine-310", "trivy-golden/alpine-310.json.golden"),
        ("alpine-39", "trivy-golden/alpine-39.json.golden"),
        ("debian", "local-trivy-0.76/debian-image-vuln-secret.json"),
        ("centos", "trivy-golden/centos-7.json.golden"),
    ] {
        let out = scratch.join("reports").join(name);
        render(&fx.join(file), &out)?;
        dirs.push(out);
    }
    let site = scratch.join("site");
    scanlens::site::add_reports(&site, &dirs, "Scanlens dashboard")?;
    Ok(site)
}

/// The visible rows' image names.
const ROWS: &str = "return [...document.querySelectorAll('tr[data-search]')].filter(r => !r.classList.contains('hidden')).map(r => r.querySelector('a').textContent);";

/// Opens the dashboard, waits for its search and searches CVE-2019-1549 (openssl), which is in
/// both alpine images and nowhere else.
async fn search_openssl_cve(c: &Client, site: &Path) -> Result<()> {
    c.goto(&format!("file://{}/index.html", site.display()))
        .await?;
    wait_for(
        c,
        "!document.getElementById('q').disabled",
        "the search to start",
    )
    .await?;
    assert_eq!(js(c, ROWS).await?.as_array().unwrap().len(), 4);
    let q = c.find(Locator::Id("q")).await?;
    q.send_keys("CVE-2019-1549").await?;
    wait_for(
        c,
        "document.getElementById('status').textContent.startsWith('2 of 4')",
        "the search to narrow",
    )
    .await
}

#[test]
fn the_dashboard_search_finds_a_cve_across_images() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        search_openssl_cve(c, &site).await?;
        let names: Vec<String> = serde_json::from_value(js(c, ROWS).await?)?;
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().all(|n| n.contains("alpine")), "{names:?}");
        assert!(c
            .current_url()
            .await?
            .as_str()
            .ends_with("#q=CVE-2019-1549"));
        no_network(c).await
    });
}

#[test]
fn an_image_link_leads_to_its_history_and_on_to_its_full_report() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        search_openssl_cve(c, &site).await?;
        c.find(Locator::Css("tr[data-search]:not(.hidden) td a"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            "location.pathname.endsWith('/index.html') && location.pathname.includes('/images/')",
            "the image page",
        )
        .await?;
        let h1 = js(c, "return document.querySelector('h1').textContent;").await?;
        assert!(h1.as_str().unwrap_or("").contains("alpine"), "{h1}");
        let history = js(
            c,
            "return document.querySelectorAll('#hist-h + .scroll table tbody tr').length;",
        )
        .await?;
        assert_eq!(history, json!(1));
        no_network(c).await?;
        c.find(Locator::LinkText("Open the full report"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            "document.title.includes('Scanlens report')",
            "the report page",
        )
        .await?;
        no_network(c).await
    });
}

/// `scanlens ARGS` run in this process, through the binary's own entry point.
fn scanlens_cli(args: &[&Path]) -> Result<()> {
    let argv = std::iter::once(Path::new("scanlens")).chain(args.iter().copied());
    let code = scanlens::main_with_args(argv.map(Path::as_os_str));
    ensure!(code == ExitCode::SUCCESS, "scanlens {args:?}: {code:?}");
    Ok(())
}

/// `scanlens render INPUT --out OUT`, with CISA's KEV catalog from the corpus when `kev`.
fn render_cli(fx: &Path, input: &str, kev: bool, out: &Path) -> Result<()> {
    let catalog = fx.join("feeds/known_exploited_vulnerabilities.json");
    let input = fx.join(input);
    let mut args = vec![Path::new("render"), &input, Path::new("--out"), out];
    if kev {
        args.extend([Path::new("--kev"), &catalog]);
    }
    scanlens_cli(&args)
}

fn read_json(path: &Path) -> Result<Value> {
    let bytes = std::fs::read(path).with_context(|| path.display().to_string())?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// The figures the report in `dir` gives: its "Known exploited" (report.json's
/// `fix_first.known_exploited.total`; `None` when it read no catalog) and its counted critical and
/// high findings with a fixed version (read from its findings).
fn report_figures(dir: &Path) -> Result<(String, Option<u64>, u64)> {
    let report = read_json(&dir.join("report.json"))?;
    let reference = report["artifacts"][0]["name"]
        .as_str()
        .context("name")?
        .to_string();
    let kev = report["fix_first"]["known_exploited"]["total"].as_u64();
    let counted = |f: &&Value| {
        f.get("suppressed").is_none_or(Value::is_null)
            && (f["kind"] != "misconfiguration" || f["status"] == "FAIL")
    };
    let fixed = |f: &&Value| {
        f["kind"] == "vulnerability"
            && (f["package"]["fixed_version"]
                .as_str()
                .is_some_and(|v| !v.is_empty())
                || f["status"] == "fixed")
    };
    let fixable = report["findings"]
        .as_array()
        .context("findings")?
        .iter()
        .filter(counted)
        .filter(fixed)
        .filter(|f| f["severity"] == "CRITICAL" || f["severity"] == "HIGH")
        .count() as u64;
    Ok((reference, kev, fixable))
}

/// The scan of `site.json` whose reference is `reference`, with its image's folder name.
fn site_scan(site: &Path, reference: &str) -> Result<(String, Value)> {
    let index = read_json(&site.join("data/site.json"))?;
    for image in index["images"].as_array().context("images")? {
        for scan in image["scans"].as_array().context("scans")? {
            if scan["reference"] == json!(reference) {
                let slug = image["slug"].as_str().context("slug")?.to_string();
                return Ok((slug, scan.clone()));
            }
        }
    }
    anyhow::bail!("site.json lists no scan of {reference}")
}

/// The cell of column `class` in the row of `page`'s last table (the images, an image's
/// history) that links to `href`.
fn cell(page: &str, href: &str, class: &str) -> Result<String> {
    let body = &page[page.rfind("<tbody>").context("no table")?..];
    let at = body
        .find(&format!("href=\"{href}\""))
        .context(href.to_string())?;
    let row = &body[body[..at].rfind("<tr").context("row")?..];
    let row = &row[..row.find("</tr>").context("row end")?];
    let start = row
        .find(&format!("<td class=\"n {class}"))
        .with_context(|| format!("no {class} cell in {row}"))?;
    let cell = &row[start..];
    Ok(cell[..cell.find("</td>").context("cell end")? + 5].to_string())
}

/// What a figure's cell says: the number, or "–" with `unknown` for screen readers.
fn shown(n: Option<u64>, unknown: &str) -> String {
    match n {
        Some(n) => format!("data-sort=\"{n}\">{n}</td>"),
        None => {
            format!("<span aria-hidden=\"true\">–</span><span class=\"sr\">{unknown}</span></td>")
        }
    }
}

#[test]
fn each_image_shows_the_known_exploited_and_fixable_critical_high_figures_of_its_report() {
    let Some(fx) = fixtures() else {
        return;
    };
    let tmp = TempDir::new("site-figures").unwrap();
    let spring = tmp.path().join("spring4shell");
    let alpine = tmp.path().join("alpine-39");
    render_cli(
        &fx,
        "trivy-golden/spring4shell-jre11.json.golden",
        true,
        &spring,
    )
    .unwrap();
    render_cli(&fx, "trivy-golden/alpine-39.json.golden", false, &alpine).unwrap();
    let site = tmp.path().join("site");
    scanlens_cli(&[
        Path::new("site"),
        Path::new("--out"),
        &site,
        &spring,
        &alpine,
    ])
    .unwrap();
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();

    for (dir, with_kev) in [(&spring, true), (&alpine, false)] {
        let (reference, kev, fixable) = report_figures(dir).unwrap();
        if !with_kev {
            // alpine 3.9 has fixable critical findings and fixable medium ones: the figure is
            // not the report's "N fixable".
            let all = read_json(&dir.join("report.json")).unwrap()["stats"]["fixable"].as_u64();
            assert!(fixable > 0 && Some(fixable) < all, "{fixable} of {all:?}");
        }
        let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
        if with_kev {
            // CVE-2022-22965 is in the catalog.
            let n = kev.expect("a report rendered with --kev has the figure");
            assert!(n > 0, "{reference}");
            assert!(
                summary.contains(&format!(
                    "**Known exploited:** {n} finding(s) in CISA's KEV catalog"
                )),
                "{summary}"
            );
        } else {
            assert_eq!(kev, None, "{reference}");
            assert!(
                summary.contains("**Known exploited:** not checked"),
                "{summary}"
            );
        }
        let (slug, scan) = site_scan(&site, &reference).unwrap();
        assert_eq!(scan["known_exploited"].as_u64(), kev, "{scan}");
        assert_eq!(
            scan.get("known_exploited").is_some(),
            kev.is_some(),
            "unknown is left out, not 0: {scan}"
        );
        assert_eq!(
            scan["fixable_critical_high"].as_u64(),
            Some(fixable),
            "{scan}"
        );

        // The dashboard's row and the image's history say the same.
        let id = scan["id"].as_str().unwrap();
        let history =
            std::fs::read_to_string(site.join("images").join(&slug).join("index.html")).unwrap();
        for (page, href) in [
            (&index, format!("images/{slug}/{id}/index.html")),
            (&history, format!("{id}/index.html")),
        ] {
            let kev_cell = cell(page, &href, "kev").unwrap();
            assert!(kev_cell.ends_with(&shown(kev, "not checked")), "{kev_cell}");
            if with_kev {
                assert!(
                    kev_cell.starts_with("<td class=\"n kev CRITICAL\""),
                    "{kev_cell}"
                );
            } else {
                assert!(kev_cell.contains("data-sort=\"-1\""), "{kev_cell}");
            }
            let fix_cell = cell(page, &href, "fixable").unwrap();
            assert!(fix_cell.ends_with(&shown(Some(fixable), "")), "{fix_cell}");
        }
    }
}

#[test]
fn a_site_json_from_before_the_figures_still_loads_and_shows_them_unknown() {
    let Some(fx) = fixtures() else {
        return;
    };
    let tmp = TempDir::new("site-old-index").unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("data")).unwrap();
    // As an older scanlens wrote it: no known_exploited, no fixable_critical_high.
    let old = json!({"version": 1, "images": [{"name": "ghcr.io/acme/old", "slug": "ghcr.io_acme_old", "scans": [{
        "id": "20210825122030-0123456789ab", "reference": "ghcr.io/acme/old:1",
        "scanned_at": "2021-08-25T12:20:30Z",
        "counts": {"CRITICAL": 4, "HIGH": 0, "MEDIUM": 0, "LOW": 0, "UNKNOWN": 0},
        "fixable": 4, "terms": []}]}]});
    std::fs::write(
        site.join("data/site.json"),
        serde_json::to_vec(&old).unwrap(),
    )
    .unwrap();
    let spring = tmp.path().join("spring4shell");
    render_cli(
        &fx,
        "trivy-golden/spring4shell-jre11.json.golden",
        true,
        &spring,
    )
    .unwrap();
    scanlens_cli(&[Path::new("site"), Path::new("--out"), &site, &spring]).unwrap();

    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let href = "images/ghcr.io_acme_old/20210825122030-0123456789ab/index.html";
    for class in ["kev", "fixable"] {
        let c = cell(&index, href, class).unwrap();
        assert!(c.ends_with(&shown(None, "not recorded")), "{c}");
        assert!(c.contains("data-sort=\"-1\""), "{c}");
    }
    assert!(cell(&index, href, "CRITICAL").unwrap().ends_with(">4</td>"));
    // The new scan has its figures; the old one keeps none made up.
    let (reference, kev, fixable) = report_figures(&spring).unwrap();
    let (_, scan) = site_scan(&site, &reference).unwrap();
    assert_eq!(
        (
            scan["known_exploited"].as_u64(),
            scan["fixable_critical_high"].as_u64()
        ),
        (kev, Some(fixable))
    );
    let (_, old_scan) = site_scan(&site, "ghcr.io/acme/old:1").unwrap();
    assert_eq!(
        old_scan, old["images"][0]["scans"][0],
        "the old entry is kept as it was"
    );
}
