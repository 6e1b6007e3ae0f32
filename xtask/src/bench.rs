//! `cargo run -p xtask --release -- bench-viewer [--findings N] [--keep DIR]`
//!
//! Prints the viewer's figures, measured in headless Chromium (Debian's `chromium` and
//! `chromium-driver`) from `file://`:
//! - the viewer's own weight in the page (the inlined wasm element, module script and style,
//!   taken from a rendered page), raw and gzipped;
//! - for a synthetic report of N findings (default 100,000; real corpus findings from
//!   `../shared/fixtures` replicated with distinct IDs) and for a 300-finding one: the page
//!   size against the raw Trivy JSON, the time from navigation to the first rows, the time of
//!   each search keystroke and of a severity-filter click, and the number of DOM rows;
//! - the same load figure for the largest real reports in the corpus.
//!
//! Figures, not assertions: compare them with the targets in the viewer issue.

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn fixtures() -> Result<PathBuf> {
    let p = crate::viewer::workspace_root().join("../shared/fixtures");
    if !p.join("trivy-golden").is_dir() {
        bail!("the Trivy corpus is not at {}", p.display());
    }
    Ok(p)
}

fn corpus_files(fx: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for dir in ["trivy-golden", "local-trivy-0.76"] {
        for e in std::fs::read_dir(fx.join(dir))? {
            let p = e?.path();
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if name.ends_with(".json.golden") || name.ends_with(".json") {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A schema-2 Trivy report of `n` findings made of the corpus's findings, each copy with a
/// distinct ID so that nothing collapses, grouped in results like the originals.
pub fn synthetic_trivy(fx: &Path, n: usize) -> Result<Value> {
    // (result without its findings, findings key, finding)
    let mut pool: Vec<(Value, &'static str, Value)> = Vec::new();
    for f in corpus_files(fx)? {
        let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&f)?) else {
            continue;
        };
        for r in v["Results"].as_array().into_iter().flatten() {
            let mut head = r.clone();
            for key in [
                "Vulnerabilities",
                "Misconfigurations",
                "Secrets",
                "Licenses",
            ] {
                head.as_object_mut().map(|o| o.remove(key));
            }
            for key in [
                "Vulnerabilities",
                "Misconfigurations",
                "Secrets",
                "Licenses",
            ] {
                for item in r[key].as_array().into_iter().flatten() {
                    pool.push((head.clone(), key, item.clone()));
                }
            }
        }
    }
    if pool.is_empty() {
        bail!("no findings in the corpus");
    }
    let mut results: Vec<Value> = Vec::new();
    let mut slot: std::collections::HashMap<(String, usize), usize> = Default::default();
    for i in 0..n {
        let (head, key, item) = &pool[i % pool.len()];
        let round = i / pool.len();
        let mut item = item.clone();
        let id_key = match *key {
            "Vulnerabilities" => "VulnerabilityID",
            "Misconfigurations" => "ID",
            "Secrets" => "RuleID",
            _ => "Name",
        };
        if let Some(id) = item[id_key].as_str() {
            item[id_key] = json!(format!("{id}-{round}"));
        }
        // A new result per original target and 1,000 rounds, so targets stay realistic in
        // number while findings per target grow.
        let tkey = (format!("{}|{key}", head["Target"]), round / 1000);
        let idx = *slot.entry(tkey).or_insert_with(|| {
            results.push(head.clone());
            results.len() - 1
        });
        let r = &mut results[idx];
        if r.get(*key).is_none() {
            r[*key] = json!([]);
        }
        r[*key].as_array_mut().expect("array").push(item);
    }
    Ok(json!({
        "SchemaVersion": 2,
        "ArtifactName": format!("synthetic/{n}-findings:bench"),
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "debian", "Name": "12.5"}},
        "Results": results,
    }))
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    let mut child = Command::new("gzip")
        .arg("-9c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("gzip")?;
    let mut stdin = child.stdin.take().expect("piped");
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output()?;
    writer.join().expect("writer")?;
    Ok(out.stdout.len())
}

fn scanlens_bin() -> Result<PathBuf> {
    let root = crate::viewer::workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let st = Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "--release", "-q", "-p", "scanlens"])
        .status()?;
    if !st.success() {
        bail!("cargo build -p scanlens failed");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release/scanlens"))
}

fn render(bin: &Path, inputs: &[PathBuf], out: &Path) -> Result<Duration> {
    let t = Instant::now();
    let o = Command::new(bin)
        .arg("render")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .output()?;
    if !o.status.success() && o.status.code() != Some(1) {
        bail!(
            "scanlens render failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Ok(t.elapsed())
}

struct Browser {
    driver: std::process::Child,
    client: fantoccini::Client,
}

async fn browser(profile: &Path) -> Result<Browser> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let driver = Command::new("/usr/bin/chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start /usr/bin/chromedriver (apt install chromium-driver)")?;
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if t.elapsed() > Duration::from_secs(20) {
            bail!("chromedriver did not start");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let caps = json!({"goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1400,900", format!("--user-data-dir={}", profile.display()),
    ]}});
    let client =
        fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.as_object().cloned().expect("object"))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await?;
    Ok(Browser { driver, client })
}

