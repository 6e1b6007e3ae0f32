//! The viewer in a real Chromium (Debian's `chromium` + `chromium-driver`), driven over
//! WebDriver with fantoccini. Pages are opened from `file://`, as users open a downloaded CI
//! artifact, so anything that needs a server or the network fails here.
//!
//! Run with `cargo test -p scanlens-e2e --test viewer`. Outside CI it skips, with a message,
//! when the corpus in `../shared/fixtures` or chromedriver is missing.

mod common;

use anyhow::Result;
use common::{fixtures, js, no_network, run_in_browser, start_driver, wait_for};
use fantoccini::{Client, Locator};
use scanlens_e2e::{e2e, require, TempDir};
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

async fn scenario(c: &Client, fx: &Path, scratch: &Path) -> Result<()> {
    // 1. The app renders with the summary's counts.
    let inputs = vec![
        fx.join("trivy-golden/alpine-310.json.golden"),
        fx.join("local-trivy-0.76/debian-image-vuln-secret.json"),
        fx.join("local-trivy-0.76/dockerfile-config.json"),
    ];
    let dir = scratch.join("main");
    let report = render(&inputs, &dir, |_| {})?;
    open(c, &dir, "").await?;
    let mut total = 0;
    for sev in ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"] {
        let want: u64 = [
            "vulnerabilities",
            "misconfigurations",
            "secrets",
            "licenses",
        ]
        .iter()
        .map(|k| report["summary"][k][sev].as_u64().unwrap_or(0))
        .sum();
        total += want;
        let got = js(
            c,
            &format!(
                "return document.querySelector('button[data-severity={sev}] .n').textContent;"
            ),
        )
        .await?;
        assert_eq!(got, json!(want.to_string()), "{sev} count");
    }
    assert_eq!(count_of(c).await?, format!("{total} of {total} findings"));
    assert_eq!(
        shown_ids(c).await?.len() as u64,
        total,
        "every finding has a row"
    );
    no_network(c).await?;

    // 2. Typing a CVE ID narrows the list to its rows.
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
    assert!(
        c.current_url().await?.as_str().contains("#q=CVE-2019-1549"),
        "the hash follows the search"
    );

    // 3. Clicking a severity filters the list.
    js(c, "const q = document.querySelector('#q'); q.value=''; q.dispatchEvent(new InputEvent('input', {bubbles: true}));").await?;
    wait_for(
        c,
        &format!("document.querySelector('.count-of').textContent.startsWith('{total} of')"),
        "the cleared search",
    )
    .await?;
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
    .await?;

    // 4. A hash restores the state on load, including the open finding.
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
    // Keyboard: `/` focuses the search and Esc clears it.
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
    no_network(c).await?;

    // 5. Hostile advisory text runs no script and makes no link other than http(s).
    let raw: Value = serde_json::from_slice(&std::fs::read(&inputs[0])?)?;
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
    let checks = js(c, "return [document.body.hasAttribute('data-pwned'), document.querySelectorAll('#scanlens-app img, #scanlens-app script, #scanlens-app svg').length, [...document.querySelectorAll('a')].filter(a => !/^https?:$/.test(a.protocol)).length, document.querySelector('.count-of').textContent];").await?;
    assert_eq!(checks[0], json!(false), "a payload ran: {checks}");
    assert_eq!(checks[1], json!(0), "payload markup became elements");
    assert_eq!(checks[2], json!(0), "a non-http link");
    assert!(
        !checks[3].as_str().unwrap_or("").starts_with("0 of"),
        "the payload is searchable text"
    );
    no_network(c).await?;

    // 6. Corrupt embedded data shows a visible error, not a blank page.
    let page = std::fs::read_to_string(dir.join("index.html"))?;
    let cdir = scratch.join("corrupt");
    std::fs::create_dir_all(&cdir)?;
    std::fs::write(
        cdir.join("index.html"),
        page.replacen(
            "id=\"scanlens-report\">{",
            "id=\"scanlens-report\">{\"oops",
            1,
        ),
    )?;
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

    // 7. An empty report says what was scanned and that nothing was found.
    let edir = scratch.join("empty");
    render(&inputs[1..2], &edir, |r| {
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

#[test]
fn viewer_in_chromium() {
    if !e2e() {
        return;
    }
    let Some(fx) = fixtures() else {
        return;
    };
    let driver = require!(start_driver());
    let scratch = require!(TempDir::new("viewer"));
    run_in_browser("viewer", &driver, async |c: &Client| {
        scenario(c, &fx, scratch.path()).await
    });
}
