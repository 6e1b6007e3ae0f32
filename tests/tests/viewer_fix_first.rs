//! The viewer's Fix first panel in a real Chromium, from `file://`: a corpus report rendered by
//! the `scanlens` binary (a Debian image with a planted AWS key, its Dockerfile's failed checks,
//! Trivy's secrets fixture and spring4shell, with CISA's KEV catalog), then the header button,
//! the panel's parts and entries against report.json's `fix_first` and in summary.md's words,
//! Esc and focus, each kind of entry narrowing the list, and axe-core in light and dark with the
//! panel open. Licenses, which no corpus report has forbidden or restricted, from a corpus report
//! whose categories are changed before it is planned.
//!
//! Run with `cargo build -p scanlens && SCANLENS_E2E=1 cargo test -p scanlens-e2e --test
//! viewer_fix_first`.

mod browser;
mod common;

use anyhow::{bail, Context, Result};
use browser::{axe_serious, in_chromium, js, no_network, wait_for};
use common::fixtures;
use fantoccini::{Client, Locator};
use scanlens_e2e::{command_output, e2e, scanlens_bin};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

async fn open(c: &Client, dir: &Path) -> Result<()> {
    c.goto("about:blank").await?;
    c.goto(&format!("file://{}/index.html", dir.display()))
        .await?;
    wait_for(
        c,
        "document.body.dataset.scanlens === 'ready'",
        "the app to start",
    )
    .await
}

/// Renders the corpus report by the binary; returns report.json and summary.md.
fn render(fx: &Path, out: &Path) -> Result<(Value, String)> {
    // Beside spring-beans, a second package whose advisory names spring-beans, as advisories
    // name packages they are used with: an upgrade's entry must not list it.
    let mut spring: Value = serde_json::from_slice(&std::fs::read(
        fx.join("trivy-golden/spring4shell-jre11.json.golden"),
    )?)?;
    let java = spring["Results"]
        .as_array_mut()
        .and_then(|r| r.iter_mut().find(|r| r["Target"] == "Java"))
        .context("the golden's Java result")?;
    let vulns = java["Vulnerabilities"]
        .as_array_mut()
        .context("its vulnerabilities")?;
    let mut other = vulns.first().context("spring-beans")?.clone();
    other["PkgName"] = json!("org.springframework:spring-webmvc");
    other["VulnerabilityID"] = json!("CVE-2022-22950");
    other["Title"] = json!("spring-webmvc: denial of service, as org.springframework:spring-beans");
    vulns.push(other);
    let spring_path = out.with_extension("spring4shell.json");
    std::fs::write(&spring_path, serde_json::to_vec(&spring)?)?;
    let mut cmd = Command::new(scanlens_bin()?);
    cmd.arg("render")
        .arg(fx.join("local-trivy-0.76/debian-image-vuln-secret.json"))
        .arg(fx.join("local-trivy-0.76/dockerfile-config.json"))
        .arg(fx.join("trivy-golden/secrets.json.golden"))
        .arg(&spring_path)
        .arg("--kev")
        .arg(fx.join("feeds/known_exploited_vulnerabilities.json"))
        .arg("--out")
        .arg(out);
    command_output(&mut cmd)?;
    let report = serde_json::from_slice(&std::fs::read(out.join("report.json"))?)?;
    Ok((report, std::fs::read_to_string(out.join("summary.md"))?))
}

async fn strings(c: &Client, script: &str) -> Result<Vec<String>> {
    Ok(serde_json::from_value(js(c, script).await?)?)
}

/// The panel's parts as they read: each one's heading, its sentence, and its entries' texts.
async fn parts(c: &Client) -> Result<Vec<(String, String, Vec<String>)>> {
    let v = js(
        c,
        "return [...document.querySelectorAll('#ff-panel .ff-part')].map(p => [
            p.querySelector('h3').textContent,
            (p.querySelector(':scope > p') || {textContent: ''}).textContent,
            [...p.querySelectorAll('.ff-entry')].map(e => e.textContent)]);",
    )
    .await?;
    Ok(serde_json::from_value(v)?)
}

