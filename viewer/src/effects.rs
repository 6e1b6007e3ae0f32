//! The page side of the reducer: what it is told about the page (the URL hash, a key press) and
//! the [`Effect`]s it returns, performed here on the DOM.

use crate::components::list::ListRefs;
use crate::dom::NodeRef;
use crate::state::{Effect, Keystroke, Target};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlInputElement, KeyboardEvent};

pub fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

/// The URL hash, with its `#`.
pub fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// A key press as the reducer sees it.
pub fn keystroke(e: &KeyboardEvent) -> Keystroke {
    let el = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let target = el.map_or(Target::Page, |el| match Target::of_tag(&el.tag_name()) {
        Target::Page if el.closest(".detail, .export").ok().flatten().is_some() => Target::Panel,
        t => t,
    });
    Keystroke {
        key: e.key(),
        target,
        modified: e.ctrl_key() || e.meta_key() || e.alt_key(),
    }
}

/// What effects act on: the list, the search box, and the key press being handled, if any.
pub struct Page<'a> {
    pub list: &'a ListRefs,
    pub search: &'a NodeRef,
    pub key: Option<&'a KeyboardEvent>,
}

pub fn perform(effect: Effect, page: &Page) {
    match effect {
        Effect::PreventDefault => {
            if let Some(e) = page.key {
                e.prevent_default();
            }
        }
        Effect::SetHash { hash, push } => write_hash(&hash, push),
        Effect::ScrollList(top) => page.list.scroll_to(top),
        Effect::FocusSearch => {
            if let Some(i) = page.search.cast::<HtmlInputElement>() {
                let _ = i.focus();
                i.select();
            }
        }
        Effect::BlurSearch => {
            if let Some(i) = page.search.cast::<HtmlInputElement>() {
                let _ = i.blur();
            }
        }
        Effect::Copy(text) => {
            let _ = window().navigator().clipboard().write_text(&text);
        }
        Effect::ToggleTheme => crate::theme::toggle(),
        // Need the new element in the page: the app performs them after rendering.
        Effect::FocusCursor => focus_cursor(),
        Effect::FocusId(id) => focus_id(id),
    }
}

/// Focuses the element with ID `id`, if the page has it.
pub fn focus_id(id: &str) {
    let el = window()
        .document()
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// Scrolls the element with ID `id` back to its top, if the page has it.
pub fn scroll_to_top(id: &str) {
    if let Some(el) = window().document().and_then(|d| d.get_element_by_id(id)) {
        el.set_scroll_top(0);
    }
}

/// Focuses the highlighted line's control (a finding's ID, a group's toggle), so that focus and
/// the highlight move together and screen readers announce the line.
pub fn focus_cursor() {
    let el = window()
        .document()
        .and_then(|d| {
            d.query_selector(".line.cursor .fid, .line.cursor .toggle")
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}

/// Writes `h` (no `#`) to the URL hash unless it is there already; `push` adds a history entry.
pub fn write_hash(h: &str, push: bool) {
    if current_hash().trim_start_matches('#') == h {
        return;
    }
    let url = if h.is_empty() {
        // An empty fragment keeps the page URL without a trailing `#`.
        let loc = window().location();
        format!(
            "{}{}",
            loc.pathname().unwrap_or_default(),
            loc.search().unwrap_or_default()
        )
    } else {
        format!("#{h}")
    };
    if let Ok(hist) = window().history() {
        let _ = if push {
            hist.push_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            hist.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
}
