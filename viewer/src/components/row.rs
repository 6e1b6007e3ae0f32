//! One line of the grid, always [`ROW_H`](crate::state::ROW_H) tall: a group's header (with its
//! counts by severity; for vulnerability groups, the merged row of the CVE with its packages)
//! or one finding in fixed column tracks ([`COLUMNS`]). Misconfigurations and secrets fill the
//! package and version columns with their resource or category and their lines. Long packages,
//! versions and targets are cut in the middle (`present::middle_ellipsis`), the full text in
//! the cell's title and shown over the row while it has focus.

use super::button;
use super::highlight::hl;
use crate::data::Data;
use crate::dom::{h, many, Node, On};
use crate::state::{Action, State};
use scanlens_model::present::{self, middle_ellipsis, one_decimal};
use scanlens_model::view::{Group, GroupBy, Line, SortBy};
use scanlens_model::Kind;

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
pub fn view(s: &State, d: &Data, n: usize) -> Node {
    let cur = s.cursor == Some(n);
    match s.lines[n] {
        Line::Header(g) => header(s, d, &s.groups[g as usize], n, cur),
        Line::Item { g, i } => item(s, d, g, i, n, cur),
    }
}

fn cell(class: &'static str) -> crate::dom::El {
    h("span").attr("role", "gridcell").class(class)
}

fn kev_badge() -> Node {
    h("span")
        .class("kev")
        .attr("title", "In CISA's Known Exploited Vulnerabilities catalog")
        .child("KEV")
        .into()
}

/// A cell cut in the middle when long, with the whole text in its title and, for CSS to show
/// while the row has focus, in `data-full`.
fn cut(class: &'static str, text: &str, max: usize, q: &str) -> Node {
    let short = middle_ellipsis(text, max);
    let full = (short.len() != text.len()).then(|| text.to_string());
    h("span")
        .attr("role", "gridcell")
        .class(format!("{class} mid"))
        .attr_opt("title", full.clone())
        .attr_opt("data-full", full)
        .child(h("span").class("t").child(hl(&short, q)))
        .into()
}

fn header(s: &State, d: &Data, g: &Group, n: usize, cur: bool) -> Node {
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
        many([
            d.ix.kev(first).then(kev_badge).into(),
            h("span").class("pkgs").child(list).into(),
            h("span").class("title").child(hl(&a.title, q)).into(),
        ])
    } else {
        Node::none()
    };
    let total = g.total();
    let label = if by_id {
        many([
            h("span")
                .class(format!("sev sev-{sev}"))
                .child(g.worst.as_str())
                .into(),
            h("span").class("gid").child(hl(&g.label, q)).into(),
        ])
    } else {
        h("span")
            .class("glabel")
            .attr("title", g.label.clone())
            .child(g.label.as_str())
            .into()
    };
    let detail = (!g.detail.is_empty()).then(|| {
        h("span")
            .class("gdetail")
            .attr("title", g.detail.clone())
            .child(middle_ellipsis(&g.detail, 60).into_owned())
            .into()
    });
    let sevs = (s.query.group != GroupBy::Severity).then(|| {
        h("span")
            .class("gsevs")
            .child(present::severity_counts(&g.counts))
            .into()
    });
    h("div")
        .class(
            [
                "line group sev-",
                sev.as_str(),
                if cur { " cursor" } else { "" },
            ]
            .concat(),
        )
        .attr("role", "row")
        .attr("aria-rowindex", (n + 2).to_string())
        .key(format!("h{}", g.key))
        .child(
            cell("gcell")
                .attr("aria-colspan", (COLUMNS.len() + 1).to_string())
                .child(
                    button()
                        .class("toggle")
                        .attr("aria-expanded", (!collapsed).to_string())
                        .click(Action::ToggleGroup(g.key.clone()))
                        .on("focus", On::Send(Action::Cursor(n)))
                        .child(
                            h("span")
                                .class("chev")
                                .attr("aria-hidden", "true")
                                .child(if collapsed { "▸" } else { "▾" }),
                        )
                        .child(label)
                        .child(detail)
                        .child(h("span").class("gcount").child(format!(
                            "{total} finding{}",
                            if total == 1 { "" } else { "s" }
                        )))
                        .child(sevs)
                        .child(extra),
                ),
        )
        .into()
}

fn item(s: &State, d: &Data, g: u32, i: u32, n: usize, cur: bool) -> Node {
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
    let target = match target_title {
        Some(t) => cell("c-target mid merged")
            .attr("title", t.clone())
            .attr("data-full", t)
            .child(h("span").class("t").child(target))
            .into(),
        None => cut("c-target", &target, TARGET_CHARS, q),
    };
    let hidden = !o.is_counted() || o.excluded.is_some();
    h("div")
        .class(
            [
                "line item",
                if cur { " cursor" } else { "" },
                if open { " open" } else { "" },
                if hidden { " hidden-finding" } else { "" },
            ]
            .concat(),
        )
        .attr("role", "row")
        .attr("aria-rowindex", (n + 2).to_string())
        .key(format!("f{i}"))
        .attr("aria-selected", open.to_string())
        .child(
            cell("c-pick").child(
                h("input")
                    .attr("type", "checkbox")
                    .class("pick")
                    .checked(picked)
                    .attr("aria-label", format!("Select {}", o.id))
                    .click(Action::Pick(i)),
            ),
        )
        .child(
            cell("c-sev").child(
                h("span")
                    .class(format!("sev sev-{sev}"))
                    .child(o.severity.as_str()),
            ),
        )
        .child(
            cell("c-id")
                .child(
                    button()
                        .class("fid")
                        .click(Action::Open(i))
                        .on("focus", On::Send(Action::Cursor(n)))
                        .child(hl(&o.id, q)),
                )
                .child(d.ix.kev(iu).then(kev_badge)),
        )
        .child(cell("c-cvss").child(cvss.unwrap_or_default()))
        .child(cell("c-epss").child(epss.unwrap_or_default()))
        .child(cut("c-pkg", &part, PKG_CHARS, q))
        .child(cut("c-ver", &version, VER_CHARS, ""))
        .child(cell("c-title").child(hl(title, q)))
        .child(target)
        .into()
}