fn part<'a>(
    parts: &'a [(String, String, Vec<String>)],
    heading: &str,
) -> Result<&'a (String, String, Vec<String>)> {
    parts
        .iter()
        .find(|p| p.0.starts_with(heading))
        .with_context(|| format!("no part {heading} in {parts:?}"))
}

/// summary.md's text as plain text: its escapes undone and its markup left out, so that the
/// panel's words can be compared with it.
fn plain(md: &str) -> String {
    let md = md
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("**", "")
        .replace(" _(", " (")
        .replace(")_", ")");
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(ch);
    }
    out
}

/// summary.md's Fix first section, as plain lines.
fn md_lines(md: &str) -> Vec<String> {
    md.lines()
        .skip_while(|l| *l != "### Fix first")
        .skip(1)
        // The section ends where the counts' table starts.
        .take_while(|l| !l.starts_with("| |"))
        .map(plain)
        .collect()
}

/// The list items of summary.md's part that starts with `label`, without their `1. ` and
/// severity icon.
fn md_items(lines: &[String], label: &str) -> Vec<String> {
    lines
        .iter()
        .skip_while(|l| !l.starts_with(label))
        .skip(1)
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with("1. "))
        .map(|l| {
            let item = &l[3..];
            // A check's or license's icon goes before its severity's name.
            match item.split_once(' ') {
                Some((icon, rest)) if !icon.is_ascii() => rest.to_string(),
                _ => item.to_string(),
            }
        })
        .collect()
}

fn shown(cut: &Value) -> Result<&Vec<Value>> {
    cut["shown"].as_array().context("a cut list's shown")
}

async fn open_panel(c: &Client) -> Result<()> {
    c.find(Locator::Id("ff-open")).await?.click().await?;
    wait_for(
        c,
        "document.getElementById('ff-panel')",
        "the Fix first panel",
    )
    .await
}

/// Opens the panel and chooses the first entry under `heading`, then waits for the list to
/// narrow to findings of `kind` (the URL hash says so).
async fn narrow_by(c: &Client, heading: &str, kind: &str) -> Result<()> {
    open_panel(c).await?;
    click_entry(c, heading).await?;
    wait_for(
        c,
        &format!("location.hash.includes('kind={kind}')"),
        &format!("{heading}: the {kind} findings"),
    )
    .await
}

/// Clicks the first entry of the part whose heading starts with `heading`.
async fn click_entry(c: &Client, heading: &str) -> Result<()> {
    let found = js(
        c,
        &format!(
            "const p = [...document.querySelectorAll('#ff-panel .ff-part')].find(p => p.querySelector('h3').textContent.startsWith({heading:?}));
             const e = p && p.querySelector('.ff-entry'); if (e) e.click(); return !!e;"
        ),
    )
    .await?;
    if found != json!(true) {
        bail!("no entry under {heading}");
    }
    Ok(())
}

/// Chooses the open panel's "Show the known exploited findings" and waits for the list to
/// narrow to them (the header's filter, in the URL hash).
async fn show_known_exploited(c: &Client) -> Result<()> {
    c.find(Locator::Css("#ff-panel .ff-kev"))
        .await?
        .click()
        .await?;
    wait_for(
        c,
        "location.hash === '#kev=1'",
        "the known-exploited filter",
    )
    .await
}

/// The shown findings' targets (a long one whole, from its title) and IDs, and the count line.
async fn rows(c: &Client) -> Result<(Vec<String>, Vec<String>, String)> {
    let targets = strings(
        c,
        "return [...document.querySelectorAll('.line.item .c-target')].map(e => e.title || e.textContent);",
    )
    .await?;
    let ids = strings(
        c,
        "return [...document.querySelectorAll('.line.item .fid')].map(e => e.textContent);",
    )
    .await?;
    let count = js(c, "return document.querySelector('.count-of').textContent;").await?;
    Ok((targets, ids, count.as_str().unwrap_or("").to_string()))
}

