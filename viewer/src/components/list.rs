//! The windowed grid: a header row of columns that sort on click (the sort shown with
//! `aria-sort`), then only the lines on screen (and a few around them) in the DOM. A spacer as
//! tall as all lines gives the scrollbar its true length, and the rendered window is moved to
//! where its lines belong; both are placed after each render. Rows and cells carry grid roles,
//! so assistive technology reads it as a grid of `aria-rowcount` rows.

use super::button;
use super::row::{self, COLUMNS};
use crate::data::Data;
use crate::dom::{h, Node, NodeRef, On};
use crate::state::{Action, State, ROW_H};
use scanlens_model::view::{parse_terms, SortBy};
use scanlens_model::Kind;
use web_sys::HtmlElement;

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

fn column_headers(s: &State) -> Node {
    let (pkg, ver) = part_labels(s);
    let cells = COLUMNS.iter().map(|&(class, label, sort)| {
        let label = match class {
            "c-pkg" => pkg,
            "c-ver" => ver,
            _ => label,
        };
        let cell = h("span")
            .attr("role", "columnheader")
            .class(format!("ch {class}"));
        let Some(by) = sort else {
            return cell.child(label).into();
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
        cell.attr("aria-sort", aria_sort)
            .child(
                button()
                    .class("sortby")
                    .attr("data-sort", by.as_str())
                    .attr("title", format!("Sort by {}", SortBy::label(by)))
                    .click(Action::SortColumn(by))
                    .child(label)
                    .child(h("span").attr("aria-hidden", "true").child(arrow)),
            )
            .into()
    });
    h("div")
        .class("colheads")
        .attr("role", "rowgroup")
        .child(
            h("div")
                .class("line colhead")
                .attr("role", "row")
                .attr("aria-rowindex", "1")
                .child(
                    h("span")
                        .attr("role", "columnheader")
                        .class("ch c-pick")
                        .child(h("span").class("visually-hidden").child("Select")),
                )
                .kids(cells),
        )
        .into()
}

pub fn view(s: &State, d: &Data, refs: &ListRefs) -> Node {
    let (start, end) = s.visible_range();
    let rows = (start..end).map(|n| row::view(s, d, n));
    let list = h("div")
        .class("list")
        .node_ref(&refs.list)
        .on("scroll", On::ScrollTop(Action::Scrolled))
        .attr("role", "grid")
        .attr("aria-rowcount", (s.lines.len() + 1).to_string())
        .attr("aria-colcount", (COLUMNS.len() + 1).to_string())
        .attr("aria-label", "Findings")
        .attr("tabindex", "0")
        .child(column_headers(s))
        .child(
            h("div")
                .class("spacer")
                .attr("role", "none")
                .node_ref(&refs.spacer)
                .child(
                    h("div")
                        .class("window")
                        .attr("role", "rowgroup")
                        .node_ref(&refs.window)
                        .kids(rows),
                ),
        );
    let none = s.lines.is_empty().then(|| {
        // `package:openssl` finds no `openssl-libs`: a field term that found nothing says how
        // it differs from a plain one.
        let whole = !parse_terms(&s.query.q).fields.is_empty();
        h("p")
            .class("none")
            .child("No findings match. ")
            .child(whole.then(|| {
                Node::from("An id: or package: term matches a whole ID or package name; without the field name the search finds part of one. ")
            }))
            .child(button().click(Action::ClearFilters).child("Clear filters"))
            .into()
    });
    h("div").class("grid-wrap").child(list).child(none).into()
}
