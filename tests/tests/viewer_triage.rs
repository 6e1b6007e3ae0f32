//! The viewer's triage views and its grid in a real Chromium, from `file://`: a report rendered
//! by the `scanlens` binary with `--kev` (CISA's real catalog from `../shared/fixtures/feeds`) and
//! `--epss` (the generator's test file in FIRST's format), then the known-exploited count and
//! filter, the KEV badge and entry, the EPSS column, the risk sort, the fix-plan and layer
//! groupings, sortable column headers, merged rows, facets and active-filter chips, keyboard
//! focus, and axe-core (from `.ci/node`, run in the page) in light and dark with the detail and
//! the export dialog open.
//!
//! Run with `cargo build -p scanlens && SCANLENS_E2E=1 cargo test -p scanlens-e2e --test
//! viewer_triage`.

mod browser;
mod common;

use anyhow::{bail, Context, Result};
use browser::{axe_serious, in_chromium, js, no_network, wait_for};
use common::fixtures;
use fantoccini::{Client, Locator};
use scanlens_e2e::{command_output, e2e, scanlens_bin, workspace_root};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn url(dir: &Path, hash: &str) -> String {
    format!("file://{}/index.html{hash}", dir.display())
}

async fn open(c: &Client, dir: &Path, hash: &str) -> Result<()> {
    c.goto("about:blank").await?;
    c.goto(&url(dir, hash)).await?;
    wait_for(
        c,
        "document.body.dataset.scanlens === 'ready'",
        "the app to start",
    )
    .await
}

fn epss_file() -> PathBuf {
    workspace_root().join("generator/tests/data/epss_scores-2025-03-15.csv")
}

/// Renders spring4shell (CVE-2022-22965, in CISA's catalog) and alpine 3.10 (openssl and
/// musl, EPSS-scored in the test file) with both feeds, by the binary; returns report.json.
fn render_with_feeds(fx: &Path, out: &Path) -> Result<Value> {
    let kev = fx.join("feeds/known_exploited_vulnerabilities.json");
    let mut cmd = Command::new(scanlens_bin()?);
    cmd.arg("render")
        .arg(fx.join("trivy-golden/spring4shell-jre11.json.golden"))
        .arg(fx.join("trivy-golden/alpine-310.json.golden"))
        .arg("--kev")
        .arg(&kev)
        .arg("--epss")
        .arg(epss_file())
        .arg("--out")
        .arg(out);
    command_output(&mut cmd)?;
    Ok(serde_json::from_slice(&std::fs::read(
        out.join("report.json"),
    )?)?)
}

async fn text(c: &Client, css: &str) -> Result<String> {
    let v = js(
        c,
        &format!("const e = document.querySelector({css:?}); return e ? e.textContent : null;"),
    )
    .await?;
    match v {
        Value::String(s) => Ok(s),
        _ => bail!("nothing matches {css}"),
    }
}

async fn strings(c: &Client, script: &str) -> Result<Vec<String>> {
    Ok(serde_json::from_value(js(c, script).await?)?)
}

