//! The viewer in a real Chromium (Debian's `chromium` + `chromium-driver`), driven over
//! WebDriver with fantoccini. Pages are opened from `file://`, as users open a downloaded CI
//! artifact, so anything that needs a server or the network fails here.
//!
//! Each test opens its own pages in its own browser.
//!
//! Run with `SCANLENS_E2E=1 cargo test -p scanlens-e2e --test viewer`. Without the corpus in
//! `../shared/fixtures` it fails (SCANLENS_SKIP_FIXTURES=1 skips), and so without chromedriver.

mod browser;
mod common;

use anyhow::{Context, Result};
use browser::{in_chromium, js, no_network, wait_for};
use common::fixtures;
use fantoccini::{Client, Locator};
use scanlens_e2e::e2e;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PAYLOAD: &str = r#"<img src=x onerror="document.body.setAttribute('data-pwned','img')"><script>document.body.setAttribute('data-pwned','script')</script>"'><svg/onload=document.body.setAttribute('data-pwned','svg')>"#;
const JS_URL: &str = "javascript:document.body.setAttribute('data-pwned','href')";

fn render(
    inputs: &[PathBuf],
    out: &Path,
    tweak: impl FnOnce(&mut scanlens_model::Report),
) -> Result<Value> {
    let mut report = scanlens::input::read_reports(inputs)?;
    tweak(&mut report);
    scanlens::commands::render_report(&report, out)?;
    Ok(serde_json::from_slice(&std::fs::read(
        out.join("report.json"),
    )?)?)
}

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

/// Opens the main report's findings 20 times over, each copy with IDs of its own: a list much
/// longer than its window.
async fn open_long_list(c: &Client, fx: &Path, scratch: &Path) -> Result<()> {
    let dir = scratch.join("long");
    render(&main_inputs(fx), &dir, |r| {
        let base = r.findings.clone();
        for n in 1..20 {
            r.findings.extend(base.iter().cloned().map(|mut f| {
                f.id = format!("{}-{n}", f.id);
                f
            }));
        }
    })?;
    open(c, &dir, "").await
}

/// Scrolls the list to `top` px and waits for its window to start at line `first`
/// (`aria-rowindex`).
async fn scroll_list(c: &Client, top: u32, first: u32) -> Result<()> {
    js(
        c,
        &format!("document.querySelector('.list').scrollTop = {top};"),
    )
    .await?;
    wait_for(
        c,
        &format!(
            "document.querySelector('.window > .line').getAttribute('aria-rowindex') === '{first}'"
        ),
        "the window to follow the scroll",
    )
    .await
}

async fn shown_ids(c: &Client) -> Result<Vec<String>> {
    let v = js(
        c,
        "return [...document.querySelectorAll('.line.item .fid')].map(e => e.textContent);",
    )
    .await?;
    Ok(serde_json::from_value(v)?)
}

async fn count_of(c: &Client) -> Result<String> {
    Ok(
        js(c, "return document.querySelector('.count-of').textContent;")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// The report most tests open: alpine 3.10 (vulnerabilities), a Debian image scan (secrets) and
/// a Dockerfile check.
fn main_inputs(fx: &Path) -> Vec<PathBuf> {
    vec![
        fx.join("trivy-golden/alpine-310.json.golden"),
        fx.join("local-trivy-0.76/debian-image-vuln-secret.json"),
        fx.join("local-trivy-0.76/dockerfile-config.json"),
    ]
}

/// [`main_inputs`] and four more corpus images: five images, a long title (the README's
/// screenshots).
fn five_image_inputs(fx: &Path) -> Vec<PathBuf> {
    let mut inputs = main_inputs(fx);
    for f in ["debian-stretch", "centos-7", "npm", "spring4shell-jre11"] {
        inputs.push(fx.join(format!("trivy-golden/{f}.json.golden")));
    }
    inputs
}

/// Renders [`main_inputs`] into `scratch/main`; returns the folder and report.json.
fn main_report(fx: &Path, scratch: &Path) -> Result<(PathBuf, Value)> {
    let dir = scratch.join("main");
    let report = render(&main_inputs(fx), &dir, |_| {})?;
    Ok((dir, report))
}

/// Findings of a severity, of every kind, by the report's own summary.
fn summary_count(report: &Value, sev: &str) -> u64 {
    [
        "vulnerabilities",
        "misconfigurations",
        "secrets",
        "licenses",
    ]
    .iter()
    .map(|k| report["summary"][k][sev].as_u64().unwrap_or(0))
    .sum()
}

const SEVERITIES: [&str; 5] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"];

fn total(report: &Value) -> u64 {
    SEVERITIES.iter().map(|s| summary_count(report, s)).sum()
}

#[test]
fn the_viewer_shows_the_summarys_counts_and_a_row_per_finding() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, report) = main_report(&fx, scratch)?;
        open(c, &dir, "").await?;
        for sev in SEVERITIES {
            let want = summary_count(&report, sev);
            let got = js(
                c,
                &format!(
                    "return document.querySelector('button[data-severity={sev}] .n').textContent;"
                ),
            )
            .await?;
            assert_eq!(got, json!(want.to_string()), "{sev} count");
        }
        let total = total(&report);
        assert_eq!(count_of(c).await?, format!("{total} of {total} findings"));
        assert_eq!(
            shown_ids(c).await?.len() as u64,
            total,
            "every finding has a row"
        );
        no_network(c).await
    });
}

