//! The dashboard as a reader uses it, in a real Chromium from `file://`: scan times in the
//! reader's zone (UTC without JavaScript), columns that sort by click and keyboard (the images to
//! fix first on top by their known-exploited or fixable critical/high figures), a search that
//! says which package, version and severity matched in each image and carries the query into the
//! viewer, scan pages that lead back to the dashboard, a phone's width, and axe-core's verdict in
//! light and dark. Each test builds its own site and opens it in its own browser.

mod browser;
mod common;

use anyhow::{Context, Result};
use browser::{axe_serious, cdp, color_scheme, in_chromium, js, no_network, phone, wait_for};
use common::fixtures;
use fantoccini::{Client, Locator};
use scanlens_e2e::e2e;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

fn render(input: &Path, out: &Path) -> Result<()> {
    let report = scanlens::input::read_reports(&[input.to_path_buf()])?;
    scanlens::commands::render_report(&report, out)?;
    Ok(())
}

/// `scanlens render INPUT --kev CATALOG --out OUT` (CISA's catalog from the corpus), in this
/// process through the binary's entry point.
fn render_with_kev(fx: &Path, input: &Path, out: &Path) -> Result<()> {
    let kev = fx.join("feeds/known_exploited_vulnerabilities.json");
    let args = [
        Path::new("scanlens"),
        "render".as_ref(),
        input,
        "--kev".as_ref(),
        &kev,
        "--out".as_ref(),
        out,
    ];
    let code = scanlens::main_with_args(args.map(Path::as_os_str));
    anyhow::ensure!(
        code == std::process::ExitCode::SUCCESS,
        "render {input:?} --kev: {code:?}"
    );
    Ok(())
}

/// Five images; alpine-310 has two scans: the golden file (2021-08-25 12:20:30 UTC), then
/// alpine-39's findings under its name a week later, so its page shows new and fixed findings.
/// spring4shell (CVE-2022-22965 is in CISA's KEV catalog) and alpine-39 (none is) are rendered
/// with the catalog; the others without, so their known-exploited figure is unknown.
fn build_site(fx: &Path, scratch: &Path) -> Result<PathBuf> {
    let golden = |f: &str| fx.join("trivy-golden").join(f);
    let mut later: Value =
        serde_json::from_slice(&std::fs::read(golden("alpine-39.json.golden"))?)?;
    let first: Value = serde_json::from_slice(&std::fs::read(golden("alpine-310.json.golden"))?)?;
    later["ArtifactName"] = first["ArtifactName"].clone();
    later["CreatedAt"] = "2021-09-01T08:00:00Z".into();
    let later_json = scratch.join("alpine-310-later.json");
    std::fs::write(&later_json, serde_json::to_vec(&later)?)?;
    let mut dirs = Vec::new();
    for (name, file) in [
        ("alpine-310", golden("alpine-310.json.golden")),
        ("alpine-310-later", later_json),
        ("alpine-39", golden("alpine-39.json.golden")),
        (
            "debian",
            fx.join("local-trivy-0.76/debian-image-vuln-secret.json"),
        ),
        ("centos", golden("centos-7.json.golden")),
        ("spring4shell", golden("spring4shell-jre11.json.golden")),
    ] {
        let out = scratch.join("reports").join(name);
        if matches!(name, "alpine-39" | "spring4shell") {
            render_with_kev(fx, &file, &out)?;
        } else {
            render(&file, &out)?;
        }
        dirs.push(out);
    }
    let site = scratch.join("site");
    scanlens::site::add_reports(&site, &dirs, "Scanlens dashboard")?;
    Ok(site)
}

fn url(site: &Path, page: &str) -> String {
    format!("file://{}/{page}", site.display())
}

/// The one image folder whose name contains `part`.
fn image_dir(site: &Path, part: &str) -> Result<PathBuf> {
    let mut found = Vec::new();
    for e in std::fs::read_dir(site.join("images"))? {
        let p = e?.path();
        if p.file_name().unwrap().to_string_lossy().contains(part) {
            found.push(p);
        }
    }
    anyhow::ensure!(found.len() == 1, "{part}: {found:?}");
    Ok(found.remove(0))
}

