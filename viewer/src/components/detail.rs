//! The detail panel for one finding: what to do first (its entry in CISA's KEV catalog with the
//! required action and due date, its EPSS score and date, the fix-plan step that fixes it, the
//! layer it comes from and the other targets it was found in), then everything Trivy said.
//! Every value is a text node; only `http(s)` URLs become links, through the model's
//! `safe_url`.

use super::button;
use super::highlight::hl;
use crate::dom::{h, many, Node};
use crate::state::{Action, DETAIL};
use scanlens_model::compact::Dataset;
use scanlens_model::present::{self, one_decimal, safe_url};
use scanlens_model::view::Index;
use scanlens_model::CodeLine;

fn link(url: &str) -> Node {
    match safe_url(url) {
        Some(u) => h("a")
            .attr("href", u.to_string())
            .attr("target", "_blank")
            .attr("rel", "noopener noreferrer")
            .child(u.to_string())
            .into(),
        None => h("span").class("nolink").child(url).into(),
    }
}

/// The rows of a `<dl>`, added in order.
#[derive(Default)]
struct Dl(Vec<Node>);

impl Dl {
    fn row(&mut self, label: &str, value: Node) {
        self.0.push(h("dt").child(label).into());
        self.0.push(h("dd").child(value).into());
    }

    /// A row of plain text; none when the text is empty.
    fn text(&mut self, label: &str, value: &str) {
        if !value.is_empty() {
            self.row(label, value.into());
        }
    }

    fn view(self, class: Option<&'static str>) -> Node {
        h("dl")
            .attr_opt("class", class.map(String::from))
            .kids(self.0)
            .into()
    }
}

/// A list of texts.
fn ul(class: &'static str, items: impl Iterator<Item = Node>) -> Node {
    h("ul")
        .class(class)
        .kids(items.map(|i| h("li").child(i).into()))
        .into()
}

fn code(lines: &[CodeLine]) -> Node {
    if lines.is_empty() {
        return Node::none();
    }
    h("pre")
        .class("code")
        .kids(lines.iter().map(|l| {
            h("span")
                .class(if l.is_cause {
                    "codeline cause"
                } else {
                    "codeline"
                })
                .child(h("span").class("ln").child(format!("{:>4} ", l.number)))
                .child(l.content.as_str())
                .child("\n")
                .into()
        }))
        .into()
}

/// What to fix first about finding `i`: KEV, EPSS, its fix-plan step and layer; nothing when the
/// report knows none of these.
fn triage(ds: &Dataset, ix: &Index, i: usize, also: &[String]) -> Node {
    let o = ds.findings.get(i);
    let kev = o.and_then(|o| o.kev.listed());
    let epss = o.and_then(|o| o.epss.listed());
    let plan = ix.plan(i).and_then(|p| ds.report.remediation.get(p));
    // A layer of unknown origin says nothing a reader could act on.
    let layer = ix
        .layer(i)
        .filter(|l| l.origin != scanlens_model::triage::LayerOrigin::Unknown);
    if kev.is_none() && epss.is_none() && plan.is_none() && also.is_empty() && layer.is_none() {
        return Node::none();
    }
    let mut dl = Dl::default();
    if let Some(k) = kev {
        dl.row(
            "Known exploited",
            many([
                h("span").class("kev").child("KEV").into(),
                " ".into(),
                present::kev(k).into(),
            ]),
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
            ul("plain", also.iter().map(|t| t.as_str().into())),
        );
    }
    dl.view(Some("triage"))
}