#[test]
fn typing_a_cve_id_narrows_the_list_to_its_rows() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, report) = main_report(&fx, scratch)?;
        let total = total(&report);
        open(c, &dir, "").await?;
        let search = c.find(Locator::Css("#q")).await?;
        search.send_keys("CVE-2019-1549").await?;
        wait_for(
            c,
            "document.querySelector('.count-of').textContent.startsWith('2 of')",
            "the search",
        )
        .await?;
        let ids = shown_ids(c).await?;
        assert_eq!(ids, ["CVE-2019-1549", "CVE-2019-1549"], "rows for the CVE");
        let marks = js(
            c,
            "return document.querySelectorAll('.line.item mark').length;",
        )
        .await?;
        assert!(marks.as_u64().unwrap_or(0) >= 2, "matches are highlighted");
        // The hash follows the search once typing pauses.
        wait_for(
            c,
            "location.hash.includes('q=CVE-2019-1549')",
            "the hash to follow the search",
        )
        .await?;
        // Clearing the search shows every finding again.
        js(c, "const q = document.querySelector('#q'); q.value=''; q.dispatchEvent(new InputEvent('input', {bubbles: true}));").await?;
        wait_for(
            c,
            &format!("document.querySelector('.count-of').textContent.startsWith('{total} of')"),
            "the cleared search",
        )
        .await
    });
}

/// A search that matches nothing says so under the column heads, where the rows were, not at the
/// window's foot; its button clears the filters and the rows come back.
#[test]
fn a_search_that_matches_nothing_says_so_where_the_rows_were() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, report) = main_report(&fx, scratch)?;
        open(c, &dir, "#q=nothing-like-this").await?;
        let v = js(
            c,
            r#"const none = document.querySelector('#scanlens-app .none');
            const heads = document.querySelector('#scanlens-app .line.colhead');
            return none && { text: none.textContent, gap: none.getBoundingClientRect().top - heads.getBoundingClientRect().bottom,
              headsShown: heads.getBoundingClientRect().height > 0, height: innerHeight };"#,
        )
        .await?;
        assert!(
            v["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("No findings match")),
            "{v}"
        );
        assert_eq!(v["headsShown"], json!(true), "{v}");
        let gap = v["gap"].as_f64().expect("a gap");
        assert!(
            (0.0..=8.0).contains(&gap),
            "the message follows the heads: {v}"
        );
        assert!(!v["text"].as_str().unwrap().contains("whole"), "{v}");
        // A field term that finds nothing says how it differs from a plain one, which finds.
        let none =
            "const n = document.querySelector('#scanlens-app .none'); return n && n.textContent;";
        open(c, &dir, "#q=package:openssl").await?;
        let text = js(c, none).await?;
        assert!(
            text.as_str()
                .is_some_and(|t| t.contains("matches a whole ID or package name")),
            "{text}"
        );
        open(c, &dir, "#q=openssl").await?;
        assert_eq!(
            js(c, none).await?,
            json!(null),
            "a plain term finds openssl's packages"
        );
        open(c, &dir, "#q=nothing-like-this").await?;
        js(
            c,
            "document.querySelector('#scanlens-app .none button').click(); return 0;",
        )
        .await?;
        wait_for(
            c,
            &format!(
                "document.querySelector('.count-of').textContent.startsWith('{} of')",
                total(&report)
            ),
            "the rows to come back",
        )
        .await
    });
}

#[test]
fn clicking_a_severity_filters_the_list_and_back_restores_it() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, report) = main_report(&fx, scratch)?;
        let total = total(&report);
        open(c, &dir, "").await?;
        c.find(Locator::Css("button[data-severity=MEDIUM]"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            "document.querySelector('.count-of').textContent.startsWith('4 of')",
            "the severity filter",
        )
        .await?;
        let sevs = js(
            c,
            "return [...document.querySelectorAll('.line.item .sev')].map(e => e.textContent);",
        )
        .await?;
        assert_eq!(sevs, json!(["MEDIUM", "MEDIUM", "MEDIUM", "MEDIUM"]));
        assert!(c
            .current_url()
            .await?
            .as_str()
            .ends_with("#severity=MEDIUM"));
        // Back restores the unfiltered view.
        c.back().await?;
        wait_for(
            c,
            &format!("document.querySelector('.count-of').textContent.startsWith('{total} of')"),
            "back",
        )
        .await
    });
}

