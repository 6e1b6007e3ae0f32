//! `cargo xtask bench-viewer [--sizes 537,10000,100000,1000000] [--runs 5] [--keep DIR]
//! [--pages FILE,…]`
//!
//! Prints the page's figures, measured in headless Chromium (Debian's `chromium` and
//! `chromium-driver`) from `file://`:
//! - the viewer's own weight in the page (the inlined wasm element, module script and style),
//!   raw and gzipped;
//! - for reports of each size (real corpus findings from `../shared/fixtures` replicated with
//!   distinct IDs, indented as Trivy writes them, 250,000 findings per input file; sizes up to
//!   1,000 also with every advisory text distinct): Trivy's JSON, the page and its parts (static
//!   page, compressed data), their ratio, and the render time;
//! - for each page and an empty one (the floor), `--runs` interleaved loads, each in a fresh
//!   browser, medians and ranges of: the first finding laid out in a frame (a timing probe
//!   added to a copy of the page, allowed by its CSP), that first frame shown (Chromium's
//!   first-contentful-paint), the app ready, the data and wasm unpacked, and the renderer's
//!   resident memory; and each page's first finding less the floor's in the same
//!   round, whose median stays put when the host's speed moves every load of a run;
//! - keystroke times up to 100,000 findings (each the median of five typings of the query) and
//!   severity-click times.
//!
//! A million findings need about 4 GB of Trivy JSON and 3 GB of outputs at once: give `--keep`
//! a roomy folder (`/dev/shm/…`). `--pages` times the given pages as they are (to their app's
//! start when they carry the viewer), for experiments and for pairing an older build's pages
//! with this one's.
//!
//! Figures, not assertions: compare them with the targets in the viewer issue.
//!
//! One idea, the viewer's figures, in parts:
//! 1. Inputs: the corpus pool (`pool`) replicated into Trivy JSON files of any size
//!    ([`write_synthetic`]), rendered by the release binary (`render`).
//! 2. A browser per load (`Browser`, `browser`), the timing probe added to a copy of each page
//!    (`probed`), one load's figures (`load_once`).
//! 3. Interaction in one browser: keystrokes and severity clicks (`interact`).
//! 4. The page's parts and weight (`element`, `weight`), medians and ranges, and [`run`], which
//!    prints it all.

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

/// One group of the corpus: a result without its findings, the findings key, its findings.
struct Group {
    head: Value,
    key: &'static str,
    items: Vec<Value>,
}

fn pool(fx: &Path) -> Result<Vec<Group>> {
    let mut groups = Vec::new();
    for f in corpus_files(fx)? {
        let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&f)?) else {
            continue;
        };
        for r in v["Results"].as_array().into_iter().flatten() {
            let mut head = r.clone();
            for key in FINDING_KEYS {
                head.as_object_mut().map(|o| o.remove(key));
            }
            for key in FINDING_KEYS {
                let items: Vec<Value> = r[key].as_array().into_iter().flatten().cloned().collect();
                if !items.is_empty() {
                    groups.push(Group {
                        head: head.clone(),
                        key,
                        items,
                    });
                }
            }
        }
    }
    if groups.is_empty() {
        bail!("no findings in the corpus");
    }
    Ok(groups)
}

const FINDING_KEYS: [&str; 4] = [
    "Vulnerabilities",
    "Misconfigurations",
    "Secrets",
    "Licenses",
];

/// Findings per input file: a million findings of Trivy's JSON would pass the 2 GiB input limit
/// in one file, so large reports are written as several images' scans.
const PER_FILE: usize = 250_000;

