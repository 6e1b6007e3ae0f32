//! The static page of `index.html` in a real Chromium, in every medium it must survive: the
//! first screen before the app starts, JavaScript off, Jenkins' default Content-Security-Policy
//! (served from a local HTTP server, as Jenkins serves archived artifacts), a phone's width and
//! print.
//!
//! Run with `SCANLENS_E2E=1 cargo test -p scanlens-e2e --test page`.

mod browser;
mod common;

use anyhow::{bail, Context, Result};
use browser::{axe_serious, cdp, in_chromium, js, phone, wait_for};
use common::fixtures;
use fantoccini::Client;
use scanlens_e2e::e2e;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Jenkins' default policy for archived files, as the Jenkins handbook gives it
/// (`hudson.model.DirectoryBrowserSupport.CSP`), and the older one without `allow-same-origin`.
const JENKINS_CSP: [&str; 2] = [
    "sandbox allow-same-origin; default-src 'none'; img-src 'self'; style-src 'self';",
    "sandbox; default-src 'none'; img-src 'self'; style-src 'self';",
];

async fn javascript_off(c: &Client) -> Result<()> {
    cdp(
        c,
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    )
    .await?;
    Ok(())
}

/// A report of the corpus's real findings: alpine 3.10's vulnerabilities, a Debian image's
/// secrets and a Dockerfile's checks, plus `extra` copies of alpine's findings with new IDs
/// (to pass the page's row limit).
fn render(fx: &Path, out: &Path, extra: usize) -> Result<scanlens_model::Report> {
    render_edited(fx, out, extra, |_| {})
}

/// As [`render`], with `edit` applied to the report before it is counted and written.
fn render_edited(
    fx: &Path,
    out: &Path,
    extra: usize,
    edit: impl FnOnce(&mut scanlens_model::Report),
) -> Result<scanlens_model::Report> {
    let mut report = scanlens::input::read_reports(&[
        fx.join("trivy-golden/alpine-310.json.golden"),
        fx.join("local-trivy-0.76/debian-image-vuln-secret.json"),
        fx.join("local-trivy-0.76/dockerfile-config.json"),
    ])?;
    let vulns: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.kind == scanlens_model::Kind::Vulnerability)
        .cloned()
        .collect();
    for i in 0..extra {
        let mut f = vulns[i % vulns.len()].clone();
        f.id = format!("{}-copy{i}", f.id);
        report.findings.push(f);
    }
    edit(&mut report);
    scanlens_model::recount(&mut report);
    // As `render` plans it: the fix plan and "Fix first".
    scanlens_model::fix_first::plan_all(&mut report);
    scanlens::commands::render_report(&report, out)?;
    Ok(report)
}

fn counted(r: &scanlens_model::Report) -> usize {
    r.findings.iter().filter(|f| f.is_counted()).count()
}

/// The page's first row: the counted finding first in the viewer's default order, which the app
/// opens on.
fn first_id(r: &scanlens_model::Report) -> String {
    r.findings
        .iter()
        .filter(|f| f.is_counted())
        .min_by_key(|f| f.severity_order())
        .map(|f| f.id.clone())
        .unwrap_or_default()
}

