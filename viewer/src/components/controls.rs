//! The controls above the list: the search box with its "N of M" count; grouping, sort, scope
//! and row merging; the facets (chips for fix state, status, class and type, and a searchable
//! target facet that shows the top entries and "N more", each with how many findings choosing
//! it would show: the state's [`Facets`](scanlens_model::view::Facets)); the active filters as
//! removable chips; expand/collapse all; and the selection and export buttons.

use super::{each, send};
use crate::data::Data;
use crate::state::{Action, ExportKind, ListFilter, State};
use scanlens_model::view::{Fix, GroupBy, Query, Show, SortBy};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// A labelled `<select>`; the chosen option's value becomes an action through `to` (a plain
/// function, so that the three selects share one callback in the wasm).
fn select_one(
    id: &'static str,
    label: &'static str,
    opts: Vec<(&'static str, &'static str)>,
    cur: &'static str,
    act: &Callback<Action>,
    to: fn(&str) -> Action,
) -> Html {
    html! {
        <label CLASS="ctl" for={id}>{ label }
            <select id={id} onchange={act.reform(move |e: Event| { let s: HtmlSelectElement = e.target_unchecked_into(); to(&s.value()) })}>
                { each(opts.into_iter().map(|(v, l)| html!{ <option value={v} selected={v == cur}>{ l }</option> })) }
            </select>
        </label>
    }
}

/// A text box's input as an action (one callback in the wasm for both search boxes).
fn typed(act: &Callback<Action>, to: fn(String) -> Action) -> Callback<InputEvent> {
    act.reform(move |e: InputEvent| {
        let i: HtmlInputElement = e.target_unchecked_into();
        to(i.value())
    })
}

/// One facet chip: a value with its count that toggles a filter.
fn chip(label: String, n: usize, on: bool, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <button type="button" CLASS="chip" aria-pressed={on.to_string()} {onclick}>
            <span CLASS="cl">{ label }</span><span CLASS="cn">{ n }</span>
        </button>
    }
}

/// A facet over the report's own values; left out when there is nothing to choose.
fn facet(
    label: &'static str,
    which: ListFilter,
    s: &State,
    d: &Data,
    act: &Callback<Action>,
) -> Html {
    let values = d.ix.values(which);
    let cur = s.query.list(which);
    if values.len() < 2 && cur.is_empty() {
        return html! {};
    }
    html! {
        <div CLASS="facet" role="group" aria-label={label}>
            <span CLASS="fname">{ label }</span>
            { each(values.iter().enumerate().map(|(n, v)| {
                chip(v.clone(), s.facets.value(which, n), cur.contains(v), send(act, Action::ToggleValue(which, v.clone())))
            })) }
        </div>
    }
}