async fn js(c: &fantoccini::Client, s: &str) -> Result<Value> {
    Ok(c.execute(s, vec![]).await?)
}

/// Navigation start to first rows (ms), as the page records it, best of `runs`.
async fn load_ms(c: &fantoccini::Client, page: &Path, runs: usize) -> Result<f64> {
    let mut best = f64::MAX;
    for _ in 0..runs {
        c.goto("about:blank").await?;
        c.goto(&format!("file://{}", page.display())).await?;
        let t = Instant::now();
        loop {
            let v = js(c, "return document.body.getAttribute('data-ready-ms');").await?;
            if let Some(ms) = v.as_str().and_then(|s| s.parse::<f64>().ok()) {
                best = best.min(ms);
                break;
            }
            if t.elapsed() > Duration::from_secs(60) {
                bail!("the page did not become ready");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    Ok(best)
}

/// Resolves once the app has applied the change made by `act` (Yew renders in a microtask
/// after the event), with the elapsed time including a forced layout.
const MEASURE_JS: &str = r#"
const app = document.getElementById('scanlens-app');
window.__measure = (act) => new Promise((resolve) => {
  let done = false;
  const t = performance.now();
  const finish = () => { if (done) return; done = true; mo.disconnect(); void document.body.offsetHeight; resolve(performance.now() - t); };
  const mo = new MutationObserver(finish);
  mo.observe(app, {subtree: true, childList: true, characterData: true, attributes: true});
  act();
  setTimeout(finish, 1000);
});
"#;

/// Types `text` one key at a time and times each update.
const TYPE_JS: &str = r#"
const [text, cb] = arguments; const q = document.querySelector('#q'); const out = [];
(async () => {
  await window.__measure(() => { q.value = ''; q.dispatchEvent(new InputEvent('input', {bubbles: true})); });
  for (let i = 1; i <= text.length; i++) {
    const ms = await window.__measure(() => { q.value = text.slice(0, i); q.dispatchEvent(new InputEvent('input', {bubbles: true})); });
    out.push([text.slice(0, i), ms, document.querySelector('.count-of').textContent]);
  }
  cb(out);
})();"#;

const CLICK_JS: &str = r#"
const [sev, cb] = arguments;
const b = document.querySelector('button[data-severity=' + sev + ']');
window.__measure(() => b.click()).then((ms) =>
  cb([ms, document.querySelector('.count-of').textContent, document.querySelectorAll('.line').length]));"#;

async fn interact(c: &fantoccini::Client, label: &str, query: &str) -> Result<()> {
    c.execute(MEASURE_JS, vec![]).await?;
    let typed = c.execute_async(TYPE_JS, vec![json!(query)]).await?;
    let mut worst = 0f64;
    for step in typed.as_array().into_iter().flatten() {
        let ms = step[1].as_f64().unwrap_or(0.0);
        worst = worst.max(ms);
        println!(
            "  {label}: keystroke {:<16} {:>7.1} ms  -> {}",
            step[0].as_str().unwrap_or(""),
            ms,
            step[2].as_str().unwrap_or("")
        );
    }
    println!("  {label}: slowest keystroke {worst:.1} ms");
    c.execute_async(TYPE_JS, vec![json!("")]).await?;
    for sev in ["HIGH", "HIGH", "CRITICAL"] {
        let r = c.execute_async(CLICK_JS, vec![json!(sev)]).await?;
        println!(
            "  {label}: click {sev:<8} {:>7.1} ms  -> {} ({} DOM rows)",
            r[0].as_f64().unwrap_or(0.0),
            r[1].as_str().unwrap_or(""),
            r[2]
        );
    }
    let rows = js(c, "return document.querySelectorAll('.line').length;").await?;
    println!("  {label}: DOM rows after interaction: {rows}");
    Ok(())
}

/// The text between `open` and the next `</tag>` in `page`.
fn element<'a>(page: &'a str, open: &str, tag: &str) -> Result<&'a str> {
    let start = page
        .find(open)
        .with_context(|| format!("no {open} in the page"))?
        + open.len();
    let len = page[start..]
        .find(&format!("</{tag}>"))
        .with_context(|| format!("unclosed {open}"))?;
    Ok(&page[start..start + len])
}

/// The viewer's own weight as the page carries it: the inlined style, the module script (glue
/// and boot code) and the wasm element (gzipped wasm as base64), raw and gzipped, no data.
fn weight(page: &str) -> Result<()> {
    let css = element(page, "<style>", "style")?;
    let js = element(page, "<script type=\"module\">", "script")?;
    let wasm = element(page, "id=\"scanlens-wasm\">", "script")?;
    let raw = css.len() + js.len() + wasm.len();
    let gz = gzip_len(css.as_bytes())? + gzip_len(js.as_bytes())? + gzip_len(wasm.as_bytes())?;
    let all = gzip_len(format!("{css}{js}{wasm}").as_bytes())?;
    println!("viewer weight in the page (no data):");
    println!(
        "  wasm element {} B, module script {} B, CSS {} B: {} B raw, {} B gzipped ({} B as one gzip stream)",
        wasm.len(),
        js.len(),
        css.len(),
        raw,
        gz,
        all
    );
    Ok(())
}

pub fn run(args: Vec<String>) -> Result<()> {
    let mut n = 100_000usize;
    let mut keep: Option<PathBuf> = None;
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--findings" => {
                n = it
                    .next()
                    .context("--findings N")?
                    .replace('_', "")
                    .parse()?
            }
            "--keep" => keep = Some(it.next().context("--keep DIR")?.into()),
            other => bail!("unknown argument {other:?}"),
        }
    }
    let fx = fixtures()?;
    let work = match &keep {
        Some(k) => k.clone(),
        None => std::env::temp_dir().join(format!("scanlens-bench-viewer-{}", std::process::id())),
    };
    std::fs::create_dir_all(&work)?;
    let bin = scanlens_bin()?;

    // The viewer's weight: the same bytes the generator inlines.
    let assets = crate::viewer::workspace_root().join("generator/assets/viewer");
    let wasm = std::fs::read(assets.join("scanlens_viewer_bg.wasm"))?;
    let glue = std::fs::read(assets.join("scanlens_viewer.js"))?;
    let css = [
        std::fs::read(crate::viewer::workspace_root().join("generator/templates/report.css"))?,
        std::fs::read(crate::viewer::workspace_root().join("generator/templates/viewer.css"))?,
    ]
    .concat();
    println!("viewer build (no data):");
    println!(
        "  wasm {} B ({} B gzipped), JS glue {} B, CSS {} B",
        wasm.len(),
        gzip_len(&wasm)?,
        glue.len(),
        css.len()
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let profile = work.join("chromium-profile");
    let _ = std::fs::remove_dir_all(&profile);
    let b = rt.block_on(browser(&profile))?;
    let result = rt.block_on(async {
        let c = &b.client;
        for (label, count) in [("synthetic", n), ("small", 300)] {
            let trivy = synthetic_trivy(&fx, count)?;
            let input = work.join(format!("trivy-{count}.json"));
            std::fs::write(&input, serde_json::to_vec(&trivy)?)?;
            let out = work.join(format!("report-{count}"));
            let took = render(&bin, std::slice::from_ref(&input), &out)?;
            let page = out.join("index.html");
            let (trivy_len, page_len) = (
                std::fs::metadata(&input)?.len(),
                std::fs::metadata(&page)?.len(),
            );
            if label == "small" {
                weight(&std::fs::read_to_string(&page)?)?;
            }
            println!("{label}: {count} findings");
            println!(
                "  render {:.2} s; Trivy JSON {} B, index.html {} B (ratio {:.2}), report.json {} B",
                took.as_secs_f64(),
                trivy_len,
                page_len,
                page_len as f64 / trivy_len as f64,
                std::fs::metadata(out.join("report.json"))?.len()
            );
            let ms = load_ms(c, &page, 3).await?;
            let phases = js(c, "return document.body.getAttribute('data-phases');").await?;
            println!("  load: navigation to first rows {ms:.0} ms (best of 3); phases {phases}");
            interact(c, label, "cve-2019-15").await?;
            let net = js(c, "return performance.getEntriesByType('resource').length;").await?;
            println!("  network requests: {net}");
        }
        let mut real: Vec<PathBuf> = corpus_files(&fx)?;
        real.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
        for input in real.into_iter().take(3) {
            let out = work.join("real");
            render(&bin, std::slice::from_ref(&input), &out)?;
            let page = out.join("index.html");
            let ms = load_ms(c, &page, 3).await?;
            println!(
                "real {}: Trivy JSON {} B, index.html {} B, load {ms:.0} ms",
                input.file_name().unwrap_or_default().to_string_lossy(),
                std::fs::metadata(&input)?.len(),
                std::fs::metadata(&page)?.len()
            );
        }
        anyhow::Ok(())
    });
    let mut b = b;
    let _ = rt.block_on(b.client.clone().close());
    let _ = b.driver.kill();
    let _ = b.driver.wait();
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    result
}
