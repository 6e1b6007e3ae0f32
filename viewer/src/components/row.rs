//! One line of the grid, always [`ROW_H`](crate::state::ROW_H) tall: a group's header (with its
//! counts by severity; for vulnerability groups, the merged row of the CVE with its packages)
//! or one finding in fixed column tracks ([`COLUMNS`]). Misconfigurations and secrets fill the
//! package and version columns with their resource or category and their lines. Long packages,
//! versions and targets are cut in the middle (`present::middle_ellipsis`), the full text in
//! the cell's title and shown over the row while it has focus.

use super::highlight::hl;
use super::send;
use crate::data::Data;
use crate::state::{Action, State};
use scanlens_model::present::{self, middle_ellipsis, one_decimal};
use scanlens_model::view::{Group, GroupBy, Line, SortBy};
use scanlens_model::Kind;
use yew::prelude::*;

/// The columns after the selection box: class (CSS track), header label, sort.
pub const COLUMNS: [(&str, &str, Option<SortBy>); 8] = [
    ("c-sev", "Severity", Some(SortBy::Severity)),
    ("c-id", "ID", Some(SortBy::Id)),
    ("c-cvss", "CVSS", Some(SortBy::Cvss)),
    ("c-epss", "EPSS", Some(SortBy::Epss)),
    ("c-pkg", "Package", Some(SortBy::Package)),
    ("c-ver", "Version", None),
    ("c-title", "Title", None),
    ("c-target", "Target", Some(SortBy::Target)),
];

/// Characters the package, version and target columns show before cutting in the middle.
const PKG_CHARS: usize = 27;
const VER_CHARS: usize = 26;
const TARGET_CHARS: usize = 34;

/// Line `n` of the list.
pub fn view(s: &State, d: &Data, n: usize, act: &Callback<Action>) -> Html {
    let cur = s.cursor == Some(n);
    match s.lines[n] {
        Line::Header(g) => header(s, d, &s.groups[g as usize], n, cur, act),
        Line::Item { g, i } => item(s, d, g, i, n, cur, act),
    }
}

/// A cell cut in the middle when long, with the whole text in its title and, for CSS to show
/// while the row has focus, in `data-full`.
fn cut(class: &'static str, text: &str, max: usize, q: &str, title: Option<String>) -> Html {
    let short = middle_ellipsis(text, max);
    let cut = short.len() != text.len();
    let full = title.or_else(|| cut.then(|| text.to_string()));
    html! {
        <span role="gridcell" CLASS={format!("{class} mid")} title={full.clone()} data-full={cut.then_some(full).flatten()}>
            <span CLASS="t">{ hl(&short, q) }</span>
        </span>
    }
}

fn header(s: &State, d: &Data, g: &Group, n: usize, cur: bool, act: &Callback<Action>) -> Html {
    let q = &s.query.q;
    let by_id = s.query.group == GroupBy::Vulnerability;
    let collapsed = s.collapsed(g);
    let sev = g.worst.as_str().to_ascii_lowercase();
    let extra = if by_id {
        let first = g.rows[0] as usize;
        let a = d.ds.advisory(first);
        let mut pk: Vec<&str> = g
            .rows
            .iter()
            .map(|&i| d.ds.findings[i as usize].package_name())
            .filter(|p| !p.is_empty())
            .collect();
        pk.dedup();
        let more = pk.len().saturating_sub(4);
        let mut list = pk.iter().take(4).copied().collect::<Vec<_>>().join(", ");
        if more > 0 {
            list.push_str(&format!(" +{more}"));
        }
        html! { <>
            if d.ix.kev(first) { <span CLASS="kev" title="In CISA's Known Exploited Vulnerabilities catalog">{ "KEV" }</span> }
            <span CLASS="pkgs">{ list }</span>
            <span CLASS="title">{ hl(&a.title, q) }</span>
        </> }
    } else {
        html! {}
    };
    let total = g.total();
    html! {
        <div CLASS={["line group sev-", sev.as_str(), if cur { " cursor" } else { "" }].concat()} role="row"
            aria-rowindex={(n + 2).to_string()} key={format!("h{}", g.key)}>
            <span role="gridcell" CLASS="gcell" aria-colspan={(COLUMNS.len() + 1).to_string()}>
                <button type="button" CLASS="toggle" aria-expanded={(!collapsed).to_string()}
                    onclick={send(act, Action::ToggleGroup(g.key.clone()))}
                    onfocus={send(act, Action::Cursor(n))}>
                    <span CLASS="chev" aria-hidden="true">{ if collapsed { "▸" } else { "▾" } }</span>
                    if by_id {
                        <span CLASS={format!("sev sev-{sev}")}>{ g.worst.as_str() }</span>
                        <span CLASS="gid">{ hl(&g.label, q) }</span>
                    } else {
                        <span CLASS="glabel" title={g.label.clone()}>{ &g.label }</span>
                    }
                    if !g.detail.is_empty() {
                        <span CLASS="gdetail" title={g.detail.clone()}>{ middle_ellipsis(&g.detail, 60).into_owned() }</span>
                    }
                    <span CLASS="gcount">{ format!("{total} finding{}", if total == 1 { "" } else { "s" }) }</span>
                    if s.query.group != GroupBy::Severity {
                        <span CLASS="gsevs">{ present::severity_counts(&g.counts) }</span>
                    }
                    { extra }
                </button>
            </span>
        </div>
    }
}

