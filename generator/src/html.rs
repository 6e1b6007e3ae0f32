//! `index.html`: one self-contained page rendered with askama.
//!
//! The page needs nothing but itself: styles are inlined and covered by a hash in a strict
//! Content-Security-Policy, nothing is fetched. It opens on a static part written before any bulk
//! data (summary, the most severe findings as table rows), which paints at once and is all there
//! is with JavaScript off, under Jenkins' CSP (no script, no inline style: plain semantic HTML)
//! and in print; the viewer replaces it once it has unpacked the report data that follows. All
//! advisory text goes through askama's HTML escaping; only `http(s)` URLs become links.

mod data;
mod fix_first;

pub use data::{embedded_data, embedded_json, encode_data};

use askama::Template;
use base64::Engine;
use scanlens_model::{Finding, Kind, Report, Severity};
use sha2::{Digest, Sha256};

/// The static page (the first screen, and all there is without JavaScript, under a CSP that
/// blocks scripts, or in print) lists at most this many counted findings, most severe first, one
/// table row each, and says how many it leaves out.
pub const ROW_LIMIT: usize = 1_000;
/// The first this many rows are the first screen: enough to fill a 1080p window below the
/// summary (21 rows show there, 16 at 900 px), and no more, as every row is layout in the first
/// frame: 30 rows, which filled a 1440p window, cost about 10 ms more of Chromium's main thread
/// before the first paint (trace of the 537-finding bench page), for the 200 ms until the app
/// takes over. The rest are in a second
/// table, unparsed text while scripting is on (`noscript`) and otherwise laid out only when
/// scrolled near (`content-visibility`), so the first screen paints without waiting for up to
/// [`ROW_LIMIT`] rows.
const FIRST_ROWS: usize = 20;
/// The static page shows the details (description, scores, references) of the most severe this
/// many.
pub const DETAIL_LIMIT: usize = 20;
/// Artifacts named in the first screen's header; all of them are described further down.
const ARTIFACTS_SHOWN: usize = 3;
/// Suppressed findings and passing checks listed, after the counted ones.
pub const UNCOUNTED_LIMIT: usize = 100;

/// The static page's style, in the page's `<head>`.
const STYLE: &str = include_str!("../templates/report.css");
/// The viewer's style, inert in a `<template>` until the boot script adds it to the document,
/// after the first screen is painted: the first frame then neither parses nor matches it (its
/// 15 KB took 0.8 ms of parsing on Chromium's main thread before that frame, median of five
/// traced loads of the 537-finding bench page, issue #13), and without JavaScript it never
/// applies.
const VIEWER_STYLE: &str = include_str!("../templates/viewer.css");

/// The viewer, built by `cargo run -p xtask -- viewer` and committed, so that building the
/// generator needs no wasm toolchain.
const VIEWER_JS: &str = include_str!("../assets/viewer/scanlens_viewer.js");
/// The viewer's wasm as the page carries it: gzipped, then base64 (see `build.rs`).
const VIEWER_WASM_GZ_BASE64: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer_wasm.gz.b64"));