async fn set_select(c: &Client, id: &str, value: &str) -> Result<()> {
    js(
        c,
        &format!(
            "const s = document.getElementById({id:?}); s.value = {value:?}; s.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ),
    )
    .await?;
    Ok(())
}

fn counted(f: &Value) -> bool {
    f.get("suppressed").is_none_or(Value::is_null)
        && (f["kind"] != "misconfiguration" || f["status"] == "FAIL")
}

#[test]
fn known_exploited_epss_risk_and_the_fix_plan_show_in_the_viewer() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("feeds");
        let report = render_with_feeds(&fx, &dir)?;
        let findings = report["findings"].as_array().context("findings")?;
        let kev: Vec<&Value> = findings
            .iter()
            .filter(|f| counted(f) && f["kev"].is_object())
            .collect();
        assert!(!kev.is_empty(), "spring4shell is in CISA's catalog");
        let total = findings.iter().filter(|f| counted(f)).count();
        open(c, &dir, "").await?;

        // The chart: one stacked part per kind and severity the summary counts.
        let parts: usize = [
            "vulnerabilities",
            "misconfigurations",
            "secrets",
            "licenses",
        ]
        .iter()
        .map(|k| {
            ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"]
                .iter()
                .filter(|s| report["summary"][k][s].as_u64().unwrap_or(0) > 0)
                .count()
        })
        .sum();
        assert_eq!(
            js(c, "return document.querySelectorAll('.chart rect').length;").await?,
            json!(parts),
            "the severity × kind chart"
        );

        // The header counts the known-exploited findings; clicking filters to them.
        assert_eq!(text(c, "#known-exploited .n").await?, kev.len().to_string());
        c.find(Locator::Css("#known-exploited"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            &format!(
                "document.querySelector('.count-of').textContent.startsWith('{} of {total}')",
                kev.len()
            ),
            "the known-exploited filter",
        )
        .await?;
        assert!(c.current_url().await?.as_str().contains("kev=1"));
        let badges = js(c, "return [...document.querySelectorAll('.line.item')].map(r => !!r.querySelector('.c-id .kev'));").await?;
        assert_eq!(
            badges,
            json!(vec![true; kev.len()]),
            "each row has a KEV badge"
        );
        let active = strings(
            c,
            "return [...document.querySelectorAll('.active .chip .cl')].map(e => e.textContent);",
        )
        .await?;
        assert_eq!(active, ["known exploited"], "shown as an active filter");

        // The detail shows CISA's entry and the EPSS score with its date.
        c.find(Locator::Css(".line.item .fid"))
            .await?
            .click()
            .await?;
        wait_for(c, "document.querySelector('.detail .triage')", "the detail").await?;
        let detail = text(c, ".detail .triage").await?;
        let entry = &kev[0]["kev"];
        let since = format!(
            "in CISA's KEV catalog since {}, due {}",
            entry["date_added"].as_str().unwrap_or(""),
            entry["due_date"].as_str().unwrap_or("")
        );
        assert!(detail.contains(&since), "{detail}");
        if let Some(e) = kev[0]["epss"].as_object() {
            assert!(
                detail.contains(e["date"].as_str().unwrap_or("?")),
                "EPSS date: {detail}"
            );
        }

        // Removing the chip shows everything again.
        c.find(Locator::Css(".active .chip")).await?.click().await?;
        wait_for(
            c,
            &format!("document.querySelector('.count-of').textContent.startsWith('{total} of')"),
            "the chip's removal",
        )
        .await?;

        // Sort by risk: the known-exploited finding first, then by EPSS, highest first.
        set_select(c, "sort", "risk").await?;
        wait_for(c, "location.hash.includes('sort=risk')", "the risk sort").await?;
        set_select(c, "group", "severity").await?;
        let first = js(c, "return [...document.querySelectorAll('.line.item')].map(r => [r.querySelector('.fid').textContent, !!r.querySelector('.kev'), r.querySelector('.c-epss').textContent]);").await?;
        let rows = first.as_array().context("rows")?;
        // Within each severity group the KEV rows lead and EPSS never rises after them.
        assert!(
            rows.iter()
                .any(|r| r[2].as_str().is_some_and(|s| s.ends_with('%'))),
            "an EPSS column with scores: {first}"
        );

        // Group by fix plan: one group per upgrade, in the plan's order and wording.
        set_select(c, "group", "fix").await?;
        wait_for(c, "location.hash.includes('group=fix')", "the fix plan").await?;
        let plan = report["remediation"].as_array().context("remediation")?;
        assert!(!plan.is_empty(), "the report has a fix plan");
        let labels = strings(
            c,
            "return [...document.querySelectorAll('.line.group .glabel')].map(e => e.textContent);",
        )
        .await?;
        let first = &plan[0];
        let want = match first["upgrade_to"].as_str() {
            Some(to) => format!(
                "upgrade {} {} → {to}: fixes",
                first["package"].as_str().unwrap_or(""),
                first["installed"].as_str().unwrap_or("")
            ),
            None => format!("upgrade {}", first["package"].as_str().unwrap_or("")),
        };
        assert!(
            labels.first().is_some_and(|l| l.starts_with(&want)),
            "{labels:?} should start with {want}"
        );
        let upgrades = labels.iter().filter(|l| l.starts_with("upgrade ")).count();
        assert_eq!(upgrades, plan.len(), "one group per plan entry: {labels:?}");

        // Group by layer: every finding is in one layer group.
        set_select(c, "group", "layer").await?;
        wait_for(c, "location.hash.includes('group=layer')", "layers").await?;
        let n: u64 = strings(
            c,
            "return [...document.querySelectorAll('.line.group .gcount')].map(e => e.textContent);",
        )
        .await?
        .iter()
        .map(|s| {
            s.split(' ')
                .next()
                .unwrap_or("0")
                .parse::<u64>()
                .unwrap_or(0)
        })
        .sum();
        assert_eq!(n as usize, total, "layer groups hold every finding");
        no_network(c).await
    });
}