/// Opens the index and waits for its scripts.
async fn open_index(c: &Client, site: &Path, hash: &str) -> Result<()> {
    c.goto(&format!("{}{hash}", url(site, "index.html")))
        .await?;
    wait_for(
        c,
        "!document.getElementById('q').disabled",
        "the search to start",
    )
    .await
}

/// The visible rows of the images table: name and the sort keys of every cell.
const ROWS: &str = "return [...document.querySelectorAll('table.images tbody tr')].filter(r => !r.classList.contains('hidden')).map(r => ({ name: r.querySelector('a.image').textContent, keys: [...r.cells].map(c => c.getAttribute('data-sort')) }));";

async fn rows(c: &Client) -> Result<Vec<(String, Vec<Option<String>>)>> {
    let v = js(c, ROWS).await?;
    Ok(v.as_array()
        .context("rows")?
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                serde_json::from_value(r["keys"].clone()).unwrap_or_default(),
            )
        })
        .collect())
}

/// The `aria-sort` of each header of the table `table`, `-` where there is none.
async fn aria_sort(c: &Client, table: &str) -> Result<Vec<String>> {
    let v = js(
        c,
        &format!("return [...document.querySelectorAll('{table} thead th')].map(th => th.getAttribute('aria-sort') || '-');"),
    )
    .await?;
    Ok(serde_json::from_value(v)?)
}

#[test]
fn scan_times_read_in_the_readers_zone_and_in_utc_without_javascript() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        cdp(
            c,
            "Emulation.setTimezoneOverride",
            json!({ "timezoneId": "Asia/Kolkata" }),
        )
        .await?;
        cdp(
            c,
            "Emulation.setLocaleOverride",
            json!({ "locale": "en-GB" }),
        )
        .await?;
        open_index(c, &site, "").await?;
        // alpine-39 was scanned at 2021-08-25T12:20:30.000000005Z: 17:50 in Kolkata (+05:30).
        let t = js(
            c,
            "const r = [...document.querySelectorAll('table.images tbody tr')].find(r => r.querySelector('a.image').textContent.includes('alpine-39'));
             const t = r.querySelector('td.when time');
             return { datetime: t.getAttribute('datetime'), title: t.title, text: t.textContent };",
        )
        .await?;
        assert_eq!(t["datetime"], json!("2021-08-25T12:20:30Z"), "{t}");
        assert_eq!(t["title"], json!("2021-08-25 12:20 UTC"), "{t}");
        let text = t["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("17:50") && text.contains("2021") && text.contains("Aug"),
            "{t}"
        );
        // Every time on the page was turned into local time.
        let utc = js(
            c,
            "return [...document.querySelectorAll('time')].filter(t => t.textContent.endsWith('UTC')).length;",
        )
        .await?;
        assert_eq!(utc, json!(0));
        no_network(c).await?;

        // JavaScript off: the same times, readable, in UTC.
        cdp(
            c,
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": true }),
        )
        .await?;
        let image = image_dir(&site, "alpine-310")?;
        c.goto(&format!("file://{}/index.html", image.display()))
            .await?;
        let times: Vec<String> = serde_json::from_value(
            js(
                c,
                "return [...document.querySelectorAll('#hist-h ~ .scroll time')].map(t => t.getAttribute('datetime') + ' ' + t.textContent);",
            )
            .await?,
        )?;
        assert_eq!(
            times,
            [
                "2021-09-01T08:00:00Z 2021-09-01 08:00 UTC",
                "2021-08-25T12:20:30Z 2021-08-25 12:20 UTC"
            ]
        );
        let prev = js(
            c,
            "return document.querySelector('#diff-h time').textContent;",
        )
        .await?;
        assert_eq!(prev, json!("2021-08-25 12:20 UTC"));
        Ok(())
    });
}