/// Starts the viewer from the inlined bytes once the static first screen has been painted
/// (module scripts run once the document is parsed, which may be before its first frame). The wasm is gzipped and the report data raw
/// DEFLATE, both base64; the browser's own `DecompressionStream` unpacks them in parallel, off
/// the main thread, from `Blob`s in memory, requesting nothing. `initSync` with a compiled
/// module rather than the default `init`, which would fetch the `.wasm` by URL: Chromium refuses
/// that from `file://`. `mount` then parses the data and replaces the first screen with the app.
const BOOT_JS: &str = r#"
// With scripting on, the static rows past the first screen, the details and the artifacts stay
// unparsed text in <noscript class="scanlens-rest"> (the first screen paints sooner); print
// parses them into the page (the generator's own, escaped markup), so every listed finding prints.
const rest = () => {
  for (const n of document.querySelectorAll("noscript.scanlens-rest")) {
    const t = document.createElement("template");
    t.innerHTML = n.textContent;
    n.replaceWith(t.content);
  }
};
addEventListener("beforeprint", rest);
matchMedia("print").addEventListener("change", (e) => { if (e.matches) rest(); });
(async () => {
// Nothing runs before the first screen is painted: reading the base64 text, the unpacking and
// the wasm compile would otherwise compete with its first frame (the module can run before it).
// A task queued from an animation frame runs after that frame; a hidden page has no frames.
if (document.visibilityState !== "hidden") {
  await new Promise((go) => requestAnimationFrame(() => setTimeout(go, 0)));
}
// The viewer's style, inert until now (see VIEWER_STYLE), goes in before anything can show.
const style = document.getElementById("scanlens-viewer-style");
if (style) document.head.append(style.content);
const t0 = performance.now();
const bytes = (id) => {
  const s = document.getElementById(id).textContent.trim();
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s);
  const b = atob(s), a = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) a[i] = b.charCodeAt(i);
  return a;
};
const unpack = (id, format) =>
  new Response(new Blob([bytes(id)]).stream().pipeThrough(new DecompressionStream(format))).arrayBuffer();
try {
  const [module, data] = await Promise.all([
    unpack("scanlens-wasm", "gzip").then((b) => WebAssembly.compile(b)),
    unpack("scanlens-data", "deflate-raw").catch((e) => {
      throw new Error("the embedded report data is corrupt (" + e.message + ")");
    }),
  ]);
  document.body.dataset.unpackMs = Math.round(performance.now() - t0);
  initSync({ module });
  mount(new Uint8Array(data));
} catch (e) {
  const el = document.getElementById("scanlens-app");
  if (el && el.className !== "boot-error") {
    el.textContent = "Scanlens could not start the viewer: " + e;
    el.className = "boot-error";
    el.setAttribute("role", "alert");
  }
}
})();
"#;

/// askama's HTML escaping, after dropping control characters other than line breaks and tabs,
/// with every character past Latin-1 written as a numeric reference (set as the `.html` escaper
/// in `askama.toml`).
///
/// Why the references: Chromium decodes a page into 8-bit strings until it meets a character
/// past U+00FF, and from there on into 16-bit ones, which the tokenizer then walks at twice the
/// bytes. One em dash in the title put the whole 380 KB bench page on the slow path: decoding
/// took 2.3 ms of the main thread before its first frame, and 0.9 ms without (medians of five
/// traced loads of the 537-finding page, issue #13). Advisory text is mostly ASCII, so the
/// references cost little.
#[derive(Clone, Copy)]
pub struct CleanHtml;

impl askama::filters::Escaper for CleanHtml {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, s: &str) -> std::fmt::Result {
        let mut plain = 0;
        for (i, c) in s.char_indices() {
            let wide = u32::from(c) > 0xFF;
            if wide || (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
                askama::filters::Html.write_escaped_str(&mut dest, &s[plain..i])?;
                if wide {
                    write!(dest, "&#x{:X};", u32::from(c))?;
                }
                plain = i + c.len_utf8();
            }
        }
        askama::filters::Html.write_escaped_str(dest, &s[plain..])
    }
}

fn wasm_base64() -> &'static str {
    VIEWER_WASM_GZ_BASE64
}