/// Scrolling moves the window of rows: the rows still on screen keep their elements (the
/// viewer's keyed children, `viewer/src/dom.rs`), and the lines stay in order either way.
#[test]
fn scrolling_keeps_the_rows_in_order_and_the_elements_of_those_still_shown() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        open_long_list(c, &fx, scratch).await?;
        let rows = js(
            c,
            "return +document.querySelector('.list').getAttribute('aria-rowcount');",
        )
        .await?;
        assert!(
            rows.as_u64() > Some(100),
            "a list much longer than its window: {rows}"
        );
        // The window's first line (aria-rowindex), or every index when they are out of order.
        let span = async || {
            js(
                c,
                "const n = [...document.querySelectorAll('.window > .line')].map(e => +e.getAttribute('aria-rowindex'));
                 return n.every((v, i) => i == 0 || v == n[i - 1] + 1) ? n[0] : n;",
            )
            .await
        };
        let first = span().await?;
        assert_eq!(
            first, 2,
            "the first line follows the column headers: {first}"
        );
        let kept = js(
            c,
            "window.__kept = document.querySelector('.window > .line[aria-rowindex=\"17\"]'); return !!window.__kept;",
        )
        .await?;
        assert_eq!(kept, json!(true));
        // 10 lines down (32 px each): the window starts 8 lines above the first shown.
        for (top, want) in [(320, 4), (2000, 56), (0, 2)] {
            scroll_list(c, top, want).await?;
            let now = span().await?;
            assert_eq!(now, want, "lines in order after scrolling to {top}");
            if top == 320 {
                let same = js(
                    c,
                    "return document.querySelector('.window > .line[aria-rowindex=\"17\"]') === window.__kept;",
                )
                .await?;
                assert_eq!(same, json!(true), "a line still shown keeps its element");
            }
        }
        Ok(())
    });
}

/// A focused finding scrolled out of the window takes its focus with it: its element is not
/// handed to a finding coming in, where focus (and Enter) would silently be on another finding.
#[test]
fn a_focused_finding_scrolled_away_does_not_pass_its_focus_to_another() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        open_long_list(c, &fx, scratch).await?;
        let id = js(
            c,
            "const f = document.querySelector('.window > .line[aria-rowindex=\"4\"] .fid');
             f.focus(); return document.activeElement === f ? f.textContent : null;",
        )
        .await?;
        let id = id
            .as_str()
            .context("a finding's ID takes focus")?
            .to_string();
        scroll_list(c, 2000, 56).await?;
        let now = js(
            c,
            "const a = document.activeElement; return a && a.closest('.window') ? a.textContent : null;",
        )
        .await?;
        assert!(
            now.is_null() || now == json!(id),
            "focus stays with {id} or leaves the list, not on {now}"
        );
        Ok(())
    });
}

/// A grouping chosen in its select, undone with back and redone with forward: the select shows
/// the grouping in force each time, although the user's own choice had moved it.
#[test]
fn back_and_forward_after_choosing_a_grouping_move_the_select_too() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, _) = main_report(&fx, scratch)?;
        open(c, &dir, "").await?;
        // Chosen as a user does: WebDriver clicks the option.
        c.find(Locator::Css("#group"))
            .await?
            .select_by_value("package")
            .await?;
        wait_for(c, "location.hash.includes('group=package')", "the grouping").await?;
        c.back().await?;
        wait_for(
            c,
            "location.hash === '' && document.getElementById('group').value === 'severity'",
            "the select to follow back",
        )
        .await?;
        c.forward().await?;
        wait_for(
            c,
            "location.hash.includes('group=package') && document.getElementById('group').value === 'package'",
            "the select to follow forward",
        )
        .await
    });
}

/// A control that comes and goes ("Unselect N" once a finding is picked) leaves the controls
/// after it as they were: the same elements, so focus stays on the control it was on rather than
/// landing on the one that took its place.
#[test]
fn controls_after_one_that_comes_and_goes_keep_their_elements() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, _) = main_report(&fx, scratch)?;
        open(c, &dir, "").await?;
        const EXPORT: &str = "[...document.querySelectorAll('.actions button')].find(b => b.textContent === '.trivyignore')";
        js(c, &format!("window.__export = {EXPORT};")).await?;
        c.find(Locator::Css(".line.item .pick"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            "[...document.querySelectorAll('.actions button')].some(b => b.textContent === 'Unselect 1')",
            "the unselect button",
        )
        .await?;
        let same = js(c, &format!("return {EXPORT} === window.__export;")).await?;
        assert_eq!(same, json!(true), "the export button kept its element");
        let unselect = c
            .find(Locator::XPath("//button[text()='Unselect 1']"))
            .await?;
        unselect.click().await?;
        wait_for(
            c,
            "![...document.querySelectorAll('.actions button')].some(b => b.textContent.startsWith('Unselect'))",
            "the unselect button to go",
        )
        .await?;
        let after = js(
            c,
            &format!("return [{EXPORT} === window.__export, document.activeElement.textContent];"),
        )
        .await?;
        assert_eq!(after[0], json!(true), "the export button kept its element");
        assert_ne!(
            after[1],
            json!(".trivyignore"),
            "focus did not move onto another button"
        );
        Ok(())
    });
}

#[test]
fn a_hash_restores_the_state_including_the_open_finding() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, report) = main_report(&fx, scratch)?;
        let total = total(&report);
        open(
            c,
            &dir,
            "#q=openssl&severity=MEDIUM&group=package&finding=CVE-2019-1551",
        )
        .await?;
        assert_eq!(
            js(c, "return document.querySelector('#q').value;").await?,
            json!("openssl")
        );
        assert_eq!(
            js(c, "return document.querySelector('#group').value;").await?,
            json!("package")
        );
        assert_eq!(count_of(c).await?, format!("4 of {total} findings"));
        let detail = js(
            c,
            "return document.querySelector('.detail h2').textContent;",
        )
        .await?;
        assert_eq!(detail, json!("CVE-2019-1551"));
        let links = js(c, "return [...document.querySelectorAll('.detail a')].map(a => [a.protocol, a.target, a.rel]);").await?;
        for l in links.as_array().into_iter().flatten() {
            assert!(l[0] == "https:" || l[0] == "http:", "link {l}");
            assert_eq!(l[1], "_blank");
            assert!(l[2].as_str().unwrap_or("").contains("noopener"));
        }
        no_network(c).await
    });
}