#[test]
fn columns_sort_by_click_and_by_keyboard_and_say_how() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        open_index(c, &site, "").await?;
        let names: Vec<String> = rows(c).await?.into_iter().map(|r| r.0).collect();
        let mut by_name = names.clone();
        by_name.sort();
        assert_eq!(names, by_name, "the index starts in name order");
        assert_eq!(aria_sort(c, "table.images").await?[0], "ascending");

        // Total (the 9th column): a click puts the most findings first.
        let total = |r: &(String, Vec<Option<String>>)| -> i64 {
            r.1[8].as_deref().unwrap_or("x").parse().expect("a number")
        };
        c.find(Locator::Css("table.images th:nth-child(9) button"))
            .await?
            .click()
            .await?;
        let sorted: Vec<i64> = rows(c).await?.iter().map(total).collect();
        assert!(sorted.windows(2).all(|w| w[0] >= w[1]), "{sorted:?}");
        assert!(sorted.first() > sorted.last(), "{sorted:?}");
        let aria = aria_sort(c, "table.images").await?;
        assert_eq!(aria[8], "descending");
        assert_eq!(aria.iter().filter(|a| *a != "-").count(), 1, "{aria:?}");

        // Enter on the focused header reverses it.
        c.find(Locator::Css("table.images th:nth-child(9) button"))
            .await?
            .send_keys(ENTER)
            .await?;
        let sorted: Vec<i64> = rows(c).await?.iter().map(total).collect();
        assert!(sorted.windows(2).all(|w| w[0] <= w[1]), "{sorted:?}");
        assert_eq!(aria_sort(c, "table.images").await?[8], "ascending");

        // Space on the image column: names again (a column starts ascending unless its header
        // says otherwise), and a second Space turns them round.
        let image_header = c
            .find(Locator::Css("table.images th:nth-child(1) button"))
            .await?;
        image_header.send_keys(" ").await?;
        let names: Vec<String> = rows(c).await?.into_iter().map(|r| r.0).collect();
        assert_eq!(names, by_name);
        assert_eq!(aria_sort(c, "table.images").await?[0], "ascending");
        image_header.send_keys(" ").await?;
        let names: Vec<String> = rows(c).await?.into_iter().map(|r| r.0).collect();
        let mut reversed = by_name.clone();
        reversed.reverse();
        assert_eq!(names, reversed);
        assert_eq!(aria_sort(c, "table.images").await?[0], "descending");
        let focused = js(c, "return document.activeElement.closest('th').cellIndex;").await?;
        assert_eq!(focused, json!(0), "focus stays on the header");

        // Latest scan: times compare as times, newest first.
        c.find(Locator::Css("table.images th:nth-child(2) button"))
            .await?
            .click()
            .await?;
        let when: Vec<i64> = rows(c)
            .await?
            .iter()
            .map(|r| r.1[1].as_deref().unwrap_or("x").parse().expect("seconds"))
            .collect();
        assert!(when.windows(2).all(|w| w[0] >= w[1]), "{when:?}");

        // An image's history starts newest first and turns round on a click.
        let image = image_dir(&site, "alpine-310")?;
        c.goto(&format!("file://{}/index.html", image.display()))
            .await?;
        let history = "return [...document.querySelectorAll('table.history tbody tr')].map(r => r.querySelector('time').getAttribute('datetime'));";
        assert_eq!(
            js(c, history).await?,
            json!(["2021-09-01T08:00:00Z", "2021-08-25T12:20:30Z"])
        );
        assert_eq!(aria_sort(c, "table.history").await?[0], "descending");
        c.find(Locator::Css("table.history th:nth-child(1) button"))
            .await?
            .click()
            .await?;
        assert_eq!(
            js(c, history).await?,
            json!(["2021-08-25T12:20:30Z", "2021-09-01T08:00:00Z"])
        );
        assert_eq!(aria_sort(c, "table.history").await?[0], "ascending");
        no_network(c).await
    });
}

/// Each image's figure `field` of its latest scan in `site.json`, by image name; `None` where
/// the entry has none.
fn latest_figures(site: &Path, field: &str) -> Result<Vec<(String, Option<i64>)>> {
    let index: Value = serde_json::from_slice(&std::fs::read(site.join("data/site.json"))?)?;
    let mut out = Vec::new();
    for image in index["images"].as_array().context("images")? {
        let latest = image["scans"]
            .as_array()
            .and_then(|s| s.last())
            .context("a scan")?;
        out.push((
            image["name"].as_str().context("name")?.to_string(),
            latest[field].as_i64(),
        ));
    }
    Ok(out)
}

