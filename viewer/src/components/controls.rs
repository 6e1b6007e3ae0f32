//! The controls above the list: the search box with its "N of M" count, the grouping, sort,
//! fix and scope selects, the multi-value filters, and the selection and export buttons.

use crate::data::Data;
use crate::state::{Action, ExportKind, ListFilter, State};
use scanlens_model::view::{Fix, GroupBy, Show, SortBy};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

fn select_one(
    id: &'static str,
    label: &'static str,
    opts: Vec<(&'static str, &'static str)>,
    cur: &'static str,
    cb: Callback<String>,
) -> Html {
    html! {
        <label class="ctl" for={id}>{ label }
            <select id={id} onchange={cb.reform(|e: Event| { let s: HtmlSelectElement = e.target_unchecked_into(); s.value() })}>
                { for opts.into_iter().map(|(v, l)| html!{ <option value={v} selected={v == cur}>{ l }</option> }) }
            </select>
        </label>
    }
}

/// A multi-select over the report's own values; left out when there is nothing to choose.
fn multi(
    id: &'static str,
    label: &'static str,
    which: ListFilter,
    values: &[(String, usize)],
    cur: &[String],
    act: &Callback<Action>,
) -> Html {
    if values.len() < 2 && cur.is_empty() {
        return html! {};
    }
    let cb = act.reform(move |e: Event| {
        let s: HtmlSelectElement = e.target_unchecked_into();
        let opts = s.selected_options();
        let v = (0..opts.length())
            .filter_map(|n| opts.item(n))
            .filter_map(|o| o.get_attribute("value"))
            .filter(|v| !v.is_empty())
            .collect();
        Action::SetList(which, v)
    });
    html! {
        <label class="ctl multi" for={id}>{ label }
            <select id={id} multiple=true size="3" onchange={cb}>
                { for values.iter().map(|(v, n)| html!{ <option value={v.clone()} selected={cur.contains(v)}>{ format!("{v} ({n})") }</option> }) }
            </select>
        </label>
    }
}

pub fn view(s: &State, d: &Data, search: &NodeRef, act: &Callback<Action>) -> Html {
    let q = &s.query;
    let oninput = act.reform(|e: InputEvent| {
        let i: HtmlInputElement = e.target_unchecked_into();
        Action::Search(i.value())
    });
    html! {
        <div class="controls" role="search">
            <div class="searchbox">
                <label for="q" class="visually-hidden">{ "Search findings" }</label>
                <input id="q" type="search" ref={search.clone()} value={q.q.clone()}
                    placeholder="Search ID, package, PURL, title, description, target, path  ( / )"
                    autocomplete="off" spellcheck="false" {oninput} />
                <output class="count-of" aria-live="polite" for="q">
                    { format!("{} of {} findings", s.selected.len(), s.scope) }
                </output>
            </div>
            <div class="filters">
                { select_one("group", "Group", GroupBy::ALL.iter().map(|g| (g.as_str(), g.label())).collect(), q.group.as_str(),
                    act.reform(|v: String| Action::SetGroup(GroupBy::from_name(&v).unwrap_or_default()))) }
                { select_one("sort", "Sort", SortBy::ALL.iter().map(|s| (s.as_str(), s.label())).collect(), q.sort.as_str(),
                    act.reform(|v: String| Action::SetSort(SortBy::from_name(&v).unwrap_or_default()))) }
                { select_one("fix", "Fix", vec![("any", "Any"), ("fixable", "Fixable"), ("unfixed", "Unfixed")], q.fix.as_str(),
                    act.reform(|v: String| Action::SetFix(Fix::from_name(&v).unwrap_or_default()))) }
                { select_one("show", "Show", vec![("counted", "Counted"), ("hidden", "Suppressed / ignored"), ("all", "All")], q.show.as_str(),
                    act.reform(|v: String| Action::SetShow(Show::from_name(&v).unwrap_or_default()))) }
                { multi("f-status", "Status", ListFilter::Status, &d.statuses, &q.statuses, act) }
                { multi("f-class", "Class", ListFilter::Class, &d.classes, &q.classes, act) }
                { multi("f-type", "Type", ListFilter::Type, &d.types, &q.pkg_types, act) }
                { multi("f-target", "Target", ListFilter::Target, &d.targets, &q.targets, act) }
                <div class="actions">
                    if !q.is_unfiltered() {
                        <button type="button" onclick={act.reform(|_| Action::ClearFilters)}>{ "Clear filters" }</button>
                    }
                    <button type="button" onclick={act.reform(|_| Action::PickShown)} title="Select every shown finding">{ "Select shown" }</button>
                    if !s.picked.is_empty() {
                        <button type="button" onclick={act.reform(|_| Action::ClearPicks)}>{ format!("Unselect {}", s.picked.len()) }</button>
                    }
                    <button type="button" onclick={act.reform(|_| Action::Export(ExportKind::Text))}
                        title="Selected findings (or all shown) as .trivyignore lines">{ ".trivyignore" }</button>
                    <button type="button" onclick={act.reform(|_| Action::Export(ExportKind::Yaml))}
                        title="Selected findings (or all shown) as .trivyignore.yaml entries">{ ".trivyignore.yaml" }</button>
                </div>
            </div>
        </div>
    }
}
