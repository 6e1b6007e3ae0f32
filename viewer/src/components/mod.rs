//! The views, one part of the page each. Each is a function from the state (or the part of it
//! it shows) to markup, sending [`Action`](crate::state::Action)s through one callback; only
//! the root [`App`](crate::app::App) is a Yew component, since every further component type
//! adds its own copy of Yew's component machinery to the wasm and these parts all change
//! together.
//!
//! - `header.rs`: title, gate verdict and the counts that filter by severity and kind;
//! - `controls.rs`: search, grouping, sorting, filters, selection and export buttons;
//! - `list.rs`: the windowed list, and `row.rs`: one line of it;
//! - `detail.rs`: the panel for one finding;
//! - `export.rs`: the `.trivyignore` dialog;
//! - `empty.rs`: what a report without findings shows instead of the list;
//! - `highlight.rs`: search matches marked in text.
//!
//! HTML elements take their class as `CLASS`, never `class`. `html!` passes a computed `class`
//! through Yew's `Classes`, an `IndexSet` that splits, hashes and joins the names again, and
//! that code (with its own hashbrown and the set's hasher) is about 2.8 KB of the gzipped wasm.
//! Any other name is set as it is with `setAttribute`, which folds it to lower case on an HTML
//! element. Literal classes are written `CLASS` too: when Yew patches an element built by
//! another `html!` site it removes the attribute names the new one lacks, so one element must
//! not get its class under both spellings. SVG elements are not folded; see `header::rect`.

pub mod controls;
pub mod detail;
pub mod empty;
pub mod export;
pub mod header;
pub mod highlight;
pub mod list;
pub mod row;

use crate::state::Action;
use yew::virtual_dom::VList;
use yew::{Callback, Html};

/// A callback that sends `a` on any event. Each `reform` closure is its own copy of Yew's
/// callback code in the wasm; the buttons that send a fixed action share this one (per event
/// type).
pub fn send<E: 'static>(act: &Callback<Action>, a: Action) -> Callback<E> {
    let act = act.clone();
    Callback::from(move |_: E| act.emit(a.clone()))
}

/// The nodes of `it` as one list. `{ for … }` compiles a collect loop (`fold`, `extend`,
/// `from_iter`) for every iterator type it is given; through [`list`] every list of the views
/// shares one loop, and each iterator adds only its `next`.
pub fn each(mut it: impl Iterator<Item = Html>) -> Html {
    list(&mut || it.next())
}

#[inline(never)]
fn list(next: &mut dyn FnMut() -> Option<Html>) -> Html {
    let mut nodes = Vec::new();
    while let Some(n) = next() {
        nodes.push(n);
    }
    VList::with_children(nodes, None).into()
}