/// Writes schema-2 Trivy reports (indented as Trivy writes them) holding `n` findings made of
/// the corpus's real findings, copy `r` of each with `-r` appended to its ID, grouped in results
/// like the originals (a result per original result and 1,000 copies). With `distinct_text` each
/// copy's title and description are marked too, so that no two findings share an advisory (the
/// worst case for the page's data, which stores each advisory once). Returns the files.
pub fn write_synthetic(
    fx: &Path,
    n: usize,
    distinct_text: bool,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    let groups = pool(fx)?;
    let per_round: usize = groups.iter().map(|g| g.items.len()).sum();
    let rounds = n.div_ceil(per_round);
    let mut files = Vec::new();
    let mut out: Option<(std::io::BufWriter<std::fs::File>, usize, bool)> = None;
    let mut written = 0usize;
    for block in (0..rounds).step_by(1000) {
        let mut offset = 0usize;
        for g in &groups {
            let mut items = Vec::new();
            for round in block..(block + 1000).min(rounds) {
                for (j, item) in g.items.iter().enumerate() {
                    if round * per_round + offset + j >= n {
                        continue;
                    }
                    let mut item = item.clone();
                    let id_key = match g.key {
                        "Vulnerabilities" => "VulnerabilityID",
                        "Misconfigurations" => "ID",
                        "Secrets" => "RuleID",
                        _ => "Name",
                    };
                    if let Some(id) = item[id_key].as_str() {
                        item[id_key] = json!(format!("{id}-{round}"));
                    }
                    if distinct_text {
                        for k in ["Title", "Description"] {
                            if let Some(t) = item[k].as_str() {
                                item[k] = json!(format!("{t} [copy {round}]"));
                            }
                        }
                    }
                    items.push(item);
                }
            }
            offset += g.items.len();
            if items.is_empty() {
                continue;
            }
            if out.as_ref().is_none_or(|o| o.1 >= PER_FILE) {
                if let Some((mut w, _, _)) = out.take() {
                    w.write_all(b"\n  ]\n}\n")?;
                    w.flush()?;
                }
                let path = dir.join(format!("trivy-{n}-{}.json", files.len()));
                let mut w = std::io::BufWriter::new(std::fs::File::create(&path)?);
                let name = format!("synthetic/{n}-findings-{}:bench", files.len());
                write!(
                    w,
                    "{{\n  \"SchemaVersion\": 2,\n  \"ArtifactName\": {},\n  \"ArtifactType\": \"container_image\",\n  \"Metadata\": {{\"OS\": {{\"Family\": \"debian\", \"Name\": \"12.5\"}}}},\n  \"Results\": [\n",
                    json!(name)
                )?;
                files.push(path);
                out = Some((w, 0, true));
            }
            let (w, count, first) = out.as_mut().expect("opened above");
            if !*first {
                w.write_all(b",\n")?;
            }
            *first = false;
            *count += items.len();
            written += items.len();
            let mut r = g.head.clone();
            r[g.key] = Value::Array(items);
            serde_json::to_writer_pretty(&mut *w, &r)?;
        }
    }
    if let Some((mut w, _, _)) = out.take() {
        w.write_all(b"\n  ]\n}\n")?;
        w.flush()?;
    }
    if written != n {
        bail!("wrote {written} findings, meant {n}");
    }
    Ok(files)
}

/// `gzip -dc`, for the committed wasm's raw size.
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    crate::viewer::piped(Command::new("gzip").arg("-dc"), bytes)
}

fn gzip_len(bytes: &[u8]) -> Result<usize> {
    Ok(crate::viewer::piped(Command::new("gzip").arg("-9c"), bytes)?.len())
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
    _profile: PathBuf,
}

impl Browser {
    async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self._profile);
    }

    /// Resident memory of the browser's renderer processes (the page), in MiB.
    fn renderer_rss_mib(&self) -> f64 {
        let root = self.driver.id();
        let mut parent: std::collections::HashMap<u32, u32> = Default::default();
        let mut rss: std::collections::HashMap<u32, u64> = Default::default();
        let mut renderer: std::collections::HashSet<u32> = Default::default();
        for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(status) = std::fs::read_to_string(e.path().join("status")) else {
                continue;
            };
            for l in status.lines() {
                if let Some(v) = l.strip_prefix("PPid:") {
                    parent.insert(pid, v.trim().parse().unwrap_or(0));
                }
                if let Some(v) = l.strip_prefix("VmRSS:") {
                    let kb = v.split_whitespace().next().and_then(|x| x.parse().ok());
                    rss.insert(pid, kb.unwrap_or(0));
                }
            }
            let cmd = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmd).contains("--type=renderer") {
                renderer.insert(pid);
            }
        }
        let descends = |mut p: u32| {
            for _ in 0..16 {
                if p == root {
                    return true;
                }
                p = *parent.get(&p).unwrap_or(&0);
                if p == 0 {
                    return false;
                }
            }
            false
        };
        renderer
            .iter()
            .filter(|p| descends(**p))
            .map(|p| rss.get(p).copied().unwrap_or(0))
            .sum::<u64>() as f64
            / 1024.0
    }
}