/// A secret's details say what to do about it, in an image's words: the same instruction as
/// summary.md's "Fix first" and the no-JavaScript page (`present::secret_remedy`).
#[test]
fn a_secrets_details_say_to_rotate_it_and_rebuild_without_the_file() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, _) = main_report(&fx, scratch)?;
        open(c, &dir, "#finding=aws-access-key-id").await?;
        let fix = js(
            c,
            "const dt = [...document.querySelectorAll('.detail dt')].find(d => d.textContent === 'Fix'); return dt ? dt.nextElementSibling.textContent : null;",
        )
        .await?;
        assert_eq!(
            fix,
            json!(scanlens_model::present::secret_remedy(["container_image"])),
            "the secret's details"
        );
        assert!(fix.as_str().unwrap().contains("whoever can pull the image"));
        // The file's lines wrap inside the details, a long masked key too.
        let code = js(
            c,
            "const pre = document.querySelector('.detail pre.code'); const panel = document.querySelector('.detail').getBoundingClientRect(); return pre && { lines: pre.querySelectorAll('.codeline').length, copied: pre.innerText.trimEnd().split('\\n').length, longest: Math.max(...[...pre.querySelectorAll('.codeline')].map((l) => l.textContent.length)), scroll: pre.scrollWidth, client: pre.clientWidth, right: Math.max(...[...pre.getClientRects(), ...[...pre.querySelectorAll('.codeline')].flatMap((l) => [...l.getClientRects()])].map((r) => r.right)), panel: panel.right };",
        )
        .await?;
        assert!(code["lines"].as_u64() >= Some(2), "{code}");
        assert_eq!(code["copied"], code["lines"], "copied, a line each: {code}");
        assert!(
            code["longest"].as_u64() > Some(60),
            "a line longer than the panel is wide: {code}"
        );
        assert!(code["scroll"].as_u64() <= code["client"].as_u64(), "{code}");
        assert!(
            code["right"].as_f64() <= code["panel"].as_f64().map(|p| p + 0.5),
            "{code}"
        );
        no_network(c).await
    });
}

#[test]
fn slash_focuses_the_search_and_escape_clears_it() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, _) = main_report(&fx, scratch)?;
        // A search restored from the hash, for Esc to clear.
        open(c, &dir, "#q=openssl").await?;
        assert_eq!(
            js(c, "return document.querySelector('#q').value;").await?,
            json!("openssl")
        );
        c.find(Locator::Css("body")).await?.send_keys("/").await?;
        assert_eq!(
            js(c, "return document.activeElement.id;").await?,
            json!("q")
        );
        c.find(Locator::Css("#q"))
            .await?
            .send_keys("\u{E00C}")
            .await?; // Escape
        wait_for(
            c,
            "document.querySelector('#q').value === ''",
            "Esc to clear",
        )
        .await?;
        no_network(c).await
    });
}

/// WebDriver's keys for Enter and Esc.
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const ARROW_DOWN: &str = "\u{E015}";

/// `true` when focus is on the element the JS expression `el` gives; else what has focus, for
/// the failure's message.
async fn focus_on(c: &Client, el: &str) -> Result<Value> {
    js(
        c,
        &format!(
            "const e = {el}; const a = document.activeElement;
             return !!e && a === e ? true : a ? a.outerHTML.slice(0, 160) : null;"
        ),
    )
    .await
}

/// The export dialog takes focus when it opens, so that it is announced by its title, and gives
/// it back to the button that opened it when it closes, by Esc or by its Close button.
#[test]
fn the_export_dialog_takes_focus_and_gives_it_back_to_the_button_that_opened_it() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, report) = main_report(&fx, scratch)?;
        let total = total(&report);
        open(c, &dir, "").await?;
        let dialog = "document.querySelector('.export[role=dialog]')";
        for (name, id, by_esc) in [
            (".trivyignore", "export-open-text", true),
            (".trivyignore.yaml", "export-open-yaml", false),
        ] {
            let button = format!(
                "[...document.querySelectorAll('.actions button')].find(b => b.textContent === {name:?})"
            );
            c.find(Locator::XPath(&format!("//button[text()='{name}']")))
                .await?
                .click()
                .await?;
            wait_for(c, dialog, "the export dialog").await?;
            assert_eq!(
                focus_on(c, dialog).await?,
                json!(true),
                "{name}: focus moves into the dialog"
            );
            assert_eq!(
                js(
                    c,
                    &format!(
                        "const d = {dialog}; return [d.id, document.getElementById(d.getAttribute('aria-labelledby')).textContent];"
                    )
                )
                .await?,
                json!(["export-panel", format!("{name} for all {total} shown findings")]),
                "{name}: the dialog is named by its title"
            );
            if by_esc {
                c.active_element().await?.send_keys(ESCAPE).await?;
            } else {
                c.find(Locator::XPath(
                    "//div[@role='dialog']//button[text()='Close']",
                ))
                .await?
                .click()
                .await?;
            }
            wait_for(c, &format!("!{dialog}"), "the dialog to close").await?;
            assert_eq!(
                focus_on(c, &button).await?,
                json!(true),
                "{name}: focus goes back to the button that opened it"
            );
            assert_eq!(js(c, "return document.activeElement.id;").await?, json!(id));
        }
        Ok(())
    });
}