/// Counted findings of `kind` in report.json that `keep` keeps.
fn counted(report: &Value, kind: &str, keep: impl Fn(&Value) -> bool) -> usize {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| {
            f["kind"] == kind
                && f.get("suppressed").is_none_or(Value::is_null)
                && (kind != "misconfiguration" || f["status"] == "FAIL")
                && keep(f)
        })
        .count()
}

#[test]
fn fix_first_shows_the_plan_in_the_summarys_words_and_each_entry_narrows_the_list() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("fix-first");
        let (report, md) = render(&fx, &dir)?;
        let plan = &report["fix_first"];
        let files = shown(&plan["secrets"]["files"])?;
        let checks = shown(&plan["checks"]["checks"])?;
        let upgrades = shown(&plan["upgrades"])?;
        let kev = plan["known_exploited"]["total"].as_u64().unwrap_or(0);
        // The corpus must give every part this test reads: no data, no pass.
        assert!(files.len() >= 2, "secret files: {plan}");
        assert!(!checks.is_empty(), "failed checks: {plan}");
        assert!(!upgrades.is_empty(), "upgrades: {plan}");
        assert!(kev > 0, "spring4shell is in CISA's catalog: {plan}");
        let lines = md_lines(&md);
        assert!(!lines.is_empty(), "summary.md has a Fix first section");

        open(c, &dir).await?;
        assert_eq!(
            js(c, "return document.getElementById('ff-panel');").await?,
            Value::Null,
            "closed at first"
        );
        let button = c.find(Locator::Id("ff-open")).await?;
        assert_eq!(
            button.attr("aria-expanded").await?.as_deref(),
            Some("false")
        );
        open_panel(c).await?;
        assert_eq!(
            js(c, "return [document.activeElement.id, document.getElementById('ff-open').getAttribute('aria-expanded')];").await?,
            json!(["ff-panel", "true"]),
            "focus moves into the open dialog"
        );

        // Parts in summary.md's order, each sentence and entry as summary.md words it.
        let got = parts(c).await?;
        let headings: Vec<&str> = got
            .iter()
            .map(|p| p.0.split(' ').next().unwrap_or(""))
            .collect();
        assert_eq!(
            headings,
            ["Known", "Secrets", "Upgrades", "Configuration"],
            "{got:?}"
        );
        let sentence = |label: &str| -> String {
            lines
                .iter()
                .find_map(|l| l.strip_prefix(&format!("{label}: ")))
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(
            part(&got, "Known exploited")?.1,
            sentence("Known exploited")
        );
        assert_eq!(part(&got, "Secrets")?.1, sentence("Secrets"));
        assert_eq!(part(&got, "Configuration")?.1, sentence("Configuration"));
        assert!(
            lines.iter().any(|l| *l
                == format!(
                    "{} (most urgent first, {} in all):",
                    "Upgrades", plan["upgrades"]["total"]
                )),
            "{lines:?}"
        );
        assert_eq!(
            part(&got, "Upgrades")?.0,
            format!(
                "Upgrades (most urgent first, {} in all)",
                plan["upgrades"]["total"]
            )
        );
        for (label, heading, n) in [
            ("Secrets:", "Secrets", files.len()),
            ("Upgrades", "Upgrades", upgrades.len()),
            ("Configuration:", "Configuration", checks.len()),
        ] {
            let entries = &part(&got, heading)?.2;
            assert_eq!(entries.len(), n, "{heading}: one entry per shown one");
            assert_eq!(
                entries,
                &md_items(&lines, label),
                "{heading} as summary.md says it"
            );
        }
        let first_file = files[0]["path"].as_str().context("path")?;
        assert!(
            part(&got, "Secrets")?.2[0].starts_with(first_file),
            "{got:?}"
        );
        let first_check = checks[0]["id"].as_str().context("id")?;
        assert!(
            part(&got, "Configuration")?.2[0].contains(first_check),
            "{got:?}"
        );
        // Several artifacts: each file says which image it is in.
        assert!(part(&got, "Secrets")?.2[0].contains(" in "), "{got:?}");

        // Esc closes it and focus goes back to the button that opened it.
        c.find(Locator::Id("ff-panel"))
            .await?
            .send_keys("\u{e00c}")
            .await?;
        wait_for(c, "!document.getElementById('ff-panel')", "Esc to close it").await?;
        assert_eq!(
            js(c, "return document.activeElement.id;").await?,
            json!("ff-open")
        );

        // A file with secrets: the secrets in that file.
        narrow_by(c, "Secrets", "secret").await?;
        assert_eq!(
            js(c, "return !!document.getElementById('ff-panel');").await?,
            json!(false)
        );
        let (targets, _, count) = rows(c).await?;
        let want = counted(&report, "secret", |f| {
            f["target"].as_str() == Some(first_file)
        });
        assert!(want > 0);
        assert!(count.starts_with(&format!("{want} of ")), "{count}");
        assert_eq!(targets, vec![first_file.to_string(); targets.len()]);
        assert!(!targets.is_empty());
        // By the target filter, which matches the path exactly (a search would also find a
        // longer path that holds it); the hash, and so the active-filter chip, says why.
        let hash = js(c, "return decodeURIComponent(location.hash);").await?;
        assert!(
            hash.as_str()
                .is_some_and(|h| h.contains(&format!("target={first_file}"))),
            "{hash}"
        );
        assert_eq!(
            js(c, "return document.activeElement.closest('.line') === document.querySelector('.line.cursor');").await?,
            json!(true),
            "focus goes to the list's first line"
        );

        // A check: its failures.
        narrow_by(c, "Configuration", "misconfiguration").await?;
        let (_, ids, count) = rows(c).await?;
        let failures = checks[0]["failures"].as_u64().unwrap_or(0) as usize;
        assert!(count.starts_with(&format!("{failures} of ")), "{count}");
        assert_eq!(ids, vec![first_check.to_string(); failures]);

        // An upgrade: its package's vulnerabilities at the installed version in its target,
        // those the upgrade fixes and those no version fixes yet; no other package's.
        narrow_by(c, "Upgrades", "vulnerability").await?;
        let (_, mut ids, _) = rows(c).await?;
        let mut want: Vec<String> = ["fixes", "unfixable"]
            .iter()
            .flat_map(|k| upgrades[0][k].as_array().into_iter().flatten())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        ids.sort();
        want.sort();
        assert!(!want.is_empty());
        assert_eq!(ids, want, "the upgrade's vulnerabilities: {}", upgrades[0]);

        // Known exploited: the header's filter, on.
        open_panel(c).await?;
        show_known_exploited(c).await?;
        let (_, _, count) = rows(c).await?;
        assert!(count.starts_with(&format!("{kev} of ")), "{count}");
        assert_eq!(
            js(
                c,
                "return document.getElementById('known-exploited').getAttribute('aria-pressed');"
            )
            .await?,
            json!("true")
        );
        // Back returns to the upgrade's list.
        c.back().await?;
        wait_for(c, "location.hash.includes('kind=vulnerability')", "back").await?;
        no_network(c).await
    });
}

