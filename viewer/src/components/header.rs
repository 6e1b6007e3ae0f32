//! The page header: what was scanned (name, digest, OS and whether it is past its end of
//! support, scan time in local time, Trivy version), the gate's verdict in the model's words,
//! and the triage overview: counts by severity and kind, fixable critical/high and known
//! exploited, each a toggle that filters the list and counts what it would show under the rest
//! of the query (the state's facets); the chart keeps the report's own counts.

use super::{each, send};
use crate::data::Data;
use crate::state::{Action, State};
use scanlens_model::present;
use scanlens_model::{Artifact, Kind, Severity, Summary};
use yew::prelude::*;
use yew::virtual_dom::{AttributeOrProperty, Attributes, VTag};

/// An RFC 3339 time in the browser's time zone, `2021-08-25 14:20 (UTC+02:00)`; as given when the
/// browser cannot read it.
fn local_time(ts: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(ts));
    if d.get_time().is_nan() {
        return ts.to_string();
    }
    let off = -(d.get_timezone_offset() as i64);
    let sign = if off < 0 { '-' } else { '+' };
    format!(
        "{}-{:02}-{:02} {:02}:{:02} (UTC{sign}{:02}:{:02})",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        off.abs() / 60,
        off.abs() % 60
    )
}

/// The image's digest, short: the first repo digest, else the image ID.
fn digest(a: &Artifact) -> Option<String> {
    let d = a
        .repo_digests
        .first()
        .and_then(|d| d.split_once('@').map(|(_, h)| h.to_string()))
        .or_else(|| a.image_id.clone())?;
    let hex = d.strip_prefix("sha256:").unwrap_or(&d);
    Some(format!("sha256:{}", hex.get(..12).unwrap_or(hex)))
}

fn fact(label: &str, value: String, full: Option<String>) -> Html {
    html! {
        <span CLASS="fact" title={full}><span CLASS="fl">{ label.to_string() }</span>{ " " }{ value }</span>
    }
}

/// One artifact's facts; `named` when the report holds several, so each line says whose.
fn context(a: &Artifact, named: bool) -> Html {
    let full_digest = a
        .repo_digests
        .first()
        .cloned()
        .or_else(|| a.image_id.clone());
    html! {
        <div CLASS="context">
            if named { <span CLASS="fact aname">{ present::artifact_title(a) }</span> }
            if let Some(d) = digest(a) { { fact("digest", d, full_digest) } }
            if let Some(o) = &a.os {
                <span CLASS={if o.eosl { "fact eosl" } else { "fact" }}><span CLASS="fl">{ "OS" }</span>{ " " }{ present::os(o) }</span>
            }
            if let Some(t) = &a.scanned_at { { fact("scanned", local_time(t), Some(t.clone())) } }
            if let Some(v) = &a.trivy_version { { fact("Trivy", v.clone(), None) } }
        </div>
    }
}

/// One part of a bar of the chart: `w` wide at `x`, filled by CSS class `class`. Built by hand:
/// `html!` turns a computed `class` into Yew's `Classes` set, and this is the one computed class
/// on an SVG element, where `CLASS` (see `components/mod.rs`) is not folded to `class`.
fn rect(class: String, x: u64, w: u64) -> Html {
    let attr = |v: String| Some(AttributeOrProperty::Attribute(v.into()));
    let mut r = VTag::new("rect");
    r.attributes = Attributes::Dynamic {
        keys: &["x", "y", "width", "height", "class"],
        values: Box::new([
            attr(x.to_string()),
            Some(AttributeOrProperty::Static("0")),
            attr(w.to_string()),
            Some(AttributeOrProperty::Static("1")),
            attr(class),
        ]),
    };
    r.into()
}

/// A small chart of the counts by kind × severity: one bar per kind, stacked by severity, all to
/// one scale. SVG attributes, not styles, size the parts (the page's CSP allows no inline
/// styles); the numbers are in its label.
fn chart(sum: &Summary) -> Html {
    let kinds: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| sum.of(*k).total() > 0)
        .collect();
    let max = kinds.iter().map(|k| sum.of(*k).total()).max().unwrap_or(0);
    if max == 0 {
        return html! {};
    }
    let label = kinds
        .iter()
        .map(|k| format!("{} {}", k.plural(), present::severity_counts(sum.of(*k))))
        .collect::<Vec<_>>()
        .join("; ");
    let bar = |k: Kind| {
        let c = sum.of(k);
        let mut x = 0;
        let parts = Severity::ALL
            .iter()
            .filter(|sv| c.get(**sv) > 0)
            .map(|&sv| {
                let w = c.get(sv);
                let at = x;
                x += w;
                rect(format!("f-{}", sv.as_str().to_ascii_lowercase()), at, w)
            });
        html! {
            <>
                <span CLASS="ck">{ k.plural() }</span>
                <svg class="cbar" viewBox={format!("0 0 {max} 1")} preserveAspectRatio="none">{ each(parts) }</svg>
            </>
        }
    };
    html! {
        <div CLASS="chart" role="img" aria-label={format!("Findings by kind and severity: {label}")}>
            { each(kinds.iter().map(|k| bar(*k))) }
        </div>
    }
}