/// The rows' images and sort keys of column `col`, as numbers.
async fn keys(c: &Client, col: usize) -> Result<Vec<(String, i64)>> {
    rows(c)
        .await?
        .into_iter()
        .map(|(name, keys)| {
            let k = keys.get(col).cloned().flatten().context("a sort key")?;
            Ok((name, k.parse()?))
        })
        .collect()
}

#[test]
fn the_known_exploited_and_fixable_columns_put_the_images_to_fix_first_on_top() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        open_index(c, &site, "").await?;
        const KEV: usize = 9;
        const FIXABLE: usize = 10;
        let headers = js(
            c,
            "return [...document.querySelectorAll('table.images thead th')].map(th => th.textContent.trim());",
        )
        .await?;
        assert_eq!(headers[KEV], json!("Known exploitedKEV"), "{headers}");
        assert_eq!(
            headers[FIXABLE],
            json!("Fixable critical/highFix C/H"),
            "{headers}"
        );

        // One click: most known-exploited first, then those checked with none, then those whose
        // report read no catalog (unknown sorts below 0), each as site.json has it.
        c.find(Locator::Css("table.images th.kev button"))
            .await?
            .click()
            .await?;
        let mut want: Vec<(String, i64)> = latest_figures(&site, "known_exploited")?
            .into_iter()
            .map(|(name, n)| (name, n.unwrap_or(-1)))
            .collect();
        // Stable: equal figures stay in name order, as the page started.
        want.sort_by_key(|w| std::cmp::Reverse(w.1));
        let got = keys(c, KEV).await?;
        assert_eq!(got, want);
        let figures: Vec<i64> = got.iter().map(|g| g.1).collect();
        assert!(
            figures[0] > 0,
            "spring4shell's CVE-2022-22965 is known exploited: {got:?}"
        );
        assert!(got[0].0.contains("spring4shell"), "{got:?}");
        assert!(
            figures.contains(&0) && figures.last() == Some(&-1),
            "{got:?}"
        );
        let aria = aria_sort(c, "table.images").await?;
        assert_eq!(aria[KEV], "descending");
        assert_eq!(aria.iter().filter(|a| *a != "-").count(), 1, "{aria:?}");

        // What the cells say and how they look: a known-exploited count in the critical colour,
        // unknown as "–" that a screen reader reads as "not checked".
        let cells = js(
            c,
            "const cells = [...document.querySelectorAll('table.images tbody tr')].map(r => r.cells[9]);
             const critical = document.querySelector('table.images td.CRITICAL:not(.kev)');
             const shown = td => [...td.childNodes].filter(n => !(n.classList && n.classList.contains('sr'))).map(n => n.textContent).join('');
             return { text: cells.map(shown), said: cells.map(td => td.textContent),
                      clipped: [...document.querySelectorAll('table.images td .sr')].every(e => e.getBoundingClientRect().width <= 1),
                      colour: getComputedStyle(cells[0]).color, critical: getComputedStyle(critical).color };",
        )
        .await?;
        let text: Vec<String> = serde_json::from_value(cells["text"].clone())?;
        let said: Vec<String> = serde_json::from_value(cells["said"].clone())?;
        for ((t, s), n) in text.iter().zip(&said).zip(&figures) {
            if *n < 0 {
                assert_eq!((t.as_str(), s.as_str()), ("–", "–not checked"), "{cells}");
            } else {
                assert_eq!(t, &n.to_string(), "{cells}");
            }
        }
        assert_eq!(cells["clipped"], json!(true), "{cells}");
        assert_eq!(cells["colour"], cells["critical"], "{cells}");

        // Again: the other way round, unknown first.
        c.find(Locator::Css("table.images th.kev button"))
            .await?
            .send_keys(ENTER)
            .await?;
        let mut reversed = want.clone();
        reversed.sort_by_key(|w| w.1);
        assert_eq!(keys(c, KEV).await?, reversed);
        assert_eq!(aria_sort(c, "table.images").await?[KEV], "ascending");

        // Fixable critical/high: most first.
        c.find(Locator::Css("table.images th.fixable button"))
            .await?
            .click()
            .await?;
        let got = keys(c, FIXABLE).await?;
        let mut want: Vec<(String, i64)> = latest_figures(&site, "fixable_critical_high")?
            .into_iter()
            .map(|(name, n)| (name, n.expect("every scan added now has it")))
            .collect();
        want.sort_by_key(|w| std::cmp::Reverse(w.1));
        // Ties stay in the order the last sort left them: compare the figures, and each image's.
        let figures = |v: &[(String, i64)]| v.iter().map(|w| w.1).collect::<Vec<_>>();
        assert_eq!(figures(&got), figures(&want), "{got:?}");
        let mut by_name = got.clone();
        by_name.sort();
        want.sort();
        assert_eq!(by_name, want);
        assert!(got[0].1 > got[got.len() - 1].1, "{got:?}");
        assert_eq!(aria_sort(c, "table.images").await?[FIXABLE], "descending");
        no_network(c).await
    });
}