pub fn view(ds: &Dataset, ix: &Index, i: usize, q: &str, also: &[String]) -> Node {
    let Some(o) = ds.findings.get(i) else {
        return Node::none();
    };
    let a = ds.advisory(i);
    let sev = o.severity.as_str().to_ascii_lowercase();
    let pkg = o.package.as_ref();
    let artifact = ds.report.artifacts.get(o.artifact as usize);
    let cvss = a.cvss.iter().map(|(src, c)| {
        let scores = present::cvss_scores(c).into_iter().map(|(label, s, v)| {
            many([
                h("span").class("cvss-ver").child(label).into(),
                " ".into(),
                h("strong")
                    .child(s.map(one_decimal).unwrap_or_default())
                    .into(),
                " ".into(),
                h("code").child(v.unwrap_or_default()).into(),
            ])
        });
        many([
            h("span").class("src").child(src.as_str()).into(),
            h("ul").kids(scores.map(|s| h("li").child(s).into())).into(),
        ])
    });
    let vendor = a.vendor_severity.iter().map(|(k, v)| {
        many([
            h("span").class("src").child(k.as_str()).into(),
            " ".into(),
            h("span")
                .class(format!("sev sev-{}", v.as_str().to_ascii_lowercase()))
                .child(v.as_str())
                .into(),
        ])
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
            dl.row("Fixed in", ul("inline", fixed.iter().map(|v| (*v).into())));
        }
        if let Some(purl) = &p.purl {
            dl.row("PURL", h("code").child(hl(purl, q)).into());
        }
        if let Some(path) = &p.path {
            dl.row("Path", hl(path, q));
        }
        dl.text(
            "Location",
            &present::places(&p.locations).unwrap_or_default(),
        );
    }
    dl.text("Status", o.status.as_deref().unwrap_or(""));
    if let Some(c) = ix.cvss(i) {
        dl.text("Max CVSS", &one_decimal(c as f64));
    }
    if !a.cvss.is_empty() {
        dl.row("CVSS", ul("cvss-list", cvss));
    }
    if !a.vendor_severity.is_empty() {
        dl.row("Vendor severity", ul("inline", vendor));
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
            many([format!("{} ", src.name).into(), link(&src.url)]),
        );
    }
    if let Some(l) = &o.layer {
        dl.text(
            "Layer",
            l.digest.as_deref().or(l.diff_id.as_deref()).unwrap_or(""),
        );
        dl.row(
            "Created by",
            h("code")
                .child(l.created_by.clone().unwrap_or_default())
                .into(),
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
        dl.row("Match (masked)", h("code").child(s.matched.as_str()).into());
        dl.text(
            "Fix",
            present::secret_remedy([artifact.map_or("", |a| a.artifact_type.as_str())]),
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
    let refs = (a.primary_url.is_some() || !a.references.is_empty()).then(|| {
        let refs = a
            .primary_url
            .iter()
            .chain(
                a.references
                    .iter()
                    .filter(|r| Some(*r) != a.primary_url.as_ref()),
            )
            .map(|r| link(r));
        many([h("h3").child("References").into(), ul("refs", refs)])
    });
    let note = |t: String| h("p").class("note").child(t).into();
    h("aside")
        .class("detail")
        .attr("id", DETAIL)
        .attr("aria-label", format!("Details of {}", o.id))
        // Focus moves here when a finding is opened by a key or a click, so that it is
        // announced by this label.
        .attr("tabindex", "-1")
        .child(
            h("div")
                .class("detail-head")
                .child(
                    h("span")
                        .class(format!("sev sev-{sev}"))
                        .child(o.severity.as_str()),
                )
                .child(h("h2").child(hl(&o.id, q)))
                .child(
                    button()
                        .class("close")
                        .attr("aria-label", "Close details (Esc)")
                        .click(Action::Close)
                        .child("✕"),
                ),
        )
        .child((!a.title.is_empty()).then(|| h("p").class("dtitle").child(hl(&a.title, q)).into()))
        .child(
            o.suppressed
                .as_ref()
                .map(|s| note(format!("Suppressed by Trivy: {}", present::suppression(s)))),
        )
        .child(
            o.excluded
                .as_ref()
                .map(|e| note(format!("Excluded by the gate: {}", present::exclusion(e)))),
        )
        .child(triage(ds, ix, i, also))
        .child(dl.view(None))
        .child((!a.description.is_empty()).then(|| {
            many([
                h("h3").child("Description").into(),
                h("p").class("desc").child(hl(&a.description, q)).into(),
            ])
        }))
        .child(code(
            o.misconfiguration
                .as_ref()
                .map(|m| m.code.as_slice())
                .or(o.secret.as_ref().map(|s| s.code.as_slice()))
                .unwrap_or(&[]),
        ))
        .child(refs)
        .into()
}
