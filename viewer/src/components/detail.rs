//! The detail panel for one finding: what to do first (its entry in CISA's KEV catalog with the
//! required action and due date, its EPSS score and date, the fix-plan step that fixes it, the
//! layer it comes from and the other targets it was found in), then everything Trivy said.
//! Every value is a text node; only `http(s)` URLs become links, through the model's
//! `safe_url`.

use super::each;
use super::highlight::hl;
use scanlens_model::compact::Dataset;
use scanlens_model::present::{self, one_decimal, safe_url};
use scanlens_model::view::Index;
use scanlens_model::CodeLine;
use yew::prelude::*;
use yew::virtual_dom::VList;

fn link(url: &str) -> Html {
    match safe_url(url) {
        Some(u) => {
            html! { <a href={u.to_string()} target="_blank" rel="noopener noreferrer">{ u.to_string() }</a> }
        }
        None => html! { <span CLASS="nolink">{ url.to_string() }</span> },
    }
}

/// The rows of a `<dl>`, added in order by plain Rust: each `if` of `html!` is its own nested
/// list in the wasm, these are one push each.
#[derive(Default)]
struct Dl(Vec<Html>);

impl Dl {
    fn row(&mut self, label: &str, value: Html) {
        self.0
            .push(html! { <><dt>{ label.to_string() }</dt><dd>{ value }</dd></> });
    }

    /// A row of plain text; none when the text is empty.
    fn text(&mut self, label: &str, value: &str) {
        if !value.is_empty() {
            self.row(label, html! { { value.to_string() } });
        }
    }

    fn view(self, class: Option<&'static str>) -> Html {
        html! { <dl CLASS={class}>{ VList::with_children(self.0, None) }</dl> }
    }
}

fn code(lines: &[CodeLine]) -> Html {
    if lines.is_empty() {
        return html! {};
    }
    html! {
        <pre CLASS="code">{ each(lines.iter().map(|l| html!{
            <span CLASS={if l.is_cause { "codeline cause" } else { "codeline" }}>
                <span CLASS="ln">{ format!("{:>4} ", l.number) }</span>{ l.content.clone() }{ "\n" }
            </span>
        })) }</pre>
    }
}

/// What to fix first about finding `i`: KEV, EPSS, its fix-plan step and layer; nothing when the
/// report knows none of these.
fn triage(ds: &Dataset, ix: &Index, i: usize, also: &[String]) -> Html {
    let o = ds.findings.get(i);
    let kev = o.and_then(|o| o.kev.listed());
    let epss = o.and_then(|o| o.epss.listed());
    let plan = ix.plan(i).and_then(|p| ds.report.remediation.get(p));
    // A layer of unknown origin says nothing a reader could act on.
    let layer = ix
        .layer(i)
        .filter(|l| l.origin != scanlens_model::triage::LayerOrigin::Unknown);
    if kev.is_none() && epss.is_none() && plan.is_none() && also.is_empty() && layer.is_none() {
        return html! {};
    }
    let mut dl = Dl::default();
    if let Some(k) = kev {
        dl.row(
            "Known exploited",
            html! { <><span CLASS="kev">{ "KEV" }</span>{ " " }{ present::kev(k) }</> },
        );
        dl.text("CISA name", &k.name);
        dl.text("Required action", &k.required_action);
    }
    if let Some(e) = epss {
        dl.text("EPSS", &present::epss(e));
    }
    if let Some(r) = plan {
        dl.text("Fix plan", &present::upgrade(r));
        dl.text("Plan note", r.note.as_deref().unwrap_or(""));
    }
    if let Some(l) = layer {
        dl.text("Layer origin", present::layer_origin(l.origin));
    }
    if !also.is_empty() {
        dl.row(
            "Also in",
            html! { <ul CLASS="plain">{ each(also.iter().map(|t| html!{ <li>{ t.clone() }</li> })) }</ul> },
        );
    }
    dl.view(Some("triage"))
}

