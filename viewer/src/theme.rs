//! The light or dark theme: a `data-theme` attribute on the root element, remembered in local
//! storage. Without a choice, the system preference applies through the CSS alone.

use crate::effects::window;

const KEY: &str = "scanlens-theme";

fn root() -> Option<web_sys::Element> {
    window().document()?.document_element()
}

/// Applies a theme chosen earlier: it wins over the system preference.
pub fn restore() {
    if let Ok(Some(store)) = window().local_storage() {
        if let Ok(Some(t)) = store.get_item(KEY) {
            if t == "dark" || t == "light" {
                if let Some(el) = root() {
                    let _ = el.set_attribute("data-theme", &t);
                }
            }
        }
    }
}

/// Switches to the other theme than the one showing, and remembers the choice.
pub fn toggle() {
    let dark_now = match root()
        .and_then(|el| el.get_attribute("data-theme"))
        .as_deref()
    {
        Some("dark") => true,
        Some("light") => false,
        _ => window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches()),
    };
    let next = if dark_now { "light" } else { "dark" };
    if let Some(el) = root() {
        let _ = el.set_attribute("data-theme", next);
    }
    if let Ok(Some(store)) = window().local_storage() {
        let _ = store.set_item(KEY, next);
    }
}
