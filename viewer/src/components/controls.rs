//! The controls above the list: the search box with its "N of M" count; grouping, sort, scope
//! and row merging; the facets (chips for fix state, status, class and type, and a searchable
//! target facet that shows the top entries and "N more", each with how many findings choosing
//! it would show: the state's [`Facets`](scanlens_model::view::Facets)); the active filters as
//! removable chips; expand/collapse all; and the selection and export buttons.

use super::button;
use crate::data::Data;
use crate::dom::{h, El, Node, NodeRef, On};
use crate::state::{Action, ExportKind, ListFilter, State};
use scanlens_model::view::{Fix, GroupBy, Query, Show, SortBy};

/// A labelled `<select>`; the chosen option's value becomes an action through `to`.
fn select_one(
    id: &'static str,
    label: &'static str,
    opts: Vec<(&'static str, &'static str)>,
    cur: &'static str,
    to: fn(String) -> Action,
) -> Node {
    let opts = opts.into_iter().map(|(v, l)| {
        h("option")
            .attr("value", v)
            .flag("selected", v == cur)
            .child(l)
            .into()
    });
    h("label")
        .class("ctl")
        .attr("for", id)
        .child(label)
        .child(
            h("select")
                .attr("id", id)
                .on("change", On::Value(to))
                .kids(opts)
                // Once the user has picked an option, the browser no longer moves the select
                // when the `selected` attributes change (back, then forward, showed the wrong
                // grouping): the shown choice follows the state through the property too.
                .value(cur),
        )
        .into()
}

/// One facet chip: a value with its count that toggles a filter.
fn chip(label: String, n: usize, on: bool, a: Action) -> El {
    button()
        .class("chip")
        .attr("aria-pressed", on.to_string())
        .click(a)
        .child(h("span").class("cl").child(label))
        .child(h("span").class("cn").child(n.to_string()))
}

/// A facet over the report's own values; left out when there is nothing to choose.
fn facet(label: &'static str, which: ListFilter, s: &State, d: &Data) -> Node {
    let values = d.ix.values(which);
    let cur = s.query.list(which);
    if values.len() < 2 && cur.is_empty() {
        return Node::none();
    }
    h("div")
        .class("facet")
        .attr("role", "group")
        .attr("aria-label", label)
        .child(h("span").class("fname").child(label))
        .kids(values.iter().enumerate().map(|(n, v)| {
            chip(
                v.clone(),
                s.facets.value(which, n),
                cur.contains(v),
                Action::ToggleValue(which, v.clone()),
            )
            .into()
        }))
        .into()
}

/// The target facet: a search over the targets, the top matches by findings, and how many more.
fn targets(s: &State, d: &Data) -> Node {
    let all = d.ix.values(ListFilter::Target).len();
    if all < 2 && s.query.targets.is_empty() {
        return Node::none();
    }
    let (shown, more) = s.facet_targets(d);
    let chips = shown.into_iter().map(|(v, n)| {
        chip(
            scanlens_model::present::middle_ellipsis(v, 40).into_owned(),
            n,
            s.query.targets.iter().any(|t| t == v),
            Action::ToggleValue(ListFilter::Target, v.to_string()),
        )
        .attr("title", v.to_string())
        .into()
    });
    let more = (more > 0).then(|| {
        button()
            .class("more")
            .click(Action::FacetMore)
            .child(format!("{more} more"))
            .into()
    });
    h("div")
        .class("facet targets")
        .attr("role", "group")
        .attr("aria-label", "Target")
        .child(
            h("label")
                .class("fname")
                .attr("for", "facet-target")
                .child(format!("Target ({all})")),
        )
        .child(
            h("input")
                .attr("id", "facet-target")
                .attr("type", "search")
                .class("facet-q")
                .attr("placeholder", "Find a target")
                .attr("autocomplete", "off")
                .attr("spellcheck", "false")
                .value(s.facet_q.as_str())
                .on("input", On::Value(Action::FacetSearch)),
        )
        .kids(chips)
        .child(more)
        .into()
}

/// The active filters: each one's label and the action that removes it.
fn active_filters(q: &Query) -> Vec<(String, Action)> {
    let mut chips: Vec<(String, Action)> = Vec::new();
    if !q.q.trim().is_empty() {
        chips.push((
            format!("search: {}", q.q.trim()),
            Action::Search(String::new()),
        ));
    }
    for &sv in &q.severities {
        chips.push((
            format!("severity: {}", sv.as_str()),
            Action::ToggleSeverity(sv),
        ));
    }
    for &k in &q.kinds {
        chips.push((format!("kind: {}", k.plural()), Action::ToggleKind(k)));
    }
    if q.fix != Fix::Any {
        chips.push((format!("fix: {}", q.fix.as_str()), Action::SetFix(Fix::Any)));
    }
    if q.kev {
        chips.push(("known exploited".into(), Action::ToggleKev));
    }
    if q.show != Show::Counted {
        chips.push((
            format!("show: {}", q.show.as_str()),
            Action::SetShow(Show::Counted),
        ));
    }
    for (name, which, list) in [
        ("status", ListFilter::Status, &q.statuses),
        ("class", ListFilter::Class, &q.classes),
        ("type", ListFilter::Type, &q.pkg_types),
        ("target", ListFilter::Target, &q.targets),
    ] {
        for v in list {
            chips.push((
                format!("{name}: {v}"),
                Action::ToggleValue(which, v.clone()),
            ));
        }
    }
    chips
}