/// (package, installed version, severity) of every finding with the ID `id` in a Trivy file,
/// read straight from Trivy's JSON.
fn trivy_hits(file: &Path, id: &str) -> Result<BTreeSet<(String, String, String)>> {
    let v: Value = serde_json::from_slice(&std::fs::read(file)?)?;
    let mut out = BTreeSet::new();
    for r in v["Results"].as_array().into_iter().flatten() {
        for f in r["Vulnerabilities"].as_array().into_iter().flatten() {
            if f["VulnerabilityID"] == json!(id) {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                out.insert((s("PkgName"), s("InstalledVersion"), s("Severity")));
            }
        }
    }
    Ok(out)
}

#[test]
fn search_names_the_matched_package_version_and_severity_and_keeps_the_query_into_the_viewer() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        const CVE: &str = "CVE-2019-1549";
        open_index(c, &site, "").await?;
        c.find(Locator::Id("q")).await?.send_keys(CVE).await?;
        wait_for(
            c,
            "document.getElementById('status').textContent.startsWith('2 of 5')",
            "the search to narrow",
        )
        .await?;
        // Both alpine images hold it (alpine-310's latest scan has alpine-39's findings).
        let expected = trivy_hits(&fx.join("trivy-golden/alpine-39.json.golden"), CVE)?;
        assert!(expected.len() >= 2, "{expected:?}");
        let shown = js(
            c,
            "return [...document.querySelectorAll('table.images tbody tr:not(.hidden)')].map(r => ({
                name: r.querySelector('a.image').textContent,
                hits: [...r.querySelectorAll('ul.hits li')].map(li => ({
                    severity: li.querySelector('.badge').textContent,
                    id: li.querySelector('a.hit').textContent,
                    href: li.querySelector('a.hit').href,
                    package: li.querySelector('.pkg').textContent,
                    version: li.querySelector('.ver').textContent })),
                scan: r.querySelector('a.scan').href }));",
        )
        .await?;
        let shown = shown.as_array().context("rows")?;
        assert_eq!(shown.len(), 2, "{shown:?}");
        for row in shown {
            assert!(row["name"].as_str().unwrap().contains("alpine"), "{row}");
            let hits = row["hits"].as_array().unwrap();
            let got: BTreeSet<(String, String, String)> = hits
                .iter()
                .map(|h| {
                    assert_eq!(h["id"], json!(CVE), "{h}");
                    let s = |k: &str| h[k].as_str().unwrap_or_default().to_string();
                    (s("package"), s("version"), s("severity"))
                })
                .collect();
            assert_eq!(got, expected, "{row}");
            let scan = row["scan"].as_str().unwrap();
            assert!(scan.ends_with(&format!("/index.html#q={CVE}")), "{scan}");
            assert!(hits.iter().all(|h| h["href"] == json!(scan)), "{row}");
        }
        assert!(c
            .current_url()
            .await?
            .as_str()
            .ends_with(&format!("#q={CVE}")));

        // Two words: the link carries the whole query, encoded.
        let q = c.find(Locator::Id("q")).await?;
        q.clear().await?;
        q.send_keys("libssl 1549").await?;
        wait_for(
            c,
            "document.getElementById('status').textContent.startsWith('2 of 5')",
            "the two-word search",
        )
        .await?;
        let href = js(
            c,
            "return document.querySelector('tr:not(.hidden) a.hit').getAttribute('href');",
        )
        .await?;
        assert!(
            href.as_str()
                .unwrap_or_default()
                .ends_with("#q=libssl%201549"),
            "{href}"
        );

        // Following a match opens the viewer with the query applied.
        q.clear().await?;
        q.send_keys(CVE).await?;
        wait_for(
            c,
            "document.querySelectorAll('tr:not(.hidden) a.hit').length > 0",
            "the matches",
        )
        .await?;
        c.find(Locator::Css("tr:not(.hidden) a.hit"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            "document.querySelector('#scanlens-app #q') !== null",
            "the viewer",
        )
        .await?;
        assert_eq!(
            js(c, "return location.hash;").await?,
            json!(format!("#q={CVE}"))
        );
        assert_eq!(
            js(
                c,
                "return document.querySelector('#scanlens-app #q').value;"
            )
            .await?,
            json!(CVE)
        );
        no_network(c).await
    });
}

