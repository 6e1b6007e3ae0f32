//! The page header: what was scanned (name, digest, OS and whether it is past its end of
//! support, scan time in local time, Trivy version), the gate's verdict in the model's words,
//! and the triage overview: counts by severity and kind, fixable critical/high and known
//! exploited, each a toggle that filters the list and counts what it would show under the rest
//! of the query (the state's facets); the chart keeps the report's own counts. The "Fix first"
//! button, when the report plans anything to fix, opens that panel.

use super::button;
use crate::data::Data;
use crate::dom::{h, many, Node};
use crate::state::{Action, State, FIX_FIRST, FIX_FIRST_BUTTON};
use scanlens_model::present;
use scanlens_model::{Artifact, Kind, Severity, Summary};

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

fn fact(label: &str, value: String, full: Option<String>) -> Node {
    h("span")
        .class("fact")
        .attr_opt("title", full)
        .child(h("span").class("fl").child(label))
        .child(" ")
        .child(value)
        .into()
}

/// One artifact's facts; `named` when the report holds several, so each line says whose.
fn context(a: &Artifact, named: bool) -> Node {
    let full_digest = a
        .repo_digests
        .first()
        .cloned()
        .or_else(|| a.image_id.clone());
    h("div")
        .class("context")
        .child(named.then(|| {
            h("span")
                .class("fact aname")
                .child(present::artifact_title(a))
                .into()
        }))
        .child(digest(a).map(|d| fact("digest", d, full_digest)))
        .child(a.os.as_ref().map(|o| {
            h("span")
                .class(if o.eosl { "fact eosl" } else { "fact" })
                .child(h("span").class("fl").child("OS"))
                .child(" ")
                .child(present::os(o))
                .into()
        }))
        .child(
            a.scanned_at
                .as_ref()
                .map(|t| fact("scanned", local_time(t), Some(t.clone()))),
        )
        .child(
            a.trivy_version
                .as_ref()
                .map(|v| fact("Trivy", v.clone(), None)),
        )
        .into()
}

/// One part of a bar of the chart: `w` wide at `x`, filled by CSS class `class`.
fn rect(class: String, x: u64, w: u64) -> Node {
    h("rect")
        .attr("x", x.to_string())
        .attr("y", "0")
        .attr("width", w.to_string())
        .attr("height", "1")
        .class(class)
        .into()
}

/// A small chart of the counts by kind × severity: one bar per kind, stacked by severity, all to
/// one scale. SVG attributes, not styles, size the parts (the page's CSP allows no inline
/// styles); the numbers are in its label.
fn chart(sum: &Summary) -> Node {
    let kinds: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| sum.of(*k).total() > 0)
        .collect();
    let max = kinds.iter().map(|k| sum.of(*k).total()).max().unwrap_or(0);
    if max == 0 {
        return Node::none();
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
        many([
            h("span").class("ck").child(k.plural()).into(),
            h("svg")
                .class("cbar")
                .attr("viewBox", format!("0 0 {max} 1"))
                .attr("preserveAspectRatio", "none")
                .kids(parts)
                .into(),
        ])
    };
    h("div")
        .class("chart")
        .attr("role", "img")
        .attr(
            "aria-label",
            format!("Findings by kind and severity: {label}"),
        )
        .kids(kinds.iter().map(|k| bar(*k)))
        .into()
}

/// A count that filters the list when pressed.
fn count(class: String, on: bool, n: usize, label: &str, a: Action) -> crate::dom::El {
    button()
        .class(class)
        .attr("aria-pressed", on.to_string())
        .click(a)
        .child(h("span").class("n").child(n.to_string()))
        .child(h("span").class("l").child(label))
}

pub fn view(s: &State, d: &Data) -> Node {
    let r = &d.ds.report;
    let q = &s.query;
    let sum = &r.summary;
    let sev_buttons = Severity::ALL.iter().map(|&sv| {
        let n = s.facets.severity(sv);
        let on = q.severities.contains(&sv);
        count(
            format!("count sev-{}", sv.as_str().to_ascii_lowercase()),
            on,
            n,
            sv.as_str(),
            Action::ToggleSeverity(sv),
        )
        .attr("data-severity", sv.as_str())
        .attr(
            "title",
            format!("Show only {} findings (click again to undo)", sv.as_str()),
        )
        .into()
    });
    let kind_buttons = Kind::ALL
        .iter()
        .filter(|k| sum.of(**k).total() > 0 || **k == Kind::Vulnerability)
        .map(|&k| {
            let on = q.kinds.contains(&k);
            count(
                "count kind".into(),
                on,
                s.facets.kind(k),
                k.plural(),
                Action::ToggleKind(k),
            )
            .attr("data-kind", k.as_str())
            .into()
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
        h("span").class(cls).child(present::gate_verdict(g)).into()
    });
    let kev_feed = r.feeds.as_ref().is_some_and(|f| f.kev.is_some());
    let urgent = s.fixable_urgent();
    let mut meta = format!("{} total · {} fixable", sum.total(), r.stats.fixable);
    if r.stats.packages > 0 {
        meta.push_str(&format!(" · {} packages", r.stats.packages));
    }
    let sep = || h("span").class("sep").attr("aria-hidden", "true");
    let kev = (kev_feed || d.any_kev).then(|| {
        count(
            "count triage kev-count".into(),
            q.kev,
            s.facets.kev(),
            "known exploited",
            Action::ToggleKev,
        )
        .attr("id", "known-exploited")
        .attr(
            "title",
            "Show only findings in CISA's Known Exploited Vulnerabilities catalog (click again to undo)",
        )
        .into()
    });
    let fix_first = (!r.fix_first.is_empty()).then(|| {
        button()
            .class("ff-open")
            .attr("id", FIX_FIRST_BUTTON)
            .attr("aria-haspopup", "dialog")
            .attr("aria-expanded", s.fix_first.to_string())
            // Only while the panel exists: a reference to a missing element is an error.
            .attr_opt("aria-controls", s.fix_first.then(|| FIX_FIRST.to_string()))
            .click(if s.fix_first {
                Action::CloseFixFirst
            } else {
                Action::OpenFixFirst
            })
            .child("Fix first")
            .into()
    });
    h("header")
        .class("top")
        .child(
            h("div")
                .class("titlebar")
                .child(h("h1").child(title))
                .child(gate)
                .child(h("span").class("meta").child(meta))
                .child(fix_first)
                .child(
                    button()
                        .class("theme")
                        .attr("aria-label", "Toggle dark theme")
                        .click(Action::ToggleTheme)
                        .child("◐"),
                ),
        )
        // A few artifacts each get their line; more would push the list off the screen.
        .child((r.artifacts.len() <= 4).then(|| {
            many(
                r.artifacts
                    .iter()
                    .map(|a| context(a, r.artifacts.len() > 1)),
            )
        }))
        .child(
            h("nav")
                .class("summary")
                .attr("aria-label", "Counts by severity and kind; click to filter")
                .kids(sev_buttons)
                .child(sep())
                .kids(kind_buttons)
                .child(sep())
                .child(
                    count(
                        "count triage".into(),
                        urgent,
                        s.facets.fixable_urgent(),
                        "fixable critical/high",
                        Action::ToggleFixableUrgent,
                    )
                    .attr("id", "fixable-urgent")
                    .attr(
                        "title",
                        "Show only fixable critical and high findings (click again to undo)",
                    ),
                )
                .child(kev)
                .child(chart(sum)),
        )
        .into()
}
