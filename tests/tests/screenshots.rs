//! Takes `docs/screenshots/*.png` again from the current build (issue #13): the first screen of
//! `index.html` for five corpus reports in Chromium, as the README links them. Not a check: it
//! runs only when asked,
//! `SCANLENS_E2E=1 SCANLENS_SCREENSHOTS=1 cargo test -p scanlens-e2e --test screenshots`,
//! and fails if a page it shoots is not what it should show (the app not started, or started
//! with JavaScript off; the page wider than the window).

mod browser;
mod common;

use browser::{cdp, color_scheme, in_chromium, js, wait_for};
use common::fixtures;
use fantoccini::Client;
use scanlens_e2e::e2e;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Name, viewport width and height, dark, JavaScript on.
const SHOTS: [(&str, u32, u32, bool, bool); 5] = [
    ("desktop", 1400, 900, false, true),
    ("dark", 1400, 900, true, true),
    ("phone", 390, 844, false, true),
    ("no-javascript", 1400, 900, false, false),
    ("phone-no-javascript", 390, 844, false, false),
];

#[test]
fn screenshots_of_the_first_screen() {
    if !e2e() || std::env::var_os("SCANLENS_SCREENSHOTS").is_none() {
        return;
    }
    let Some(fx) = fixtures() else { return };
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    in_chromium(async |c: &Client, scratch: &Path| {
        let inputs: Vec<PathBuf> = [
            "alpine-310",
            "debian-stretch",
            "centos-7",
            "npm",
            "spring4shell-jre11",
        ]
        .iter()
        .map(|n| fx.join(format!("trivy-golden/{n}.json.golden")))
        .collect();
        let report = scanlens::input::read_reports(&inputs)?;
        let dir = scratch.join("shot");
        scanlens::commands::render_report(&report, &dir)?;
        cdp(c, "Emulation.setScrollbarsHidden", json!({"hidden": true})).await?;
        for (name, width, height, dark, script) in SHOTS {
            let metrics = json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600});
            cdp(c, "Emulation.setDeviceMetricsOverride", metrics).await?;
            color_scheme(c, dark).await?;
            let off = json!({"value": !script});
            cdp(c, "Emulation.setScriptExecutionDisabled", off).await?;
            c.goto("about:blank").await?;
            c.goto(&format!("file://{}/index.html", dir.display()))
                .await?;
            if script {
                wait_for(c, "document.body.dataset.scanlens === 'ready'", "the app").await?;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            let v = js(
                c,
                "return [document.getElementById('scanlens-app').childElementCount, document.documentElement.scrollWidth, innerWidth];",
            )
            .await?;
            assert_eq!(v[0] != json!(0), script, "{name}: app started: {v}");
            assert_eq!(v[1], json!(width), "{name}: page width: {v}");
            assert_eq!(v[2], json!(width), "{name}: window width: {v}");
            std::fs::write(docs.join(format!("{name}.png")), c.screenshot().await?)?;
        }
        Ok(())
    });
}