/// A finding opened by a key or a click takes focus to its details, announced as "Details of
/// …"; j then reviews the next finding with focus left on the list, for j and k to go on; closing
/// the details, by ✕ or Esc, gives focus back to the highlighted line. A finding the URL opens
/// takes no focus: the page was not asked for it here.
#[test]
fn opening_a_finding_focuses_its_details_and_closing_them_focuses_its_line() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, _) = main_report(&fx, scratch)?;
        let detail = "document.querySelector('.detail')";
        let line = "document.querySelector('.line.cursor .fid')";
        open(c, &dir, "#finding=CVE-2019-1551").await?;
        wait_for(c, detail, "the deep link's details").await?;
        assert_eq!(
            focus_on(c, "document.body").await?,
            json!(true),
            "a deep link leaves focus where it is"
        );

        // Four MEDIUM findings: their group's header, then a line each.
        open(c, &dir, "#severity=MEDIUM").await?;
        c.find(Locator::Css("body")).await?.send_keys("jj").await?;
        assert_eq!(focus_on(c, line).await?, json!(true), "j focuses the line");
        c.active_element().await?.send_keys(ENTER).await?;
        wait_for(c, detail, "Enter to open the details").await?;
        assert_eq!(
            focus_on(c, detail).await?,
            json!(true),
            "Enter moves focus to the details"
        );
        assert_eq!(
            js(
                c,
                &format!(
                    "return [document.activeElement.id, document.activeElement.getAttribute('aria-label') === 'Details of ' + {line}.textContent];"
                )
            )
            .await?,
            json!(["detail-panel", true])
        );
        // The arrows and Space in the details are theirs (they scroll them), not the list's.
        let row = "return document.querySelector('.line.cursor').getAttribute('aria-rowindex');";
        let before = js(c, row).await?;
        c.active_element()
            .await?
            .send_keys(&format!("{ARROW_DOWN} "))
            .await?;
        assert_eq!(js(c, row).await?, before, "the highlight stays");
        wait_for(
            c,
            &format!("{detail}.scrollTop > 0"),
            "the arrows and Space to scroll the details",
        )
        .await?;
        // Chromium scrolls smoothly: let it come to rest, or it goes on after the next key.
        let top = format!("return {detail}.scrollTop;");
        let mut last = json!(null);
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let now = js(c, &top).await?;
            if now == last {
                break;
            }
            last = now;
        }
        assert_eq!(
            focus_on(c, detail).await?,
            json!(true),
            "the arrows and Space keep focus in the details"
        );

        // j from the details: the next line, and its finding in the details.
        c.active_element().await?.send_keys("j").await?;
        wait_for(
            c,
            "document.querySelector('.line.cursor').getAttribute('aria-rowindex') === '4'",
            "j to move to the next line",
        )
        .await?;
        wait_for(
            c,
            "document.querySelector('.line.cursor.open') && document.querySelector('.detail h2').textContent === document.querySelector('.line.cursor .fid').textContent",
            "the details to follow the highlight",
        )
        .await?;
        assert_eq!(
            focus_on(c, line).await?,
            json!(true),
            "j keeps focus on the list"
        );
        assert_eq!(
            js(c, &format!("return {detail}.scrollTop;")).await?,
            json!(0),
            "the next finding's details start at their top, scrolled as the last ones were"
        );

        // ✕ closes the details: focus goes back to the highlighted line.
        c.find(Locator::Css(".detail .close"))
            .await?
            .click()
            .await?;
        wait_for(c, &format!("!{detail}"), "✕ to close the details").await?;
        assert_eq!(
            focus_on(c, line).await?,
            json!(true),
            "✕ gives focus back to the line"
        );

        // A click on another line's ID opens it and highlights its line; Esc from the details
        // closes them and focus goes back to that line.
        c.find(Locator::Css(".line[aria-rowindex='5'] .fid"))
            .await?
            .click()
            .await?;
        wait_for(c, detail, "the click to open the details").await?;
        assert_eq!(
            focus_on(c, detail).await?,
            json!(true),
            "a click moves focus to the details"
        );
        c.active_element().await?.send_keys(ESCAPE).await?;
        wait_for(c, &format!("!{detail}"), "Esc to close the details").await?;
        assert_eq!(
            focus_on(
                c,
                "document.querySelector(\".line[aria-rowindex='5'].cursor .fid\")"
            )
            .await?,
            json!(true),
            "Esc gives focus back to the clicked line"
        );

        // A deep link's details, closed: nothing was highlighted, so focus goes to the line of
        // the finding they showed.
        open(c, &dir, "#finding=CVE-2019-1551").await?;
        wait_for(c, detail, "the deep link's details").await?;
        c.find(Locator::Css(".detail .close"))
            .await?
            .click()
            .await?;
        wait_for(
            c,
            &format!("!{detail}"),
            "✕ to close the deep link's details",
        )
        .await?;
        assert_eq!(focus_on(c, line).await?, json!(true), "focus on a line");
        assert_eq!(
            js(c, &format!("return {line}.textContent;")).await?,
            json!("CVE-2019-1551")
        );
        Ok(())
    });
}