pub fn view(s: &State, d: &Data, act: &Callback<Action>) -> Html {
    let r = &d.ds.report;
    let q = &s.query;
    let sum = &r.summary;
    let sev_buttons = Severity::ALL.iter().map(|&sv| {
        let n = s.facets.severity(sv);
        let on = q.severities.contains(&sv);
        html! {
            <button type="button" CLASS={format!("count sev-{}", sv.as_str().to_ascii_lowercase())}
                aria-pressed={on.to_string()} data-severity={sv.as_str()}
                title={format!("Show only {} findings (click again to undo)", sv.as_str())}
                onclick={send(act, Action::ToggleSeverity(sv))}>
                <span CLASS="n">{ n }</span><span CLASS="l">{ sv.as_str() }</span>
            </button>
        }
    });
    let kind_buttons = Kind::ALL.iter().filter(|k| sum.of(**k).total() > 0 || **k == Kind::Vulnerability).map(|&k| {
        let on = q.kinds.contains(&k);
        html! {
            <button type="button" CLASS="count kind" aria-pressed={on.to_string()} data-kind={k.as_str()}
                onclick={send(act, Action::ToggleKind(k))}>
                <span CLASS="n">{ s.facets.kind(k) }</span><span CLASS="l">{ k.plural() }</span>
            </button>
        }
    });
    let title = if r.artifacts.is_empty() {
        "Scanlens report".to_string()
    } else {
        r.artifacts
            .iter()
            .map(present::artifact_title)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let gate = r.gate.as_ref().filter(|g| g.has_rules()).map(|g| {
        let cls = if g.failed {
            "gate gate-failed"
        } else {
            "gate gate-passed"
        };
        html! { <span CLASS={cls}>{ present::gate_verdict(g) }</span> }
    });
    let kev_feed = r.feeds.as_ref().is_some_and(|f| f.kev.is_some());
    let urgent = s.fixable_urgent();
    html! {
        <header CLASS="top">
            <div CLASS="titlebar">
                <h1>{ title }</h1>
                { for gate }
                <span CLASS="meta">
                    { format!("{} total · {} fixable", sum.total(), r.stats.fixable) }
                    if r.stats.packages > 0 { { format!(" · {} packages", r.stats.packages) } }
                </span>
                <button type="button" CLASS="theme" aria-label="Toggle dark theme" onclick={send(act, Action::ToggleTheme)}>{ "◐" }</button>
            </div>
            // A few artifacts each get their line; more would push the list off the screen.
            if r.artifacts.len() <= 4 {
                { each(r.artifacts.iter().map(|a| context(a, r.artifacts.len() > 1))) }
            }
            <nav CLASS="summary" aria-label="Counts by severity and kind; click to filter">
                { each(sev_buttons) }
                <span CLASS="sep" aria-hidden="true"></span>
                { each(kind_buttons) }
                <span CLASS="sep" aria-hidden="true"></span>
                <button type="button" CLASS="count triage" id="fixable-urgent" aria-pressed={urgent.to_string()}
                    title="Show only fixable critical and high findings (click again to undo)"
                    onclick={send(act, Action::ToggleFixableUrgent)}>
                    <span CLASS="n">{ s.facets.fixable_urgent() }</span><span CLASS="l">{ "fixable critical/high" }</span>
                </button>
                if kev_feed || d.any_kev {
                    <button type="button" CLASS="count triage kev-count" id="known-exploited" aria-pressed={q.kev.to_string()}
                        title="Show only findings in CISA's Known Exploited Vulnerabilities catalog (click again to undo)"
                        onclick={send(act, Action::ToggleKev)}>
                        <span CLASS="n">{ s.facets.kev() }</span><span CLASS="l">{ "known exploited" }</span>
                    </button>
                }
                { chart(sum) }
            </nav>
        </header>
    }
}