fn item(s: &State, d: &Data, g: u32, i: u32, n: usize, cur: bool, act: &Callback<Action>) -> Html {
    let q = &s.query.q;
    let iu = i as usize;
    let o = &d.ds.findings[iu];
    let a = d.ds.advisory(iu);
    let sev = o.severity.as_str().to_ascii_lowercase();
    let pkg = o.package.as_ref();
    // The package and version columns: what identifies the finding in its kind.
    let lines = |s, e| present::location(s, e).unwrap_or_default();
    let (part, version) = match (o.kind, &o.misconfiguration, &o.secret, &o.license) {
        (Kind::Misconfiguration, Some(m), _, _) => (
            m.resource.clone().unwrap_or_else(|| m.check_type.clone()),
            lines(m.start_line, m.end_line),
        ),
        (Kind::Secret, _, Some(x), _) => (x.category.clone(), lines(x.start_line, x.end_line)),
        (Kind::License, _, _, Some(l)) => (o.package_name().to_string(), l.category.clone()),
        _ => {
            let upgrade =
                d.ix.plan(iu)
                    .and_then(|p| d.ds.report.remediation[p].upgrade_to.clone())
                    .or_else(|| pkg.map(|p| p.fixed_version.clone()))
                    .unwrap_or_default();
            let installed = pkg.map(|p| p.installed_version.as_str()).unwrap_or("");
            let v = if upgrade.is_empty() {
                installed.to_string()
            } else {
                format!("{installed} → {upgrade}")
            };
            (o.package_name().to_string(), v)
        }
    };
    let title = if a.title.is_empty() {
        o.misconfiguration
            .as_ref()
            .map(|m| m.message.as_str())
            .unwrap_or(&a.description)
    } else {
        &a.title
    };
    let open = s.detail == Some(i);
    let picked = s.is_picked(i);
    let cvss = d.ix.cvss(iu).map(|c| one_decimal(c as f64));
    let epss = d.ix.epss(iu).map(|e| present::epss_short(e as f64));
    let also = s.merged_with(g, i);
    let (target, target_title) = if also.is_empty() {
        (o.target.clone(), None)
    } else {
        let all: Vec<&str> = std::iter::once(iu)
            .chain(also.iter().map(|&j| j as usize))
            .map(|j| d.ds.findings[j].target.as_str())
            .collect();
        (
            format!(
                "{} +{} more",
                middle_ellipsis(&o.target, TARGET_CHARS - 8),
                also.len()
            ),
            Some(format!("{} targets: {}", all.len(), all.join(", "))),
        )
    };
    html! {
        <div CLASS={["line item", if cur { " cursor" } else { "" }, if open { " open" } else { "" }, if !o.is_counted() || o.excluded.is_some() { " hidden-finding" } else { "" }].concat()}
            role="row" aria-rowindex={(n + 2).to_string()} key={format!("f{i}")} aria-selected={open.to_string()}>
            <span role="gridcell" CLASS="c-pick">
                <input type="checkbox" CLASS="pick" checked={picked} aria-label={format!("Select {}", o.id)}
                    onclick={send(act, Action::Pick(i))} />
            </span>
            <span role="gridcell" CLASS="c-sev"><span CLASS={format!("sev sev-{sev}")}>{ o.severity.as_str() }</span></span>
            <span role="gridcell" CLASS="c-id">
                <button type="button" CLASS="fid" onclick={send(act, Action::Open(i))}
                    onfocus={send(act, Action::Cursor(n))}>{ hl(&o.id, q) }</button>
                if d.ix.kev(iu) { <span CLASS="kev" title="In CISA's Known Exploited Vulnerabilities catalog">{ "KEV" }</span> }
            </span>
            <span role="gridcell" CLASS="c-cvss">{ cvss.unwrap_or_default() }</span>
            <span role="gridcell" CLASS="c-epss">{ epss.unwrap_or_default() }</span>
            { cut("c-pkg", &part, PKG_CHARS, q, None) }
            { cut("c-ver", &version, VER_CHARS, "", None) }
            <span role="gridcell" CLASS="c-title">{ hl(title, q) }</span>
            if target_title.is_some() {
                <span role="gridcell" CLASS="c-target mid merged" title={target_title.clone()} data-full={target_title}>
                    <span CLASS="t">{ target }</span>
                </span>
            } else {
                { cut("c-target", &target, TARGET_CHARS, q, None) }
            }
        </div>
    }
}