/// A fresh chromedriver and headless Chromium with an empty profile.
async fn browser(work: &Path) -> Result<Browser> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let profile = work.join(format!("chromium-profile-{port}"));
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
    Ok(Browser {
        driver,
        client,
        _profile: profile,
    })
}

async fn js(c: &fantoccini::Client, s: &str) -> Result<Value> {
    Ok(c.execute(s, vec![]).await?)
}

/// The timing probe the bench adds to a copy of each page (its hash added to the page's
/// Content-Security-Policy): from the first animation frame on, it notes the time of the first
/// frame in which a finding is laid out on screen, the static page's first row
/// (`elementtiming="first-finding"`) or the app's, and so about to be painted.
const PROBE_JS: &str = "(()=>{const f=()=>{const e=document.querySelector('[elementtiming=first-finding]');const a=document.querySelector('#scanlens-app .line.item');if((e&&e.getClientRects().length)||(a&&a.getClientRects().length)){document.documentElement.dataset.firstFindingMs=performance.now();return}requestAnimationFrame(f)};requestAnimationFrame(f)})();";

/// A copy of `page` with [`PROBE_JS`] first in its `<head>`, allowed by its policy.
fn probed(page: &Path) -> Result<PathBuf> {
    use base64::Engine;
    use sha2::Digest;
    let text = std::fs::read_to_string(page)?;
    let hash = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(PROBE_JS))
    );
    let text = match text.find("script-src ") {
        Some(i) => format!(
            "{}script-src {hash} {}",
            &text[..i],
            &text[i + "script-src ".len()..]
        ),
        None => text.replacen(
            "default-src 'none';",
            &format!("default-src 'none'; script-src {hash};"),
            1,
        ),
    };
    let text = text.replacen("<head>", &format!("<head><script>{PROBE_JS}</script>"), 1);
    let out = page.with_extension("probed.html");
    std::fs::write(&out, text)?;
    Ok(out)
}

/// One page load in a fresh browser: first finding laid out and shown, the app ready, memory.
struct Load {
    first: f64,
    shown: Option<f64>,
    ready: Option<f64>,
    unpack: Option<f64>,
    rss_mib: f64,
}