/// The module script: wasm-bindgen's glue followed by the boot code, hashed into the CSP.
pub fn viewer_script() -> String {
    let mut s = String::with_capacity(VIEWER_JS.len() + BOOT_JS.len());
    s.push_str(VIEWER_JS);
    s.push_str(BOOT_JS);
    s
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: String,
    csp: String,
    style: &'a str,
    viewer_style: &'a str,
    artifacts: Vec<ArtifactView<'a>>,
    artifacts_shown: usize,
    kinds: Vec<KindRow>,
    totals: Vec<u64>,
    total: u64,
    fixable: u64,
    packages: u64,
    gate: Option<GateView>,
    groups: Vec<RowGroup<'a>>,
    later_groups: Vec<RowGroup<'a>>,
    details: Vec<Detail<'a>>,
    detail_rest: usize,
    uncounted: Vec<Row<'a>>,
    uncounted_total: usize,
    script: String,
    wasm: &'a str,
    data: String,
    shown: usize,
    omitted: usize,
    severities: [&'static str; 5],
    back: Option<&'a Backlinks>,
    /// What to fix first, after the rows, for readers without JavaScript and for print.
    fix: Option<fix_first::FixView<'a>>,
}

struct ArtifactView<'a> {
    name: &'a str,
    artifact_type: &'a str,
    /// The OS release; `eosl` marks it past its end of support.
    os: Option<String>,
    eosl: bool,
    scanned_at: Option<&'a str>,
    image_id: Option<&'a str>,
    repo_tags: String,
    repo_digests: String,
    trivy_version: Option<&'a str>,
    source: &'a str,
}

struct KindRow {
    label: &'static str,
    counts: Vec<u64>,
    total: u64,
}

struct GateView {
    failed: bool,
    /// `Gate failed: …` in the words of `present::gate_verdict`, shared with the CLI, the summary
    /// and the viewer.
    verdict: String,
    excluded: u64,
}

/// The rows of one severity in one target: a `<tbody>` with a header row.
struct RowGroup<'a> {
    severity: &'static str,
    class: &'static str,
    target: &'a str,
    /// Rows of this severity and target the page lists, here and in the other table.
    count: usize,
    /// The group began in the first table.
    continued: bool,
    rows: Vec<Row<'a>>,
}

/// One finding as one table row.
struct Row<'a> {
    f: &'a Finding,
    kind: &'static str,
    severity: &'static str,
    package: &'a str,
    installed: &'a str,
    fixed: String,
    excluded: Option<String>,
    suppressed: bool,
    /// The number of its entry in the details, if it has one.
    detail: Option<usize>,
    /// The first row of the page, timed by the benchmark (`elementtiming`).
    first: bool,
}

/// A finding's details, for the most severe few.
struct Detail<'a> {
    n: usize,
    v: FindingView<'a>,
    /// Set when an earlier detail of the same advisory already lists the references.
    refs_at: Option<usize>,
}

struct Link<'a> {
    text: &'a str,
    href: Option<&'a str>,
}

struct FindingView<'a> {
    f: &'a Finding,
    severity: &'static str,
    sev_class: &'static str,
    package: &'a str,
    installed: &'a str,
    fixed: Vec<&'a str>,
    primary: Option<Link<'a>>,
    references: Vec<Link<'a>>,
    cvss: Vec<(String, String)>,
    vendor: String,
    excluded: Option<String>,
    suppressed: Option<String>,
    code: Vec<(u64, &'a str, bool)>,
    secret_match: Option<&'a str>,
    /// For a secret: what to do about it ([`present::secret_remedy`]).
    remedy: Option<&'static str>,
    location: Option<String>,
}

use scanlens_model::present;
pub use scanlens_model::present::safe_url;

fn link(text: &str) -> Link<'_> {
    Link {
        text,
        href: safe_url(text),
    }
}

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Unknown => "unknown",
    }
}