#[test]
fn fix_first_lists_licenses_to_act_on_and_narrows_to_one() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("licenses");
        let mut report = scanlens::input::read_reports(&[
            fx.join("trivy-golden/license-cyclonedx.json.golden"),
            fx.join("local-trivy-0.76/dockerfile-config.json"),
        ])?;
        // No corpus report has a license Trivy classes forbidden or restricted: two become so.
        let mut changed = 0;
        for f in &mut report.findings {
            if let Some(l) = f.license.as_mut() {
                if f.id != "MIT License" {
                    l.category = if f.id == "EPL-1.0" {
                        "restricted"
                    } else {
                        "forbidden"
                    }
                    .into();
                    changed += 1;
                }
            }
        }
        assert_eq!(changed, 2, "the corpus report's licenses");
        scanlens_model::fix_first::plan_all(&mut report);
        scanlens::commands::render_report(&report, &dir)?;
        let json: Value = serde_json::from_slice(&std::fs::read(dir.join("report.json"))?)?;
        let licenses = shown(&json["fix_first"]["licenses"]["licenses"])?;
        assert_eq!(licenses.len(), 2, "{}", json["fix_first"]);
        let name = licenses[0]["name"].as_str().context("name")?;
        let md = std::fs::read_to_string(dir.join("summary.md"))?;
        let lines = md_lines(&md);

        open(c, &dir).await?;
        open_panel(c).await?;
        let got = parts(c).await?;
        let l = part(&got, "Licenses")?;
        assert_eq!(l.2, md_items(&lines, "Licenses:"), "as summary.md says it");
        assert!(l.2[0].contains(name), "{got:?}");
        // Two artifacts: each package says which one it is in.
        assert!(l.2[0].contains(" in "), "{got:?}");
        click_entry(c, "Licenses").await?;
        wait_for(
            c,
            "location.hash.includes('kind=license')",
            "the license's findings",
        )
        .await?;
        let (_, ids, _) = rows(c).await?;
        if ids.is_empty() || ids.iter().any(|i| i != name) {
            bail!("the list should show {name} only: {ids:?}");
        }
        no_network(c).await
    });
}