pub fn view(
    ds: &Dataset,
    ix: &Index,
    i: usize,
    q: &str,
    also: &[String],
    close: Callback<MouseEvent>,
) -> Html {
    let Some(o) = ds.findings.get(i) else {
        return html! {};
    };
    let a = ds.advisory(i);
    let sev = o.severity.as_str().to_ascii_lowercase();
    let pkg = o.package.as_ref();
    let artifact = ds.report.artifacts.get(o.artifact as usize);
    let cvss = a.cvss.iter().map(|(src, c)| {
        html! { <li><span CLASS="src">{ src.clone() }</span><ul>
            { each(present::cvss_scores(c).into_iter().map(|(label, s, v)| html! { <li>
                <span CLASS="cvss-ver">{ label }</span>{ " " }
                <strong>{ s.map(one_decimal).unwrap_or_default() }</strong>{ " " }
                <code>{ v.unwrap_or_default().to_string() }</code>
            </li> })) }
        </ul></li> }
    });
    let vendor = a.vendor_severity.iter().map(|(k, v)| {
        html! { <li><span CLASS="src">{ k.clone() }</span>{ " " }<span CLASS={format!("sev sev-{}", v.as_str().to_ascii_lowercase())}>{ v.as_str() }</span></li> }
    });
    let fixed: Vec<&str> = pkg
        .map(|p| p.fixed_versions().collect())
        .unwrap_or_default();
    let lines = |s: Option<u64>, e: Option<u64>| present::location(s, e).unwrap_or_default();
    let mut dl = Dl::default();
    dl.text("Kind", o.kind.as_str());
    dl.row("Target", hl(&o.target, q));
    dl.text(
        "Class / type",
        format!("{} {}", o.class, o.target_type).trim(),
    );
    if let Some(p) = pkg {
        dl.row("Package", hl(&p.name, q));
        dl.text("Installed", &p.installed_version);
        if !fixed.is_empty() {
            dl.row(
                "Fixed in",
                html! { <ul CLASS="inline">{ each(fixed.iter().map(|v| html!{ <li>{ v.to_string() }</li> })) }</ul> },
            );
        }
        if let Some(purl) = &p.purl {
            dl.row("PURL", html! { <code>{ hl(purl, q) }</code> });
        }
        if let Some(path) = &p.path {
            dl.row("Path", hl(path, q));
        }
    }
    dl.text("Status", o.status.as_deref().unwrap_or(""));
    if let Some(c) = ix.cvss(i) {
        dl.text("Max CVSS", &one_decimal(c as f64));
    }
    if !a.cvss.is_empty() {
        dl.row("CVSS", html! { <ul CLASS="cvss-list">{ each(cvss) }</ul> });
    }
    if !a.vendor_severity.is_empty() {
        dl.row(
            "Vendor severity",
            html! { <ul CLASS="inline">{ each(vendor) }</ul> },
        );
    }
    dl.text(
        "Severity source",
        a.severity_source.as_deref().unwrap_or(""),
    );
    dl.text("CWE", &a.cwe_ids.join(", "));
    if !a.aliases.is_empty() {
        dl.row("Aliases", hl(&a.aliases.join(", "), q));
    }
    dl.text("Published", a.published_date.as_deref().unwrap_or(""));
    dl.text("Modified", a.last_modified_date.as_deref().unwrap_or(""));
    if let Some(src) = &a.data_source {
        dl.row(
            "Data source",
            html! { <>{ format!("{} ", src.name) }{ link(&src.url) }</> },
        );
    }
    if let Some(l) = &o.layer {
        dl.text(
            "Layer",
            l.digest.as_deref().or(l.diff_id.as_deref()).unwrap_or(""),
        );
        dl.row(
            "Created by",
            html! { <code>{ l.created_by.clone().unwrap_or_default() }</code> },
        );
    }
    if let Some(art) = artifact {
        dl.text("Artifact", &art.name);
    }
    if let Some(m) = &o.misconfiguration {
        dl.text("Check type", &m.check_type);
        dl.text("Message", &m.message);
        dl.text("Resolution", &m.resolution);
        dl.text("Resource", m.resource.as_deref().unwrap_or(""));
        dl.text("Location", &lines(m.start_line, m.end_line));
    }
    if let Some(s) = &o.secret {
        dl.text("Category", &s.category);
        dl.text("Location", &lines(s.start_line, s.end_line));
        dl.row(
            "Match (masked)",
            html! { <code>{ s.matched.clone() }</code> },
        );
    }
    if let Some(l) = &o.license {
        dl.text("License category", &l.category);
        dl.text("File", &l.file_path);
        if let Some(c) = l.confidence {
            dl.text("Confidence", &one_decimal(c));
        }
        if !l.link.is_empty() {
            dl.row("Link", link(&l.link));
        }
    }
    html! {
        <aside CLASS="detail" aria-label={format!("Details of {}", o.id)}>
            <div CLASS="detail-head">
                <span CLASS={format!("sev sev-{sev}")}>{ o.severity.as_str() }</span>
                <h2>{ hl(&o.id, q) }</h2>
                <button type="button" CLASS="close" aria-label="Close details (Esc)" onclick={close}>{ "✕" }</button>
            </div>
            if !a.title.is_empty() { <p CLASS="dtitle">{ hl(&a.title, q) }</p> }
            if let Some(s) = &o.suppressed {
                <p CLASS="note">{ format!("Suppressed by Trivy: {}", present::suppression(s)) }</p>
            }
            if let Some(e) = &o.excluded {
                <p CLASS="note">{ format!("Excluded by the gate: {}", present::exclusion(e)) }</p>
            }
            { triage(ds, ix, i, also) }
            { dl.view(None) }
            if !a.description.is_empty() {
                <h3>{ "Description" }</h3>
                <p CLASS="desc">{ hl(&a.description, q) }</p>
            }
            { code(o.misconfiguration.as_ref().map(|m| m.code.as_slice()).or(o.secret.as_ref().map(|s| s.code.as_slice())).unwrap_or(&[])) }
            if a.primary_url.is_some() || !a.references.is_empty() {
                <h3>{ "References" }</h3>
                <ul CLASS="refs">
                    { each(a.primary_url.iter().chain(a.references.iter().filter(|r| Some(*r) != a.primary_url.as_ref())).map(|r| html!{ <li>{ link(r) }</li> })) }
                </ul>
            }
        </aside>
    }
}