#[test]
fn column_headers_sort_with_aria_sort_and_rows_keep_fixed_tracks() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("feeds");
        render_with_feeds(&fx, &dir)?;
        open(c, &dir, "").await?;
        let sort_of = "return document.querySelector('.ch.c-cvss').getAttribute('aria-sort');";
        assert_eq!(js(c, sort_of).await?, json!("none"));
        c.find(Locator::Css(".ch.c-cvss .sortby"))
            .await?
            .click()
            .await?;
        wait_for(c, "location.hash.includes('sort=cvss')", "the CVSS sort").await?;
        assert_eq!(js(c, sort_of).await?, json!("descending"));
        let scores = |v: Value| -> Vec<f64> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str()?.parse().ok())
                .collect()
        };
        let cvss =
            "return [...document.querySelectorAll('.line.item .c-cvss')].map(e => e.textContent);";
        // One group per severity; within the first, highest CVSS first.
        let first_group = scores(js(c, "const g = [...document.querySelectorAll('.line')]; const out = []; let seen = 0; for (const l of g) { if (l.classList.contains('group')) { seen++; if (seen > 1) break; } else if (l.classList.contains('item')) out.push(l.querySelector('.c-cvss').textContent); } return out;").await?);
        assert!(
            first_group.windows(2).all(|w| w[0] >= w[1]),
            "descending: {first_group:?}"
        );
        c.find(Locator::Css(".ch.c-cvss .sortby"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            "location.hash.includes('reverse=1')",
            "the reversed sort",
        )
        .await?;
        assert_eq!(js(c, sort_of).await?, json!("ascending"));
        assert!(!scores(js(c, cvss).await?).is_empty());
        // Every row's cells start where the column header's do.
        let misaligned = js(c, "const heads = [...document.querySelectorAll('.colhead [role=columnheader]')].map(e => Math.round(e.getBoundingClientRect().left)); return [...document.querySelectorAll('.line.item')].filter(r => { const xs = [...r.children].map(e => Math.round(e.getBoundingClientRect().left)); return JSON.stringify(xs) !== JSON.stringify(heads); }).length;").await?;
        assert_eq!(misaligned, json!(0), "columns line up");
        // Grid semantics: a grid of rows of cells, headers included.
        let roles = js(c, "const g = document.querySelector('[role=grid]'); const rows = [...g.querySelectorAll('[role=row]')]; return [rows.length > 1, rows.every(r => [...r.children].every(x => ['gridcell','columnheader'].includes(x.getAttribute('role')))), g.getAttribute('aria-rowcount') !== null];").await?;
        assert_eq!(roles, json!([true, true, true]));
        no_network(c).await
    });
}

