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

/// chromedriver on a free port; killed on drop.
pub struct Driver {
    child: Child,
    pub port: u16,
    profile: TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
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
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(exe)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start chromedriver")?;
    let d = Driver {
        child,
        port,
        profile: TempDir::new("chromium-profile")?,
    };
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if t.elapsed() > Duration::from_secs(20) {
            bail!("chromedriver did not listen on port {port}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(d)
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