/// What the first screen shows: the title, the summary table's total, the first rows' IDs and
/// where they are, the OS's end-of-support mark and its colour beside its line's; whether any
/// style applied; whether the app started.
const FIRST_SCREEN_JS: &str = r#"
const rows = [...document.querySelectorAll('#scanlens-page table.findings tbody tr:not(.group)')];
const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.top < innerHeight && r.left >= 0 && r.right <= innerWidth + 1; };
const first = rows[0];
return {
  title: document.querySelector('#scanlens-page h1').textContent,
  total: document.querySelector('table.summary tfoot td:last-child').textContent,
  summaryVisible: visible(document.querySelector('table.summary')),
  summaryStacked: (() => { const t = document.querySelector('table.summary'); return t.tHead.getBoundingClientRect().bottom <= t.tBodies[0].getBoundingClientRect().top + 1 && t.tBodies[0].getBoundingClientRect().bottom <= t.tFoot.getBoundingClientRect().top + 1; })(),
  firstId: first ? first.querySelector('th').textContent : null,
  firstCells: first ? [...first.children].slice(0, 4).map((c) => [c.textContent, visible(c)]) : [],
  eosl: (() => { const e = document.querySelector('p.artifact .eosl'); return e ? { text: e.textContent, color: getComputedStyle(e).color, line: getComputedStyle(e.parentElement).color, visible: visible(e) } : null; })(),
  packageCells: (() => { const r = rows.find((r) => r.children[2].textContent); return r ? [...r.children].slice(0, 4).map((c) => [c.textContent, visible(c)]) : []; })(),
  rows: rows.length,
  rowsOnScreen: rows.filter(visible).length,
  cutIds: rows.map((r) => r.querySelector('th')).filter((t) => t.scrollWidth > t.clientWidth || t.scrollHeight > t.clientHeight).map((t) => t.textContent),
  longestId: Math.max(0, ...rows.map((r) => r.querySelector('th').textContent.length)),
  sheets: [...document.styleSheets].filter((s) => { try { return s.cssRules.length > 0; } catch (e) { return true; } }).length,
  bodyFont: getComputedStyle(document.body).fontFamily,
  app: document.getElementById('scanlens-app').childElementCount,
  ready: document.body.dataset.scanlens || null,
  omitted: (document.getElementById('scanlens-omitted') || {}).textContent || null,
  width: document.documentElement.scrollWidth,
  viewport: innerWidth,
};"#;

async fn first_screen(c: &Client) -> Result<Value> {
    js(c, FIRST_SCREEN_JS).await
}

fn check_readable(s: &Value, report: &scanlens_model::Report, what: &str) {
    assert_eq!(
        s["total"],
        json!(report.summary.total().to_string()),
        "{what}: summary total: {s}"
    );
    assert_eq!(
        s["summaryVisible"],
        json!(true),
        "{what}: summary on screen: {s}"
    );
    assert_eq!(
        s["firstId"],
        json!(first_id(report)),
        "{what}: first row: {s}"
    );
    assert!(
        s["rowsOnScreen"].as_u64().unwrap_or(0) >= 1,
        "{what}: no finding on the first screen: {s}"
    );
    assert!(
        s["width"].as_u64() <= s["viewport"].as_u64(),
        "{what}: the page is wider than the window: {s}"
    );
    assert_eq!(s["cutIds"], json!([]), "{what}: IDs cut: {s}");
}

#[test]
fn with_javascript_off_the_first_screen_shows_the_summary_and_the_most_severe_findings() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        let report = render(&fx, &dir, 0)?;
        javascript_off(c).await?;
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        let s = first_screen(c).await?;
        check_readable(&s, &report, "JavaScript off");
        assert_eq!(
            s["app"],
            json!(0),
            "the app started with JavaScript off: {s}"
        );
        assert_eq!(
            s["rows"],
            json!(counted(&report)),
            "every finding has a row: {s}"
        );
        assert_eq!(s["omitted"], Value::Null, "nothing left out: {s}");
        assert_eq!(
            s["longestId"],
            json!(21),
            "a secret rule's ID (aws-secret-access-key) is among the rows: {s}"
        );
        // alpine 3.10 is past its end of support: the first screen says so, in a colour of its own.
        let eosl = &s["eosl"];
        assert_eq!(eosl["text"], json!("(end of support)"), "{s}");
        assert_eq!(eosl["visible"], json!(true), "{s}");
        assert_ne!(
            eosl["color"], eosl["line"],
            "the mark looks like its line: {s}"
        );
        Ok(())
    });
}

/// What the "Fix first" section shows without JavaScript: each part's label, its entries, and
/// whether the section is after the rows and on screen once its link is followed.
const FIX_FIRST_JS: &str = r#"
const s = document.getElementById('fix-first');
if (!s) return null;
const rows = document.querySelectorAll('#scanlens-page table.findings tbody tr:not(.group)');
const r = document.getElementById('fix-first-h').getBoundingClientRect();
return {
  labels: [...s.querySelectorAll('p > strong')].map((e) => e.textContent),
  entries: [...s.querySelectorAll('ol')].map((o) => [...o.children].map((li) => li.textContent)),
  afterRows: rows.length > 0 && !!(rows[rows.length - 1].compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING),
  onScreen: r.top >= -1 && r.top < innerHeight && r.height > 0,
  hash: location.hash,
};"#;