/// The number `script` returns, asked every 20 ms until it returns one or `secs` have passed.
async fn poll_ms(c: &fantoccini::Client, script: &str, secs: u64) -> Result<Option<f64>> {
    let t = Instant::now();
    loop {
        if let Some(ms) = js(c, script).await?.as_f64() {
            return Ok(Some(ms));
        }
        if t.elapsed() > Duration::from_secs(secs) {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn load_once(work: &Path, page: &Path, app: bool) -> Result<Load> {
    let b = browser(work).await?;
    let r = async {
        let c = &b.client;
        c.goto(&format!("file://{}", page.display())).await?;
        let first = poll_ms(
            c,
            "return +document.documentElement.dataset.firstFindingMs || null;",
            180,
        )
        .await?
        .context("no finding was shown in 180 s")?;
        // The frame the probe saw reaches the screen later: it is painted, its text rasterized
        // and composited. Chromium's first-contentful-paint is that moment for the first screen
        // (for the floor, its one line), so it is printed beside the probe's time.
        let shown = poll_ms(
            c,
            "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;",
            10,
        )
        .await?;
        let mut ready = None;
        let mut unpack = None;
        if app {
            let t = Instant::now();
            loop {
                let v = js(c, "return [document.body.getAttribute('data-ready-ms'), document.body.dataset.unpackMs || null, (document.querySelector('.boot-error') || {}).textContent || null];").await?;
                if let Some(e) = v[2].as_str() {
                    bail!("the viewer failed: {e}");
                }
                if let Some(ms) = v[0].as_str().and_then(|s| s.parse::<f64>().ok()) {
                    ready = Some(ms);
                    unpack = v[1].as_str().and_then(|s| s.parse::<f64>().ok());
                    break;
                }
                if t.elapsed() > Duration::from_secs(180) {
                    bail!("the app did not start in 180 s");
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        Ok(Load {
            first,
            shown,
            ready,
            unpack,
            rss_mib: b.renderer_rss_mib(),
        })
    }
    .await;
    b.close().await;
    r
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// The smallest and the largest of `v`.
fn range(v: &[f64]) -> (f64, f64) {
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lo, hi)
}

fn spread(v: &[f64]) -> String {
    let (lo, hi) = range(v);
    format!("{:.0} ms ({lo:.0}–{hi:.0})", median(v.to_vec()))
}

/// Resolves once the app has applied the change made by `act` (the viewer renders within the
/// event; the observer's callback runs in the microtask after it), with the elapsed time including a forced layout.
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

/// How many times the query is typed: one keystroke's time moves by several milliseconds from
/// one typing to the next on a shared host, so each keystroke's figure is its median.
const TYPINGS: usize = 5;

async fn interact(c: &fantoccini::Client, label: &str, query: &str) -> Result<()> {
    c.execute(MEASURE_JS, vec![]).await?;
    // Per keystroke: the text typed so far, its times, and the count it showed.
    let mut steps: Vec<(String, Vec<f64>, String)> = Vec::new();
    for _ in 0..TYPINGS {
        let typed = c.execute_async(TYPE_JS, vec![json!(query)]).await?;
        for (i, step) in typed.as_array().into_iter().flatten().enumerate() {
            if steps.len() <= i {
                let text = |v: &Value| v.as_str().unwrap_or("").to_string();
                steps.push((text(&step[0]), Vec::new(), text(&step[2])));
            }
            steps[i].1.push(step[1].as_f64().unwrap_or(0.0));
        }
    }
    let mut worst = 0f64;
    let mut worst_once = 0f64;
    for (typed, times, count) in &steps {
        let m = median(times.clone());
        let (lo, hi) = range(times);
        worst = worst.max(m);
        worst_once = worst_once.max(hi);
        println!("  {label}: keystroke {typed:<16} {m:>6.1} ms ({lo:.1}–{hi:.1})  -> {count}");
    }
    println!(
        "  {label}: slowest keystroke {worst:.1} ms (median of {TYPINGS} typings; slowest single one {worst_once:.1} ms)"
    );
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

/// The viewer's own weight as the page carries it: the inlined styles (the static page's and the
/// viewer's, inert in its template), the module script (glue and boot code) and the wasm element
/// (gzipped wasm as base64), raw and gzipped, no data.
fn weight(page: &str) -> Result<()> {
    let viewer_css = element(
        page,
        "<template id=\"scanlens-viewer-style\"><style>",
        "style",
    )?;
    let css = format!("{}{viewer_css}", element(page, "<style>", "style")?);
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

/// A report the bench opens.
struct Case {
    label: String,
    findings: usize,
    page: PathBuf,
    /// The page carries the viewer, so its start is timed too.
    app: bool,
}

pub fn run(args: Vec<String>) -> Result<()> {
    let mut sizes = vec![537usize, 10_000, 100_000, 1_000_000];
    let mut runs = 5usize;
    let mut keep: Option<PathBuf> = None;
    // Pages to time as they are (for experiments), instead of the synthetic reports.
    let mut pages: Vec<PathBuf> = Vec::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--findings" | "--sizes" => {
                sizes = it
                    .next()
                    .context("--sizes N,N,...")?
                    .split(',')
                    .map(|x| x.replace('_', "").parse::<usize>())
                    .collect::<Result<_, _>>()?
            }
            "--runs" => runs = it.next().context("--runs N")?.parse()?,
            // Absolute, as the pages in them are opened by `file://` URL.
            "--keep" => keep = Some(std::path::absolute(it.next().context("--keep DIR")?)?),
            "--pages" => {
                pages = it
                    .next()
                    .context("--pages FILE,FILE,...")?
                    .split(',')
                    .map(std::path::absolute)
                    .collect::<Result<_, _>>()?
            }
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
    let wasm_gz = std::fs::read(assets.join(crate::viewer::WASM_GZ))?;
    let wasm = gunzip(&wasm_gz)?;
    let glue = std::fs::read(assets.join("scanlens_viewer.js"))?;
    let glue_gz = gzip_len(&glue)?;
    println!("viewer build (no data):");
    println!(
        "  wasm {} B ({} B gzipped as the page carries it, {} B by gzip -9), JS glue {} B ({} B gzipped): {} B gzipped in all (target <= 120,000)",
        wasm.len(),
        wasm_gz.len(),
        gzip_len(&wasm)?,
        glue.len(),
        glue_gz,
        wasm_gz.len() + glue_gz,
    );

    // The floor: an empty page with one line of text, in the same harness.
    let floor = work.join("floor.html");
    std::fs::write(
        &floor,
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';\"><title>floor</title></head><body><p elementtiming=first-finding>CVE-2024-0001</p></body></html>",
    )?;
    let mut cases = vec![Case {
        label: "floor (empty page)".into(),
        findings: 0,
        page: probed(&floor)?,
        app: false,
    }];
    println!("\npages (synthetic reports of real corpus findings, IDs made distinct; Trivy JSON indented as Trivy writes it):");
    println!(
        "  {:<26} {:>12} {:>12} {:>6} {:>11} {:>11} {:>11} {:>9}",
        "report", "Trivy JSON", "index.html", "ratio", "page gz", "static", "data", "render"
    );
    let mut variants: Vec<(usize, bool)> = Vec::new();
    for p in &pages {
        cases.push(Case {
            label: p.file_name().unwrap_or_default().to_string_lossy().into(),
            findings: 0,
            // A page given as it is (an older build's, for a paired comparison) is timed to its
            // app's start too when it carries the viewer.
            app: std::fs::read_to_string(p)?.contains("id=\"scanlens-wasm\""),
            page: probed(p)?,
        });
    }
    if !pages.is_empty() {
        sizes.clear();
    }
    for &n in &sizes {
        if n <= 1_000 {
            // Small reports twice: replicas sharing advisory text, and every advisory distinct.
            variants.push((n, true));
        }
        variants.push((n, false));
    }
    for (n, distinct) in variants {
        let dir = work.join(format!("in-{n}-{distinct}"));
        std::fs::create_dir_all(&dir)?;
        let inputs = write_synthetic(&fx, n, distinct, &dir)?;
        let out = work.join(format!("report-{n}-{distinct}"));
        let took = render(&bin, &inputs, &out)?;
        let page = out.join("index.html");
        let trivy_len: u64 = inputs
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        let text = std::fs::read_to_string(&page)?;
        let static_len = element(&text, "<div id=\"scanlens-page\">", "main")?.len();
        let data_len = element(
            &text,
            "id=\"scanlens-data\" data-encoding=\"deflate-raw base64\">",
            "script",
        )?
        .len();
        let label = format!(
            "{n} findings{}",
            if distinct { ", all distinct" } else { "" }
        );
        println!(
            "  {:<26} {:>10} B {:>10} B {:>6.3} {:>9} B {:>9} B {:>9} B {:>7.2} s",
            label,
            trivy_len,
            text.len(),
            text.len() as f64 / trivy_len as f64,
            gzip_len(text.as_bytes())?,
            static_len,
            data_len,
            took.as_secs_f64()
        );
        if cases.len() == 1 {
            weight(&text)?;
        }
        drop(text);
        // Only the page is opened: the inputs and the other files go (a million findings
        // take several GB of them).
        for p in inputs {
            let _ = std::fs::remove_file(p);
        }
        for f in ["report.json", "findings.ndjson"] {
            let _ = std::fs::remove_file(out.join(f));
        }
        cases.push(Case {
            label,
            findings: n,
            page: probed(&page)?,
            app: true,
        });
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(async {
        println!("\nload from file:// in headless Chromium, a fresh browser per load, {runs} interleaved runs, median (min–max):");
        let mut loads: Vec<Vec<Load>> = cases.iter().map(|_| Vec::new()).collect();
        for _ in 0..runs {
            for (i, case) in cases.iter().enumerate() {
                loads[i].push(load_once(&work, &case.page, case.app).await?);
            }
        }
        println!(
            "  {:<26} {:>24} {:>24} {:>24} {:>22} {:>14}",
            "report",
            "first finding laid out",
            "first paint shown",
            "app ready",
            "data+wasm unpacked",
            "renderer RSS"
        );
        for (case, l) in cases.iter().zip(&loads) {
            let first: Vec<f64> = l.iter().map(|x| x.first).collect();
            let shown: Vec<f64> = l.iter().filter_map(|x| x.shown).collect();
            let ready: Vec<f64> = l.iter().filter_map(|x| x.ready).collect();
            let unpack: Vec<f64> = l.iter().filter_map(|x| x.unpack).collect();
            let rss: Vec<f64> = l.iter().map(|x| x.rss_mib).collect();
            let or_dash = |v: &[f64]| if v.is_empty() { "–".to_string() } else { spread(v) };
            println!(
                "  {:<26} {:>24} {:>24} {:>24} {:>22} {:>10.0} MiB",
                case.label,
                spread(&first),
                or_dash(&shown),
                or_dash(&ready),
                or_dash(&unpack),
                median(rss)
            );
        }
        // The host's own speed moves every load of a round alike (the floor ranges 35–124 ms
        // across runs on this VM), so each page's distance from the floor is taken within its
        // round before the median: the figure the floor-relative target reads.
        // Painted too: the floor's first paint is its first frame shown, as the page's is.
        if let Some(f) = cases.iter().position(|c| c.label.starts_with("floor")) {
            println!("  first finding above the floor, paired within each round, median (min–max):");
            println!("  {:<26} {:>24} {:>24}", "report", "laid out", "paint shown");
            for (i, case) in cases.iter().enumerate().filter(|(i, _)| *i != f) {
                let pairs = loads[i].iter().zip(&loads[f]);
                let laid: Vec<f64> = pairs.clone().map(|(x, fl)| x.first - fl.first).collect();
                let shown: Vec<f64> = pairs
                    .filter_map(|(x, fl)| Some(x.shown? - fl.shown?))
                    .collect();
                let shown = if shown.is_empty() {
                    "–".to_string()
                } else {
                    spread(&shown)
                };
                println!("  {:<26} {:>24} {:>24}", case.label, spread(&laid), shown);
            }
        }

        println!("\ninteraction (one browser, after the app is ready):");
        for case in cases.iter().filter(|c| c.findings > 0 && c.findings <= 100_000) {
            let b = browser(&work).await?;
            let c = &b.client;
            let r = async {
                c.goto(&format!("file://{}", case.page.display())).await?;
                let t = Instant::now();
                while js(c, "return document.body.dataset.scanlens === 'ready';").await? != json!(true) {
                    if t.elapsed() > Duration::from_secs(120) {
                        bail!("the app did not start");
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                interact(c, &case.label, "cve-2019-15").await?;
                let net = js(c, "return performance.getEntriesByType('resource').length;").await?;
                println!("  {}: network requests: {net}", case.label);
                anyhow::Ok(())
            }
            .await;
            b.close().await;
            if let Err(e) = r {
                println!("  {}: interaction not measured ({e:#})", case.label);
            }
        }
        anyhow::Ok(())
    });
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
    result
}