#[test]
fn every_scan_page_links_back_to_its_dashboard() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        let index = std::fs::canonicalize(site.join("index.html"))?;
        let mut pages = Vec::new();
        for image in std::fs::read_dir(site.join("images"))? {
            let image = image?.path();
            for scan in std::fs::read_dir(&image)? {
                let scan = scan?.path();
                if scan.is_dir() {
                    pages.push((image.join("index.html"), scan.join("index.html")));
                }
            }
        }
        assert_eq!(pages.len(), 6, "{pages:?}");
        for (history, page) in &pages {
            c.goto(&format!("file://{}", page.display())).await?;
            wait_for(
                c,
                "document.querySelector('#scanlens-app #q') !== null",
                "the viewer",
            )
            .await?;
            let links = js(
                c,
                "const n = document.getElementById('scanlens-dashboard');
                 const r = n.getBoundingClientRect();
                 return { hrefs: [...n.querySelectorAll('a')].map(a => a.href), visible: r.height > 0 && r.bottom <= innerHeight,
                          fits: document.documentElement.scrollHeight <= innerHeight };",
            )
            .await?;
            let hrefs: Vec<String> = serde_json::from_value(links["hrefs"].clone())?;
            let back = |p: &Path| format!("file://{}", std::fs::canonicalize(p).unwrap().display());
            assert_eq!(hrefs, [back(&index), back(history)], "{}", page.display());
            assert_eq!(links["visible"], json!(true), "{links}");
            assert_eq!(
                links["fits"],
                json!(true),
                "the viewer and the link fit the window: {links}"
            );
        }
        // Following it from the last page lands on the dashboard.
        c.find(Locator::Css("#scanlens-dashboard a"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            "document.querySelector('table.images') !== null",
            "the dashboard",
        )
        .await?;

        // With JavaScript off the link is there too.
        cdp(
            c,
            "Emulation.setScriptExecutionDisabled",
            json!({ "value": true }),
        )
        .await?;
        c.goto(&format!("file://{}", pages[0].1.display())).await?;
        let text = js(
            c,
            "return document.getElementById('scanlens-dashboard').innerText;",
        )
        .await?;
        assert!(
            text.as_str().unwrap_or_default().contains("Dashboard"),
            "{text}"
        );
        // The page below it starts on the first screen.
        let top = js(
            c,
            "return document.querySelector('#scanlens-page h1').getBoundingClientRect().top < innerHeight / 2;",
        )
        .await?;
        assert_eq!(
            top,
            json!(true),
            "the no-JavaScript page starts on the first screen"
        );
        Ok(())
    });
}

/// Nothing on the page is wider than the viewport, and every element `selector` names is drawn
/// inside it.
async fn fits(c: &Client, selector: &str) -> Result<Value> {
    js(
        c,
        &format!(
            "const out = [...document.querySelectorAll('{selector}')].filter(e => {{ const r = e.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > innerWidth + 0.5; }}).map(e => e.outerHTML.slice(0, 80));
             const scrollers = [...document.querySelectorAll('.scroll')].filter(s => s.scrollWidth > s.clientWidth + 1).map(s => s.firstElementChild.className);
             return {{ page: document.documentElement.scrollWidth <= innerWidth, width: innerWidth, out, scrollers,
                       checked: document.querySelectorAll('{selector}').length }};"
        ),
    )
    .await
}