#[test]
fn axe_finds_nothing_critical_or_serious_with_fix_first_open_in_light_and_dark() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("fix-first");
        render(&fx, &dir)?;
        let mut all = Vec::new();
        for theme in ["light", "dark"] {
            open(c, &dir).await?;
            js(
                c,
                &format!(
                    "document.documentElement.setAttribute('data-theme', '{theme}'); return 1;"
                ),
            )
            .await?;
            open_panel(c).await?;
            all.extend(
                axe_serious(c)
                    .await?
                    .into_iter()
                    .map(|v| format!("{theme} + fix first: {v}")),
            );
        }
        assert!(all.is_empty(), "axe-core:\n{}", all.join("\n"));
        Ok(())
    });
}

/// Spring4Shell (in CISA's catalog) accepted in an ignore file: the header still counts it as
/// known exploited, so the panel must not read as if the catalog listed none. It names it, in
/// summary.md's words, and its button lists it (marked excluded).
#[test]
fn a_known_exploited_vulnerability_the_gate_leaves_out_is_named_and_listed() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("left-out");
        let ignore = scratch.join(".trivyignore");
        std::fs::write(&ignore, "CVE-2022-22965\n")?;
        let mut cmd = Command::new(scanlens_bin()?);
        cmd.arg("render")
            .arg(fx.join("trivy-golden/spring4shell-jre11.json.golden"))
            .arg(fx.join("trivy-golden/alpine-310.json.golden"))
            .arg("--kev")
            .arg(fx.join("feeds/known_exploited_vulnerabilities.json"))
            .arg("--ignorefile")
            .arg(&ignore)
            .arg("--out")
            .arg(&dir);
        command_output(&mut cmd)?;
        let report: Value = serde_json::from_slice(&std::fs::read(dir.join("report.json"))?)?;
        let plan = &report["fix_first"];
        assert_eq!(plan["known_exploited"]["total"], json!(0), "{plan}");
        assert_eq!(
            plan["known_exploited_left_out"]["shown"],
            json!(["CVE-2022-22965"]),
            "{plan}"
        );
        let md = md_lines(&std::fs::read_to_string(dir.join("summary.md"))?);
        let said = md
            .iter()
            .find_map(|l| l.strip_prefix("Known exploited: "))
            .context("summary.md's known exploited line")?
            .to_string();
        assert!(
            said.contains("CVE-2022-22965, which the gate leaves out"),
            "{said}"
        );

        open(c, &dir).await?;
        let header = js(
            c,
            "return document.getElementById('known-exploited').textContent;",
        )
        .await?;
        assert!(
            header.as_str().is_some_and(|t| t.starts_with('1')),
            "{header}"
        );
        open_panel(c).await?;
        let got = parts(c).await?;
        assert_eq!(part(&got, "Known exploited")?.1, said);
        show_known_exploited(c).await?;
        let (_, ids, count) = rows(c).await?;
        assert_eq!(ids, ["CVE-2022-22965"], "{count}");
        Ok(())
    });
}