#[test]
fn with_javascript_off_fix_first_follows_the_rows_says_what_the_plan_says_and_passes_axe() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        let report = render(&fx, &dir, 0)?;
        let plan = &report.fix_first;
        // The corpus report has secrets, upgrades and failed checks to act on.
        assert!(plan.secrets.findings > 0 && plan.upgrades.total > 0 && plan.checks.findings > 0);
        javascript_off(c).await?;
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        c.find(fantoccini::Locator::LinkText("What to fix first"))
            .await?
            .click()
            .await?;
        let s = js(c, FIX_FIRST_JS).await?;
        assert_eq!(
            s["labels"],
            json!([
                "Known exploited:",
                "Secrets:",
                "Upgrades:",
                "Configuration:"
            ]),
            "{s}"
        );
        assert_eq!(s["afterRows"], json!(true), "{s}");
        assert_eq!(s["onScreen"], json!(true), "the link leads to it: {s}");
        assert_eq!(s["hash"], json!("#fix-first-h"), "{s}");
        let entries = s["entries"].as_array().context("entries")?;
        let texts = |i: usize| -> Vec<String> {
            entries[i]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|t| t.as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        // Secrets: one entry per file, as planned, each naming its path.
        let files = texts(0);
        assert_eq!(files.len(), plan.secrets.files.shown.len(), "{s}");
        for (text, file) in files.iter().zip(&plan.secrets.files.shown) {
            assert!(text.contains(&file.path), "{text} names {}", file.path);
        }
        // Upgrades: the plan's, most urgent first, then the line on unfixed vulnerabilities.
        let upgrades = texts(1);
        for (text, r) in upgrades.iter().zip(&plan.upgrades.shown) {
            assert!(
                text.starts_with(&scanlens_model::present::upgrade(r)),
                "{text}"
            );
        }
        assert_eq!(
            upgrades.len(),
            plan.upgrades.shown.len() + usize::from(plan.unfixed > 0),
            "{s}"
        );
        // Checks: one entry per ID, with its severity first.
        let checks = texts(2);
        assert_eq!(checks.len(), plan.checks.checks.shown.len(), "{s}");
        for (text, check) in checks.iter().zip(&plan.checks.checks.shown) {
            assert!(
                text.starts_with(&format!("{} {}", check.severity.as_str(), check.id)),
                "{text}"
            );
        }
        // axe runs asynchronously, which needs scripting back on; the page parsed without it
        // (its no-JavaScript part shown) stays as it is.
        cdp(
            c,
            "Emulation.setScriptExecutionDisabled",
            json!({"value": false}),
        )
        .await?;
        let mut violations = Vec::new();
        for scheme in ["light", "dark"] {
            cdp(
                c,
                "Emulation.setEmulatedMedia",
                json!({"features": [{ "name": "prefers-color-scheme", "value": scheme }]}),
            )
            .await?;
            violations.extend(
                axe_serious(c)
                    .await?
                    .into_iter()
                    .map(|v| format!("{scheme}: {v}")),
            );
        }
        assert!(
            violations.is_empty(),
            "axe-core:\n{}",
            violations.join("\n")
        );
        Ok(())
    });
}

#[test]
fn the_static_page_says_how_many_findings_it_leaves_out_and_that_the_rest_needs_javascript() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        let report = render(&fx, &dir, scanlens::html::ROW_LIMIT + 500)?;
        let total = counted(&report);
        assert!(total > scanlens::html::ROW_LIMIT);
        javascript_off(c).await?;
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        let s = first_screen(c).await?;
        check_readable(&s, &report, "JavaScript off, over the cap");
        assert_eq!(s["rows"], json!(scanlens::html::ROW_LIMIT), "{s}");
        let note = s["omitted"].as_str().unwrap_or_default();
        assert!(
            note.contains(&format!("leaves out {}", total - scanlens::html::ROW_LIMIT))
                && note.contains("needs JavaScript"),
            "{note}"
        );
        Ok(())
    });
}

/// Serves `page` to every request on 127.0.0.1 with `csp` as the Content-Security-Policy
/// header, as Jenkins serves archived artifacts; returns the URL.
fn serve(page: PathBuf, csp: &'static str) -> Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!(
        "http://{}/job/app/1/artifact/report/index.html",
        listener.local_addr()?
    );
    let body = std::fs::read(page)?;
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 4096];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=utf-8\r\nContent-Security-Policy: {csp}\r\nX-Content-Type-Options: nosniff\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(&body);
        }
    });
    Ok(url)
}