#[test]
fn the_dashboard_reads_on_a_phone() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        phone(c, 360, 740).await?;
        open_index(c, &site, "#q=CVE-2019-1549").await?;
        wait_for(
            c,
            "document.querySelectorAll('ul.hits li').length >= 2",
            "the matches",
        )
        .await?;
        // Each image shows its name, scan time, every severity count, the total, its known
        // exploited and fixable critical/high figures, and its matches.
        let f = fits(
            c,
            "tr:not(.hidden) a.image, tr:not(.hidden) .phone time, tr:not(.hidden) td.n, ul.hits li, #q",
        )
        .await?;
        assert_eq!(f["width"], json!(360), "{f}");
        assert_eq!(f["page"], json!(true), "{f}");
        assert_eq!(f["out"], json!([]), "{f}");
        assert_eq!(f["scrollers"], json!([]), "{f}");
        assert!(f["checked"].as_u64().unwrap_or(0) >= 2 * 10 + 3, "{f}");
        let hidden = js(
            c,
            "return [...document.querySelectorAll('table.images .commit, table.images .trend, table.images td.when')].every(e => getComputedStyle(e).display === 'none');",
        )
        .await?;
        assert_eq!(hidden, json!(true));
        let axe = axe_serious(c).await?;
        assert!(axe.is_empty(), "index on a phone: {}", axe.join("\n"));

        let image = image_dir(&site, "alpine-310")?;
        c.goto(&format!("file://{}/index.html", image.display()))
            .await?;
        let f = fits(
            c,
            "h1, svg.trend, table.diff td:not(.target):not(.title), table.history td:not(.ref):not(.commit)",
        )
        .await?;
        assert_eq!(f["page"], json!(true), "{f}");
        assert_eq!(f["out"], json!([]), "{f}");
        assert_eq!(f["scrollers"], json!([]), "{f}");
        assert!(f["checked"].as_u64().unwrap_or(0) > 10, "{f}");
        let axe = axe_serious(c).await?;
        assert!(axe.is_empty(), "image page on a phone: {}", axe.join("\n"));
        Ok(())
    });
}

#[test]
fn axe_finds_nothing_critical_or_serious_on_the_dashboard_light_or_dark() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let site = build_site(&fx, scratch)?;
        let image = image_dir(&site, "alpine-310")?;
        let mut problems = Vec::new();
        for dark in [false, true] {
            color_scheme(c, dark).await?;
            // The index with matches listed (badges, links) and sorted by a column.
            open_index(c, &site, "#q=openssl").await?;
            wait_for(
                c,
                "document.querySelectorAll('ul.hits li').length > 0",
                "the matches",
            )
            .await?;
            c.find(Locator::Css("table.images th:nth-child(4) button"))
                .await?
                .click()
                .await?;
            let bg = js(c, "return getComputedStyle(document.body).backgroundColor;").await?;
            let want = if dark {
                "rgb(13, 17, 23)"
            } else {
                "rgb(255, 255, 255)"
            };
            assert_eq!(
                bg,
                json!(want),
                "the {} scheme applies",
                if dark { "dark" } else { "light" }
            );
            for v in axe_serious(c).await? {
                problems.push(format!("index (dark {dark}): {v}"));
            }
            // An image's page with new and fixed findings and its history.
            c.goto(&format!("file://{}/index.html", image.display()))
                .await?;
            wait_for(
                c,
                "document.querySelector('th button.sort') !== null",
                "the image page",
            )
            .await?;
            let diff = js(
                c,
                "return document.querySelectorAll('table.diff tbody tr').length;",
            )
            .await?;
            assert!(diff.as_u64().unwrap_or(0) > 0, "the page shows a diff");
            for v in axe_serious(c).await? {
                problems.push(format!("image page (dark {dark}): {v}"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        Ok(())
    });
}