#[test]
fn hostile_advisory_text_runs_no_script_and_makes_no_link_but_http() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let raw: Value = serde_json::from_slice(&std::fs::read(&main_inputs(&fx)[0])?)?;
        let hostile_in = scratch.join("hostile.json");
        std::fs::write(&hostile_in, serde_json::to_vec(&poison(raw, None))?)?;
        let hdir = scratch.join("hostile");
        render(&[hostile_in], &hdir, |_| {})?;
        open(c, &hdir, "").await?;
        // Open details of several findings and search so highlighting runs over the payload too.
        for n in 0..4 {
            js(
                c,
                &format!(
                    "const b = document.querySelectorAll('.line.item .fid')[{n}]; if (b) b.click();"
                ),
            )
            .await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        c.find(Locator::Css("#q")).await?.send_keys("<img").await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let checks = js(c, "return [document.body.hasAttribute('data-pwned'), document.querySelectorAll('#scanlens-app img, #scanlens-app script, #scanlens-app svg:not(.cbar)').length, [...document.querySelectorAll('a')].filter(a => !/^https?:$/.test(a.protocol) && !/^#[A-Za-z0-9-]+$/.test(a.getAttribute('href'))).length, document.querySelector('.count-of').textContent];").await?;
        assert_eq!(checks[0], json!(false), "a payload ran: {checks}");
        assert_eq!(checks[1], json!(0), "payload markup became elements");
        assert_eq!(checks[2], json!(0), "a non-http link");
        assert!(
            !checks[3].as_str().unwrap_or("").starts_with("0 of"),
            "the payload is searchable text"
        );
        no_network(c).await
    });
}

#[test]
fn corrupt_embedded_data_shows_a_visible_error() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let (dir, _) = main_report(&fx, scratch)?;
        let page = std::fs::read_to_string(dir.join("index.html"))?;
        // Valid compressed data of a JSON document cut short, in place of the report's.
        let open = "id=\"scanlens-data\" data-encoding=\"deflate-raw base64\">";
        let start = page.find(open).expect("the page embeds its data") + open.len();
        let end = start + page[start..].find("</script>").expect("closed");
        let corrupted = format!(
            "{}{}{}",
            &page[..start],
            scanlens::html::encode_data(b"{\"oops"),
            &page[end..]
        );
        assert_ne!(
            corrupted, page,
            "the page has no embedded report to corrupt"
        );
        let cdir = scratch.join("corrupt");
        std::fs::create_dir_all(&cdir)?;
        std::fs::write(cdir.join("index.html"), corrupted)?;
        c.goto(&url(&cdir, "")).await?;
        wait_for(
            c,
            "document.querySelector('.boot-error[role=alert]')",
            "the error message",
        )
        .await?;
        let msg = js(
            c,
            "return document.querySelector('.boot-error').textContent;",
        )
        .await?;
        assert!(msg.as_str().unwrap_or("").contains("corrupt"), "{msg}");
        Ok(())
    });
}

#[test]
fn an_empty_report_says_what_was_scanned_and_that_nothing_was_found() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let edir = scratch.join("empty");
        render(&main_inputs(&fx)[1..2], &edir, |r| {
            r.findings.clear();
            scanlens_model::recount(r);
        })?;
        open(c, &edir, "").await?;
        let text = js(c, "return document.querySelector('.empty').textContent;").await?;
        let text = text.as_str().unwrap_or("");
        assert!(
            text.contains("No findings") && text.contains("local/app-debian:test"),
            "{text}"
        );
        Ok(())
    });
}

/// Plants the payload into every string of a Trivy report, and a `javascript:` URL into every
/// reference, keeping the fields that decide structure (severity, class, type) readable.
fn poison(v: Value, key: Option<&str>) -> Value {
    match v {
        Value::String(s) => match key {
            Some("Severity" | "Class" | "Type" | "Status" | "ArtifactType") => Value::String(s),
            Some("PrimaryURL" | "References" | "URL") => Value::String(JS_URL.into()),
            _ => Value::String(format!("{s}{PAYLOAD}")),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(|x| poison(x, key)).collect()),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| {
                    let x = poison(x, Some(&k));
                    (k, x)
                })
                .collect(),
        ),
        other => other,
    }
}