#[test]
fn under_jenkins_default_csp_the_first_screen_is_readable_without_any_style_or_script() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        // Past the first screen's rows, so the rest (unparsed while scripting is on) must show.
        let report = render(&fx, &dir, 100)?;
        for csp in JENKINS_CSP {
            let url = serve(dir.join("index.html"), csp)?;
            c.goto(&url).await?;
            let s = first_screen(c).await?;
            check_readable(&s, &report, csp);
            assert_eq!(
                s["sheets"],
                json!(0),
                "{csp}: the inline style applied: {s}"
            );
            assert_eq!(s["app"], json!(0), "{csp}: a script ran: {s}");
            assert_eq!(s["ready"], Value::Null, "{csp}: a script ran: {s}");
            assert_eq!(s["rows"], json!(counted(&report)), "{csp}: {s}");
            // Unstyled but structured: a real table with headers, severity and package per row.
            let cells = s["packageCells"].as_array().context("cells")?;
            assert!(
                cells.len() == 4 && cells.iter().all(|c| c[1] == json!(true)),
                "{csp}: {s}"
            );
        }
        Ok(())
    });
}

#[test]
fn with_javascript_on_the_app_replaces_the_first_screen_which_showed_the_same_findings() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        // A second target at the top severity, whose scored finding the viewer puts before the
        // secret in the first one (by target name alone the secret would come first).
        let report = render_edited(&fx, &dir, 0, |r| {
            let mut f = r
                .findings
                .iter()
                .find(|f| f.kind == scanlens_model::Kind::Vulnerability)
                .cloned()
                .expect("the corpus has vulnerabilities");
            f.id = "CVE-2099-0001".into();
            f.severity = scanlens_model::Severity::Critical;
            f.cvss = [(
                "nvd".to_string(),
                scanlens_model::Cvss {
                    v3_score: Some(9.8),
                    ..Default::default()
                },
            )]
            .into_iter()
            .collect();
            r.findings.push(f);
        })?;
        let secret_first = report
            .findings
            .iter()
            .filter(|f| f.is_counted() && f.severity == scanlens_model::Severity::Critical)
            .min_by_key(|f| f.target.as_str())
            .map(|f| f.kind);
        assert_eq!(secret_first, Some(scanlens_model::Kind::Secret));
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        let page_first = js(
            c,
            "const e = document.querySelector('#scanlens-page [elementtiming=first-finding]'); return e && e.textContent;",
        )
        .await?;
        assert_eq!(page_first, json!("CVE-2099-0001"));
        wait_for(c, "document.body.dataset.scanlens === 'ready'", "the app").await?;
        let v = js(
            c,
            "const p = document.getElementById('scanlens-page'); return [getComputedStyle(p).display, document.querySelectorAll('#scanlens-app .line.item').length, document.body.dataset.unpackMs || null];",
        )
        .await?;
        assert_eq!(
            v[0],
            json!("none"),
            "the static page stays under the app: {v}"
        );
        assert!(v[1].as_u64().unwrap_or(0) > 0, "the app shows rows: {v}");
        assert!(
            v[2].is_string(),
            "the data was unpacked by the boot script: {v}"
        );
        // The app opens on the finding the static page put first.
        let app_first = js(
            c,
            "return document.querySelector('#scanlens-app .line.item .fid').textContent;",
        )
        .await?;
        assert_eq!(app_first, page_first, "{v}");
        assert_eq!(app_first, json!(first_id(&report)), "{v}");
        assert!(counted(&report) > 0);
        Ok(())
    });
}

