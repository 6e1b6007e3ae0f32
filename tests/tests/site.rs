//! The dashboard site in a real Chromium, from `file://`: search a CVE across images and follow
//! a link to an image page.

mod common;

use anyhow::Result;
use common::{fixtures, js, no_network, run_in_browser, start_driver, wait_for};
use fantoccini::{Client, Locator};
use scanlens_e2e::{e2e, require, TempDir};
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

async fn scenario(c: &Client, site: &Path) -> Result<()> {
    c.goto(&format!("file://{}/index.html", site.display()))
        .await?;
    wait_for(
        c,
        "!document.getElementById('q').disabled",
        "the search to start",
    )
    .await?;
    let rows = "return [...document.querySelectorAll('tr[data-search]')].filter(r => !r.classList.contains('hidden')).map(r => r.querySelector('a').textContent);";
    assert_eq!(js(c, rows).await?.as_array().unwrap().len(), 4);
    // CVE-2019-1549 (openssl) is in both alpine images and nowhere else.
    let q = c.find(Locator::Id("q")).await?;
    q.send_keys("CVE-2019-1549").await?;
    wait_for(
        c,
        "document.getElementById('status').textContent.startsWith('2 of 4')",
        "the search to narrow",
    )
    .await?;
    let shown = js(c, rows).await?;
    let names: Vec<String> = serde_json::from_value(shown)?;
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.contains("alpine")), "{names:?}");
    assert!(c
        .current_url()
        .await?
        .as_str()
        .ends_with("#q=CVE-2019-1549"));
    no_network(c).await?;
    // Follow the first image's link to its page, then on to its report.
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
        "return document.querySelectorAll('#hist-h + table tbody tr').length;",
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
    no_network(c).await?;
    Ok(())
}

#[test]
fn site_in_chromium() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    let driver = require!(start_driver());
    let scratch = require!(TempDir::new("site"));
    let site = build_site(&fx, scratch.path()).expect("site builds");
    run_in_browser("site", &driver, async |c: &Client| scenario(c, &site).await);
}
