//! `index.html`: one self-contained page rendered with askama.
//!
//! The page needs nothing but itself: styles are inlined and covered by a hash in a strict
//! Content-Security-Policy, nothing is fetched, and it reads well with JavaScript off. All
//! advisory text goes through askama's HTML escaping; only `http(s)` URLs become links.

use askama::Template;
use base64::Engine;
use scanlens_model::{Finding, Kind, Report, Severity};
use sha2::{Digest, Sha256};

/// Above this many findings the no-JavaScript page lists the most severe ones and says how many
/// more `report.json` holds: a page of 100,000 `<details>` helps nobody and is slow to open.
pub const FALLBACK_LIMIT: usize = 2_000;

const STYLE: &str = concat!(
    include_str!("../templates/report.css"),
    include_str!("../templates/viewer.css")
);

/// The viewer, built by `cargo run -p xtask -- viewer` and committed, so that building the
/// generator needs no wasm toolchain.
const VIEWER_JS: &str = include_str!("../assets/viewer/scanlens_viewer.js");
/// The viewer's wasm as the page carries it: gzipped, then base64 (see `build.rs`).
const VIEWER_WASM_GZ_BASE64: &str = include_str!(concat!(env!("OUT_DIR"), "/viewer_wasm.gz.b64"));

/// Starts the viewer from the inlined bytes: the wasm is gzipped (then base64) in the page and
/// unpacked with the browser's own `DecompressionStream`, which reads a `Blob` in memory and
/// requests nothing. `initSync` with a compiled module rather than the default `init`, which
/// would fetch the `.wasm` by URL: Chromium refuses that from `file://`.
const BOOT_JS: &str = r#"
(async () => {
try {
  const s = atob(document.getElementById("scanlens-wasm").textContent.trim());
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  const z = new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"));
  initSync({ module: await WebAssembly.compile(await new Response(z).arrayBuffer()) });
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

/// askama's HTML escaping, after dropping control characters other than line breaks and tabs
/// (set as the `.html` escaper in `askama.toml`).
#[derive(Clone, Copy)]
pub struct CleanHtml;

impl askama::filters::Escaper for CleanHtml {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, s: &str) -> std::fmt::Result {
        let visible = |c: char| !c.is_control() || matches!(c, '\n' | '\t' | '\r');
        if s.chars().all(visible) {
            return askama::filters::Html.write_escaped_str(dest, s);
        }
        let clean: String = s.chars().filter(|c| visible(*c)).collect();
        askama::filters::Html.write_escaped_str(&mut dest, &clean)
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

/// The viewer's own weight in the page (gzipped wasm as base64, JS, CSS), without report data.
pub fn viewer_weight() -> (usize, usize, usize) {
    (wasm_base64().len(), viewer_script().len(), STYLE.len())
}

/// The report as the viewer reads it: the compact dataset as JSON, safe inside a `<script>`
/// data block (`<` is written as `\u003c`, so no `</script>` or `<!--` can occur).
pub fn embedded_data(report: &Report) -> String {
    Data(report).to_string()
}

/// Passes `json` on with every `<` written as `\u003c`. In JSON a `<` can only stand inside a
/// string, where the escape means the same character.
fn escape_lt(json: &[u8], mut put: impl FnMut(&str) -> std::fmt::Result) -> std::fmt::Result {
    let text = std::str::from_utf8(json).map_err(|_| std::fmt::Error)?;
    let mut rest = text;
    while let Some(i) = memchr::memchr(b'<', rest.as_bytes()) {
        put(&rest[..i])?;
        put("\\u003c")?;
        rest = &rest[i + 1..];
    }
    put(rest)
}

/// The embedded data as the page template writes it, made when the page is written.
struct Data<'a>(&'a Report);

impl std::fmt::Display for Data<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let json = crate::json::to_vec(&scanlens_model::compact::wire(self.0))
            .map_err(|_| std::fmt::Error)?;
        escape_lt(&json, |s| f.write_str(s))
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: String,
    csp: String,
    style: &'a str,
    artifacts: Vec<ArtifactView<'a>>,
    kinds: Vec<KindRow>,
    totals: Vec<u64>,
    total: u64,
    fixable: u64,
    packages: u64,
    gate: Option<GateView>,
    groups: Vec<SeverityGroup<'a>>,
    uncounted: Vec<FindingView<'a>>,
    script: String,
    wasm: String,
    data: Data<'a>,
    shown: usize,
    omitted: usize,
    severities: [&'static str; 5],
    back: Option<&'a Backlinks>,
}

struct ArtifactView<'a> {
    name: &'a str,
    artifact_type: &'a str,
    os: Option<String>,
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

struct SeverityGroup<'a> {
    severity: &'static str,
    class: &'static str,
    count: usize,
    targets: Vec<TargetGroup<'a>>,
}

struct TargetGroup<'a> {
    target: &'a str,
    findings: Vec<FindingView<'a>>,
}

struct Link<'a> {
    text: &'a str,
    href: Option<&'a str>,
}