/// Each font (family, size, weight) the first frame uses is a synchronous lookup in the browser
/// before the first row can be laid out, and has its glyphs drawn anew (issue #13): the first
/// screen keeps to one family in one weight and two sizes.
#[test]
fn the_first_screen_uses_one_font_family_in_one_weight_and_at_most_two_sizes() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        // Past the first screen's rows, with a gate, so every part of the first screen shows.
        let mut report = render(&fx, &dir, 100)?;
        report.gate = Some(Default::default());
        scanlens::commands::render_report(&report, &dir)?;
        javascript_off(c).await?;
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        let fonts = js(
            c,
            r#"const seen = new Set();
            const walk = document.createTreeWalker(document.getElementById('scanlens-page'), NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
              const e = walk.currentNode.parentElement;
              if (!walk.currentNode.data.trim() || e.closest('.later-rows, section.later') || !e.getClientRects().length) continue;
              const s = getComputedStyle(e);
              seen.add(JSON.stringify([s.fontFamily, s.fontSize, s.fontWeight]));
            }
            return [...seen].map((x) => JSON.parse(x));"#,
        )
        .await?;
        let fonts = fonts.as_array().context("fonts")?;
        let families: std::collections::BTreeSet<&str> =
            fonts.iter().filter_map(|f| f[0].as_str()).collect();
        assert_eq!(families.len(), 1, "{fonts:?}");
        let weights: std::collections::BTreeSet<&str> =
            fonts.iter().filter_map(|f| f[2].as_str()).collect();
        assert_eq!(weights, ["400"].into(), "{fonts:?}");
        assert!(
            (1..=2).contains(&fonts.len()),
            "the first screen uses {} fonts: {fonts:?}",
            fonts.len()
        );
        Ok(())
    });
}

#[test]
fn on_a_phone_rows_wrap_within_the_screen_and_show_severity_id_package_and_version() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        let report = render(&fx, &dir, 0)?;
        phone(c, 390, 844).await?;
        javascript_off(c).await?;
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        let s = first_screen(c).await?;
        assert_eq!(s["viewport"], json!(390), "{s}");
        check_readable(&s, &report, "phone");
        // The first row of a package: severity, ID, package and version, all on screen.
        let cells = s["packageCells"].as_array().context("cells")?;
        assert_eq!(cells.len(), 4, "{s}");
        for (i, cell) in cells.iter().enumerate() {
            assert_eq!(cell[1], json!(true), "cell {i} is off screen: {s}");
            assert!(
                !cell[0].as_str().unwrap_or("").is_empty(),
                "cell {i} is empty: {s}"
            );
        }
        Ok(())
    });
}

#[test]
fn printing_shows_every_listed_finding_with_titles_wrapped_and_no_controls() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        let report = render(&fx, &dir, 300)?;
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        wait_for(c, "document.body.dataset.scanlens === 'ready'", "the app").await?;
        cdp(c, "Emulation.setEmulatedMedia", json!({"media": "print"})).await?;
        // With scripting on, the rows past the first screen wait unparsed until print.
        wait_for(
            c,
            &format!(
                "document.querySelectorAll('#scanlens-page table.findings tbody tr:not(.group)').length === {}",
                counted(&report)
            ),
            "the rest of the rows for print",
        )
        .await?;
        let v = js(
            c,
            r#"const rows = [...document.querySelectorAll('#scanlens-page table.findings tbody tr:not(.group)')];
            const controls = [...document.querySelectorAll('button, input, select, textarea')].filter((e) => e.getClientRects().length > 0).length;
            const title = rows.map((r) => r.children[5]).find((t) => t && t.textContent.length > 60);
            return {
              app: getComputedStyle(document.getElementById('scanlens-app')).display,
              rows: rows.length,
              printed: rows.filter((r) => r.getClientRects().length > 0 && r.getBoundingClientRect().height > 0).length,
              controls,
              wraps: title ? getComputedStyle(title).whiteSpace : null,
            };"#,
        )
        .await?;
        assert_eq!(v["app"], json!("none"), "{v}");
        assert_eq!(v["rows"], json!(counted(&report)), "{v}");
        assert_eq!(v["printed"], v["rows"], "every listed finding prints: {v}");
        assert_eq!(v["controls"], json!(0), "controls print: {v}");
        assert_eq!(v["wraps"], json!("normal"), "long titles wrap: {v}");
        if report.findings.is_empty() {
            bail!("no findings");
        }
        Ok(())
    });
}

