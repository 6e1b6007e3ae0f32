//! Browser plumbing for the Chromium tests: Debian's `chromium` driven over WebDriver by
//! fantoccini, through a local `chromedriver` on a free port. Each test starts its own driver and
//! browser (a second or so), so the tests share no browser state.
#![allow(dead_code)]

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use scanlens_e2e::{require, test_name, TempDir, Unavailable};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// chromedriver on a free port; killed on drop, with the browser it started.
pub struct Driver {
    child: Child,
    pub port: u16,
    profile: TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A test whose assertion panics never reaches `close()`, and killing chromedriver
        // alone left its browser running with the profile folder in use: the browser is the
        // process started with this driver's profile (its helpers exit with it). Not a process
        // group of their own, which Ctrl-C in a terminal would no longer reach.
        let _ = Command::new("pkill")
            .args(["-KILL", "-f", "--"])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_driver() -> Result<Driver> {
    let exe = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .ok_or_else(|| {
            Unavailable("chromedriver is not installed (apt install chromium-driver)".into())
        })?;
    // The port is free when asked but not held: another test's driver can take it first. Then
    // ours exits at once (it cannot bind) while the port answers for the other one, whose test
    // later closes it ("webdriver server did not respond" seen in CI). So a driver counts as
    // started only when the port answers and our process is still alive a moment later;
    // otherwise start again on another port.
    for _ in 0..5 {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(exe)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start chromedriver")?;
        let mut d = Driver {
            child,
            port,
            profile: TempDir::new("chromium-profile")?,
        };
        let t = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if d.child.try_wait()?.is_some() {
                break;
            }
            if t.elapsed() > Duration::from_secs(20) {
                bail!("chromedriver did not listen on port {port}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(200));
        if d.child.try_wait()?.is_none() {
            return Ok(d);
        }
    }
    bail!("chromedriver exited right after starting, 5 times (ports taken?)")
}

pub async fn browser(d: &Driver) -> Result<Client> {
    let profile = d.profile.path().display().to_string();
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,900",
                format!("--user-data-dir={profile}"),
            ]
        }
    });
    let caps = caps.as_object().cloned().expect("object");
    let conn = hyper_util::client::legacy::connect::HttpConnector::new();
    Ok(ClientBuilder::new(conn)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await?)
}

pub async fn js(c: &Client, script: &str) -> Result<Value> {
    Ok(c.execute(script, vec![]).await?)
}

/// Polls `predicate` (a JS expression) until it is true.
pub async fn wait_for(c: &Client, predicate: &str, what: &str) -> Result<()> {
    let t = Instant::now();
    loop {
        if js(c, &format!("return !!({predicate});")).await? == json!(true) {
            return Ok(());
        }
        if t.elapsed() > Duration::from_secs(15) {
            let body = js(c, "return document.body.innerText.slice(0, 500);").await?;
            bail!("timed out waiting for {what} ({predicate}); page says: {body}");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Asserts the page fetched nothing: every resource was inline.
pub async fn no_network(c: &Client) -> Result<()> {
    let n = js(
        c,
        "return performance.getEntriesByType('resource').map(e => e.name);",
    )
    .await?;
    assert_eq!(n, json!([]), "the page requested resources");
    Ok(())
}

/// Runs `scenario` in a fresh browser on a current-thread runtime; a failure saves a screenshot
/// to the temp dir under `name` and panics with the error.
pub fn run_in_browser<F>(name: &str, driver: &Driver, scenario: F)
where
    F: AsyncFnOnce(&Client) -> Result<()>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result: Result<()> = rt.block_on(async {
        let c = browser(driver).await?;
        let r = scenario(&c).await;
        if r.is_err() {
            let _ = std::fs::write(
                std::env::temp_dir().join(format!("scanlens-{name}-failure.png")),
                c.screenshot().await.unwrap_or_default(),
            );
        }
        let _ = c.close().await;
        r
    });
    if let Err(e) = result {
        panic!("{name} e2e failed: {e:#}");
    }
}

/// Starts chromedriver and a fresh browser for the running test and runs `scenario` in it with a
/// scratch folder of its own; a failure saves a screenshot named after the test. Call it after
/// the `e2e()` gate: a missing chromedriver fails the test.
pub fn in_chromium<F>(scenario: F)
where
    F: AsyncFnOnce(&Client, &Path) -> Result<()>,
{
    let name = test_name();
    let driver = require!(start_driver());
    let scratch = require!(TempDir::new(&name));
    run_in_browser(&name, &driver, async |c: &Client| {
        scenario(c, scratch.path()).await
    });
}

/// A Chrome DevTools Protocol command through chromedriver's `goog/cdp/execute`: emulation of
/// media features, time zone, locale, viewport and JavaScript off for the pages opened after it.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

pub async fn cdp(c: &Client, cmd: &str, params: Value) -> Result<Value> {
    let cmd = Cdp {
        cmd: cmd.to_string(),
        params,
    };
    c.issue_cmd(cmd)
        .await
        .with_context(|| "chromedriver refused a DevTools command")
}

/// Emulates `prefers-color-scheme: dark` (or light) for the pages opened after it.
pub async fn color_scheme(c: &Client, dark: bool) -> Result<()> {
    let value = if dark { "dark" } else { "light" };
    cdp(
        c,
        "Emulation.setEmulatedMedia",
        json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] }),
    )
    .await?;
    Ok(())
}

/// A phone's viewport (CSS pixels, touch, mobile meta viewport honoured).
pub async fn phone(c: &Client, width: u32, height: u32) -> Result<()> {
    cdp(
        c,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": height, "deviceScaleFactor": 2, "mobile": true }),
    )
    .await?;
    Ok(())
}

/// axe-core as `.ci/install` puts it in `.ci/node` (npm).
fn axe_source() -> Result<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/node/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).map_err(|e| {
        Unavailable(format!(
            "axe-core is not installed at {} ({e}); run bash .ci/install",
            path.display()
        ))
        .into()
    })
}

/// Runs axe-core in the open page (WCAG 2 A/AA and best practices) and returns its critical and
/// serious violations, one line each: rule, impact, help and the first elements it names.
pub async fn axe_serious(c: &Client) -> Result<Vec<String>> {
    js(c, &format!("{};return true;", axe_source()?)).await?;
    let result = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.passes.length === 0 ? [{ id: 'axe-checked-nothing', impact: 'critical', help: 'no rule passed', nodes: [] }] : r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')) }))))
               .catch(e => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));",
            vec![],
        )
        .await?;
    let list: Vec<Value> = serde_json::from_value(result)?;
    Ok(list
        .into_iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("critical" | "serious")))
        .map(|v| {
            format!(
                "{} ({}): {} {}",
                v["id"], v["impact"], v["help"], v["nodes"]
            )
        })
        .collect())
}