/// The view of `f`, found in an artifact of this type.
fn view<'a>(f: &'a Finding, artifact_type: &str) -> FindingView<'a> {
    let pkg = f.package.as_ref();
    let cvss = f
        .cvss
        .iter()
        .map(|(src, c)| (src.clone(), present::cvss_line(c)))
        .collect();
    let vendor = f
        .vendor_severity
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let code_src = f
        .misconfiguration
        .as_ref()
        .map(|m| &m.code)
        .or(f.secret.as_ref().map(|s| &s.code));
    let code = code_src
        .map(|c| {
            c.iter()
                .map(|l| (l.number, l.content.as_str(), l.is_cause))
                .collect()
        })
        .unwrap_or_default();
    let location = match (&f.misconfiguration, &f.secret) {
        (Some(m), _) => present::location(m.start_line, m.end_line),
        (_, Some(s)) => present::location(s.start_line, s.end_line),
        _ => f
            .package
            .as_ref()
            .and_then(|p| present::places(&p.locations)),
    };
    FindingView {
        f,
        severity: f.severity.as_str(),
        sev_class: sev_class(f.severity),
        package: pkg.map_or("", |p| p.name.as_str()),
        installed: pkg.map_or("", |p| p.installed_version.as_str()),
        fixed: pkg
            .map(|p| p.fixed_versions().collect())
            .unwrap_or_default(),
        primary: f.primary_url.as_deref().map(link),
        references: f
            .references
            .iter()
            .filter(|r| Some(r.as_str()) != f.primary_url.as_deref())
            .map(|r| link(r))
            .collect(),
        cvss,
        vendor,
        excluded: f.excluded.as_ref().map(present::exclusion),
        suppressed: f.suppressed.as_ref().map(present::suppression),
        code,
        secret_match: f.secret.as_ref().map(|s| s.matched.as_str()),
        remedy: f
            .secret
            .is_some()
            .then(|| present::secret_remedy([artifact_type])),
        location,
    }
}

/// What was scanned, as the viewer's title names it (an image by its name, anything else with
/// its kind: `filesystem .`, not a bare `.`), or the first and a count when there are many;
/// `None` without artifacts.
pub fn scanned(report: &Report) -> Option<String> {
    let name = scanlens_model::present::artifact_title;
    match report.artifacts.as_slice() {
        [] => None,
        [a] => Some(name(a)),
        [a, b] => Some(format!("{}, {}", name(a), name(b))),
        [a, rest @ ..] => Some(format!("{} and {} more", name(a), rest.len())),
    }
}

/// The page's title: what was scanned ([`scanned`]), then the tool.
pub fn title(report: &Report) -> String {
    scanned(report).map_or_else(
        || "Scanlens report".to_string(),
        |s| format!("{s} — Scanlens report"),
    )
}

/// Content-Security-Policy for a page whose only active content is the given inline styles and
/// scripts.
pub fn csp(styles: &[&str], scripts: &[&str]) -> String {
    // The sources that allow exactly these texts, space-separated.
    let hashes = |texts: &[&str]| {
        let each: Vec<String> = texts
            .iter()
            .map(|s| {
                let digest = Sha256::digest(s.as_bytes());
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        each.join(" ")
    };
    let mut policy = format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        hashes(styles)
    );
    if !scripts.is_empty() {
        policy.push_str(&format!(
            "; script-src 'wasm-unsafe-eval' {}",
            hashes(scripts)
        ));
    }
    policy
}

/// Links from a scan's page back to the dashboard that holds it (`scanlens site`), relative to
/// the page. Fixed paths of the site's layout, never values read from the site.
pub struct Backlinks {
    /// The dashboard's index page.
    pub dashboard: &'static str,
    /// The page of the image's scan history.
    pub history: &'static str,
}

/// Renders the self-contained page for `report`.
pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing into memory cannot fail");
    String::from_utf8(out).expect("askama writes UTF-8")
}

fn row(f: &Finding, detail: Option<usize>, first: bool) -> Row<'_> {
    let pkg = f.package.as_ref();
    Row {
        f,
        kind: f.kind.as_str(),
        severity: f.severity.as_str(),
        package: pkg.map_or("", |p| p.name.as_str()),
        installed: pkg.map_or("", |p| p.installed_version.as_str()),
        fixed: pkg
            .map(|p| p.fixed_versions().collect::<Vec<_>>().join(", "))
            .unwrap_or_default(),
        excluded: f.excluded.as_ref().map(present::exclusion),
        suppressed: f.suppressed.is_some(),
        detail,
        first,
    }
}