/// What prints of the static page's text: every visible element with text of its own, its colour
/// against what is behind it on paper (white, unless it prints backgrounds: `print-color-adjust:
/// exact`, then the first background colour up its ancestors); those under 4.5:1, at most 20.
const PRINTED_CONTRAST_JS: &str = r#"
const rgb = (s) => { const m = s.match(/[\d.]+/g) || []; return m.map(Number); };
const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
const paper = (e) => {
  if (getComputedStyle(e).printColorAdjust !== 'exact') return [255, 255, 255];
  for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3); }
  return [255, 255, 255];
};
const els = [...document.querySelectorAll('#scanlens-page *')].filter((e) => e.getClientRects().length > 0 && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
const low = els.map((e) => { const r = ratio(rgb(getComputedStyle(e).color).slice(0, 3), paper(e)); return { e, r }; }).filter((x) => x.r < 4.5);
const name = (e) => e.tagName.toLowerCase() + [...e.classList].map((c) => '.' + c).join('');
return { checked: els.length, badges: els.filter((e) => e.classList.contains('badge')).length, low: low.length, examples: low.slice(0, 20).map((x) => `${name(x.e)} "${x.e.textContent.trim().slice(0, 30)}" ${x.r.toFixed(2)}:1`) };"#;

/// On paper every text of the static page reads at 4.5:1 or more, whatever theme was on screen:
/// light, the system's dark, or dark chosen in the viewer. (Chromium prints no backgrounds
/// unless told: the severity badges' white text would vanish, and dark-theme text is light.)
#[test]
fn printing_gives_dark_text_on_white_paper_whatever_the_theme_on_screen() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        render(&fx, &dir, 100)?;
        let mut failures = Vec::new();
        for theme in ["light", "system dark", "dark chosen in the viewer"] {
            c.goto("about:blank").await?;
            cdp(c, "Emulation.setEmulatedMedia", json!({"media": ""})).await?;
            browser::color_scheme(c, theme == "system dark").await?;
            c.goto(&format!("file://{}/index.html", dir.display()))
                .await?;
            wait_for(c, "document.body.dataset.scanlens === 'ready'", "the app").await?;
            if theme == "dark chosen in the viewer" {
                js(c, "document.querySelector('#scanlens-app .theme').click(); return document.documentElement.dataset.theme;").await?;
                let now = js(c, "return document.documentElement.dataset.theme;").await?;
                assert_eq!(now, json!("dark"), "the theme button chose dark");
            }
            cdp(
                c,
                "Emulation.setEmulatedMedia",
                json!({"media": "print", "features": [{ "name": "prefers-color-scheme", "value": if theme == "system dark" { "dark" } else { "light" } }]}),
            )
            .await?;
            wait_for(
                c,
                "document.querySelectorAll('#scanlens-page table.findings tbody tr:not(.group)').length > 30",
                "the rest of the rows for print",
            )
            .await?;
            let v = js(c, PRINTED_CONTRAST_JS).await?;
            assert!(v["checked"].as_u64().unwrap_or(0) > 200, "{theme}: {v}");
            assert!(v["badges"].as_u64().unwrap_or(0) >= 10, "{theme}: {v}");
            if v["low"] != json!(0) {
                failures.push(format!("{theme}: {:#}", v));
            }
        }
        assert!(
            failures.is_empty(),
            "text that prints too faint:\n{}",
            failures.join("\n")
        );
        Ok(())
    });
}

/// Every element of the static page with its computed style (custom properties aside: they show
/// only through the properties that use them), before and after the viewer's style is added to
/// the document as the boot script adds it (from its inert `<template>`); the style sheets in
/// force before and after, the viewer's rule count, the differences (at most 40) and how many
/// elements were compared.
const WITH_VIEWER_CSS_JS: &str = r#"
const els = [document.documentElement, document.body, ...document.querySelectorAll('#scanlens-page, #scanlens-page *')];
const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map((c) => '.' + c).join('');
const snap = () => els.map((e) => { const s = getComputedStyle(e); const o = {}; for (const p of s) if (!p.startsWith('--')) o[p] = s.getPropertyValue(p); return o; });
const sheetsBefore = document.styleSheets.length;
const before = snap();
document.head.append(document.getElementById('scanlens-viewer-style').content.cloneNode(true));
const sheetsAfter = document.styleSheets.length;
const viewerRules = document.styleSheets[sheetsAfter - 1].cssRules.length;
const after = snap();
const diffs = [];
els.forEach((e, i) => { for (const p in before[i]) if (before[i][p] !== after[i][p]) diffs.push(`${name(e)} ${p}: ${before[i][p]} (without viewer.css) / ${after[i][p]} (with)`); });
return { sheetsBefore, sheetsAfter, viewerRules, elements: els.length, count: diffs.length, diffs: [...new Set(diffs)].slice(0, 40) };"#;