/// The target facet: a search over the targets, the top matches by findings, and how many more.
fn targets(s: &State, d: &Data, act: &Callback<Action>) -> Html {
    let all = d.ix.values(ListFilter::Target).len();
    if all < 2 && s.query.targets.is_empty() {
        return html! {};
    }
    let (shown, more) = s.facet_targets(d);
    let oninput = typed(act, Action::FacetSearch);
    html! {
        <div CLASS="facet targets" role="group" aria-label="Target">
            <label CLASS="fname" for="facet-target">{ format!("Target ({all})") }</label>
            <input id="facet-target" type="search" CLASS="facet-q" placeholder="Find a target"
                autocomplete="off" spellcheck="false" value={s.facet_q.clone()} {oninput} />
            { each(shown.into_iter().map(|(v, n)| {
                html! {
                    <button type="button" CLASS="chip" aria-pressed={s.query.targets.iter().any(|t| t == v).to_string()} title={v.to_string()}
                        onclick={send(act, Action::ToggleValue(ListFilter::Target, v.to_string()))}>
                        <span CLASS="cl">{ scanlens_model::present::middle_ellipsis(v, 40).into_owned() }</span><span CLASS="cn">{ n }</span>
                    </button>
                }
            })) }
            if more > 0 {
                <button type="button" CLASS="more" onclick={send(act, Action::FacetMore)}>{ format!("{more} more") }</button>
            }
        </div>
    }
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
fn active(s: &State, act: &Callback<Action>) -> Html {
    let chips = active_filters(&s.query);
    if chips.is_empty() {
        return html! {};
    }
    html! {
        <div CLASS="active" role="group" aria-label="Active filters">
            { each(chips.into_iter().map(|(label, a)| html! {
                <button type="button" CLASS="chip on" aria-label={format!("Remove filter {label}")}
                    onclick={send(act, a.clone())}>
                    <span CLASS="cl">{ label }</span><span CLASS="x" aria-hidden="true">{ "×" }</span>
                </button>
            })) }
            <button type="button" CLASS="more" onclick={send(act, Action::ClearFilters)}>{ "Clear all" }</button>
        </div>
    }
}

pub fn view(s: &State, d: &Data, search: &NodeRef, act: &Callback<Action>) -> Html {
    let q = &s.query;
    let oninput = typed(act, Action::Search);
    let merge = !q.unmerged;
    let filters = active_filters(q).len();
    html! {
        <div CLASS={if s.controls_open { "controls open" } else { "controls" }} role="search">
            <div CLASS="searchbox">
                <label for="q" CLASS="visually-hidden">{ "Search findings" }</label>
                <input id="q" type="search" ref={search.clone()} value={q.q.clone()}
                    placeholder="Search ID, package, PURL, title, description, target, path  ( / )"
                    autocomplete="off" spellcheck="false" {oninput} />
                <output CLASS="count-of" aria-live="polite" for="q">
                    { format!("{} of {} findings", s.selected.len(), s.scope) }
                </output>
                // Only the phone layout shows it (viewer.css): there the controls below take
                // the whole first screen, so they wait behind this one button.
                <button type="button" CLASS="ctl-toggle" aria-controls="ctl-more"
                    aria-expanded={s.controls_open.to_string()} onclick={send(act, Action::ToggleControls)}>
                    { if filters > 0 { format!("Filters ({filters})") } else { "Filters".to_string() } }
                </button>
            </div>
            <div id="ctl-more" CLASS="more-controls">
            <div CLASS="filters">
                { select_one("group", "Group", GroupBy::ALL.iter().map(|g| (g.as_str(), g.label())).collect(), q.group.as_str(),
                    act, |v| Action::SetGroup(GroupBy::from_name(v).unwrap_or_default())) }
                { select_one("sort", "Sort", SortBy::ALL.iter().map(|s| (s.as_str(), s.label())).collect(), q.sort.as_str(),
                    act, |v| Action::SetSort(SortBy::from_name(v).unwrap_or_default())) }
                { select_one("show", "Show", vec![("counted", "Counted"), ("hidden", "Suppressed / ignored"), ("all", "All")], q.show.as_str(),
                    act, |v| Action::SetShow(Show::from_name(v).unwrap_or_default())) }
                <label CLASS="ctl check" for="merge">
                    <input id="merge" type="checkbox" checked={merge}
                        onchange={send(act, Action::SetMerge(!merge))} />
                    { "One row per vulnerability across targets" }
                </label>
                <div CLASS="actions">
                    <button type="button" id="expand-all" onclick={send(act, Action::ExpandAll)}>{ "Expand all" }</button>
                    <button type="button" id="collapse-all" onclick={send(act, Action::CollapseAll)}>{ "Collapse all" }</button>
                    <button type="button" onclick={send(act, Action::PickShown)} title="Select every shown finding">{ "Select shown" }</button>
                    if !s.picked.is_empty() {
                        <button type="button" onclick={send(act, Action::ClearPicks)}>{ format!("Unselect {}", s.picked.len()) }</button>
                    }
                    <button type="button" onclick={send(act, Action::Export(ExportKind::Text))}
                        title="Selected findings (or all shown) as .trivyignore lines">{ ".trivyignore" }</button>
                    <button type="button" onclick={send(act, Action::Export(ExportKind::Yaml))}
                        title="Selected findings (or all shown) as .trivyignore.yaml entries">{ ".trivyignore.yaml" }</button>
                </div>
            </div>
            <div CLASS="facets">
                <div CLASS="facet" role="group" aria-label="Fix state">
                    <span CLASS="fname">{ "Fix" }</span>
                    { each([Fix::Fixable, Fix::Unfixed].into_iter().map(|f| {
                        let on = q.fix == f;
                        chip(f.as_str().into(), s.facets.fix(f), on, send(act, Action::SetFix(if on { Fix::Any } else { f })))
                    })) }
                </div>
                { facet("Status", ListFilter::Status, s, d, act) }
                { facet("Class", ListFilter::Class, s, d, act) }
                { facet("Type", ListFilter::Type, s, d, act) }
                { targets(s, d, act) }
            </div>
            </div>
            { active(s, act) }
        </div>
    }
}