/// The active filters, each a chip that removes it.
fn active(s: &State) -> Node {
    let chips = active_filters(&s.query);
    if chips.is_empty() {
        return Node::none();
    }
    h("div")
        .class("active")
        .attr("role", "group")
        .attr("aria-label", "Active filters")
        .kids(chips.into_iter().map(|(label, a)| {
            button()
                .class("chip on")
                .attr("aria-label", format!("Remove filter {label}"))
                .click(a)
                .child(h("span").class("cl").child(label))
                .child(h("span").class("x").attr("aria-hidden", "true").child("×"))
                .into()
        }))
        .child(
            button()
                .class("more")
                .click(Action::ClearFilters)
                .child("Clear all"),
        )
        .into()
}

pub fn view(s: &State, d: &Data, search: &NodeRef) -> Node {
    let q = &s.query;
    let merge = !q.unmerged;
    let filters = active_filters(q).len();
    let searchbox = h("div")
        .class("searchbox")
        .child(
            h("label")
                .attr("for", "q")
                .class("visually-hidden")
                .child("Search findings"),
        )
        .child(
            h("input")
                .attr("id", "q")
                .attr("type", "search")
                .node_ref(search)
                .value(q.q.as_str())
                .attr(
                    "placeholder",
                    "Search ID, package, PURL, title, description, target, path  ( / )",
                )
                .attr(
                    "title",
                    "Words match anywhere; id:X and package:NAME or package:NAME@VERSION match whole values; \"quotes\" keep words together",
                )
                .attr("autocomplete", "off")
                .attr("spellcheck", "false")
                .on("input", On::Value(Action::Search)),
        )
        .child(
            h("output")
                .class("count-of")
                .attr("aria-live", "polite")
                .attr("for", "q")
                .child(format!("{} of {} findings", s.selected.len(), s.scope)),
        )
        // Only the phone layout shows it (viewer.css): there the controls below take the whole
        // first screen, so they wait behind this one button.
        .child(
            button()
                .class("ctl-toggle")
                .attr("aria-controls", "ctl-more")
                .attr("aria-expanded", s.controls_open.to_string())
                .click(Action::ToggleControls)
                .child(if filters > 0 {
                    format!("Filters ({filters})")
                } else {
                    "Filters".to_string()
                }),
        );
    let unpick = (!s.picked.is_empty()).then(|| {
        button()
            .click(Action::ClearPicks)
            .child(format!("Unselect {}", s.picked.len()))
            .into()
    });
    let actions = h("div")
        .class("actions")
        .child(
            button()
                .attr("id", "expand-all")
                .click(Action::ExpandAll)
                .child("Expand all"),
        )
        .child(
            button()
                .attr("id", "collapse-all")
                .click(Action::CollapseAll)
                .child("Collapse all"),
        )
        .child(
            button()
                .click(Action::PickShown)
                .attr("title", "Select every shown finding")
                .child("Select shown"),
        )
        .child(unpick)
        .child(
            button()
                .attr("id", ExportKind::Text.button())
                .click(Action::Export(ExportKind::Text))
                .attr(
                    "title",
                    "Selected findings (or all shown) as .trivyignore lines",
                )
                .child(".trivyignore"),
        )
        .child(
            button()
                .attr("id", ExportKind::Yaml.button())
                .click(Action::Export(ExportKind::Yaml))
                .attr(
                    "title",
                    "Selected findings (or all shown) as .trivyignore.yaml entries",
                )
                .child(".trivyignore.yaml"),
        );
    let filters = h("div")
        .class("filters")
        .child(select_one(
            "group",
            "Group",
            GroupBy::ALL
                .iter()
                .map(|g| (g.as_str(), g.label()))
                .collect(),
            q.group.as_str(),
            |v| Action::SetGroup(GroupBy::from_name(&v).unwrap_or_default()),
        ))
        .child(select_one(
            "sort",
            "Sort",
            SortBy::ALL
                .iter()
                .map(|s| (s.as_str(), s.label()))
                .collect(),
            q.sort.as_str(),
            |v| Action::SetSort(SortBy::from_name(&v).unwrap_or_default()),
        ))
        .child(select_one(
            "show",
            "Show",
            vec![
                ("counted", "Counted"),
                ("hidden", "Suppressed / ignored"),
                ("all", "All"),
            ],
            q.show.as_str(),
            |v| Action::SetShow(Show::from_name(&v).unwrap_or_default()),
        ))
        .child(
            h("label")
                .class("ctl check")
                .attr("for", "merge")
                .child(
                    h("input")
                        .attr("id", "merge")
                        .attr("type", "checkbox")
                        .checked(merge)
                        .on("change", On::Send(Action::SetMerge(!merge))),
                )
                .child("One row per vulnerability across targets"),
        )
        .child(actions);
    let fix = h("div")
        .class("facet")
        .attr("role", "group")
        .attr("aria-label", "Fix state")
        .child(h("span").class("fname").child("Fix"))
        .kids([Fix::Fixable, Fix::Unfixed].into_iter().map(|f| {
            let on = q.fix == f;
            chip(
                f.as_str().into(),
                s.facets.fix(f),
                on,
                Action::SetFix(if on { Fix::Any } else { f }),
            )
            .into()
        }));
    let facets = h("div")
        .class("facets")
        .child(fix)
        .child(facet("Status", ListFilter::Status, s, d))
        .child(facet("Class", ListFilter::Class, s, d))
        .child(facet("Type", ListFilter::Type, s, d))
        .child(targets(s, d));
    h("div")
        .class(if s.controls_open {
            "controls open"
        } else {
            "controls"
        })
        .attr("role", "search")
        .child(searchbox)
        .child(
            h("div")
                .attr("id", "ctl-more")
                .class("more-controls")
                .child(filters)
                .child(facets),
        )
        .child(active(s))
        .into()
}