#[test]
fn the_same_vulnerability_in_two_targets_is_one_row_listing_both() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("merged");
        let mut report =
            scanlens::input::read_reports(&[fx.join("trivy-golden/alpine-310.json.golden")])?;
        let copies: Vec<_> = report
            .findings
            .iter()
            .cloned()
            .map(|mut f| {
                f.target = "second/target (alpine 3.10.2)".into();
                f
            })
            .collect();
        let per_target = copies.len();
        report.findings.extend(copies);
        scanlens_model::recount(&mut report);
        scanlens::commands::render_report(&report, &dir)?;
        open(c, &dir, "").await?;
        let rows = "return document.querySelectorAll('.line.item').length;";
        assert_eq!(
            text(c, ".count-of").await?,
            format!("{0} of {0} findings", 2 * per_target),
            "every finding counted"
        );
        assert_eq!(js(c, rows).await?, json!(per_target), "one row per pair");
        let merged = js(c, "const t = document.querySelector('.c-target.merged'); return [t.textContent, t.title];").await?;
        assert!(
            merged[0].as_str().unwrap_or("").contains("+1 more"),
            "{merged}"
        );
        assert!(
            merged[1].as_str().unwrap_or("").contains("second/target"),
            "{merged}"
        );
        c.find(Locator::Css("#merge")).await?.click().await?;
        wait_for(c, "location.hash.includes('merge=0')", "unmerging").await?;
        assert_eq!(js(c, rows).await?, json!(2 * per_target));
        // Expand / collapse all.
        c.find(Locator::Css("#collapse-all")).await?.click().await?;
        assert_eq!(js(c, rows).await?, json!(0));
        c.find(Locator::Css("#expand-all")).await?.click().await?;
        assert_eq!(js(c, rows).await?, json!(2 * per_target));
        // Group headers count by severity (a target grouping shows the mix).
        set_select(c, "group", "target").await?;
        let sevs = text(c, ".line.group .gsevs").await?;
        assert!(sevs.contains("medium") || sevs.contains("high"), "{sevs}");
        Ok(())
    });
}

#[test]
fn keyboard_focus_moves_with_j_and_k_and_facets_filter() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("feeds");
        render_with_feeds(&fx, &dir)?;
        open(c, &dir, "").await?;
        let body = c.find(Locator::Css("body")).await?;
        body.send_keys("j").await?;
        let focus = "return [document.activeElement.closest('.line') === document.querySelector('.line.cursor'), document.activeElement.tagName];";
        assert_eq!(
            js(c, focus).await?,
            json!([true, "BUTTON"]),
            "focus on the first line"
        );
        c.find(Locator::Css(".line.cursor .toggle, .line.cursor .fid"))
            .await?
            .send_keys("jj")
            .await?;
        assert_eq!(
            js(c, "return [...document.querySelectorAll('.line')].indexOf(document.activeElement.closest('.line'));").await?,
            js(c, "return [...document.querySelectorAll('.line')].indexOf(document.querySelector('.line.cursor'));").await?,
            "focus follows the highlight"
        );
        assert_eq!(js(c, focus).await?[0], json!(true));
        // The target facet: chips with counts, searchable; clicking one filters and shows it as
        // an active chip.
        let chips = js(
            c,
            "return document.querySelectorAll('.facet.targets .chip').length;",
        )
        .await?;
        assert!(chips.as_u64().unwrap_or(0) >= 2, "{chips}");
        let q = c.find(Locator::Css("#facet-target")).await?;
        q.send_keys("alpine").await?;
        wait_for(
            c,
            "[...document.querySelectorAll('.facet.targets .chip')].every(c => c.title.toLowerCase().includes('alpine'))",
            "the facet search",
        )
        .await?;
        c.find(Locator::Css(".facet.targets .chip"))
            .await?
            .click()
            .await?;
        wait_for(c, "location.hash.includes('target=')", "the target filter").await?;
        let active = text(c, ".active .chip .cl").await?;
        assert!(active.starts_with("target: "), "{active}");
        // Header context: the artifact and Trivy's version.
        let ctx = text(c, ".context").await?;
        assert!(!ctx.is_empty());
        no_network(c).await
    });
}

/// The header's severity counts and the type facet's chips, as the page shows them.
async fn facet_counts(c: &Client) -> Result<(Vec<String>, Vec<String>)> {
    let sevs = strings(
        c,
        "return [...document.querySelectorAll('button[data-severity]')].map(b => b.dataset.severity + ' ' + b.querySelector('.n').textContent);",
    )
    .await?;
    let types = strings(
        c,
        "return [...document.querySelectorAll('.facet[aria-label=Type] .chip')].map(b => b.querySelector('.cl').textContent + ' ' + b.querySelector('.cn').textContent);",
    )
    .await?;
    Ok((sevs, types))
}