/// At a phone's width (390 px) the viewer is no wider than the window: the page does not scroll
/// sideways and the summary's counts sit on screen, none scrolled inside its box (issue #13).
#[test]
fn on_a_phone_the_viewer_and_its_summary_fit_the_screen() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        // Every kind and five images (the README's screenshots), with a gate: a long header.
        let inputs = five_image_inputs(&fx);
        let dir = scratch.join("main");
        render(&inputs, &dir, |r| r.gate = Some(Default::default()))?;
        browser::phone(c, 390, 844).await?;
        open(c, &dir, "").await?;
        let v = js(
            c,
            r#"const s = document.querySelector('#scanlens-app .summary');
            const off = [...document.querySelectorAll('#scanlens-app header *')].filter((e) => { const b = e.getBoundingClientRect(); return b.width > 0 && e.closest('.visually-hidden') === null && (b.left < -1 || b.right > innerWidth + 1); }).map((e) => e.outerHTML.slice(0, 80));
            return { viewport: innerWidth, page: document.documentElement.scrollWidth, body: document.body.scrollWidth,
              right: s.getBoundingClientRect().right, scroll: s.scrollWidth, client: s.clientWidth, counts: s.querySelectorAll('.count').length, off };"#,
        )
        .await?;
        assert_eq!(v["viewport"], json!(390), "{v}");
        assert!(v["page"].as_u64() <= v["viewport"].as_u64(), "page: {v}");
        assert!(v["body"].as_u64() <= v["viewport"].as_u64(), "body: {v}");
        assert!(v["counts"].as_u64() >= Some(5), "{v}");
        assert!(v["right"].as_f64() <= Some(390.5), "summary: {v}");
        assert!(v["scroll"].as_u64() <= v["client"].as_u64(), "summary: {v}");
        assert_eq!(v["off"], json!([]), "header parts off screen: {v}");
        Ok(())
    });
}

/// On a phone (360 and 390 px, the narrow Androids and iPhones) each row shows its severity, its
/// whole ID and its package and version (issue #13): no ID is cut (a CVE ID of 14 characters on
/// one line; a longer one, or one beside a KEV badge, on two, also at a tablet's 600 px), nor a
/// severity badge, nor the sorted column's arrow.
#[test]
fn on_a_phone_each_row_shows_its_severity_whole_id_package_and_version() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("main");
        // Long IDs besides CVEs: secret rules (`aws-secret-access-key`, 21 characters, CRITICAL, at
        // the top), a GHSA ID (19) and an openSUSE advisory (24), found by a search; and CVEs
        // beside a KEV badge.
        let mut inputs = five_image_inputs(&fx);
        for f in ["dotnet", "opensuse-tumbleweed"] {
            inputs.push(fx.join(format!("trivy-golden/{f}.json.golden")));
        }
        let mut cmd = std::process::Command::new(scanlens_e2e::scanlens_bin()?);
        cmd.arg("render")
            .args(&inputs)
            .arg("--kev")
            .arg(fx.join("feeds/known_exploited_vulnerabilities.json"))
            .arg("--out")
            .arg(&dir);
        scanlens_e2e::command_output(&mut cmd)?;
        // 600 px wide: a tablet's, whose controls show above the rows.
        for (width, height, hash) in [
            (360u32, 800u32, ""),
            (390, 800, ""),
            (360, 800, "#q=GHSA"),
            (360, 800, "#q=openSUSE-SU"),
            (600, 1200, "#q=openSUSE-SU"),
            (360, 800, "#kev=1"),
        ] {
            browser::phone(c, width, height).await?;
            open(c, &dir, hash).await?;
            let v = js(
                c,
                r#"const whole = (e) => !!e && e.clientWidth > 0 && e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight;
                const rows = [...document.querySelectorAll('#scanlens-app .line.item')].filter((r) => r.getBoundingClientRect().top < innerHeight);
                const sorted = document.querySelector('#scanlens-app .colhead [aria-sort] .sortby');
                return { rows: rows.length, sorted: sorted && sorted.textContent, sortedWhole: whole(sorted),
                  sevs: [...new Set(rows.map((r) => r.querySelector('.sev').textContent))],
                  longest: Math.max(...rows.map((r) => r.querySelector('.fid').textContent.length)),
                  kev: rows.filter((r) => r.querySelector('.kev')).length,
                  cut: rows.flatMap((r) => {
                    const id = r.querySelector('.fid'), sev = r.querySelector('.sev');
                    const pkg = r.querySelector('.c-pkg'), ver = r.querySelector('.c-ver');
                    const bad = [];
                    if (!whole(id)) bad.push('id ' + id.textContent);
                    if (!whole(sev)) bad.push('severity ' + sev.textContent);
                    if (pkg.getBoundingClientRect().width < 40 || ver.getBoundingClientRect().width < 40) bad.push('package/version of ' + id.textContent);
                    return bad;
                  }) };"#,
            )
            .await?;
            assert_eq!(v["cut"], json!([]), "{width} px {hash}: {v}");
            assert_eq!(v["sortedWhole"], json!(true), "{width} px {hash}: {v}");
            match hash {
                "" => {
                    assert!(v["rows"].as_u64() >= Some(10), "{width} px: {v}");
                    assert!(
                        v["sevs"].as_array().is_some_and(|s| s.len() >= 2),
                        "{width} px: rows of more than one severity: {v}"
                    );
                    assert_eq!(
                        v["longest"],
                        json!(21),
                        "{width} px: a secret rule's ID: {v}"
                    );
                }
                "#q=GHSA" => assert_eq!(v["longest"], json!(19), "{hash}: {v}"),
                "#q=openSUSE-SU" => assert_eq!(v["longest"], json!(24), "{hash}: {v}"),
                _ => assert!(v["kev"].as_u64() >= Some(1), "{hash}: {v}"),
            }
        }
        Ok(())
    });
}

