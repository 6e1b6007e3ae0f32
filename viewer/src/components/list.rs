//! The windowed list: only the lines on screen (and a few around them) exist in the DOM. A
//! spacer as tall as all lines gives the scrollbar its true length, and the rendered window is
//! moved to where its lines belong; both are placed after each render.

use super::row;
use crate::data::Data;
use crate::state::{Action, State, ROW_H};
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

    /// The list's visible height (px), once it is in the page.
    pub fn height(&self) -> Option<f64> {
        self.list
            .cast::<HtmlElement>()
            .map(|el| el.client_height() as f64)
    }

    pub fn scroll_to(&self, top: f64) {
        if let Some(el) = self.list.cast::<HtmlElement>() {
            el.set_scroll_top(top.max(0.0) as i32);
        }
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
        <div class="list" ref={refs.list.clone()} {onscroll}
            role="grid" aria-rowcount={s.lines.len().to_string()} aria-label="Findings" tabindex="0">
            <div class="spacer" ref={refs.spacer.clone()}>
                <div class="window" ref={refs.window.clone()}>
                    { for rows }
                </div>
            </div>
            if s.lines.is_empty() {
                <p class="none">{ "No findings match. " }
                    <button type="button" onclick={act.reform(|_| Action::ClearFilters)}>{ "Clear filters" }</button></p>
            }
        </div>
    }
}