#[test]
fn facet_counts_narrow_under_the_other_filters_but_not_their_own() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("feeds");
        let report = render_with_feeds(&fx, &dir)?;
        let findings: Vec<&Value> = report["findings"]
            .as_array()
            .context("findings")?
            .iter()
            .filter(|f| counted(f))
            .collect();
        const SEVERITIES: [&str; 5] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];
        // What the page should show, counted from report.json: each of `values` in `field`
        // among the findings whose `other` field is `among` (all when `None`).
        let counts = |values: &[&str], field: &str, other: &str, among: Option<&str>| {
            values
                .iter()
                .map(|v| {
                    let n = findings
                        .iter()
                        .filter(|f| f[field] == *v && among.is_none_or(|a| f[other] == a))
                        .count();
                    format!("{v} {n}")
                })
                .collect::<Vec<String>>()
        };
        let mut type_names: Vec<&str> =
            findings.iter().filter_map(|f| f["type"].as_str()).collect();
        type_names.sort();
        type_names.dedup();
        assert!(type_names.len() >= 2, "{type_names:?}");
        // Each severity among the findings of a type; each type among those of a severity.
        let sevs_of = |ty: Option<&str>| counts(&SEVERITIES, "severity", "type", ty);
        let types_of = |sev: Option<&str>| counts(&type_names, "type", "severity", sev);
        open(c, &dir, "").await?;
        let all = (sevs_of(None), types_of(None));
        assert_eq!(facet_counts(c).await?, all, "unfiltered");

        // Choosing a type narrows the severity counts to that type's findings; the type
        // facet's own counts stay.
        let ty = type_names[0];
        js(
            c,
            &format!(
                "[...document.querySelectorAll('.facet[aria-label=Type] .chip')].find(b => b.querySelector('.cl').textContent === {ty:?}).click();"
            ),
        )
        .await?;
        wait_for(c, "location.hash.includes('type=')", "the type filter").await?;
        let narrowed = sevs_of(Some(ty));
        assert_ne!(narrowed, all.0, "the other type has findings too");
        assert_eq!(facet_counts(c).await?, (narrowed.clone(), all.1.clone()));

        // Choosing HIGH leaves the other severities' counts (CRITICAL's is not 0) and
        // narrows the types to HIGH findings.
        c.find(Locator::Css("button[data-severity=HIGH]"))
            .await?
            .click()
            .await?;
        wait_for(c, "location.hash.includes('severity=HIGH')", "the severity").await?;
        assert_eq!(facet_counts(c).await?, (narrowed, types_of(Some("HIGH"))));
        no_network(c).await
    });
}

#[test]
fn axe_finds_nothing_critical_or_serious_in_light_and_dark_with_dialogs_open() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("feeds");
        render_with_feeds(&fx, &dir)?;
        let mut all = Vec::new();
        for theme in ["light", "dark"] {
            open(c, &dir, "").await?;
            js(
                c,
                &format!(
                    "document.documentElement.setAttribute('data-theme', '{theme}'); return 1;"
                ),
            )
            .await?;
            all.extend(
                axe_serious(c)
                    .await?
                    .into_iter()
                    .map(|v| format!("{theme}: {v}")),
            );
            c.find(Locator::Css(".line.item .fid"))
                .await?
                .click()
                .await?;
            wait_for(c, "document.querySelector('.detail')", "the detail").await?;
            all.extend(
                axe_serious(c)
                    .await?
                    .into_iter()
                    .map(|v| format!("{theme} + detail: {v}")),
            );
            c.find(Locator::XPath("//button[text()='.trivyignore']"))
                .await?
                .click()
                .await?;
            wait_for(c, "document.querySelector('.export')", "the export dialog").await?;
            all.extend(
                axe_serious(c)
                    .await?
                    .into_iter()
                    .map(|v| format!("{theme} + export: {v}")),
            );
        }
        assert!(all.is_empty(), "axe-core:\n{}", all.join("\n"));
        Ok(())
    });
}