/// The viewer's style sheet applies only once the boot script adds it: without JavaScript the
/// page has report.css alone. Once added, none of its rules may reach the static page (first
/// screen, no-JavaScript page, print), whose look is report.css's alone, in light and dark, on a
/// desktop and a phone, and in print (issue #13).
#[test]
fn the_viewers_style_sheet_changes_nothing_on_the_static_page() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        // Past the first screen's rows, with a gate and details, so every part of the page shows.
        let mut report = render(&fx, &dir, 100)?;
        report.gate = Some(Default::default());
        scanlens::commands::render_report(&report, &dir)?;
        javascript_off(c).await?;
        let mut failures = Vec::new();
        for medium in ["desktop", "dark", "phone", "print"] {
            match medium {
                "dark" => browser::color_scheme(c, true).await?,
                "phone" => {
                    browser::color_scheme(c, false).await?;
                    phone(c, 390, 844).await?;
                }
                "print" => {
                    cdp(c, "Emulation.clearDeviceMetricsOverride", json!({})).await?;
                    cdp(c, "Emulation.setEmulatedMedia", json!({"media": "print"})).await?;
                }
                _ => {}
            }
            c.goto("about:blank").await?;
            c.goto(&format!("file://{}/index.html", dir.display()))
                .await?;
            let v = c.execute(WITH_VIEWER_CSS_JS, vec![]).await?;
            assert_eq!(v["sheetsBefore"], json!(1), "only report.css applies: {v}");
            assert_eq!(
                v["sheetsAfter"],
                json!(2),
                "the page's policy lets the viewer's style in: {v}"
            );
            assert!(v["viewerRules"].as_u64().unwrap_or(0) > 50, "{v}");
            assert!(v["elements"].as_u64().unwrap_or(0) > 500, "{v}");
            if v["count"] != json!(0) {
                failures.push(format!("{medium}: {:#}", v["diffs"]));
            }
        }
        assert!(
            failures.is_empty(),
            "viewer.css changes the static page:\n{}",
            failures.join("\n")
        );
        Ok(())
    });
}

/// The summary table at a phone's width: the page no wider than the window, the table no wider
/// than the page (no scrolling inside it), every cell on screen and on one line (each row's
/// height).
const SUMMARY_FITS_JS: &str = r#"
const t = document.querySelector('#scanlens-page table.summary');
const r = t.getBoundingClientRect();
const off = [...t.querySelectorAll('th, td')].filter((c) => { const b = c.getBoundingClientRect(); return b.left < -1 || b.right > innerWidth + 1; }).map((c) => c.textContent);
const heights = [...t.rows].map((row) => Math.round(row.getBoundingClientRect().height));
return { viewport: innerWidth, page: document.documentElement.scrollWidth, right: r.right, scroll: t.scrollWidth, client: t.clientWidth, off, heights };"#;

#[test]
fn on_a_phone_the_summary_table_fits_the_screen_without_scrolling() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("r");
        // Vulnerabilities, secrets and misconfigurations: the longest kind label, every column.
        render(&fx, &dir, 0)?;
        phone(c, 390, 844).await?;
        javascript_off(c).await?;
        c.goto(&format!("file://{}/index.html", dir.display()))
            .await?;
        let v = js(c, SUMMARY_FITS_JS).await?;
        assert_eq!(v["viewport"], json!(390), "{v}");
        assert!(v["page"].as_u64() <= v["viewport"].as_u64(), "page: {v}");
        assert!(v["right"].as_f64() <= Some(390.5), "table: {v}");
        assert!(
            v["scroll"].as_u64() <= v["client"].as_u64(),
            "the table scrolls sideways: {v}"
        );
        assert_eq!(v["off"], json!([]), "cells off screen: {v}");
        let heights = v["heights"].as_array().context("heights")?;
        assert!(
            heights.len() == 6 && heights.iter().all(|h| h == &heights[0]),
            "a word breaks: {v}"
        );
        Ok(())
    });
}
