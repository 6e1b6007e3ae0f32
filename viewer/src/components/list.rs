//! The windowed grid: a header row of columns that sort on click (the sort shown with
//! `aria-sort`), then only the lines on screen (and a few around them) in the DOM. A spacer as
//! tall as all lines gives the scrollbar its true length, and the rendered window is moved to
//! where its lines belong; both are placed after each render. Rows and cells carry grid roles,
//! so assistive technology reads it as a grid of `aria-rowcount` rows.

use super::row::{self, COLUMNS};
use super::{each, send};
use crate::data::Data;
use crate::state::{Action, State, ROW_H};
use scanlens_model::view::SortBy;
use scanlens_model::Kind;
use web_sys::HtmlElement;
use yew::prelude::*;

/// The list's elements, which the app reads (height, scroll offset) and places.
#[derive(Default)]
pub struct ListRefs {
    pub list: NodeRef,
    spacer: NodeRef,
    window: NodeRef,
}

impl ListRefs {
    /// Sizes the spacer and moves the window for state `s`. Through the CSSOM, not `style`
    /// attributes: the page's CSP forbids inline style attributes but not script-set styles.
    pub fn place(&self, s: &State) {
        if let Some(el) = self.spacer.cast::<HtmlElement>() {
            let _ = el.style().set_property(
                "height",
                &format!("{}px", (s.lines.len() as f64 * ROW_H) as u64),
            );
        }
        if let Some(el) = self.window.cast::<HtmlElement>() {
            let (start, _) = s.visible_range();
            let _ = el.style().set_property(
                "transform",
                &format!("translateY({}px)", (start as f64 * ROW_H) as u64),
            );
        }
    }

    /// The height lines have to show in (px): the list's, less its sticky column header row
    /// (one line tall), once it is in the page.
    pub fn height(&self) -> Option<f64> {
        self.list
            .cast::<HtmlElement>()
            .map(|el| (el.client_height() as f64 - ROW_H).max(ROW_H))
    }

    pub fn scroll_to(&self, top: f64) {
        if let Some(el) = self.list.cast::<HtmlElement>() {
            el.set_scroll_top(top.max(0.0) as i32);
        }
    }
}

/// The labels of the package and version columns: what they hold for the kinds shown.
fn part_labels(s: &State) -> (&'static str, &'static str) {
    match s.query.kinds.as_slice() {
        [Kind::Misconfiguration] => ("Resource", "Lines"),
        [Kind::Secret] => ("Category", "Lines"),
        [Kind::License] => ("Package", "License"),
        [Kind::Vulnerability] => ("Package", "Installed → upgrade"),
        _ => ("Package / resource", "Version / lines"),
    }
}

fn column_headers(s: &State, act: &Callback<Action>) -> Html {
    let (pkg, ver) = part_labels(s);
    let cells = COLUMNS.iter().map(|&(class, label, sort)| {
        let label = match class {
            "c-pkg" => pkg,
            "c-ver" => ver,
            _ => label,
        };
        let Some(by) = sort else {
            return html! { <span role="columnheader" CLASS={format!("ch {class}")}>{ label }</span> };
        };
        let active = s.query.sort == by;
        let aria_sort = if !active {
            "none"
        } else if by.descending() != s.query.reverse {
            "descending"
        } else {
            "ascending"
        };
        let arrow = match aria_sort {
            "descending" => " ▼",
            "ascending" => " ▲",
            _ => "",
        };
        html! {
            <span role="columnheader" CLASS={format!("ch {class}")} aria-sort={aria_sort}>
                <button type="button" CLASS="sortby" data-sort={by.as_str()}
                    title={format!("Sort by {}", SortBy::label(by))}
                    onclick={send(act, Action::SortColumn(by))}>
                    { label }<span aria-hidden="true">{ arrow }</span>
                </button>
            </span>
        }
    });
    html! {
        <div CLASS="colheads" role="rowgroup">
            <div CLASS="line colhead" role="row" aria-rowindex="1">
                <span role="columnheader" CLASS="ch c-pick"><span CLASS="visually-hidden">{ "Select" }</span></span>
                { each(cells) }
            </div>
        </div>
    }
}

pub fn view(s: &State, d: &Data, refs: &ListRefs, act: &Callback<Action>) -> Html {
    let (start, end) = s.visible_range();
    let rows = (start..end).map(|n| row::view(s, d, n, act));
    let list = refs.list.clone();
    let onscroll = act.reform(move |_| {
        Action::Scrolled(
            list.cast::<HtmlElement>()
                .map_or(0.0, |e| e.scroll_top() as f64),
        )
    });
    html! {
        <div CLASS="grid-wrap">
            <div CLASS="list" ref={refs.list.clone()} {onscroll}
                role="grid" aria-rowcount={(s.lines.len() + 1).to_string()} aria-colcount={(COLUMNS.len() + 1).to_string()}
                aria-label="Findings" tabindex="0">
                { column_headers(s, act) }
                <div CLASS="spacer" role="none" ref={refs.spacer.clone()}>
                    <div CLASS="window" role="rowgroup" ref={refs.window.clone()}>
                        { each(rows) }
                    </div>
                </div>
            </div>
            if s.lines.is_empty() {
                <p CLASS="none">{ "No findings match. " }
                    <button type="button" onclick={send(act, Action::ClearFilters)}>{ "Clear filters" }</button></p>
            }
        </div>
    }
}