/// The rows' IDs, on screen, that do not show whole (as [`on_a_phone_each_row_shows_its_severity_whole_id_package_and_version`]
/// reads them), and the longest ID checked.
const CUT_IDS_JS: &str = r#"const whole = (e) => !!e && e.clientWidth > 0 && e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight;
const rows = [...document.querySelectorAll('#scanlens-app .line.item')].filter((r) => r.getBoundingClientRect().top < innerHeight);
const ids = rows.map((r) => r.querySelector('.fid'));
return { rows: rows.length, longest: Math.max(...ids.map((e) => e.textContent.length)), kev: rows.filter((r) => r.querySelector('.kev')).length,
  cut: ids.filter((e) => !whole(e)).map((e) => e.textContent) };"#;

/// On a desktop too, a row shows its whole ID: Trivy's longest secret rule IDs
/// (`new-relic-browser-api-token`, 27 characters) and an ID beside a KEV badge take a second
/// line of their row, as on a phone, rather than an ellipsis.
#[test]
fn on_a_desktop_a_long_id_shows_whole() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let dir = scratch.join("main");
        render(&five_image_inputs(&fx), &dir, |r| {
            for f in r.findings.iter_mut() {
                if f.id == "aws-secret-access-key" {
                    f.id = "new-relic-browser-api-token".into();
                }
            }
            // Every CVE as if CISA listed it: a KEV badge beside each.
            for f in r.findings.iter_mut().filter(|f| f.id.starts_with("CVE-")) {
                f.kev = scanlens_model::triage::Feed::Listed(Default::default());
            }
        })?;
        for (width, height) in [(1400u32, 900u32), (1024, 768), (801, 700)] {
            browser::cdp(
                c,
                "Emulation.setDeviceMetricsOverride",
                json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
            )
            .await?;
            open(c, &dir, "").await?;
            let v = js(c, CUT_IDS_JS).await?;
            assert_eq!(v["cut"], json!([]), "{width} px: {v}");
            assert_eq!(
                v["longest"],
                json!(27),
                "{width} px: the long rule's row is on screen: {v}"
            );
            assert!(v["kev"].as_u64() >= Some(1), "{width} px: {v}");
        }
        Ok(())
    });
}

/// On a phone the controls wait behind one "Filters" button, so the first screen shows findings;
/// the button opens and closes them. On a wider screen there is no button and the controls show.
#[test]
fn on_a_phone_the_controls_wait_behind_one_button_and_findings_show_first() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    in_chromium(async |c: &Client, scratch: &Path| {
        let inputs = five_image_inputs(&fx);
        let dir = scratch.join("main");
        render(&inputs, &dir, |_| {})?;
        let probe = r#"const shown = (sel) => { const e = document.querySelector('#scanlens-app ' + sel); return !!e && e.getClientRects().length > 0; };
            const row = document.querySelector('#scanlens-app .line.item');
            const t = document.querySelector('#scanlens-app .ctl-toggle');
            return { toggle: shown('.ctl-toggle'), expanded: t && t.getAttribute('aria-expanded'), facets: shown('.facets'), group: shown('#group'), search: shown('#q'),
              rowTop: row ? row.getBoundingClientRect().top : null, height: innerHeight };"#;
        browser::phone(c, 390, 844).await?;
        open(c, &dir, "").await?;
        let v = js(c, probe).await?;
        assert_eq!(v["toggle"], json!(true), "{v}");
        assert_eq!(v["expanded"], json!("false"), "{v}");
        assert_eq!(
            (v["facets"].clone(), v["group"].clone()),
            (json!(false), json!(false)),
            "{v}"
        );
        assert_eq!(v["search"], json!(true), "the search box stays: {v}");
        let (top, height) = (
            v["rowTop"].as_f64().expect("a finding row"),
            v["height"].as_f64().unwrap(),
        );
        assert!(
            top < height / 2.0,
            "the first finding is in the top half of the first screen: {v}"
        );
        js(
            c,
            "document.querySelector('#scanlens-app .ctl-toggle').click(); return 0;",
        )
        .await?;
        wait_for(c, "document.querySelector('#scanlens-app .ctl-toggle').getAttribute('aria-expanded') === 'true'", "the controls to open").await?;
        let v = js(c, probe).await?;
        assert_eq!(
            (v["facets"].clone(), v["group"].clone()),
            (json!(true), json!(true)),
            "opened: {v}"
        );
        js(
            c,
            "document.querySelector('#scanlens-app .ctl-toggle').click(); return 0;",
        )
        .await?;
        wait_for(c, "document.querySelector('#scanlens-app .ctl-toggle').getAttribute('aria-expanded') === 'false'", "the controls to close").await?;
        assert_eq!(js(c, probe).await?["facets"], json!(false));
        // Desktop: no button, every control shown.
        browser::phone(c, 1280, 900).await?;
        open(c, &dir, "").await?;
        let v = js(c, probe).await?;
        assert_eq!(
            (v["toggle"].clone(), v["facets"].clone(), v["group"].clone()),
            (json!(false), json!(true), json!(true)),
            "desktop: {v}"
        );
        Ok(())
    });
}