struct FindingView<'a> {
    f: &'a Finding,
    kind: &'static str,
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

fn view(f: &Finding) -> FindingView<'_> {
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
        _ => None,
    };
    FindingView {
        f,
        kind: f.kind.as_str(),
        severity: f.severity.as_str(),
        sev_class: sev_class(f.severity),
        package: pkg.map_or("", |p| p.name.as_str()),
        installed: pkg.map_or("", |p| p.installed_version.as_str()),
        fixed: pkg
            .map(|p| p.fixed_versions().collect())
            .unwrap_or_default(),
        primary: f.primary_url.as_deref().map(link),
        references: f.references.iter().map(|r| link(r)).collect(),
        cvss,
        vendor,
        excluded: f.excluded.as_ref().map(present::exclusion),
        suppressed: f.suppressed.as_ref().map(present::suppression),
        code,
        secret_match: f.secret.as_ref().map(|s| s.matched.as_str()),
        location,
    }
}

/// The page's title: the artifact names, or a count when there are many.
pub fn title(report: &Report) -> String {
    match report.artifacts.as_slice() {
        [] => "Scanlens report".to_string(),
        [a] => format!("{} — Scanlens report", a.name),
        [a, b] => format!("{}, {} — Scanlens report", a.name, b.name),
        [a, rest @ ..] => format!("{} and {} more — Scanlens report", a.name, rest.len()),
    }
}

/// Content-Security-Policy for a page whose only active content is the given inline style.
pub fn csp(style: &str, scripts: &[&str]) -> String {
    let hash = |s: &str| {
        let digest = Sha256::digest(s.as_bytes());
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    };
    let mut policy = format!(
        "default-src 'none'; style-src {}; img-src data:; base-uri 'none'; form-action 'none'",
        hash(style)
    );
    if !scripts.is_empty() {
        let hashes: Vec<String> = scripts.iter().map(|s| hash(s)).collect();
        policy.push_str(&format!(
            "; script-src 'wasm-unsafe-eval' {}",
            hashes.join(" ")
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
    let order = scanlens_model::first_by_key(counted, FALLBACK_LIMIT, |f| {
        (f.severity, f.target.as_str(), f.cvss_rank(), f.id.as_str())
    });
    let shown = order.len();
    let omitted = total - shown;
    let mut groups: Vec<SeverityGroup> = Vec::new();
    for f in order {
        if groups
            .last()
            .is_none_or(|g| g.severity != f.severity.as_str())
        {
            groups.push(SeverityGroup {
                severity: f.severity.as_str(),
                class: sev_class(f.severity),
                count: report.summary.severity_total(f.severity) as usize,
                targets: Vec::new(),
            });
        }
        let g = groups.last_mut().expect("pushed above");
        if g.targets.last().is_none_or(|t| t.target != f.target) {
            g.targets.push(TargetGroup {
                target: &f.target,
                findings: Vec::new(),
            });
        }
        g.targets
            .last_mut()
            .expect("pushed above")
            .findings
            .push(view(f));
    }
    let uncounted: Vec<FindingView> = report
        .findings
        .iter()
        .filter(|f| !f.is_counted())
        .take(FALLBACK_LIMIT)
        .map(view)
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
            os: a.os.as_ref().map(|o| {
                let mut s = format!("{} {}", o.family, o.name);
                if o.eosl {
                    s.push_str(" (end of support)");
                }
                s
            }),
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
        csp: csp(STYLE, &[&script]),
        wasm: wasm_base64().to_string(),
        data: Data(report),
        script,
        style: STYLE,
        artifacts,
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
        uncounted,
        shown,
        omitted,
        severities: Severity::ALL.map(Severity::as_str),
        back,
    };
    page.write_into(w)
}