/// Moves the rows after the first `n` into groups of their own (for the second table); a group
/// cut in two continues there.
fn split_rows<'a>(groups: &mut Vec<RowGroup<'a>>, n: usize) -> Vec<RowGroup<'a>> {
    let mut seen = 0;
    let Some(at) = groups.iter().position(|g| {
        seen += g.rows.len();
        seen > n
    }) else {
        return Vec::new();
    };
    let mut later = groups.split_off(at + 1);
    let cut = &mut groups[at];
    let keep = cut.rows.len() - (seen - n);
    if keep == 0 {
        later.insert(0, groups.pop().expect("the group at `at`"));
    } else {
        let rows = cut.rows.split_off(keep);
        later.insert(
            0,
            RowGroup {
                severity: cut.severity,
                class: cut.class,
                target: cut.target,
                count: cut.count,
                continued: true,
                rows,
            },
        );
    }
    later
}

/// The details of the first `n` of `order`; references are listed once per advisory ID.
fn details<'a>(report: &Report, order: &[&'a Finding], n: usize) -> Vec<Detail<'a>> {
    let mut refs_of: std::collections::HashMap<&str, usize> = Default::default();
    order
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, f)| {
            let has_refs = f.primary_url.is_some() || !f.references.is_empty();
            let refs_at = match refs_of.get(f.id.as_str()) {
                Some(&at) if has_refs => Some(at),
                _ => {
                    refs_of.insert(&f.id, i);
                    None
                }
            };
            Detail {
                n: i,
                v: view(
                    f,
                    report
                        .artifacts
                        .get(f.artifact as usize)
                        .map_or("", |a| a.artifact_type.as_str()),
                ),
                refs_at,
            }
        })
        .collect()
}

/// The first [`ROW_LIMIT`] of `counted` as the page lists them: by severity, then by target, a
/// target's rows going where its first row falls in the viewer's default order
/// ([`Finding::severity_order`]), and in that order within. So the first row is the one the app
/// opens on when it takes over the first screen (issue #13); a group per target keeps the page
/// readable without JavaScript.
fn row_order(counted: Vec<&Finding>) -> Vec<&Finding> {
    type Lead<'a> = (Severity, i64, &'a str, &'a str, &'a str);
    let mut lead: std::collections::HashMap<(Severity, &str), Lead> = Default::default();
    for f in &counted {
        let k = f.severity_order();
        lead.entry((f.severity, &f.target))
            .and_modify(|l| *l = (*l).min(k))
            .or_insert(k);
    }
    // Each group's place, as a number, so that the key per row stays small.
    let mut places: Vec<(Lead, (Severity, &str))> = lead.into_iter().map(|(g, l)| (l, g)).collect();
    places.sort_unstable();
    let place: std::collections::HashMap<(Severity, &str), u32> = places
        .into_iter()
        .enumerate()
        .map(|(i, (_, g))| (g, i as u32))
        .collect();
    scanlens_model::first_by_key(counted, ROW_LIMIT, |f| {
        let (_, cvss, package, id, _) = f.severity_order();
        (place[&(f.severity, f.target.as_str())], cvss, package, id)
    })
}

/// The page for `report` as a dashboard holds it: the same page, with links back to the
/// dashboard above the viewer (and so also above the no-JavaScript page).
pub fn render_in_site(report: &Report, back: &Backlinks) -> String {
    let mut out = Vec::new();
    write_page(report, Some(back), &mut out).expect("writing into memory cannot fail");
    String::from_utf8(out).expect("askama writes UTF-8")
}

/// Writes the self-contained page for `report` to `w`.
pub fn write(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_page(report, None, w)
}

