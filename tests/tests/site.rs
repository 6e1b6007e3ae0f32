//! The dashboard site in a real Chromium, from `file://`: search a CVE across images and follow
//! a link to an image page and on to its report. Each test builds its own site and opens it in
//! its own browser.

mod browser;
mod common;

use anyhow::Result;
use browser::{in_chromium, js, no_network, wait_for};
use common::fixtures;
use fantoccini::{Client, Locator};
use scanlens_e2e::e2e;
use serde_json::json;
use std::path::{Path, PathBuf};

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