fn write_page(
    report: &Report,
    back: Option<&Backlinks>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let counted: Vec<&Finding> = report.findings.iter().filter(|f| f.is_counted()).collect();
    let total = counted.len();
    let order = row_order(counted);
    let shown = order.len();
    let omitted = total - shown;
    let details = details(report, &order, DETAIL_LIMIT);
    let mut groups: Vec<RowGroup> = Vec::new();
    for (i, f) in order.iter().enumerate() {
        if groups
            .last()
            .is_none_or(|g| g.severity != f.severity.as_str() || g.target != f.target)
        {
            groups.push(RowGroup {
                severity: f.severity.as_str(),
                class: sev_class(f.severity),
                target: &f.target,
                count: 0,
                continued: false,
                rows: Vec::new(),
            });
        }
        let detail = (i < details.len()).then_some(i);
        let g = groups.last_mut().expect("pushed above");
        g.count += 1;
        g.rows.push(row(f, detail, i == 0));
    }
    let later_groups = split_rows(&mut groups, FIRST_ROWS);
    let uncounted_total = report.findings.iter().filter(|f| !f.is_counted()).count();
    let uncounted: Vec<Row> = report
        .findings
        .iter()
        .filter(|f| !f.is_counted())
        .take(UNCOUNTED_LIMIT)
        .map(|f| row(f, None, false))
        .collect();
    let kinds = Kind::ALL
        .iter()
        .map(|k| {
            let c = report.summary.of(*k);
            KindRow {
                label: k.plural(),
                counts: Severity::ALL.iter().map(|s| c.get(*s)).collect(),
                total: c.total(),
            }
        })
        .collect();
    let artifacts = report
        .artifacts
        .iter()
        .map(|a| ArtifactView {
            name: &a.name,
            artifact_type: &a.artifact_type,
            os: a.os.as_ref().map(scanlens_model::present::os_release),
            eosl: a.os.as_ref().is_some_and(|o| o.eosl),
            scanned_at: a.scanned_at.as_deref(),
            image_id: a.image_id.as_deref(),
            repo_tags: a.repo_tags.join(", "),
            repo_digests: a.repo_digests.join(", "),
            trivy_version: a.trivy_version.as_deref(),
            source: &a.source,
        })
        .collect();
    let script = viewer_script();
    let page = Page {
        title: title(report),
        csp: csp(&[STYLE, VIEWER_STYLE], &[&script]),
        wasm: wasm_base64(),
        data: embedded_data(report),
        script,
        style: STYLE,
        viewer_style: VIEWER_STYLE,
        artifacts,
        artifacts_shown: ARTIFACTS_SHOWN,
        kinds,
        totals: Severity::ALL
            .iter()
            .map(|s| report.summary.severity_total(*s))
            .collect(),
        total: report.summary.total(),
        fixable: report.stats.fixable,
        packages: report.stats.packages,
        gate: report.gate.as_ref().map(|g| GateView {
            failed: g.failed,
            verdict: present::sentence(&present::gate_verdict(g)),
            excluded: g.excluded,
        }),
        groups,
        later_groups,
        detail_rest: shown - details.len(),
        details,
        uncounted,
        uncounted_total,
        shown,
        omitted,
        severities: Severity::ALL.map(Severity::as_str),
        back,
        fix: fix_first::fix_view(report),
    };
    page.write_into(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scanlens_model::{Package, Severity};

    fn report(n: usize) -> Report {
        let findings = (0..n)
            .map(|i| Finding {
                id: format!("CVE-2024-{i:05}"),
                severity: if i % 3 == 0 {
                    Severity::Critical
                } else {
                    Severity::Low
                },
                target: "img (debian 12)".into(),
                title: format!("title {i} <b>"),
                description: "a long description ".repeat(20).into(),
                references: vec![
                    "https://example.com/a".to_string(),
                    "https://example.com/b".to_string(),
                ]
                .into(),
                primary_url: Some("https://example.com/a".into()),
                package: Some(std::sync::Arc::new(Package {
                    name: format!("pkg{i}"),
                    installed_version: "1.0".into(),
                    fixed_version: "1.1".into(),
                    ..Default::default()
                })),
                ..Default::default()
            })
            .collect();
        let mut r = Report {
            findings,
            ..Default::default()
        };
        scanlens_model::recount(&mut r);
        r
    }

    /// The dataset the page carries, decoded as the viewer decodes it.
    fn embedded(page: &str) -> scanlens_model::compact::Dataset {
        let start = page.find("id=\"scanlens-data\"").unwrap();
        let b64 = &page[page[start..].find('>').unwrap() + start + 1..];
        let b64 = &b64[..b64.find("</script>").unwrap()];
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let json = String::from_utf8(data::tests::inflate(&raw)).unwrap();
        scanlens_model::compact::decode::dataset(&json).unwrap()
    }

    #[test]
    fn the_page_carries_the_report_compressed_and_readable() {
        let r = report(50);
        let page = render(&r);
        let ds = embedded(&page);
        assert_eq!(ds.to_report(), r);
        // Untrusted text is escaped in the static page.
        assert!(page.contains("title 7 &#60;b&#62;") || page.contains("title 7 &lt;b&gt;"));
        assert!(!page.contains("<b>"));
    }

    #[test]
    fn what_to_fix_first_is_in_the_page_for_readers_without_javascript_escaped_and_cut() {
        let mut r = report(30);
        r.findings.push(Finding {
            kind: Kind::Secret,
            id: "rule".into(),
            title: "Key <img src=x onerror=alert(1)>".into(),
            severity: Severity::Critical,
            target: "/app/<script>.env".into(),
            secret: Some(std::sync::Arc::new(scanlens_model::report::SecretDetail {
                start_line: Some(3),
                end_line: Some(3),
                ..Default::default()
            })),
            ..Default::default()
        });
        scanlens_model::recount(&mut r);
        scanlens_model::fix_first::plan_all(&mut r);
        let page = render(&r);
        let at = page.find("id=\"fix-first\"").expect("the section");
        let section = &page[at..at + page[at..].find("</section>").unwrap()];
        // After the rows, in the part a reader without JavaScript (or a printout) gets.
        assert!(at > page.find("<noscript class=\"scanlens-rest\">").unwrap());
        assert!(page.contains("<a href=\"#fix-first-h\">What to fix first</a>"));
        assert!(
            section.contains("<strong>Secrets:</strong> 1 in 1 file(s) (1 critical). Revoke"),
            "{section}"
        );
        assert!(
            !section.contains("<script") && !section.contains("<img"),
            "{section}"
        );
        assert!(section.contains(".env: Key "), "{section}");
        assert!(section.contains("(line 3)"), "{section}");
        // 30 packages, one upgrade each: the first ten, and how many more.
        assert_eq!(
            section.matches("<li>upgrade ").count(),
            scanlens_model::fix_first::MAX_UPGRADES
        );
        assert!(section.contains("20 more upgrades"), "{section}");
        assert!(
            section.contains("Known exploited:</strong> not checked"),
            "{section}"
        );
        // Nothing to fix: neither the section nor the link.
        let mut empty = report(0);
        scanlens_model::fix_first::plan_all(&mut empty);
        let page = render(&empty);
        assert!(!page.contains("id=\"fix-first\"") && !page.contains("#fix-first-h"));
    }

    #[test]
    fn the_static_page_lists_findings_up_to_its_cap_and_says_how_many_it_leaves_out() {
        let r = report(ROW_LIMIT + 250);
        let page = render(&r);
        let rows = page.matches("<th scope=\"row\">").count();
        // Summary rows (one per kind and the total) plus one row per listed finding.
        let summary_rows = Kind::ALL.len() + 1;
        assert_eq!(rows - summary_rows, ROW_LIMIT);
        assert!(page.contains(&format!(
            "lists the {ROW_LIMIT} most severe of {} findings and leaves out 250",
            ROW_LIMIT + 250
        )));
        assert!(page.contains("The full list needs JavaScript"));
        // Details for the most severe few, each advisory's references once.
        assert_eq!(
            page.matches("<article class=\"finding\"").count(),
            DETAIL_LIMIT
        );
        assert_eq!(
            page.matches("href=\"https://example.com/b\"").count(),
            DETAIL_LIMIT
        );
        // The first screen's rows in one table, the rest in a second one laid out later; a
        // group cut in two says so.
        assert_eq!(page.matches("<table class=\"findings\">").count(), 2);
        assert_eq!(page.matches("<div class=\"later-rows\">").count(), 1);
        assert!(page.contains(", continued)"));
        // The most severe come first.
        let first = page.find("elementtiming=\"first-finding\"").unwrap();
        assert!(page[first..].starts_with("elementtiming=\"first-finding\">CVE-2024-00000<"));
        // A small report lists every finding and leaves nothing out.
        let small = render(&report(30));
        assert!(!small.contains("scanlens-omitted"));
        assert_eq!(
            small.matches("<th scope=\"row\">").count() - summary_rows,
            30
        );
    }

    #[test]
    fn a_vulnerable_package_shows_where_its_lock_file_lists_it() {
        let mut r = report(3);
        let at = |start, end| scanlens_model::LineRange { start, end };
        let p = r.findings[0].package.as_mut().unwrap();
        std::sync::Arc::make_mut(p).locations = vec![at(11, 15), at(40, 40)];
        let page = render(&r);
        assert!(
            page.contains("<dt>Location</dt><dd>lines 11&#x2013;15, 40</dd>"),
            "{}",
            &page[page.find("id=\"d0\"").unwrap()..][..900]
        );
        let ds = embedded(&page);
        assert_eq!(ds.to_report(), r, "the viewer reads the places too");
    }

    #[test]
    fn the_page_stays_in_latin_1_whatever_the_advisory_text_says() {
        let mut r = report(30);
        for f in &mut r.findings {
            f.title = "\u{6F0F}\u{6D1E} \u{2014} caf\u{E9} \u{1F512}\u{1B}[31m".into();
            f.description = "\u{2192} \u{2019}quoted\u{2019}".into();
        }
        r.artifacts.push(scanlens_model::Artifact {
            name: "r\u{E9}gistry.example/\u{1F600}:1".into(),
            ..Default::default()
        });
        let page = render(&r);
        let wide: Vec<char> = page.chars().filter(|c| u32::from(*c) > 0xFF).collect();
        assert!(wide.is_empty(), "characters past Latin-1: {wide:?}");
        // The same text, as references the browser reads back; Latin-1 stays as it is and a raw
        // control character goes.
        assert!(page.contains("&#x6F0F;&#x6D1E; &#x2014; caf\u{E9} &#x1F512;[31m"));
        assert!(page.contains("&#x2192; &#x2019;quoted&#x2019;"));
        assert!(page.contains("r\u{E9}gistry.example/&#x1F600;:1 &#x2014; Scanlens report"));
        assert!(!page.contains('\u{1B}'));
    }

    /// The title names what was scanned as the viewer's header does: a filesystem scan of the
    /// current folder is `filesystem .`, not a bare `.` (issue #13), in the tab, the first screen
    /// and summary.md alike.
    #[test]
    fn the_title_names_a_filesystem_scan_by_its_kind_and_path_as_the_viewer_does() {
        let artifact = |name: &str, kind: &str| scanlens_model::Artifact {
            name: name.into(),
            artifact_type: kind.into(),
            ..Default::default()
        };
        let mut r = report(3);
        r.artifacts = vec![artifact(".", "filesystem")];
        assert_eq!(title(&r), "filesystem . \u{2014} Scanlens report");
        let page = render(&r);
        assert!(page.contains("<title>filesystem . &#x2014; Scanlens report</title>"));
        assert!(page.contains("<h1>filesystem . &#x2014; Scanlens report</h1>"));
        let md = crate::markdown::render(&r);
        assert!(md.starts_with("## Scanlens: filesystem .\n"), "{md}");
        assert!(md.contains("- **filesystem .**"), "{md}");
        r.artifacts = vec![
            artifact("alpine:3.19", "container_image"),
            artifact("docker/app", "repository"),
        ];
        assert_eq!(
            title(&r),
            "alpine:3.19, repository docker/app \u{2014} Scanlens report"
        );
        for a in &r.artifacts {
            assert!(
                title(&r).contains(&scanlens_model::present::artifact_title(a)),
                "the viewer's name for {a:?}"
            );
        }
    }
}
